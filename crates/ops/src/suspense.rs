//! Suspenses (AUTHORITIES.md §2.1, §5.1): what is owed, by whom, by when.
//!
//! The contract:
//! - a suspense's status at an instant is a function of its record
//!   (opened, due, extensions, met, waiver) and that instant alone;
//! - an extension or a waiver needs an authority and a reason, and a
//!   closed suspense (met or waived) takes neither;
//! - each warning threshold (default T-7d and T-1d) and the due instant
//!   itself is handled once per due instant: [`Suspense::take_notice`]
//!   marks every threshold that has passed since the suspense was armed
//!   (opened, or last extended) and returns the most urgent to send, so
//!   a late or coarse tick sends one notice, not a burst, and no tick
//!   sends one twice. Thresholds already past when the suspense was
//!   armed are not announced: the owner has just been told.
//!
//! Orders open their own, the engine one per legal review, and recurring
//! series ([`Recurring`]) one per instance.

mod dtg;
mod lead;
mod metrics;
mod series;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use cot::Time;
use serde::{Deserialize, Serialize};

pub use dtg::{parse_dtg, parse_instant, DtgError};
pub use lead::{Lead, LeadError};
pub use metrics::{metrics, Metrics, MetricsReport};
pub use series::{Recurring, Series, MAX_CATCH_UP, MIN_PERIOD};

const DAY_S: i64 = 86_400;
/// Most warning thresholds one suspense may carry.
pub const MAX_WARNINGS: usize = 8;

/// The warnings a suspense gets when it names none (AUTHORITIES.md §5.1).
pub const DEFAULT_WARNINGS: [Lead; 2] = [Lead::days(7), Lead::days(1)];

/// Where a suspense stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SuspenseStatus {
    /// Not yet due, never extended.
    Open,
    /// Done (on time or late: [`Suspense::days_late`] says which).
    Met,
    /// Past due and not met.
    Late,
    /// Not yet due, under an extension.
    Extended,
    /// Released by an authority.
    Waived,
}

impl SuspenseStatus {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            SuspenseStatus::Open => "OPEN",
            SuspenseStatus::Met => "MET",
            SuspenseStatus::Late => "LATE",
            SuspenseStatus::Extended => "EXTENDED",
            SuspenseStatus::Waived => "WAIVED",
        }
    }
}

/// How near the due instant it is, against the default thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Warning {
    /// More than seven days left, or closed.
    None,
    /// Seven days or less.
    SevenDays,
    /// A day or less.
    OneDay,
    /// Due this second.
    Due,
    /// Past due.
    Overdue,
}

/// What a suspense is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum About {
    /// An order (the subject is its id).
    Order,
    /// A task (the subject is its id).
    Task,
    /// A report (the subject is its name: `PERSTAT`, `USR` are met by
    /// the owner filing one; any other by hand).
    Report,
    /// A legal review (the subject is the assignment).
    Review,
    /// Anything else.
    #[default]
    Other,
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

/// A waiver: the suspense no longer stands, by whose authority and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// The authority that released it.
    pub authority: String,
    /// Why.
    pub reason: String,
    /// Who recorded it.
    pub by: String,
    /// When.
    #[serde(with = "crate::when::required")]
    pub at: Time,
}

/// A threshold handled: sent to the owner, or passed over because a more
/// urgent one was due at the same tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The due instant it was relative to (an extension re-arms).
    #[serde(with = "crate::when::required")]
    pub due: Time,
    /// How long before it.
    pub lead: Lead,
    /// When it was handled.
    #[serde(with = "crate::when::required")]
    pub at: Time,
    /// Whether it was sent.
    pub sent: bool,
}

/// A new suspense as a request or a file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuspenseSpec {
    /// Unique id.
    pub id: String,
    /// Who owes it: a unit id (its TAK users are warned) or a role or
    /// staff section (warned on the web COP).
    pub owner: String,
    /// What kind of thing it is about.
    #[serde(default)]
    pub about: About,
    /// The id or name of what it is about.
    #[serde(default)]
    pub subject: String,
    /// What is owed, in a line.
    #[serde(default)]
    pub title: String,
    /// When it is due (ISO-8601 UTC or a DTG).
    #[serde(with = "crate::order::dtg_serde::required")]
    pub due: Time,
    /// Warning thresholds; absent: T-7d and T-1d.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<Lead>>,
    /// The order it belongs to, for the board's filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// One suspense.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspense {
    /// Unique id.
    pub id: String,
    /// Who owes it (a unit id, or a role or staff section).
    pub owner: String,
    /// What kind of thing it is about.
    pub about: About,
    /// The id or name of what it is about.
    pub subject: String,
    /// What is owed.
    #[serde(default)]
    pub title: String,
    /// The order it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// The recurring series it is an instance of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// When it was set (time to complete counts from here).
    #[serde(with = "crate::when::required")]
    pub opened: Time,
    /// Due, before any extension.
    #[serde(with = "crate::when::required")]
    pub due: Time,
    /// Warning thresholds, longest first.
    pub warnings: Vec<Lead>,
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
    /// Who met it (a user, or the report that met it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_by: Option<String>,
    /// The waiver, if released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
    /// Thresholds handled so far.
    #[serde(default)]
    pub notices: Vec<Notice>,
}

