//! Reading from an open log: records, roots, proofs.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::Path;

use super::{io_err, AuditLog, LogError, MAX_PAGE, MAX_PAGE_BYTES};
use crate::keys::VerifierKey;
use crate::merkle::{leaf_hash, Hash};
use crate::record::AuditRecord;

impl AuditLog {
    /// Number of records.
    pub fn len(&self) -> u64 {
        self.tree.len()
    }

    /// True when the log has no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The Merkle root of all records.
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The Merkle root of the first `size` records.
    pub fn root_at(&self, size: u64) -> Result<Hash, LogError> {
        Ok(self.tree.root_at(size)?)
    }

    /// The Merkle leaf hash of record `seq`.
    pub fn leaf_hash(&self, seq: u64) -> Option<Hash> {
        self.tree.leaf(seq)
    }

    /// The latest signed checkpoint note, if one was written.
    pub fn latest_checkpoint(&self) -> Option<String> {
        self.latest.as_ref().map(|(_, note)| note.clone())
    }

    /// The key that verifies this log's checkpoints.
    pub fn verifier_key(&self) -> &VerifierKey {
        &self.verifier
    }

    /// The log's origin (first line of its checkpoints).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The log's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Record `seq`, read back from disk and checked against the tree built at open.
    pub fn record(&self, seq: u64) -> Result<Option<AuditRecord>, LogError> {
        Ok(self.records(seq, 1)?.pop())
    }

    /// Up to `limit` records from `from` (at most [`MAX_PAGE`] records and, past the
    /// first, [`MAX_PAGE_BYTES`] of lines); fewer at the end.
    pub fn records(&self, from: u64, limit: u64) -> Result<Vec<AuditRecord>, LogError> {
        let mut to = from.saturating_add(limit.min(MAX_PAGE)).min(self.len());
        if from >= to {
            return Ok(Vec::new());
        }
        let start = self.offset(from);
        // Records are up to 1 MiB each: bound the bytes read, not just the count.
        let limit_off = start.saturating_add(MAX_PAGE_BYTES);
        let max_to = if self.end <= limit_off {
            self.len()
        } else {
            (self.offsets.partition_point(|&o| o <= limit_off) as u64).saturating_sub(1)
        };
        to = to.min(max_to.max(from + 1));
        let stop = self.offset(to);
        let mut buf = vec![0u8; usize::try_from(stop - start).unwrap_or(0)];
        let mut f = File::open(&self.path).map_err(io_err(&self.path))?;
        f.seek(SeekFrom::Start(start))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(io_err(&self.path))?;
        let mut out = Vec::new();
        let lines = buf.split(|b| *b == b'\n').take((to - from) as usize);
        for (seq, line) in (from..to).zip(lines) {
            if self.tree.leaf(seq) != Some(leaf_hash(line)) {
                return Err(LogError::ChangedOnDisk { seq });
            }
            out.push(AuditRecord::parse(line).map_err(|_| LogError::ChangedOnDisk { seq })?);
        }
        if (out.len() as u64) < to - from {
            return Err(LogError::ChangedOnDisk {
                seq: from + out.len() as u64,
            });
        }
        Ok(out)
    }

    /// The inclusion proof of record `seq` in the tree of the first `size` records.
    pub fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Hash>, LogError> {
        Ok(self.tree.inclusion_proof(seq, size)?)
    }

    /// The consistency proof from the tree of `old` records to the tree of `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LogError> {
        Ok(self.tree.consistency_proof(old, new)?)
    }

    fn offset(&self, seq: u64) -> u64 {
        usize::try_from(seq)
            .ok()
            .and_then(|i| self.offsets.get(i))
            .copied()
            .unwrap_or(self.end)
    }
}
