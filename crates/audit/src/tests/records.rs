//! Canonical lines: exact bytes, round trips, and typed errors for every bad input.

use proptest::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::rec;
use crate::record::{AuditRecord, NewRecord, RecordError, GENESIS_PREV_HASH, MAX_LINE};

fn sealed(i: u64) -> (AuditRecord, String) {
    rec(i).seal(i, GENESIS_PREV_HASH).unwrap()
}

#[test]
fn canonical_line_has_the_fixed_field_order_and_no_whitespace() {
    let new = NewRecord {
        time_ms: 5,
        actor: "cn=ops".into(),
        action: "http.post".into(),
        subjects: vec![],
        decision: None,
        reasons: vec![],
        rule_set: None,
        payload: json!({"z": 1, "a": {"y": [true, null], "b": "x"}}),
    };
    let (r, line) = new.seal(0, GENESIS_PREV_HASH).unwrap();
    let body = format!(
        "{{\"seq\":0,\"time_ms\":5,\"actor\":\"cn=ops\",\"action\":\"http.post\",\"subjects\":[],\"decision\":null,\"reasons\":[],\"rule_set\":null,\"payload\":{{\"a\":{{\"b\":\"x\",\"y\":[true,null]}},\"z\":1}},\"prev_hash\":\"{GENESIS_PREV_HASH}\""
    );
    let hash = hex::encode(Sha256::digest(format!("{body}}}")));
    assert_eq!(r.hash, hash);
    assert_eq!(line, format!("{body},\"hash\":\"{hash}\"}}"));
    assert_eq!(r.canonical_line(), line);
    assert_eq!(AuditRecord::parse(line.as_bytes()).unwrap(), r);
}

#[test]
fn awkward_strings_and_numbers_round_trip() {
    let mut new = rec(1);
    new.actor = "quote \" backslash \\ nl \n tab \t nul \u{0} del \u{7f} é 中 🚁".into();
    new.payload =
        json!({"f": 0.1, "neg": -0.0, "big": 1e300, "small": 5e-324, "i": i64::MIN, "u": u64::MAX});
    let (r, line) = new.seal(7, &"f".repeat(64)).unwrap();
    assert!(!line.contains('\n'));
    assert_eq!(AuditRecord::parse(line.as_bytes()).unwrap(), r);
}

#[test]
fn edits_are_caught() {
    let (_, line) = sealed(3);
    let edited = line.replace("task-3", "task-4");
    assert!(matches!(
        AuditRecord::parse(edited.as_bytes()),
        Err(RecordError::HashMismatch { seq: 3 })
    ));
    let spaced = line.replacen(",", ", ", 1);
    assert!(matches!(
        AuditRecord::parse(spaced.as_bytes()),
        Err(RecordError::NotCanonical { seq: 3 })
    ));
    let escaped = line.replacen("engine", "\\u0065ngine", 1);
    assert!(matches!(
        AuditRecord::parse(escaped.as_bytes()),
        Err(RecordError::NotCanonical { .. })
    ));
    let extra = line.replacen("{", "{\"x\":1,", 1);
    assert!(matches!(
        AuditRecord::parse(extra.as_bytes()),
        Err(RecordError::Malformed(_))
    ));
    let upper = line.replacen("\"prev_hash\":\"0000", "\"prev_hash\":\"ABCD", 1);
    assert!(matches!(
        AuditRecord::parse(upper.as_bytes()),
        Err(RecordError::BadHex { field: "prev_hash" })
    ));
}

#[test]
fn every_prefix_of_a_line_is_a_typed_error() {
    let (_, line) = sealed(2);
    for cut in 0..line.len() {
        let err = AuditRecord::parse(&line.as_bytes()[..cut]);
        assert!(
            matches!(
                err,
                Err(RecordError::Truncated(_) | RecordError::Malformed(_))
            ),
            "cut at {cut}"
        );
    }
}

#[test]
fn garbage_and_oversized_lines_are_typed_errors() {
    for g in [
        &b""[..],
        b"null",
        b"[]",
        b"{}",
        b"\xff\xfe",
        b"{\"seq\":-1}",
        b"garbage",
    ] {
        assert!(AuditRecord::parse(g).is_err());
    }
    let big = vec![b' '; MAX_LINE + 1];
    assert!(matches!(
        AuditRecord::parse(&big),
        Err(RecordError::TooLong { .. })
    ));
}

#[test]
fn sealing_refuses_what_could_not_be_read_back() {
    let mut new = rec(0);
    new.payload = Value::String("x".repeat(MAX_LINE));
    assert!(matches!(
        new.seal(0, GENESIS_PREV_HASH),
        Err(RecordError::TooLong { .. })
    ));

    let mut deep = json!(1);
    for _ in 0..101 {
        deep = json!([deep]);
    }
    let mut new = rec(0);
    new.payload = deep;
    assert!(matches!(
        new.seal(0, GENESIS_PREV_HASH),
        Err(RecordError::TooDeep)
    ));

    let mut ok = json!(1);
    for _ in 0..100 {
        ok = json!([ok]);
    }
    let mut new = rec(0);
    new.payload = ok;
    let (r, line) = new.seal(0, GENESIS_PREV_HASH).unwrap();
    assert_eq!(AuditRecord::parse(line.as_bytes()).unwrap(), r);

    let mut new = rec(0);
    new.rule_set = Some("not hex".into());
    assert!(matches!(
        new.seal(0, GENESIS_PREV_HASH),
        Err(RecordError::BadHex { field: "rule_set" })
    ));
    assert!(rec(0).seal(0, "short").is_err());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = AuditRecord::parse(&bytes);
    }

    #[test]
    fn random_records_round_trip(
        actor in ".{0,40}",
        subjects in prop::collection::vec(".{0,12}", 0..4),
        x in any::<f64>().prop_filter("finite", |x| x.is_finite()),
        n in any::<i64>(),
        key in ".{0,8}",
    ) {
        let mut new = rec(9);
        new.actor = actor;
        new.subjects = subjects;
        new.payload = json!({ key: [x, n], "k": {"x": x} });
        let (r, line) = new.seal(9, GENESIS_PREV_HASH).unwrap();
        prop_assert_eq!(AuditRecord::parse(line.as_bytes()).unwrap(), r);
    }
}
