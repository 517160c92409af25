//! The Border Patrol's monthly apprehension tables, as transcribed from
//! the published PDFs: `|`-separated, one fiscal year per file.
//!
//! The transcription keeps the PDF's quirks, which this reader accepts:
//! title lines before the `SECTOR|October|…|September` header and a
//! wrapped `Total` after it, blank lines between sectors, thousands
//! commas, `N/A` for a sector that did not report, `*` note markers on
//! names, names that wrap around their line of numbers (`Big Bend`, the
//! numbers, `(formerly Marfa)`), and footnotes (`*Livermore Sector …`).

use std::collections::BTreeMap;

use super::error::excerpt;
use super::{parse_count, Import, ImportError, Key, Layout, Series, Warning};
use crate::month::{month_number, Month};

/// The component of every series of these tables.
const COMPONENT: &str = "USBP";

/// Twelve months and the yearly total.
const VALUES: usize = 13;

/// Where the header may be at the latest, so that detection looks at the
/// top of a file only.
const HEADER_WITHIN: usize = 12;

/// Sector names as the tables write them (lower case, without note
/// markers or a `(formerly …)` suffix), with their codes and regions.
/// Former names are accepted because older tables may use them.
const SECTORS: [(&str, &str, &str); 23] = [
    ("miami", "MIP", "Coastal"),
    ("new orleans", "NOL", "Coastal"),
    ("ramey", "RMY", "Coastal"),
    ("blaine", "BLW", "Northern"),
    ("buffalo", "BUN", "Northern"),
    ("detroit", "DTM", "Northern"),
    ("grand forks", "GFN", "Northern"),
    ("havre", "HVM", "Northern"),
    ("houlton", "HLT", "Northern"),
    ("spokane", "SPW", "Northern"),
    ("swanton", "SWB", "Northern"),
    ("big bend", "BBT", "Southwest"),
    ("marfa", "BBT", "Southwest"),
    ("del rio", "DRT", "Southwest"),
    ("el centro", "ELC", "Southwest"),
    ("el paso", "EPT", "Southwest"),
    ("laredo", "LRT", "Southwest"),
    ("rio grande valley", "RGV", "Southwest"),
    ("mcallen", "RGV", "Southwest"),
    ("san diego", "SDC", "Southwest"),
    ("tucson", "TCA", "Southwest"),
    ("yuma", "YUM", "Southwest"),
    ("livermore", "LIV", "Coastal"),
];

/// The border regions, in the order the tables print them.
const BORDERS: [&str; 3] = ["Coastal", "Northern", "Southwest"];

/// What a line of the table is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A sector: its code and region.
    Sector(&'static str, &'static str),
    /// A border total (`Coastal Border` …): its region.
    Border(&'static str),
    /// `Monthly Total`, the nation.
    Grand,
}

impl Kind {
    fn key(self) -> Key {
        match self {
            Kind::Sector(code, region) => Key::new(COMPONENT, region, code),
            Kind::Border(region) => Key::total(COMPONENT, region),
            Kind::Grand => Key::total(COMPONENT, "Total"),
        }
    }
}

/// One sector or total line, read.
#[derive(Debug, Clone)]
struct Record {
    /// The line of its numbers.
    line: usize,
    /// Its name as written, for messages.
    name: String,
    kind: Kind,
    /// Twelve months from October, then the yearly total; `None` for N/A.
    values: [Option<u64>; VALUES],
}

/// Whether `text` is a Border Patrol table: its `SECTOR|…` header is near
/// the top.
pub(crate) fn looks_like(text: &str) -> bool {
    text.lines().take(HEADER_WITHIN).any(is_header)
}

fn is_header(line: &str) -> bool {
    line.split_once('|')
        .is_some_and(|(first, _)| first.trim().eq_ignore_ascii_case("sector"))
}

/// Reads a table whose first line is line `first_line` of the file.
pub(crate) fn import(text: &str, first_line: usize) -> Result<Import, ImportError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (first_line + i, l.trim()));
    let fiscal_year = read_title(&mut lines)?;
    let (records, notes) = read_body(&mut lines)?;
    let start = Month::new(fiscal_year - 1, 10).ok_or(ImportError::BadFiscalYear {
        line: first_line,
        value: fiscal_year.to_string(),
    })?;
    let months = fiscal_months(start);
    Ok(Import {
        layout: Layout::UsbpMonthly,
        rows: records.len(),
        series: to_series(&records, &months),
        months: Some((months[0], months[11])),
        warnings: check_totals(&records, &months),
        titles: BTreeMap::new(),
        notes,
    })
}

/// The months of a fiscal year from its October.
fn fiscal_months(start: Month) -> [Month; 12] {
    let mut months = [start; 12];
    for i in 1..12 {
        months[i] = months[i - 1].next();
    }
    months
}

