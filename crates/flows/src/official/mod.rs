//! Official statistics: CBP's "Nationwide Encounters" CSV files (by area
//! of responsibility, or by state) and the Border Patrol's monthly
//! apprehension tables (one text table per fiscal year, FY2000–FY2016),
//! read into monthly [`Series`] per [`Key`].
//!
//! The layout is found from the header, so a caller hands over whatever a
//! person uploaded. Reading is all or nothing: a file is either read whole
//! or refused with the line at fault. Published totals that do not add up
//! are not errors (the publication is what it is) but [`Warning`]s that
//! travel with the [`Import`], so they are never silently dropped.

mod cbp;
mod error;
mod series;
mod usbp;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, Read};

use serde::{Deserialize, Serialize};

pub use error::ImportError;
pub use series::{merge, merge_series, Key, Series};

use crate::month::Month;

/// Which published layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// CBP encounters by component and area of responsibility (12 columns).
    CbpAor,
    /// CBP encounters by state (9 columns, no component).
    CbpState,
    /// A Border Patrol table of apprehensions by sector and month, one
    /// fiscal year.
    UsbpMonthly,
}

/// One file, read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    /// The layout found.
    pub layout: Layout,
    /// One series per key, sorted by key, with the region totals.
    pub series: Vec<Series>,
    /// Data rows read (CSV records, or table lines of a sector or total).
    pub rows: usize,
    /// The first and last month covered; `None` for a file without rows.
    pub months: Option<(Month, Month)>,
    /// Totals that did not add up, and columns that were not read.
    pub warnings: Vec<Warning>,
    /// Rows and encounters per `Title of Authority` (CBP files only).
    pub titles: BTreeMap<String, TitleCount>,
    /// Footnotes of a Border Patrol table, as written.
    pub notes: Vec<String>,
}

/// How much of a CBP file falls under one title of authority (Title 8,
/// Title 42), to see the Title 42 period in the data itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleCount {
    /// Rows with this title.
    pub rows: usize,
    /// Their encounters.
    pub encounters: u64,
    /// The first and last month with a row.
    pub months: (Month, Month),
    /// The first and last month with a non-zero row.
    pub nonzero_months: Option<(Month, Month)>,
}

impl TitleCount {
    fn add(&mut self, month: Month, count: u64) {
        self.rows += 1;
        self.encounters = self.encounters.saturating_add(count);
        self.months = (self.months.0.min(month), self.months.1.max(month));
        if count > 0 {
            self.nonzero_months = Some(match self.nonzero_months {
                Some((a, b)) => (a.min(month), b.max(month)),
                None => (month, month),
            });
        }
    }
}

/// Something in a file that was read but deserves a person's eye.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// A published total differs from the sum of what it totals.
    Mismatch {
        /// The line of the published total.
        line: usize,
        /// Which total, as the file names it (`Tucson`, `Southwest Border`).
        total: String,
        /// What it should be the sum of: `months`, `sectors` or `borders`.
        of: String,
        /// The month, or `None` for the yearly column.
        month: Option<Month>,
        /// The figure printed.
        published: u64,
        /// The sum of its parts.
        computed: u64,
    },
    /// A header column this module does not read; its values are summed
    /// over like any other breakdown.
    IgnoredColumn {
        /// The header line.
        line: usize,
        /// The column's name.
        column: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Mismatch {
                line,
                total,
                of,
                month,
                published,
                computed,
            } => {
                let when = month.map_or_else(|| "yearly".to_owned(), |m| m.to_string());
                write!(
                    f,
                    "line {line}: {total} {when} published {published}, its {of} add to {computed}"
                )
            }
            Warning::IgnoredColumn { line, column } => {
                write!(f, "line {line}: column {column:?} not read")
            }
        }
    }
}

/// Reads one official file of any known layout.
pub fn import(text: &str) -> Result<Import, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (first_line, rest) = skip_blank_start(text);
    let first = rest.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return Err(ImportError::Empty);
    }
    if usbp::looks_like(rest) {
        return usbp::import(rest, first_line);
    }
    match cbp::layout_of(first) {
        Some(layout) => cbp::import(rest, first_line, layout),
        None => Err(ImportError::UnknownLayout {
            line: first_line,
            found: error::excerpt(first),
        }),
    }
}

/// Reads one official file from `r`, refusing input longer than
/// `max_bytes` after reading at most one byte more, so an oversized upload
/// costs no more than the limit.
pub fn import_reader(r: impl BufRead, max_bytes: u64) -> Result<Import, ImportError> {
    let mut bytes = Vec::new();
    r.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::Io {
            message: e.to_string(),
        })?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > max_bytes) {
        return Err(ImportError::TooLarge { max_bytes });
    }
    match String::from_utf8(bytes) {
        Ok(text) => import(&text),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + good.iter().filter(|b| **b == b'\n').count();
            Err(ImportError::NotUtf8 { line })
        }
    }
}

/// Skips the blank lines (and form feeds, which the published files carry
/// as page breaks) before the first line of content; returns that line's
/// number and the text from its start.
fn skip_blank_start(text: &str) -> (usize, &str) {
    let mut line = 1;
    let mut rest = text;
    while let Some((head, tail)) = rest.split_once('\n') {
        if !head.trim().is_empty() {
            break;
        }
        line += 1;
        rest = tail;
    }
    (
        line,
        rest.trim_start_matches(|c: char| c != '\n' && c.is_whitespace()),
    )
}

/// A published count: digits, optionally grouped by thousands commas.
/// Negative values get their own error because what a person must fix
/// differs from a typo.
fn parse_count(line: usize, raw: &str) -> Result<u64, ImportError> {
    let value = raw.trim();
    let digits: String = value.chars().filter(|c| *c != ',').collect();
    let grouped_well = !value.contains(',') || thousands_grouped(value);
    if grouped_well && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits
            .parse()
            .map_err(|_| ImportError::CountOverflow { line });
    }
    let unsigned = value.strip_prefix('-').unwrap_or("");
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(ImportError::NegativeCount {
            line,
            value: value.to_owned(),
        });
    }
    Err(ImportError::NotACount {
        line,
        value: error::excerpt(value),
    })
}

/// `1,234,567`: one to three digits, then groups of exactly three.
fn thousands_grouped(value: &str) -> bool {
    let mut groups = value.split(',');
    let head_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    head_ok && groups.all(|g| g.len() == 3)
}

/// Adds `count` to `sum`, refusing an overflow rather than wrapping.
fn add_count(sum: &mut u64, count: u64, line: usize) -> Result<(), ImportError> {
    *sum = sum
        .checked_add(count)
        .ok_or(ImportError::CountOverflow { line })?;
    Ok(())
}
