//! Audit records and their canonical line.
//!
//! A record is stored as one JSON line with a fixed field order and no whitespace:
//!
//! ```text
//! {"seq":0,"time_ms":…,"actor":…,"action":…,"subjects":[…],"decision":…,"reasons":[…],
//!  "rule_set":…,"payload":…,"prev_hash":"…","hash":"…"}
//! ```
//!
//! (one line in the file; wrapped here). Object keys inside `payload` are sorted, so the
//! same input always gives the same bytes. `hash` is SHA-256 over the same line without
//! its `,"hash":"…"` member, and the Merkle leaf data is the whole line (hash included,
//! newline excluded). A line is accepted only if re-encoding the parsed record gives back
//! exactly the same bytes: any re-formatting or hand edit that keeps the JSON valid is
//! still caught.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::merkle::{self, Hash};

/// Longest accepted canonical line, in bytes (newline excluded): 1 MiB.
pub const MAX_LINE: usize = 1 << 20;

/// Deepest payload nesting accepted; serde_json refuses to read back deeper than 128.
pub const MAX_DEPTH: usize = 100;

/// `prev_hash` of record 0: 64 zeros.
pub const GENESIS_PREV_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// What a caller supplies for a new audit record; the log adds `seq` and the hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRecord {
    /// When it happened: Unix time in milliseconds, UTC.
    pub time_ms: i64,
    /// Who acted: a certificate CN, a user name, or `engine`.
    pub actor: String,
    /// What was done, e.g. `assignment.decide` or `http.post`.
    pub action: String,
    /// Ids of the things acted on (task, unit, order…).
    pub subjects: Vec<String>,
    /// The outcome, when the action is a decision (`ALLOWED`, `REFUSED`, `NEEDS_REVIEW`).
    pub decision: Option<String>,
    /// Why: rule ids, citations, failed conditions.
    pub reasons: Vec<String>,
    /// Lowercase hex SHA-256 of the rule set the decision used.
    pub rule_set: Option<String>,
    /// The canonical input of the action; `Value::Null` when there is none.
    pub payload: Value,
}

/// One sealed record of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRecord {
    /// Position in the log, from 0, without gaps.
    pub seq: u64,
    /// Unix time in milliseconds, UTC, as the caller gave it.
    pub time_ms: i64,
    /// Who acted.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// Ids of the things acted on.
    pub subjects: Vec<String>,
    /// The outcome of a decision.
    pub decision: Option<String>,
    /// Why.
    pub reasons: Vec<String>,
    /// Lowercase hex SHA-256 of the rule set used.
    pub rule_set: Option<String>,
    /// The canonical input of the action.
    pub payload: Value,
    /// Lowercase hex `hash` of the record before (64 zeros for record 0).
    pub prev_hash: String,
    /// Lowercase hex SHA-256 of this record's canonical line without the `hash` member.
    pub hash: String,
}

