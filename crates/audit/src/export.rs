//! One self-contained file for counsel and inspectors, checked offline.
//!
//! ```text
//! watchfloor audit export v1
//! key <verifier key text>             one line per key in verifier.keys
//! records <N>
//! <N canonical record lines, exactly as in audit.jsonl>
//! checkpoints <C>
//! checkpoint <size> <L>               then the L lines of that signed note, verbatim
//! …
//! end
//! ```
//!
//! Every part is the log's own bytes, so each record and note can be re-checked with
//! other tools (the notes open with Go's `note` package and the key line).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read as _, Write as _};
use std::path::Path;

use crate::chain::{Chain, Stop};
use crate::files::{read_checkpoints, read_keys, StoredCheckpoint, RECORDS_FILE};
use crate::keys::VerifierKey;
use crate::lines::{LineReader, Next};
use crate::log::LogError;
use crate::note::MAX_NOTE;
use crate::verify::{check_all, choose_keys, Bad, KeySource, VerifyReport};

const MAGIC: &str = "watchfloor audit export v1";

/// What [`export`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSummary {
    /// Record lines written.
    pub records: u64,
    /// Checkpoints written.
    pub checkpoints: usize,
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> LogError + '_ {
    move |source| LogError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes the log in `dir` to `out_path` as one export file. Copies what is on disk
/// without judging it (a broken log exports too, for the inspector to see); a torn last
/// line is left out. Safe while the log is being appended to.
pub fn export(dir: &Path, out_path: &Path) -> Result<ExportSummary, LogError> {
    let keys = read_keys(dir).map_err(io_at(dir))?;
    // Checkpoints before records: records only grow, so every checkpoint is covered.
    let (stored, _) = read_checkpoints(dir).map_err(io_at(dir))?;
    let records_path = dir.join(RECORDS_FILE);
    let (count, bytes) = complete_lines(&records_path)?;
    let mut out = BufWriter::new(File::create(out_path).map_err(io_at(out_path))?);
    let mut head = format!("{MAGIC}\n");
    for k in &keys {
        head.push_str(&format!("key {k}\n"));
    }
    head.push_str(&format!("records {count}\n"));
    out.write_all(head.as_bytes()).map_err(io_at(out_path))?;
    let src = File::open(&records_path).map_err(io_at(&records_path))?;
    let copied = io::copy(&mut src.take(bytes), &mut out).map_err(io_at(out_path))?;
    if copied != bytes {
        return Err(io_at(&records_path)(io::ErrorKind::UnexpectedEof.into()));
    }
    let mut tail = format!("checkpoints {}\n", stored.len());
    for sc in &stored {
        let note = sc
            .note
            .as_ref()
            .map_err(|e| LogError::Broken(Bad::file(format!("{}: {e}", sc.label))))?;
        tail.push_str(&format!(
            "checkpoint {} {}\n",
            sc.size,
            note.lines().count()
        ));
        for line in note.lines() {
            tail.push_str(line);
            tail.push('\n');
        }
    }
    tail.push_str("end\n");
    out.write_all(tail.as_bytes()).map_err(io_at(out_path))?;
    let file = out
        .into_inner()
        .map_err(|e| io_at(out_path)(e.into_error()))?;
    file.sync_all().map_err(io_at(out_path))?;
    Ok(ExportSummary {
        records: count,
        checkpoints: stored.len(),
    })
}

/// Number of newline-terminated lines and the byte length they take.
fn complete_lines(path: &Path) -> Result<(u64, u64), LogError> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(io_at(path))?);
    let (mut count, mut bytes, mut pending) = (0u64, 0u64, 0u64);
    loop {
        let chunk = reader.fill_buf().map_err(io_at(path))?;
        if chunk.is_empty() {
            return Ok((count, bytes));
        }
        let n = chunk.len();
        for &b in chunk {
            pending += 1;
            if b == b'\n' {
                count += 1;
                bytes += pending;
                pending = 0;
            }
        }
        reader.consume(n);
    }
}

