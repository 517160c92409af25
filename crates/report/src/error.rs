//! Why a document could not be rendered.

use thiserror::Error;

/// Why a document could not be rendered to PDF.
///
/// The shape errors (`RaggedRow`, `SeriesLength`, `BandLength`) are caller
/// bugs: a number would otherwise be shown against the wrong label. The
/// HTML renderer never fails and draws such documents as best it can, so
/// call [`crate::validate`] before it when the two must agree.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportError {
    /// The marking banner does not fit on one line of the page.
    #[error("marking is too long for the page banner ({chars} characters; keep it to one line)")]
    MarkingTooLong {
        /// The length of the marking, in characters.
        chars: usize,
    },
    /// A table row has a different number of cells than the table has columns.
    #[error("section {section}, block {block}: table row {row} has {found} cells, the table has {expected} columns")]
    RaggedRow {
        /// The section, counted from 0.
        section: usize,
        /// The block within the section, counted from 0.
        block: usize,
        /// The row, counted from 0.
        row: usize,
        /// The number of columns.
        expected: usize,
        /// The number of cells in that row.
        found: usize,
    },
    /// A chart series has a different number of values than the chart has categories or x labels.
    #[error("section {section}, block {block}: series {series} has {found} values, the chart has {expected} positions")]
    SeriesLength {
        /// The section, counted from 0.
        section: usize,
        /// The block within the section, counted from 0.
        block: usize,
        /// The series, counted from 0.
        series: usize,
        /// The number of categories or x labels.
        expected: usize,
        /// The number of values.
        found: usize,
    },
    /// A series band's low or high list has a different length than the x labels.
    #[error("section {section}, block {block}: the band of series {series} has {found} values, the chart has {expected} positions")]
    BandLength {
        /// The section, counted from 0.
        section: usize,
        /// The block within the section, counted from 0.
        block: usize,
        /// The series, counted from 0.
        series: usize,
        /// The number of x labels.
        expected: usize,
        /// The length of the shorter of low and high that is wrong.
        found: usize,
    },
    /// An embedded font could not be read: a broken build, not bad input.
    #[error("embedded font {0} could not be loaded")]
    Font(&'static str),
    /// The PDF writer refused the document.
    #[error("pdf writer: {0}")]
    Pdf(String),
}
