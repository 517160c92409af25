//! Instants in the ops records: ISO-8601 UTC text in files and JSON,
//! [`cot::Time`] inside, so decisions replay from the data and the time.

use cot::Time;
use serde::{Deserialize, Deserializer, Serializer};

/// Reads an instant, to the millisecond: the precision the audit log
/// keeps, so an entry replays to exactly the same state.
fn parse_ms(text: &str) -> Result<Time, String> {
    Time::parse(text)
        .map(|t| Time::from_millis(t.millis()))
        .map_err(|e| format!("time {text:?}: {e}"))
}

/// Serde for a required instant.
pub(crate) mod required {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(t)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let text = String::deserialize(d)?;
        parse_ms(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for an optional instant (absent means open-ended).
pub(crate) mod optional {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(t: &Option<Time>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.collect_str(t),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Time>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|text| parse_ms(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A half-open interval `[from, to)`; `to = None` runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    /// First instant inside.
    #[serde(with = "required")]
    pub from: Time,
    /// First instant no longer inside; `None` is open-ended.
    #[serde(default, with = "optional", skip_serializing_if = "Option::is_none")]
    pub to: Option<Time>,
}

impl Window {
    /// Whether `t` falls inside.
    pub fn contains(&self, t: Time) -> bool {
        self.from <= t && self.to.is_none_or(|to| t < to)
    }

    /// Whether the two share an instant.
    pub fn overlaps(&self, other: &Window) -> bool {
        let a_before_b_ends = other.to.is_none_or(|to| self.from < to);
        let b_before_a_ends = self.to.is_none_or(|to| other.from < to);
        a_before_b_ends && b_before_a_ends
    }

    /// Whether it ends no later than it starts.
    pub fn is_empty(&self) -> bool {
        self.to.is_some_and(|to| to <= self.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Time {
        Time::from_millis(s * 1000)
    }

    #[test]
    fn windows_are_half_open() {
        let w = Window {
            from: t(10),
            to: Some(t(20)),
        };
        assert!(w.contains(t(10)) && w.contains(t(19)) && !w.contains(t(20)));
        let next = Window {
            from: t(20),
            to: None,
        };
        assert!(!w.overlaps(&next) && !next.overlaps(&w));
        let inside = Window {
            from: t(15),
            to: None,
        };
        assert!(w.overlaps(&inside) && inside.overlaps(&w));
        assert!(Window {
            from: t(5),
            to: Some(t(5))
        }
        .is_empty());
    }
}
