//! One command at a time: the role check, the checks of its references
//! and values, then the change and the re-evaluation it causes.

use cot::Time;

use super::Ops;
use crate::assignment::{combine, Assignment, Review};
use crate::authority::Authority;
use crate::command::{Actor, Answer, Command, OpsError};
use crate::decide::{Authorities, Outcome};
use crate::entry::{Effect, Entry};
use crate::ruleset::{check_record, hash_hex, RuleSet};
use crate::task::{Task, TaskStatus};
use crate::unit::Unit;

/// What one request produced so far.
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub(crate) entries: Vec<Entry>,
    pub(crate) effects: Vec<Effect>,
}

fn invalid(s: impl Into<String>) -> OpsError {
    OpsError::Invalid(s.into())
}

fn not_found(kind: &'static str, id: &str) -> OpsError {
    OpsError::NotFound {
        kind,
        id: id.to_string(),
    }
}

impl Ops {
    pub(crate) fn one(
        &mut self,
        actor: &Actor,
        cmd: &Command,
        now: Time,
        work: &mut Work,
    ) -> Result<(), OpsError> {
        cmd.check_role(actor)?;
        match cmd {
            Command::Unit { unit } => self.put_unit(unit, now, work),
            Command::Status { unit, status } => {
                if !self.units.contains_key(unit) {
                    return Err(not_found("unit", unit));
                }
                self.statuses
                    .entry(unit.clone())
                    .or_default()
                    .add(status.clone())
                    .map_err(|source| OpsError::Status {
                        unit: unit.clone(),
                        source,
                    })?;
                let why = format!(
                    "duty status of {unit} from {}: {} ({})",
                    status.window.from, status.kind, status.order_ref
                );
                let under = self.subtree(unit);
                let open = self.open_assignments(|a| {
                    a.elements
                        .iter()
                        .any(|e| under.contains(e.element.as_str()))
                });
                self.reevaluate(&open, now, &why, work);
                Ok(())
            }
            Command::Authority { authority } => self.enter_authority(authority, now, work),
            Command::EndAuthority { id, at } => {
                let a = self.entered.get_mut(id).ok_or_else(|| {
                    if self.rules.authorities.iter().any(|r| r.id == *id) {
                        invalid(format!("{id} is part of the signed rule set; it changes only with a new rule set"))
                    } else {
                        not_found("authority", id)
                    }
                })?;
                if *at <= a.valid.from || a.valid.to.is_some_and(|to| *at > to) {
                    return Err(invalid(format!(
                        "{id} cannot end at {at}: it is in force {}..",
                        a.valid.from
                    )));
                }
                a.valid.to = Some(*at);
                let activities = a.activities.clone();
                self.rebuild_authorities();
                let why = format!("authority {id} ends at {at}");
                self.reevaluate_activities(&activities, now, &why, work);
                Ok(())
            }
            Command::Rules { text, hash, signer } => {
                if hash_hex(text.as_bytes()) != *hash {
                    return Err(invalid("the rule set's hash does not match its text"));
                }
                let rules = RuleSet::parse(text.as_bytes())?;
                if let Some(clash) = rules
                    .authorities
                    .iter()
                    .find(|a| self.entered.contains_key(&a.id))
                {
                    return Err(invalid(format!(
                        "rule set record {} has the id of an entered authority",
                        clash.id
                    )));
                }
                let why = format!(
                    "rule set {} ({}) loaded, signed by {signer}",
                    rules.version,
                    &hash[..12.min(hash.len())]
                );
                self.rules = rules;
                self.rebuild_authorities();
                let open = self.open_assignments(|_| true);
                self.reevaluate(&open, now, &why, work);
                Ok(())
            }
            Command::Task { task } => self.put_task(task, now, work),
            Command::Advance { task, to, reason } => {
                let t = self
                    .tasks
                    .get_mut(task)
                    .ok_or_else(|| not_found("task", task))?;
                if !t.status.may_advance_to(*to) {
                    return Err(invalid(format!(
                        "task {task} cannot go from {} to {to} by hand",
                        t.status
                    )));
                }
                let from = t.status;
                t.status = *to;
                work.entries.push(Entry {
                    time: now,
                    actor: actor.name.clone(),
                    action: "ops.task_status".into(),
                    subjects: vec![task.clone()],
                    decision: Some(to.name().into()),
                    reasons: vec![format!("{from} -> {to}: {reason}")],
                    rule_set: Some(self.rules.hash.clone()),
                    payload: serde_json::Value::Null,
                });
                self.settle(task, now, work);
                Ok(())
            }
            Command::Assign { task, unit } => self.assign(task, unit, now, work),
            Command::Review {
                assignment,
                element,
                outcome,
                reason,
            } => self.review(actor, assignment, element, *outcome, reason, now, work),
            Command::Perstat { unit, strength } => {
                self.check_skew(unit, strength.as_of, now)?;
                let u = self
                    .units
                    .get_mut(unit)
                    .ok_or_else(|| not_found("unit", unit))?;
                if u.strength.is_some_and(|s| s.as_of > strength.as_of) {
                    return Err(invalid(format!("a newer PERSTAT for {unit} is on record")));
                }
                u.strength = Some(*strength);
                self.report_filed(unit, "PERSTAT", actor, now, work);
                Ok(())
            }
            Command::Usr { unit, readiness } => {
                self.check_skew(unit, readiness.as_of, now)?;
                if !readiness.is_valid() {
                    return Err(invalid(
                        "a readiness report needs C-1..C-5 and P, S, R, T levels 1..4",
                    ));
                }
                let u = self
                    .units
                    .get_mut(unit)
                    .ok_or_else(|| not_found("unit", unit))?;
                if u.readiness.is_some_and(|r| r.as_of > readiness.as_of) {
                    return Err(invalid(format!(
                        "a newer unit status report for {unit} is on record"
                    )));
                }
                u.readiness = Some(*readiness);
                self.report_filed(unit, "USR", actor, now, work);
                Ok(())
            }
            Command::Reply {
                task,
                element,
                answer,
            } => self.reply(actor, task, element.as_deref(), answer, now, work),
            Command::Order { order } => self.put_order(order, now, work),
            Command::Suspense { suspense } => self.put_suspense(suspense, now),
            Command::Recurring { recurring } => self.put_series(recurring, now, work),
            Command::EndRecurring { id, reason } => self.end_series(id, reason, now),
            Command::Meet { suspense, at, .. } => self.meet(suspense, *at, actor, now),
            Command::Extend {
                suspense,
                due,
                authority,
                reason,
            } => self.extend(suspense, *due, authority, reason, actor, now),
            Command::Waive {
                suspense,
                authority,
                reason,
            } => self.waive(suspense, authority, reason, actor, now),
            Command::Classify {
                uid,
                affiliation,
                remarks,
            } => {
                crate::classify::validate(uid, remarks.as_deref())?;
                self.classify(uid, *affiliation, remarks, actor, now, work);
                Ok(())
            }
            Command::Batch { .. } => Err(invalid("batches do not nest")),
        }
    }

