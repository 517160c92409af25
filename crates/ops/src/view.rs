//! What the roster panel, the task board and `watchfloor ops roster` show:
//! read-only views of the engine at an instant, with unit positions from
//! the picture (passed in) and their staleness.

use std::collections::BTreeMap;

use cot::Time;
use serde::Serialize;

use crate::assignment::Assignment;
use crate::decide::Outcome;
use crate::duty::DutyStatus;
use crate::engine::Ops;
use crate::suspense::{About, Suspense, SuspenseStatus, Warning};
use crate::task::Task;
use crate::unit::Unit;

/// Where a unit's SA last put it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fix {
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// When the SA was sent.
    #[serde(with = "crate::when::required")]
    pub time: Time,
}

/// One unit in the roster.
#[derive(Debug, Clone, Serialize)]
pub struct RosterUnit<'a> {
    /// The unit record.
    #[serde(flatten)]
    pub unit: &'a Unit,
    /// The echelon amplifier drawn above its symbol.
    pub amplifier: Option<&'static str>,
    /// Its duty status now (its own or inherited from a parent).
    pub status: Option<&'a DutyStatus>,
    /// Whether that status binds it by the PCA (derived).
    pub pca_bound: bool,
    /// Its position from its SA.
    pub position: Option<Fix>,
    /// Whether that SA is older than the stale limit (or missing while
    /// the unit names an SA uid).
    pub stale: bool,
    /// The open tasks it is cleared for.
    pub tasks: Vec<&'a str>,
}

/// Roll-ups for the commander's questions.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Units per component.
    pub by_component: BTreeMap<String, usize>,
    /// Units per duty status now.
    pub by_status: BTreeMap<String, usize>,
    /// Cleared units per open task.
    pub by_task: BTreeMap<String, usize>,
    /// Units whose position lies in each open task's area.
    pub by_area: BTreeMap<String, usize>,
    /// Present for duty, summed over the latest PERSTATs.
    pub present_for_duty: u64,
    /// Assigned, summed.
    pub assigned: u64,
    /// Units whose SA is stale.
    pub stale: usize,
}

/// The roster at an instant.
#[derive(Debug, Clone, Serialize)]
pub struct Roster<'a> {
    /// The instant.
    #[serde(with = "crate::when::required")]
    pub time: Time,
    /// The rule set in force.
    pub rule_set: RuleSetInfo<'a>,
    /// Units, parents before children.
    pub units: Vec<RosterUnit<'a>>,
    /// Roll-ups.
    pub totals: Totals,
}

/// The rule set's name for people.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSetInfo<'a> {
    /// Its version.
    pub version: &'a str,
    /// Its hex SHA-256.
    pub hash: &'a str,
}

/// One task on the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardTask<'a> {
    /// The task.
    #[serde(flatten)]
    pub task: &'a Task,
    /// Its assignments with per-element decisions.
    pub assignments: Vec<&'a Assignment>,
    /// Elements refused.
    pub refused: usize,
    /// Elements waiting for counsel.
    pub pending_review: usize,
}

/// A review suspense on the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardReview<'a> {
    /// The suspense.
    #[serde(flatten)]
    pub suspense: &'a Suspense,
    /// Its status now.
    pub status: SuspenseStatus,
    /// How near due.
    pub warning: Warning,
}

/// The task board at an instant.
#[derive(Debug, Clone, Serialize)]
pub struct Board<'a> {
    /// The instant.
    #[serde(with = "crate::when::required")]
    pub time: Time,
    /// The rule set in force.
    pub rule_set: RuleSetInfo<'a>,
    /// Tasks, newest id last.
    pub tasks: Vec<BoardTask<'a>>,
    /// Legal reviews still open, soonest due first.
    pub reviews: Vec<BoardReview<'a>>,
}

impl Ops {
    /// The duty status `unit` holds at `t`, its own or a parent's.
    pub fn status_at(&self, unit: &str, t: Time) -> Option<&DutyStatus> {
        self.lineage(unit)
            .iter()
            .find_map(|u| self.statuses(u).and_then(|h| h.at(t)))
    }

