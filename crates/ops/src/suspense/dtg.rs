//! Date-time groups as staffs write them (`221200Z JAN 25`): the instant
//! every order and suspense is stated in.

use cot::Time;

/// Why a date-time group did not read: the text as given and what is
/// wrong with it, so a staff officer can fix the line without guessing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date-time group (DDHHMMZ MON YY) {text:?}: {reason}")]
pub struct DtgError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// A cursor over the DTG text. Spaces are allowed only between the
/// fields staffs separate (day / time, time zone / month, month / year),
/// so a digit split across fields (`2 21200Z`) is still refused.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start();
    }

    /// The next `n` bytes if they are all ASCII and satisfy `ok`.
    fn take(&mut self, n: usize, ok: fn(&u8) -> bool) -> Option<&'a str> {
        let head = self.rest.get(..n)?;
        if !head.as_bytes().iter().all(ok) {
            return None;
        }
        self.rest = &self.rest[n..];
        Some(head)
    }
}

/// Reads a military date-time group, UTC only, in the forms staffs
/// write: `221200Z JAN 25`, `221200ZJAN25` (USMTF, no spaces),
/// `22 1200Z JAN 25`, and any of them in lower case. Day, hour, minute
/// and month are checked against the calendar (day 32, 30 FEB, hour 25,
/// minute 60 and month `XYZ` are refused); two-digit years are 20YY.
pub fn parse_dtg(text: &str) -> Result<Time, DtgError> {
    let err = |reason: &str| DtgError {
        text: text.to_string(),
        reason: reason.to_string(),
    };
    let mut c = Cursor { rest: text.trim() };
    let day = c
        .take(2, u8::is_ascii_digit)
        .ok_or_else(|| err("no two-digit day"))?;
    c.skip_spaces();
    let hhmm = c
        .take(4, u8::is_ascii_digit)
        .ok_or_else(|| err("no four-digit time (HHMM)"))?;
    c.take(1, |b| b.eq_ignore_ascii_case(&b'Z'))
        .ok_or_else(|| err("no Z (UTC) after the time"))?;
    c.skip_spaces();
    let mon = c
        .take(3, u8::is_ascii_alphabetic)
        .ok_or_else(|| err("no three-letter month"))?;
    c.skip_spaces();
    let yy = c
        .take(2, u8::is_ascii_digit)
        .ok_or_else(|| err("no two-digit year"))?;
    if !c.rest.is_empty() {
        return Err(err("text after the two-digit year"));
    }
    // Every slice below is ASCII digits checked above, so the parses
    // cannot fail; the fallback only keeps `unwrap` out.
    let num = |s: &str| s.parse::<u8>().unwrap_or(u8::MAX);
    let (day, hour, minute) = (num(day), num(&hhmm[..2]), num(&hhmm[2..]));
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(mon))
        .ok_or_else(|| err(&format!("no month {mon:?}")))? as u8
        + 1;
    if hour > 23 || minute > 59 {
        return Err(err(&format!("no time {hour:02}{minute:02}Z")));
    }
    let year = 2000 + i32::from(num(yy));
    cot::Time::from_civil(cot::Civil {
        year,
        month,
        day,
        hour,
        minute,
        second: 0,
        micros: 0,
    })
    .map_err(|_| {
        err(&format!(
            "no day {day} in {} {year}",
            MONTHS[usize::from(month - 1)]
        ))
    })
}

/// Reads an instant given either as ISO-8601 UTC or as a date-time group,
/// to the millisecond (the precision the audit log keeps).
pub fn parse_instant(text: &str) -> Result<Time, DtgError> {
    match Time::parse(text.trim()) {
        Ok(t) => Ok(Time::from_millis(t.millis())),
        Err(_) => parse_dtg(text).map_err(|e| DtgError {
            reason: format!("not ISO-8601 UTC either; as a DTG: {}", e.reason),
            text: e.text,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_groups_read_and_garbage_does_not() {
        let t = parse_dtg("221200Z JAN 25").expect("dtg");
        assert_eq!(t.to_string(), "2025-01-22T12:00:00.000Z");
        for bad in [
            "",
            "221200 JAN 25",
            "321200Z JAN 25",
            "221200Z FOO 25",
            "22120Z JAN 25",
            "221200Z JAN 2025",
            "２21200Z JAN 25",
        ] {
            assert!(parse_dtg(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_form_staffs_write_reads_the_same_instant() {
        let want = parse_dtg("221200Z JAN 25").expect("dtg");
        for form in [
            "221200ZJAN25",
            "22 1200Z JAN 25",
            "221200z jan 25",
            "221200zjan25",
            "22 1200z Jan 25",
            "221200Z JAN25",
            "  221200Z   JAN 25 ",
        ] {
            assert_eq!(parse_dtg(form), Ok(want), "{form:?}");
        }
        let leap = parse_dtg("290000Z FEB 24").expect("29 FEB 2024");
        assert_eq!(leap.to_string(), "2024-02-29T00:00:00.000Z");
    }

    #[test]
    fn an_invalid_date_time_group_says_what_is_wrong() {
        let why = |text: &str| parse_dtg(text).map_err(|e| e.reason);
        assert_eq!(why("321200Z JAN 25"), Err("no day 32 in JAN 2025".into()));
        assert_eq!(why("290000Z FEB 25"), Err("no day 29 in FEB 2025".into()));
        assert_eq!(why("000000Z FEB 25"), Err("no day 0 in FEB 2025".into()));
        assert_eq!(why("222500Z JAN 25"), Err("no time 2500Z".into()));
        assert_eq!(why("221260Z JAN 25"), Err("no time 1260Z".into()));
        assert_eq!(why("221200Z XYZ 25"), Err("no month \"XYZ\"".into()));
        assert_eq!(
            why("221200 JAN 25"),
            Err("no Z (UTC) after the time".into())
        );
        assert_eq!(why("2 21200Z JAN 25"), Err("no two-digit day".into()));
        assert_eq!(
            why("221200Z JAN 2025"),
            Err("text after the two-digit year".into())
        );
        let shown = parse_dtg("221200Z XYZ 25").map_err(|e| e.to_string());
        assert_eq!(
            shown,
            Err(
                "not a date-time group (DDHHMMZ MON YY) \"221200Z XYZ 25\": no month \"XYZ\""
                    .into()
            )
        );
    }
}
