//! The tracking scenario format (v1) as text: `detections.csv`, `truth.csv`
//! and `scenario.json` parsed, the track output CSV written. Files are the
//! caller's business (`sim::tracking` reads and writes them).
//!
//! # Units
//! Times in seconds since the scenario start, positions in metres (local
//! ENU), velocities in m/s, covariances in m².

use crate::tracker::{Detection, ScanOutput};
use std::io::Write;
use thiserror::Error;

/// Errors parsing scenario text.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// A CSV line is malformed (lines count from 1, the header is line 1).
    #[error("line {line}: {msg}")]
    Csv {
        /// Line number.
        line: usize,
        /// What is wrong.
        msg: String,
    },
    /// `scenario.json` is malformed.
    #[error("scenario.json: {0}")]
    Json(#[from] serde_json::Error),
}

/// What a tracker needs from `scenario.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioMeta {
    /// First scan time (seconds).
    pub first: f64,
    /// Last scan time (seconds).
    pub last: f64,
    /// Scan interval (seconds).
    pub interval: f64,
    /// Acceleration noise density (m²/s³), if given.
    pub q: Option<f64>,
}

impl ScenarioMeta {
    /// Every scan time from `first` to `last` (at most 10 million).
    pub fn scan_times(&self) -> Vec<f64> {
        if self.interval.is_nan()
            || self.interval <= 0.0
            || self.last.is_nan()
            || self.last < self.first
        {
            return vec![self.first];
        }
        let n = (((self.last - self.first) / self.interval).round() as usize).min(10_000_000);
        (0..=n)
            .map(|k| self.first + k as f64 * self.interval)
            .collect()
    }
}

/// Parses `scenario.json` text.
pub fn parse_meta(text: &str) -> Result<ScenarioMeta, ScenarioError> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let st = &v["scan_times"];
    let num = |x: &serde_json::Value, what: &str| {
        x.as_f64().ok_or_else(|| ScenarioError::Csv {
            line: 0,
            msg: format!("scenario.json lacks {what}"),
        })
    };
    Ok(ScenarioMeta {
        first: num(&st["first"], "scan_times.first")?,
        last: num(&st["last"], "scan_times.last")?,
        interval: num(&st["interval"], "scan_times.interval")?,
        q: v["params"]["q"].as_f64(),
    })
}

/// Numbered data rows (fields split on `,`) after checking that the header
/// starts with `expect`. Lazy, so a large file is never held twice.
fn rows<'a>(
    text: &'a str,
    expect: &str,
) -> Result<impl Iterator<Item = (usize, Vec<&'a str>)> + 'a, ScenarioError> {
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, h)| h.trim_end_matches('\r'))
        .unwrap_or("");
    if !header.starts_with(expect) {
        return Err(ScenarioError::Csv {
            line: 1,
            msg: format!("header {header:?} does not start with {expect:?}"),
        });
    }
    Ok(lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r').split(',').collect())))
}

fn field<T: std::str::FromStr>(
    row: &[&str],
    k: usize,
    line: usize,
    name: &str,
) -> Result<T, ScenarioError> {
    let s = row.get(k).ok_or_else(|| ScenarioError::Csv {
        line,
        msg: format!("missing column {name}"),
    })?;
    s.trim().parse().map_err(|_| ScenarioError::Csv {
        line,
        msg: format!("bad {name}: {s:?}"),
    })
}

/// Parses `detections.csv` text strictly (the first bad row is an error),
/// v1 columns only; [`crate::detections::read_detections`] reads v2 too,
/// dropping and counting bad rows.
pub fn parse_detections(text: &str) -> Result<Vec<Detection>, ScenarioError> {
    rows(text, "time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy")?
        .map(|(line, r)| {
            let rxy: f64 = field(&r, 6, line, "r_xy")?;
            Ok(Detection {
                time: field(&r, 0, line, "time")?,
                sensor_id: field(&r, 2, line, "sensor_id")?,
                x: field(&r, 3, line, "x")?,
                y: field(&r, 4, line, "y")?,
                r: [
                    [field(&r, 5, line, "r_xx")?, rxy],
                    [rxy, field(&r, 7, line, "r_yy")?],
                ],
                ident: None,
            })
        })
        .collect()
}

/// One row of `truth.csv` or of a tracks file: an object's position at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionRow {
    /// Time (seconds).
    pub time: f64,
    /// Truth or track id, kept as text.
    pub id: String,
    /// East (metres).
    pub x: f64,
    /// North (metres).
    pub y: f64,
}

/// Parses `truth.csv` (`time,truth_id,x,y,...`) or a tracks file
/// (`time,track_id,x,y[,vx,vy]`).
pub fn parse_positions(text: &str) -> Result<Vec<PositionRow>, ScenarioError> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let expect = if header.starts_with("time,truth_id") {
        "time,truth_id,x,y"
    } else {
        "time,track_id,x,y"
    };
    rows(text, expect)?
        .map(|(line, r)| {
            Ok(PositionRow {
                time: field(&r, 0, line, "time")?,
                id: field(&r, 1, line, "id")?,
                x: field(&r, 2, line, "x")?,
                y: field(&r, 3, line, "y")?,
            })
        })
        .collect()
}

/// Writes the track output format for processed scans.
pub fn write_tracks<W: Write>(mut w: W, scans: &[ScanOutput]) -> std::io::Result<()> {
    write_header(&mut w)?;
    for s in scans {
        write_scan(&mut w, s)?;
    }
    w.flush()
}

/// Writes the track output header line.
pub fn write_header<W: Write>(w: &mut W) -> std::io::Result<()> {
    writeln!(w, "time,track_id,x,y,vx,vy")
}

/// Writes one scan's rows of the track output format.
pub fn write_scan<W: Write>(w: &mut W, s: &ScanOutput) -> std::io::Result<()> {
    for t in &s.tracks {
        writeln!(
            w,
            "{:.3},{},{:.3},{:.3},{:.4},{:.4}",
            s.time, t.id, t.x, t.y, t.vx, t.vy
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detections_parse_and_errors_carry_lines() {
        let ok = "time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy\n0.000,0,0,1.5,-2.0,100,0,100\n1.000,1,0,3,4,100,1,90\n";
        let d = parse_detections(ok).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].r, [[100.0, 1.0], [1.0, 90.0]]);
        let bad = "time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy\n0.000,0,0,1.5,-2.0,100,0,100\n1.000,1,0,x,4,100,1,90\n";
        let e = parse_detections(bad).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("bad x"), "{e}");
        let short = "time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy\n0.000,0,0\n";
        assert!(parse_detections(short)
            .unwrap_err()
            .to_string()
            .contains("line 2"));
        assert!(parse_detections("nope\n")
            .unwrap_err()
            .to_string()
            .contains("line 1"));
        assert!(parse_detections("").is_err());
    }

    #[test]
    fn meta_and_positions() {
        let m = parse_meta(
            r#"{"params":{"q":0.1},"scan_times":{"first":0.0,"last":3.0,"interval":1.0}}"#,
        )
        .unwrap();
        assert_eq!(m.scan_times(), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(m.q, Some(0.1));
        assert!(parse_meta("{}").is_err());
        assert!(parse_meta("{").is_err());
        let t = parse_positions("time,truth_id,x,y,vx,vy\n0.000,7,1,2,0,0\n").unwrap();
        assert_eq!(t[0].id, "7");
        let k = parse_positions("time,track_id,x,y\n0.000,a,1,2\n").unwrap();
        assert_eq!((k[0].x, k[0].y), (1.0, 2.0));
    }
}
