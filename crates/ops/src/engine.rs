//! The ops engine: units, their duty statuses, the authorities on record,
//! tasks and their assignments, as one state machine with time passed in.
//!
//! The contract:
//! - every request goes through [`Ops::apply`] with the actor and the
//!   instant; it is checked whole (role, references, values) and either
//!   applied whole or refused with nothing changed, a batch included;
//! - every request, taken or refused, yields audit entries; every decision
//!   an [`Entry`] of action `ops.decision` with per-element reasons and
//!   the rule-set hash, so the log alone replays the engine;
//! - a change of duty status, of authority records (or the rule set) or of
//!   a task's area, time or activities re-evaluates the open assignments
//!   it can touch, and the passing of a status or authority boundary does
//!   the same in [`Ops::handle_timeout`]; an assignment re-evaluated equals
//!   one made fresh from the same records at the same instant;
//! - nothing is sent to the field unless its element is ALLOWED, and an
//!   element that stops being allowed is withdrawn ([`Effect`]);
//! - there is no override: a REFUSED changes only when the records change,
//!   and a NEEDS_REVIEW only by a user with the legal role.

mod apply;
mod evaluate;
mod replay;
mod suspenses;

pub use replay::{is_input, ReplayError};

use std::collections::BTreeMap;

use cot::Time;

use crate::assignment::Assignment;
use crate::authority::Authority;
use crate::classify::{Affiliation, Classification};
use crate::command::{Actor, Command};
use crate::decide::Authorities;
use crate::duty::StatusHistory;
use crate::entry::{Applied, Effect, Entry};
use crate::order::Orders;
use crate::ruleset::RuleSet;
use crate::suspense::{Series, Suspense};
use crate::task::Task;
use crate::unit::Unit;

/// Tunables of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpsConfig {
    /// How far ahead of the server clock a report may be stamped, seconds.
    pub skew_limit_s: i64,
    /// How long counsel has for a review of a task already running, seconds.
    pub review_due_s: i64,
}

impl Default for OpsConfig {
    fn default() -> Self {
        OpsConfig {
            skew_limit_s: 300,
            review_due_s: 4 * 3600,
        }
    }
}

/// The engine's state. See the module documentation for its contract.
#[derive(Debug, Clone)]
pub struct Ops {
    config: OpsConfig,
    units: BTreeMap<String, Unit>,
    children: BTreeMap<String, Vec<String>>,
    statuses: BTreeMap<String, StatusHistory>,
    rules: RuleSet,
    entered: BTreeMap<String, Authority>,
    authorities: Authorities,
    tasks: BTreeMap<String, Task>,
    assignments: BTreeMap<String, Assignment>,
    by_task: BTreeMap<String, Vec<String>>,
    suspenses: BTreeMap<String, Suspense>,
    orders: Orders,
    series: BTreeMap<String, Series>,
    classifications: BTreeMap<String, Classification>,
    next_assignment: u64,
    /// The audit sequence number the next entry gets, when the shell said
    /// ([`Ops::at_seq`]); taken by the next request.
    next_seq: Option<u64>,
    /// The sequence number of the request's own (ACCEPTED) entry.
    request_seq: Option<u64>,
    checked: Option<Time>,
    /// The next status or authority boundary after `checked`, once known
    /// (`Some(None)`: none on record); forgotten by any command that may
    /// move one. Spares each `apply` a scan of every history when nothing
    /// is due.
    due: Option<Option<Time>>,
}

impl Ops {
    /// An engine with no units or tasks and `rules` in force.
    pub fn new(config: OpsConfig, rules: RuleSet) -> Ops {
        let authorities = Authorities::new(rules.authorities.clone());
        Ops {
            config,
            units: BTreeMap::new(),
            children: BTreeMap::new(),
            statuses: BTreeMap::new(),
            rules,
            entered: BTreeMap::new(),
            authorities,
            tasks: BTreeMap::new(),
            assignments: BTreeMap::new(),
            by_task: BTreeMap::new(),
            suspenses: BTreeMap::new(),
            orders: Orders::new(),
            series: BTreeMap::new(),
            classifications: BTreeMap::new(),
            next_assignment: 1,
            next_seq: None,
            request_seq: None,
            checked: None,
            due: None,
        }
    }

