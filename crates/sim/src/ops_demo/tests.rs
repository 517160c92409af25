use std::collections::BTreeSet;

use ops::command::Role;
use ops::decide::Outcome;
use ops::{Actor, Command, Effect, Ops, OpsConfig, RuleSet};

use super::records::{edm_zone, nda_area, AGENCY};
use super::*;
use crate::force::{ForceConfig, ForceScenario};

/// 2026-01-01T08:00:00Z, an arbitrary start.
const START: Time = Time::from_millis(1_767_254_400_000);

fn everyone() -> Actor {
    Actor::user("demo", &[Role::Admin, Role::Legal, Role::WatchOfficer])
}

/// The engine after every demo command, and the effects they produced.
fn applied() -> (Ops, Vec<Effect>) {
    let mut ops = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let mut effects = Vec::new();
    for cmd in demo_roster(START) {
        let a = ops.apply(&everyone(), &cmd, START);
        assert!(a.result.is_ok(), "{} refused: {:?}", cmd.action(), a.result);
        effects.extend(a.effects);
    }
    (ops, effects)
}

/// The uids the demo force really sends SA under: its units' own reports
/// in the first seconds of a run (every unit reports within a second).
fn force_uids() -> BTreeSet<String> {
    let mut force = ForceScenario::new(&ForceConfig::border_sector(), 1);
    (0..=10)
        .flat_map(|s| force.step(START.plus_secs(s)))
        .filter(|o| o.event.kind.starts_with("a-f-G"))
        .map(|o| o.event.uid)
        .collect()
}

#[test]
fn every_command_is_taken_and_the_board_shows_each_outcome() {
    let (ops, _) = applied();
    let board = ops.board(START);
    let count = |o: Outcome| {
        board
            .tasks
            .iter()
            .flat_map(|t| &t.assignments)
            .filter(|a| a.outcome == o)
            .count()
    };
    assert!(count(Outcome::Allowed) >= 3, "{}", count(Outcome::Allowed));
    assert!(count(Outcome::Refused) >= 2, "{}", count(Outcome::Refused));
    assert!(count(Outcome::NeedsReview) >= 2);
    // The two reviews wait on counsel.
    assert_eq!(board.reviews.len(), count(Outcome::NeedsReview));
}

#[test]
fn each_task_gets_the_decision_and_basis_of_the_module_table() {
    let (ops, _) = applied();
    use Outcome::*;
    let expect = [
        ("SIM-T01", Allowed, "TRANSPORT-LE-ALL"),
        ("SIM-T02", Allowed, "DETECT-ALL"),
        ("SIM-T03", Allowed, "ENGINEERING-CD"),
        ("SIM-T04", Allowed, "T10-INTEL-CD"),
        ("SIM-T05", Refused, "T10-PCA"),
        ("SIM-T06", Refused, "T10-PCA"),
        ("SIM-T07", NeedsReview, "NO-AUTHORITY"),
        ("SIM-T08", NeedsReview, "NO-AUTHORITY"),
        ("SIM-T10", Allowed, "SIM-NDA-SECURITY"),
        ("SIM-T11", Allowed, "SIM-EDM-ZONE"),
    ];
    for (task, outcome, rule) in expect {
        let list = ops.assignments_of(task);
        let [a] = list.as_slice() else {
            panic!("{task}: {} assignments", list.len());
        };
        assert_eq!(a.outcome, outcome, "{task}: {a:?}");
        let first = &a.elements[0].activities[0];
        assert_eq!(first.rule, rule, "{task}: {}", first.reason);
    }
    let mixed = ops.assignments_of("SIM-T09");
    let a = mixed[0];
    assert_eq!(a.outcome, Allowed, "splittable: the Guard squad goes");
    let element = |id: &str| a.elements.iter().find(|e| e.element == id).unwrap();
    assert_eq!(element("SIM-MIX-MP").outcome, Refused);
    assert_eq!(element("SIM-MIX-MP").activities[0].rule, "T10-PCA");
    assert_eq!(element("SIM-MIX-NG").outcome, Allowed);
    assert_eq!(element("SIM-MIX-NG").activities[0].rule, "SIM-AZ-GOV-LE");
}