/// Verifies an export file offline against `trusted` keys, or, when `trusted` is empty,
/// against the keys embedded in it (the report's `key_source` says which).
pub fn verify_export(path: &Path, trusted: &[VerifierKey]) -> VerifyReport {
    let unknown = KeySource::Trusted(Vec::new());
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return VerifyReport::failed(unknown, Bad::file(format!("cannot open export: {e}")))
        }
    };
    let mut lines = LineReader::new(BufReader::with_capacity(1 << 20, file));
    let bad_header =
        |no: usize, what: &str| Bad::line(no, format!("not a watchfloor audit export: {what}"));
    match text_line(&mut lines) {
        Ok(l) if l == MAGIC => {}
        Ok(_) | Err(_) => return VerifyReport::failed(unknown, bad_header(1, "first line")),
    }
    let mut embedded = Vec::new();
    let count = loop {
        match text_line(&mut lines) {
            Ok(l) => {
                if let Some(k) = l.strip_prefix("key ") {
                    embedded.push(k.to_owned());
                } else if let Some(n) = l
                    .strip_prefix("records ")
                    .and_then(|n| n.parse::<u64>().ok())
                {
                    break n;
                } else {
                    return VerifyReport::failed(
                        unknown,
                        bad_header(lines.line_no(), "expected a key or records line"),
                    );
                }
            }
            Err(bad) => return VerifyReport::failed(unknown, bad),
        }
    };
    let (keys, key_source) = match choose_keys(trusted, &embedded) {
        Ok(k) => k,
        Err(bad) => return VerifyReport::failed(unknown, bad),
    };
    let mut report = VerifyReport::new(key_source);
    let mut chain = Chain::new(lines.line_no());
    let stop = chain.read(&mut lines, Some(count), "export");
    report.records = chain.len();
    let short = |chain: &Chain| {
        Bad::record(
            chain.len(),
            chain.line_of(chain.len()),
            format!(
                "missing (truncated export): the header says {count} records, the file ends after {}",
                chain.len()
            ),
        )
    };
    match stop {
        Stop::Bad(bad) => {
            report.first_bad = Some(bad);
            return report;
        }
        Stop::Clean { torn: Some(_) } => {
            report.first_bad = Some(short(&chain));
            return report;
        }
        Stop::Clean { torn: None } if chain.len() < count => {
            report.first_bad = Some(short(&chain));
            return report;
        }
        Stop::Clean { torn: None } => {}
    }
    let notes = match read_notes(&mut lines) {
        Ok(n) => n,
        Err(bad) => {
            report.first_bad = Some(bad);
            return report;
        }
    };
    report.settle(check_all(&chain, &notes, &keys));
    report
}

/// One complete UTF-8 line of the export's framing.
fn text_line<R: BufRead>(lines: &mut LineReader<R>) -> Result<String, Bad> {
    match lines.next_line() {
        Ok(Next::Line { bytes, no, .. }) => {
            String::from_utf8(bytes.to_vec()).map_err(|_| Bad::line(no, "line is not UTF-8".into()))
        }
        Ok(Next::End | Next::Torn { .. }) => Err(Bad::line(
            lines.line_no(),
            "export is truncated (a line or section is missing)".into(),
        )),
        Ok(Next::TooLong { no }) => Err(Bad::line(no, "line is too long".into())),
        Err(e) => Err(Bad::file(format!("cannot read export: {e}"))),
    }
}

/// The checkpoint section: `(label, claimed size, note)` in file order, sizes ascending.
fn read_notes<R: BufRead>(lines: &mut LineReader<R>) -> Result<Vec<StoredCheckpoint>, Bad> {
    let line = text_line(lines)?;
    let count: usize = line
        .strip_prefix("checkpoints ")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Bad::line(lines.line_no(), "expected 'checkpoints <count>'".into()))?;
    let mut notes = Vec::new();
    let mut last_size = None;
    for _ in 0..count {
        let at = lines.line_no() + 1;
        let header = text_line(lines)?;
        let parsed = header.strip_prefix("checkpoint ").and_then(|rest| {
            let (size, n) = rest.split_once(' ')?;
            Some((size.parse::<u64>().ok()?, n.parse::<usize>().ok()?))
        });
        let Some((size, n)) = parsed else {
            return Err(Bad::line(at, "expected 'checkpoint <size> <lines>'".into()));
        };
        if last_size.is_some_and(|l| l > size) {
            return Err(Bad::line(
                at,
                format!("checkpoint {size} comes after a larger one"),
            ));
        }
        last_size = Some(size);
        let mut note = String::new();
        for _ in 0..n {
            note.push_str(&text_line(lines)?);
            note.push('\n');
            if note.len() > MAX_NOTE {
                return Err(Bad::line(at, "checkpoint note is too large".into()));
            }
        }
        notes.push(StoredCheckpoint {
            size,
            label: format!("checkpoint at line {at}"),
            note: Ok(note),
        });
    }
    if text_line(lines)? != "end" {
        return Err(Bad::line(lines.line_no(), "expected 'end'".into()));
    }
    if !matches!(lines.next_line(), Ok(Next::End)) {
        return Err(Bad::line(lines.line_no(), "content after 'end'".into()));
    }
    Ok(notes)
}
