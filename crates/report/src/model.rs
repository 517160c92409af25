//! The document model: what a caller builds and both renderers read.
//!
//! Every string here is plain text typed by people (unit names, remarks,
//! captions). Neither renderer interprets any of it as markup.

use serde::{Deserialize, Serialize};

/// A whole document: a daily briefing, a flow report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The title, on the first page and in every page footer.
    pub title: String,
    /// A line under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The banner printed at the top and bottom of every page, such as
    /// `SIMULATION` or `UNCLASSIFIED // EXERCISE`.
    #[serde(default)]
    pub marking: Option<String>,
    /// The as-of time as the caller wants it read ("2024-12-02 1400Z"):
    /// the crate never reads a clock, so the same document renders the same.
    pub generated: String,
    /// The paper the PDF is laid out on.
    #[serde(default)]
    pub paper: Paper,
    /// The body, in reading order.
    #[serde(default)]
    pub sections: Vec<Section>,
}

impl Document {
    /// A document with a title and an as-of time, no marking and no sections yet.
    pub fn new(title: impl Into<String>, generated: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            subtitle: None,
            marking: None,
            generated: generated.into(),
            paper: Paper::default(),
            sections: Vec::new(),
        }
    }
}

/// The paper size of the PDF.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in, for the US task force.
    Letter,
}

impl Paper {
    /// Width and height in PDF points (1/72 in).
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }

    /// The CSS `@page size` keyword, so the printed HTML matches the PDF.
    pub(crate) fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// A headed part of the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The section heading.
    pub heading: String,
    /// The content, in reading order.
    #[serde(default)]
    pub blocks: Vec<Block>,
}

impl Section {
    /// A section with a heading and no blocks yet.
    pub fn new(heading: impl Into<String>) -> Self {
        Self {
            heading: heading.into(),
            blocks: Vec::new(),
        }
    }

    /// Appends a block, for building a section in one expression.
    pub fn with(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }
}

/// One piece of content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// Running text; a `\n` starts a new line.
    Paragraph(String),
    /// A small two-column fact list: (label, value).
    KeyValues(Vec<(String, String)>),
    /// A table. Long tables break across pages with the header repeated.
    Table {
        /// A caption above the table.
        #[serde(default)]
        caption: Option<String>,
        /// The column headings; every row has this many cells.
        columns: Vec<String>,
        /// The rows, each a list of cells.
        rows: Vec<Vec<String>>,
        /// The alignment of each column; missing entries are [`Align::Left`].
        #[serde(default)]
        align: Vec<Align>,
    },
    /// A grouped bar chart: for each category, one bar per series side by
    /// side, each labelled with its value when there is room.
    BarChart {
        /// The chart title.
        title: String,
        /// The groups along the x axis.
        categories: Vec<String>,
        /// The series; each has one value per category.
        series: Vec<Series>,
        /// The y axis label, with its unit ("encounters per month").
        y_label: String,
    },
    /// A line chart over an ordered x axis (counts over time), each series
    /// with an optional shaded band such as a baseline range.
    LineChart {
        /// The chart title.
        title: String,
        /// The x axis positions in order; each series has one value per label.
        x_labels: Vec<String>,
        /// The series.
        series: Vec<Series>,
        /// The y axis label, with its unit.
        y_label: String,
    },
    /// A highlighted box, such as a late suspense.
    Note {
        /// How loud the box is.
        tone: Tone,
        /// The text of the note.
        text: String,
    },
}

impl Block {
    /// A table with a caption; `align` may be shorter than the columns.
    pub fn table(
        caption: &str,
        columns: &[&str],
        rows: Vec<Vec<String>>,
        align: &[Align],
    ) -> Block {
        Block::Table {
            caption: Some(caption.into()),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            align: align.to_vec(),
        }
    }
}

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Text columns.
    #[default]
    Left,
    /// Short codes and statuses.
    Center,
    /// Numbers, so digits line up.
    Right,
}

/// How loud a [`Block::Note`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// For information.
    Info,
    /// Needs attention soon.
    Warning,
    /// Needs attention now.
    Alert,
}

impl Tone {
    /// The word printed at the head of the box, so the tone survives
    /// printing in black and white.
    pub fn label(self) -> &'static str {
        match self {
            Tone::Info => "NOTE",
            Tone::Warning => "WARNING",
            Tone::Alert => "ALERT",
        }
    }
}

/// One named series of a chart.
///
/// Non-finite values (NaN, ±∞) are data that is missing: a bar is left out
/// and a line has a gap there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The name shown in the legend.
    pub name: String,
    /// One value per category or x label.
    pub values: Vec<f64>,
    /// For line charts: a shaded range (low, high) per x label, such as the
    /// baseline's expected range. Bar charts ignore it.
    #[serde(default)]
    pub band: Option<(Vec<f64>, Vec<f64>)>,
}

impl Series {
    /// A series without a band.
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            values,
            band: None,
        }
    }

    /// The same series with a shaded (low, high) range.
    pub fn with_band(mut self, low: Vec<f64>, high: Vec<f64>) -> Self {
        self.band = Some((low, high));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_sizes_are_portrait_points() {
        let (w, h) = Paper::A4.size_pt();
        assert!(w < h && (w - 595.28).abs() < 0.01);
        assert_eq!(Paper::Letter.size_pt(), (612.0, 792.0));
    }

    #[test]
    fn tone_labels_are_distinct() {
        let labels = [Tone::Info, Tone::Warning, Tone::Alert].map(Tone::label);
        assert_ne!(labels[0], labels[1]);
        assert_ne!(labels[1], labels[2]);
    }
}
