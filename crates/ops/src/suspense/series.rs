//! Recurring suspenses: a report due at the same time every period (a
//! daily PERSTAT due 0600Z). Instance `k` is due `first_due + k × every`
//! and opens `opens_before` ahead of it (half a period unless given), so
//! the board shows the one owed next and a report filed in that window
//! meets it. Instances are made from the time alone: whatever the ticks,
//! the same series at the same instant has the same instances.

use cot::Time;
use serde::{Deserialize, Serialize};

use super::{checked_warnings, filled, About, Lead, Suspense, SuspenseError, DEFAULT_WARNINGS};

/// The shortest period taken: anything more often is not a suspense.
pub const MIN_PERIOD: Lead = Lead::hours(1);
/// Most instances one tick makes for one series (a long outage catches up
/// over several ticks rather than in one unbounded burst).
pub const MAX_CATCH_UP: usize = 1000;

/// A recurring suspense as a request or a file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recurring {
    /// Unique id; instances are `ID@YYYYMMDDTHHMMZ` by their due instant.
    pub id: String,
    /// Who owes each instance.
    pub owner: String,
    /// What kind of thing it is about (a report unless said).
    #[serde(default = "report")]
    pub about: About,
    /// The report's name (`PERSTAT`) or what it is about.
    pub subject: String,
    /// What is owed, in a line.
    #[serde(default)]
    pub title: String,
    /// The first instance's due instant (ISO-8601 UTC or a DTG).
    #[serde(with = "crate::order::dtg_serde::required")]
    pub first_due: Time,
    /// The period (`1d`).
    pub every: Lead,
    /// How long before its due an instance opens; half a period unless given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_before: Option<Lead>,
    /// No instance is due after this.
    #[serde(
        default,
        with = "crate::order::dtg_serde::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<Time>,
    /// Each instance's warnings; unless given, the default thresholds
    /// shorter than the opening lead, or T-1h if none is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<Lead>>,
    /// The order it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Instances count from this instant rather than from when the series
    /// is set: entering a requirement that began earlier opens the
    /// instances owed since then (at most [`MAX_CATCH_UP`] a tick).
    #[serde(
        default,
        with = "crate::order::dtg_serde::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub since: Option<Time>,
}

fn report() -> About {
    About::Report
}

impl Recurring {
    /// Checks the request.
    pub fn check(&self) -> Result<(), SuspenseError> {
        filled(
            &self.id,
            &[
                ("id", &self.id),
                ("owner", &self.owner),
                ("subject", &self.subject),
            ],
        )?;
        let bad = |why: String| SuspenseError::Warnings {
            id: self.id.clone(),
            why,
        };
        if self.every < MIN_PERIOD {
            return Err(bad(format!(
                "a recurring suspense recurs at most every {MIN_PERIOD}, not every {}",
                self.every
            )));
        }
        if self
            .opens_before
            .is_some_and(|l| l == Lead::DUE || l > self.every)
        {
            return Err(bad(format!(
                "an instance opens between 1s and one period ({}) before its due",
                self.every
            )));
        }
        if self.until.is_some_and(|u| u < self.first_due) {
            return Err(bad("until is before the first due instant".into()));
        }
        let w = self.instance_warnings()?;
        if let Some(l) = w.iter().find(|l| **l >= self.lead()) {
            return Err(bad(format!(
                "warning T-{l} falls before the instance opens ({} ahead)",
                self.lead()
            )));
        }
        Ok(())
    }

    /// How far ahead of its due an instance opens.
    pub fn lead(&self) -> Lead {
        self.opens_before
            .unwrap_or_else(|| Lead::from_secs(self.every.secs() / 2).unwrap_or(Lead::DUE))
    }

    fn instance_warnings(&self) -> Result<Vec<Lead>, SuspenseError> {
        match &self.warnings {
            Some(w) => checked_warnings(&self.id, Some(w)),
            None => {
                let fit: Vec<Lead> = DEFAULT_WARNINGS
                    .iter()
                    .copied()
                    .filter(|l| *l < self.lead())
                    .collect();
                let fit = if fit.is_empty() && Lead::hours(1) < self.lead() {
                    vec![Lead::hours(1)]
                } else {
                    fit
                };
                checked_warnings(&self.id, Some(&fit))
            }
        }
    }

    /// Instance `k`'s due instant.
    pub fn due_of(&self, k: u64) -> Option<Time> {
        let k = i64::try_from(k).ok()?;
        let secs = k.checked_mul(self.every.secs())?;
        Some(self.first_due.plus_secs(secs))
    }

    /// Instance `k`'s id.
    pub fn instance_id(&self, k: u64) -> String {
        match self.due_of(k) {
            Some(due) => {
                let c = due.civil();
                format!(
                    "{}@{:04}{:02}{:02}T{:02}{:02}Z",
                    self.id, c.year, c.month, c.day, c.hour, c.minute
                )
            }
            None => format!("{}@{k}", self.id),
        }
    }
}

/// A series on record: its definition and how far it has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    /// As requested.
    pub def: Recurring,
    /// When it was set.
    #[serde(with = "crate::when::required")]
    pub created: Time,
    /// The next instance to open.
    pub next: u64,
    /// When it was ended, if it was.
    #[serde(
        default,
        with = "crate::when::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub ended: Option<Time>,
}

impl Series {
    /// A series set at `created`; its first instance is the first due
    /// after that instant, or after `since` when that is earlier.
    pub fn new(def: Recurring, created: Time) -> Result<Series, SuspenseError> {
        def.check()?;
        let from = def.since.map_or(created, |s| s.min(created));
        let ahead = from.micros() - def.first_due.micros();
        let period = def.every.secs() * 1_000_000;
        let next = if ahead < 0 {
            0
        } else {
            u64::try_from(ahead / period + 1).unwrap_or(u64::MAX)
        };
        Ok(Series {
            def,
            created,
            next,
            ended: None,
        })
    }

    /// When the next instance opens, if one will.
    pub fn next_open(&self) -> Option<Time> {
        let due = self.def.due_of(self.next)?;
        if self.def.until.is_some_and(|u| due > u) {
            return None;
        }
        let from = self.def.since.map_or(self.created, |s| s.min(self.created));
        let opens = due.plus_secs(-self.def.lead().secs()).max(from);
        if self.ended.is_some_and(|e| opens > e) {
            return None;
        }
        Some(opens)
    }

    /// The instances that open by `now`, at most [`MAX_CATCH_UP`].
    pub fn take_due(&mut self, now: Time) -> Vec<Suspense> {
        let mut out = Vec::new();
        let Ok(warnings) = self.def.instance_warnings() else {
            return out;
        };
        while out.len() < MAX_CATCH_UP {
            let (Some(opens), Some(due)) = (self.next_open(), self.def.due_of(self.next)) else {
                break;
            };
            if opens > now {
                break;
            }
            let mut s = Suspense::new(
                &self.def.instance_id(self.next),
                &self.def.owner,
                self.def.about,
                &self.def.subject,
                due,
                opens,
            );
            s.title = self.def.title.clone();
            s.order = self.def.order.clone();
            s.series = Some(self.def.id.clone());
            s.warnings = warnings.clone();
            out.push(s);
            self.next += 1;
        }
        out
    }
}
