//! The benchmark's data set: a seeded tree of about 5,000 units with
//! mixed duty statuses, deployment records with areas on top of the
//! default rule set, and 5,000 tasks of 1 to 3 activities, each to be
//! given to four companies.

use ops::authority::AppliesTo;
use ops::duty::{DutyKind, DutyStatus};
use ops::task::TaskRequirement;
use ops::unit::{Echelon, Strength};
use ops::{
    Activity, Area, Authority, AuthorityKind, Command, Condition, Ops, OpsConfig, RuleSet, Task,
    TaskStatus, Unit, Window,
};

use super::{run, Result, COMMON, HOUR_S, T0};

const BRIGADES: usize = 10;
const BATTALIONS: usize = 10;
const COMPANIES: usize = 49;
pub(crate) const TASKS: usize = 5_000;
const PER_TASK: usize = 4;

/// splitmix64: a fixed data set without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

fn unit(id: String, parent: Option<String>, echelon: Echelon) -> Unit {
    Unit {
        designation: format!("[BENCH] {id}"),
        id,
        parent,
        echelon: Some(echelon),
        sidc: String::new(),
        cot_type: String::new(),
        service: "Army".into(),
        component: None,
        capabilities: Vec::new(),
        strength: None,
        readiness: None,
        sa_uid: None,
        field_uids: Vec::new(),
    }
}

fn status(rng: &mut Rng) -> (DutyKind, Option<String>) {
    match rng.below(20) {
        0..=9 => (DutyKind::T10, None),
        10..=12 => (DutyKind::T32_502f, Some("AZ".into())),
        13..=14 => (DutyKind::T32_502f, Some("NM".into())),
        15..=17 => (DutyKind::Sad, Some("TX".into())),
        _ => (DutyKind::T14Uscg, None),
    }
}

/// The sector of the data set, WGS-84 degrees: west, south, east, north.
const BOX: (f64, f64, f64, f64) = (-110.0, 31.3, -108.0, 31.9);

pub(crate) fn record(
    id: &str,
    kind: AuthorityKind,
    acts: &[Activity],
    applies: AppliesTo,
) -> Authority {
    Authority {
        id: id.into(),
        citation: format!("{id} (benchmark record)"),
        kind,
        activities: acts.to_vec(),
        applies_to: applies,
        requires: Vec::new(),
        area: None,
        requires_proclamation: false,
        proclamation: None,
        source: "benchmark".into(),
        valid: Window {
            from: T0.plus_secs(-30 * 24 * HOUR_S),
            to: None,
        },
        approved_by: "benchmark".into(),
        note: String::new(),
    }
}

/// Deployment records on top of the default rule set: a governor's grant,
/// an NDA exception and a SecDef zone grant, the last two with areas.
fn deployment_records() -> Result<Vec<Authority>> {
    use Activity::*;
    let gov = record(
        "BENCH-AZ-GOV",
        AuthorityKind::Grant,
        &[ArrestDetain, InterdictLandVehicle, Search],
        AppliesTo {
            statuses: vec![DutyKind::T32_502f],
            states: vec!["AZ".into()],
            units: Vec::new(),
        },
    );
    let t10 = AppliesTo {
        statuses: vec![DutyKind::T10],
        ..AppliesTo::default()
    };
    let mut nda = record(
        "BENCH-NDA",
        AuthorityKind::Exception,
        &[ArrestDetain, Search],
        t10.clone(),
    );
    nda.area = Some(Area::new(vec![
        [-110.0, 31.3],
        [-109.0, 31.3],
        [-109.0, 31.45],
        [-109.5, 31.5],
        [-110.0, 31.5],
    ])?);
    let mut edm = record("BENCH-EDM", AuthorityKind::Grant, &[MonitorTraffic], t10);
    edm.area = Some(Area::rect(-109.0, 31.3, -108.0, 31.7)?);
    Ok(vec![gov, nda, edm])
}

