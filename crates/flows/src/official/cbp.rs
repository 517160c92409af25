//! CBP's "Nationwide Encounters" CSV files: by component and area of
//! responsibility (AOR), or by state. Columns are found by name (case and
//! surrounding spaces ignored), so a release that reorders them still
//! reads; rows are summed over demographic, citizenship, title and
//! encounter type into one monthly series per key, plus region and
//! component totals.

use std::collections::{BTreeMap, BTreeSet};

use super::error::excerpt;
use super::{
    add_count, parse_count, Import, ImportError, Key, Layout, Series, TitleCount, Warning,
};
use crate::month::Month;

/// The AOR file's columns, as CBP writes them.
const AOR_COLUMNS: [&str; 12] = [
    "Fiscal Year",
    "Month Grouping",
    "Month (abbv)",
    "Component",
    "Land Border Region",
    "Area of Responsibility",
    "AOR (Abbv)",
    "Demographic",
    "Citizenship",
    "Title of Authority",
    "Encounter Type",
    "Encounter Count",
];

/// The state file's columns.
const STATE_COLUMNS: [&str; 9] = [
    "Fiscal Year",
    "Month Grouping",
    "Month (abbv)",
    "Land Border Region",
    "State",
    "Demographic",
    "Citizenship",
    "Title of Authority",
    "Encounter Count",
];

/// Columns only the AOR file has: any of them makes a header an AOR one.
const AOR_ONLY: [&str; 4] = [
    "Component",
    "Area of Responsibility",
    "AOR (Abbv)",
    "Encounter Type",
];

/// The component of the state file's series, which cover all of CBP.
const STATE_COMPONENT: &str = "CBP";

/// A column name compared as CBP's files vary: case and spacing aside.
fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The header's names, split as CSV (a header with a quoted comma still
/// splits right).
fn header_names(header_line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(header_line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(normalize).collect(),
        _ => Vec::new(),
    }
}

/// The CBP layout of a header line, if it is one.
pub(crate) fn layout_of(header_line: &str) -> Option<Layout> {
    let names = header_names(header_line);
    let has = |column: &str| names.contains(&normalize(column));
    let known = AOR_COLUMNS.iter().chain(&STATE_COLUMNS).any(|c| has(c));
    if !known {
        None
    } else if AOR_ONLY.iter().any(|c| has(c)) {
        Some(Layout::CbpAor)
    } else if has("State") {
        Some(Layout::CbpState)
    } else {
        None
    }
}

/// Where the columns that are read sit in this file.
struct Columns {
    width: usize,
    fiscal_year: usize,
    month: usize,
    component: Option<usize>,
    region: usize,
    sector: usize,
    sector_name: &'static str,
    title: usize,
    count: usize,
}

/// Finds the layout's columns in the header, by name.
fn locate(
    header: &csv::StringRecord,
    line: usize,
    layout: Layout,
    warnings: &mut Vec<Warning>,
) -> Result<Columns, ImportError> {
    let names: Vec<String> = header.iter().map(normalize).collect();
    let wanted: &[&'static str] = match layout {
        Layout::CbpState => &STATE_COLUMNS,
        _ => &AOR_COLUMNS,
    };
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(ImportError::DuplicateColumn {
                line,
                column: excerpt(header.get(i).unwrap_or("").trim()),
            });
        }
        if !wanted.iter().any(|w| normalize(w) == *name) {
            warnings.push(Warning::IgnoredColumn {
                line,
                column: excerpt(header.get(i).unwrap_or("").trim()),
            });
        }
    }
    let find = |column: &'static str| {
        names
            .iter()
            .position(|n| *n == normalize(column))
            .ok_or(ImportError::MissingColumn { line, column })
    };
    for column in wanted {
        find(column)?;
    }
    let (sector_name, component) = match layout {
        Layout::CbpState => ("State", None),
        _ => ("AOR (Abbv)", Some(find("Component")?)),
    };
    Ok(Columns {
        width: names.len(),
        fiscal_year: find("Fiscal Year")?,
        month: find("Month (abbv)")?,
        component,
        region: find("Land Border Region")?,
        sector: find(sector_name)?,
        sector_name,
        title: find("Title of Authority")?,
        count: find("Encounter Count")?,
    })
}

/// One data row, read.
struct Row {
    month: Month,
    component: &'static str,
    region: &'static str,
    sector: String,
    title: String,
    count: u64,
}

/// Sums being built.
#[derive(Default)]
struct Sums {
    series: BTreeMap<Key, BTreeMap<Month, u64>>,
    months: BTreeSet<Month>,
    titles: BTreeMap<String, TitleCount>,
    rows: usize,
}

impl Sums {
    fn add(&mut self, row: Row, line: usize) -> Result<(), ImportError> {
        let keys = [
            Key::new(row.component, row.region, &row.sector),
            Key::total(row.component, row.region),
            Key::total(row.component, "Total"),
        ];
        for key in keys {
            let sum = self
                .series
                .entry(key)
                .or_default()
                .entry(row.month)
                .or_default();
            add_count(sum, row.count, line)?;
        }
        self.months.insert(row.month);
        self.titles
            .entry(row.title)
            .or_insert(TitleCount {
                rows: 0,
                encounters: 0,
                months: (row.month, row.month),
                nonzero_months: None,
            })
            .add(row.month, row.count);
        self.rows += 1;
        Ok(())
    }

