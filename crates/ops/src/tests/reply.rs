//! An answer from the field lands on the element it names: a phone that is
//! a recipient of two elements of one task (a platoon leader's, listed on
//! both squads) answers for the squad its `y-*` reply links to.

use cot::Time;

use crate::command::{Actor, Answer, Command, Role};
use crate::{Ops, OpsConfig, RuleSet};

fn t(s: &str) -> Time {
    Time::parse(s).expect("time")
}

fn cmd(json: &str) -> Command {
    serde_json::from_str(json).expect("command")
}

/// A platoon of two squads, both with the leader's phone, given a task the
/// default rules allow Title 10 and sent to both squads.
fn sent() -> (Ops, String) {
    let mut ops = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let admin = Actor::user("admin", &[Role::Admin, Role::WatchOfficer]);
    let now = t("2025-03-01T12:00:00Z");
    let lines = [
        r#"{"op":"unit","unit":{"id":"PLT","designation":"1st Plt"}}"#,
        r#"{"op":"unit","unit":{"id":"SQ-1","designation":"1st Sqd","parent":"PLT","sa_uid":"SQ1-PHONE","field_uids":["PL-PHONE"]}}"#,
        r#"{"op":"unit","unit":{"id":"SQ-2","designation":"2nd Sqd","parent":"PLT","sa_uid":"SQ2-PHONE","field_uids":["PL-PHONE"]}}"#,
        r#"{"op":"status","unit":"PLT","status":{"kind":"T10","order_ref":"test","from":"2025-03-01T00:00:00Z"}}"#,
        r#"{"op":"task","task":{"id":"T-1","title":"relay","requires":[{"activity":"COMM_RELAY"}],"window":{"from":"2025-03-01T00:00:00Z"},"status":"APPROVED"}}"#,
        r#"{"op":"assign","task":"T-1","unit":"PLT"}"#,
    ];
    for l in lines {
        let done = ops.apply(&admin, &cmd(l), now);
        assert!(done.result.is_ok(), "{l}: {:?}", done.result);
    }
    let a = ops.assignments_of("T-1")[0];
    let sent: Vec<(&str, bool)> = a
        .elements
        .iter()
        .map(|e| (e.element.as_str(), e.sent))
        .collect();
    assert_eq!(sent, [("SQ-1", true), ("SQ-2", true)]);
    let id = a.id.clone();
    (ops, id)
}

fn answers(ops: &Ops, assignment: &str) -> Vec<(String, Option<Answer>)> {
    ops.assignment(assignment)
        .expect("assignment")
        .elements
        .iter()
        .map(|e| (e.element.clone(), e.answer.clone()))
        .collect()
}

#[test]
fn a_reply_naming_its_element_is_recorded_against_that_element() {
    let (mut ops, id) = sent();
    let leader = Actor::field("PL", "PL-PHONE");
    let reply = Command::Reply {
        task: "T-1".into(),
        element: Some("SQ-1".into()),
        answer: Answer::Wilco,
    };
    let done = ops.apply(&leader, &reply, t("2025-03-01T12:05:00Z"));
    assert!(done.result.is_ok(), "{:?}", done.result);
    assert_eq!(
        answers(&ops, &id),
        [
            ("SQ-1".to_string(), Some(Answer::Wilco)),
            ("SQ-2".to_string(), None)
        ]
    );
}

#[test]
fn a_reply_naming_an_element_the_sender_is_not_with_is_refused() {
    let (mut ops, id) = sent();
    let squad_two = Actor::field("SQ2", "SQ2-PHONE");
    let reply = Command::Reply {
        task: "T-1".into(),
        element: Some("SQ-1".into()),
        answer: Answer::Wilco,
    };
    let done = ops.apply(&squad_two, &reply, t("2025-03-01T12:05:00Z"));
    assert!(done.result.is_err(), "SQ-2's phone answered for SQ-1");
    assert_eq!(
        answers(&ops, &id),
        [("SQ-1".to_string(), None), ("SQ-2".to_string(), None)]
    );
}
