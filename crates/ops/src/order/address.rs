//! Paragraph addresses of the five-paragraph order: `3`, `3.b`, `3.b.(2)`,
//! `3.b.(2).(a)`. Kept as numbers so they sort in document order (`3.b`
//! before `3.j`, `(2)` before `(10)`) and written back in one canonical
//! text, so two spellings never name two paragraphs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The five paragraphs of an order (AUTHORITIES.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // the paragraphs, 1 to 5
pub enum MainParagraph {
    Situation,
    Mission,
    Execution,
    Sustainment,
    CommandAndSignal,
}

impl MainParagraph {
    /// All five, in order.
    pub const ALL: [MainParagraph; 5] = [
        MainParagraph::Situation,
        MainParagraph::Mission,
        MainParagraph::Execution,
        MainParagraph::Sustainment,
        MainParagraph::CommandAndSignal,
    ];

    /// Its number, 1 to 5.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The heading as an order prints it.
    pub fn title(self) -> &'static str {
        match self {
            MainParagraph::Situation => "SITUATION",
            MainParagraph::Mission => "MISSION",
            MainParagraph::Execution => "EXECUTION",
            MainParagraph::Sustainment => "SUSTAINMENT",
            MainParagraph::CommandAndSignal => "COMMAND AND SIGNAL",
        }
    }
}

/// Why a paragraph address did not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a paragraph address (like 3.b.(2)) {text:?}: {reason}")]
pub struct AddressError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// The deepest level written: paragraph, sub-paragraph (a letter), then
/// a number and a letter in parentheses. Deeper levels are underlined in
/// print, which plain text cannot show.
const MAX_DEPTH: usize = 4;
/// The highest number a `(n)` level takes: two digits.
const MAX_NUMBER: u8 = 99;

/// A paragraph address: the main paragraph (1 to 5), then optionally a
/// letter, a `(number)` and a `(letter)`, each one based.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParagraphAddr(Vec<u8>);

impl ParagraphAddr {
    /// Reads `3`, `3.b`, `3.b.(2)` or `3.b.(2).(a)`: lower-case letters,
    /// no leading zeros, nothing around it.
    pub fn parse(text: &str) -> Result<ParagraphAddr, AddressError> {
        let err = |reason| AddressError {
            text: text.to_string(),
            reason,
        };
        let parts: Vec<&str> = text.split('.').collect();
        if parts.len() > MAX_DEPTH {
            return Err(err("more than four levels"));
        }
        let mut levels = Vec::with_capacity(parts.len());
        for (depth, part) in parts.iter().enumerate() {
            let level = match depth {
                0 => number(part)
                    .filter(|n| (1..=5).contains(n))
                    .ok_or_else(|| err("the first level is a paragraph 1 to 5"))?,
                1 => letter(part).ok_or_else(|| err("the second level is a letter a to z"))?,
                2 => parenthesised(part)
                    .and_then(number)
                    .filter(|n| *n <= MAX_NUMBER)
                    .ok_or_else(|| err("the third level is a number (1) to (99)"))?,
                _ => parenthesised(part)
                    .and_then(letter)
                    .ok_or_else(|| err("the fourth level is a letter (a) to (z)"))?,
            };
            levels.push(level);
        }
        Ok(ParagraphAddr(levels))
    }

    /// The main paragraph it belongs to.
    pub fn main(&self) -> MainParagraph {
        // Parsing admits only 1 to 5 at the first level.
        let i = self
            .0
            .first()
            .map_or(0, |n| usize::from(n.saturating_sub(1)));
        MainParagraph::ALL[i.min(4)]
    }

    /// How many levels deep it is (1 for a main paragraph).
    pub fn depth(&self) -> usize {
        self.0.len()
    }

    /// Whether `other` is this paragraph or one of its sub-paragraphs.
    pub fn covers(&self, other: &ParagraphAddr) -> bool {
        other.0.starts_with(&self.0)
    }
}

/// A number without sign or leading zero.
fn number(s: &str) -> Option<u8> {
    let ok = !s.is_empty() && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

/// One lower-case letter, as 1 to 26.
fn letter(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [b @ b'a'..=b'z'] => Some(b - b'a' + 1),
        _ => None,
    }
}

fn parenthesised(s: &str) -> Option<&str> {
    s.strip_prefix('(')?.strip_suffix(')')
}

impl fmt::Display for ParagraphAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = |n: u8| char::from(b'a' + n - 1);
        for (depth, n) in self.0.iter().enumerate() {
            match depth {
                0 => write!(f, "{n}")?,
                1 => write!(f, ".{}", letter(*n))?,
                2 => write!(f, ".({n})")?,
                _ => write!(f, ".({})", letter(*n))?,
            }
        }
        Ok(())
    }
}

impl FromStr for ParagraphAddr {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ParagraphAddr::parse(s)
    }
}

impl Serialize for ParagraphAddr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ParagraphAddr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ParagraphAddr::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_read_back_the_same_and_sort_in_document_order() {
        let texts = [
            "1",
            "3",
            "3.a",
            "3.b",
            "3.b.(2)",
            "3.b.(10)",
            "3.b.(10).(c)",
            "3.j",
            "5",
        ];
        let addrs: Vec<ParagraphAddr> = texts
            .iter()
            .map(|t| ParagraphAddr::parse(t).expect("address"))
            .collect();
        let shown: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        assert_eq!(shown, texts);
        let mut sorted = addrs.clone();
        sorted.sort();
        assert_eq!(sorted, addrs);
        assert_eq!(addrs[4].main(), MainParagraph::Execution);
        assert_eq!(addrs[4].main().title(), "EXECUTION");
        assert!(addrs[3].covers(&addrs[4]) && !addrs[4].covers(&addrs[3]));
        assert!(!addrs[3].covers(&addrs[7]));
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "0",
            "6",
            "03",
            "3.",
            "3.B",
            "3.bb",
            "3.2",
            "3.b.2",
            "3.b.(0)",
            "3.b.(02)",
            "3.b.(100)",
            "3.b.(2).(A)",
            "3.b.(2).(a).(1)",
            " 3.b",
            "3..b",
            "3.b.(2",
            "para 3",
        ] {
            assert!(ParagraphAddr::parse(bad).is_err(), "{bad:?}");
        }
    }
}