fn task(i: usize, rng: &mut Rng) -> Result<Task> {
    let mut requires = vec![TaskRequirement {
        activity: COMMON,
        authorities: Vec::new(),
        conditions: Vec::new(),
    }];
    for _ in 0..rng.below(3) {
        let activity = Activity::ALL[rng.below(Activity::ALL.len())];
        if requires.iter().any(|r| r.activity == activity) {
            continue;
        }
        let conditions = [
            Condition::CustodyRemainsWithLea,
            Condition::CounterdrugNexus,
            Condition::AgencyRequest,
            Condition::FirstDetectedOutside,
            Condition::Within25Miles,
            Condition::AirOrMaritimeTraffic,
        ]
        .into_iter()
        .filter(|_| rng.chance(0.4))
        .collect();
        requires.push(TaskRequirement {
            activity,
            authorities: Vec::new(),
            conditions,
        });
    }
    let (w, s, e, n) = BOX;
    let (dx, dy) = (rng.range(0.01, 0.1), rng.range(0.01, 0.05));
    let (x, y) = (rng.range(w, e - dx), rng.range(s, n - dy));
    let from = T0.plus_secs(HOUR_S + rng.below(48) as i64 * HOUR_S);
    Ok(Task {
        id: format!("T-{i:05}"),
        order: None,
        title: format!("[BENCH] task {i}"),
        agency: "CBP (simulated)".into(),
        poc: String::new(),
        nexus: String::new(),
        requires,
        area: Some(Area::rect(x, y, x + dx, y + dy)?),
        window: Window {
            from,
            to: Some(from.plus_secs((2 + rng.below(22) as i64) * HOUR_S)),
        },
        splittable: true,
        status: TaskStatus::Approved,
    })
}

/// The engine with units, statuses, records and tasks, the companies
/// (leaves) with their statuses, and the assignments to make.
pub(crate) struct DataSet {
    pub(crate) ops: Ops,
    pub(crate) companies: Vec<(String, DutyKind)>,
    pub(crate) assigns: Vec<Command>,
}

pub(crate) fn build() -> Result<DataSet> {
    let mut rng = Rng(0x5EED);
    let mut ops = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let mut companies = Vec::new();
    let since = T0.plus_secs(-30 * 24 * HOUR_S);
    for b in 0..BRIGADES {
        let bde = format!("BDE-{b:02}");
        run(
            &mut ops,
            &Command::Unit {
                unit: unit(bde.clone(), None, Echelon::Brigade),
            },
            T0,
        )?;
        for n in 0..BATTALIONS {
            let bn = format!("{bde}-BN-{n:02}");
            let u = unit(bn.clone(), Some(bde.clone()), Echelon::Battalion);
            run(&mut ops, &Command::Unit { unit: u }, T0)?;
            for c in 0..COMPANIES {
                let id = format!("{bn}-CO-{c:02}");
                let mut u = unit(id.clone(), Some(bn.clone()), Echelon::Company);
                u.strength = Some(Strength {
                    authorized: 120,
                    assigned: 110,
                    present_for_duty: 100,
                    as_of: T0,
                });
                run(&mut ops, &Command::Unit { unit: u }, T0)?;
                let (kind, state) = status(&mut rng);
                let st = DutyStatus {
                    kind,
                    state,
                    order_ref: "benchmark order".into(),
                    window: Window {
                        from: since,
                        to: None,
                    },
                };
                run(
                    &mut ops,
                    &Command::Status {
                        unit: id.clone(),
                        status: st,
                    },
                    T0,
                )?;
                companies.push((id, kind));
            }
        }
    }
    for authority in deployment_records()? {
        run(&mut ops, &Command::Authority { authority }, T0)?;
    }
    let mut assigns = Vec::with_capacity(TASKS * PER_TASK);
    for i in 0..TASKS {
        let t = task(i, &mut rng)?;
        let id = t.id.clone();
        run(&mut ops, &Command::Task { task: t }, T0)?;
        let mut chosen: Vec<usize> = Vec::with_capacity(PER_TASK);
        while chosen.len() < PER_TASK {
            let c = rng.below(companies.len());
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        for c in chosen {
            assigns.push(Command::Assign {
                task: id.clone(),
                unit: companies[c].0.clone(),
            });
        }
    }
    Ok(DataSet {
        ops,
        companies,
        assigns,
    })
}
