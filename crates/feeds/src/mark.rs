//! Operator marks: an affiliation and remarks that stay with a track.

use serde::{Deserialize, Serialize};

/// Longest remarks a mark may carry, bytes.
pub const MAX_REMARKS: usize = 1024;

/// The standard identity an operator gives a track; it is the second letter of
/// the CoT type (`a-h-G` is a hostile ground track).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Affiliation {
    /// Not yet assessed (`u`), what every track starts as.
    #[default]
    Unknown,
    /// Friend (`f`).
    Friend,
    /// Neutral (`n`).
    Neutral,
    /// Hostile (`h`).
    Hostile,
    /// Suspect (`s`).
    Suspect,
    /// Pending assessment (`p`).
    Pending,
}

impl Affiliation {
    /// The CoT type letter.
    pub fn letter(self) -> char {
        match self {
            Affiliation::Unknown => 'u',
            Affiliation::Friend => 'f',
            Affiliation::Neutral => 'n',
            Affiliation::Hostile => 'h',
            Affiliation::Suspect => 's',
            Affiliation::Pending => 'p',
        }
    }
}

/// An operator's mark on one track.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mark {
    /// The affiliation.
    pub affiliation: Affiliation,
    /// Free text published as `<remarks>`.
    pub remarks: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_distinct_and_serde_names_lowercase() {
        let all = [
            Affiliation::Unknown,
            Affiliation::Friend,
            Affiliation::Neutral,
            Affiliation::Hostile,
            Affiliation::Suspect,
            Affiliation::Pending,
        ];
        let letters: String = all.iter().map(|a| a.letter()).collect();
        assert_eq!(letters, "ufnhsp");
        let parsed: Affiliation = serde_json::from_str("\"hostile\"").unwrap();
        assert_eq!(parsed, Affiliation::Hostile);
    }
}
