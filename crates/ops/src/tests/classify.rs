//! Track classification: who may classify, what is refused, the latest
//! per uid with who, when and its audit record, and a log that replays to
//! exactly the same classifications.

use cot::Time;
use proptest::prelude::*;

use crate::classify::{Affiliation, ClassifyError, MAX_REMARKS};
use crate::command::{Actor, Command, OpsError, Role};
use crate::engine::{Ops, OpsConfig};
use crate::entry::{Effect, Entry};
use crate::ruleset::RuleSet;

fn engine() -> Ops {
    Ops::new(OpsConfig::default(), RuleSet::default_rules())
}

fn t0() -> Time {
    Time::from_millis(1_740_787_200_000)
}

fn classify(uid: &str, a: Affiliation, remarks: Option<&str>) -> Command {
    Command::Classify {
        uid: uid.into(),
        affiliation: a,
        remarks: remarks.map(str::to_string),
    }
}

/// The engine and its log, as the desk keeps them: each request told the
/// sequence number its first entry gets.
struct Desk {
    ops: Ops,
    log: Vec<Entry>,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            ops: engine(),
            log: Vec::new(),
        }
    }

    fn submit(&mut self, actor: &Actor, cmd: &Command, now: Time) -> crate::Applied {
        self.ops.at_seq(self.log.len() as u64);
        let applied = self.ops.apply(actor, cmd, now);
        self.log.extend(applied.entries.iter().cloned());
        applied
    }

    /// A fresh engine fed the log, as `OpsDesk::open` does.
    fn replayed(&self) -> Ops {
        let mut again = engine();
        for (seq, e) in self.log.iter().enumerate() {
            again.at_seq(seq as u64);
            again
                .replay(e.time, &e.action, e.decision.as_deref(), &e.payload)
                .expect("replays");
        }
        again
    }
}

