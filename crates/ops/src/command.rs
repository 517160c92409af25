//! What people (and the field) ask of the ops engine, who they are, and
//! why a request is refused. Every command names the role it needs; the
//! engine checks it, so no shell can forget to.

use serde::{Deserialize, Serialize};

use crate::area::AreaError;
use crate::authority::Authority;
use crate::decide::Outcome;
use crate::duty::{DutyStatus, StatusError};
use crate::ruleset::RuleSetError;
use crate::task::{Task, TaskStatus};
use crate::unit::{Readiness, Strength, Unit};

/// What a user may do (the users file gives each user its roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates tasks, assigns them, files strength and readiness reports.
    WatchOfficer,
    /// Counsel: enters authority records and resolves reviews.
    Legal,
    /// Loads rule sets and units and sets duty statuses.
    Admin,
}

impl Role {
    /// The name in the users file.
    pub fn name(self) -> &'static str {
        match self {
            Role::WatchOfficer => "watch_officer",
            Role::Legal => "legal",
            Role::Admin => "admin",
        }
    }

    /// Reads a users-file name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "watch_officer" | "watch-officer" => Some(Role::WatchOfficer),
            "legal" => Some(Role::Legal),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// Who asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user name or certificate CN; `engine` for the engine's own
    /// re-evaluations.
    pub name: String,
    /// The roles the users file gives them.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// For a TAK client answering a task: its SA uid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_uid: Option<String>,
}

impl Actor {
    /// A user with roles.
    pub fn user(name: &str, roles: &[Role]) -> Actor {
        Actor {
            name: name.to_string(),
            roles: roles.to_vec(),
            field_uid: None,
        }
    }

    /// A TAK client in the field, by callsign and uid.
    pub fn field(name: &str, uid: &str) -> Actor {
        Actor {
            name: name.to_string(),
            roles: Vec::new(),
            field_uid: Some(uid.to_string()),
        }
    }

    /// The engine itself (time-driven re-evaluation).
    pub fn engine() -> Actor {
        Actor {
            name: "engine".into(),
            roles: Vec::new(),
            field_uid: None,
        }
    }

    /// Whether they hold `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A field unit's answer to a task (a `y-*` reply or a GeoChat line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Answer {
    /// Will comply: the element is executing.
    Wilco,
    /// Cannot comply, with the reason given.
    Cantco {
        /// In the unit's words.
        #[serde(default)]
        reason: String,
    },
    /// Done.
    Complete,
}

/// One request to the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// Adds or replaces a unit (admin).
    Unit {
        /// The unit.
        unit: Unit,
    },
    /// Records a duty-status period of a unit (admin).
    Status {
        /// The unit's id.
        unit: String,
        /// The period.
        status: DutyStatus,
    },
    /// Enters an authority record (legal).
    Authority {
        /// The record.
        authority: Authority,
    },
    /// Ends an authority record at an instant (legal): the record itself
    /// stays in the log; decisions after `at` no longer use it.
    EndAuthority {
        /// Its id.
        id: String,
        /// When it stops.
        #[serde(with = "crate::when::required")]
        at: cot::Time,
    },
    /// Replaces the rule set with a verified one (admin). The shell has
    /// checked the signature; `hash` must be the SHA-256 of `text`.
    Rules {
        /// The file's text.
        text: String,
        /// Its hex SHA-256.
        hash: String,
        /// Who signed it.
        #[serde(default)]
        signer: String,
    },
    /// Creates a task, or changes one that is not over (watch officer).
    Task {
        /// The task.
        task: Task,
    },
    /// Moves a task along by hand (watch officer).
    Advance {
        /// The task's id.
        task: String,
        /// The new status.
        to: TaskStatus,
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// Assigns a task to a unit, decided element by element (watch officer).
    Assign {
        /// The task's id.
        task: String,
        /// The unit's id.
        unit: String,
    },
    /// Counsel's decision on an element sent for review (legal).
    Review {
        /// The assignment's id.
        assignment: String,
        /// The element's id.
        element: String,
        /// ALLOWED or REFUSED.
        outcome: Outcome,
        /// Why, with the basis.
        reason: String,
    },
    /// A PERSTAT (watch officer or admin).
    Perstat {
        /// The unit's id.
        unit: String,
        /// Its strength.
        strength: Strength,
    },
    /// A unit status report (watch officer or admin).
    Usr {
        /// The unit's id.
        unit: String,
        /// Its readiness.
        readiness: Readiness,
    },
    /// A field unit's answer (the actor's uid must be one of the unit's).
    Reply {
        /// The task's id.
        task: String,
        /// The element the answer is for, when the field named it (a
        /// `y-*` reply's link does; a GeoChat line does not, and then the
        /// sender's element is found from its uid).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        element: Option<String>,
        /// The answer.
        #[serde(flatten)]
        answer: Answer,
    },
    /// Takes an order into the order tree and opens the suspenses it
    /// sets (watch officer or admin).
    Order {
        /// The order.
        order: crate::order::Order,
    },
    /// Opens a suspense (watch officer or admin).
    Suspense {
        /// The suspense.
        suspense: crate::suspense::SuspenseSpec,
    },
    /// Starts a recurring suspense (watch officer or admin).
    Recurring {
        /// The series.
        recurring: crate::suspense::Recurring,
    },
    /// Ends a recurring suspense: no instance opens after now; those open
    /// stay owed (watch officer or admin).
    EndRecurring {
        /// The series' id.
        id: String,
        /// Why.
        reason: String,
    },
    /// Records a suspense met (watch officer, admin or legal).
    Meet {
        /// The suspense's id.
        suspense: String,
        /// When it was met, if not now (never before it was set, never
        /// after now).
        #[serde(
            default,
            with = "crate::order::dtg_serde::optional",
            skip_serializing_if = "Option::is_none"
        )]
        at: Option<cot::Time>,
        /// A note (what was delivered).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// Moves a suspense's due instant later, by an authority and for a
    /// reason (watch officer, admin or legal).
    Extend {
        /// The suspense's id.
        suspense: String,
        /// The new due instant (ISO-8601 UTC or a DTG).
        #[serde(with = "crate::order::dtg_serde::required")]
        due: cot::Time,
        /// Who allowed it (`CoS JTF-SB`).
        authority: String,
        /// Why.
        reason: String,
    },
    /// Releases a suspense, by an authority and for a reason (watch
    /// officer, admin or legal).
    Waive {
        /// The suspense's id.
        suspense: String,
        /// Who released it.
        authority: String,
        /// Why.
        reason: String,
    },
    /// Classifies a fused track: its standard identity and why (watch
    /// officer or admin). The latest classification of a uid stands.
    Classify {
        /// The track's uid as published.
        uid: String,
        /// What it is judged to be.
        affiliation: crate::classify::Affiliation,
        /// Why, published in the track's `<remarks>`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remarks: Option<String>,
    },
    /// Several commands, applied all or none.
    Batch {
        /// In order.
        commands: Vec<Command>,
    },
}