/// Reads the title lines and the header; returns the fiscal year the
/// title names.
fn read_title<'a>(lines: &mut impl Iterator<Item = (usize, &'a str)>) -> Result<i32, ImportError> {
    let mut fiscal_year = None;
    let mut last = 1;
    for (line, text) in lines.by_ref() {
        last = line;
        if is_header(text) {
            check_header(line, text)?;
            return fiscal_year.ok_or(ImportError::Incomplete {
                line,
                missing: "a title naming the fiscal year (FY YYYY)",
            });
        }
        if fiscal_year.is_none() {
            fiscal_year = fiscal_year_in(line, text)?;
        }
    }
    Err(ImportError::Incomplete {
        line: last,
        missing: "the SECTOR|October|…|September header",
    })
}

/// The year after `FY` in a title line (`… By Month - FY 2014`); `FY`
/// inside a word (`NOTIFY`) is not one.
fn fiscal_year_in(line: usize, text: &str) -> Result<Option<i32>, ImportError> {
    let upper = text.to_ascii_uppercase();
    let starts_word = |at: usize| {
        upper[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    };
    let Some(at) = upper
        .match_indices("FY")
        .map(|(at, _)| at)
        .find(|&at| starts_word(at))
    else {
        return Ok(None);
    };
    let after = upper[at + 2..].trim_start();
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<i32>() {
        Ok(year) if digits.len() == 4 && year > 1900 => Ok(Some(year)),
        _ => Err(ImportError::BadFiscalYear {
            line,
            value: excerpt(after),
        }),
    }
}

/// The header must list the fiscal year's months in order, October first;
/// a yearly column may be named at its end.
fn check_header(line: usize, text: &str) -> Result<(), ImportError> {
    let mut fields: Vec<&str> = text.split('|').skip(1).map(str::trim).collect();
    if fields.last().is_some_and(|f| {
        ["total", "yearly", "yearly total"].contains(&f.to_ascii_lowercase().as_str())
    }) {
        fields.pop();
    }
    if fields.len() != 12 {
        return Err(ImportError::FieldCount {
            line,
            expected: 13,
            found: fields.len() + 1,
        });
    }
    for (i, field) in fields.iter().enumerate() {
        let expected = (i as u8 + 9) % 12 + 1;
        if month_number(field) != Some(expected) {
            return Err(ImportError::UnknownMonth {
                line,
                value: excerpt(field),
            });
        }
    }
    Ok(())
}

/// What is being read in the body.
#[derive(Default)]
struct Body {
    records: Vec<Record>,
    notes: Vec<String>,
    /// A name on a line of its own, waiting for its numbers.
    pending: Option<(usize, String)>,
    /// Whether the last non-blank line was a record, which a
    /// `(formerly …)` line may follow.
    after_record: bool,
}

/// Reads the sector and total lines to the end of the table.
fn read_body<'a>(
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Result<(Vec<Record>, Vec<String>), ImportError> {
    let mut body = Body::default();
    let mut last = 1;
    for (line, text) in lines {
        last = line;
        if !text.is_empty() {
            body.read_line(line, text)?;
        }
    }
    if let Some((line, _)) = body.pending {
        return Err(ImportError::Incomplete {
            line,
            missing: "the numbers of the sector named here",
        });
    }
    require_totals(&body.records, last)?;
    Ok((body.records, body.notes))
}

impl Body {
    fn read_line(&mut self, line: usize, text: &str) -> Result<(), ImportError> {
        if text.contains('|') {
            self.after_record = true;
            return self.read_values(line, text);
        }
        let after_record = std::mem::replace(&mut self.after_record, false);
        if text.starts_with('*') {
            self.notes.push(text.to_owned());
        } else if text.starts_with('(') && text.ends_with(')') && after_record {
            // The wrapped tail of the name just read: `(formerly Marfa)`.
        } else if self.records.is_empty()
            && self.pending.is_none()
            && text.eq_ignore_ascii_case("total")
        {
            // The second line of the wrapped `Yearly Total` header.
        } else if self.pending.is_none() {
            self.pending = Some((line, text.to_owned()));
        } else {
            return Err(unexpected(line, text));
        }
        Ok(())
    }

    /// A line of numbers, with its name or after a name line.
    fn read_values(&mut self, line: usize, text: &str) -> Result<(), ImportError> {
        let fields: Vec<&str> = text.split('|').map(str::trim).collect();
        let nameless = fields.first().is_some_and(|f| is_value(f));
        let (name_line, name, values) = match (nameless, self.pending.take()) {
            (true, Some((name_line, name))) => (name_line, name, &fields[..]),
            (false, None) => (line, fields[0].to_owned(), &fields[1..]),
            (true, None) => return Err(unexpected(line, text)),
            (false, Some((name_line, name))) => return Err(unexpected(name_line, &name)),
        };
        if values.len() != VALUES {
            let named = usize::from(!nameless);
            return Err(ImportError::FieldCount {
                line,
                expected: VALUES + named,
                found: values.len() + named,
            });
        }
        let kind = kind_of(&name).ok_or_else(|| ImportError::UnknownSector {
            line: name_line,
            name: excerpt(&name),
        })?;
        if self.records.iter().any(|r| r.kind == kind) {
            return Err(ImportError::DuplicateSector {
                line: name_line,
                name: excerpt(&name),
            });
        }
        let mut parsed = [None; VALUES];
        for (slot, value) in parsed.iter_mut().zip(values) {
            *slot = parse_value(line, value)?;
        }
        self.records.push(Record {
            line,
            name: clean_name(&name),
            kind,
            values: parsed,
        });
        Ok(())
    }
}

fn unexpected(line: usize, text: &str) -> ImportError {
    ImportError::UnexpectedLine {
        line,
        found: excerpt(text),
    }
}

/// Whether a field is a value rather than a name: names never start with a
/// digit, a sign or `N/A`.
fn is_value(field: &str) -> bool {
    field.eq_ignore_ascii_case("n/a")
        || field
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+')
}

/// A count, or `None` for `N/A`.
fn parse_value(line: usize, field: &str) -> Result<Option<u64>, ImportError> {
    if field.eq_ignore_ascii_case("n/a") {
        Ok(None)
    } else {
        parse_count(line, field).map(Some)
    }
}

/// A name without note markers, a `(formerly …)` tail or extra spaces.
fn clean_name(name: &str) -> String {
    let head = name.split('(').next().unwrap_or(name);
    let words: Vec<&str> = head.trim_matches(['*', ' ']).split_whitespace().collect();
    words.join(" ")
}

fn kind_of(name: &str) -> Option<Kind> {
    let name = clean_name(name).to_ascii_lowercase();
    if name.is_empty() {
        return None;
    }
    if name == "monthly total" {
        return Some(Kind::Grand);
    }
    if let Some(border) = BORDERS
        .iter()
        .find(|b| name == format!("{} border", b.to_ascii_lowercase()))
    {
        return Some(Kind::Border(border));
    }
    SECTORS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, code, region)| Kind::Sector(code, region))
}

