//! Orders and suspenses in the engine: taking an order opens the
//! suspenses it sets; time opens the instances of recurring suspenses and
//! brings each warning threshold once; a PERSTAT or USR meets the oldest
//! open instance its unit owes. Every change here is an audit entry, and
//! everything time does is logged under an `ops.tick`, so a replay of the
//! log remakes the same instances and the same notices, and a restart
//! never sends a notice twice.

use cot::Time;

use super::apply::Work;
use super::Ops;
use crate::command::{Actor, OpsError};
use crate::entry::{Effect, Entry, Notify};
use crate::order::Order;
use crate::suspense::{
    checked_warnings, About, Extension, Lead, Recurring, Series, Suspense, SuspenseSpec, Waiver,
};

/// Characters the engine keeps for the ids it makes (`ORDER/ID`,
/// `SERIES@DUE`), so a given id cannot pass for one of them.
const RESERVED: [char; 2] = ['/', '@'];

fn reserved(id: &str) -> Result<(), OpsError> {
    if id.contains(RESERVED) {
        return Err(OpsError::Invalid(format!(
            "id {id:?} uses '/' or '@', which are kept for the suspenses orders and series open"
        )));
    }
    Ok(())
}

impl Ops {
    fn entry(
        &self,
        now: Time,
        action: &str,
        subjects: Vec<String>,
        reasons: Vec<String>,
        payload: serde_json::Value,
    ) -> Entry {
        Entry {
            time: now,
            actor: "engine".into(),
            action: action.into(),
            subjects,
            decision: None,
            reasons,
            rule_set: Some(self.rules.hash.clone()),
            payload,
        }
    }

    fn opened_entry(&self, s: &Suspense, now: Time) -> Entry {
        self.entry(
            now,
            "ops.suspense.opened",
            vec![s.id.clone(), s.owner.clone()],
            vec![format!("{} owes {} by {}", s.owner, s.id, s.current_due())],
            serde_json::json!({ "suspense": s.id, "owner": s.owner, "due": s.current_due().to_string(), "opened": s.opened.to_string() }),
        )
    }

    /// Takes an order and opens the suspenses it sets, all or nothing.
    pub(crate) fn put_order(
        &mut self,
        order: &Order,
        now: Time,
        work: &mut Work,
    ) -> Result<(), OpsError> {
        reserved(&order.id)?;
        let mut opened = Vec::new();
        for set in &order.suspenses {
            reserved(&set.id)?;
            let id = format!("{}/{}", order.id, set.id);
            if self.suspenses.contains_key(&id) {
                return Err(OpsError::Invalid(format!(
                    "a suspense {id} is already on record"
                )));
            }
            // Set by the order at its DTG (an order entered after it was
            // issued counts its time to complete from then).
            let mut s = Suspense::new(
                &id,
                &set.owner,
                About::Order,
                &order.id,
                set.due,
                order.dtg.min(now),
            );
            s.title = set.title.clone();
            s.order = Some(order.id.clone());
            s.warnings = checked_warnings(&id, set.warnings.as_deref())?;
            opened.push(s);
        }
        self.orders.add(order.clone())?;
        for s in opened {
            work.entries.push(self.opened_entry(&s, now));
            self.suspenses.insert(s.id.clone(), s);
        }
        Ok(())
    }

    /// Opens a suspense.
    pub(crate) fn put_suspense(&mut self, spec: &SuspenseSpec, now: Time) -> Result<(), OpsError> {
        reserved(&spec.id)?;
        if self.suspenses.contains_key(&spec.id) {
            return Err(OpsError::Invalid(format!(
                "a suspense {} is already on record",
                spec.id
            )));
        }
        if let Some(id) = &spec.order {
            let o = self.orders.get(id).ok_or_else(|| OpsError::NotFound {
                kind: "order",
                id: id.clone(),
            })?;
            if spec.due < o.dtg {
                return Err(crate::order::OrderError::DueBeforeOrder {
                    id: id.clone(),
                    suspense: spec.id.clone(),
                    due: spec.due,
                    dtg: o.dtg,
                }
                .into());
            }
        }
        let s = spec.open(now)?;
        self.suspenses.insert(s.id.clone(), s);
        Ok(())
    }

    /// Starts a recurring suspense; its first instance may open at once.
    pub(crate) fn put_series(
        &mut self,
        def: &Recurring,
        now: Time,
        work: &mut Work,
    ) -> Result<(), OpsError> {
        reserved(&def.id)?;
        if self.series.contains_key(&def.id) {
            return Err(OpsError::Invalid(format!(
                "a recurring suspense {} is already on record",
                def.id
            )));
        }
        if let Some(id) = &def.order {
            if self.orders.get(id).is_none() {
                return Err(OpsError::NotFound {
                    kind: "order",
                    id: id.clone(),
                });
            }
        }
        let mut series = Series::new(def.clone(), now)?;
        let made = series.take_due(now);
        self.series.insert(def.id.clone(), series);
        for s in made {
            work.entries.push(self.opened_entry(&s, now));
            self.suspenses.insert(s.id.clone(), s);
        }
        Ok(())
    }

    /// Ends a recurring suspense.
    pub(crate) fn end_series(&mut self, id: &str, reason: &str, now: Time) -> Result<(), OpsError> {
        let s = self.series.get_mut(id).ok_or_else(|| OpsError::NotFound {
            kind: "recurring suspense",
            id: id.into(),
        })?;
        if reason.trim().is_empty() {
            return Err(OpsError::Invalid(format!(
                "ending recurring suspense {id} needs a reason"
            )));
        }
        if s.ended.is_some() {
            return Err(OpsError::Invalid(format!(
                "recurring suspense {id} has already ended"
            )));
        }
        s.ended = Some(now);
        Ok(())
    }