/// Why a record could not be sealed or a line could not be read as a record.
#[derive(Debug, Error)]
pub enum RecordError {
    /// The line (or the line a new record would make) is over [`MAX_LINE`].
    #[error("line is {len} bytes, over the {MAX_LINE}-byte limit")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The line stops in the middle of the JSON.
    #[error("line is truncated: {0}")]
    Truncated(#[source] serde_json::Error),
    /// The line is not JSON of a record (garbage, a wrong type, an unknown field).
    #[error("line is not a valid record: {0}")]
    Malformed(#[source] serde_json::Error),
    /// A hash field is not 64 lowercase hex digits.
    #[error("{field} is not 64 lowercase hex digits")]
    BadHex {
        /// Which field.
        field: &'static str,
    },
    /// Valid JSON, but not byte for byte the canonical form of what it says.
    #[error("record {seq} is not in canonical form (re-encoded or edited)")]
    NotCanonical {
        /// The seq the line claims.
        seq: u64,
    },
    /// The payload nests deeper than the parser reads back.
    #[error("payload nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// The content no longer matches the record's own hash.
    #[error("hash does not match its content (edited)")]
    HashMismatch {
        /// The seq the line claims.
        seq: u64,
    },
}

impl NewRecord {
    /// Seals the record as number `seq` after a record whose hash is `prev_hash`, and
    /// returns it with its canonical line (no newline).
    pub fn seal(self, seq: u64, prev_hash: &str) -> Result<(AuditRecord, String), RecordError> {
        check_hex("prev_hash", prev_hash)?;
        if let Some(rs) = &self.rule_set {
            check_hex("rule_set", rs)?;
        }
        if depth_over(&self.payload, MAX_DEPTH) {
            return Err(RecordError::TooDeep);
        }
        let mut rec = AuditRecord {
            seq,
            time_ms: self.time_ms,
            actor: self.actor,
            action: self.action,
            subjects: self.subjects,
            decision: self.decision,
            reasons: self.reasons,
            rule_set: self.rule_set,
            payload: self.payload,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        let mut body = rec.body();
        rec.hash = body_hash(&body);
        finish_line(&mut body, &rec.hash);
        if body.len() > MAX_LINE {
            return Err(RecordError::TooLong { len: body.len() });
        }
        Ok((rec, body))
    }
}

impl AuditRecord {
    /// Reads one line (without its newline) as a record, checking that it is canonical
    /// and that its hash matches its content. Never panics on any input.
    pub fn parse(line: &[u8]) -> Result<Self, RecordError> {
        if line.len() > MAX_LINE {
            return Err(RecordError::TooLong { len: line.len() });
        }
        let rec: AuditRecord = serde_json::from_slice(line).map_err(|e| {
            if e.is_eof() {
                RecordError::Truncated(e)
            } else {
                RecordError::Malformed(e)
            }
        })?;
        check_hex("prev_hash", &rec.prev_hash)?;
        check_hex("hash", &rec.hash)?;
        if let Some(rs) = &rec.rule_set {
            check_hex("rule_set", rs)?;
        }
        let mut body = rec.body();
        let computed = body_hash(&body);
        finish_line(&mut body, &rec.hash);
        if body.as_bytes() != line {
            return Err(RecordError::NotCanonical { seq: rec.seq });
        }
        if computed != rec.hash {
            return Err(RecordError::HashMismatch { seq: rec.seq });
        }
        Ok(rec)
    }

    /// The canonical line of this record (no newline).
    pub fn canonical_line(&self) -> String {
        let mut body = self.body();
        finish_line(&mut body, &self.hash);
        body
    }

    /// This record's Merkle leaf hash: [`merkle::leaf_hash`] of its canonical line.
    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(self.canonical_line().as_bytes())
    }

    /// Everything up to and without the `hash` member and the closing brace.
    fn body(&self) -> String {
        let mut s = String::with_capacity(256);
        s.push_str("{\"seq\":");
        s.push_str(&self.seq.to_string());
        s.push_str(",\"time_ms\":");
        s.push_str(&self.time_ms.to_string());
        s.push_str(",\"actor\":");
        push_str(&mut s, &self.actor);
        s.push_str(",\"action\":");
        push_str(&mut s, &self.action);
        s.push_str(",\"subjects\":");
        push_str_list(&mut s, &self.subjects);
        s.push_str(",\"decision\":");
        push_opt(&mut s, self.decision.as_deref());
        s.push_str(",\"reasons\":");
        push_str_list(&mut s, &self.reasons);
        s.push_str(",\"rule_set\":");
        push_opt(&mut s, self.rule_set.as_deref());
        s.push_str(",\"payload\":");
        push_value(&mut s, &self.payload);
        s.push_str(",\"prev_hash\":");
        push_str(&mut s, &self.prev_hash);
        s
    }
}

fn body_hash(body: &str) -> String {
    let mut h = Sha256::new();
    h.update(body.as_bytes());
    h.update(b"}");
    hex::encode(h.finalize())
}

fn finish_line(body: &mut String, hash: &str) {
    body.push_str(",\"hash\":");
    push_str(body, hash);
    body.push('}');
}

/// True for exactly 64 lowercase hex digits: how every hash is written here.
pub(crate) fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_hex(field: &'static str, s: &str) -> Result<(), RecordError> {
    if is_hex64(s) {
        Ok(())
    } else {
        Err(RecordError::BadHex { field })
    }
}

/// A JSON string with the minimal escapes (quote, backslash, control characters), the
/// same choice serde_json makes; written by hand because it runs for every field of every
/// record on open and verify.
fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn push_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.push_str("null"),
    }
}

fn push_str_list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(out, item);
    }
    out.push(']');
}

/// JSON with object keys sorted by their UTF-8 bytes, whatever map order serde_json has.
fn push_value(out: &mut String, v: &Value) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_str(out, k);
                out.push(':');
                push_value(out, item);
            }
            out.push('}');
        }
        Value::String(text) => push_str(out, text),
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// True when `v` nests more than `limit` arrays/objects deep; stops early, so the
/// recursion itself stays bounded.
fn depth_over(v: &Value, limit: usize) -> bool {
    let children: Box<dyn Iterator<Item = &Value>> = match v {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(map) => Box::new(map.values()),
        _ => return false,
    };
    if limit == 0 {
        return true;
    }
    children.into_iter().any(|c| depth_over(c, limit - 1))
}
