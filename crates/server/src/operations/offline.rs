//! Reading a desk's log without opening the desk: for the command line
//! while a server owns the folder (`ops decide`, `ops roster`), and for
//! `audit verify --replay`, which replays every input record and checks
//! that the engine produces exactly the decisions the log holds. Nothing
//! here takes the lock or writes.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use audit::{AuditRecord, NewRecord};
use cot::Time;
use ops::engine::is_input;
use ops::{Ops, OpsConfig, RuleSet};

use super::desk::record_of;

/// Records the shell writes (refusals before the engine saw a request),
/// which a replay neither consumes nor produces.
const SHELL_ACTIONS: [&str; 4] = [
    "ops.refused",
    "ops.bad_request",
    "ops.rules_refused",
    "audit.records",
];

/// Why the log could not be read or replayed.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// The records file is unreadable.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A line is not a record.
    #[error("line {line}: {why}")]
    Record {
        /// The line number (from 1).
        line: usize,
        /// Why.
        why: String,
    },
    /// The engine disagrees with the log at this record.
    #[error("record {seq}: {why}")]
    Diverged {
        /// The record.
        seq: u64,
        /// How.
        why: String,
    },
}

pub(super) fn each_record(
    dir: &Path,
    mut f: impl FnMut(AuditRecord) -> Result<(), OfflineError>,
) -> Result<u64, OfflineError> {
    let path = dir.join(audit::RECORDS_FILE);
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(OfflineError::Io { path, source: e }),
    };
    let mut n = 0;
    for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(|e| OfflineError::Io {
            path: path.clone(),
            source: e,
        })?;
        if line.is_empty() {
            continue;
        }
        let r = AuditRecord::parse(&line).map_err(|e| OfflineError::Record {
            line: i + 1,
            why: e.to_string(),
        })?;
        f(r)?;
        n += 1;
    }
    Ok(n)
}

pub(super) fn replay_one(
    engine: &mut Ops,
    r: &AuditRecord,
) -> Result<Vec<NewRecord>, OfflineError> {
    engine.at_seq(r.seq);
    let applied = engine
        .replay(
            Time::from_millis(r.time_ms),
            &r.action,
            r.decision.as_deref(),
            &r.payload,
        )
        .map_err(|e| OfflineError::Diverged {
            seq: r.seq,
            why: e.to_string(),
        })?;
    Ok(applied
        .map(|a| a.entries.iter().map(record_of).collect())
        .unwrap_or_default())
}

/// The engine as the log in `audit_dir` leaves it (records parsed, not
/// verified: `audit verify` does that), and how many records it read.
pub fn read_engine(audit_dir: &Path) -> Result<(Ops, u64), OfflineError> {
    let mut engine = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let n = each_record(audit_dir, |r| replay_one(&mut engine, &r).map(|_| ()))?;
    Ok((engine, n))
}

/// The engine as the log in `audit_dir` stood at `until`: every record
/// stamped at or before it replayed, then time caught up to `until` in
/// memory; and how many records that was.
pub fn read_engine_until(audit_dir: &Path, until: Time) -> Result<(Ops, u64), OfflineError> {
    let mut engine = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let mut n = 0;
    each_record(audit_dir, |r| {
        if r.time_ms <= until.millis() {
            replay_one(&mut engine, &r)?;
            n += 1;
        }
        Ok(())
    })?;
    let _ = engine.handle_timeout(until);
    Ok((engine, n))
}

/// The largest signed checkpoint in `audit_dir` that covers no more than
/// `size` records (not verified here: `audit verify` does that).
pub fn checkpoint_within(audit_dir: &Path, size: u64) -> Option<super::CheckpointLine> {
    let dir = audit_dir.join(audit::CHECKPOINTS_DIR);
    let best = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u64>().ok())
        .filter(|n| *n <= size)
        .max()?;
    let text = std::fs::read_to_string(dir.join(format!("{best:020}"))).ok()?;
    super::CheckpointLine::parse(&text)
}

fn same(a: &NewRecord, r: &AuditRecord) -> bool {
    a.time_ms == r.time_ms
        && a.actor == r.actor
        && a.action == r.action
        && a.subjects == r.subjects
        && a.decision == r.decision
        && a.reasons == r.reasons
        && a.rule_set == r.rule_set
        && a.payload == r.payload
}

/// Replays the log and checks every decision the engine makes against the
/// record the log holds; returns how many records were checked.
pub fn check_replay(audit_dir: &Path) -> Result<u64, OfflineError> {
    let mut engine = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let mut expected: VecDeque<NewRecord> = VecDeque::new();
    each_record(audit_dir, |r| {
        if let Some(want) = expected.pop_front() {
            if !same(&want, &r) {
                return Err(OfflineError::Diverged {
                    seq: r.seq,
                    why: format!(
                        "the engine makes {} {:?} here, the log holds {} {:?}",
                        want.action, want.decision, r.action, r.decision
                    ),
                });
            }
            return Ok(());
        }
        if is_input(&r.action, r.decision.as_deref()) {
            let made = replay_one(&mut engine, &r)?;
            let mut made = made.into_iter();
            match made.next() {
                Some(first) if same(&first, &r) => {}
                _ => {
                    return Err(OfflineError::Diverged {
                        seq: r.seq,
                        why: "the replayed request does not reproduce its own record".into(),
                    })
                }
            }
            expected.extend(made);
            return Ok(());
        }
        if SHELL_ACTIONS.contains(&r.action.as_str()) {
            return Ok(());
        }
        Err(OfflineError::Diverged {
            seq: r.seq,
            why: format!(
                "{} is an engine output the replay does not produce",
                r.action
            ),
        })
    })
    .and_then(|n| match expected.front() {
        Some(want) => Err(OfflineError::Diverged {
            seq: n,
            why: format!("the log ends where the engine makes {}", want.action),
        }),
        None => Ok(n),
    })
}
