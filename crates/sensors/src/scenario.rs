//! The tracking-benchmark scenario `detections.csv`
//! (`time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy`): a streaming, validating reader.
//!
//! Positions are metres in a local east-north-up frame, time is seconds since the
//! scenario start, the covariance is in square metres. Rows need not be in time
//! order here (the tracker deals with order); each row is checked on its own and
//! every error names its 1-based line number.

use std::io::BufRead;

use crate::validate::{check_cov2, finite, Implausible};

/// The header line the format requires.
pub const HEADER: &str = "time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy";

/// One scenario detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScenarioDetection {
    /// Scan time, seconds since the scenario start.
    pub time_s: f64,
    /// Unique detection id.
    pub det_id: u64,
    /// Sensor id (0 in v1 scenarios).
    pub sensor_id: u32,
    /// East position, metres.
    pub x_m: f64,
    /// North position, metres.
    pub y_m: f64,
    /// Measurement covariance `[[r_xx, r_xy], [r_xy, r_yy]]`, square metres.
    pub cov_m2: [[f64; 2]; 2],
}

/// Why a scenario line was rejected; `line` is 1-based. Rows after a bad row are
/// still read; a header or IO error ends the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CsvError {
    /// The first line is not [`HEADER`].
    #[error("line {line}: expected header {HEADER:?}")]
    Header {
        /// Line number.
        line: usize,
    },
    /// A row without exactly eight columns.
    #[error("line {line}: expected 8 columns, found {found}")]
    Columns {
        /// Line number.
        line: usize,
        /// Columns found.
        found: usize,
    },
    /// A column that does not parse as its type.
    #[error("line {line}: column {column} is not a number: {value:?}")]
    Number {
        /// Line number.
        line: usize,
        /// Column name.
        column: &'static str,
        /// The text found.
        value: String,
    },
    /// A value that parses but is impossible (NaN, covariance not positive definite).
    #[error("line {line}: {source}")]
    Implausible {
        /// Line number.
        line: usize,
        /// What is wrong.
        source: Implausible,
    },
    /// Reading the underlying input failed.
    #[error("line {line}: read error: {message}")]
    Io {
        /// Line number.
        line: usize,
        /// The IO error text.
        message: String,
    },
}

/// Parses one data row; `line` is used in errors.
pub fn parse_row(line: usize, row: &str) -> Result<ScenarioDetection, CsvError> {
    let cols: Vec<&str> = row.trim_end_matches('\r').split(',').collect();
    let [t, id, sensor, x, y, rxx, rxy, ryy] = cols[..] else {
        return Err(CsvError::Columns {
            line,
            found: cols.len(),
        });
    };
    let bad = |column, value: &str| CsvError::Number {
        line,
        column,
        value: value.chars().take(32).collect(),
    };
    let float = |column: &'static str, v: &str| -> Result<f64, CsvError> {
        let n: f64 = v.trim().parse().map_err(|_| bad(column, v))?;
        finite(column, n).map_err(|source| CsvError::Implausible { line, source })
    };
    let det = ScenarioDetection {
        time_s: float("time", t)?,
        det_id: id.trim().parse().map_err(|_| bad("det_id", id))?,
        sensor_id: sensor
            .trim()
            .parse()
            .map_err(|_| bad("sensor_id", sensor))?,
        x_m: float("x", x)?,
        y_m: float("y", y)?,
        cov_m2: {
            let (a, b, c) = (
                float("r_xx", rxx)?,
                float("r_xy", rxy)?,
                float("r_yy", ryy)?,
            );
            check_cov2(a, b, b, c).map_err(|source| CsvError::Implausible { line, source })?;
            [[a, b], [b, c]]
        },
    };
    Ok(det)
}

/// Streaming reader over lines; see [`read_scenario`] and [`scenario_from_str`].
#[derive(Debug)]
pub struct ScenarioCsv<I> {
    lines: I,
    line: usize,
    done: bool,
}

/// Reads a scenario from any buffered reader, one row at a time.
pub fn read_scenario<R: BufRead>(reader: R) -> ScenarioCsv<std::io::Lines<R>> {
    ScenarioCsv {
        lines: reader.lines(),
        line: 0,
        done: false,
    }
}

/// Reads a scenario held in memory.
pub fn scenario_from_str(
    text: &str,
) -> ScenarioCsv<impl Iterator<Item = std::io::Result<String>> + '_> {
    ScenarioCsv {
        lines: text.lines().map(|l| Ok(l.to_owned())),
        line: 0,
        done: false,
    }
}

impl<I: Iterator<Item = std::io::Result<String>>> Iterator for ScenarioCsv<I> {
    type Item = Result<ScenarioDetection, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let text = match self.lines.next()? {
                Ok(t) => t,
                Err(e) => {
                    self.done = true;
                    return Some(Err(CsvError::Io {
                        line: self.line + 1,
                        message: e.to_string(),
                    }));
                }
            };
            self.line += 1;
            if self.line == 1 {
                let header = text.trim_start_matches('\u{feff}').trim_end_matches('\r');
                if header != HEADER {
                    self.done = true;
                    return Some(Err(CsvError::Header { line: 1 }));
                }
                continue;
            }
            if text.trim().is_empty() {
                continue;
            }
            return Some(parse_row(self.line, &text));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parse_and_errors_carry_line_numbers() {
        let text = format!("{HEADER}\n0.000,0,0,6915.700,1978.073,100.000,0.000,100.000\n\n1.0,1,0,x,1,1,0,1\n2.0,2,0,1,1,1,0\n3.0,3,0,1,1,1,2,1\n4.0,4,0,1,NaN,1,0,1\n0.5,5,0,-1,-2,4,1,9\n");
        let rows: Vec<_> = scenario_from_str(&text).collect();
        assert_eq!(rows.len(), 6);
        let first = rows[0].as_ref().unwrap();
        assert_eq!(
            (first.det_id, first.x_m, first.cov_m2[1][1]),
            (0, 6915.7, 100.0)
        );
        assert_eq!(
            rows[1],
            Err(CsvError::Number {
                line: 4,
                column: "x",
                value: "x".into()
            })
        );
        assert_eq!(rows[2], Err(CsvError::Columns { line: 5, found: 7 }));
        assert_eq!(
            rows[3],
            Err(CsvError::Implausible {
                line: 6,
                source: Implausible::Covariance
            })
        );
        assert!(matches!(
            rows[4],
            Err(CsvError::Implausible { line: 7, .. })
        ));
        // Out-of-order time is accepted.
        assert_eq!(rows[5].as_ref().unwrap().time_s, 0.5);
    }

    #[test]
    fn wrong_header_ends_the_file() {
        let rows: Vec<_> = scenario_from_str("time,x,y\n1,2,3\n").collect();
        assert_eq!(rows, vec![Err(CsvError::Header { line: 1 })]);
    }
}