impl Command {
    /// Whether the command may add, move or end a duty-status period or an
    /// authority's validity, the boundaries [`crate::Ops::handle_timeout`]
    /// waits for. A new kind of command counts as one until listed here.
    pub fn may_move_boundaries(&self) -> bool {
        !matches!(
            self,
            Command::Task { .. }
                | Command::Advance { .. }
                | Command::Assign { .. }
                | Command::Review { .. }
                | Command::Perstat { .. }
                | Command::Usr { .. }
                | Command::Reply { .. }
                | Command::Classify { .. }
        )
    }

    /// The audit action name (`ops.assign`).
    pub fn action(&self) -> &'static str {
        match self {
            Command::Unit { .. } => "ops.unit",
            Command::Status { .. } => "ops.status",
            Command::Authority { .. } => "ops.authority",
            Command::EndAuthority { .. } => "ops.end_authority",
            Command::Rules { .. } => "ops.rules",
            Command::Task { .. } => "ops.task",
            Command::Advance { .. } => "ops.advance",
            Command::Assign { .. } => "ops.assign",
            Command::Review { .. } => "ops.review",
            Command::Perstat { .. } => "ops.perstat",
            Command::Usr { .. } => "ops.usr",
            Command::Reply { .. } => "ops.reply",
            Command::Order { .. } => "ops.order",
            Command::Suspense { .. } => "ops.suspense",
            Command::Recurring { .. } => "ops.recurring",
            Command::EndRecurring { .. } => "ops.end_recurring",
            Command::Meet { .. } => "ops.meet",
            Command::Extend { .. } => "ops.extend",
            Command::Waive { .. } => "ops.waive",
            Command::Classify { .. } => "ops.classify",
            Command::Batch { .. } => "ops.batch",
        }
    }

    /// The roles any one of which may issue it; empty for field replies,
    /// which are checked against the unit's uids instead.
    pub fn roles(&self) -> &'static [Role] {
        match self {
            Command::Unit { .. } | Command::Status { .. } | Command::Rules { .. } => &[Role::Admin],
            Command::Authority { .. } | Command::EndAuthority { .. } | Command::Review { .. } => {
                &[Role::Legal]
            }
            Command::Task { .. } | Command::Advance { .. } | Command::Assign { .. } => {
                &[Role::WatchOfficer]
            }
            Command::Perstat { .. }
            | Command::Usr { .. }
            | Command::Order { .. }
            | Command::Suspense { .. }
            | Command::Recurring { .. }
            | Command::EndRecurring { .. }
            | Command::Classify { .. } => &[Role::WatchOfficer, Role::Admin],
            Command::Meet { .. } | Command::Extend { .. } | Command::Waive { .. } => {
                &[Role::WatchOfficer, Role::Admin, Role::Legal]
            }
            Command::Reply { .. } | Command::Batch { .. } => &[],
        }
    }

    /// Whether `actor` holds a role that may issue it.
    pub fn check_role(&self, actor: &Actor) -> Result<(), OpsError> {
        let roles = self.roles();
        if roles.is_empty() || roles.iter().any(|r| actor.has(*r)) {
            return Ok(());
        }
        Err(OpsError::Forbidden {
            action: self.action(),
            needed: roles
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(" or "),
            actor: actor.name.clone(),
        })
    }

    /// The checks that need no records: the role, and a classification's
    /// values; a batch's, command by command. The engine makes them again,
    /// so a shell that asks first (before it looks a track up) refuses
    /// nothing the engine would take.
    pub fn precheck(&self, actor: &Actor) -> Result<(), OpsError> {
        match self {
            Command::Batch { commands } => {
                commands.iter().enumerate().try_for_each(|(index, c)| {
                    c.precheck(actor).map_err(|e| OpsError::Batch {
                        index,
                        source: Box::new(e),
                    })
                })
            }
            Command::Classify { uid, remarks, .. } => {
                self.check_role(actor)?;
                Ok(crate::classify::validate(uid, remarks.as_deref())?)
            }
            _ => self.check_role(actor),
        }
    }

    /// The track uids it classifies, a batch's included.
    pub fn classified(&self) -> Vec<&str> {
        match self {
            Command::Classify { uid, .. } => vec![uid.as_str()],
            Command::Batch { commands } => commands.iter().flat_map(Command::classified).collect(),
            _ => Vec::new(),
        }
    }

    /// The ids it is about, for the audit record.
    pub fn subjects(&self) -> Vec<String> {
        match self {
            Command::Unit { unit } => vec![unit.id.clone()],
            Command::Status { unit, .. }
            | Command::Perstat { unit, .. }
            | Command::Usr { unit, .. } => vec![unit.clone()],
            Command::Authority { authority } => vec![authority.id.clone()],
            Command::EndAuthority { id, .. } => vec![id.clone()],
            Command::Rules { hash, .. } => vec![format!("rules:{hash}")],
            Command::Task { task } => vec![task.id.clone()],
            Command::Advance { task, .. } | Command::Reply { task, .. } => vec![task.clone()],
            Command::Assign { task, unit } => vec![task.clone(), unit.clone()],
            Command::Review {
                assignment,
                element,
                ..
            } => vec![assignment.clone(), element.clone()],
            Command::Order { order } => {
                let mut v = vec![order.id.clone()];
                v.extend(order.base.iter().cloned());
                v.extend(
                    order
                        .suspenses
                        .iter()
                        .map(|s| format!("{}/{}", order.id, s.id)),
                );
                v
            }
            Command::Suspense { suspense } => {
                let mut v = vec![suspense.id.clone(), suspense.owner.clone()];
                v.extend(suspense.order.iter().cloned());
                v
            }
            Command::Recurring { recurring } => vec![recurring.id.clone(), recurring.owner.clone()],
            Command::EndRecurring { id, .. } => vec![id.clone()],
            Command::Meet { suspense, .. }
            | Command::Extend { suspense, .. }
            | Command::Waive { suspense, .. } => vec![suspense.clone()],
            Command::Classify { uid, .. } => vec![uid.clone()],
            Command::Batch { commands } => commands.iter().flat_map(Command::subjects).collect(),
        }
    }
}

