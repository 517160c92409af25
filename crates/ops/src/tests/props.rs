//! Random operation sequences against the rules of the engine's contract:
//! no allowed direct law enforcement for a PCA-bound element without an
//! exception whose conditions all hold; every open assignment equals a
//! fresh decision from the same records; nothing sent that is not
//! allowed; the log replays to the same decisions.

use cot::Time;
use proptest::prelude::*;

use crate::activity::Activity;
use crate::area::Area;
use crate::authority::{AppliesTo, Authority, AuthorityKind, Condition};
use crate::command::{Actor, Command, Role};
use crate::decide::Outcome;
use crate::duty::{DutyKind, DutyStatus};
use crate::engine::{Ops, OpsConfig};
use crate::entry::Entry;
use crate::ruleset::RuleSet;
use crate::task::{Task, TaskRequirement, TaskStatus};
use crate::unit::Unit;
use crate::when::Window;

const KINDS: [DutyKind; 4] = [
    DutyKind::T10,
    DutyKind::T32_502f,
    DutyKind::T10,
    DutyKind::T14Uscg,
];
/// A few activities, direct law enforcement among them, so sequences meet
/// the interesting cases often.
const ACTS: [Activity; 6] = [
    Activity::Detect,
    Activity::ArrestDetain,
    Activity::Search,
    Activity::MonitorTraffic,
    Activity::TransportPersonsInCustody,
    Activity::CrowdTrafficControl,
];
const CONDITIONS: [Condition; 4] = [
    Condition::CustodyRemainsWithLea,
    Condition::CounterdrugNexus,
    Condition::FirstDetectedOutside,
    Condition::AgencyRequest,
];

