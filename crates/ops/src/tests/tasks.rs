//! A task's own shape: each activity once.

use cot::Time;

use crate::command::{Actor, Command, Role};
use crate::{Ops, OpsConfig, RuleSet};

#[test]
fn a_task_listing_an_activity_twice_is_refused() {
    let mut ops = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let watch = Actor::user("watch", &[Role::WatchOfficer]);
    let twice = r#"{"op":"task","task":{"id":"T-1","title":"relay","requires":[
        {"activity":"CHECKPOINT"},{"activity":"CHECKPOINT","conditions":["AGENCY_REQUEST"]}],
        "window":{"from":"2025-03-01T00:00:00Z"},"status":"APPROVED"}}"#;
    let cmd: Command = serde_json::from_str(twice).expect("command");
    let now = Time::parse("2025-03-01T12:00:00Z").expect("time");
    let e = ops.apply(&watch, &cmd, now).result.expect_err("refused");
    assert_eq!(
        e.to_string(),
        "task T-1 lists CHECKPOINT twice; give it once, with all its conditions"
    );
    assert!(ops.task("T-1").is_none());
}
