//! Suspenses (AUTHORITIES.md §2.1, §5.1): a due instant with warnings,
//! met or late, extended only with an authority and a reason. The engine
//! opens one for every legal review; orders (next) open their own.

use cot::Time;
use serde::{Deserialize, Serialize};

const DAY_S: i64 = 86_400;

/// Where a suspense stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // AUTHORITIES.md §5.1
pub enum SuspenseStatus {
    Open,
    Met,
    Late,
    Extended,
    Waived,
}

/// How near the due instant it is (default thresholds T-7d, T-1d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum Warning {
    None,
    SevenDays,
    OneDay,
    Due,
    Overdue,
}

/// One extension: the new due instant, by whose authority and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The new due instant.
    #[serde(with = "crate::when::required")]
    pub due: Time,
    /// The authority that allowed it.
    pub authority: String,
    /// Why.
    pub reason: String,
    /// Who extended it.
    pub by: String,
    /// When.
    #[serde(with = "crate::when::required")]
    pub at: Time,
}

/// One suspense.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspense {
    /// Unique id.
    pub id: String,
    /// Who owes it (a role or a unit).
    pub owner: String,
    /// What it is about (an order, task or assignment id).
    pub subject: String,
    /// Due, before any extension.
    #[serde(with = "crate::when::required")]
    pub due: Time,
    /// Extensions, oldest first.
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// When it was met.
    #[serde(
        default,
        with = "crate::when::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub met_at: Option<Time>,
    /// Waived, by whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived_by: Option<String>,
}

/// Why an extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuspenseError {
    /// No authority or no reason.
    #[error("an extension needs an authority and a reason")]
    Unjustified,
    /// Not later than the current due instant.
    #[error("an extension must move the due instant later")]
    NotLater,
    /// Already met or waived.
    #[error("suspense {0} is closed")]
    Closed(String),
}

impl Suspense {
    /// A suspense due `due`.
    pub fn new(id: &str, owner: &str, subject: &str, due: Time) -> Suspense {
        Suspense {
            id: id.into(),
            owner: owner.into(),
            subject: subject.into(),
            due,
            extensions: Vec::new(),
            met_at: None,
            waived_by: None,
        }
    }

    /// The due instant after extensions.
    pub fn current_due(&self) -> Time {
        self.extensions.last().map_or(self.due, |e| e.due)
    }

    /// Its status at `now`.
    pub fn status(&self, now: Time) -> SuspenseStatus {
        if self.waived_by.is_some() {
            return SuspenseStatus::Waived;
        }
        match self.met_at {
            Some(m) if m <= self.current_due() => SuspenseStatus::Met,
            Some(_) => SuspenseStatus::Late,
            None if now > self.current_due() => SuspenseStatus::Late,
            None if !self.extensions.is_empty() => SuspenseStatus::Extended,
            None => SuspenseStatus::Open,
        }
    }

    /// The warning level at `now` (none once closed).
    pub fn warning(&self, now: Time) -> Warning {
        if self.met_at.is_some() || self.waived_by.is_some() {
            return Warning::None;
        }
        let left = (self.current_due().micros() - now.micros()) / 1_000_000;
        match left {
            l if l < 0 => Warning::Overdue,
            0 => Warning::Due,
            l if l <= DAY_S => Warning::OneDay,
            l if l <= 7 * DAY_S => Warning::SevenDays,
            _ => Warning::None,
        }
    }

    /// Whole days late at `now` (or when met), 0 if not late.
    pub fn days_late(&self, now: Time) -> i64 {
        let end = self.met_at.unwrap_or(now);
        let late_s = (end.micros() - self.current_due().micros()) / 1_000_000;
        if late_s <= 0 {
            0
        } else {
            late_s / DAY_S
        }
    }

    /// Extends it.
    pub fn extend(&mut self, ext: Extension) -> Result<(), SuspenseError> {
        if self.met_at.is_some() || self.waived_by.is_some() {
            return Err(SuspenseError::Closed(self.id.clone()));
        }
        if ext.authority.trim().is_empty() || ext.reason.trim().is_empty() {
            return Err(SuspenseError::Unjustified);
        }
        if ext.due <= self.current_due() {
            return Err(SuspenseError::NotLater);
        }
        self.extensions.push(ext);
        Ok(())
    }
}

/// Why a date-time group did not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date-time group (DDHHMMZ MON YY): {0:?}")]
pub struct DtgError(pub String);

/// Reads a military date-time group such as `221200Z JAN 25` (UTC only).
pub fn parse_dtg(text: &str) -> Result<Time, DtgError> {
    let err = || DtgError(text.to_string());
    let mut parts = text.split_whitespace();
    let (dhm, mon, yy) = (
        parts.next().ok_or_else(err)?,
        parts.next().ok_or_else(err)?,
        parts.next().ok_or_else(err)?,
    );
    if parts.next().is_some() || dhm.len() != 7 || !dhm.ends_with(['Z', 'z']) || yy.len() != 2 {
        return Err(err());
    }
    let num = |s: &str| s.parse::<u8>().map_err(|_| err());
    let (day, hour, minute) = (num(&dhm[0..2])?, num(&dhm[2..4])?, num(&dhm[4..6])?);
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(mon))
        .ok_or_else(err)? as u8
        + 1;
    let year = 2000 + i32::from(num(yy)?);
    cot::Time::from_civil(cot::Civil {
        year,
        month,
        day,
        hour,
        minute,
        second: 0,
        micros: 0,
    })
    .map_err(|_| err())
}

/// `t` plus whole days.
pub fn plus_days(t: Time, days: i64) -> Time {
    t.plus_secs(days * DAY_S)
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
    fn an_extension_needs_an_authority_a_reason_and_a_later_due() {
        let due = parse_dtg("010000Z FEB 25").expect("dtg");
        let mut s = Suspense::new("S1", "legal", "T-1", due);
        let ext = |d: i64, a: &str, r: &str| Extension {
            due: plus_days(due, d),
            authority: a.into(),
            reason: r.into(),
            by: "cos".into(),
            at: due,
        };
        assert_eq!(s.extend(ext(3, "", "why")), Err(SuspenseError::Unjustified));
        assert_eq!(s.extend(ext(0, "CoS", "why")), Err(SuspenseError::NotLater));
        assert!(s.extend(ext(3, "CoS", "awaiting DHS data")).is_ok());
        assert_eq!(s.status(plus_days(due, 1)), SuspenseStatus::Extended);
        assert_eq!(s.status(plus_days(due, 5)), SuspenseStatus::Late);
        assert_eq!(s.days_late(plus_days(due, 5)), 2);
    }
}
