//! Assignments (AUTHORITIES.md §5.1): a task given to a unit, decided
//! element by element and activity by activity, with counsel's reviews
//! and what the field has answered. §5.2 rule 6 combines the elements.

use cot::Time;
use serde::{Deserialize, Serialize};

use crate::command::Answer;
use crate::decide::{ActivityDecision, Outcome};
use crate::duty::DutyKind;

/// Counsel's decision on an element the engine sent for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// Who decided (a user with the legal role).
    pub by: String,
    /// When.
    #[serde(with = "crate::when::required")]
    pub at: Time,
    /// ALLOWED or REFUSED.
    pub outcome: Outcome,
    /// Why, with the basis.
    pub reason: String,
    /// The engine's reasons the review answered; a later evaluation with
    /// different reasons needs a new review.
    pub basis: String,
}

/// One element's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementDecision {
    /// The element's unit id.
    pub element: String,
    /// Its duty status at the decision instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DutyKind>,
    /// What the engine decided (before any review).
    pub engine: Outcome,
    /// The decision that holds (the review's, when one answers it).
    pub outcome: Outcome,
    /// Per activity.
    pub activities: Vec<ActivityDecision>,
    /// Counsel's review, if one answers the current reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    /// Whether the task has been sent to the element's TAK users.
    #[serde(default)]
    pub sent: bool,
    /// The element's answer from the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
}

impl ElementDecision {
    /// The reasons a review answers: every activity not allowed, by rule.
    pub fn basis(&self) -> String {
        self.activities
            .iter()
            .filter(|a| a.outcome != Outcome::Allowed)
            .map(|a| format!("{}:{}:{}", a.activity, a.outcome, a.rule))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether the element is cleared to act and has not declined.
    pub fn cleared(&self) -> bool {
        self.outcome == Outcome::Allowed && !matches!(self.answer, Some(Answer::Cantco { .. }))
    }
}

/// A task given to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Unique id (`A-000001`).
    pub id: String,
    /// The task.
    pub task: String,
    /// The unit it was given to.
    pub assignee: String,
    /// The combined decision (§5.2 rule 6).
    pub outcome: Outcome,
    /// Per element.
    pub elements: Vec<ElementDecision>,
    /// When the engine last evaluated it.
    #[serde(with = "crate::when::required")]
    pub evaluated_at: Time,
    /// The instant the rule looked at (the task's start, or then).
    #[serde(with = "crate::when::required")]
    pub decided_for: Time,
    /// Hex SHA-256 of the rule set used.
    pub rule_set: String,
    /// What caused the last evaluation.
    pub why: String,
}

/// Combines element outcomes by §5.2 rule 6: a splittable task goes ahead
/// with the elements allowed; a non-splittable one only if all are.
pub fn combine(elements: &[ElementDecision], splittable: bool) -> Outcome {
    let any = |o: Outcome| elements.iter().any(|e| e.outcome == o);
    if elements.is_empty() {
        return Outcome::NeedsReview;
    }
    if splittable {
        if any(Outcome::Allowed) {
            Outcome::Allowed
        } else if any(Outcome::NeedsReview) {
            Outcome::NeedsReview
        } else {
            Outcome::Refused
        }
    } else if any(Outcome::Refused) {
        Outcome::Refused
    } else if any(Outcome::NeedsReview) {
        Outcome::NeedsReview
    } else {
        Outcome::Allowed
    }
}

/// One element's outcome from its activities: refused if any is, else
/// review if any needs it, else allowed.
pub fn element_outcome(activities: &[ActivityDecision]) -> Outcome {
    activities
        .iter()
        .map(|a| a.outcome)
        .max()
        .unwrap_or(Outcome::NeedsReview)
}
