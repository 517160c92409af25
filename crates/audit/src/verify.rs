//! Offline verification of a log directory: every line, the hash chain, every signed
//! checkpoint against the Merkle tree, and consistency between checkpoints.

use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::chain::{check_checkpoint, check_consistency, Chain, SeenCheckpoint, Stop, Trust};
use crate::files::{read_checkpoints, read_keys, StoredCheckpoint, RECORDS_FILE};
use crate::keys::VerifierKey;
use crate::lines::LineReader;

/// The first problem found, naming the record where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    /// The record concerned: the edited, missing or moved one, or the first of a range.
    pub seq: Option<u64>,
    /// The line in the file (from 1) where it was seen; 0 when no line applies.
    pub line: usize,
    /// What is wrong, in words for an inspector.
    pub reason: String,
}

impl Bad {
    pub(crate) fn record(seq: u64, line: usize, reason: String) -> Self {
        Self {
            seq: Some(seq),
            line,
            reason,
        }
    }

    pub(crate) fn line(line: usize, reason: String) -> Self {
        Self {
            seq: None,
            line,
            reason,
        }
    }

    pub(crate) fn file(reason: String) -> Self {
        Self {
            seq: None,
            line: 0,
            reason,
        }
    }
}

impl fmt::Display for Bad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.seq, self.line) {
            (Some(seq), 0) => write!(f, "record {seq}: {}", self.reason),
            (Some(seq), line) => write!(f, "record {seq} (line {line}): {}", self.reason),
            (None, 0) => f.write_str(&self.reason),
            (None, line) => write!(f, "line {line}: {}", self.reason),
        }
    }
}

/// Which keys the checkpoint signatures were checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The keys the caller trusts (names listed).
    Trusted(Vec<String>),
    /// The keys stored with the log or in the export itself: this shows the records match
    /// what that key signed, not who holds the key. Compare it with a key you trust.
    Embedded(Vec<String>),
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Trusted(names) => write!(f, "signatures checked against trusted keys: {}", names.join(", ")),
            Self::Embedded(keys) => write!(
                f,
                "signatures checked against the key(s) embedded in the file, not against a trusted key: {}",
                keys.join(", ")
            ),
        }
    }
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Records that passed every check before any problem.
    pub records: u64,
    /// Checkpoints whose signature and root verified.
    pub checkpoints: usize,
    /// Size of the largest verified checkpoint: records past it are chained but not yet
    /// covered by a signature.
    pub covered: u64,
    /// The first problem, if any.
    pub first_bad: Option<Bad>,
    /// Where the keys came from.
    pub key_source: KeySource,
    /// Things worth knowing that are not tampering (a torn last line, stray files).
    pub warnings: Vec<String>,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.first_bad.is_none()
    }

    pub(crate) fn new(key_source: KeySource) -> Self {
        Self {
            records: 0,
            checkpoints: 0,
            covered: 0,
            first_bad: None,
            key_source,
            warnings: Vec::new(),
        }
    }

    /// Records the outcome of the checkpoint checks, noting records no signature covers.
    pub(crate) fn settle(&mut self, checked: Result<Vec<SeenCheckpoint>, Bad>) {
        match checked {
            Ok(seen) => {
                self.checkpoints = seen.len();
                self.covered = seen.last().map_or(0, |s| s.checkpoint.size);
                if self.covered < self.records {
                    self.warnings.push(format!(
                        "records {} to {} are chained but no signed checkpoint covers them yet",
                        self.covered,
                        self.records - 1
                    ));
                }
            }
            Err(bad) => self.first_bad = Some(bad),
        }
    }

    pub(crate) fn failed(key_source: KeySource, bad: Bad) -> Self {
        Self {
            first_bad: Some(bad),
            ..Self::new(key_source)
        }
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.first_bad {
            Some(bad) => write!(f, "{bad}"),
            None => write!(
                f,
                "ok: {} records, {} checkpoints, signed up to {} ({})",
                self.records, self.checkpoints, self.covered, self.key_source
            ),
        }
    }
}

