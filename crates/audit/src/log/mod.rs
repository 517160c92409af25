//! The IO part: an append-only audit log in a directory (layout in [`crate::files`]).
//!
//! Every append is on disk (`sync_data`) before it returns, so an acknowledged record
//! survives `kill -9` or a power cut. Checkpoints are signed by the policy, counted in
//! records or in the records' own `time_ms` (no clock is read). One process should own a
//! directory at a time; nothing here locks it.

mod read;

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Write as _};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::chain::{check_checkpoint, check_consistency, Chain, SeenCheckpoint, Stop, Trust};
use crate::checkpoint::{sign_trusted, Checkpoint};
use crate::files::{self, CHECKPOINTS_DIR, RECORDS_FILE};
use crate::keys::{SigningKey, VerifierKey};
use crate::lines::LineReader;
use crate::merkle::{leaf_hash, ProofError, Tree};
use crate::record::{AuditRecord, NewRecord, RecordError};
use crate::verify::Bad;

/// Most records [`AuditLog::records`] returns in one call.
pub const MAX_PAGE: u64 = 10_000;

/// Most bytes of lines [`AuditLog::records`] reads in one call (it always returns at
/// least one record when there is one).
pub const MAX_PAGE_BYTES: u64 = 16 << 20;

/// When to sign a checkpoint. A zero turns that trigger off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// Sign once this many records were appended since the last checkpoint.
    pub every_records: u64,
    /// Sign once a record's `time_ms` is this many milliseconds past the last checkpoint.
    pub every_ms: i64,
}

/// Something `open` repaired or noticed that the caller should log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenWarning {
    /// The last line had no newline (a crash mid-write) and was cut off.
    TornTail {
        /// Its line number.
        line: usize,
        /// Bytes removed.
        bytes: u64,
    },
    /// A checkpoint is not signed by this log's key (an earlier key); its root was still
    /// checked against the records.
    ForeignCheckpoint {
        /// The checkpoint's size.
        size: u64,
    },
    /// This signing key was added to `verifier.keys` beside an earlier one.
    KeyAdded {
        /// The new verifier key text.
        key: String,
    },
    /// A file in `checkpoints/` that is not a checkpoint was ignored.
    StrayFile(String),
}

impl fmt::Display for OpenWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TornTail { line, bytes } => write!(
                f,
                "{RECORDS_FILE} line {line}: removed {bytes} bytes of an unfinished write"
            ),
            Self::ForeignCheckpoint { size } => write!(
                f,
                "checkpoint {size} is signed by another key than this log's (root checked)"
            ),
            Self::KeyAdded { key } => {
                write!(f, "signing key changed: added {key} to verifier.keys")
            }
            Self::StrayFile(name) => write!(f, "{name}: not a checkpoint, ignored"),
        }
    }
}

/// What `open` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Records in the log.
    pub records: u64,
    /// Checkpoints found and checked.
    pub checkpoints: usize,
    /// Repairs and notices.
    pub warnings: Vec<OpenWarning>,
}

