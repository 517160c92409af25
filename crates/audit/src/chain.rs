//! The checks shared by `AuditLog::open`, `verify_dir` and `verify_export`: the hash chain
//! over record lines, and the signed checkpoints against the Merkle tree it builds.

use std::io::BufRead;

use serde::Deserialize;

use crate::checkpoint::Checkpoint;
use crate::keys::VerifierKey;
use crate::lines::{LineReader, Next};
use crate::merkle::{leaf_hash, verify_consistency, Tree};
use crate::note::{split_note, NoteError};
use crate::record::{AuditRecord, RecordError, GENESIS_PREV_HASH, MAX_LINE};
use crate::verify::Bad;

/// A chain being rebuilt line by line.
pub(crate) struct Chain {
    pub(crate) tree: Tree,
    /// Byte offset of each record's line in its file.
    pub(crate) offsets: Vec<u64>,
    /// `hash` of the last good record (64 zeros before the first).
    pub(crate) last_hash: String,
    /// Line number of record 0, minus one: where the record section starts in its file.
    line_base: usize,
}

/// An unterminated last line: a write cut short by a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Torn {
    /// Its line number.
    pub(crate) line: usize,
    /// Byte offset where it starts (the length to truncate the file to).
    pub(crate) start: u64,
    /// Its length in bytes.
    pub(crate) len: u64,
}

/// How reading a record section ended.
pub(crate) enum Stop {
    /// All complete lines were good.
    Clean {
        /// An unterminated last line, if there was one.
        torn: Option<Torn>,
    },
    /// A line is bad.
    Bad(Bad),
}

#[derive(Deserialize)]
struct SeqOnly {
    seq: u64,
}

impl Chain {
    /// An empty chain whose record 0 is expected on line `line_base + 1`.
    pub(crate) fn new(line_base: usize) -> Self {
        Self {
            tree: Tree::new(),
            offsets: Vec::new(),
            last_hash: GENESIS_PREV_HASH.to_owned(),
            line_base,
        }
    }

    /// The line where record `seq` belongs.
    pub(crate) fn line_of(&self, seq: u64) -> usize {
        usize::try_from(seq)
            .unwrap_or(usize::MAX)
            .saturating_add(self.line_base)
            .saturating_add(1)
    }

    pub(crate) fn len(&self) -> u64 {
        self.tree.len()
    }

    /// Reads up to `max` records (or to the end) from `lines`, checking each.
    pub(crate) fn read<R: BufRead>(
        &mut self,
        lines: &mut LineReader<R>,
        max: Option<u64>,
        io_label: &str,
    ) -> Stop {
        while max.is_none_or(|m| self.len() < m) {
            let step = match lines.next_line() {
                Ok(step) => step,
                Err(e) => return Stop::Bad(Bad::file(format!("cannot read {io_label}: {e}"))),
            };
            let pushed = match step {
                Next::End => break,
                Next::Torn { no, start, len } => {
                    return Stop::Clean {
                        torn: Some(Torn {
                            line: no,
                            start,
                            len,
                        }),
                    }
                }
                Next::TooLong { no } => {
                    return Stop::Bad(Bad::line(
                        no,
                        format!("line is over the {MAX_LINE}-byte limit"),
                    ))
                }
                Next::Line { bytes, no, start } => self.push(bytes, no, start).map_err(|p| (p, no)),
            };
            if let Err((p, no)) = pushed {
                return Stop::Bad(match p {
                    Push::Bad(b) => b,
                    Push::Gap { expected, found } => resolve_gap(lines, no, expected, found),
                });
            }
        }
        Stop::Clean { torn: None }
    }

    fn push(&mut self, line: &[u8], line_no: usize, offset: u64) -> Result<(), Push> {
        let next = self.len();
        let rec = AuditRecord::parse(line).map_err(|e| {
            Push::Bad(match e {
                RecordError::HashMismatch { seq } | RecordError::NotCanonical { seq } => {
                    Bad::record(seq, line_no, e.to_string())
                }
                other => Bad::line(line_no, other.to_string()),
            })
        })?;
        if rec.seq > next {
            return Err(Push::Gap {
                expected: next,
                found: rec.seq,
            });
        }
        if rec.seq < next {
            return Err(Push::Bad(Bad::record(
                rec.seq,
                line_no,
                format!(
                    "appears again after record {} (duplicated or moved back)",
                    next - 1
                ),
            )));
        }
        if rec.prev_hash != self.last_hash {
            return Err(Push::Bad(if next == 0 {
                Bad::record(0, line_no, "prev_hash of record 0 is not 64 zeros".into())
            } else {
                Bad::record(
                    next - 1,
                    line_no - 1,
                    format!(
                        "edited and its hash recomputed: record {next}'s prev_hash no longer matches it"
                    ),
                )
            }));
        }
        self.tree.push(leaf_hash(line));
        self.offsets.push(offset);
        self.last_hash = rec.hash;
        Ok(())
    }
}