#[test]
fn allowed_elements_are_sent_to_their_field_units_and_no_others() {
    let (ops, effects) = applied();
    let mut sent = BTreeSet::new();
    for e in &effects {
        let Effect::Dispatch {
            task,
            element,
            recipients,
            ..
        } = e
        else {
            panic!("unexpected {e:?}");
        };
        let unit = ops.unit(element).unwrap();
        assert_eq!(recipients, &unit.recipients());
        sent.insert((task.clone(), element.clone()));
    }
    let cleared: BTreeSet<_> = ops
        .assignments()
        .filter(|a| a.outcome == Outcome::Allowed)
        .flat_map(|a| {
            a.elements
                .iter()
                .filter(|e| e.cleared())
                .map(|e| (a.task.clone(), e.element.clone()))
        })
        .collect();
    assert_eq!(sent, cleared);
    assert!(!sent.contains(&("SIM-T09".into(), "SIM-MIX-MP".into())));
}

#[test]
fn everything_is_labelled_simulation() {
    let (ops, _) = applied();
    for u in ops.units() {
        assert!(u.designation.starts_with("[SIM] "), "{}", u.designation);
    }
    for t in ops.tasks() {
        assert!(t.title.starts_with("[SIM] "), "{}", t.title);
        assert_eq!(t.agency, AGENCY);
    }
    let defaults = RuleSet::default_rules();
    for a in ops.authorities() {
        if defaults.authorities.iter().all(|d| d.id != a.id) {
            assert!(
                a.citation.starts_with("[SIM] ") && a.source.starts_with("[SIM] "),
                "{a:?}"
            );
        }
    }
    for cmd in demo_roster(START) {
        if let Command::Status { status, .. } = cmd {
            assert!(status.order_ref.starts_with("[SIM] "));
        }
    }
}

#[test]
fn every_field_uid_is_one_the_demo_force_sends() {
    let sent = force_uids();
    assert!(sent.len() >= 10, "{sent:?}");
    let (ops, _) = applied();
    let mut own = BTreeSet::new();
    for u in ops.units() {
        let sa = u.sa_uid.as_deref().unwrap();
        assert!(sent.contains(sa), "{}: {sa} is not sent by the force", u.id);
        assert!(own.insert(sa), "{sa} is the SA of two units");
        for f in &u.field_uids {
            assert!(sent.contains(f), "{}: {f} is not sent by the force", u.id);
        }
    }
}

#[test]
fn symbols_carry_the_echelon_and_match_their_cot_type() {
    let (ops, _) = applied();
    for u in ops.units() {
        let echelon = u.echelon.unwrap();
        assert_eq!(u.sidc.len(), 15, "{}", u.sidc);
        assert_eq!(u.sidc.chars().nth(11), Some(echelon.letter()), "{}", u.sidc);
        assert!(u.sidc.starts_with("SFGPU"), "{}", u.sidc);
        // a-f-G-U-C-V <-> SFGPUCV----: the function letters in order.
        let function: String = u.sidc[4..10].chars().filter(|c| *c != '-').collect();
        let from_cot: String = u.cot_type.split('-').skip(2).collect::<String>();
        assert_eq!(
            format!("G{function}"),
            from_cot,
            "{} / {}",
            u.sidc,
            u.cot_type
        );
        assert!(u.readiness.unwrap().is_valid());
        let s = u.strength.unwrap();
        assert!(s.present_for_duty <= s.assigned && s.assigned <= s.authorized);
    }
    assert_eq!(sidc("UCV", '-', Echelon::Company), "SFGPUCV----E---");
    assert_eq!(cot_type("UULM"), "a-f-G-U-U-L-M");
}

