//! Orders and suspenses through the engine: case 15 of AUTHORITIES.md §5,
//! a daily PERSTAT met by the unit's own reports, bad requests refused
//! whole, and notices sent once per threshold across restarts (a restart
//! is a fresh engine fed the log so far, as the desk does).

use std::collections::BTreeMap;

use cot::Time;
use proptest::prelude::*;

use crate::command::{Actor, Command, OpsError, Role};
use crate::entry::{Applied, Effect, Entry};
use crate::suspense::{parse_dtg, plus_days, SuspenseStatus};
use crate::{Ops, OpsConfig, RuleSet};

fn dtg(s: &str) -> Time {
    parse_dtg(s).expect("dtg")
}

fn cmd(json: &str) -> Command {
    serde_json::from_str(json).expect("command")
}

fn staff() -> Actor {
    Actor::user("watch", &[Role::WatchOfficer, Role::Admin])
}

/// An engine, and the log it has written, kept the way the desk keeps it.
struct Desk {
    ops: Ops,
    log: Vec<Entry>,
    notices: Vec<(String, String, Time)>,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            ops: Ops::new(OpsConfig::default(), RuleSet::default_rules()),
            log: Vec::new(),
            notices: Vec::new(),
        }
    }

    fn take(&mut self, applied: Applied) -> Applied {
        self.log.extend(applied.entries.iter().cloned());
        for e in &applied.effects {
            if let Effect::Notify(n) = e {
                self.notices
                    .push((n.suspense.clone(), n.level.clone(), n.due));
            }
        }
        applied
    }

    fn apply(&mut self, c: &Command, now: Time) -> Result<(), OpsError> {
        let a = self.ops.apply(&staff(), c, now);
        self.take(a).result
    }

    fn tick(&mut self, now: Time) {
        let a = self.ops.handle_timeout(now);
        self.take(a);
    }

    /// A restart: a fresh engine replays the log; its effects are not
    /// carried out again.
    fn restart(&mut self) {
        let mut fresh = Ops::new(OpsConfig::default(), RuleSet::default_rules());
        for e in &self.log {
            fresh
                .replay(e.time, &e.action, e.decision.as_deref(), &e.payload)
                .expect("replay");
        }
        self.ops = fresh;
    }
}

const ORDER: &str = r#"{"op":"order","order":{
    "id":"EXORD-25-01","kind":"EXORD","dtg":"221200Z JAN 25","issuer":"USNORTHCOM",
    "subject":"JTF-Southern Border",
    "references":[{"letter":"A","target":{"document":"EO 14167"},"citation":"EXECUTIVE ORDER 14167"}],
    "paragraphs":{"1":"Situation.","2":"Mission.","3":"Execution.","4":"Sustainment.","5":"Command and signal."},
    "suspenses":[{"id":"REC-90","owner":"J5","due":"221200Z APR 25","title":"recommend within 90 days"}]}}"#;

#[test]
fn case_15_the_ninety_day_recommendation() {
    let issued = dtg("221200Z JAN 25");
    let mut d = Desk::new();
    d.apply(&cmd(ORDER), issued).expect("order");
    let id = "EXORD-25-01/REC-90";
    let s = d.ops.suspense(id).expect("suspense");
    assert_eq!(s.current_due(), plus_days(issued, 90));
    assert_eq!(s.current_due().to_string(), "2025-04-22T12:00:00.000Z");
    // Ticks an hour apart replay the ninety days, and more, in milliseconds.
    let due = s.current_due();
    let mut t = issued;
    while t <= plus_days(due, 1) {
        d.tick(t);
        t = t.plus_secs(3_600);
    }
    let got: Vec<(&str, Time)> = d
        .notices
        .iter()
        .map(|(_, l, _)| l.as_str())
        .zip(
            d.log
                .iter()
                .filter(|e| e.action == "ops.suspense.notice")
                .map(|e| e.time),
        )
        .collect();
    assert_eq!(
        got,
        [
            ("T-7d", plus_days(due, -7)),
            ("T-1d", plus_days(due, -1)),
            ("DUE", due)
        ]
    );
    let late = plus_days(due, 1);
    let s = d.ops.suspense(id).expect("suspense");
    assert_eq!(
        (s.status(late), s.days_late(late)),
        (SuspenseStatus::Late, 1)
    );

    let bare = format!(
        r#"{{"op":"extend","suspense":"{id}","due":"021200Z MAY 25","authority":"","reason":""}}"#
    );
    let refused = d.apply(&cmd(&bare), late);
    assert!(matches!(refused, Err(OpsError::Suspense(_))), "{refused:?}");
    assert_eq!(d.log.last().map(|e| e.action.as_str()), Some("ops.refused"));
    let ok = format!(
        r#"{{"op":"extend","suspense":"{id}","due":"021200Z MAY 25","authority":"CoS JTF-SB","reason":"awaiting the DHS assessment"}}"#
    );
    d.apply(&cmd(&ok), late).expect("extend");
    let e = d.log.last().expect("entry");
    assert_eq!(
        (e.action.as_str(), e.subjects.as_slice()),
        ("ops.extend", [id.to_string()].as_slice())
    );
    let s = d.ops.suspense(id).expect("suspense");
    assert_eq!(s.status(late), SuspenseStatus::Extended);
    assert_eq!(s.extensions[0].authority, "CoS JTF-SB");
}

