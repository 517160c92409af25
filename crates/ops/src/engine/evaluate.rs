//! Deciding an assignment from the records, and re-deciding the open ones
//! when the records change: elements, lineage, reviews carried over,
//! what to send to the field and what to withdraw, and the task's status.

use std::collections::HashMap;

use cot::Time;
use serde::Serialize;

use super::apply::Work;
use super::Ops;
use crate::assignment::{combine, element_outcome, Assignment, ElementDecision};
use crate::decide::{decide, Element, Outcome};
use crate::entry::{Effect, Entry};
use crate::suspense::{About, Suspense, Waiver};
use crate::task::{Task, TaskStatus};

impl Ops {
    /// The unit and its parents, the unit first. A cycle cannot exist
    /// (units are refused that would make one), but the walk is bounded
    /// anyway so bad state can never hang the engine.
    pub(crate) fn lineage(&self, unit: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = self.units.get_key_value(unit).map(|(k, _)| k.as_str());
        while let Some(id) = at {
            if out.len() > self.units.len() {
                break;
            }
            out.push(id);
            at = self.units.get(id).and_then(|u| u.parent.as_deref());
        }
        out
    }

    /// The elements a task given to `unit` is decided for: its leaf
    /// descendants, or the unit itself when it has none.
    pub(crate) fn elements_of(&self, unit: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![unit.to_string()];
        let mut seen = 0usize;
        while let Some(u) = stack.pop() {
            seen += 1;
            if seen > self.units.len() + 1 {
                break;
            }
            match self.children.get(&u) {
                Some(kids) if !kids.is_empty() => stack.extend(kids.iter().rev().cloned()),
                _ => out.push(u),
            }
        }
        out
    }

    /// The engine's fresh decision for `task` given to `assignee` at `now`.
    pub(crate) fn evaluate(
        &self,
        task: &Task,
        assignee: &str,
        now: Time,
    ) -> (Vec<ElementDecision>, Time) {
        self.evaluate_with(task, assignee, now, &mut Lineages::default())
    }

