//! C2SP signed notes (c2sp.org/signed-note).
//!
//! A note is a text ending in a newline, a blank line, then signature lines
//! `— <key name> <base64(key id(4) ‖ Ed25519 signature(64))>` (U+2014 EM DASH, space).
//! The signature covers the text bytes, final newline included. As the spec requires,
//! signatures from keys we do not know are ignored, a known key whose signature fails
//! rejects the whole note, and a note with no verified signature is refused.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use thiserror::Error;

use crate::keys::{check_name, SigningKey, VerifierKey};

/// Largest note accepted, in bytes; checkpoints and rule-set signatures are a few hundred.
pub const MAX_NOTE: usize = 64 * 1024;

/// Most signature lines read from one note (the spec asks for at least 16).
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";

/// Why a note was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    /// The note is over [`MAX_NOTE`] bytes.
    #[error("note is {0} bytes, over the {MAX_NOTE}-byte limit")]
    TooLarge(usize),
    /// The note does not have the signed-note shape.
    #[error("malformed note: {0}")]
    Malformed(String),
    /// There is no signature at all.
    #[error("note is not signed")]
    Unsigned,
    /// Signed, but by no key in the trusted list.
    #[error("note is signed only by keys that are not trusted: {}", names.join(", "))]
    UnknownKey {
        /// The names on the signature lines.
        names: Vec<String>,
    },
    /// A trusted key's signature does not verify: the text or signature was changed.
    #[error("signature by {name} does not verify (note edited or forged)")]
    BadSignature {
        /// The trusted key whose signature failed.
        name: String,
    },
}

/// A note whose text a trusted key signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNote {
    /// The signed text, final newline included.
    pub text: String,
    /// Names of the trusted keys whose signatures verified, in note order.
    pub signers: Vec<String>,
}

/// One parsed signature line.
#[derive(Debug, Clone)]
pub(crate) struct SigLine {
    pub(crate) name: String,
    pub(crate) id: u32,
    pub(crate) sig: Vec<u8>,
}

fn malformed(why: &str) -> NoteError {
    NoteError::Malformed(why.to_owned())
}

/// Checks that `text` can be the text of a note: ends in a newline, no control
/// characters but newlines, size within bounds.
fn check_text(text: &str) -> Result<(), NoteError> {
    if text.len() > MAX_NOTE {
        return Err(NoteError::TooLarge(text.len()));
    }
    if !text.ends_with('\n') {
        return Err(malformed("text does not end in a newline"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(malformed("text has a control character"));
    }
    Ok(())
}

/// Signs `text` (which must end in a newline and hold no control characters but
/// newlines) and returns the whole note.
pub fn sign_note(text: &str, key: &SigningKey) -> Result<String, NoteError> {
    check_text(text)?;
    Ok(sign_checked(text, key))
}

/// Signs text already known to be valid note text.
pub(crate) fn sign_checked(text: &str, key: &SigningKey) -> String {
    let mut raw = key.key_id().to_be_bytes().to_vec();
    raw.extend_from_slice(&key.sign(text.as_bytes()));
    format!(
        "{text}\n{SIG_PREFIX}{} {}\n",
        key.name(),
        STANDARD.encode(raw)
    )
}

/// Splits a note into its text and its signature lines without checking any signature.
pub(crate) fn split_note(note: &str) -> Result<(&str, Vec<SigLine>), NoteError> {
    if note.len() > MAX_NOTE {
        return Err(NoteError::TooLarge(note.len()));
    }
    if note.is_empty() {
        return Err(NoteError::Unsigned);
    }
    if !note.ends_with('\n') {
        return Err(malformed("note does not end in a newline (truncated?)"));
    }
    if note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(malformed("note has a control character"));
    }
    // The text may hold blank lines itself; the signatures start after the last one.
    let Some(split) = note.rfind("\n\n") else {
        return Err(NoteError::Unsigned);
    };
    let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
    let mut lines = Vec::new();
    for line in sigs.lines() {
        if lines.len() == MAX_SIGNATURES {
            return Err(malformed("too many signature lines"));
        }
        lines.push(parse_sig_line(line)?);
    }
    if lines.is_empty() {
        return Err(NoteError::Unsigned);
    }
    Ok((text, lines))
}

fn parse_sig_line(line: &str) -> Result<SigLine, NoteError> {
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or_else(|| malformed("signature line does not start with an em dash and a space"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or_else(|| malformed("signature line has no space between name and signature"))?;
    check_name(name).map_err(|_| malformed("signature line has a bad key name"))?;
    let raw = STANDARD
        .decode(b64)
        .map_err(|_| malformed("signature is not base64"))?;
    if raw.len() < 5 {
        return Err(malformed("signature is shorter than a key id and one byte"));
    }
    Ok(SigLine {
        name: name.to_owned(),
        id: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
        sig: raw[4..].to_vec(),
    })
}

/// Opens a signed note: returns its text if at least one key in `trusted` signed it.
pub fn open_note(note: &str, trusted: &[VerifierKey]) -> Result<VerifiedNote, NoteError> {
    let (text, sigs) = split_note(note)?;
    let mut signers = Vec::new();
    let mut unknown = Vec::new();
    for s in &sigs {
        let key = trusted
            .iter()
            .find(|k| k.name() == s.name && k.key_id() == s.id);
        match key {
            Some(k) if k.verify(text.as_bytes(), &s.sig) => signers.push(s.name.clone()),
            Some(_) => {
                return Err(NoteError::BadSignature {
                    name: s.name.clone(),
                })
            }
            None => unknown.push(s.name.clone()),
        }
    }
    if signers.is_empty() {
        return Err(NoteError::UnknownKey { names: unknown });
    }
    Ok(VerifiedNote {
        text: text.to_owned(),
        signers,
    })
}
