//! Calendar months and the US federal fiscal year, which runs October to
//! September: October 2013 is in fiscal year 2014.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The English three-letter month names, upper case, as CBP writes them.
const ABBREVIATIONS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// A calendar month (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    /// The month `month` (1 to 12) of `year`, or `None` out of range.
    pub fn new(year: i32, month: u8) -> Option<Month> {
        ((1..=12).contains(&month) && (1..=9999).contains(&year)).then_some(Month { year, month })
    }

    /// The month named `abbrev` (`JAN` … `DEC`, or the full English name,
    /// any case) of fiscal year `fiscal_year`.
    pub fn in_fiscal_year(fiscal_year: i32, abbrev: &str) -> Option<Month> {
        let month = month_number(abbrev)?;
        let year = if month >= 10 {
            fiscal_year - 1
        } else {
            fiscal_year
        };
        Month::new(year, month)
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The fiscal year it belongs to.
    pub fn fiscal_year(self) -> i32 {
        if self.month >= 10 {
            self.year + 1
        } else {
            self.year
        }
    }

    /// Its three-letter name, as CBP writes it.
    pub fn abbreviation(self) -> &'static str {
        ABBREVIATIONS[usize::from(self.month - 1)]
    }

    /// The month after this one.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Month) -> i64 {
        later.ordinal() - self.ordinal()
    }

    fn ordinal(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month - 1)
    }

    /// Its first second, seconds since the epoch.
    pub fn start_s(self) -> i64 {
        days_from_civil(i64::from(self.year), i64::from(self.month), 1) * 86_400
    }

    /// The month holding `at_s`, seconds since the epoch.
    pub fn of(at_s: i64) -> Month {
        let (y, m) = civil_month(at_s.div_euclid(86_400));
        Month {
            year: y.clamp(1, 9999) as i32,
            month: m as u8,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Month {
    type Err = String;

    /// `YYYY-MM`.
    fn from_str(text: &str) -> Result<Month, String> {
        let bad = || format!("{text:?} is not a month (YYYY-MM)");
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

/// The number of the month named `name` (three letters or in full, any
/// case).
pub fn month_number(name: &str) -> Option<u8> {
    let name = name.trim();
    let head = name.get(..3)?.to_ascii_uppercase();
    let index = ABBREVIATIONS.iter().position(|a| *a == head)?;
    const FULL: [&str; 12] = [
        "JANUARY",
        "FEBRUARY",
        "MARCH",
        "APRIL",
        "MAY",
        "JUNE",
        "JULY",
        "AUGUST",
        "SEPTEMBER",
        "OCTOBER",
        "NOVEMBER",
        "DECEMBER",
    ];
    let upper = name.to_ascii_uppercase();
    (upper.len() == 3 || FULL[index] == upper).then(|| index as u8 + 1)
}

/// Days since the epoch of a proleptic Gregorian date (Hinnant's
/// algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month) of a day since the epoch.
fn civil_month(z: i64) -> (i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fiscal_year_starts_in_october_of_the_year_before() {
        let oct = Month::in_fiscal_year(2014, "OCT").expect("month");
        assert_eq!((oct.year(), oct.month()), (2013, 10));
        assert_eq!(oct.fiscal_year(), 2014);
        let sep = Month::in_fiscal_year(2014, "September").expect("month");
        assert_eq!(
            (sep.year(), sep.month(), sep.fiscal_year()),
            (2014, 9, 2014)
        );
        assert_eq!(Month::in_fiscal_year(2014, "SEPT"), None);
        assert_eq!(Month::in_fiscal_year(2014, "XYZ"), None);
        assert_eq!(Month::in_fiscal_year(2014, ""), None);
    }

    #[test]
    fn months_count_and_map_to_seconds_and_back() {
        let jan = Month::new(2024, 1).expect("month");
        assert_eq!(jan.start_s(), 1_704_067_200);
        assert_eq!(Month::of(jan.start_s()), jan);
        assert_eq!(
            Month::of(jan.start_s() - 1),
            Month::new(2023, 12).expect("month")
        );
        assert_eq!(Month::new(2023, 12).expect("month").next(), jan);
        assert_eq!(jan.months_until(Month::new(2025, 3).expect("month")), 14);
        assert_eq!(jan.to_string(), "2024-01");
        assert_eq!("2024-01".parse::<Month>(), Ok(jan));
        assert!("2024-13".parse::<Month>().is_err());
        assert_eq!(Month::new(2024, 0), None);
    }
}