enum Push {
    Bad(Bad),
    Gap { expected: u64, found: u64 },
}

/// A seq jumped from `expected` to `found`: the missing record is either later in the file
/// (reordered) or nowhere (deleted). Reads the rest of the section to tell which.
fn resolve_gap<R: BufRead>(
    lines: &mut LineReader<R>,
    gap_line: usize,
    expected: u64,
    found: u64,
) -> Bad {
    while let Ok(Next::Line { bytes, no, .. }) = lines.next_line() {
        if serde_json::from_slice::<SeqOnly>(bytes).is_ok_and(|s| s.seq == expected) {
            return Bad::record(
                expected,
                gap_line,
                format!(
                    "out of order (reordered): record {found} is where record {expected} belongs; record {expected} is at line {no}"
                ),
            );
        }
    }
    let what = if found - expected == 1 {
        format!("missing (deleted): record {expected} is not in the file")
    } else {
        format!(
            "missing (deleted): records {expected} to {} are not in the file",
            found - 1
        )
    };
    Bad::record(
        expected,
        gap_line,
        format!("{what}; the seq jumps to {found}"),
    )
}

/// What a checkpoint said and whether its signature was trusted.
pub(crate) struct SeenCheckpoint {
    pub(crate) checkpoint: Checkpoint,
    pub(crate) signers: Vec<String>,
    pub(crate) note: String,
}

/// How strictly checkpoint signatures are checked.
pub(crate) enum Trust<'a> {
    /// Every checkpoint must verify with one of these keys.
    Require(&'a [VerifierKey]),
    /// Verify with these keys when they signed it; a checkpoint signed only by other keys is
    /// still compared with the tree (its root is returned as `unverified`).
    Prefer(&'a [VerifierKey]),
}

/// Checks one checkpoint note against the chain: signature, then size and root.
/// `label` names it in messages; `good_below` is the largest size already known good.
pub(crate) fn check_checkpoint(
    chain: &Chain,
    note: &str,
    label: &str,
    trust: &Trust<'_>,
    good_below: u64,
) -> Result<SeenCheckpoint, Bad> {
    let bad = |reason: String| Bad::file(format!("{label}: {reason}"));
    let (cp, signers) = match trust {
        Trust::Require(keys) => {
            Checkpoint::open(note, keys).map_err(|e| bad(format!("refused: {e}")))?
        }
        Trust::Prefer(keys) => match Checkpoint::open(note, keys) {
            Ok(ok) => ok,
            Err(NoteError::UnknownKey { .. }) => {
                let (text, _) = split_note(note).map_err(|e| bad(e.to_string()))?;
                (
                    Checkpoint::parse(text).map_err(|e| bad(e.to_string()))?,
                    Vec::new(),
                )
            }
            Err(e) => return Err(bad(format!("refused: {e}"))),
        },
    };
    let by = if signers.is_empty() {
        "an untrusted key".to_owned()
    } else {
        signers.join(", ")
    };
    let records = chain.len();
    if cp.size > records {
        return Err(Bad::record(
            records,
            chain.line_of(records),
            format!(
                "missing (truncated): the log ends after {records} records but {label} signed by {by} covers {}",
                cp.size
            ),
        ));
    }
    let ours = chain
        .tree
        .root_at(cp.size)
        .map_err(|e| bad(e.to_string()))?;
    if ours != cp.root {
        return Err(Bad::record(
            good_below,
            chain.line_of(good_below),
            format!(
                "records {good_below} to {} were rewritten: their Merkle root does not match {label} (size {}) signed by {by}",
                cp.size.saturating_sub(1),
                cp.size
            ),
        ));
    }
    Ok(SeenCheckpoint {
        checkpoint: cp,
        signers,
        note: note.to_owned(),
    })
}

/// Checks that successive checkpoints (in size order) prove consistent with each other,
/// using proofs built from the chain's tree.
pub(crate) fn check_consistency(chain: &Chain, seen: &[SeenCheckpoint]) -> Result<(), Bad> {
    for pair in seen.windows(2) {
        let (a, b) = (&pair[0].checkpoint, &pair[1].checkpoint);
        let proof = chain
            .tree
            .consistency_proof(a.size, b.size)
            .map_err(|e| Bad::file(e.to_string()))?;
        verify_consistency(a.size, b.size, &a.root, &b.root, &proof).map_err(|e| {
            Bad::file(format!(
                "checkpoints {} and {} are not consistent: {e}",
                a.size, b.size
            ))
        })?;
        if a.origin != b.origin {
            return Err(Bad::file(format!(
                "checkpoints {} and {} name different origins ({:?}, {:?})",
                a.size, b.size, a.origin, b.origin
            )));
        }
    }
    Ok(())
}
