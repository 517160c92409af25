//! CoT timestamps: ISO-8601 UTC text on the XML wire, milliseconds since the
//! Unix epoch in TAK protocol v1, microseconds inside watchfloor.

use std::fmt;

/// An instant in UTC, stored as microseconds since 1970-01-01T00:00:00Z.
///
/// Microseconds keep what pytak sends (`%f`, six digits); ATAK sends three.
/// Conversion to the protobuf form truncates to milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(i64);

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The text is not `YYYY-MM-DDThh:mm:ss[.f+][Z|±hh:mm]`.
    #[error("malformed timestamp")]
    Malformed,
    /// A field is out of range (month 13, minute 61, ...).
    #[error("timestamp field out of range")]
    OutOfRange,
}

const MICROS_PER_SEC: i64 = 1_000_000;

/// Where "now" comes from. Pure crates never read the wall clock: they
/// take a [`Time`] argument, or a `Clock` when they run on their own (a
/// writer thread pruning history). The shell owns the one implementation
/// that reads the system clock; tests pass a fixed or stepped one.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Time;
}

/// A clock that always says the same instant (tests, replays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub Time);

impl Clock for FixedClock {
    fn now(&self) -> Time {
        self.0
    }
}

impl Time {
    /// The Unix epoch.
    pub const EPOCH: Time = Time(0);

    /// From microseconds since the epoch.
    pub const fn from_micros(us: i64) -> Self {
        Time(us)
    }

    /// From milliseconds since the epoch (the TAK protocol v1 unit).
    pub const fn from_millis(ms: i64) -> Self {
        Time(ms.saturating_mul(1000))
    }

    /// Microseconds since the epoch.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// Milliseconds since the epoch, rounded towards negative infinity.
    pub const fn millis(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This instant moved by `secs` seconds (negative moves back).
    pub const fn plus_secs(self, secs: i64) -> Self {
        Time(self.0.saturating_add(secs.saturating_mul(MICROS_PER_SEC)))
    }

    /// This instant moved by `ms` milliseconds.
    pub const fn plus_millis(self, ms: i64) -> Self {
        Time(self.0.saturating_add(ms.saturating_mul(1000)))
    }

    /// Reads the forms real clients send: `2020-12-24T18:16:22Z`,
    /// `2020-12-24T18:16:22.325Z`, `...22.325123Z`, `...22.4Z`, a
    /// lower-case `t`/`z`, a space instead of `T`, and a numeric offset
    /// (`+00:00`, `-0500`). Digits past microseconds are truncated.
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let b = text.trim().as_bytes();
        let num = |s: &[u8]| -> Result<i64, TimeError> {
            if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
                return Err(TimeError::Malformed);
            }
            Ok(s.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
        };
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(TimeError::Malformed);
        }
        let (year, month, day) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
        let (hour, min, sec) = (num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || min > 59
            || sec > 60
        {
            return Err(TimeError::OutOfRange);
        }
        let mut rest = &b[19..];
        let mut micros = 0i64;
        if let Some((b'.', frac)) = rest.split_first() {
            let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(TimeError::Malformed);
            }
            for i in 0..6 {
                micros = micros * 10
                    + frac
                        .get(i)
                        .filter(|_| i < digits)
                        .map_or(0, |d| i64::from(d - b'0'));
            }
            rest = &frac[digits..];
        }
        let offset_secs = match rest {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), tail @ ..] => {
                let (h, m) = match tail {
                    [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                        (num(&[*h1, *h2])?, num(&[*m1, *m2])?)
                    }
                    [h1, h2] => (num(&[*h1, *h2])?, 0),
                    _ => return Err(TimeError::Malformed),
                };
                if h > 23 || m > 59 {
                    return Err(TimeError::OutOfRange);
                }
                let s = h * 3600 + m * 60;
                if *sign == b'+' {
                    s
                } else {
                    -s
                }
            }
            _ => return Err(TimeError::Malformed),
        };
        // Every field was checked to fit its range above (two or four digits).
        let local = Time::from_civil(Civil {
            year: year as i32,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: min as u8,
            second: sec as u8,
            micros: micros as u32,
        })?;
        Ok(local.plus_secs(-offset_secs))
    }

    /// The instant of a UTC calendar date and time of day (proleptic
    /// Gregorian). Second 60 is accepted, for a leap second, and counts
    /// as the first second of the next minute: Unix time has no leap
    /// seconds.
    pub fn from_civil(c: Civil) -> Result<Self, TimeError> {
        let (year, month, day) = (i64::from(c.year), i64::from(c.month), i64::from(c.day));
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || c.hour > 23
            || c.minute > 59
            || c.second > 60
            || i64::from(c.micros) >= MICROS_PER_SEC
        {
            return Err(TimeError::OutOfRange);
        }
        let secs = days_from_civil(year, month, day) * 86_400
            + i64::from(c.hour) * 3600
            + i64::from(c.minute) * 60
            + i64::from(c.second);
        secs.checked_mul(MICROS_PER_SEC)
            .and_then(|us| us.checked_add(i64::from(c.micros)))
            .map(Time)
            .ok_or(TimeError::OutOfRange)
    }

    /// This instant as a UTC calendar date and time of day.
    pub fn civil(self) -> Civil {
        let secs = self.0.div_euclid(MICROS_PER_SEC);
        let sod = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        // i64 microseconds span about ±292,000 years, so every field fits.
        Civil {
            year: year as i32,
            month: month as u8,
            day: day as u8,
            hour: (sod / 3600) as u8,
            minute: (sod % 3600 / 60) as u8,
            second: (sod % 60) as u8,
            micros: self.0.rem_euclid(MICROS_PER_SEC) as u32,
        }
    }
}