    /// `unit` and every unit under it: the elements whose lineage holds it.
    fn subtree(&self, unit: &str) -> std::collections::HashSet<&str> {
        let mut out = std::collections::HashSet::new();
        let mut stack = vec![unit];
        while let Some(u) = stack.pop() {
            let Some((id, _)) = self.units.get_key_value(u) else {
                continue;
            };
            if out.insert(id.as_str()) {
                if let Some(kids) = self.children.get(u) {
                    stack.extend(kids.iter().map(String::as_str));
                }
            }
        }
        out
    }

    fn check_skew(&self, unit: &str, stamped: Time, now: Time) -> Result<(), OpsError> {
        let ahead_s = (stamped.micros() - now.micros()) / 1_000_000;
        if ahead_s > self.config.skew_limit_s {
            return Err(OpsError::ClockSkew {
                unit: unit.into(),
                ahead_s,
                limit_s: self.config.skew_limit_s,
            });
        }
        Ok(())
    }

    fn put_unit(&mut self, unit: &Unit, now: Time, work: &mut Work) -> Result<(), OpsError> {
        if unit.id.trim().is_empty() || unit.designation.trim().is_empty() {
            return Err(invalid("a unit needs an id and a designation"));
        }
        if let Some(p) = &unit.parent {
            if !self.units.contains_key(p) {
                return Err(not_found("parent unit", p));
            }
            if self.lineage(p).contains(&unit.id.as_str()) {
                return Err(invalid(format!(
                    "{} cannot be under {p}: {p} is under it",
                    unit.id
                )));
            }
        }
        let mut unit = unit.clone();
        let old = self.units.get(&unit.id).cloned();
        if let Some(old) = &old {
            unit.strength = unit.strength.or(old.strength);
            unit.readiness = unit.readiness.or(old.readiness);
            if let Some(p) = &old.parent {
                if let Some(kids) = self.children.get_mut(p) {
                    kids.retain(|k| *k != unit.id);
                }
            }
        }
        if let Some(p) = &unit.parent {
            let kids = self.children.entry(p.clone()).or_default();
            kids.push(unit.id.clone());
            kids.sort();
        }
        let moved = old
            .as_ref()
            .map(|o| o.parent != unit.parent)
            .unwrap_or(false);
        let id = unit.id.clone();
        self.units.insert(id.clone(), unit);
        if moved || old.is_none() {
            // A new or moved unit changes the elements of its parents'
            // assignments and the lineage its statuses come from.
            let why = format!(
                "unit {id} placed under {}",
                self.units
                    .get(&id)
                    .and_then(|u| u.parent.clone())
                    .unwrap_or_else(|| "no parent".into())
            );
            let open = self.open_assignments(|_| true);
            self.reevaluate(&open, now, &why, work);
        }
        Ok(())
    }

