//! Tasks (AUTHORITIES.md §5.1): what an agency asked for, which activities
//! it needs with the conditions it declares, where and when, and where it
//! stands in its life from DRAFT to COMPLETE, CANCELLED or REFUSED.

use std::fmt;

use cot::Time;
use serde::{Deserialize, Serialize};

use crate::activity::Activity;
use crate::area::Area;
use crate::authority::Condition;
use crate::when::Window;

/// One activity a task needs, with what the request declares about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRequirement {
    /// The activity.
    pub activity: Activity,
    /// Authority ids the request cites (shown to counsel; the rule uses
    /// every authority on record either way).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<String>,
    /// Conditions the request declares true ("CBP retains custody").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // the states of AUTHORITIES.md §5.1, in order
pub enum TaskStatus {
    Draft,
    Requested,
    Validated,
    Approved,
    Assigned,
    Executing,
    Complete,
    Cancelled,
    Refused,
}

impl TaskStatus {
    /// Whether the task is over (nothing more happens to it). A REFUSED
    /// task is not: a new authority record may yet allow it, so its
    /// assignments stay open to re-evaluation.
    pub fn is_final(self) -> bool {
        matches!(self, TaskStatus::Complete | TaskStatus::Cancelled)
    }

    /// Whether a watch officer may move a task from `self` to `to` by
    /// hand. ASSIGNED and REFUSED come from decisions, EXECUTING and
    /// COMPLETE from the field, so none of those is a manual step.
    pub fn may_advance_to(self, to: TaskStatus) -> bool {
        use TaskStatus::*;
        matches!(
            (self, to),
            (Draft, Requested)
                | (Requested, Validated)
                | (Validated, Approved)
                | (
                    Draft | Requested | Validated | Approved | Assigned | Executing | Refused,
                    Cancelled
                )
                | (Executing, Complete)
        )
    }

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            TaskStatus::Draft => "DRAFT",
            TaskStatus::Requested => "REQUESTED",
            TaskStatus::Validated => "VALIDATED",
            TaskStatus::Approved => "APPROVED",
            TaskStatus::Assigned => "ASSIGNED",
            TaskStatus::Executing => "EXECUTING",
            TaskStatus::Complete => "COMPLETE",
            TaskStatus::Cancelled => "CANCELLED",
            TaskStatus::Refused => "REFUSED",
        }
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn splittable_default() -> bool {
    true
}

fn status_default() -> TaskStatus {
    TaskStatus::Requested
}

/// One task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Unique id (`T-0007`).
    pub id: String,
    /// The order it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// What it is, in a line.
    pub title: String,
    /// The requesting agency.
    #[serde(default)]
    pub agency: String,
    /// The agency's point of contact.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub poc: String,
    /// The support nexus, in words (counterdrug, CTOC, border security).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nexus: String,
    /// The activities it needs.
    pub requires: Vec<TaskRequirement>,
    /// Its area of operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    /// When it runs.
    pub window: Window,
    /// Whether elements may take it apart (a mixed team's allowed
    /// elements go while the others stay); a non-splittable task with any
    /// element refused is refused whole.
    #[serde(default = "splittable_default")]
    pub splittable: bool,
    /// Where it stands.
    #[serde(default = "status_default")]
    pub status: TaskStatus,
}

impl Task {
    /// The instant the decision rule looks at: the task's start, or now
    /// once it has started, so a status change mid-task counts.
    pub fn decision_time(&self, now: Time) -> Time {
        self.window.from.max(now)
    }
}