/// A UTC calendar date and time of day, the proleptic Gregorian calendar
/// every CoT and sensor timestamp is written in. The one calendar of the
/// workspace: convert with [`Time::from_civil`] and [`Time::civil`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Civil {
    /// Year, e.g. 2024 (0 is 1 BC; negative years count further back).
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 59 (60 accepted on input, for a leap second).
    pub second: u8,
    /// Microseconds into the second, 0 to 999,999.
    pub micros: u32,
}

impl fmt::Display for Time {
    /// `YYYY-MM-DDThh:mm:ss.sssZ`, with six fractional digits only when
    /// the instant is not a whole millisecond.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.civil();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )?;
        let micros = c.micros;
        if micros.is_multiple_of(1000) {
            write!(f, ".{:03}Z", micros / 1000)
        } else {
            write!(f, ".{micros:06}Z")
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// well-known algorithm, written from its description).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_clients_send() {
        let ms = Time::parse("2024-01-01T00:00:00Z").map(Time::millis);
        assert_eq!(ms, Ok(1_704_067_200_000));
        let atak = Time::parse("2020-12-24T18:16:22.325Z").map(Time::micros);
        assert_eq!(atak, Ok(1_608_833_782_325_000));
        let pytak = Time::parse("2020-12-24T18:16:22.325123Z").map(Time::micros);
        assert_eq!(pytak, Ok(1_608_833_782_325_123));
        let one_digit = Time::parse("2020-12-24T18:16:22.4Z").map(Time::micros);
        assert_eq!(one_digit, Ok(1_608_833_782_400_000));
        let offset = Time::parse("2020-12-24T19:16:22+01:00").map(Time::millis);
        assert_eq!(offset, Ok(1_608_833_782_000));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "2020",
            "2020-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2020-01-01T00:00:00Q",
            "2020-01-01T00:00:00.",
        ] {
            assert!(Time::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_millis_or_micros() {
        assert_eq!(
            Time::from_millis(1_608_833_782_325).to_string(),
            "2020-12-24T18:16:22.325Z"
        );
        assert_eq!(
            Time::from_micros(1_608_833_782_325_123).to_string(),
            "2020-12-24T18:16:22.325123Z"
        );
        assert_eq!(
            Time::from_millis(-1).to_string(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    fn civil(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Civil {
        Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros: 0,
        }
    }

    #[test]
    fn civil_fields_of_known_instants() {
        let leap_day = Time::from_civil(Civil {
            micros: 789_000,
            ..civil(2024, 2, 29, 12, 34, 56)
        });
        assert_eq!(leap_day.map(Time::micros), Ok(1_709_210_096_789_000));
        assert_eq!(
            Time::from_civil(civil(1970, 1, 1, 0, 0, 0)),
            Ok(Time::EPOCH)
        );
        assert_eq!(
            Time::from_micros(-1).civil(),
            Civil {
                micros: 999_999,
                ..civil(1969, 12, 31, 23, 59, 59)
            }
        );
        assert_eq!(
            Time::from_millis(951_782_400_000).civil(),
            civil(2000, 2, 29, 0, 0, 0)
        );
        // A leap second is the first second of the next minute.
        assert_eq!(
            Time::from_civil(civil(2016, 12, 31, 23, 59, 60)),
            Time::from_civil(civil(2017, 1, 1, 0, 0, 0))
        );
    }

    #[test]
    fn civil_round_trips_and_rejects_impossible_dates() {
        for us in [
            0,
            1,
            -1,
            1_608_833_782_325_123,
            4_102_444_799_999_999,
            -62_135_596_800_000_000, // 0001-01-01
            253_402_300_799_999_999, // 9999-12-31T23:59:59.999999
        ] {
            let t = Time::from_micros(us);
            assert_eq!(Time::from_civil(t.civil()), Ok(t), "{us}");
        }
        for bad in [
            civil(2023, 2, 29, 0, 0, 0),
            civil(1900, 2, 29, 0, 0, 0),
            civil(2024, 4, 31, 0, 0, 0),
            civil(2024, 0, 1, 0, 0, 0),
            civil(2024, 13, 1, 0, 0, 0),
            civil(2024, 1, 0, 0, 0, 0),
            civil(2024, 1, 1, 24, 0, 0),
            civil(2024, 1, 1, 0, 60, 0),
            civil(2024, 1, 1, 0, 0, 61),
            Civil {
                micros: 1_000_000,
                ..civil(2024, 1, 1, 0, 0, 0)
            },
            civil(i32::MAX, 1, 1, 0, 0, 0),
        ] {
            assert_eq!(Time::from_civil(bad), Err(TimeError::OutOfRange), "{bad:?}");
        }
        assert!(Time::from_civil(civil(2000, 2, 29, 0, 0, 0)).is_ok());
    }
}