/// Why the engine refused a request. Each is one line for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpsError {
    /// The actor lacks the role.
    #[error("{action} needs the {needed} role; {actor} does not hold it")]
    Forbidden {
        /// The action.
        action: &'static str,
        /// The roles, any one of which would do.
        needed: String,
        /// Who asked.
        actor: String,
    },
    /// A unit, task, assignment or authority that is not on record.
    #[error("no {kind} {id:?}")]
    NotFound {
        /// What kind of thing.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The request contradicts the record.
    #[error("{0}")]
    Invalid(String),
    /// A status period that overlaps another.
    #[error("unit {unit}: {source}")]
    Status {
        /// The unit.
        unit: String,
        /// Why.
        source: StatusError,
    },
    /// A bad area.
    #[error(transparent)]
    Area(#[from] AreaError),
    /// A bad rule set.
    #[error(transparent)]
    Rules(#[from] RuleSetError),
    /// A report stamped too far ahead of the server's clock.
    #[error(
        "report for {unit} is stamped {ahead_s} s ahead of the server clock (limit {limit_s} s)"
    )]
    ClockSkew {
        /// The unit.
        unit: String,
        /// How far ahead.
        ahead_s: i64,
        /// The tolerance.
        limit_s: i64,
    },
    /// An order the tree does not take.
    #[error(transparent)]
    Order(#[from] crate::order::OrderError),
    /// A suspense request that does not hold.
    #[error(transparent)]
    Suspense(#[from] crate::suspense::SuspenseError),
    /// A malformed classification.
    #[error(transparent)]
    Classify(#[from] crate::classify::ClassifyError),
    /// A batch failed at one command; nothing of it was applied.
    #[error("command {index} of the batch: {source}")]
    Batch {
        /// Which command (from 0).
        index: usize,
        /// Why.
        source: Box<OpsError>,
    },
}