/// The border and monthly totals must be there: without them the file was
/// cut short, and nothing could be checked.
fn require_totals(records: &[Record], last: usize) -> Result<(), ImportError> {
    let has = |kind: Kind| records.iter().any(|r| r.kind == kind);
    for (border, missing) in
        BORDERS
            .iter()
            .zip(["Coastal Border", "Northern Border", "Southwest Border"])
    {
        if !has(Kind::Border(border)) {
            return Err(ImportError::Incomplete {
                line: last,
                missing,
            });
        }
    }
    if !has(Kind::Grand) {
        return Err(ImportError::Incomplete {
            line: last,
            missing: "Monthly Total",
        });
    }
    Ok(())
}

/// Every published total against the sum of its parts: a sector's months
/// against its yearly figure, each border against its sectors, the monthly
/// total against the borders.
fn check_totals(records: &[Record], months: &[Month; 12]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for r in records {
        if let Some(published) = r.values[12] {
            let computed = sum(r.values[..12].iter().copied());
            push_mismatch(&mut warnings, r, "months", None, published, computed);
        }
    }
    for total in records {
        let (parts, of): (Vec<&Record>, &str) = match total.kind {
            Kind::Sector(..) => continue,
            Kind::Border(region) => (
                records
                    .iter()
                    .filter(|r| matches!(r.kind, Kind::Sector(_, rg) if rg == region))
                    .collect(),
                "sectors",
            ),
            Kind::Grand => (
                records
                    .iter()
                    .filter(|r| matches!(r.kind, Kind::Border(_)))
                    .collect(),
                "borders",
            ),
        };
        for (i, published) in total.values.iter().enumerate() {
            let Some(published) = *published else {
                continue;
            };
            let computed = sum(parts.iter().map(|p| p.values[i]));
            let month = months.get(i).copied();
            push_mismatch(&mut warnings, total, of, month, published, computed);
        }
    }
    warnings
}

fn push_mismatch(
    warnings: &mut Vec<Warning>,
    total: &Record,
    of: &str,
    month: Option<Month>,
    published: u64,
    computed: u64,
) {
    if published != computed {
        warnings.push(Warning::Mismatch {
            line: total.line,
            total: total.name.clone(),
            of: of.to_owned(),
            month,
            published,
            computed,
        });
    }
}

/// The sum of the reported values; saturating, as the parts of a figure
/// that fits in a `u64` cannot overflow unless the file is nonsense, which
/// the mismatch will show.
fn sum(values: impl Iterator<Item = Option<u64>>) -> u64 {
    values.flatten().fold(0, u64::saturating_add)
}

/// One series per line, months only (the yearly figure is their sum).
fn to_series(records: &[Record], months: &[Month; 12]) -> Vec<Series> {
    let mut series: Vec<Series> = records
        .iter()
        .map(|r| {
            let mut s = Series::new(r.kind.key());
            for (month, value) in months.iter().zip(&r.values) {
                if let Some(v) = value {
                    s.points.insert(*month, *v);
                }
            }
            s
        })
        .collect();
    series.sort_by(|a, b| a.key.cmp(&b.key));
    series
}