const UNIT: &str =
    r#"{"op":"unit","unit":{"id":"MP-CO","designation":"978 MP Co","sa_uid":"MP-PHONE"}}"#;
const DAILY: &str = r#"{"op":"recurring","recurring":{"id":"PERSTAT-MP","owner":"MP-CO","subject":"PERSTAT",
    "title":"daily PERSTAT","first_due":"230600Z JAN 25","every":"1d"}}"#;

fn perstat(at: Time) -> Command {
    cmd(&format!(
        r#"{{"op":"perstat","unit":"MP-CO","strength":{{"authorized":120,"assigned":118,"present_for_duty":112,"as_of":"{at}"}}}}"#
    ))
}

#[test]
fn a_daily_perstat_is_met_by_the_units_report_and_a_missed_one_is_late() {
    let start = dtg("222000Z JAN 25");
    let mut d = Desk::new();
    d.apply(&cmd(UNIT), start).expect("unit");
    d.apply(&cmd(DAILY), start).expect("series");
    let first = "PERSTAT-MP@20250123T0600Z";
    assert!(
        d.ops.suspense(first).is_some(),
        "the first instance opened at once"
    );
    // 23 JAN: filed at 0540Z, on time.
    d.apply(&perstat(dtg("230540Z JAN 25")), dtg("230540Z JAN 25"))
        .expect("perstat");
    assert_eq!(
        d.ops
            .suspense(first)
            .map(|s| s.status(dtg("240000Z JAN 25"))),
        Some(SuspenseStatus::Met)
    );
    // 24 JAN: missed; the unit is warned at T-1h and at the due instant.
    d.tick(dtg("240700Z JAN 25"));
    let second = "PERSTAT-MP@20250124T0600Z";
    let s = d.ops.suspense(second).expect("second");
    assert_eq!(s.status(dtg("240700Z JAN 25")), SuspenseStatus::Late);
    let effect = d
        .notices
        .iter()
        .find(|(id, _, _)| id == second)
        .expect("notice");
    assert_eq!(
        effect.1, "DUE",
        "one coarse tick sends the most urgent only"
    );
    // Filed at 0900Z: meets the late one, not tomorrow's.
    d.apply(&perstat(dtg("240900Z JAN 25")), dtg("240900Z JAN 25"))
        .expect("perstat");
    let s = d.ops.suspense(second).expect("second");
    assert_eq!(s.status(dtg("240900Z JAN 25")), SuspenseStatus::Met);
    assert!(s.is_late(dtg("240900Z JAN 25")));
    let met = d
        .log
        .iter()
        .rev()
        .find(|e| e.action == "ops.suspense.met")
        .expect("met entry");
    assert!(met.reasons[0].contains("met late"), "{:?}", met.reasons);
    let third = "PERSTAT-MP@20250125T0600Z";
    assert!(
        d.ops.suspense(third).is_none(),
        "opens at 1800Z, half a day ahead"
    );
    // A notice goes to the unit's phone.
    let a = d.ops.handle_timeout(dtg("250501Z JAN 25"));
    let to: Vec<&Vec<String>> = a
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => Some(&n.recipients),
            _ => None,
        })
        .collect();
    assert_eq!(to, [&vec!["MP-PHONE".to_string()]]);
}

