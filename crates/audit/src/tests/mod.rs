//! The crate's tests: one test binary, a module per area.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod export;
mod log;
mod merkle;
mod notes;
mod proofs;
mod records;
mod rules;
mod tamper;

use serde_json::json;

use crate::{CheckpointPolicy, NewRecord, SigningKey};

/// A fixed key, so signatures are the same run to run.
pub(crate) fn key(name: &str, n: u8) -> SigningKey {
    SigningKey::from_seed(name, [n; 32]).unwrap()
}

/// A record like the ops engine writes: a decision with reasons and a payload.
pub(crate) fn rec(i: u64) -> NewRecord {
    NewRecord {
        time_ms: 1_700_000_000_000 + i as i64 * 1000,
        actor: "engine".into(),
        action: "assignment.decide".into(),
        subjects: vec![format!("task-{i}"), "unit-3-ID".into()],
        decision: Some(
            if i.is_multiple_of(3) {
                "REFUSED"
            } else {
                "ALLOWED"
            }
            .into(),
        ),
        reasons: vec!["18 U.S.C. 1385".into()],
        rule_set: Some("ab".repeat(32)),
        payload: json!({"activity": "SEARCH", "area": [[31.5, -106.4], [31.6, -106.3]], "i": i}),
    }
}

pub(crate) const ORIGIN: &str = "watchfloor.test/audit";

pub(crate) fn policy(every_records: u64) -> CheckpointPolicy {
    CheckpointPolicy {
        every_records,
        every_ms: 0,
    }
}
