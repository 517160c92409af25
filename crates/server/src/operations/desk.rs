//! The ops desk: the engine and its audit log in one data folder, owned by
//! one process at a time. Every request is decided by the engine and its
//! entries are appended to the log and fsynced before the caller hears the
//! answer, so an acknowledged decision survives `kill -9`. At open the log
//! is verified and replayed, which rebuilds the engine exactly.
//!
//! Layout of `DATA_DIR/ops/`: `LOCK` (held while open), `audit/` (the log:
//! records, checkpoints, verifier keys), `audit.key` (the checkpoint
//! signing key, 0600), `rules.toml` + `rules.toml.sig` (the deployment's
//! signed rule set, optional) and `trusted-keys` (verifier keys whose
//! signatures on a rule set are accepted, one per line).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use audit::{AuditLog, AuditRecord, CheckpointPolicy, NewRecord, SigningKey, VerifierKey};
use cot::Time;
use ops::{Actor, Command, Effect, Entry, Ops, OpsConfig, OpsError, Role, RuleSet};

use super::rules_file;

/// Where the desk keeps its files, and its tunables.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// The ops folder (`DATA_DIR/ops`).
    pub dir: PathBuf,
    /// The log's origin line in its checkpoints (and the signing key's name).
    pub origin: String,
    /// When checkpoints are signed.
    pub checkpoint: CheckpointPolicy,
}

impl DeskConfig {
    /// The desk of the data folder `data_dir`, with the default policy
    /// (a checkpoint every 256 records or 60 s of record time).
    pub fn in_data_dir(data_dir: &Path) -> DeskConfig {
        DeskConfig {
            dir: data_dir.join("ops"),
            origin: "watchfloor.local/ops".into(),
            checkpoint: CheckpointPolicy {
                every_records: 256,
                every_ms: 60_000,
            },
        }
    }

    /// The audit log's folder.
    pub fn audit_dir(&self) -> PathBuf {
        self.dir.join("audit")
    }
}

/// Why the desk could not open or act.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// Another process has the folder open.
    #[error("the ops folder {} is in use by another watchfloor process", .0.display())]
    Locked(PathBuf),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The signing key file is unreadable.
    #[error("the audit signing key {}: {why}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// The audit log failed to open or to take a record.
    #[error("audit log: {0}")]
    Log(#[from] audit::LogError),
    /// The log does not replay: the engine and the log disagree.
    #[error("audit record {seq} does not replay: {why}")]
    Replay {
        /// The record.
        seq: u64,
        /// Why.
        why: String,
    },
    /// An earlier write failed after the engine had changed; the desk takes
    /// nothing more until it is reopened (the log is the truth).
    #[error(
        "the ops desk stopped taking requests after a failed audit write ({0}); restart the server"
    )]
    Stopped(String),
}

/// Why a request was not taken.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The engine refused it (audited as record `seq`).
    #[error("{error}")]
    Refused {
        /// Why.
        error: OpsError,
        /// The audit record of the refusal.
        seq: u64,
    },
    /// The desk could not record it; nothing was acknowledged.
    #[error(transparent)]
    Desk(#[from] DeskError),
}

/// A request taken: its audit records and what to do in the world.
#[derive(Debug)]
pub struct Submitted {
    /// The first and one past the last audit sequence number written.
    pub seqs: (u64, u64),
    /// Tasks to send to the field or withdraw from it.
    pub effects: Vec<Effect>,
}

