//! Ed25519 keys in the text forms of Go's `golang.org/x/mod/sumdb/note` (C2SP signed-note).
//!
//! - verifier key: `name+<hex key id, 8 digits>+<base64(0x01 ‖ public key)>`
//! - signer key: `PRIVATE+KEY+name+<hex key id>+<base64(0x01 ‖ 32-byte seed)>`
//!
//! The key id is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), read
//! big-endian. Keys in these forms can be used with Go's note tools unchanged.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::Signer as _;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The C2SP signature type byte of Ed25519.
const ALG_ED25519: u8 = 0x01;

/// Why a key could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// Key names must be non-empty, without spaces or `+`, and printable.
    #[error("key name {0:?} is empty or has a space, a '+' or a control character")]
    BadName(String),
    /// The text does not have the shape of a key.
    #[error("malformed key text: {0}")]
    Malformed(&'static str),
    /// The key is for a signature type other than Ed25519.
    #[error("key type 0x{0:02x} is not Ed25519 (0x01)")]
    WrongAlgorithm(u8),
    /// The key id in the text is not the one the name and key give.
    #[error("key id in the text does not match the name and key")]
    KeyIdMismatch,
    /// The 32 bytes are not a usable Ed25519 public key.
    #[error("not a valid Ed25519 public key")]
    BadPublicKey,
}

/// Checks a key name as signed-note requires.
pub(crate) fn check_name(name: &str) -> Result<(), KeyError> {
    let bad = name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control());
    if bad {
        Err(KeyError::BadName(name.to_owned()))
    } else {
        Ok(())
    }
}

fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// Reads `<hex8>+<base64(0x01 ‖ 32 bytes)>` after a name; returns the id and the bytes.
fn parse_id_and_key(id_hex: &str, key_b64: &str) -> Result<(u32, [u8; 32]), KeyError> {
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(KeyError::Malformed("key id is not 8 hex digits"));
    }
    let id =
        u32::from_str_radix(id_hex, 16).map_err(|_| KeyError::Malformed("key id is not hex"))?;
    let raw = STANDARD
        .decode(key_b64)
        .map_err(|_| KeyError::Malformed("key is not base64"))?;
    let (alg, rest) = raw
        .split_first()
        .ok_or(KeyError::Malformed("key is empty"))?;
    if *alg != ALG_ED25519 {
        return Err(KeyError::WrongAlgorithm(*alg));
    }
    let bytes: [u8; 32] = rest
        .try_into()
        .map_err(|_| KeyError::Malformed("key is not 32 bytes"))?;
    Ok((id, bytes))
}

/// A private Ed25519 signing key with its note name. `Debug` shows only the name and id.
#[derive(Clone)]
pub struct SigningKey {
    name: String,
    id: u32,
    key: ed25519_dalek::SigningKey,
}

impl SigningKey {
    /// The key of a caller-given 32-byte seed (deterministic: tests, or a seed kept in a
    /// secret store).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, KeyError> {
        check_name(name)?;
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// A fresh key from the operating system's random generator.
    pub fn generate(name: &str) -> Result<Self, KeyError> {
        check_name(name)?;
        let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// Reads `PRIVATE+KEY+name+<hex id>+<base64(0x01 ‖ seed)>`.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let rest = text
            .trim_end_matches('\n')
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(KeyError::Malformed(
                "signer key does not start with PRIVATE+KEY+",
            ))?;
        // The base64 key may itself hold a +; the name and the id cannot.
        let parts: Vec<&str> = rest.splitn(3, '+').collect();
        let [name, id_hex, key_b64] = parts[..] else {
            return Err(KeyError::Malformed(
                "signer key does not have five '+' fields",
            ));
        };
        let (id, seed) = parse_id_and_key(id_hex, key_b64)?;
        let key = Self::from_seed(name, seed)?;
        if key.id != id {
            return Err(KeyError::KeyIdMismatch);
        }
        Ok(key)
    }

    /// The `PRIVATE+KEY+…` text. Not `Display`, so a secret is never printed by accident.
    pub fn to_text(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            STANDARD.encode(raw)
        )
    }

    /// The key name, as it appears on signature lines.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id, as a big-endian number.
    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// The matching public key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}+{:08x})", self.name, self.id)
    }
}

/// A public Ed25519 verifier key with its note name.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl VerifierKey {
    /// Reads `name+<hex id>+<base64(0x01 ‖ public key)>`.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let parts: Vec<&str> = text.trim_end_matches('\n').splitn(3, '+').collect();
        let [name, id_hex, key_b64] = parts[..] else {
            return Err(KeyError::Malformed(
                "verifier key does not have three '+' fields",
            ));
        };
        check_name(name)?;
        let (id, bytes) = parse_id_and_key(id_hex, key_b64)?;
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::BadPublicKey)?;
        if key.is_weak() {
            return Err(KeyError::BadPublicKey);
        }
        if key_id(name, &bytes) != id {
            return Err(KeyError::KeyIdMismatch);
        }
        Ok(Self {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// The `name+id+key` text (also its `Display`).
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id, as a big-endian number.
    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// Strict RFC 8032 verification: no malleable or small-order signatures.
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(sig) else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&bytes);
        self.key.verify_strict(msg, &sig).is_ok()
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{:08x}+{}", self.name, self.id, STANDARD.encode(raw))
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}