#[test]
fn areas_lie_inside_the_sector_and_the_bounded_records_where_meant() {
    let sector = Sector::new();
    let c = SimConfig::border_sector();
    let (w, n) = (c.sector_half_width_m, c.sector_north_m);
    let whole = sector.rect(-w, w, 0.0, n).unwrap();
    let nda = nda_area(&sector).unwrap();
    let edm = edm_zone(&sector).unwrap();
    assert!(whole.contains(&nda) && whole.contains(&edm));
    let (ops, _) = applied();
    for t in ops.tasks() {
        let area = t.area.as_ref().unwrap();
        assert!(whole.contains(area), "{} leaves the sector", t.id);
    }
    let area = |id: &str| ops.task(id).and_then(|t| t.area.clone()).unwrap();
    assert!(nda.contains(&area("SIM-T10")));
    assert!(edm.contains(&area("SIM-T11")));
    assert!(!edm.contains(&area("SIM-T08")));
    // The NDA hugs the border: it starts 50 m north of the line.
    let inside = |e: f64, n: f64| {
        let [lon, lat] = sector.point(e, n);
        nda.contains_point(lon, lat)
    };
    assert!(inside(-10_000.0, 100.0) && !inside(-10_000.0, 20.0) && !inside(-10_000.0, 2_000.0));
}

#[test]
fn the_roster_is_the_same_for_the_same_start() {
    assert_eq!(demo_roster(START), demo_roster(START));
    let later = demo_roster(START.plus_secs(3_600));
    assert_ne!(demo_roster(START), later);
}

#[test]
fn the_orders_and_suspenses_of_the_demo() {
    use crate::ops_demo::orders::{EXORD, FRAGORD, PERSTAT};
    use ops::boards::SuspenseFilter;
    use ops::suspense::SuspenseStatus;
    let (mut ops, effects) = applied();
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Notify(_))),
        "nothing long past is warned of while the demo is set up"
    );
    let board = ops.suspense_board(
        START,
        &SuspenseFilter {
            closed: true,
            ..Default::default()
        },
    );
    let status = |id: &str| {
        board
            .suspenses
            .iter()
            .find(|b| b.suspense.id == id)
            .map(|b| b.status)
    };
    assert_eq!(
        status(&format!("{EXORD}/REC-90")),
        Some(SuspenseStatus::Met)
    );
    let rec = ops.suspense(&format!("{EXORD}/REC-90")).expect("REC-90");
    assert_eq!(
        rec.current_due().to_string(),
        "2025-04-22T12:00:00.000Z",
        "DTG 221200Z JAN 25 + 90 days"
    );
    let perstat: Vec<SuspenseStatus> = board
        .suspenses
        .iter()
        .filter(|b| b.suspense.series.as_deref() == Some(PERSTAT) && b.current_due <= START)
        .map(|b| b.status)
        .collect();
    assert_eq!(
        perstat,
        [
            SuspenseStatus::Met,
            SuspenseStatus::Late,
            SuspenseStatus::Met
        ],
        "one late instance"
    );
    assert_eq!(
        status(&format!("{FRAGORD}/SITREP-1")),
        Some(SuspenseStatus::Open)
    );
    let text = ops.order_detail(EXORD, START).expect("order");
    let p3b = text
        .effective
        .paragraphs
        .iter()
        .find(|(a, _)| a.to_string() == "3.b")
        .map(|(_, p)| p);
    assert_eq!(p3b.map(|p| p.set_by.as_str()), Some(FRAGORD));
    for b in board
        .suspenses
        .iter()
        .filter(|b| b.suspense.about != ops::suspense::About::Review)
    {
        assert!(
            b.suspense.title.starts_with("[SIM] ") && b.suspense.id.contains("SIM"),
            "{}",
            b.suspense.id
        );
    }
    for o in ops.order_list() {
        assert!(
            o.id.starts_with("[SIM] ") && o.subject.starts_with("[SIM] "),
            "{}",
            o.id
        );
    }
    // Live: the late PERSTAT at the first tick, the SITREP's T-15m five
    // minutes in, both to the owners' phones.
    let first = ops.handle_timeout(START.plus_secs(1));
    let second = ops.handle_timeout(START.plus_secs(6 * 60));
    let notices: Vec<(String, String, Vec<String>)> = first
        .effects
        .iter()
        .chain(&second.effects)
        .filter_map(|e| match e {
            Effect::Notify(n) => Some((n.suspense.clone(), n.level.clone(), n.recipients.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(
        notices[0].0.starts_with(PERSTAT)
            && notices[0].2.contains(&"sim-force-bravo-2".to_string()),
        "{notices:?}"
    );
    assert_eq!(
        notices[1],
        (
            format!("{FRAGORD}/SITREP-1"),
            "T-15m".to_string(),
            vec!["sim-force-charlie-3".to_string()]
        )
    );
}
