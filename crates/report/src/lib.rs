//! Documents for people: a daily briefing or an analyst's report as data,
//! rendered to PDF and to one self-contained HTML page. No IO, no clock.
//!
//! The crate knows nothing of units or flows: a caller builds a
//! [`Document`] of [`Section`]s and [`Block`]s (paragraphs, fact lists,
//! tables, bar and line charts, notes) and renders it.
//!
//! ```
//! use report::{Block, Document, Section, Series};
//!
//! let mut doc = Document::new("Daily briefing", "2024-12-02 1400Z");
//! doc.marking = Some("SIMULATION".into());
//! doc.sections.push(
//!     Section::new("Readiness")
//!         .with(Block::Paragraph("All units reporting.".into()))
//!         .with(Block::BarChart {
//!             title: "Units by status".into(),
//!             categories: vec!["available".into(), "committed".into()],
//!             series: vec![Series::new("units", vec![12.0, 5.0])],
//!             y_label: "units".into(),
//!         }),
//! );
//! let pdf = report::render_pdf(&doc)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! let html = report::render_html(&doc);
//! assert!(html.contains("Units by status"));
//! # Ok::<(), report::ReportError>(())
//! ```
//!
//! All text is plain text: HTML output escapes it, PDF output draws it
//! glyph by glyph, so nothing a user types is ever read as markup. Fonts
//! (DejaVu Sans Condensed) are compiled in; no system font is read.

mod chart;
mod draw;
mod error;
mod html;
mod model;
mod pdf;
mod svg;
mod text;

pub use error::ReportError;
pub use model::{Align, Block, Document, Paper, Section, Series, Tone};

/// Renders the document as a PDF on its [`Paper`]: "page N of M" and the
/// marking banner on every page, charts as vector graphics, fonts embedded.
///
/// The output depends on the document alone: the same document gives the
/// same bytes (no creation date is written; `generated` is printed instead).
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, ReportError> {
    pdf::render(doc)
}

/// Renders the document as one HTML page with inline CSS and inline SVG
/// charts, in the same order and with the same content as the PDF.
///
/// It never fails: a row with too few cells is padded, values past the last
/// category are not drawn. Call [`validate`] first to refuse what
/// [`render_pdf`] would refuse.
pub fn render_html(doc: &Document) -> String {
    html::render(doc)
}

/// The two forms a document is rendered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`render_pdf`].
    Pdf,
    /// [`render_html`].
    Html,
}

impl Format {
    /// HTML for a path ending in `.html` or `.htm` (any case), else PDF.
    pub fn of_path(path: &std::path::Path) -> Format {
        let html = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if html {
            Format::Html
        } else {
            Format::Pdf
        }
    }

    /// The HTTP `Content-Type` of the rendering.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// Renders the document in `format`, refusing in both what [`validate`]
/// refuses.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Pdf => render_pdf(doc),
        Format::Html => validate(doc).map(|()| render_html(doc).into_bytes()),
    }
}

/// Checks the shape of the document: every table row has one cell per
/// column, every series one value (and one band value) per category or x
/// label. [`render_pdf`] makes this check first.
pub fn validate(doc: &Document) -> Result<(), ReportError> {
    for (si, section) in doc.sections.iter().enumerate() {
        for (bi, block) in section.blocks.iter().enumerate() {
            validate_block(si, bi, block)?;
        }
    }
    Ok(())
}

fn validate_block(section: usize, block: usize, b: &Block) -> Result<(), ReportError> {
    match b {
        Block::Table { columns, rows, .. } => {
            for (row, cells) in rows.iter().enumerate() {
                if cells.len() != columns.len() {
                    return Err(ReportError::RaggedRow {
                        section,
                        block,
                        row,
                        expected: columns.len(),
                        found: cells.len(),
                    });
                }
            }
        }
        Block::BarChart {
            categories: positions,
            series,
            ..
        }
        | Block::LineChart {
            x_labels: positions,
            series,
            ..
        } => {
            let expected = positions.len();
            for (i, s) in series.iter().enumerate() {
                if s.values.len() != expected {
                    return Err(ReportError::SeriesLength {
                        section,
                        block,
                        series: i,
                        expected,
                        found: s.values.len(),
                    });
                }
                if let (Block::LineChart { .. }, Some((low, high))) = (b, &s.band) {
                    if let Some(found) =
                        [low.len(), high.len()].into_iter().find(|n| *n != expected)
                    {
                        return Err(ReportError::BandLength {
                            section,
                            block,
                            series: i,
                            expected,
                            found,
                        });
                    }
                }
            }
        }
        Block::Paragraph(_) | Block::KeyValues(_) | Block::Note { .. } => {}
    }
    Ok(())
}
