//! Detached signatures for rule-set files.
//!
//! The signature is a small signed note whose text is
//! `watchfloor rule set\n<hex sha256 of the bytes>\n<length in bytes>\n`, so it can sit
//! beside the file (`rules.toml.sig`) and be checked with the same keys as checkpoints.

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::keys::{SigningKey, VerifierKey};
use crate::note::{open_note, sign_checked, NoteError};

const HEADER: &str = "watchfloor rule set";

/// Why a rule-set signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleSigError {
    /// There is no signature (empty text, or a note with no signature line).
    #[error("rule set is not signed")]
    Unsigned,
    /// Signed, but by no trusted key.
    #[error("rule set is signed only by keys that are not trusted: {}", names.join(", "))]
    NotTrusted {
        /// The names on the signature lines.
        names: Vec<String>,
    },
    /// The signature is valid but for other bytes: the rule set was changed.
    #[error("rule set does not match its signature: signed {signed_len} bytes with sha256 {signed}, file has {actual_len} bytes with sha256 {actual}")]
    DigestMismatch {
        /// Hex SHA-256 the signature names.
        signed: String,
        /// Length the signature names.
        signed_len: u64,
        /// Hex SHA-256 of the bytes given.
        actual: String,
        /// Length of the bytes given.
        actual_len: u64,
    },
    /// A trusted key's signature does not verify: the signature note was edited or forged.
    #[error("signature by {name} does not verify (edited or forged)")]
    BadSignature {
        /// The key whose signature failed.
        name: String,
    },
    /// The signature text is not a rule-set signature note.
    #[error("malformed rule-set signature: {0}")]
    Malformed(String),
}

fn digest_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Signs the bytes of a rule set; returns the signature note text.
pub fn sign_bytes(bytes: &[u8], key: &SigningKey) -> String {
    let text = format!("{HEADER}\n{}\n{}\n", digest_hex(bytes), bytes.len());
    sign_checked(&text, key)
}

/// Checks a rule-set signature; returns the name of the trusted key that signed it.
pub fn verify_bytes(
    bytes: &[u8],
    sig_text: &str,
    trusted: &[VerifierKey],
) -> Result<String, RuleSigError> {
    if sig_text.trim().is_empty() {
        return Err(RuleSigError::Unsigned);
    }
    let verified = open_note(sig_text, trusted).map_err(|e| match e {
        NoteError::Unsigned => RuleSigError::Unsigned,
        NoteError::UnknownKey { names } => RuleSigError::NotTrusted { names },
        NoteError::BadSignature { name } => RuleSigError::BadSignature { name },
        NoteError::TooLarge(_) | NoteError::Malformed(_) => RuleSigError::Malformed(e.to_string()),
    })?;
    let (signed, signed_len) = parse_text(&verified.text)?;
    let actual = digest_hex(bytes);
    let actual_len = bytes.len() as u64;
    if signed != actual || signed_len != actual_len {
        return Err(RuleSigError::DigestMismatch {
            signed,
            signed_len,
            actual,
            actual_len,
        });
    }
    verified
        .signers
        .into_iter()
        .next()
        .ok_or(RuleSigError::Unsigned)
}

fn parse_text(text: &str) -> Result<(String, u64), RuleSigError> {
    let bad = |why: &str| RuleSigError::Malformed(why.to_owned());
    let lines: Vec<&str> = text
        .strip_suffix('\n')
        .ok_or_else(|| bad("text does not end in a newline"))?
        .split('\n')
        .collect();
    let [header, digest, len] = lines[..] else {
        return Err(bad("text is not three lines"));
    };
    if header != HEADER {
        return Err(bad("first line is not 'watchfloor rule set'"));
    }
    if !crate::record::is_hex64(digest) {
        return Err(bad("digest is not 64 lowercase hex digits"));
    }
    let len_ok = !len.is_empty()
        && len.bytes().all(|b| b.is_ascii_digit())
        && (len == "0" || !len.starts_with('0'));
    let len: u64 = len
        .parse()
        .ok()
        .filter(|_| len_ok)
        .ok_or_else(|| bad("length is not a decimal number"))?;
    Ok((digest.to_owned(), len))
}
