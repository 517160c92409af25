//! The log on disk: append, reopen, proofs, checkpoint policy, torn tails.

use std::fs::{self, OpenOptions};
use std::io::Write as _;

use super::{key, policy, rec, ORIGIN};
use crate::merkle::{verify_consistency, verify_inclusion};
use crate::{
    verify_dir, AuditLog, Checkpoint, CheckpointPolicy, LogError, OpenWarning, RecordError,
    CHECKPOINTS_DIR, RECORDS_FILE,
};

pub(super) fn open(dir: &std::path::Path, every: u64) -> AuditLog {
    AuditLog::open(dir, key(ORIGIN, 1), ORIGIN.into(), policy(every))
        .unwrap()
        .0
}

pub(super) fn filled(dir: &std::path::Path, n: u64, every: u64) -> AuditLog {
    let mut log = open(dir, every);
    for i in 0..n {
        log.append(rec(i)).unwrap();
    }
    log
}

fn checkpoint_sizes(dir: &std::path::Path) -> Vec<u64> {
    let mut v: Vec<u64> = fs::read_dir(dir.join(CHECKPOINTS_DIR))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().parse().unwrap())
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn append_reopen_and_proofs_survive() {
    let tmp = tempfile::tempdir().unwrap();
    let mut log = filled(tmp.path(), 25, 10);
    assert_eq!(log.len(), 25);
    let first = log.record(0).unwrap().unwrap();
    assert_eq!(first.prev_hash, "0".repeat(64));
    assert_eq!(log.record(1).unwrap().unwrap().prev_hash, first.hash);
    assert_eq!(log.record(25).unwrap(), None);
    let root = log.root();
    let note = log.checkpoint_now(0).unwrap();
    drop(log);

    let (log, report) =
        AuditLog::open(tmp.path(), key(ORIGIN, 1), ORIGIN.into(), policy(10)).unwrap();
    assert_eq!((report.records, report.checkpoints), (25, 3));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(log.root(), root);
    assert_eq!(log.latest_checkpoint().unwrap(), note);
    let (cp, signers) = Checkpoint::open(&note, &[log.verifier_key().clone()]).unwrap();
    assert_eq!((cp.size, cp.root, signers.len()), (25, root, 1));
    for seq in 0..25 {
        let proof = log.inclusion_proof(seq, 25).unwrap();
        let leaf = log.record(seq).unwrap().unwrap().leaf_hash();
        assert_eq!(log.leaf_hash(seq), Some(leaf));
        assert_eq!(verify_inclusion(&leaf, seq, 25, &proof, &cp.root), Ok(()));
    }
    let old = log.root_at(10).unwrap();
    let proof = log.consistency_proof(10, 25).unwrap();
    assert_eq!(verify_consistency(10, 25, &old, &root, &proof), Ok(()));
    let page = log.records(5, 7).unwrap();
    assert_eq!(
        page.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (5..12).collect::<Vec<_>>()
    );
    assert_eq!(log.records(20, 100).unwrap().len(), 5);
    assert!(log.records(25, 10).unwrap().is_empty());
    assert!(matches!(
        log.inclusion_proof(25, 25),
        Err(LogError::Proof(_))
    ));
    assert!(verify_dir(tmp.path(), &[log.verifier_key().clone()]).is_ok());
}

#[test]
fn policy_by_count_by_time_and_batches() {
    let tmp = tempfile::tempdir().unwrap();
    filled(tmp.path(), 9, 4);
    assert_eq!(checkpoint_sizes(tmp.path()), vec![4, 8]);

    let tmp = tempfile::tempdir().unwrap();
    let by_time = CheckpointPolicy {
        every_records: 0,
        every_ms: 5_000,
    };
    let (mut log, _) = AuditLog::open(tmp.path(), key(ORIGIN, 1), ORIGIN.into(), by_time).unwrap();
    // rec(i) is one second apart: records 0..=4 span 4 s, record 5 reaches 5 s.
    for i in 0..12 {
        log.append(rec(i)).unwrap();
    }
    assert_eq!(checkpoint_sizes(tmp.path()), vec![6, 11]);

    let tmp = tempfile::tempdir().unwrap();
    let mut log = open(tmp.path(), 10);
    let out = log.append_batch((0..25).map(rec).collect()).unwrap();
    assert_eq!(
        out.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (0..25).collect::<Vec<_>>()
    );
    assert_eq!(
        checkpoint_sizes(tmp.path()),
        vec![25],
        "one checkpoint per batch"
    );
    assert!(log.append_batch(Vec::new()).unwrap().is_empty());
    // checkpoint_now at an unchanged size reuses the latest note.
    let a = log.checkpoint_now(1).unwrap();
    assert_eq!(log.checkpoint_now(2).unwrap(), a);
    assert_eq!(checkpoint_sizes(tmp.path()), vec![25]);
}

