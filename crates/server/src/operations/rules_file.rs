//! The deployment's rule set on disk: `rules.toml` signed by counsel's key
//! in `rules.toml.sig` (a signed note, `watchfloor ops rules sign`), and
//! the verifier keys the server trusts in `trusted-keys`. A file that is
//! unsigned, edited, truncated, signed by an unknown key or not a rule set
//! is refused with one line naming the file and the reason.

use std::path::{Path, PathBuf};

use audit::{verify_bytes, RuleSigError, VerifierKey};
use ops::ruleset::{RuleSet, RuleSetError, MAX_RULES_BYTES};

/// The rule set's file name in the ops folder.
pub const RULES_FILE: &str = "rules.toml";
/// The trusted verifier keys' file name in the ops folder.
pub const TRUSTED_KEYS: &str = "trusted-keys";

/// The signature file of a rule file: the same path with `.sig` added.
pub fn sig_path(rules: &Path) -> PathBuf {
    let mut s = rules.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

/// Why a rule file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RulesFileError {
    /// Unreadable.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Larger than a rule set may be.
    #[error("{} is {len} bytes; a rule set is at most {max}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// The signature does not verify.
    #[error("{}: {source}", path.display())]
    Signature {
        /// The rule file.
        path: PathBuf,
        /// Why.
        source: RuleSigError,
    },
    /// Signed, but not a valid rule set.
    #[error("{}: {source}", path.display())]
    Rules {
        /// The rule file.
        path: PathBuf,
        /// Why.
        source: RuleSetError,
    },
}

/// A rule file whose signature verified and which parses.
#[derive(Debug, Clone)]
pub struct VerifiedRules {
    /// The file's text.
    pub text: String,
    /// Its hex SHA-256.
    pub hash: String,
    /// The trusted key that signed it.
    pub signer: String,
    /// The parsed rules.
    pub rules: RuleSet,
}

/// Reads `path` and `path.sig` and checks both against `trusted`.
pub fn read_verified(
    path: &Path,
    trusted: &[VerifierKey],
) -> Result<VerifiedRules, RulesFileError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| RulesFileError::Io { path: p, source }
    };
    let len = std::fs::metadata(path).map_err(io(path))?.len();
    if len > MAX_RULES_BYTES as u64 {
        return Err(RulesFileError::TooLarge {
            path: path.into(),
            len,
            max: MAX_RULES_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io(path))?;
    let sig_file = sig_path(path);
    let sig = match std::fs::read_to_string(&sig_file) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(RulesFileError::Io {
                path: sig_file,
                source: e,
            })
        }
    };
    let signer =
        verify_bytes(&bytes, &sig, trusted).map_err(|source| RulesFileError::Signature {
            path: path.into(),
            source,
        })?;
    let rules = RuleSet::parse(&bytes).map_err(|source| RulesFileError::Rules {
        path: path.into(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(VerifiedRules {
        hash: rules.hash.clone(),
        text,
        signer,
        rules,
    })
}

/// The verifier keys in `dir/trusted-keys` (one per line; `#` comments and
/// blank lines skipped); none when the file is absent.
pub fn trusted_keys(dir: &Path) -> Result<Vec<VerifierKey>, String> {
    let path = dir.join(TRUSTED_KEYS);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.to_string()),
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .enumerate()
        .map(|(i, l)| VerifierKey::parse(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}
