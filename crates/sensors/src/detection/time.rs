//! ISO 8601 date-time text to Unix seconds, for the `time` key of detections.

fn digits(s: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let part = s.get(range)?;
    part.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| part.parse().ok())?
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` (a space instead of
/// `T` is accepted) to seconds since the Unix epoch. A zone is required, so a
/// local time is never taken for UTC by accident.
pub fn parse_iso8601(s: &str) -> Option<f64> {
    let s = s.trim();
    let (y, mo, d) = (digits(s, 0..4)?, digits(s, 5..7)?, digits(s, 8..10)?);
    let seps = (
        s.get(4..5)?,
        s.get(7..8)?,
        s.get(10..11)?,
        s.get(13..14)?,
        s.get(16..17)?,
    );
    if seps.0 != "-"
        || seps.1 != "-"
        || !matches!(seps.2, "T" | "t" | " ")
        || seps.3 != ":"
        || seps.4 != ":"
    {
        return None;
    }
    let (h, mi, sec) = (digits(s, 11..13)?, digits(s, 14..16)?, digits(s, 17..19)?);
    let mut rest = s.get(19..)?;
    let mut frac = 0.0;
    if let Some(after) = rest.strip_prefix('.') {
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        frac = format!("0.{}", after.get(..n)?).parse().ok()?;
        rest = after.get(n..)?;
    }
    let offset_s = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.get(3..4)? != ":" {
                return None;
            }
            let (oh, om) = (digits(rest, 1..3)?, digits(rest, 4..6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    // cot's calendar checks every field's range, the day against its month.
    let whole = cot::Time::from_civil(cot::Civil {
        year: i32::try_from(y).ok()?,
        month: u8::try_from(mo).ok()?,
        day: u8::try_from(d).ok()?,
        hour: u8::try_from(h).ok()?,
        minute: u8::try_from(mi).ok()?,
        second: u8::try_from(sec).ok()?,
        micros: 0,
    })
    .ok()?;
    let secs = whole.micros().div_euclid(1_000_000) - offset_s;
    Some(secs as f64 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_iso8601("2024-06-10T06:13:20.25Z"),
            Some(1_717_999_000.0 + 1000.25)
        );
        assert_eq!(
            parse_iso8601("2000-03-01T01:00:00+01:00"),
            Some(951_868_800.0)
        );
        assert_eq!(parse_iso8601("1969-12-31 23:59:59Z"), Some(-1.0));
        assert_eq!(parse_iso8601("2024-02-29T00:00:00Z"), Some(1_709_164_800.0));
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            "2024-06-10",
            "2024-06-10T06:13:20",
            "2024-13-10T06:13:20Z",
            "2024-06-10T06:13:20.Z",
            "2024-06-10T06:13:20+0200",
            "2024-06-10T06:13:20Zjunk",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "２０２４-06-10T06:13:20Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
