//! What can go wrong reading an official file: every variant names the line
//! (1-based, counted in the text as given) so an analyst can open the file
//! there and see it.

use thiserror::Error;

use super::series::Key;
use crate::month::Month;

/// Why a file was refused. An import is all or nothing: with any of these
/// no series are returned at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    /// Nothing but whitespace (or a byte-order mark) was given.
    #[error("the file is empty")]
    Empty,
    /// The input is longer than the caller allows.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge {
        /// The limit that was passed in.
        max_bytes: u64,
    },
    /// The bytes are not UTF-8 text.
    #[error("line {line}: the file is not UTF-8 text")]
    NotUtf8 {
        /// The line holding the first bad byte.
        line: usize,
    },
    /// Reading the input failed.
    #[error("reading the file failed: {message}")]
    Io {
        /// The reader's own words.
        message: String,
    },
    /// The first line is neither a CBP CSV header nor a Border Patrol table.
    #[error("line {line}: not a known layout (starts {found:?})")]
    UnknownLayout {
        /// The first line that is not blank.
        line: usize,
        /// Its start, cut short.
        found: String,
    },
    /// The header lacks a column that the layout needs.
    #[error("line {line}: missing column {column:?}")]
    MissingColumn {
        /// The header line.
        line: usize,
        /// The column's name as CBP writes it.
        column: &'static str,
    },
    /// The header names one column twice, so which one counts is unclear.
    #[error("line {line}: column {column:?} appears twice")]
    DuplicateColumn {
        /// The header line.
        line: usize,
        /// The repeated name.
        column: String,
    },
    /// A row has more or fewer fields than it should.
    #[error("line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// The row's line.
        line: usize,
        /// Fields the layout has.
        expected: usize,
        /// Fields the row has.
        found: usize,
    },
    /// A count is not a whole number.
    #[error("line {line}: {value:?} is not a count")]
    NotACount {
        /// The row's line.
        line: usize,
        /// The text found.
        value: String,
    },
    /// A count is below zero.
    #[error("line {line}: negative count {value:?}")]
    NegativeCount {
        /// The row's line.
        line: usize,
        /// The text found.
        value: String,
    },
    /// Counts add up past what a `u64` holds: the file cannot be real.
    #[error("line {line}: counts add up beyond {max}", max = u64::MAX)]
    CountOverflow {
        /// The row whose count overflowed the sum.
        line: usize,
    },
    /// A fiscal year that is not a year.
    #[error("line {line}: {value:?} is not a fiscal year")]
    BadFiscalYear {
        /// The row's line.
        line: usize,
        /// The text found.
        value: String,
    },
    /// A month name that is not one, or a table's months out of order.
    #[error("line {line}: {value:?} is not the expected month")]
    UnknownMonth {
        /// The row's line.
        line: usize,
        /// The text found.
        value: String,
    },
    /// A Border Patrol table names a sector this module does not know.
    #[error("line {line}: unknown sector {name:?}")]
    UnknownSector {
        /// The sector's line.
        line: usize,
        /// The name as written.
        name: String,
    },
    /// A table names the same sector (or total) twice.
    #[error("line {line}: {name:?} appears a second time")]
    DuplicateSector {
        /// The second line.
        line: usize,
        /// The name as written.
        name: String,
    },
    /// A value in a column with a closed vocabulary (component, region) is
    /// not one of its values, or a key field is blank.
    #[error("line {line}: {value:?} is not a known {column}")]
    UnknownValue {
        /// The row's line.
        line: usize,
        /// The column's name.
        column: &'static str,
        /// The text found.
        value: String,
    },
    /// A line of a Border Patrol table fits nowhere in its layout.
    #[error("line {line}: unexpected line {found:?}")]
    UnexpectedLine {
        /// The line.
        line: usize,
        /// Its start, cut short.
        found: String,
    },
    /// A Border Patrol table ends without a line it must have, which is
    /// what a cut-off file looks like.
    #[error("line {line}: the table ends without {missing:?}")]
    Incomplete {
        /// The last line.
        line: usize,
        /// What was not found.
        missing: &'static str,
    },
    /// Two imports give different counts for the same series and month.
    #[error("{key} {month}: one file says {first}, another {second}")]
    Conflict {
        /// The series.
        key: Key,
        /// The month.
        month: Month,
        /// The count seen first.
        first: u64,
        /// The count seen later.
        second: u64,
    },
}

impl ImportError {
    /// The line the error is about, where it is about one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ImportError::NotUtf8 { line }
            | ImportError::UnknownLayout { line, .. }
            | ImportError::MissingColumn { line, .. }
            | ImportError::DuplicateColumn { line, .. }
            | ImportError::FieldCount { line, .. }
            | ImportError::NotACount { line, .. }
            | ImportError::NegativeCount { line, .. }
            | ImportError::CountOverflow { line }
            | ImportError::BadFiscalYear { line, .. }
            | ImportError::UnknownMonth { line, .. }
            | ImportError::UnknownSector { line, .. }
            | ImportError::DuplicateSector { line, .. }
            | ImportError::UnknownValue { line, .. }
            | ImportError::UnexpectedLine { line, .. }
            | ImportError::Incomplete { line, .. } => Some(*line),
            ImportError::Empty
            | ImportError::TooLarge { .. }
            | ImportError::Io { .. }
            | ImportError::Conflict { .. } => None,
        }
    }
}

/// The start of `text`, short enough for a one-line message, cut on a
/// character boundary so that it never panics.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    text.chars().take(MAX).collect()
}