/// Errors of the audit log.
#[derive(Debug, Error)]
pub enum LogError {
    /// A file operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The log on disk fails verification; it is not opened.
    #[error("audit log is broken: {0}")]
    Broken(Bad),
    /// The origin is empty or has a control character.
    #[error("origin {0:?} is empty or has a control character")]
    BadOrigin(String),
    /// The directory's checkpoints name another origin.
    #[error("checkpoints in this directory are for origin {found:?}, not {expected:?}")]
    OriginMismatch {
        /// The origin given to `open`.
        expected: String,
        /// The origin in the checkpoints.
        found: String,
    },
    /// A new record cannot be sealed (too large, bad `rule_set`, payload too deep).
    #[error("record refused: {0}")]
    Record(#[from] RecordError),
    /// A proof was asked for sizes the log does not have.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// An earlier write failed half-way; reopen the log to repair the file. Records of the
    /// failed call were not acknowledged, but complete lines of it may be on disk.
    #[error("an earlier write failed; reopen the log")]
    Poisoned,
    /// The records are durable, but signing the checkpoint after them failed; the next
    /// append retries it.
    #[error("records up to {records} are stored, but writing the checkpoint failed: {source}")]
    CheckpointFailed {
        /// Records in the log (all stored).
        records: u64,
        /// The OS error.
        source: io::Error,
    },
    /// A record's line on disk no longer matches what was verified at open.
    #[error("record {seq} changed on disk since the log was opened")]
    ChangedOnDisk {
        /// The record.
        seq: u64,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> LogError + '_ {
    move |source| LogError::Io {
        path: path.to_owned(),
        source,
    }
}

/// An open audit log. See the module docs.
#[derive(Debug)]
pub struct AuditLog {
    dir: PathBuf,
    path: PathBuf,
    file: File,
    signer: SigningKey,
    verifier: VerifierKey,
    origin: String,
    policy: CheckpointPolicy,
    tree: Tree,
    offsets: Vec<u64>,
    end: u64,
    last_hash: String,
    latest: Option<(u64, String)>,
    last_cp_time: Option<i64>,
    poisoned: bool,
}

impl AuditLog {
    /// Opens (or creates) the log in `dir`: verifies every record and checkpoint, trims a
    /// torn last line, and refuses a log that fails verification, naming the record.
    /// C2SP recommends that the signer's key name equal `origin`.
    pub fn open(
        dir: &Path,
        signer: SigningKey,
        origin: String,
        policy: CheckpointPolicy,
    ) -> Result<(Self, OpenReport), LogError> {
        if origin.is_empty() || origin.chars().any(char::is_control) {
            return Err(LogError::BadOrigin(origin));
        }
        let cdir = dir.join(CHECKPOINTS_DIR);
        fs::create_dir_all(&cdir).map_err(io_err(&cdir))?;
        files::remove_temps(dir).map_err(io_err(&cdir))?;
        let verifier = signer.verifier();
        let mut warnings = Vec::new();
        if files::ensure_key(dir, &verifier).map_err(io_err(dir))? {
            warnings.push(OpenWarning::KeyAdded {
                key: verifier.to_text(),
            });
        }
        let path = dir.join(RECORDS_FILE);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let mut chain = Chain::new(0);
        let reader = File::open(&path).map_err(io_err(&path))?;
        let mut lines = LineReader::new(BufReader::with_capacity(1 << 20, reader));
        let end = match chain.read(&mut lines, None, RECORDS_FILE) {
            Stop::Bad(bad) => return Err(LogError::Broken(bad)),
            Stop::Clean { torn: Some(t) } => {
                file.set_len(t.start).map_err(io_err(&path))?;
                file.sync_all().map_err(io_err(&path))?;
                warnings.push(OpenWarning::TornTail {
                    line: t.line,
                    bytes: t.len,
                });
                t.start
            }
            Stop::Clean { torn: None } => file.metadata().map_err(io_err(&path))?.len(),
        };
        let (stored, strays) = files::read_checkpoints(dir).map_err(io_err(&cdir))?;
        warnings.extend(strays.into_iter().map(OpenWarning::StrayFile));
        let mut seen = Vec::new();
        let trust = Trust::Prefer(std::slice::from_ref(&verifier));
        for sc in stored {
            let note = sc
                .note
                .map_err(|e| LogError::Broken(Bad::file(format!("{}: {e}", sc.label))))?;
            let good_below = seen
                .last()
                .map_or(0, |s: &SeenCheckpoint| s.checkpoint.size);
            let cp = check_checkpoint(&chain, &note, &sc.label, &trust, good_below)
                .map_err(LogError::Broken)?;
            if cp.checkpoint.size != sc.size {
                return Err(LogError::Broken(Bad::file(format!(
                    "{}: holds the checkpoint of size {}",
                    sc.label, cp.checkpoint.size
                ))));
            }
            if cp.checkpoint.origin != origin {
                return Err(LogError::OriginMismatch {
                    expected: origin,
                    found: cp.checkpoint.origin,
                });
            }
            if cp.signers.is_empty() {
                warnings.push(OpenWarning::ForeignCheckpoint { size: sc.size });
            }
            seen.push(cp);
        }
        check_consistency(&chain, &seen).map_err(LogError::Broken)?;
        let report = OpenReport {
            records: chain.len(),
            checkpoints: seen.len(),
            warnings,
        };
        let latest = seen.pop().map(|s| (s.checkpoint.size, s.note));
        let mut log = Self {
            dir: dir.to_owned(),
            path,
            file,
            signer,
            verifier,
            origin,
            policy,
            tree: chain.tree,
            offsets: chain.offsets,
            end,
            last_hash: chain.last_hash,
            latest,
            last_cp_time: None,
            poisoned: false,
        };
        // The time baseline: the last record a checkpoint covers, else the first record.
        let base = log
            .latest
            .as_ref()
            .map_or(0, |(size, _)| size.saturating_sub(1));
        if let Some(rec) = log.record(base)? {
            log.last_cp_time = Some(rec.time_ms);
        }
        Ok((log, report))
    }

    /// Appends one record; it is on disk when this returns.
    pub fn append(&mut self, rec: NewRecord) -> Result<AuditRecord, LogError> {
        let mut out = self.append_batch(vec![rec])?;
        out.pop().ok_or(LogError::Poisoned)
    }

    /// Appends several records with one `sync_data`; all or none are sealed (a record
    /// that cannot be sealed refuses the whole batch before anything is written).
    pub fn append_batch(&mut self, recs: Vec<NewRecord>) -> Result<Vec<AuditRecord>, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned);
        }
        let Some(last_time) = recs.last().map(|r| r.time_ms) else {
            return Ok(Vec::new());
        };
        let first_time = recs.first().map_or(last_time, |r| r.time_ms);
        let mut buf = Vec::new();
        let mut sealed = Vec::with_capacity(recs.len());
        let mut prev = self.last_hash.clone();
        for (seq, rec) in (self.len()..).zip(recs) {
            let (rec, line) = rec.seal(seq, &prev)?;
            prev.clone_from(&rec.hash);
            sealed.push((rec, line.len() as u64 + 1, leaf_hash(line.as_bytes())));
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
        }
        let written = self
            .file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data());
        if let Err(source) = written {
            self.poisoned = true;
            return Err(LogError::Io {
                path: self.path.clone(),
                source,
            });
        }
        let mut out = Vec::with_capacity(sealed.len());
        for (rec, len, leaf) in sealed {
            self.tree.push(leaf);
            self.offsets.push(self.end);
            self.end += len;
            out.push(rec);
        }
        self.last_hash = prev;
        let base = *self.last_cp_time.get_or_insert(first_time);
        let since = self.len() - self.latest.as_ref().map_or(0, |(s, _)| *s);
        let due = (self.policy.every_records > 0 && since >= self.policy.every_records)
            || (self.policy.every_ms > 0 && last_time.saturating_sub(base) >= self.policy.every_ms);
        if due {
            self.write_checkpoint(last_time)
                .map_err(|source| LogError::CheckpointFailed {
                    records: self.len(),
                    source,
                })?;
        }
        Ok(out)
    }

    /// Signs a checkpoint of the current size now (unless the latest already has this
    /// size) and returns the note. `time_ms` restarts the `every_ms` count.
    pub fn checkpoint_now(&mut self, time_ms: i64) -> Result<String, LogError> {
        if self.poisoned {
            return Err(LogError::Poisoned);
        }
        let cdir = self.dir.join(CHECKPOINTS_DIR);
        self.write_checkpoint(time_ms).map_err(io_err(&cdir))
    }

    fn write_checkpoint(&mut self, time_ms: i64) -> io::Result<String> {
        let size = self.len();
        if let Some((s, note)) = &self.latest {
            if *s == size {
                self.last_cp_time = Some(time_ms);
                return Ok(note.clone());
            }
        }
        let cp = Checkpoint::new(&self.origin, size, self.tree.root());
        let note = sign_trusted(&cp, &self.signer);
        files::write_checkpoint(&self.dir, size, &note)?;
        self.latest = Some((size, note.clone()));
        self.last_cp_time = Some(time_ms);
        Ok(note)
    }
}
