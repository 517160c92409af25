//! Each way of tampering with a log directory is caught by `verify_dir` and by `open`,
//! naming the right record. The files are changed with std::fs, as an intruder would.

use std::fs;
use std::path::Path;

use super::log::filled;
use super::{key, policy, rec, ORIGIN};
use crate::record::AuditRecord;
use crate::{verify_dir, AuditLog, Bad, LogError, NewRecord, CHECKPOINTS_DIR, RECORDS_FILE};

const N: u64 = 50;

fn lines(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join(RECORDS_FILE)).unwrap();
    text.lines().map(str::to_owned).collect()
}

fn write_lines(dir: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    fs::write(dir.join(RECORDS_FILE), text).unwrap();
}

/// Re-seals record `seq` with new content, as an intruder who knows the format would.
fn reseal(seq: u64, prev_hash: &str, actor: &str) -> (AuditRecord, String) {
    let new = NewRecord {
        actor: actor.into(),
        ..rec(seq)
    };
    new.seal(seq, prev_hash).unwrap()
}

/// A fresh 50-record log with checkpoints every 10, tampered by `f`; returns what the
/// verifier and `open` said.
fn tampered(f: impl FnOnce(&Path, &mut Vec<String>)) -> (Bad, Bad) {
    let tmp = tempfile::tempdir().unwrap();
    drop(filled(tmp.path(), N, 10));
    assert!(verify_dir(tmp.path(), &[key(ORIGIN, 1).verifier()]).is_ok());
    let mut l = lines(tmp.path());
    f(tmp.path(), &mut l);
    let report = verify_dir(tmp.path(), &[key(ORIGIN, 1).verifier()]);
    let from_verify = report
        .first_bad
        .clone()
        .unwrap_or_else(|| panic!("not caught: {report}"));
    let from_open = match AuditLog::open(tmp.path(), key(ORIGIN, 1), ORIGIN.into(), policy(10)) {
        Err(LogError::Broken(bad)) => bad,
        other => panic!("open accepted a tampered log: {other:?}"),
    };
    (from_verify, from_open)
}

fn check(
    f: impl FnOnce(&Path, &mut Vec<String>),
    seq: Option<u64>,
    line: usize,
    words: &str,
) -> Bad {
    let (bad, open_bad) = tampered(f);
    assert_eq!((bad.seq, bad.line), (seq, line), "{bad}");
    assert!(bad.reason.contains(words), "{bad}");
    assert_eq!(open_bad, bad, "open and verify_dir disagree");
    bad
}

#[test]
fn edited_record_with_its_hash_left() {
    let bad = check(
        |dir, l| {
            l[41] = l[41].replace("task-41", "task-99");
            write_lines(dir, l);
        },
        Some(41),
        42,
        "edited",
    );
    assert_eq!(
        bad.to_string(),
        "record 41 (line 42): hash does not match its content (edited)"
    );
}

#[test]
fn edited_record_with_its_hash_recomputed() {
    check(
        |dir, l| {
            let prev = AuditRecord::parse(l[40].as_bytes()).unwrap().hash;
            l[41] = reseal(41, &prev, "someone else").1;
            write_lines(dir, l);
        },
        Some(41),
        42,
        "hash recomputed",
    );
}

#[test]
fn deleted_record() {
    let bad = check(
        |dir, l| {
            l.remove(41);
            write_lines(dir, l);
        },
        Some(41),
        42,
        "missing (deleted)",
    );
    assert!(
        bad.to_string()
            .starts_with("record 41 (line 42): missing (deleted)"),
        "{bad}"
    );
    check(
        |dir, l| {
            l.drain(10..13);
            write_lines(dir, l);
        },
        Some(10),
        11,
        "records 10 to 12",
    );
}