    fn rebuild_authorities(&mut self) {
        let mut all = self.rules.authorities.clone();
        all.extend(self.entered.values().cloned());
        self.authorities = Authorities::new(all);
    }

    fn enter_authority(
        &mut self,
        a: &Authority,
        now: Time,
        work: &mut Work,
    ) -> Result<(), OpsError> {
        check_record(a)?;
        if self.authorities.get(&a.id).is_some() {
            return Err(invalid(format!(
                "authority {} is already on record; end it and enter a new one",
                a.id
            )));
        }
        for u in &a.applies_to.units {
            if !self.units.contains_key(u) {
                return Err(not_found("unit", u));
            }
        }
        self.entered.insert(a.id.clone(), a.clone());
        self.rebuild_authorities();
        let why = format!("authority {} entered ({}; {})", a.id, a.citation, a.source);
        self.reevaluate_activities(&a.activities, now, &why, work);
        Ok(())
    }

    fn reevaluate_activities(
        &mut self,
        activities: &[crate::activity::Activity],
        now: Time,
        why: &str,
        work: &mut Work,
    ) {
        let tasks = &self.tasks;
        let open = self.open_assignments(|a| {
            tasks
                .get(&a.task)
                .is_some_and(|t| t.requires.iter().any(|r| activities.contains(&r.activity)))
        });
        self.reevaluate(&open, now, why, work);
    }

    fn put_task(&mut self, task: &Task, now: Time, work: &mut Work) -> Result<(), OpsError> {
        if task.id.trim().is_empty() || task.title.trim().is_empty() {
            return Err(invalid("a task needs an id and a title"));
        }
        if task.requires.is_empty() {
            return Err(invalid(format!("task {} requires no activity", task.id)));
        }
        if task.window.is_empty() {
            return Err(invalid(format!(
                "task {}'s window ends before it starts",
                task.id
            )));
        }
        // One requirement per activity: two with different conditions
        // would leave which conditions were declared for it ambiguous.
        for (i, r) in task.requires.iter().enumerate() {
            if task.requires[..i].iter().any(|o| o.activity == r.activity) {
                return Err(invalid(format!(
                    "task {} lists {} twice; give it once, with all its conditions",
                    task.id, r.activity
                )));
            }
        }
        for r in &task.requires {
            if let Some(x) = r
                .authorities
                .iter()
                .find(|x| self.authorities.get(x).is_none())
            {
                return Err(invalid(format!(
                    "task {} cites {x}, which is not on record",
                    task.id
                )));
            }
        }
        match self.tasks.get(&task.id) {
            None => {
                if !matches!(
                    task.status,
                    TaskStatus::Draft
                        | TaskStatus::Requested
                        | TaskStatus::Validated
                        | TaskStatus::Approved
                ) {
                    return Err(invalid(format!(
                        "a new task starts as DRAFT..APPROVED, not {}",
                        task.status
                    )));
                }
                self.tasks.insert(task.id.clone(), task.clone());
                Ok(())
            }
            Some(old) if old.status.is_final() => Err(invalid(format!(
                "task {} is {}; it no longer changes",
                task.id, old.status
            ))),
            Some(old) => {
                let mut next = task.clone();
                next.status = old.status;
                let why = format!("task {} changed (area, time or activities)", task.id);
                self.tasks.insert(task.id.clone(), next);
                let open = self.open_assignments(|a| a.task == task.id);
                self.reevaluate(&open, now, &why, work);
                self.settle(&task.id, now, work);
                Ok(())
            }
        }
    }