    /// Applies one request by `actor` at `now`. Time is caught up first
    /// ([`Ops::handle_timeout`]), so a boundary that passed since the last
    /// tick is decided before the request, and the entries of that tick
    /// come first.
    pub fn apply(&mut self, actor: &Actor, cmd: &Command, now: Time) -> Applied {
        self.checked.get_or_insert(now);
        let next_seq = self.next_seq.take();
        let caught_up = self.handle_timeout(now);
        // The tick's entries are written first, then the request's.
        self.request_seq = next_seq.map(|n| n + caught_up.entries.len() as u64);
        let mut applied = self.apply_now(actor, cmd, now);
        self.request_seq = None;
        if !caught_up.entries.is_empty() {
            let mut entries = caught_up.entries;
            entries.append(&mut applied.entries);
            applied.entries = entries;
            let mut effects = caught_up.effects;
            effects.append(&mut applied.effects);
            applied.effects = effects;
        }
        applied
    }

    fn apply_now(&mut self, actor: &Actor, cmd: &Command, now: Time) -> Applied {
        let mut work = apply::Work::default();
        let result = match cmd {
            Command::Batch { commands } => {
                let mut trial = self.clone();
                let mut r = Ok(());
                for (index, c) in commands.iter().enumerate() {
                    if let Err(e) = trial.one(actor, c, now, &mut work) {
                        r = Err(crate::command::OpsError::Batch {
                            index,
                            source: Box::new(e),
                        });
                        break;
                    }
                }
                if r.is_ok() {
                    *self = trial;
                }
                r
            }
            // Every handler checks everything before it changes anything,
            // so a single command needs no copy to be refused cleanly (the
            // property tests hold it to that).
            _ => self.one(actor, cmd, now, &mut work),
        };
        if result.is_ok() && cmd.may_move_boundaries() {
            self.due = None;
        }
        let payload = serde_json::json!({ "actor": actor, "command": cmd });
        let subjects = cmd.subjects();
        match result {
            Ok(()) => {
                let mut entries = vec![Entry {
                    time: now,
                    actor: actor.name.clone(),
                    action: cmd.action().to_string(),
                    subjects,
                    decision: Some("ACCEPTED".into()),
                    reasons: Vec::new(),
                    rule_set: Some(self.rules.hash.clone()),
                    payload,
                }];
                entries.extend(work.entries);
                Applied {
                    result: Ok(()),
                    entries,
                    effects: work.effects,
                }
            }
            Err(e) => Applied {
                entries: vec![Entry {
                    time: now,
                    actor: actor.name.clone(),
                    action: "ops.refused".into(),
                    subjects,
                    decision: Some("REFUSED_CALL".into()),
                    reasons: vec![format!("{}: {e}", cmd.action())],
                    rule_set: Some(self.rules.hash.clone()),
                    payload,
                }],
                result: Err(e),
                effects: Vec::new(),
            },
        }
    }

    /// Tells the engine the audit sequence number the next entry it returns
    /// will be written as, so what the next request records can cite its
    /// own audit record (a classification's `seq`). The shell calls it
    /// before each request and before each replayed record; the next
    /// [`Ops::apply`] uses it up.
    pub fn at_seq(&mut self, next: u64) {
        self.next_seq = Some(next);
    }

    pub(crate) fn classify(
        &mut self,
        uid: &str,
        affiliation: Affiliation,
        remarks: &Option<String>,
        actor: &Actor,
        now: Time,
        work: &mut apply::Work,
    ) {
        let c = Classification {
            uid: uid.to_string(),
            affiliation,
            remarks: remarks.clone(),
            by: actor.name.clone(),
            at: now,
            seq: self.request_seq,
        };
        self.classifications.insert(uid.to_string(), c);
        work.effects.push(Effect::Classify {
            uid: uid.to_string(),
            affiliation,
            remarks: remarks.clone(),
        });
    }

