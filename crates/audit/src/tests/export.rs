//! The self-contained export: round trip, embedded or trusted keys, tampering caught.

use std::fs;

use super::log::filled;
use super::{key, ORIGIN};
use crate::{export, verify_export, KeySource};

#[test]
fn export_verifies_offline_with_trusted_or_embedded_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let mut log = filled(tmp.path(), 23, 10);
    log.checkpoint_now(0).unwrap();
    let out = tmp.path().join("export.txt");
    let summary = export(tmp.path(), &out).unwrap();
    assert_eq!((summary.records, summary.checkpoints), (23, 3));

    let report = verify_export(&out, &[key(ORIGIN, 1).verifier()]);
    assert!(report.is_ok(), "{report}");
    assert_eq!(
        (report.records, report.checkpoints, report.covered),
        (23, 3, 23)
    );
    assert!(matches!(report.key_source, KeySource::Trusted(_)));

    let report = verify_export(&out, &[]);
    assert!(report.is_ok(), "{report}");
    assert!(
        matches!(report.key_source, KeySource::Embedded(ref k) if k == &[log.verifier_key().to_text()])
    );
    assert!(report.to_string().contains("embedded"), "{report}");

    let report = verify_export(&out, &[key("someone.else", 3).verifier()]);
    assert!(!report.is_ok());
}

#[test]
fn tampered_exports_name_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    drop(filled(tmp.path(), 30, 10));
    let out = tmp.path().join("export.txt");
    export(tmp.path(), &out).unwrap();
    let text = fs::read_to_string(&out).unwrap();
    let trusted = [key(ORIGIN, 1).verifier()];
    let header = 3; // magic, key, records

    let edited = text.replacen("task-12\"", "task-13\"", 1);
    fs::write(&out, &edited).unwrap();
    let bad = verify_export(&out, &trusted).first_bad.unwrap();
    assert_eq!((bad.seq, bad.line), (Some(12), header + 13), "{bad}");

    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(header + 7);
    fs::write(&out, lines.join("\n") + "\n").unwrap();
    let bad = verify_export(&out, &trusted).first_bad.unwrap();
    assert_eq!(bad.seq, Some(7), "{bad}");

    fs::write(&out, &text[..text.len() / 2]).unwrap();
    let bad = verify_export(&out, &trusted).first_bad.unwrap();
    assert!(bad.reason.contains("truncated"), "{bad}");

    fs::write(&out, text.replacen("checkpoint 20 ", "checkpoint 21 ", 1)).unwrap();
    assert!(verify_export(&out, &trusted).first_bad.is_some());

    fs::write(&out, text.replace("\nend\n", "\n")).unwrap();
    assert!(verify_export(&out, &trusted).first_bad.is_some());

    fs::write(&out, "garbage").unwrap();
    assert!(verify_export(&out, &trusted).first_bad.is_some());
    assert!(verify_export(&tmp.path().join("missing"), &trusted)
        .first_bad
        .is_some());
}