    fn assign(
        &mut self,
        task_id: &str,
        unit: &str,
        now: Time,
        work: &mut Work,
    ) -> Result<(), OpsError> {
        let task = self
            .tasks
            .get(task_id)
            .ok_or_else(|| not_found("task", task_id))?;
        if !self.units.contains_key(unit) {
            return Err(not_found("unit", unit));
        }
        if !matches!(
            task.status,
            TaskStatus::Approved
                | TaskStatus::Assigned
                | TaskStatus::Executing
                | TaskStatus::Refused
        ) {
            return Err(invalid(format!(
                "task {task_id} is {}; it is assigned once APPROVED",
                task.status
            )));
        }
        if self
            .assignments_of(task_id)
            .iter()
            .any(|a| a.assignee == unit)
        {
            return Err(invalid(format!(
                "task {task_id} is already assigned to {unit}"
            )));
        }
        let (elements, at) = self.evaluate(task, unit, now);
        let outcome = combine(&elements, task.splittable);
        let id = format!("A-{:06}", self.next_assignment);
        self.next_assignment += 1;
        let a = Assignment {
            id: id.clone(),
            task: task_id.into(),
            assignee: unit.into(),
            outcome,
            elements,
            evaluated_at: now,
            decided_for: at,
            rule_set: self.rules.hash.clone(),
            why: format!("assigned to {unit}"),
        };
        self.assignments.insert(id.clone(), a);
        self.by_task
            .entry(task_id.into())
            .or_default()
            .push(id.clone());
        self.note_decision(&id, now, work);
        self.settle(task_id, now, work);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // one per field of the command
    fn review(
        &mut self,
        actor: &Actor,
        assignment: &str,
        element: &str,
        outcome: Outcome,
        reason: &str,
        now: Time,
        work: &mut Work,
    ) -> Result<(), OpsError> {
        if outcome == Outcome::NeedsReview {
            return Err(invalid("a review decides ALLOWED or REFUSED"));
        }
        if reason.trim().is_empty() {
            return Err(invalid("a review needs its reason and basis"));
        }
        let a = self
            .assignments
            .get_mut(assignment)
            .ok_or_else(|| not_found("assignment", assignment))?;
        let task_id = a.task.clone();
        if let Some(t) = self.tasks.get(&task_id).filter(|t| t.status.is_final()) {
            return Err(invalid(format!(
                "task {task_id} is {}; its reviews are closed",
                t.status
            )));
        }
        let splittable = self.tasks.get(&task_id).is_none_or(|t| t.splittable);
        let e = a
            .elements
            .iter_mut()
            .find(|e| e.element == element)
            .ok_or_else(|| not_found("element", element))?;
        if e.engine != Outcome::NeedsReview {
            return Err(invalid(format!(
                "{element} of {assignment} is {} by the rules, not waiting for review",
                e.engine
            )));
        }
        e.review = Some(Review {
            by: actor.name.clone(),
            at: now,
            outcome,
            reason: reason.into(),
            basis: e.basis(),
        });
        e.outcome = outcome;
        a.outcome = combine(&a.elements, splittable);
        a.evaluated_at = now;
        a.why = format!("reviewed by {}", actor.name);
        self.note_decision(assignment, now, work);
        self.settle(&task_id, now, work);
        Ok(())
    }

    fn reply(
        &mut self,
        actor: &Actor,
        task_id: &str,
        named: Option<&str>,
        answer: &Answer,
        now: Time,
        work: &mut Work,
    ) -> Result<(), OpsError> {
        let uid = actor
            .field_uid
            .as_deref()
            .ok_or_else(|| invalid("a reply comes from a TAK client"))?;
        let status = self
            .tasks
            .get(task_id)
            .ok_or_else(|| not_found("task", task_id))?
            .status;
        if status.is_final() {
            return Err(invalid(format!("task {task_id} is {status}")));
        }
        let ids = self.by_task.get(task_id).cloned().unwrap_or_default();
        let mut hit = None;
        for aid in &ids {
            let Some(a) = self.assignments.get(aid) else {
                continue;
            };
            for e in a
                .elements
                .iter()
                .filter(|e| named.is_none_or(|n| n == e.element))
            {
                let theirs = self
                    .units
                    .get(&e.element)
                    .is_some_and(|u| u.recipients().iter().any(|r| r == uid));
                if theirs && e.sent {
                    hit = Some((aid.clone(), e.element.clone()));
                }
            }
        }
        let (aid, element) = hit.ok_or_else(|| {
            invalid(format!(
                "{uid} is not with an element task {task_id} was sent to"
            ))
        })?;
        if let Some(e) = self
            .assignments
            .get_mut(&aid)
            .and_then(|a| a.elements.iter_mut().find(|e| e.element == element))
        {
            e.answer = Some(answer.clone());
        }
        if matches!(answer, Answer::Complete) {
            if let Some(t) = self.tasks.get_mut(task_id) {
                t.status = TaskStatus::Complete;
            }
            work.entries.push(Entry {
                time: now,
                actor: actor.name.clone(),
                action: "ops.task_status".into(),
                subjects: vec![task_id.into(), element],
                decision: Some("COMPLETE".into()),
                reasons: vec![format!("{status} -> COMPLETE: reported by {uid}")],
                rule_set: Some(self.rules.hash.clone()),
                payload: serde_json::Value::Null,
            });
            return Ok(());
        }
        self.settle(task_id, now, work);
        Ok(())
    }
}