    /// [`Ops::evaluate`] with the elements' lineages kept in `lineages`,
    /// so re-deciding many assignments walks each unit's parents once.
    fn evaluate_with<'a>(
        &'a self,
        task: &Task,
        assignee: &str,
        now: Time,
        lineages: &mut Lineages<'a>,
    ) -> (Vec<ElementDecision>, Time) {
        let at = task.decision_time(now);
        let elements = self
            .elements_of(assignee)
            .into_iter()
            .map(|element| {
                let lineage = lineages.of(self, &element);
                let status = lineage
                    .iter()
                    .find_map(|u| self.statuses.get(*u).and_then(|h| h.at(at)));
                let activities: Vec<_> = task
                    .requires
                    .iter()
                    .map(|req| {
                        decide(
                            &self.authorities,
                            Element { lineage, status },
                            req,
                            task,
                            at,
                        )
                    })
                    .collect();
                let engine = element_outcome(&activities);
                ElementDecision {
                    status: status.map(|s| s.kind),
                    element,
                    engine,
                    outcome: engine,
                    activities,
                    review: None,
                    sent: false,
                    answer: None,
                }
            })
            .collect();
        (elements, at)
    }

    /// Open assignments (task not over) that `touches` selects.
    pub(crate) fn open_assignments(&self, touches: impl Fn(&Assignment) -> bool) -> Vec<String> {
        self.assignments
            .values()
            .filter(|a| {
                self.tasks
                    .get(&a.task)
                    .is_some_and(|t| !t.status.is_final())
            })
            .filter(|a| touches(a))
            .map(|a| a.id.clone())
            .collect()
    }

    /// Re-decides `ids` at `now` because of `why`, writing a decision entry
    /// for each one whose decision changed. Everything is decided against
    /// the records as they stand before anything is written, so the order
    /// of `ids` cannot matter.
    pub(crate) fn reevaluate(&mut self, ids: &[String], now: Time, why: &str, work: &mut Work) {
        let mut lineages = Lineages::default();
        let mut changed = Vec::new();
        for id in ids {
            let Some(old) = self.assignments.get(id) else {
                continue;
            };
            let Some(task) = self.tasks.get(&old.task) else {
                continue;
            };
            let (mut elements, at) = self.evaluate_with(task, &old.assignee, now, &mut lineages);
            for e in &mut elements {
                if let Some(prev) = old.elements.iter().find(|p| p.element == e.element) {
                    e.sent = prev.sent;
                    e.answer.clone_from(&prev.answer);
                    if e.engine == Outcome::NeedsReview {
                        e.review = prev.review.clone().filter(|r| r.basis == e.basis());
                    }
                }
                if let Some(r) = &e.review {
                    e.outcome = r.outcome;
                }
            }
            let outcome = combine(&elements, task.splittable);
            let same = outcome == old.outcome
                && elements.len() == old.elements.len()
                && elements.iter().zip(&old.elements).all(|(n, o)| {
                    n.element == o.element && n.outcome == o.outcome && n.activities == o.activities
                });
            if !same {
                changed.push((id, elements, outcome, at));
            }
        }
        let mut tasks = Vec::new();
        for (id, elements, outcome, at) in changed {
            // In place: replacing whole assignments in the map cost a copy
            // and a free of each, and fragmented the heap as they churned.
            let Some(a) = self.assignments.get_mut(id) else {
                continue;
            };
            a.elements = elements;
            a.outcome = outcome;
            a.evaluated_at = now;
            a.decided_for = at;
            a.rule_set.clone_from(&self.rules.hash);
            why.clone_into(&mut a.why);
            tasks.push(a.task.clone());
            self.note_decision(id, now, work);
        }
        tasks.sort();
        tasks.dedup();
        for t in tasks {
            self.settle(&t, now, work);
        }
    }

    /// Writes the decision entry for assignment `id` and keeps its review
    /// suspenses in step.
    pub(crate) fn note_decision(&mut self, id: &str, now: Time, work: &mut Work) {
        let Some(a) = self.assignments.get(id) else {
            return;
        };
        let reasons = a
            .elements
            .iter()
            .flat_map(|e| {
                e.activities.iter().map(move |d| {
                    format!(
                        "{} {}: {} [{}] {}",
                        e.element, d.activity, d.outcome, d.rule, d.reason
                    )
                })
            })
            .chain(a.elements.iter().filter_map(|e| {
                e.review.as_ref().map(|r| {
                    format!(
                        "{} reviewed by {}: {} ({})",
                        e.element, r.by, r.outcome, r.reason
                    )
                })
            }))
            .collect();
        work.entries.push(Entry {
            time: now,
            actor: "engine".into(),
            action: "ops.decision".into(),
            subjects: vec![a.id.clone(), a.task.clone(), a.assignee.clone()],
            decision: Some(a.outcome.name().into()),
            reasons,
            rule_set: Some(a.rule_set.clone()),
            payload: serde_json::to_value(DecisionRecord::of(a)).unwrap_or(serde_json::Value::Null),
        });
        let waiting: Vec<(String, String)> = a
            .elements
            .iter()
            .map(|e| (e.element.clone(), format!("R-{}-{}", a.id, e.element)))
            .collect();
        let needs: Vec<bool> = a
            .elements
            .iter()
            .map(|e| e.outcome == Outcome::NeedsReview)
            .collect();
        let reviewed: Vec<Option<(Time, String)>> = a
            .elements
            .iter()
            .map(|e| e.review.as_ref().map(|r| (r.at, r.by.clone())))
            .collect();
        let start = self.tasks.get(&a.task).map(|t| t.window.from);
        let subject = a.id.clone();
        for (((_, sid), need), reviewed) in waiting.into_iter().zip(needs).zip(reviewed) {
            match (self.suspenses.get_mut(&sid), need) {
                (None, true) => {
                    let due = match start {
                        Some(s) if s > now => s,
                        _ => now.plus_secs(self.config.review_due_s),
                    };
                    let s = Suspense::new(&sid, "legal", About::Review, &subject, due, now);
                    self.suspenses.insert(sid.clone(), s);
                }
                (Some(s), false) if !s.is_closed() => match reviewed {
                    Some((at, by)) => {
                        s.met_at = Some(at);
                        s.met_by = Some(by);
                    }
                    None => {
                        s.waiver = Some(Waiver {
                            authority: "the records".into(),
                            reason: "the records no longer need a review".into(),
                            by: "engine".into(),
                            at: now,
                        })
                    }
                },
                _ => {}
            }
        }
    }

    /// Brings a task's status and the field in line with its assignments:
    /// sends the task to newly allowed elements and withdraws it from
    /// elements no longer allowed.
    pub(crate) fn settle(&mut self, task_id: &str, now: Time, work: &mut Work) {
        let Some(task) = self.tasks.get(task_id) else {
            return;
        };
        let list: Vec<&Assignment> = self
            .by_task
            .get(task_id)
            .into_iter()
            .flatten()
            .filter_map(|i| self.assignments.get(i))
            .collect();
        let derived = |s: TaskStatus| -> TaskStatus {
            if !matches!(
                s,
                TaskStatus::Approved
                    | TaskStatus::Assigned
                    | TaskStatus::Executing
                    | TaskStatus::Refused
            ) {
                return s;
            }
            let cleared = |e: &ElementDecision| e.cleared();
            let live = list.iter().flat_map(|a| {
                a.elements
                    .iter()
                    .filter(move |_| a.outcome == Outcome::Allowed)
            });
            let mut any_cleared = false;
            let mut any_wilco = false;
            for e in live {
                if cleared(e) {
                    any_cleared = true;
                    any_wilco |= matches!(e.answer, Some(crate::command::Answer::Wilco));
                }
            }
            if any_cleared {
                if any_wilco {
                    TaskStatus::Executing
                } else {
                    TaskStatus::Assigned
                }
            } else if list.iter().any(|a| a.outcome == Outcome::NeedsReview) || list.is_empty() {
                TaskStatus::Approved
            } else if list.iter().all(|a| a.outcome == Outcome::Refused) {
                TaskStatus::Refused
            } else {
                TaskStatus::Approved
            }
        };
        let status = derived(task.status);
        let dispatchable = matches!(status, TaskStatus::Assigned | TaskStatus::Executing);
        let old_status = task.status;
        let mut effects = Vec::new();
        let mut marks: Vec<(String, String, bool)> = Vec::new();
        for a in &list {
            for e in &a.elements {
                let should = dispatchable && a.outcome == Outcome::Allowed && e.cleared();
                let sending = should && !e.sent;
                let withdrawing =
                    e.sent && ((!should && !status.is_final()) || status == TaskStatus::Cancelled);
                if !(sending || withdrawing) {
                    continue;
                }
                let recipients = self
                    .units
                    .get(&e.element)
                    .map(|u| u.recipients())
                    .unwrap_or_default();
                if sending && !recipients.is_empty() {
                    effects.push(Effect::Dispatch {
                        task: task_id.into(),
                        assignment: a.id.clone(),
                        element: e.element.clone(),
                        recipients,
                    });
                    marks.push((a.id.clone(), e.element.clone(), true));
                } else if withdrawing {
                    let reason = if status == TaskStatus::Cancelled {
                        "task cancelled".to_string()
                    } else {
                        e.activities
                            .iter()
                            .find(|d| d.outcome != Outcome::Allowed)
                            .map_or_else(
                                || format!("element now {}", e.outcome),
                                |d| format!("{}: {}", d.outcome, d.reason),
                            )
                    };
                    effects.push(Effect::Withdraw {
                        task: task_id.into(),
                        assignment: a.id.clone(),
                        element: e.element.clone(),
                        recipients,
                        reason,
                    });
                    marks.push((a.id.clone(), e.element.clone(), false));
                }
            }
        }
        for (aid, element, sent) in marks {
            if let Some(e) = self
                .assignments
                .get_mut(&aid)
                .and_then(|a| a.elements.iter_mut().find(|e| e.element == element))
            {
                e.sent = sent;
            }
        }
        work.effects.extend(effects);
        if status != old_status {
            if let Some(t) = self.tasks.get_mut(task_id) {
                t.status = status;
            }
            work.entries.push(Entry {
                time: now,
                actor: "engine".into(),
                action: "ops.task_status".into(),
                subjects: vec![task_id.into()],
                decision: Some(status.name().into()),
                reasons: vec![format!("{old_status} -> {status}, from its assignments")],
                rule_set: Some(self.rules.hash.clone()),
                payload: serde_json::Value::Null,
            });
        }
    }
}

