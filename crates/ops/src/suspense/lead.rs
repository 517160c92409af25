//! How long before a due instant something happens (a warning, an
//! instance of a recurring suspense opening): `7d`, `1d`, `12h`, `30m`,
//! the way staffs write T-minus.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const UNITS: [(char, i64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// A span of whole seconds, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lead(i64);

/// Why a span did not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a span like 7d, 12h or 30m: {0:?}")]
pub struct LeadError(pub String);

impl Lead {
    /// Zero: the due instant itself.
    pub const DUE: Lead = Lead(0);

    /// Whole days.
    pub const fn days(d: i64) -> Lead {
        Lead(d * 86_400)
    }

    /// Whole hours.
    pub const fn hours(h: i64) -> Lead {
        Lead(h * 3_600)
    }

    /// Whole seconds; `None` if negative.
    pub fn from_secs(s: i64) -> Option<Lead> {
        (s >= 0).then_some(Lead(s))
    }

    /// In seconds.
    pub fn secs(self) -> i64 {
        self.0
    }

    /// Reads `7d`, `12h`, `30m`, `45s` (any case, spaces around).
    pub fn parse(text: &str) -> Result<Lead, LeadError> {
        let t = text.trim();
        let bad = || LeadError(text.to_string());
        let unit = t.chars().last().ok_or_else(bad)?.to_ascii_lowercase();
        let scale = UNITS
            .iter()
            .find(|(c, _)| *c == unit)
            .map(|(_, s)| *s)
            .ok_or_else(bad)?;
        let digits = &t[..t.len() - 1];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: i64 = digits.parse().map_err(|_| bad())?;
        n.checked_mul(scale)
            .filter(|s| *s <= 3_660 * 86_400)
            .map(Lead)
            .ok_or_else(bad)
    }

    /// `T-7d` for a warning, `DUE` for the due instant.
    pub fn label(self) -> String {
        if self.0 == 0 {
            "DUE".into()
        } else {
            format!("T-{self}")
        }
    }
}

impl fmt::Display for Lead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (unit, scale) = UNITS
            .iter()
            .find(|(_, s)| self.0 % s == 0 && self.0 >= *s)
            .copied()
            .unwrap_or(('s', 1));
        write!(f, "{}{unit}", self.0 / scale)
    }
}

impl Serialize for Lead {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Lead {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lead, D::Error> {
        let text = String::deserialize(d)?;
        Lead::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Lead;

    #[test]
    fn spans_read_and_print_as_staffs_write_them() {
        for (text, secs, shown) in [
            ("7d", 604_800, "7d"),
            ("1D", 86_400, "1d"),
            (" 12h ", 43_200, "12h"),
            ("90m", 5_400, "90m"),
            ("30s", 30, "30s"),
            ("0d", 0, "0s"),
        ] {
            let l = Lead::parse(text).expect(text);
            assert_eq!(l.secs(), secs, "{text}");
            assert_eq!(l.to_string(), shown, "{text}");
        }
        assert_eq!(Lead::days(7).label(), "T-7d");
        assert_eq!(Lead::DUE.label(), "DUE");
        for bad in [
            "",
            "d",
            "7",
            "-1d",
            "1.5d",
            "7w",
            "99999999999999999d",
            "1 d",
        ] {
            assert!(Lead::parse(bad).is_err(), "{bad:?}");
        }
    }
}