    fn suspense_mut(&mut self, id: &str) -> Result<&mut Suspense, OpsError> {
        self.suspenses
            .get_mut(id)
            .ok_or_else(|| OpsError::NotFound {
                kind: "suspense",
                id: id.into(),
            })
    }

    /// Records a suspense met.
    pub(crate) fn meet(
        &mut self,
        id: &str,
        at: Option<Time>,
        actor: &Actor,
        now: Time,
    ) -> Result<(), OpsError> {
        Ok(self
            .suspense_mut(id)?
            .meet(at.unwrap_or(now), &actor.name, now)?)
    }

    /// Extends a suspense.
    pub(crate) fn extend(
        &mut self,
        id: &str,
        due: Time,
        authority: &str,
        reason: &str,
        actor: &Actor,
        now: Time,
    ) -> Result<(), OpsError> {
        let ext = Extension {
            due,
            authority: authority.into(),
            reason: reason.into(),
            by: actor.name.clone(),
            at: now,
        };
        Ok(self.suspense_mut(id)?.extend(ext)?)
    }

    /// Waives a suspense.
    pub(crate) fn waive(
        &mut self,
        id: &str,
        authority: &str,
        reason: &str,
        actor: &Actor,
        now: Time,
    ) -> Result<(), OpsError> {
        let w = Waiver {
            authority: authority.into(),
            reason: reason.into(),
            by: actor.name.clone(),
            at: now,
        };
        Ok(self.suspense_mut(id)?.waive(w)?)
    }

    /// A report `report` filed for `unit`: meets the oldest open suspense
    /// for that report the unit owes.
    pub(crate) fn report_filed(
        &mut self,
        unit: &str,
        report: &str,
        actor: &Actor,
        now: Time,
        work: &mut Work,
    ) {
        let oldest = self
            .suspenses
            .values()
            .filter(|s| {
                s.about == About::Report
                    && s.owner == unit
                    && s.subject.eq_ignore_ascii_case(report)
                    && !s.is_closed()
                    && s.opened <= now
            })
            .min_by_key(|s| (s.current_due(), s.id.clone()))
            .map(|s| s.id.clone());
        let Some(id) = oldest else {
            return;
        };
        let by = format!("{report} from {}", actor.name);
        let Some(s) = self.suspenses.get_mut(&id) else {
            return;
        };
        if s.meet(now, &by, now).is_err() {
            return;
        }
        let late = s.days_late(now);
        let line = if s.is_late(now) {
            format!("{id} met late by the {report} filed for {unit} ({late} whole days late)")
        } else {
            format!("{id} met by the {report} filed for {unit}")
        };
        let e = self.entry(
            now,
            "ops.suspense.met",
            vec![id.clone(), unit.into()],
            vec![line],
            serde_json::json!({ "suspense": id, "by": by, "late": late }),
        );
        work.entries.push(e);
    }

    /// What time does to suspenses by `now`: opens the instances of
    /// recurring ones and brings the thresholds that fell. Returns the
    /// reasons for the tick's entry (empty: nothing happened).
    pub(crate) fn tick_suspenses(&mut self, now: Time, work: &mut Work) -> Vec<String> {
        let mut reasons = Vec::new();
        let mut made = Vec::new();
        for series in self.series.values_mut() {
            if series.next_open().is_some_and(|t| t <= now) {
                made.extend(series.take_due(now));
            }
        }
        for s in made {
            reasons.push(format!("{} opened", s.id));
            work.entries.push(self.opened_entry(&s, now));
            self.suspenses.insert(s.id.clone(), s);
        }
        let mut fell: Vec<(String, Lead)> = Vec::new();
        for s in self.suspenses.values_mut() {
            if let Some(lead) = s.take_notice(now) {
                fell.push((s.id.clone(), lead));
            }
        }
        for (id, lead) in fell {
            let Some(s) = self.suspenses.get(&id) else {
                continue;
            };
            let level = lead.label();
            reasons.push(format!("suspense {id} reached {level}"));
            let recipients = self
                .units
                .get(&s.owner)
                .map(|u| u.recipients())
                .unwrap_or_default();
            let passed: Vec<String> = s
                .notices
                .iter()
                .filter(|n| n.at == now && !n.sent)
                .map(|n| n.lead.label())
                .collect();
            let text = s.notice_text(lead, now);
            let e = self.entry(
                now,
                "ops.suspense.notice",
                vec![id.clone(), s.owner.clone()],
                vec![text.clone()],
                serde_json::json!({
                    "suspense": id,
                    "level": level,
                    "due": s.current_due().to_string(),
                    "passed_over": passed,
                    "recipients": recipients,
                }),
            );
            work.entries.push(e);
            work.effects.push(Effect::Notify(Notify {
                suspense: id.clone(),
                owner: s.owner.clone(),
                level,
                due: s.current_due(),
                text,
                recipients,
            }));
        }
        reasons
    }

    /// The first instant after `after` at which time does something to a
    /// suspense.
    pub(crate) fn suspense_wakeup(&self, after: Time) -> Option<Time> {
        let notices = self.suspenses.values().filter_map(|s| s.next_notice(after));
        let series = self.series.values().filter_map(Series::next_open);
        notices.chain(series).min()
    }
}