    /// Re-evaluates the open assignments when a duty-status period or an
    /// authority's validity begins or ends in the time since the last call.
    pub fn handle_timeout(&mut self, now: Time) -> Applied {
        let mut work = apply::Work::default();
        let since = self.checked.unwrap_or(now);
        self.checked = Some(now);
        if let Some(next) = self.due {
            if next.is_none_or(|t| t > now) {
                return Applied {
                    result: Ok(()),
                    entries: Vec::new(),
                    effects: Vec::new(),
                };
            }
        }
        let mut why = Vec::new();
        for (unit, h) in &self.statuses {
            if h.changes_between(since, now) {
                why.push(format!("duty status of {unit} changed"));
            }
        }
        for a in self.authorities.records() {
            let edges = [Some(a.valid.from), a.valid.to];
            if edges.iter().flatten().any(|t| *t > since && *t <= now) {
                why.push(format!("authority {} came into or out of force", a.id));
            }
        }
        if !why.is_empty() {
            let open = self.open_assignments(|_| true);
            self.reevaluate(&open, now, &why.join("; "), &mut work);
        }
        why.extend(self.tick_suspenses(now, &mut work));
        // A tick is logged whenever a boundary passed, changed or not; one
        // that found none changed nothing, so a replay may skip it.
        let mut entries = Vec::new();
        if !why.is_empty() {
            entries.push(Entry {
                time: now,
                actor: "engine".into(),
                action: "ops.tick".into(),
                subjects: Vec::new(),
                decision: None,
                reasons: why,
                rule_set: Some(self.rules.hash.clone()),
                payload: serde_json::Value::Null,
            });
            entries.extend(work.entries);
        }
        self.due = Some(self.next_wakeup());
        Applied {
            result: Ok(()),
            entries,
            effects: work.effects,
        }
    }

    /// When [`Ops::handle_timeout`] next has something to do: the first
    /// status or authority boundary, suspense threshold or opening of a
    /// recurring instance after the last check.
    pub fn next_wakeup(&self) -> Option<Time> {
        let after = self.checked?;
        let statuses = self.statuses.values().filter_map(|h| h.next_change(after));
        let authorities = self
            .authorities
            .records()
            .iter()
            .flat_map(|a| [Some(a.valid.from), a.valid.to])
            .flatten()
            .filter(|t| *t > after);
        statuses
            .chain(authorities)
            .chain(self.suspense_wakeup(after))
            .min()
    }

    /// What the engine would decide if `task` were given to `unit` at
    /// `now`, without recording anything (`watchfloor ops decide --unit`).
    pub fn preview(
        &self,
        task: &str,
        unit: &str,
        now: Time,
    ) -> Option<Vec<crate::assignment::ElementDecision>> {
        let t = self.tasks.get(task)?;
        self.units.get(unit)?;
        Some(self.evaluate(t, unit, now).0)
    }

    /// The rule set in force.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Every authority on record (the rule set's and those entered).
    pub fn authorities(&self) -> &[Authority] {
        self.authorities.records()
    }

    /// A unit.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)
    }

    /// Every unit, by id.
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    /// A unit's status history.
    pub fn statuses(&self, unit: &str) -> Option<&StatusHistory> {
        self.statuses.get(unit)
    }

    /// A task.
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.get(id)
    }

    /// Every task, by id.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.values()
    }

    /// An assignment.
    pub fn assignment(&self, id: &str) -> Option<&Assignment> {
        self.assignments.get(id)
    }

    /// A task's assignments, oldest first.
    pub fn assignments_of(&self, task: &str) -> Vec<&Assignment> {
        self.by_task
            .get(task)
            .into_iter()
            .flatten()
            .filter_map(|id| self.assignments.get(id))
            .collect()
    }

    /// Every assignment, by id.
    pub fn assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.assignments.values()
    }

    /// Every suspense (orders', recurring instances, legal reviews), by id.
    pub fn suspenses(&self) -> impl Iterator<Item = &Suspense> {
        self.suspenses.values()
    }

    /// A suspense.
    pub fn suspense(&self, id: &str) -> Option<&Suspense> {
        self.suspenses.get(id)
    }

    /// The order tree.
    pub fn orders(&self) -> &Orders {
        &self.orders
    }

    /// Every recurring suspense, by id.
    pub fn series(&self) -> impl Iterator<Item = &Series> {
        self.series.values()
    }

    /// The latest classification of every track classified, by uid.
    pub fn classifications(&self) -> impl Iterator<Item = &Classification> {
        self.classifications.values()
    }

    /// The latest classification of a track.
    pub fn classification(&self, uid: &str) -> Option<&Classification> {
        self.classifications.get(uid)
    }

    /// The engine's tunables.
    pub fn config(&self) -> OpsConfig {
        self.config
    }
}

/// The effects of `applied` that send something, for callers that only
/// count them.
pub fn dispatches(applied: &Applied) -> usize {
    applied
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::Dispatch { .. }))
        .count()
}