#[derive(Debug, Clone)]
enum Op {
    Unit {
        slot: u8,
        parent: Option<u8>,
    },
    Status {
        slot: u8,
        kind: u8,
        nm: bool,
        in_h: i64,
        closed: bool,
    },
    Authority {
        kind: u8,
        acts: Vec<u8>,
        kinds: Vec<u8>,
        area: Option<u8>,
        requires: Vec<u8>,
        in_h: i64,
    },
    End {
        n: u8,
        in_h: i64,
    },
    Task {
        n: u8,
        acts: Vec<(u8, Vec<u8>)>,
        area: Option<u8>,
        in_h: i64,
        splittable: bool,
    },
    Assign {
        n: u8,
        slot: u8,
    },
    Review {
        pick: u8,
        allow: bool,
    },
    Cancel {
        n: u8,
    },
    Tick {
        mins: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let act = 0u8..6;
    prop_oneof![
        (0u8..6, proptest::option::of(0u8..6)).prop_map(|(slot, parent)| Op::Unit { slot, parent }),
        (
            0u8..6,
            0u8..4,
            any::<bool>(),
            -2i64..4,
            proptest::bool::weighted(0.2)
        )
            .prop_map(|(slot, kind, nm, in_h, closed)| Op::Status {
                slot,
                kind,
                nm,
                in_h,
                closed
            }),
        (
            0u8..3,
            proptest::collection::vec(act.clone(), 1..4),
            proptest::collection::vec(0u8..4, 0..3),
            proptest::option::of(0u8..3),
            proptest::collection::vec(0u8..4, 0..2),
            -2i64..6
        )
            .prop_map(|(kind, acts, kinds, area, requires, in_h)| Op::Authority {
                kind,
                acts,
                kinds,
                area,
                requires,
                in_h
            }),
        (0u8..8, 0i64..6).prop_map(|(n, in_h)| Op::End { n, in_h }),
        (
            0u8..4,
            proptest::collection::vec((act, proptest::collection::vec(0u8..4, 0..3)), 1..3),
            proptest::option::of(0u8..3),
            -1i64..6,
            any::<bool>()
        )
            .prop_map(|(n, acts, area, in_h, splittable)| Op::Task {
                n,
                acts,
                area,
                in_h,
                splittable
            }),
        (0u8..4, 0u8..6).prop_map(|(n, slot)| Op::Assign { n, slot }),
        (any::<u8>(), any::<bool>()).prop_map(|(pick, allow)| Op::Review { pick, allow }),
        (0u8..4).prop_map(|n| Op::Cancel { n }),
        (1i64..240).prop_map(|mins| Op::Tick { mins }),
    ]
}

fn area(i: u8) -> Option<Area> {
    match i {
        0 => Area::rect(-107.0, 31.3, -106.0, 31.9).ok(),
        1 => Area::rect(-106.8, 31.4, -106.6, 31.5).ok(),
        _ => Area::rect(-105.0, 32.0, -104.9, 32.1).ok(),
    }
}

fn everyone() -> Actor {
    Actor::user("tester", &[Role::Admin, Role::Legal, Role::WatchOfficer])
}

struct Run {
    ops: Ops,
    now: Time,
    entries: Vec<Entry>,
    authorities: u32,
}

impl Run {
    /// Applies `c`; a refused command must leave the engine as it was
    /// (once time is caught up, which happens either way).
    fn cmd(&mut self, c: Command) -> Result<(), TestCaseError> {
        let caught_up = self.ops.handle_timeout(self.now);
        self.entries.extend(caught_up.entries);
        let before = format!("{:?}", self.ops);
        let applied = self.ops.apply(&everyone(), &c, self.now);
        if applied.result.is_err() {
            prop_assert_eq!(
                before,
                format!("{:?}", self.ops),
                "refused {:?} changed the engine",
                c
            );
        }
        self.entries.extend(applied.entries);
        Ok(())
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        self.now = self.now.plus_secs(60);
        let h = |x: i64, now: Time| Time::from_millis((now.millis() / 3_600_000 + x) * 3_600_000);
        match op {
            Op::Unit { slot, parent } => {
                let unit = Unit {
                    id: format!("U{slot}"),
                    designation: format!("unit {slot}"),
                    parent: parent.filter(|p| p != slot).map(|p| format!("U{p}")),
                    echelon: None,
                    sidc: String::new(),
                    cot_type: String::new(),
                    service: String::new(),
                    component: None,
                    capabilities: Vec::new(),
                    strength: None,
                    readiness: None,
                    sa_uid: Some(format!("uid-{slot}")),
                    field_uids: Vec::new(),
                };
                self.cmd(Command::Unit { unit })?;
            }
            Op::Status {
                slot,
                kind,
                nm,
                in_h,
                closed,
            } => {
                let from = h(*in_h, self.now);
                let status = DutyStatus {
                    kind: KINDS[*kind as usize % KINDS.len()],
                    state: Some(if *nm { "NM" } else { "TX" }.into()),
                    order_ref: "prop".into(),
                    window: Window {
                        from,
                        to: closed.then(|| from.plus_secs(3 * 3600)),
                    },
                };
                self.cmd(Command::Status {
                    unit: format!("U{slot}"),
                    status,
                })?;
            }
            Op::Authority {
                kind,
                acts,
                kinds,
                area: a,
                requires,
                in_h,
            } => {
                self.authorities += 1;
                let authority = Authority {
                    id: format!("P{}", self.authorities),
                    citation: "prop citation".into(),
                    kind: [
                        AuthorityKind::Grant,
                        AuthorityKind::Prohibition,
                        AuthorityKind::Exception,
                    ][*kind as usize % 3],
                    activities: acts
                        .iter()
                        .map(|i| ACTS[*i as usize % ACTS.len()])
                        .collect(),
                    applies_to: AppliesTo {
                        statuses: kinds.iter().map(|k| KINDS[*k as usize % 4]).collect(),
                        ..AppliesTo::default()
                    },
                    requires: requires
                        .iter()
                        .map(|c| CONDITIONS[*c as usize % 4])
                        .collect(),
                    area: a.and_then(area),
                    requires_proclamation: false,
                    proclamation: None,
                    source: String::new(),
                    valid: Window {
                        from: h(*in_h, self.now),
                        to: None,
                    },
                    approved_by: String::new(),
                    note: String::new(),
                };
                self.cmd(Command::Authority { authority })?;
            }
            Op::End { n, in_h } => {
                self.cmd(Command::EndAuthority {
                    id: format!("P{n}"),
                    at: h(*in_h, self.now),
                })?;
            }
            Op::Task {
                n,
                acts,
                area: a,
                in_h,
                splittable,
            } => {
                let task = Task {
                    id: format!("T{n}"),
                    order: None,
                    title: "prop task".into(),
                    agency: "CBP".into(),
                    poc: String::new(),
                    nexus: String::new(),
                    requires: acts
                        .iter()
                        .map(|(i, cs)| TaskRequirement {
                            activity: ACTS[*i as usize % ACTS.len()],
                            authorities: Vec::new(),
                            conditions: cs.iter().map(|c| CONDITIONS[*c as usize % 4]).collect(),
                        })
                        .collect(),
                    area: a.and_then(area),
                    window: Window {
                        from: h(*in_h, self.now),
                        to: None,
                    },
                    splittable: *splittable,
                    status: TaskStatus::Approved,
                };
                self.cmd(Command::Task { task })?;
            }
            Op::Assign { n, slot } => self.cmd(Command::Assign {
                task: format!("T{n}"),
                unit: format!("U{slot}"),
            })?,
            Op::Review { pick, allow } => {
                let waiting: Vec<(String, String)> = self
                    .ops
                    .assignments()
                    .flat_map(|a| {
                        a.elements
                            .iter()
                            .filter(|e| e.engine == Outcome::NeedsReview)
                            .map(move |e| (a.id.clone(), e.element.clone()))
                    })
                    .collect();
                if let Some((assignment, element)) =
                    waiting.get(*pick as usize % waiting.len().max(1)).cloned()
                {
                    let outcome = if *allow {
                        Outcome::Allowed
                    } else {
                        Outcome::Refused
                    };
                    self.cmd(Command::Review {
                        assignment,
                        element,
                        outcome,
                        reason: "prop review".into(),
                    })?;
                }
            }
            Op::Cancel { n } => self.cmd(Command::Advance {
                task: format!("T{n}"),
                to: TaskStatus::Cancelled,
                reason: "prop".into(),
            })?,
            Op::Tick { mins } => {
                self.now = self.now.plus_secs(mins * 60);
                let applied = self.ops.handle_timeout(self.now);
                self.entries.extend(applied.entries);
            }
        }
        Ok(())
    }
}

/// No allowed direct law enforcement for a PCA-bound element unless an
/// exception that applies holds with every condition at the instant.
fn check_safety(ops: &Ops) -> Result<(), TestCaseError> {
    for a in ops.assignments() {
        let Some(task) = ops.task(&a.task) else {
            continue;
        };
        for e in a.elements.iter().filter(|e| e.outcome == Outcome::Allowed) {
            if !e.status.is_some_and(DutyKind::pca_bound) {
                continue;
            }
            for d in e.activities.iter().filter(|d| d.activity.is_direct_le()) {
                prop_assert_eq!(
                    d.outcome,
                    Outcome::Allowed,
                    "{} allowed with {:?}",
                    e.element,
                    d
                );
                let x = ops.authorities().iter().find(|x| x.id == d.rule);
                prop_assert!(
                    x.is_some_and(|x| x.kind == AuthorityKind::Exception),
                    "{:?} allowed by a non-exception",
                    d
                );
                let req = task.requires.iter().find(|r| r.activity == d.activity);
                if let (Some(x), Some(req)) = (x, req) {
                    prop_assert!(x.failures(req, task, a.decided_for).is_empty(), "{:?}", d);
                }
            }
        }
    }
    Ok(())
}

/// Every open assignment equals a fresh decision at the same instant,
/// and nothing stays sent that is not allowed.
fn check_fresh(ops: &Ops, now: Time) -> Result<(), TestCaseError> {
    for a in ops.assignments() {
        let Some(task) = ops.task(&a.task) else {
            continue;
        };
        if task.status.is_final() {
            prop_assert!(
                task.status != TaskStatus::Cancelled || a.elements.iter().all(|e| !e.sent)
            );
            continue;
        }
        let (fresh, _) = ops.evaluate(task, &a.assignee, now);
        let stored: Vec<_> = a
            .elements
            .iter()
            .map(|e| (&e.element, e.engine, &e.activities))
            .collect();
        let made: Vec<_> = fresh
            .iter()
            .map(|e| (&e.element, e.engine, &e.activities))
            .collect();
        prop_assert_eq!(
            stored,
            made,
            "assignment {} differs from a fresh decision",
            a.id
        );
        for e in &a.elements {
            prop_assert!(
                !e.sent || (e.outcome == Outcome::Allowed && a.outcome == Outcome::Allowed),
                "{} sent while {}",
                e.element,
                e.outcome
            );
        }
    }
    Ok(())
}

fn start() -> Run {
    Run {
        ops: Ops::new(OpsConfig::default(), RuleSet::default_rules()),
        now: Time::from_millis(1_740_787_200_000),
        entries: Vec::new(),
        authorities: 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_breaks_the_rules(ops in proptest::collection::vec(op(), 1..60)) {
        let mut run = start();
        for op in &ops {
            run.step(op)?;
            check_safety(&run.ops)?;
        }
        // Bring time-driven re-evaluation up to date, then compare.
        let now = run.now;
        let applied = run.ops.handle_timeout(now);
        run.entries.extend(applied.entries);
        check_fresh(&run.ops, now)?;

        // The log replays to the same entries.
        let mut again = Ops::new(OpsConfig::default(), RuleSet::default_rules());
        let mut replayed = Vec::new();
        for e in run.entries.iter() {
            match again.replay(e.time, &e.action, e.decision.as_deref(), &e.payload) {
                Ok(Some(applied)) => replayed.extend(applied.entries),
                Ok(None) => {}
                Err(err) => prop_assert!(false, "replay failed: {}", err),
            }
        }
        prop_assert_eq!(replayed.len(), run.entries.iter().filter(|e| e.action != "ops.refused").count());
        let live: Vec<_> = run.entries.iter().filter(|e| e.action != "ops.refused").collect();
        for (a, b) in live.iter().zip(&replayed) {
            prop_assert_eq!(*a, b);
        }
    }
}
