//! The decision rule of AUTHORITIES.md §5.2, for one element and one
//! required activity at one instant. Default deny: what no record allows
//! is refused or sent to counsel, never allowed.
//!
//! 1. No duty status at the instant: NEEDS_REVIEW.
//! 2. A prohibition applies and no exception holds with every condition
//!    true: REFUSED, citing the prohibition.
//! 3. An exception or a grant applies with every condition true: ALLOWED,
//!    citing it (an exception lifts the prohibition and allows).
//! 4. A direct law-enforcement activity for a unit under the governor
//!    with no state grant: REFUSED ("no state authority").
//! 5. Otherwise NEEDS_REVIEW ("no authority cited"), listing the records
//!    that came close and the conditions they lacked.
//!
//! When several records hold, the one with the smallest id is cited, so
//! the same data and time always give the same reason.

use std::collections::BTreeMap;
use std::fmt;

use cot::Time;
use serde::{Deserialize, Serialize};

use crate::activity::Activity;
use crate::authority::{Authority, AuthorityKind};
use crate::duty::DutyStatus;
use crate::task::{Task, TaskRequirement};

/// What the rule says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// The element may do it.
    Allowed,
    /// Counsel must decide; nothing executes meanwhile.
    NeedsReview,
    /// The element may not do it.
    Refused,
}

impl Outcome {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Allowed => "ALLOWED",
            Outcome::NeedsReview => "NEEDS_REVIEW",
            Outcome::Refused => "REFUSED",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The rule id given when a governor's unit lacks a state grant (step 4).
pub const NO_STATE_AUTHORITY: &str = "NO-STATE-AUTHORITY";
/// The rule id given when nothing on record speaks to the case (step 5).
pub const NO_AUTHORITY: &str = "NO-AUTHORITY";
/// The rule id given when the element has no status at the instant.
pub const NO_STATUS: &str = "NO-DUTY-STATUS";

/// The decision for one activity of one element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDecision {
    /// The activity.
    pub activity: Activity,
    /// What the rule says.
    pub outcome: Outcome,
    /// The id of the record (or the built-in rule) that decided.
    pub rule: String,
    /// Its citation.
    pub citation: String,
    /// The decision in words, with the conditions that failed for records
    /// that came close.
    pub reason: String,
}

/// Every authority on record, indexed by activity.
#[derive(Debug, Clone, Default)]
pub struct Authorities {
    records: Vec<Authority>,
    by_activity: BTreeMap<Activity, Vec<usize>>,
}

impl Authorities {
    /// Indexes `records` (kept sorted by id, so citations are stable).
    pub fn new(mut records: Vec<Authority>) -> Self {
        records.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_activity: BTreeMap<Activity, Vec<usize>> = BTreeMap::new();
        for (i, r) in records.iter().enumerate() {
            for a in &r.activities {
                by_activity.entry(*a).or_default().push(i);
            }
        }
        Authorities {
            records,
            by_activity,
        }
    }

    /// Every record, by id.
    pub fn records(&self) -> &[Authority] {
        &self.records
    }

    /// The record with `id`.
    pub fn get(&self, id: &str) -> Option<&Authority> {
        self.records
            .binary_search_by(|a| a.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.records[i])
    }

    fn about(&self, activity: Activity) -> impl Iterator<Item = &Authority> {
        self.by_activity
            .get(&activity)
            .into_iter()
            .flatten()
            .map(|i| &self.records[*i])
    }
}

/// The element being decided: its id and parents (itself first) and the
/// duty status it holds at the instant.
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    /// The element's id then its parents' up to the root.
    pub lineage: &'a [&'a str],
    /// Its status at the instant, if any.
    pub status: Option<&'a DutyStatus>,
}

/// Decides `req` of `task` for `element` at `at`.
pub fn decide(
    rules: &Authorities,
    element: Element<'_>,
    req: &TaskRequirement,
    task: &Task,
    at: Time,
) -> ActivityDecision {
    let activity = req.activity;
    let made = |outcome, rule: &str, citation: &str, reason: String| ActivityDecision {
        activity,
        outcome,
        rule: rule.to_string(),
        citation: citation.to_string(),
        reason,
    };
    let Some(status) = element.status else {
        return made(
            Outcome::NeedsReview,
            NO_STATUS,
            "",
            "no duty status on record for the decision instant".to_string(),
        );
    };
    let mut prohibition: Option<&Authority> = None;
    let mut holding: Option<&Authority> = None;
    let mut near: Vec<String> = Vec::new();
    for a in rules
        .about(activity)
        .filter(|a| a.applies(activity, status, element.lineage))
    {
        match a.kind {
            AuthorityKind::Prohibition => {
                if a.valid.contains(at) && prohibition.is_none() {
                    prohibition = Some(a);
                }
            }
            AuthorityKind::Grant | AuthorityKind::Exception => {
                let failed = a.failures(req, task, at);
                if failed.is_empty() {
                    let better = match holding {
                        None => true,
                        // An exception is cited over a grant: it is the
                        // record that answers a prohibition.
                        Some(h) => {
                            h.kind == AuthorityKind::Grant && a.kind == AuthorityKind::Exception
                        }
                    };
                    if better {
                        holding = Some(a);
                    }
                } else {
                    near.push(format!("{} ({}): {}", a.id, a.citation, failed.join(", ")));
                }
            }
        }
    }
    let near_text = if near.is_empty() {
        String::new()
    } else {
        format!("; not met: {}", near.join("; "))
    };
    if let Some(p) = prohibition {
        match holding {
            Some(x) if x.kind == AuthorityKind::Exception => {
                return made(
                    Outcome::Allowed,
                    &x.id,
                    &x.citation,
                    format!(
                        "{} is prohibited for {} ({}) but exception {} holds",
                        activity, status.kind, p.citation, x.id
                    ),
                );
            }
            _ => {
                return made(
                    Outcome::Refused,
                    &p.id,
                    &p.citation,
                    format!(
                        "{} is prohibited for {} by {}{}",
                        activity, status.kind, p.citation, near_text
                    ),
                );
            }
        }
    }
    if let Some(g) = holding {
        return made(
            Outcome::Allowed,
            &g.id,
            &g.citation,
            format!("{} allowed for {} by {}", activity, status.kind, g.citation),
        );
    }
    if activity.is_direct_le() && status.kind.under_governor() {
        return made(
            Outcome::Refused,
            NO_STATE_AUTHORITY,
            "",
            format!(
                "no state authority in governor's order for {activity} ({}){near_text}",
                status.kind
            ),
        );
    }
    made(
        Outcome::NeedsReview,
        NO_AUTHORITY,
        "",
        format!(
            "no authority cited for {activity} by a {} element{near_text}",
            status.kind
        ),
    )
}