/// The engine and its log. See the module documentation.
#[derive(Debug)]
pub struct OpsDesk {
    config: DeskConfig,
    engine: Ops,
    log: AuditLog,
    trusted: Vec<VerifierKey>,
    stopped: Option<String>,
    _lock: File,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DeskError + '_ {
    move |source| DeskError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The instant the desk hands the engine: milliseconds, the precision the
/// log keeps, so a replay sees exactly the same time.
pub fn desk_time(t: Time) -> Time {
    Time::from_millis(t.millis())
}

pub(super) fn record_of(e: &Entry) -> NewRecord {
    NewRecord {
        time_ms: e.time.millis(),
        actor: e.actor.clone(),
        action: e.action.clone(),
        subjects: e.subjects.clone(),
        decision: e.decision.clone(),
        reasons: e.reasons.clone(),
        rule_set: e.rule_set.clone(),
        payload: e.payload.clone(),
    }
}

/// Reads the signing key, or makes one (0600) on first use.
fn signing_key(path: &Path, origin: &str) -> Result<SigningKey, DeskError> {
    match fs::read_to_string(path) {
        Ok(text) => SigningKey::parse(text.trim()).map_err(|e| DeskError::Key {
            path: path.into(),
            why: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SigningKey::generate(origin).map_err(|e| DeskError::Key {
                path: path.into(),
                why: e.to_string(),
            })?;
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(path).map_err(io(path))?;
            f.write_all(format!("{}\n", key.to_text()).as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(io(path))?;
            Ok(key)
        }
        Err(e) => Err(DeskError::Io {
            path: path.into(),
            source: e,
        }),
    }
}

impl OpsDesk {
    /// Opens the desk: takes the folder's lock, opens and verifies the
    /// log, replays it into a fresh engine, then loads the deployment's
    /// signed rule set if it changed. Returns the desk and lines to log
    /// (repairs, a refused rule file).
    pub fn open(config: DeskConfig) -> Result<(OpsDesk, Vec<String>), DeskError> {
        fs::create_dir_all(&config.dir).map_err(io(&config.dir))?;
        let lock_path = config.dir.join("LOCK");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        if lock.try_lock().is_err() {
            return Err(DeskError::Locked(config.dir.clone()));
        }
        let key = signing_key(&config.dir.join("audit.key"), &config.origin)?;
        let (log, report) = AuditLog::open(
            &config.audit_dir(),
            key,
            config.origin.clone(),
            config.checkpoint,
        )?;
        let mut notes: Vec<String> = report
            .warnings
            .iter()
            .map(|w| format!("audit log: {w:?}"))
            .collect();
        let mut engine = Ops::new(OpsConfig::default(), RuleSet::default_rules());
        let mut seq = 0u64;
        while seq < log.len() {
            let page = log.records(seq, audit::MAX_PAGE)?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                replay(&mut engine, r)?;
            }
            seq += page.len() as u64;
        }
        let trusted = rules_file::trusted_keys(&config.dir).map_err(|e| DeskError::Key {
            path: config.dir.join(rules_file::TRUSTED_KEYS),
            why: e,
        })?;
        let mut desk = OpsDesk {
            config,
            engine,
            log,
            trusted,
            stopped: None,
            _lock: lock,
        };
        if let Some(line) = desk.load_rules_file(crate::now())? {
            notes.push(line);
        }
        Ok((desk, notes))
    }

    /// Decides `cmd` by `actor` at `now` and records it.
    pub fn submit(
        &mut self,
        actor: &Actor,
        cmd: &Command,
        now: Time,
    ) -> Result<Submitted, SubmitError> {
        if let Some(why) = &self.stopped {
            return Err(DeskError::Stopped(why.clone()).into());
        }
        let first = self.log.len();
        self.engine.at_seq(first);
        let applied = self.engine.apply(actor, cmd, desk_time(now));
        self.write(&applied.entries)?;
        match applied.result {
            Ok(()) => Ok(Submitted {
                seqs: (first, self.log.len()),
                effects: applied.effects,
            }),
            Err(error) => Err(SubmitError::Refused {
                error,
                seq: self.log.len().saturating_sub(1),
            }),
        }
    }

    /// Catches the engine up with time: status and authority boundaries
    /// that passed re-decide the open assignments.
    pub fn tick(&mut self, now: Time) -> Result<Vec<Effect>, DeskError> {
        if let Some(why) = &self.stopped {
            return Err(DeskError::Stopped(why.clone()));
        }
        let applied = self.engine.handle_timeout(desk_time(now));
        self.write(&applied.entries)?;
        Ok(applied.effects)
    }

    /// Records something the shell refused before the engine saw it (a
    /// body that is not a command, a rule file that does not verify).
    pub fn note_refusal(
        &mut self,
        actor: &str,
        action: &str,
        reason: &str,
        now: Time,
    ) -> Result<u64, DeskError> {
        let entry = Entry {
            time: desk_time(now),
            actor: actor.into(),
            action: action.into(),
            subjects: Vec::new(),
            decision: Some("REFUSED_CALL".into()),
            reasons: vec![reason.into()],
            rule_set: Some(self.engine.rules().hash.clone()),
            payload: serde_json::Value::Null,
        };
        self.write(std::slice::from_ref(&entry))?;
        Ok(self.log.len().saturating_sub(1))
    }

    /// Records a command the shell refused after reading it (a
    /// classification of a track the tracker does not have), as the
    /// engine records its own refusals: the command is the payload.
    pub fn note_refused_command(
        &mut self,
        actor: &Actor,
        cmd: &Command,
        reason: &str,
        now: Time,
    ) -> Result<u64, DeskError> {
        let entry = Entry {
            time: desk_time(now),
            actor: actor.name.clone(),
            action: "ops.refused".into(),
            subjects: cmd.subjects(),
            decision: Some("REFUSED_CALL".into()),
            reasons: vec![format!("{}: {reason}", cmd.action())],
            rule_set: Some(self.engine.rules().hash.clone()),
            payload: serde_json::json!({ "actor": actor, "command": cmd }),
        };
        self.write(std::slice::from_ref(&entry))?;
        Ok(self.log.len().saturating_sub(1))
    }

    fn write(&mut self, entries: &[Entry]) -> Result<(), DeskError> {
        if entries.is_empty() {
            return Ok(());
        }
        match self
            .log
            .append_batch(entries.iter().map(record_of).collect())
        {
            Ok(_) => Ok(()),
            // The records are durable; only the checkpoint after them failed
            // and the next append retries it.
            Err(audit::LogError::CheckpointFailed { records, source }) => {
                tracing::warn!(records, error = %source, "audit checkpoint not written; retried with the next record");
                Ok(())
            }
            Err(e) => {
                // The engine has moved on but the log has not: stop, so
                // nothing unrecorded is ever acknowledged. A restart replays
                // the log, which is the truth.
                let why = e.to_string();
                tracing::error!(error = %why, "audit write failed; the ops desk stops taking requests");
                self.stopped = Some(why.clone());
                Err(DeskError::Stopped(why))
            }
        }
    }

    /// Loads `rules.toml` when its signature verifies against a trusted
    /// key and it differs from the rules in force. A file that does not
    /// verify is refused (audited) and the rules in force stay; the line
    /// returned says which and why.
    pub fn load_rules_file(&mut self, now: Time) -> Result<Option<String>, DeskError> {
        let path = self.config.dir.join(rules_file::RULES_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let keep = format!(
            "keeping rule set {} ({})",
            self.engine.rules().version,
            short(&self.engine.rules().hash)
        );
        match rules_file::read_verified(&path, &self.trusted) {
            Ok(v) if v.hash == self.engine.rules().hash => Ok(None),
            Ok(v) => {
                let cmd = Command::Rules {
                    text: v.text,
                    hash: v.hash.clone(),
                    signer: v.signer.clone(),
                };
                let actor = Actor::user(&format!("rules-file:{}", v.signer), &[Role::Admin]);
                match self.submit(&actor, &cmd, now) {
                    Ok(_) => Ok(Some(format!(
                        "rule set {} loaded ({}), signed by {}",
                        path.display(),
                        short(&v.hash),
                        v.signer
                    ))),
                    Err(SubmitError::Refused { error, .. }) => Ok(Some(format!(
                        "rule set {} refused: {error}; {keep}",
                        path.display()
                    ))),
                    Err(SubmitError::Desk(e)) => Err(e),
                }
            }
            Err(e) => {
                let line = format!("rule set {} refused: {e}; {keep}", path.display());
                self.note_refusal("rules-file", "ops.rules_refused", &line, now)?;
                Ok(Some(line))
            }
        }
    }

    /// The engine, read-only.
    pub fn engine(&self) -> &Ops {
        &self.engine
    }

    /// The audit log, read-only.
    pub fn log(&self) -> &AuditLog {
        &self.log
    }

    /// Signs a checkpoint now (at shutdown, or before an export).
    pub fn checkpoint(&mut self, now: Time) -> Result<String, DeskError> {
        Ok(self.log.checkpoint_now(desk_time(now).millis())?)
    }

    /// Where the desk keeps its files.
    pub fn config(&self) -> &DeskConfig {
        &self.config
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

fn replay(engine: &mut Ops, r: &AuditRecord) -> Result<(), DeskError> {
    engine.at_seq(r.seq);
    engine
        .replay(
            Time::from_millis(r.time_ms),
            &r.action,
            r.decision.as_deref(),
            &r.payload,
        )
        .map(|_| ())
        .map_err(|e| DeskError::Replay {
            seq: r.seq,
            why: e.to_string(),
        })
}