#[test]
fn the_wire_shape_is_op_classify() {
    let cmd: Command = serde_json::from_str(
        r#"{"op":"classify","uid":"sim-trk-3","affiliation":"suspect","remarks":"no flight plan"}"#,
    )
    .expect("parses");
    assert_eq!(
        cmd,
        classify("sim-trk-3", Affiliation::Suspect, Some("no flight plan"))
    );
    let bare: Command =
        serde_json::from_str(r#"{"op":"classify","uid":"u","affiliation":"friend"}"#)
            .expect("parses");
    assert_eq!(bare, classify("u", Affiliation::Friend, None));
    assert!(serde_json::from_str::<Command>(
        r#"{"op":"classify","uid":"u","affiliation":"assumed_friend"}"#
    )
    .is_err());
    assert_eq!(cmd.action(), "ops.classify");
    assert_eq!(cmd.subjects(), vec!["sim-trk-3".to_string()]);
}

#[test]
fn watch_officers_and_admins_classify_others_are_refused_and_audited() {
    let mut d = Desk::new();
    let cmd = classify("sim-trk-1", Affiliation::Hostile, Some("crossed at night"));
    for roles in [&[][..], &[Role::Legal][..]] {
        let who = Actor::user("sam", roles);
        let applied = d.submit(&who, &cmd, t0());
        assert!(
            matches!(
                &applied.result,
                Err(OpsError::Forbidden {
                    action: "ops.classify",
                    ..
                })
            ),
            "{:?}",
            applied.result
        );
        assert_eq!(applied.entries.len(), 1);
        assert_eq!(applied.entries[0].action, "ops.refused");
        assert_eq!(applied.entries[0].subjects, vec!["sim-trk-1".to_string()]);
        assert!(applied.effects.is_empty());
        assert!(d.ops.classification("sim-trk-1").is_none());
    }
    let alice = Actor::user("alice", &[Role::WatchOfficer]);
    let applied = d.submit(&alice, &cmd, t0().plus_secs(5));
    assert_eq!(applied.result, Ok(()));
    assert_eq!(applied.entries[0].action, "ops.classify");
    assert_eq!(applied.entries[0].decision.as_deref(), Some("ACCEPTED"));
    assert_eq!(
        applied.effects,
        vec![Effect::Classify {
            uid: "sim-trk-1".into(),
            affiliation: Affiliation::Hostile,
            remarks: Some("crossed at night".into()),
        }]
    );
    let c = d.ops.classification("sim-trk-1").expect("kept");
    assert_eq!(
        (c.affiliation, c.by.as_str(), c.at, c.seq),
        (Affiliation::Hostile, "alice", t0().plus_secs(5), Some(2))
    );
    assert_eq!(d.log[2].action, "ops.classify", "seq names its own record");

    // The latest stands; an admin may take it back to unknown.
    let root = Actor::user("root", &[Role::Admin]);
    let back = classify("sim-trk-1", Affiliation::Unknown, None);
    assert_eq!(d.submit(&root, &back, t0().plus_secs(9)).result, Ok(()));
    let c = d.ops.classification("sim-trk-1").expect("kept");
    assert_eq!(
        (c.affiliation, c.by.as_str(), c.remarks.as_deref(), c.seq),
        (Affiliation::Unknown, "root", None, Some(3))
    );
    assert_eq!(d.ops.classifications().count(), 1);
}

#[test]
fn malformed_classifications_are_refused_with_a_typed_error() {
    let mut d = Desk::new();
    let alice = Actor::user("alice", &[Role::WatchOfficer]);
    let big = "x".repeat(MAX_REMARKS + 1);
    let cases = [
        (
            classify("", Affiliation::Hostile, None),
            ClassifyError::EmptyUid,
        ),
        (
            classify(&"u".repeat(201), Affiliation::Hostile, None),
            ClassifyError::UidTooLong { len: 201 },
        ),
        (
            classify("trk\u{0}1", Affiliation::Hostile, None),
            ClassifyError::UidControl,
        ),
        (
            classify("trk-1", Affiliation::Hostile, Some(&big)),
            ClassifyError::RemarksTooLong {
                len: MAX_REMARKS + 1,
            },
        ),
        (
            classify("trk-1", Affiliation::Hostile, Some("esc \u{1b}[31m")),
            ClassifyError::RemarksNotXml { found: '\u{1b}' },
        ),
    ];
    for (cmd, want) in cases {
        assert_eq!(cmd.precheck(&alice), Err(OpsError::Classify(want.clone())));
        let applied = d.submit(&alice, &cmd, t0());
        assert_eq!(applied.result, Err(OpsError::Classify(want)));
        assert_eq!(applied.entries[0].action, "ops.refused");
        assert!(applied.effects.is_empty());
    }
    assert_eq!(d.ops.classifications().count(), 0);

    // A batch with one bad classification applies none of it.
    let batch = Command::Batch {
        commands: vec![
            classify("trk-1", Affiliation::Friend, None),
            classify("trk-2", Affiliation::Hostile, Some("\u{7}")),
        ],
    };
    assert_eq!(batch.classified(), vec!["trk-1", "trk-2"]);
    assert!(matches!(
        batch.precheck(&alice),
        Err(OpsError::Batch { index: 1, .. })
    ));
    let applied = d.submit(&alice, &batch, t0());
    assert!(matches!(
        applied.result,
        Err(OpsError::Batch { index: 1, .. })
    ));
    assert_eq!(d.ops.classifications().count(), 0);
}

#[test]
fn the_log_replays_to_the_same_classifications() {
    let mut d = Desk::new();
    let alice = Actor::user("alice", &[Role::WatchOfficer]);
    let bob = Actor::user("bob", &[]);
    d.submit(
        &alice,
        &classify("a", Affiliation::Suspect, Some("loiters")),
        t0(),
    );
    d.submit(
        &bob,
        &classify("b", Affiliation::Hostile, None),
        t0().plus_secs(1),
    );
    d.submit(
        &alice,
        &Command::Batch {
            commands: vec![
                classify("b", Affiliation::Neutral, Some("a farmer")),
                classify("a", Affiliation::Hostile, Some("<armed> & moving")),
            ],
        },
        t0().plus_secs(2),
    );
    let again = d.replayed();
    let live: Vec<_> = d.ops.classifications().cloned().collect();
    let back: Vec<_> = again.classifications().cloned().collect();
    assert_eq!(live.len(), 2);
    assert_eq!(live, back);
    assert_eq!(
        live[0].seq,
        Some(2),
        "a batch's classifications cite the batch's record"
    );
}

#[derive(Debug, Clone)]
struct Op {
    roles: u8,
    uid: u8,
    affiliation: u8,
    remarks: Option<String>,
    batch: bool,
    secs: i64,
}

fn op() -> impl Strategy<Value = Op> {
    (
        0u8..8,
        0u8..4,
        0u8..6,
        proptest::option::of(prop_oneof![
            "[a-z <>&\"]{0,24}",
            Just("\u{1}".to_string()),
            Just("r".repeat(MAX_REMARKS + 1)),
        ]),
        any::<bool>(),
        0i64..3600,
    )
        .prop_map(|(roles, uid, affiliation, remarks, batch, secs)| Op {
            roles,
            uid,
            affiliation,
            remarks,
            batch,
            secs,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_replays_exactly(ops in proptest::collection::vec(op(), 1..40)) {
        let all = [Role::WatchOfficer, Role::Legal, Role::Admin];
        let mut d = Desk::new();
        let mut now = t0();
        for o in &ops {
            now = now.plus_secs(o.secs);
            let roles: Vec<Role> = all.iter().enumerate().filter(|(i, _)| o.roles & (1 << i) != 0).map(|(_, r)| *r).collect();
            let actor = Actor::user(&format!("user{}", o.roles), &roles);
            let uid = if o.uid == 3 { String::new() } else { format!("sim-trk-{}", o.uid) };
            let one = classify(&uid, Affiliation::ALL[o.affiliation as usize], o.remarks.as_deref());
            let cmd = if o.batch { Command::Batch { commands: vec![one] } } else { one };
            let before: Vec<_> = d.ops.classifications().cloned().collect();
            let applied = d.submit(&actor, &cmd, now);
            let allowed = roles.contains(&Role::WatchOfficer) || roles.contains(&Role::Admin);
            prop_assert_eq!(applied.result.is_ok(), allowed && cmd.precheck(&actor).is_ok());
            if applied.result.is_ok() {
                let c = d.ops.classification(&uid).expect("kept");
                prop_assert_eq!(&c.by, &actor.name);
                prop_assert_eq!(c.at, now);
                prop_assert_eq!(c.seq, Some(d.log.len() as u64 - 1));
            } else {
                let after: Vec<_> = d.ops.classifications().cloned().collect();
                prop_assert_eq!(before, after, "a refusal changes nothing");
            }
        }
        let live: Vec<_> = d.ops.classifications().cloned().collect();
        let back: Vec<_> = d.replayed().classifications().cloned().collect();
        prop_assert_eq!(live, back);
    }
}