    /// The series, each with a zero for every month the file covers but
    /// the key has no row in: the file is complete for its months, so a
    /// key without a row that month had no encounters.
    fn into_series(self) -> Vec<Series> {
        let months = self.months;
        self.series
            .into_iter()
            .map(|(key, mut points)| {
                for m in &months {
                    points.entry(*m).or_insert(0);
                }
                Series { key, points }
            })
            .collect()
    }
}

/// Reads a CBP file whose header is line `first_line` of the file.
pub(crate) fn import(text: &str, first_line: usize, layout: Layout) -> Result<Import, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines = Lines::new(text, first_line);
    let line_of = |record: &csv::StringRecord| lines.at(record.position());
    let mut record = csv::StringRecord::new();
    if !read(&mut reader, &mut record, &lines)? {
        return Err(ImportError::Empty);
    }
    let mut warnings = Vec::new();
    let columns = locate(&record, line_of(&record), layout, &mut warnings)?;
    let mut sums = Sums::default();
    while read(&mut reader, &mut record, &lines)? {
        let line = line_of(&record);
        sums.add(read_row(&record, &columns, line)?, line)?;
    }
    let months = sums
        .months
        .first()
        .zip(sums.months.last())
        .map(|(a, b)| (*a, *b));
    let titles = std::mem::take(&mut sums.titles);
    let rows = sums.rows;
    Ok(Import {
        layout,
        series: sums.into_series(),
        rows,
        months,
        warnings,
        titles,
        notes: Vec::new(),
    })
}

/// The next record; `false` at the end.
fn read(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::StringRecord,
    lines: &Lines,
) -> Result<bool, ImportError> {
    reader
        .read_record(record)
        .map_err(|e| ImportError::UnexpectedLine {
            line: lines.at(e.position()),
            found: excerpt(&e.to_string()),
        })
}

/// Line numbers from byte offsets. The csv crate's own line count lags by
/// one after a CRLF (it counts the `\n` when the next record starts), so
/// lines are counted here from where each record starts.
struct Lines {
    newlines: Vec<usize>,
    first_line: usize,
    text_len: usize,
}

impl Lines {
    fn new(text: &str, first_line: usize) -> Lines {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Lines {
            newlines,
            first_line,
            text_len: text.len(),
        }
    }

    /// The line of the first character of a record that starts at `pos`
    /// (which may point at the `\n` ending the line before).
    fn at(&self, pos: Option<&csv::Position>) -> usize {
        let byte = pos.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(self.text_len));
        let before = self.newlines.partition_point(|&n| n < byte);
        let on_newline = self.newlines.get(before) == Some(&byte);
        self.first_line + before + usize::from(on_newline)
    }
}

fn read_row(record: &csv::StringRecord, c: &Columns, line: usize) -> Result<Row, ImportError> {
    if record.len() != c.width {
        return Err(ImportError::FieldCount {
            line,
            expected: c.width,
            found: record.len(),
        });
    }
    let field = |i: usize| record.get(i).unwrap_or("").trim();
    let fiscal_year = fiscal_year(line, field(c.fiscal_year))?;
    let month = Month::in_fiscal_year(fiscal_year, field(c.month)).ok_or_else(|| {
        ImportError::UnknownMonth {
            line,
            value: excerpt(field(c.month)),
        }
    })?;
    let component = match c.component {
        Some(i) => component(line, field(i))?,
        None => STATE_COMPONENT,
    };
    let region = region(line, component, field(c.region))?;
    let sector = field(c.sector);
    if sector.is_empty() {
        return Err(ImportError::UnknownValue {
            line,
            column: c.sector_name,
            value: String::new(),
        });
    }
    Ok(Row {
        month,
        component,
        region,
        sector: sector.to_owned(),
        title: field(c.title).to_owned(),
        count: parse_count(line, field(c.count))?,
    })
}

/// The number at the start of `Fiscal Year`: `2025 (FYTD)` is 2025.
fn fiscal_year(line: usize, value: &str) -> Result<i32, ImportError> {
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    let rest = value[digits.len()..].trim_start();
    let suffix_ok = rest.is_empty() || rest.starts_with('(');
    match digits.parse::<i32>() {
        Ok(year) if digits.len() == 4 && year > 1900 && suffix_ok => Ok(year),
        _ => Err(ImportError::BadFiscalYear {
            line,
            value: excerpt(value),
        }),
    }
}

fn component(line: usize, value: &str) -> Result<&'static str, ImportError> {
    match normalize(value).as_str() {
        "u.s. border patrol" | "us border patrol" | "usbp" => Ok("USBP"),
        "office of field operations" | "ofo" => Ok("OFO"),
        _ => Err(ImportError::UnknownValue {
            line,
            column: "Component",
            value: excerpt(value),
        }),
    }
}

/// The region's short name. The Border Patrol's "Other" sectors are the
/// coastal ones (Miami, New Orleans, Ramey), which its own tables call
/// "Coastal": naming them so keeps one series per sector across sources.
fn region(line: usize, component: &str, value: &str) -> Result<&'static str, ImportError> {
    match (normalize(value).as_str(), component) {
        ("southwest land border" | "southwest", _) => Ok("Southwest"),
        ("northern land border" | "northern", _) => Ok("Northern"),
        ("other", "USBP") | ("coastal", _) => Ok("Coastal"),
        ("other", _) => Ok("Other"),
        _ => Err(ImportError::UnknownValue {
            line,
            column: "Land Border Region",
            value: excerpt(value),
        }),
    }
}
