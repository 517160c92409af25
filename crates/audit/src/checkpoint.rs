//! C2SP tlog-checkpoint bodies: `<origin>\n<size>\n<base64 root>\n`, then optional
//! non-empty extension lines, signed as a note.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::keys::{SigningKey, VerifierKey};
use crate::merkle::Hash;
use crate::note::{open_note, sign_checked, NoteError};

/// A tree head: which log, how many leaves, and the RFC 6962 root at that size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity, e.g. `watchfloor.example/audit`.
    pub origin: String,
    /// Number of leaves (records) covered.
    pub size: u64,
    /// RFC 6962 root of the first `size` leaves.
    pub root: Hash,
    /// Extension lines; watchfloor writes none and keeps any it reads.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint with no extension lines.
    pub fn new(origin: &str, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Reads a checkpoint from (already verified) note text.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let bad = |why: &str| NoteError::Malformed(format!("checkpoint: {why}"));
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("text does not end in a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(bad("empty origin"));
        }
        let size_line = lines.next().ok_or_else(|| bad("no size line"))?;
        let canonical_decimal = !size_line.is_empty()
            && size_line.bytes().all(|b| b.is_ascii_digit())
            && (size_line == "0" || !size_line.starts_with('0'));
        if !canonical_decimal {
            return Err(bad("size is not a decimal without leading zeros"));
        }
        let size: u64 = size_line.parse().map_err(|_| bad("size is too large"))?;
        let root_line = lines.next().ok_or_else(|| bad("no root line"))?;
        let root: Hash = STANDARD
            .decode(root_line)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("root is not base64 of 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(bad("empty extension line"));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Signs the checkpoint; the result is a complete signed note.
    pub fn sign(&self, key: &SigningKey) -> Result<String, NoteError> {
        crate::note::sign_note(&self.to_text(), key)
    }

    /// Opens a signed checkpoint note with the trusted keys; returns the checkpoint and
    /// the names of the keys that signed it.
    pub fn open(note: &str, trusted: &[VerifierKey]) -> Result<(Self, Vec<String>), NoteError> {
        let verified = open_note(note, trusted)?;
        Ok((Self::parse(&verified.text)?, verified.signers))
    }
}

/// Signs a checkpoint whose origin was checked when the log was opened.
pub(crate) fn sign_trusted(cp: &Checkpoint, key: &SigningKey) -> String {
    sign_checked(&cp.to_text(), key)
}