#[test]
fn a_bad_record_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut log = filled(tmp.path(), 3, 0);
    let mut huge = rec(3);
    huge.payload = serde_json::Value::String("x".repeat(2 << 20));
    let batch = vec![rec(3), huge];
    assert!(matches!(
        log.append_batch(batch),
        Err(LogError::Record(RecordError::TooLong { .. }))
    ));
    assert_eq!(log.len(), 3);
    assert_eq!(log.append(rec(3)).unwrap().seq, 3);
    let text = fs::read_to_string(tmp.path().join(RECORDS_FILE)).unwrap();
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn torn_last_line_is_trimmed() {
    let tmp = tempfile::tempdir().unwrap();
    let log = filled(tmp.path(), 5, 0);
    let root = log.root();
    drop(log);
    let path = tmp.path().join(RECORDS_FILE);
    let (_, half) = rec(5).seal(5, &"0".repeat(64)).unwrap();
    let mut f = OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(&half.as_bytes()[..half.len() / 2]).unwrap();
    drop(f);
    let report = verify_dir(tmp.path(), &[key(ORIGIN, 1).verifier()]);
    assert!(report.is_ok(), "{report}");
    assert!(report.warnings[0].contains("no newline"), "{report:?}");
    assert!(
        report.warnings[1].contains("no signed checkpoint covers"),
        "{report:?}"
    );

    let (mut log, report) =
        AuditLog::open(tmp.path(), key(ORIGIN, 1), ORIGIN.into(), policy(0)).unwrap();
    assert_eq!(
        report.warnings,
        vec![OpenWarning::TornTail {
            line: 6,
            bytes: (half.len() / 2) as u64
        }]
    );
    assert_eq!((log.len(), log.root()), (5, root));
    log.append(rec(5)).unwrap();
    log.checkpoint_now(0).unwrap();
    let report = verify_dir(tmp.path(), &[key(ORIGIN, 1).verifier()]);
    assert!(report.is_ok() && report.warnings.is_empty(), "{report}");
    assert_eq!(report.records, 6);
}

#[test]
fn open_refuses_a_broken_log_and_other_origins() {
    let tmp = tempfile::tempdir().unwrap();
    drop(filled(tmp.path(), 6, 3));
    let path = tmp.path().join(RECORDS_FILE);
    let good = fs::read_to_string(&path).unwrap();
    fs::write(&path, good.replacen("task-4", "task-X", 1)).unwrap();
    match AuditLog::open(tmp.path(), key(ORIGIN, 1), ORIGIN.into(), policy(3)) {
        Err(LogError::Broken(bad)) => assert_eq!(bad.seq, Some(4), "{bad}"),
        other => panic!("expected a broken log, got {other:?}"),
    }
    fs::write(&path, &good).unwrap();
    assert!(matches!(
        AuditLog::open(tmp.path(), key(ORIGIN, 1), "other.origin".into(), policy(3)),
        Err(LogError::OriginMismatch { .. })
    ));
    assert!(matches!(
        AuditLog::open(tmp.path(), key(ORIGIN, 1), "bad\norigin".into(), policy(3)),
        Err(LogError::BadOrigin(_))
    ));
}

#[test]
fn a_new_signing_key_is_recorded_and_old_checkpoints_still_checked() {
    let tmp = tempfile::tempdir().unwrap();
    drop(filled(tmp.path(), 4, 2));
    let new_key = key(ORIGIN, 2);
    let (mut log, report) =
        AuditLog::open(tmp.path(), new_key.clone(), ORIGIN.into(), policy(2)).unwrap();
    assert!(matches!(report.warnings[0], OpenWarning::KeyAdded { .. }));
    assert_eq!(
        report.warnings[1..],
        [
            OpenWarning::ForeignCheckpoint { size: 2 },
            OpenWarning::ForeignCheckpoint { size: 4 }
        ]
    );
    log.append(rec(4)).unwrap();
    log.append(rec(5)).unwrap();
    let both = [key(ORIGIN, 1).verifier(), new_key.verifier()];
    let report = verify_dir(tmp.path(), &both);
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.checkpoints, 3);
    // With only the new key trusted, the old checkpoints cannot be checked.
    assert!(!verify_dir(tmp.path(), &[new_key.verifier()]).is_ok());
    // Without keys given, the ones stored beside the log are used, and the report says so.
    let report = verify_dir(tmp.path(), &[]);
    assert!(report.is_ok(), "{report}");
    assert!(matches!(report.key_source, crate::KeySource::Embedded(ref k) if k.len() == 2));
}

#[test]
fn pages_are_bounded_in_bytes_too() {
    let tmp = tempfile::tempdir().unwrap();
    let mut log = open(tmp.path(), 0);
    for i in 0..20 {
        let mut r = rec(i);
        r.payload = serde_json::Value::String("p".repeat(900_000));
        log.append(r).unwrap();
    }
    let first = log.records(0, 20).unwrap();
    assert!(!first.is_empty() && first.len() < 20, "{}", first.len());
    let mut seen = first.len() as u64;
    while seen < 20 {
        let page = log.records(seen, 20).unwrap();
        assert_eq!(page[0].seq, seen);
        seen += page.len() as u64;
    }
    assert_eq!(seen, 20);
}