#[test]
fn bad_order_and_suspense_requests_are_refused_whole() {
    let issued = dtg("221200Z JAN 25");
    let mut d = Desk::new();
    d.apply(&cmd(ORDER), issued).expect("order");
    let count = d.ops.suspenses().count();
    let bad = [
        // a FRAGORD whose base does not exist
        (
            r#"{"op":"order","order":{"id":"FRAGORD-1","kind":"FRAGORD","dtg":"231200Z JAN 25","issuer":"J3","base":"NOPE",
            "changes":[{"paragraph":"3","change":{"replace":"x"}}]}}"#,
            "does not exist",
        ),
        // a suspense due before its order
        (
            r#"{"op":"order","order":{"id":"OPORD-2","kind":"OPORD","dtg":"231200Z JAN 25","issuer":"J3","paragraphs":{"1":"s"},
            "suspenses":[{"id":"S","owner":"J3","due":"221200Z JAN 25"}]}}"#,
            "before the order",
        ),
        (
            r#"{"op":"suspense","suspense":{"id":"S-9","owner":"J3","due":"011200Z FEB 25","order":"EXORD-25-01","warnings":["1d","1d"]}}"#,
            "twice",
        ),
        (
            r#"{"op":"suspense","suspense":{"id":"S-9","owner":"J3","due":"011200Z JAN 25","order":"EXORD-25-01"}}"#,
            "before the order",
        ),
        (
            r#"{"op":"suspense","suspense":{"id":"A/B","owner":"J3","due":"011200Z FEB 25"}}"#,
            "kept for",
        ),
        (
            r#"{"op":"waive","suspense":"EXORD-25-01/REC-90","authority":"CoS","reason":""}"#,
            "authority and a reason",
        ),
        (r#"{"op":"meet","suspense":"NOPE"}"#, "no suspense"),
        (
            r#"{"op":"batch","commands":[{"op":"suspense","suspense":{"id":"S-10","owner":"J3","due":"011200Z FEB 25"}},
            {"op":"extend","suspense":"S-10","due":"011200Z JAN 25","authority":"CoS","reason":"r"}]}"#,
            "later",
        ),
    ];
    for (json, why) in bad {
        let e = d.apply(&cmd(json), issued.plus_secs(60)).expect_err(json);
        assert!(e.to_string().contains(why), "{json}: {e}");
    }
    assert_eq!(d.ops.suspenses().count(), count, "nothing stored half-way");
    assert_eq!(d.ops.orders().len(), 1);
    // A FRAGORD cycle cannot even be written: a base must exist first,
    // and the tree refuses an order naming itself.
    let own = r#"{"op":"order","order":{"id":"F-2","kind":"FRAGORD","dtg":"231200Z JAN 25","issuer":"J3","base":"F-2",
        "changes":[{"paragraph":"3","change":{"replace":"x"}}]}}"#;
    assert!(d.apply(&cmd(own), issued).is_err());
}

