//! Tamper-evident audit log for watchfloor.
//!
//! Every decision, refusal and API call of the ops engine becomes an [`AuditRecord`]: one
//! canonical JSON line whose `hash` covers its content and whose `prev_hash` is the hash
//! of the record before (a hash chain). Each line is also a leaf of an RFC 6962 Merkle
//! tree ([`merkle`]), whose root is signed as a C2SP checkpoint ([`checkpoint`], [`note`])
//! every N records or T milliseconds. Counsel and inspectors check a log directory with
//! [`verify_dir`] or a single exported file with [`verify_export`], offline; both name the
//! first record that was edited, deleted, moved or rewritten.
//!
//! Rule sets are signed with the same keys ([`sign_bytes`], [`verify_bytes`]).
//!
//! Only [`AuditLog`], [`verify_dir`], [`export()`] and [`verify_export`] do IO; everything
//! else is pure and takes time as an argument.

mod chain;
pub mod checkpoint;
mod export;
mod files;
mod keys;
mod lines;
mod log;
pub mod merkle;
pub mod note;
pub mod record;
mod ruleset;
mod verify;

pub use checkpoint::Checkpoint;
pub use export::{export, verify_export, ExportSummary};
pub use files::{CHECKPOINTS_DIR, KEYS_FILE, RECORDS_FILE};
pub use keys::{KeyError, SigningKey, VerifierKey};
pub use log::{
    AuditLog, CheckpointPolicy, LogError, OpenReport, OpenWarning, MAX_PAGE, MAX_PAGE_BYTES,
};
pub use merkle::{verify_consistency, verify_inclusion, Hash, ProofError, Tree};
pub use note::{open_note, sign_note, NoteError, VerifiedNote};
pub use record::{AuditRecord, NewRecord, RecordError};
pub use ruleset::{sign_bytes, verify_bytes, RuleSigError};
pub use verify::{verify_dir, Bad, KeySource, VerifyReport};

#[cfg(test)]
mod tests;