/// Why a suspense request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuspenseError {
    /// No authority or no reason.
    #[error("suspense {id}: {what} needs an authority and a reason")]
    Unjustified {
        /// The suspense.
        id: String,
        /// `an extension` or `a waiver`.
        what: &'static str,
    },
    /// Not later than the current due instant.
    #[error("suspense {id}: an extension must move the due instant later than {due}")]
    NotLater {
        /// The suspense.
        id: String,
        /// The due instant now.
        due: Time,
    },
    /// Already met or waived.
    #[error("suspense {0} is closed (met or waived)")]
    Closed(String),
    /// A required field is empty.
    #[error("suspense {id:?} has no {field}")]
    Blank {
        /// The suspense.
        id: String,
        /// Which field.
        field: &'static str,
    },
    /// Bad warning thresholds.
    #[error("suspense {id}: {why}")]
    Warnings {
        /// The suspense.
        id: String,
        /// What is wrong.
        why: String,
    },
    /// Met at an instant it could not have been.
    #[error("suspense {id}: met at {at}, before it was set ({opened}) or after now")]
    MetWhen {
        /// The suspense.
        id: String,
        /// The instant given.
        at: Time,
        /// When it was set.
        opened: Time,
    },
}

/// The first of `fields` (name, value) that is blank, as the error for
/// suspense or series `id`.
pub(crate) fn filled(id: &str, fields: &[(&'static str, &str)]) -> Result<(), SuspenseError> {
    match fields.iter().find(|(_, v)| v.trim().is_empty()) {
        Some((field, _)) => Err(SuspenseError::Blank {
            id: id.to_string(),
            field,
        }),
        None => Ok(()),
    }
}

/// Checks warning thresholds and puts them longest first.
pub(crate) fn checked_warnings(
    id: &str,
    given: Option<&[Lead]>,
) -> Result<Vec<Lead>, SuspenseError> {
    let mut w: Vec<Lead> = given.map_or_else(|| DEFAULT_WARNINGS.to_vec(), <[Lead]>::to_vec);
    let bad = |why: String| SuspenseError::Warnings {
        id: id.to_string(),
        why,
    };
    if w.len() > MAX_WARNINGS {
        return Err(bad(format!(
            "{} warning thresholds, at most {MAX_WARNINGS}",
            w.len()
        )));
    }
    if w.contains(&Lead::DUE) {
        return Err(bad(
            "a warning of 0 is the due instant itself, which always warns".into(),
        ));
    }
    w.sort_by(|a, b| b.cmp(a));
    let n = w.len();
    w.dedup();
    if w.len() != n {
        return Err(bad("a warning threshold is given twice".into()));
    }
    Ok(w)
}

impl SuspenseSpec {
    /// Checks the request and opens the suspense at `opened`.
    pub fn open(&self, opened: Time) -> Result<Suspense, SuspenseError> {
        filled(&self.id, &[("id", &self.id), ("owner", &self.owner)])?;
        let warnings = checked_warnings(&self.id, self.warnings.as_deref())?;
        Ok(Suspense {
            id: self.id.clone(),
            owner: self.owner.clone(),
            about: self.about,
            subject: self.subject.clone(),
            title: self.title.clone(),
            order: self.order.clone(),
            series: None,
            opened,
            due: self.due,
            warnings,
            extensions: Vec::new(),
            met_at: None,
            met_by: None,
            waiver: None,
            notices: Vec::new(),
        })
    }
}

impl Suspense {
    /// A suspense due `due`, set at `opened`, with the default warnings.
    pub fn new(
        id: &str,
        owner: &str,
        about: About,
        subject: &str,
        due: Time,
        opened: Time,
    ) -> Suspense {
        Suspense {
            id: id.into(),
            owner: owner.into(),
            about,
            subject: subject.into(),
            title: String::new(),
            order: None,
            series: None,
            opened,
            due,
            warnings: DEFAULT_WARNINGS.to_vec(),
            extensions: Vec::new(),
            met_at: None,
            met_by: None,
            waiver: None,
            notices: Vec::new(),
        }
    }

    /// The due instant after extensions.
    pub fn current_due(&self) -> Time {
        self.extensions.last().map_or(self.due, |e| e.due)
    }

    /// Whether it is met or waived.
    pub fn is_closed(&self) -> bool {
        self.met_at.is_some() || self.waiver.is_some()
    }

    /// Its status at `now`.
    pub fn status(&self, now: Time) -> SuspenseStatus {
        if self.waiver.is_some() {
            return SuspenseStatus::Waived;
        }
        match self.met_at {
            Some(_) => SuspenseStatus::Met,
            None if now > self.current_due() => SuspenseStatus::Late,
            None if !self.extensions.is_empty() => SuspenseStatus::Extended,
            None => SuspenseStatus::Open,
        }
    }

    /// The warning level at `now` against the default thresholds (none
    /// once closed).
    pub fn warning(&self, now: Time) -> Warning {
        if self.is_closed() {
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
        if self.waiver.is_some() {
            return 0;
        }
        let end = self.met_at.unwrap_or(now);
        let late_s = (end.micros() - self.current_due().micros()) / 1_000_000;
        if late_s <= 0 {
            0
        } else {
            late_s / DAY_S
        }
    }

    /// Whether it was met after it was due, or is due and not met.
    pub fn is_late(&self, now: Time) -> bool {
        self.waiver.is_none() && self.met_at.unwrap_or(now) > self.current_due()
    }

    /// Extends it.
    pub fn extend(&mut self, ext: Extension) -> Result<(), SuspenseError> {
        if self.is_closed() {
            return Err(SuspenseError::Closed(self.id.clone()));
        }
        if ext.authority.trim().is_empty() || ext.reason.trim().is_empty() {
            return Err(SuspenseError::Unjustified {
                id: self.id.clone(),
                what: "an extension",
            });
        }
        if ext.due <= self.current_due() {
            return Err(SuspenseError::NotLater {
                id: self.id.clone(),
                due: self.current_due(),
            });
        }
        self.extensions.push(ext);
        Ok(())
    }

    /// Waives it.
    pub fn waive(&mut self, waiver: Waiver) -> Result<(), SuspenseError> {
        if self.is_closed() {
            return Err(SuspenseError::Closed(self.id.clone()));
        }
        if waiver.authority.trim().is_empty() || waiver.reason.trim().is_empty() {
            return Err(SuspenseError::Unjustified {
                id: self.id.clone(),
                what: "a waiver",
            });
        }
        self.waiver = Some(waiver);
        Ok(())
    }

    /// Records it met at `at` by `by`; `now` bounds `at` from above.
    pub fn meet(&mut self, at: Time, by: &str, now: Time) -> Result<(), SuspenseError> {
        if self.is_closed() {
            return Err(SuspenseError::Closed(self.id.clone()));
        }
        if at < self.opened || at > now {
            return Err(SuspenseError::MetWhen {
                id: self.id.clone(),
                at,
                opened: self.opened,
            });
        }
        self.met_at = Some(at);
        self.met_by = Some(by.to_string());
        Ok(())
    }

    /// Since when thresholds count: a threshold at or before this instant
    /// is not announced.
    fn armed(&self) -> Time {
        self.extensions.last().map_or(self.opened, |e| e.at)
    }

    /// The thresholds of the current due instant not yet handled, each
    /// with its instant, most urgent (latest) last.
    fn unhandled(&self) -> impl Iterator<Item = (Lead, Time)> + '_ {
        let due = self.current_due();
        let armed = self.armed();
        self.warnings
            .iter()
            .copied()
            .chain(std::iter::once(Lead::DUE))
            .map(move |l| (l, due.plus_secs(-l.secs())))
            .filter(move |(l, at)| {
                *at > armed && !self.notices.iter().any(|n| n.due == due && n.lead == *l)
            })
    }

    /// The next instant after `after` at which a threshold falls, while
    /// the suspense is open.
    pub fn next_notice(&self, after: Time) -> Option<Time> {
        if self.is_closed() {
            return None;
        }
        self.unhandled()
            .map(|(_, at)| at)
            .filter(|at| *at > after)
            .min()
    }

    /// Handles every threshold that has fallen by `now`: marks them all
    /// and returns the most urgent, the one to send.
    pub fn take_notice(&mut self, now: Time) -> Option<Lead> {
        if self.is_closed() {
            return None;
        }
        let due = self.current_due();
        let fallen: Vec<Lead> = self
            .unhandled()
            .filter(|(_, at)| *at <= now)
            .map(|(l, _)| l)
            .collect();
        let send = fallen.iter().copied().min()?;
        for lead in fallen {
            self.notices.push(Notice {
                due,
                lead,
                at: now,
                sent: lead == send,
            });
        }
        Some(send)
    }

    /// What is owed, in a line: the title, or the subject when it has none.
    pub fn what(&self) -> &str {
        if self.title.is_empty() {
            &self.subject
        } else {
            &self.title
        }
    }

    /// The line the owner reads for threshold `lead`, sent at `now` (a
    /// due notice sent a minute or more after the due instant, after an
    /// outage, says the suspense is late).
    pub fn notice_text(&self, lead: Lead, now: Time) -> String {
        let what = self.what();
        let late = now.micros() - self.current_due().micros() >= 60_000_000;
        let when = if lead == Lead::DUE && late {
            "is LATE and not met".to_string()
        } else if lead == Lead::DUE {
            "is DUE NOW and not met".to_string()
        } else {
            format!("is due in {lead}")
        };
        format!(
            "SUSPENSE {} ({what}) for {} {when}: {}",
            self.id,
            self.owner,
            self.current_due()
        )
    }
}

/// `t` plus whole days.
pub fn plus_days(t: Time, days: i64) -> Time {
    t.plus_secs(days * DAY_S)
}
