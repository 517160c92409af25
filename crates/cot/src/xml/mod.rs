//! CoT XML for one event: [`parse_event`] reads the bytes of one
//! `<event>` document, [`write_event`] and [`to_xml`] write one back.
//!
//! The reader is deliberately closed to the XML features attackers use:
//! a `<!DOCTYPE` anywhere is an error, so no DTD is read and no entity is
//! ever defined; a reference to any entity other than the five predefined
//! ones is an error rather than being expanded or passed through.
//!
//! [`scrub_document`] and [`scrub_event`] remove the characters XML 1.0
//! forbids (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF)
//! from what peers send, before it reaches another client.

mod chars;
mod read;
mod write;

pub use chars::{is_xml_char, scrub_document, scrub_event, scrub_str};
pub use read::{parse_event, DEFAULT_STALE_SECS, MAX_DEPTH};
pub use write::{to_xml, write_event};

pub(crate) use read::parse_fragment;
pub(crate) use write::{format_f64, write_nodes};

/// Why one XML event could not be read.
///
/// Every variant concerns a single event: the server drops that event,
/// counts it and keeps the connection (the stream framing is the
/// deframer's business, not this parser's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The bytes are not well-formed XML (unbalanced tags, bad attribute
    /// syntax, invalid UTF-8, truncated input, ...).
    #[error("malformed xml at byte {position}: {message}")]
    Syntax {
        /// Byte offset where the reader noticed the problem.
        position: u64,
        /// The underlying reader's description.
        message: String,
    },
    /// A `<!DOCTYPE` declaration: refused outright (XXE, entity bombs).
    #[error("doctype declarations are not accepted")]
    Doctype,
    /// An entity or character reference that is not one of the five
    /// predefined entities or a valid character reference (`&xxe;`).
    #[error("bad entity or character reference: {0}")]
    Entity(String),
    /// There was no element at all.
    #[error("no <event> element")]
    Empty,
    /// The root element is not `event`.
    #[error("root element is <{0}>, not <event>")]
    NotEvent(String),
    /// A required attribute of `<event>` is absent.
    #[error("<event> has no {0} attribute")]
    MissingAttr(&'static str),
    /// A time attribute is present but not a timestamp.
    #[error("bad {attr} attribute: {source}")]
    BadTime {
        /// `time`, `start` or `stale`.
        attr: &'static str,
        /// What is wrong with it.
        source: crate::time::TimeError,
    },
    /// Elements nested deeper than [`MAX_DEPTH`].
    #[error("elements nested deeper than {MAX_DEPTH}")]
    TooDeep,
    /// Something other than comments or whitespace after `</event>`.
    #[error("content after </event>")]
    Trailing,
}

impl XmlError {
    /// Whether the input used a refused XML feature (a DTD or an unknown
    /// entity) rather than being merely malformed: worth counting apart,
    /// as it suggests an attack rather than a buggy client.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, XmlError::Doctype | XmlError::Entity(_))
    }
}

#[cfg(test)]
mod tests;