/// Picks the keys: the caller's if any, else the embedded ones (parsed).
pub(crate) fn choose_keys(
    trusted: &[VerifierKey],
    embedded: &[String],
) -> Result<(Vec<VerifierKey>, KeySource), Bad> {
    if !trusted.is_empty() {
        let names = trusted.iter().map(|k| k.name().to_owned()).collect();
        return Ok((trusted.to_vec(), KeySource::Trusted(names)));
    }
    let keys = embedded
        .iter()
        .map(|t| VerifierKey::parse(t).map_err(|e| Bad::file(format!("embedded key {t:?}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(Bad::file(
            "no trusted keys given and none embedded: checkpoints cannot be checked".into(),
        ));
    }
    Ok((keys, KeySource::Embedded(embedded.to_vec())))
}

/// Checks the checkpoints (sorted by size) against a fully read chain.
pub(crate) fn check_all(
    chain: &Chain,
    notes: &[StoredCheckpoint],
    keys: &[VerifierKey],
) -> Result<Vec<SeenCheckpoint>, Bad> {
    let mut seen: Vec<SeenCheckpoint> = Vec::new();
    for StoredCheckpoint {
        size: claimed,
        label,
        note,
    } in notes
    {
        let note = note
            .as_ref()
            .map_err(|e| Bad::file(format!("{label}: {e}")))?;
        let good_below = seen.last().map_or(0, |s| s.checkpoint.size);
        let cp = check_checkpoint(chain, note, label, &Trust::Require(keys), good_below)?;
        if cp.checkpoint.size != *claimed {
            return Err(Bad::file(format!(
                "{label}: holds the checkpoint of size {}, not {claimed}",
                cp.checkpoint.size
            )));
        }
        seen.push(cp);
    }
    check_consistency(chain, &seen)?;
    Ok(seen)
}

/// Verifies a log directory against `trusted` keys (or, when empty, the keys in its
/// `verifier.keys`, which the report then says). Never fails: problems, including IO
/// errors, are the report's `first_bad`.
pub fn verify_dir(dir: &Path, trusted: &[VerifierKey]) -> VerifyReport {
    let placeholder = KeySource::Trusted(Vec::new());
    let embedded = match read_keys(dir) {
        Ok(k) => k,
        Err(e) => {
            return VerifyReport::failed(placeholder, Bad::file(format!("cannot read keys: {e}")))
        }
    };
    let (keys, key_source) = match choose_keys(trusted, &embedded) {
        Ok(k) => k,
        Err(bad) => return VerifyReport::failed(placeholder, bad),
    };
    // Checkpoints first: records only grow, so every checkpoint read is covered by the
    // records read after it, even while the log is being written.
    let (stored, strays) = match read_checkpoints(dir) {
        Ok(c) => c,
        Err(e) => {
            return VerifyReport::failed(
                key_source,
                Bad::file(format!("cannot read checkpoints: {e}")),
            )
        }
    };
    let file = match File::open(dir.join(RECORDS_FILE)) {
        Ok(f) => f,
        Err(e) => {
            return VerifyReport::failed(
                key_source,
                Bad::file(format!("cannot open {RECORDS_FILE}: {e}")),
            )
        }
    };
    let mut report = VerifyReport::new(key_source);
    report.warnings = strays
        .into_iter()
        .map(|s| format!("{s}: not a checkpoint file name, ignored"))
        .collect();
    let mut chain = Chain::new(0);
    let mut lines = LineReader::new(BufReader::with_capacity(1 << 20, file));
    match chain.read(&mut lines, None, RECORDS_FILE) {
        Stop::Bad(bad) => {
            report.records = chain.len();
            report.first_bad = Some(bad);
            return report;
        }
        Stop::Clean { torn: Some(t) } => report.warnings.push(format!(
            "line {}: {} bytes with no newline at the end (a write cut short; opening the log trims it)",
            t.line, t.len
        )),
        Stop::Clean { torn: None } => {}
    }
    report.records = chain.len();
    report.settle(check_all(&chain, &stored, &keys));
    report
}
