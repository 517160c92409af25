//! Track classification: a watch officer's judgement of what a fused
//! track is (its standard identity) and why, kept per track uid with who
//! made it, when, and the audit record that holds it. The engine checks
//! and records it; the shell hands it to the tracker, which publishes the
//! affiliation as the second letter of the track's CoT type.

use cot::Time;
use serde::{Deserialize, Serialize};

/// Longest track uid a classification may name, bytes.
pub const MAX_UID: usize = 200;
/// Longest remarks, bytes: what the tracker publishes (`feeds::MAX_REMARKS`).
pub const MAX_REMARKS: usize = 1024;

/// The standard identity given to a track (the CoT type's second letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Affiliation {
    /// Friend (`f`).
    Friend,
    /// Neutral (`n`).
    Neutral,
    /// Hostile (`h`).
    Hostile,
    /// Suspect (`s`).
    Suspect,
    /// Not yet assessed (`u`): a classification taken back.
    Unknown,
    /// Pending assessment (`p`).
    Pending,
}

impl Affiliation {
    /// Every affiliation, in the order the API lists them.
    pub const ALL: [Affiliation; 6] = [
        Affiliation::Friend,
        Affiliation::Neutral,
        Affiliation::Hostile,
        Affiliation::Suspect,
        Affiliation::Unknown,
        Affiliation::Pending,
    ];

    /// The wire name (`hostile`).
    pub fn name(self) -> &'static str {
        match self {
            Affiliation::Friend => "friend",
            Affiliation::Neutral => "neutral",
            Affiliation::Hostile => "hostile",
            Affiliation::Suspect => "suspect",
            Affiliation::Unknown => "unknown",
            Affiliation::Pending => "pending",
        }
    }
}

/// The latest classification of one track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The track's uid as published (`sim-trk-12`).
    pub uid: String,
    /// What it was judged to be.
    pub affiliation: Affiliation,
    /// Why, as published in the track's `<remarks>`.
    pub remarks: Option<String>,
    /// Who classified it (user or certificate CN).
    pub by: String,
    /// When.
    #[serde(with = "crate::when::required")]
    pub at: Time,
    /// The audit record that accepted it, when the shell told the engine
    /// where its log stands ([`crate::Ops::at_seq`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

/// Why a classification request is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    /// No uid.
    #[error("a classification names a track uid")]
    EmptyUid,
    /// A uid longer than [`MAX_UID`].
    #[error("track uid is {len} bytes; at most {MAX_UID}")]
    UidTooLong {
        /// Its length, bytes.
        len: usize,
    },
    /// A uid with a control character.
    #[error("track uid has a control character")]
    UidControl,
    /// Remarks longer than [`MAX_REMARKS`].
    #[error("remarks are {len} bytes; at most {MAX_REMARKS}")]
    RemarksTooLong {
        /// Their length, bytes.
        len: usize,
    },
    /// Remarks with a character XML 1.0 cannot carry (a control other
    /// than tab, newline and return; U+FFFE or U+FFFF).
    #[error("remarks hold {found:?}, which XML cannot carry")]
    RemarksNotXml {
        /// The first such character.
        found: char,
    },
}

/// Checks a classification's uid and remarks.
pub fn validate(uid: &str, remarks: Option<&str>) -> Result<(), ClassifyError> {
    if uid.is_empty() {
        return Err(ClassifyError::EmptyUid);
    }
    if uid.len() > MAX_UID {
        return Err(ClassifyError::UidTooLong { len: uid.len() });
    }
    if uid.chars().any(char::is_control) {
        return Err(ClassifyError::UidControl);
    }
    let Some(r) = remarks else {
        return Ok(());
    };
    if r.len() > MAX_REMARKS {
        return Err(ClassifyError::RemarksTooLong { len: r.len() });
    }
    match r.chars().find(|c| !xml_char(*c)) {
        Some(found) => Err(ClassifyError::RemarksNotXml { found }),
        None => Ok(()),
    }
}

/// XML 1.0 `Char` (a Rust `char` is never a surrogate).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_and_remarks_are_checked() {
        assert_eq!(validate("sim-trk-1", Some("no flight plan")), Ok(()));
        assert_eq!(validate("sim-trk-1", None), Ok(()));
        assert_eq!(validate("", None), Err(ClassifyError::EmptyUid));
        let long = "u".repeat(MAX_UID + 1);
        assert_eq!(
            validate(&long, None),
            Err(ClassifyError::UidTooLong { len: MAX_UID + 1 })
        );
        assert_eq!(validate(&long[1..], None), Ok(()));
        assert_eq!(validate("a\nb", None), Err(ClassifyError::UidControl));
        let big = "r".repeat(MAX_REMARKS + 1);
        assert_eq!(
            validate("t", Some(&big)),
            Err(ClassifyError::RemarksTooLong {
                len: MAX_REMARKS + 1
            })
        );
        assert_eq!(validate("t", Some(&big[1..])), Ok(()));
        assert_eq!(
            validate("t", Some("bell\u{7}")),
            Err(ClassifyError::RemarksNotXml { found: '\u{7}' })
        );
        assert_eq!(
            validate("t", Some("\u{FFFE}")),
            Err(ClassifyError::RemarksNotXml { found: '\u{FFFE}' })
        );
        // Markup is escaped when published, not refused.
        assert_eq!(validate("t", Some("<b>&\"x\"\ttab\r\n😀")), Ok(()));
    }

    #[test]
    fn names_are_the_wire_names() {
        for a in Affiliation::ALL {
            let json = serde_json::to_string(&a).expect("json");
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert_eq!(serde_json::from_str::<Affiliation>(&json).ok(), Some(a));
        }
        assert!(serde_json::from_str::<Affiliation>("\"Hostile\"").is_err());
    }
}