/// Each element's chain of parents, walked once per re-evaluation.
#[derive(Default)]
struct Lineages<'a>(HashMap<String, Vec<&'a str>>);

impl<'a> Lineages<'a> {
    fn of(&mut self, ops: &'a Ops, element: &str) -> &[&'a str] {
        if !self.0.contains_key(element) {
            self.0.insert(element.to_string(), ops.lineage(element));
        }
        self.0.get(element).map_or(&[], Vec::as_slice)
    }
}

/// The payload of an `ops.decision` entry: the decision per element and
/// activity with the record that decided it. The words (and the records'
/// citations) are in the entry's reasons and the rule set its hash names;
/// the whole assignment was twice the size and a third of the time spent
/// re-deciding.
#[derive(Serialize)]
struct DecisionRecord<'a> {
    assignment: &'a str,
    task: &'a str,
    assignee: &'a str,
    outcome: Outcome,
    #[serde(with = "crate::when::required")]
    decided_for: Time,
    rule_set: &'a str,
    elements: Vec<ElementRecord<'a>>,
}

#[derive(Serialize)]
struct ElementRecord<'a> {
    element: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<crate::duty::DutyKind>,
    engine: Outcome,
    outcome: Outcome,
    /// (activity, outcome, deciding record) per activity.
    activities: Vec<(crate::activity::Activity, Outcome, &'a str)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<&'a crate::assignment::Review>,
}

impl<'a> DecisionRecord<'a> {
    fn of(a: &'a Assignment) -> Self {
        DecisionRecord {
            assignment: &a.id,
            task: &a.task,
            assignee: &a.assignee,
            outcome: a.outcome,
            decided_for: a.decided_for,
            rule_set: &a.rule_set,
            elements: a
                .elements
                .iter()
                .map(|e| ElementRecord {
                    element: &e.element,
                    status: e.status,
                    engine: e.engine,
                    outcome: e.outcome,
                    activities: e
                        .activities
                        .iter()
                        .map(|d| (d.activity, d.outcome, d.rule.as_str()))
                        .collect(),
                    review: e.review.as_ref(),
                })
                .collect(),
        }
    }
}
