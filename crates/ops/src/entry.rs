//! What the engine hands the shell after each request: audit entries to
//! write (before the caller is answered) and effects to carry out (tasks
//! to send to the field, or to withdraw from it).

use cot::Time;
use serde::Serialize;

/// One audit entry, in the shape of AUTHORITIES.md §5.1 AuditRecord (the
/// shell adds sequence, hash chain and tree).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// When.
    #[serde(with = "crate::when::required")]
    pub time: Time,
    /// Who (user, certificate CN, field uid or `engine`).
    pub actor: String,
    /// What (`ops.assign`, `ops.decision`, `ops.refused`).
    pub action: String,
    /// The ids it concerns.
    pub subjects: Vec<String>,
    /// The decision, for decisions and refused calls.
    pub decision: Option<String>,
    /// Its reasons, with citations.
    pub reasons: Vec<String>,
    /// Hex SHA-256 of the rule set in force.
    pub rule_set: Option<String>,
    /// The canonical input (the command) or output (the assignment).
    pub payload: serde_json::Value,
}

/// Something the shell must do in the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Send the task to an element's TAK users (CoT tasking and GeoChat).
    Dispatch {
        /// The task.
        task: String,
        /// The assignment.
        assignment: String,
        /// The element.
        element: String,
        /// Their TAK uids.
        recipients: Vec<String>,
    },
    /// Tell an element's TAK users the task no longer stands for them.
    Withdraw {
        /// The task.
        task: String,
        /// The assignment.
        assignment: String,
        /// The element.
        element: String,
        /// Their TAK uids.
        recipients: Vec<String>,
        /// Why (a refusal's reason, a cancellation).
        reason: String,
    },
    /// Warn a suspense's owner.
    Notify(Notify),
    /// Give a fused track its classification: the tracker publishes the
    /// affiliation in its CoT type and the remarks with it.
    Classify {
        /// The track's uid.
        uid: String,
        /// Its standard identity.
        affiliation: crate::classify::Affiliation,
        /// Why.
        remarks: Option<String>,
    },
}

/// Tell a suspense's owner a threshold has come: its TAK users by GeoChat
/// (none when the owner is a role, not a unit) and the web COP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notify {
    /// The suspense.
    pub suspense: String,
    /// Who owes it.
    pub owner: String,
    /// `T-7d`, `T-1d`, `DUE`.
    pub level: String,
    /// The due instant it warns of.
    #[serde(with = "crate::when::required")]
    pub due: Time,
    /// The line to send.
    pub text: String,
    /// The owner's TAK uids.
    pub recipients: Vec<String>,
}

/// The result of one request.
#[derive(Debug)]
pub struct Applied {
    /// Taken or refused; a refused request changed nothing.
    pub result: Result<(), crate::command::OpsError>,
    /// What to write to the audit log, refusals included.
    pub entries: Vec<Entry>,
    /// What to do in the world.
    pub effects: Vec<Effect>,
}