    /// The roster at `now`; `position` gives a uid's latest SA fix, and a
    /// fix older than `stale_s` seconds is flagged.
    pub fn roster(
        &self,
        now: Time,
        stale_s: i64,
        position: impl Fn(&str) -> Option<Fix>,
    ) -> Roster<'_> {
        let mut cleared: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for a in self.assignments().filter(|a| a.outcome == Outcome::Allowed) {
            if self.task(&a.task).is_some_and(|t| t.status.is_final()) {
                continue;
            }
            for e in a.elements.iter().filter(|e| e.cleared()) {
                for u in self.lineage(&e.element) {
                    let list = cleared.entry(u).or_default();
                    if !list.contains(&a.task.as_str()) {
                        list.push(a.task.as_str());
                    }
                    if u == a.assignee {
                        break;
                    }
                }
            }
        }
        let mut totals = Totals::default();
        let mut units: Vec<RosterUnit<'_>> = Vec::new();
        let mut order: Vec<&Unit> = self.units().collect();
        order.sort_by_key(|u| (self.lineage(&u.id).len(), u.id.clone()));
        for unit in order {
            let status = self.status_at(&unit.id, now);
            let fix = unit.sa_uid.as_deref().and_then(&position);
            let stale = unit.sa_uid.is_some()
                && fix.is_none_or(|f| (now.micros() - f.time.micros()) / 1_000_000 > stale_s);
            let tasks = cleared.get(unit.id.as_str()).cloned().unwrap_or_default();
            if let Some(c) = unit.component {
                *totals.by_component.entry(c.name().into()).or_default() += 1;
            }
            if let Some(s) = status {
                *totals.by_status.entry(s.kind.name().into()).or_default() += 1;
            }
            for t in &tasks {
                *totals.by_task.entry((*t).into()).or_default() += 1;
            }
            if let Some(f) = fix {
                for t in self.tasks().filter(|t| !t.status.is_final()) {
                    if t.area
                        .as_ref()
                        .is_some_and(|a| a.contains_point(f.lon, f.lat))
                    {
                        *totals.by_area.entry(t.id.clone()).or_default() += 1;
                    }
                }
            }
            if let Some(s) = unit.strength {
                totals.present_for_duty += u64::from(s.present_for_duty);
                totals.assigned += u64::from(s.assigned);
            }
            totals.stale += usize::from(stale);
            units.push(RosterUnit {
                unit,
                amplifier: unit.echelon.map(|e| e.amplifier()),
                status,
                pca_bound: status.is_some_and(|s| s.kind.pca_bound()),
                position: fix,
                stale,
                tasks,
            });
        }
        Roster {
            time: now,
            rule_set: self.rule_set_info(),
            units,
            totals,
        }
    }

    /// The task board at `now`.
    pub fn board(&self, now: Time) -> Board<'_> {
        let tasks = self
            .tasks()
            .map(|task| {
                let assignments = self.assignments_of(&task.id);
                let count = |o: Outcome| {
                    assignments
                        .iter()
                        .flat_map(|a| &a.elements)
                        .filter(|e| e.outcome == o)
                        .count()
                };
                BoardTask {
                    refused: count(Outcome::Refused),
                    pending_review: count(Outcome::NeedsReview),
                    task,
                    assignments,
                }
            })
            .collect();
        let mut reviews: Vec<BoardReview<'_>> = self
            .suspenses()
            .filter(|s| s.about == About::Review && !s.is_closed())
            .map(|s| BoardReview {
                suspense: s,
                status: s.status(now),
                warning: s.warning(now),
            })
            .collect();
        reviews.sort_by_key(|r| r.suspense.current_due());
        Board {
            time: now,
            rule_set: self.rule_set_info(),
            tasks,
            reviews,
        }
    }

    fn rule_set_info(&self) -> RuleSetInfo<'_> {
        RuleSetInfo {
            version: &self.rules().version,
            hash: &self.rules().hash,
        }
    }
}