#[test]
fn reordered_records() {
    check(
        |dir, l| {
            l.swap(41, 42);
            write_lines(dir, l);
        },
        Some(41),
        42,
        "reordered",
    );
    check(
        |dir, l| {
            let moved = l.remove(3);
            l.push(moved);
            write_lines(dir, l);
        },
        Some(3),
        4,
        "record 3 is at line 50",
    );
}

#[test]
fn duplicated_record() {
    check(
        |dir, l| {
            let dup = l[20].clone();
            l.insert(21, dup);
            write_lines(dir, l);
        },
        Some(20),
        22,
        "appears again",
    );
}

#[test]
fn truncated_file() {
    let bad = check(
        |dir, l| {
            l.truncate(35);
            write_lines(dir, l);
        },
        Some(35),
        36,
        "truncated",
    );
    assert!(bad.reason.contains("covers 40"), "{bad}");
}

#[test]
fn fully_rewritten_tail() {
    let bad = check(
        |dir, l| {
            let mut prev = AuditRecord::parse(l[32].as_bytes()).unwrap().hash;
            for seq in 33..N {
                let (r, line) = reseal(seq, &prev, "rewriter");
                l[seq as usize] = line;
                prev = r.hash;
            }
            write_lines(dir, l);
        },
        Some(30),
        31,
        "records 30 to 39 were rewritten",
    );
    assert!(bad.reason.contains("(size 40)"), "{bad}");
}

#[test]
fn garbage_and_bad_lines() {
    check(
        |dir, l| {
            l[20] = "this is not json".into();
            write_lines(dir, l);
        },
        None,
        21,
        "not a valid record",
    );
    check(
        |dir, l| {
            l[20].truncate(40);
            write_lines(dir, l);
        },
        None,
        21,
        "truncated",
    );
    check(
        |dir, l| {
            l[5] = l[5].replacen(":", ": ", 1);
            write_lines(dir, l);
        },
        Some(5),
        6,
        "canonical",
    );
    check(
        |dir, l| {
            l[0] = reseal(0, &"1".repeat(64), "engine").1;
            write_lines(dir, l);
        },
        Some(0),
        1,
        "prev_hash of record 0",
    );
    check(
        |dir, l| {
            l[7] = "x".repeat((1 << 20) + 5);
            write_lines(dir, l);
        },
        None,
        8,
        "limit",
    );
}

#[test]
fn edited_and_foreign_checkpoints() {
    // A checkpoint whose root was changed: its signature fails.
    let (bad, _) = tampered(|dir, _| {
        let p = dir.join(CHECKPOINTS_DIR).join(format!("{:020}", 20));
        let note = fs::read_to_string(&p).unwrap();
        let mut body: Vec<&str> = note.lines().collect();
        let fake = crate::merkle::empty_root();
        let fake = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, fake);
        body[2] = &fake;
        fs::write(&p, body.join("\n") + "\n").unwrap();
    });
    assert!(bad.reason.contains("does not verify"), "{bad}");
    assert!(bad.reason.contains("00000000000000000020"), "{bad}");

    // A whole history re-signed by an intruder's key: not trusted.
    let tmp = tempfile::tempdir().unwrap();
    drop(filled(tmp.path(), 20, 10));
    let intruder = tempfile::tempdir().unwrap();
    let (mut fake, _) =
        AuditLog::open(intruder.path(), key(ORIGIN, 66), ORIGIN.into(), policy(10)).unwrap();
    for i in 0..20 {
        fake.append(NewRecord {
            actor: "intruder".into(),
            ..rec(i)
        })
        .unwrap();
    }
    for name in [
        RECORDS_FILE,
        &format!("{CHECKPOINTS_DIR}/{:020}", 10),
        &format!("{CHECKPOINTS_DIR}/{:020}", 20),
    ] {
        fs::copy(intruder.path().join(name), tmp.path().join(name)).unwrap();
    }
    let report = verify_dir(tmp.path(), &[key(ORIGIN, 1).verifier()]);
    let bad = report.first_bad.unwrap();
    assert!(bad.reason.contains("not trusted"), "{bad}");
}
