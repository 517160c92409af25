//! Rule sets: the authority records a deployment's counsel approves, as a
//! TOML file. Signing and checking signatures is the shell's job (the
//! `audit` crate's keys); this module parses, validates and names a rule
//! set by the SHA-256 of its exact bytes, which every decision records.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::authority::Authority;

/// The default rule set shipped with watchfloor: examples with their
/// citations, covering the AUTHORITIES.md §1.8 table. Not legal advice.
pub const DEFAULT_RULES: &str = include_str!("../rules/default.toml");

/// The largest rule-set file taken.
pub const MAX_RULES_BYTES: usize = 4 << 20;

/// A parsed, validated rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    /// The version its authors gave it.
    pub version: String,
    /// What it is and who owns it.
    #[serde(default)]
    pub notice: String,
    /// Its records.
    #[serde(rename = "authority", default)]
    pub authorities: Vec<Authority>,
    /// Hex SHA-256 of the file's bytes (not part of the file).
    #[serde(skip)]
    pub hash: String,
}

/// Why a rule set was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleSetError {
    /// Larger than [`MAX_RULES_BYTES`].
    #[error("rule set is {len} bytes; the limit is {max}")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not TOML of the expected shape.
    #[error("rule set does not parse: {0}")]
    Parse(String),
    /// A record is incomplete or two share an id.
    #[error("rule set record {id:?}: {why}")]
    Record {
        /// The record's id.
        id: String,
        /// What is wrong.
        why: String,
    },
}

impl RuleSet {
    /// Parses and validates `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<RuleSet, RuleSetError> {
        if bytes.len() > MAX_RULES_BYTES {
            return Err(RuleSetError::TooLarge {
                len: bytes.len(),
                max: MAX_RULES_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| RuleSetError::Parse(e.to_string()))?;
        let mut rules: RuleSet =
            toml::from_str(text).map_err(|e| RuleSetError::Parse(one_line(&e.to_string())))?;
        if rules.version.trim().is_empty() {
            return Err(RuleSetError::Parse("missing version".into()));
        }
        let mut seen = BTreeSet::new();
        for a in &rules.authorities {
            check_record(a)?;
            if !seen.insert(a.id.as_str()) {
                return Err(RuleSetError::Record {
                    id: a.id.clone(),
                    why: "duplicate id".into(),
                });
            }
        }
        rules.hash = hash_hex(bytes);
        Ok(rules)
    }

    /// The default rule set.
    pub fn default_rules() -> RuleSet {
        // The file is ours and its parse is tested; an empty set (deny
        // everything) is the safe fallback if it ever were not.
        RuleSet::parse(DEFAULT_RULES.as_bytes()).unwrap_or_else(|_| RuleSet {
            version: "empty".into(),
            notice: String::new(),
            authorities: Vec::new(),
            hash: hash_hex(b""),
        })
    }
}

/// Checks one authority record has what a decision cites.
pub(crate) fn check_record(a: &Authority) -> Result<(), RuleSetError> {
    let bad = |why: &str| {
        Err(RuleSetError::Record {
            id: a.id.clone(),
            why: why.into(),
        })
    };
    if a.id.trim().is_empty() {
        return bad("empty id");
    }
    if a.citation.trim().is_empty() {
        return bad("no citation");
    }
    if a.activities.is_empty() {
        return bad("no activities");
    }
    if a.valid.is_empty() {
        return bad("valid window ends before it starts");
    }
    Ok(())
}

/// Hex SHA-256.
pub fn hash_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Activity;
    use crate::authority::AuthorityKind;

    #[test]
    fn the_default_rules_parse_and_bar_title_10_from_every_direct_le_activity() {
        let rules = RuleSet::parse(DEFAULT_RULES.as_bytes()).expect("default rules parse");
        assert_eq!(rules.hash.len(), 64);
        let pca = rules
            .authorities
            .iter()
            .find(|a| a.kind == AuthorityKind::Prohibition)
            .expect("a prohibition");
        for a in Activity::ALL.into_iter().filter(|a| a.is_direct_le()) {
            assert!(pca.activities.contains(&a), "{a} missing from {}", pca.id);
        }
        assert!(rules.authorities.iter().all(|a| !a.citation.is_empty()));
    }

    #[test]
    fn broken_rule_files_are_refused_with_a_reason() {
        assert!(matches!(
            RuleSet::parse(b"version = "),
            Err(RuleSetError::Parse(_))
        ));
        assert!(matches!(
            RuleSet::parse(&[0xff, 0xfe]),
            Err(RuleSetError::Parse(_))
        ));
        let unknown = "version = \"x\"\n[[authority]]\nid = \"a\"\ncitation = \"c\"\nkind = \"GRANT\"\nactivities = [\"PATROL\"]\nvalid = { from = \"2025-01-01T00:00:00Z\" }\n";
        assert!(matches!(
            RuleSet::parse(unknown.as_bytes()),
            Err(RuleSetError::Parse(_))
        ));
        let dup = "version = \"x\"\n[[authority]]\nid = \"a\"\ncitation = \"c\"\nkind = \"GRANT\"\nactivities = [\"DETECT\"]\nvalid = { from = \"2025-01-01T00:00:00Z\" }\n[[authority]]\nid = \"a\"\ncitation = \"c\"\nkind = \"GRANT\"\nactivities = [\"DETECT\"]\nvalid = { from = \"2025-01-01T00:00:00Z\" }\n";
        assert!(matches!(
            RuleSet::parse(dup.as_bytes()),
            Err(RuleSetError::Record { .. })
        ));
        let big = vec![b' '; MAX_RULES_BYTES + 1];
        assert!(matches!(
            RuleSet::parse(&big),
            Err(RuleSetError::TooLarge { .. })
        ));
    }
}
