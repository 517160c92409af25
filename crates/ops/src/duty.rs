//! Duty status with its history (AUTHORITIES.md §1.5, §5.1 DutyStatus).
//! Whether a unit is bound by the Posse Comitatus Act is derived from the
//! kind of status it holds at an instant, never typed in.

use std::fmt;

use cot::Time;
use serde::{Deserialize, Serialize};

use crate::when::Window;

/// The legal status a unit serves in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DutyKind {
    /// Title 10 active duty (Reserve on T10 orders and federalised Guard included).
    #[serde(rename = "T10")]
    T10,
    /// Title 32 §502(f) full-time National Guard duty.
    #[serde(rename = "T32_502f")]
    T32_502f,
    /// Title 32 §112 counterdrug program.
    #[serde(rename = "T32_112")]
    T32_112,
    /// State Active Duty.
    #[serde(rename = "SAD")]
    Sad,
    /// Coast Guard, Title 14.
    #[serde(rename = "T14_USCG")]
    T14Uscg,
    /// A civil law-enforcement agency.
    #[serde(rename = "CIVIL_LEA")]
    CivilLea,
}

impl DutyKind {
    /// Whether members in this status are bound by the PCA and 10 U.S.C.
    /// 275 (every Title 10 service, AUTHORITIES.md §1.1).
    pub fn pca_bound(self) -> bool {
        matches!(self, DutyKind::T10)
    }

    /// Whether the governor commands (Title 32 or State Active Duty), so
    /// law-enforcement power can come only from state law.
    pub fn under_governor(self) -> bool {
        matches!(self, DutyKind::T32_502f | DutyKind::T32_112 | DutyKind::Sad)
    }

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            DutyKind::T10 => "T10",
            DutyKind::T32_502f => "T32_502f",
            DutyKind::T32_112 => "T32_112",
            DutyKind::Sad => "SAD",
            DutyKind::T14Uscg => "T14_USCG",
            DutyKind::CivilLea => "CIVIL_LEA",
        }
    }
}

impl fmt::Display for DutyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One period of a unit's duty status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyStatus {
    /// The status.
    pub kind: DutyKind,
    /// The state, for Title 32 and State Active Duty (`NM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The mobilisation or governor's order that put the unit in it.
    #[serde(default)]
    pub order_ref: String,
    /// When it holds.
    #[serde(flatten)]
    pub window: Window,
}

/// Why a status period was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// It overlaps a period already recorded, which would leave the unit
    /// in two statuses at once.
    #[error("status period from {from} overlaps the {kind} period from {existing_from}")]
    Overlap {
        /// Start of the new period.
        from: Time,
        /// The status already recorded.
        kind: DutyKind,
        /// Start of that period.
        existing_from: Time,
    },
    /// It ends before it starts.
    #[error("status period ends before it starts")]
    Empty,
}

/// A unit's status periods, kept sorted and disjoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusHistory {
    periods: Vec<DutyStatus>,
}

impl StatusHistory {
    /// Adds a period. An open-ended period that is followed by the new one
    /// is closed at the new one's start (a federalisation ends the Title 32
    /// tour); any other overlap is refused.
    pub fn add(&mut self, status: DutyStatus) -> Result<(), StatusError> {
        if status.window.is_empty() {
            return Err(StatusError::Empty);
        }
        let mut closed = None;
        for (i, p) in self.periods.iter().enumerate() {
            if !p.window.overlaps(&status.window) {
                continue;
            }
            let closes = p.window.to.is_none() && p.window.from < status.window.from;
            if closes && closed.is_none() {
                closed = Some(i);
                continue;
            }
            return Err(StatusError::Overlap {
                from: status.window.from,
                kind: p.kind,
                existing_from: p.window.from,
            });
        }
        if let Some(i) = closed {
            self.periods[i].window.to = Some(status.window.from);
        }
        self.periods.push(status);
        self.periods.sort_by_key(|p| p.window.from);
        Ok(())
    }

    /// The status held at `t`, if any.
    pub fn at(&self, t: Time) -> Option<&DutyStatus> {
        self.periods.iter().find(|p| p.window.contains(t))
    }

    /// Every period, oldest first.
    pub fn periods(&self) -> &[DutyStatus] {
        &self.periods
    }

    /// Whether any period starts or ends in `(after, until]`.
    pub(crate) fn changes_between(&self, after: Time, until: Time) -> bool {
        self.periods.iter().any(|p| {
            (p.window.from > after && p.window.from <= until)
                || p.window.to.is_some_and(|to| to > after && to <= until)
        })
    }

    /// The first start or end of a period after `after`.
    pub(crate) fn next_change(&self, after: Time) -> Option<Time> {
        self.periods
            .iter()
            .flat_map(|p| [Some(p.window.from), p.window.to])
            .flatten()
            .filter(|t| *t > after)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> Time {
        Time::from_millis(h * 3_600_000)
    }

    fn period(kind: DutyKind, from: i64, to: Option<i64>) -> DutyStatus {
        DutyStatus {
            kind,
            state: None,
            order_ref: String::new(),
            window: Window {
                from: t(from),
                to: to.map(t),
            },
        }
    }

    #[test]
    fn a_federalisation_closes_the_open_title_32_period() {
        let mut h = StatusHistory::default();
        assert!(h.add(period(DutyKind::T32_502f, 0, None)).is_ok());
        assert!(h.add(period(DutyKind::T10, 6, None)).is_ok());
        assert_eq!(h.at(t(5)).map(|s| s.kind), Some(DutyKind::T32_502f));
        assert_eq!(h.at(t(6)).map(|s| s.kind), Some(DutyKind::T10));
        assert_eq!(h.next_change(t(0)), Some(t(6)));
    }

    #[test]
    fn overlapping_closed_periods_are_refused() {
        let mut h = StatusHistory::default();
        assert!(h.add(period(DutyKind::T10, 0, Some(10))).is_ok());
        assert!(matches!(
            h.add(period(DutyKind::Sad, 5, Some(12))),
            Err(StatusError::Overlap { .. })
        ));
        assert_eq!(
            h.add(period(DutyKind::Sad, 5, Some(5))),
            Err(StatusError::Empty)
        );
        assert_eq!(h.periods().len(), 1);
        assert!(h.at(t(11)).is_none());
    }
}