/// The notices of a run: (suspense, level, due) → how many times sent.
fn sent_counts(d: &Desk) -> BTreeMap<(String, String, Time), usize> {
    let mut m = BTreeMap::new();
    for n in &d.notices {
        *m.entry(n.clone()).or_default() += 1;
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn notices_are_sent_once_whatever_the_ticks_and_restarts(
        steps in proptest::collection::vec((1i64..(36 * 3_600), 0u8..10), 1..60),
    ) {
        let start = dtg("222000Z JAN 25");
        let mut d = Desk::new();
        d.apply(&cmd(UNIT), start).expect("unit");
        d.apply(&cmd(ORDER), start).expect("order");
        d.apply(&cmd(DAILY), start).expect("series");
        let order_due = dtg("221200Z APR 25");
        let mut now = start;
        for (dt, what) in steps {
            now = now.plus_secs(dt);
            match what {
                0 => d.restart(),
                1 => { let _ = d.apply(&perstat(now), now); }
                _ => d.tick(now),
            }
        }
        d.tick(now);
        // Sent at most once each.
        for (k, n) in sent_counts(&d) {
            prop_assert_eq!(n, 1, "{:?}", k);
        }
        // Nothing fallen is left unhandled, and a replay of the whole log
        // makes the same suspenses as the live engine.
        d.restart();
        let replayed: Vec<_> = d.ops.suspenses().cloned().collect();
        prop_assert!(d.ops.suspenses().all(|s| s.is_closed() || s.next_notice(start).is_none_or(|t| t > now)));
        let mut live = Desk::new();
        live.log = d.log.clone();
        live.restart();
        prop_assert_eq!(replayed, live.ops.suspenses().cloned().collect::<Vec<_>>());
        // The order's T-7d, if its instant passed, was handled.
        if now >= plus_days(order_due, -7) {
            let s = d.ops.suspense("EXORD-25-01/REC-90").expect("order suspense");
            prop_assert!(!s.notices.is_empty());
        }
    }
}

#[test]
fn the_board_filters_sorts_and_alerts_and_the_order_view_resolves_its_tree() {
    use crate::boards::SuspenseFilter;
    use crate::suspense::Lead;
    let issued = dtg("221200Z JAN 25");
    let mut d = Desk::new();
    d.apply(&cmd(UNIT), issued).expect("unit");
    d.apply(&cmd(ORDER), issued).expect("order");
    let frag = r#"{"op":"order","order":{"id":"FRAGORD-25-01-001","kind":"FRAGORD","dtg":"011200Z FEB 25","issuer":"JTF-SB",
        "base":"EXORD-25-01","changes":[{"paragraph":"3","change":{"replace":"Execution, as changed."}}],
        "suspenses":[{"id":"SITREP","owner":"MP-CO","due":"031200Z FEB 25"}]}}"#;
    d.apply(&cmd(frag), dtg("011300Z FEB 25")).expect("fragord");
    d.apply(&cmd(DAILY), dtg("011300Z FEB 25")).expect("series");
    let now = dtg("031300Z FEB 25");
    d.tick(now);
    let all = d.ops.suspense_board(now, &SuspenseFilter::default());
    let ids: Vec<&str> = all
        .suspenses
        .iter()
        .map(|s| s.suspense.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "PERSTAT-MP@20250202T0600Z",
            "PERSTAT-MP@20250203T0600Z",
            "FRAGORD-25-01-001/SITREP",
            "EXORD-25-01/REC-90"
        ],
        "soonest due first; the 4 FEB PERSTAT opens at 1800Z"
    );
    let sitrep = &all.suspenses[2];
    assert_eq!((sitrep.status, sitrep.alert), (SuspenseStatus::Late, true));
    assert!(!all.suspenses[3].alert, "not warned yet");
    assert_eq!(all.metrics.overall.late, 3);
    assert_eq!(all.metrics.by_owner["MP-CO"].late, 3);
    assert_eq!(all.owners, ["J5", "MP-CO"]);
    let mine = d.ops.suspense_board(
        now,
        &SuspenseFilter {
            owner: Some("J5".into()),
            ..Default::default()
        },
    );
    assert_eq!(mine.suspenses.len(), 1);
    let frag_only = d.ops.suspense_board(
        now,
        &SuspenseFilter {
            order: Some("FRAGORD-25-01-001".into()),
            ..Default::default()
        },
    );
    assert_eq!(frag_only.suspenses.len(), 1);
    let week = d.ops.suspense_board(
        now,
        &SuspenseFilter {
            due_within: Some(Lead::days(7)),
            ..Default::default()
        },
    );
    assert_eq!(
        week.suspenses.len(),
        3,
        "the late ones; the recommendation is 78 days out"
    );
    let list = d.ops.order_list();
    let tree: Vec<(&str, usize)> = list.iter().map(|o| (o.id, o.depth)).collect();
    assert_eq!(tree, [("EXORD-25-01", 0), ("FRAGORD-25-01-001", 1)]);
    let before = d
        .ops
        .order_detail("EXORD-25-01", dtg("311200Z JAN 25"))
        .expect("detail");
    assert_eq!(
        before
            .effective
            .paragraphs
            .values()
            .nth(2)
            .map(|p| p.text.as_str()),
        Some("Execution.")
    );
    let after = d.ops.order_detail("EXORD-25-01", now).expect("detail");
    let p3 = after.effective.paragraphs.values().nth(2).expect("3");
    assert_eq!(
        (p3.text.as_str(), p3.set_by.as_str()),
        ("Execution, as changed.", "FRAGORD-25-01-001")
    );
    assert_eq!(after.children, ["FRAGORD-25-01-001"]);
    assert_eq!(
        after.references[0].line,
        "REF/A/DOC/EXECUTIVE ORDER 14167//"
    );
    assert!(
        d.ops
            .order_detail("EXORD-25-01", dtg("211200Z JAN 25"))
            .is_err(),
        "not yet issued"
    );
}
