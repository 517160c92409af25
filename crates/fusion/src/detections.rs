//! `detections.csv` of format v1 or v2 read for a tracker that must keep
//! going: every row that cannot be used is dropped and counted by kind,
//! never a reason to stop (a recording with one bad line is still worth
//! tracking). The sensors of `scenario.json` give the scan times of a v2
//! scenario, and the ids a row's `sensor_id` must be one of.
//!
//! Columns are found by their header names, so a v1 file (eight columns)
//! and a v2 file (the same eight, then `ident`, `range`, `azimuth`) are read
//! by the same code; `ident` is carried as [`Detection::ident`].
//!
//! # Units
//! Times in seconds since the scenario start, positions in metres (local
//! ENU), covariances in m².

use std::collections::HashSet;

use crate::fuser::{Looks, Ring, SensorSpec};
use crate::scenario::ScenarioError;
use crate::tracker::Detection;

/// Times closer than this (seconds) are one time: the files print times
/// with 3 decimals.
pub const TIME_EPS: f64 = 5e-4;

/// A sensor of `scenario.json`, as far as reading and scan times need it.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorInfo {
    /// The id used in the `sensor_id` column.
    pub sensor_id: u32,
    /// Its label (`radar-A`), empty when the file gives none.
    pub name: String,
    /// `radar`, `adsb`, ... as the file says.
    pub kind: String,
    /// Seconds between scans (v2 only).
    pub scan_period: Option<f64>,
    /// Time of the first scan (seconds; v2, else 0).
    pub scan_phase: f64,
    /// Site (m, ENU; v2).
    pub site: Option<[f64; 2]>,
    /// Coverage from the site (m; v2): `min_range`, `max_range`.
    pub range: Option<(f64, f64)>,
    /// `detects` is `cooperative` (ADS-B).
    pub cooperative_only: bool,
}

/// The sensors of a scenario and the span their scans cover.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sensors {
    /// `format_version` (1 when absent).
    pub format_version: u32,
    /// `params.duration` (seconds; v2): scans happen strictly before it.
    pub duration: Option<f64>,
    /// Every sensor listed.
    pub sensors: Vec<SensorInfo>,
}

/// Parses the `sensors` part of `scenario.json` text (v1 or v2).
pub fn parse_sensors(text: &str) -> Result<Sensors, ScenarioError> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let mut sensors = Vec::new();
    for (k, s) in v["sensors"].as_array().into_iter().flatten().enumerate() {
        let id = s["sensor_id"]
            .as_u64()
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| ScenarioError::Csv {
                line: 0,
                msg: format!("scenario.json: sensors[{k}] lacks an integer sensor_id"),
            })?;
        sensors.push(SensorInfo {
            sensor_id: id,
            name: s["name"].as_str().unwrap_or_default().to_owned(),
            kind: s["kind"].as_str().unwrap_or_default().to_owned(),
            scan_period: s["scan_period"]
                .as_f64()
                .filter(|p| p.is_finite() && *p > 0.0),
            scan_phase: s["scan_phase"].as_f64().unwrap_or(0.0),
            site: s["site"]["x"]
                .as_f64()
                .zip(s["site"]["y"].as_f64())
                .map(|(x, y)| [x, y]),
            range: s["max_range"]
                .as_f64()
                .map(|max| (s["min_range"].as_f64().unwrap_or(0.0), max)),
            cooperative_only: s["detects"].as_str() == Some("cooperative"),
        });
    }
    Ok(Sensors {
        format_version: v["format_version"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(1),
        duration: v["params"]["duration"].as_f64(),
        sensors,
    })
}

impl Sensors {
    /// The ids of the listed sensors, or `None` when the file lists none
    /// (then no row is refused for its sensor).
    pub fn ids(&self) -> Option<Vec<u32>> {
        (!self.sensors.is_empty()).then(|| self.sensors.iter().map(|s| s.sensor_id).collect())
    }

    /// Scan times (seconds, sorted, distinct to [`TIME_EPS`]) of every
    /// sensor, or of `only` that one: `scan_phase + n * scan_period` below
    /// `duration`. `None` for a v1 scenario, whose sensors have no period
    /// (its scans are the `scan_times` grid). At most 10 million.
    pub fn scan_times(&self, only: Option<u32>) -> Option<Vec<f64>> {
        let duration = self.duration.filter(|d| d.is_finite())?;
        let mut times = Vec::new();
        let mut any = false;
        for s in self
            .sensors
            .iter()
            .filter(|s| only.is_none_or(|o| o == s.sensor_id))
        {
            let Some(period) = s.scan_period else {
                continue;
            };
            any = true;
            let mut n = 0u32;
            loop {
                let t = s.scan_phase + f64::from(n) * period;
                if t >= duration || times.len() >= 10_000_000 {
                    break;
                }
                // The files print 3 decimals; rounding here makes a scan
                // time equal to the parsed time of its detections.
                times.push((t * 1000.0).round() / 1000.0);
                n += 1;
            }
        }
        if !any {
            return None;
        }
        times.sort_by(f64::total_cmp);
        times.dedup_by(|a, b| (*a - *b).abs() < TIME_EPS);
        Some(times)
    }
}

impl Sensors {
    /// The sensors as the fuser needs them, in file order (the fuser's
    /// sensor index is the position here, not `sensor_id`), each looking in
    /// whole scans; `None` unless every sensor has a scan period (v2).
    pub fn specs(&self) -> Option<Vec<SensorSpec>> {
        if self.sensors.is_empty() {
            return None;
        }
        self.sensors
            .iter()
            .map(|s| {
                Some(SensorSpec {
                    coverage: s.site.zip(s.range).map(|(site, (min, max))| Ring {
                        site,
                        min_range: min,
                        max_range: max,
                    }),
                    period: s.scan_period?,
                    looks: Looks::Scans,
                    cooperative_only: s.cooperative_only,
                })
            })
            .collect()
    }
}

/// What reading `detections.csv` dropped, by kind. Each dropped row counts
/// once, under the first of these it fails, in this order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Data rows read (blank lines are not rows).
    pub rows: usize,
    /// Rows kept.
    pub kept: usize,
    /// Rows with fewer fields than the header.
    pub truncated: usize,
    /// Rows with more fields than the header, a field that does not parse,
    /// a non-finite number, or an `ident` that is not 1 to 6 hex digits.
    pub garbage: usize,
    /// Rows whose `det_id` was seen before.
    pub duplicate: usize,
    /// Rows whose `sensor_id` is not among the scenario's sensors.
    pub unknown_sensor: usize,
    /// Rows whose covariance is not symmetric positive definite.
    pub bad_covariance: usize,
    /// Rows earlier than a row kept before them.
    pub out_of_order: usize,
    /// The first line (counting from 1, the header is line 1) of each kind,
    /// in the order of the fields above.
    first_line: [Option<usize>; 6],
}

impl ReadReport {
    fn drop(&mut self, kind: usize, line: usize) {
        let counters = [
            &mut self.truncated,
            &mut self.garbage,
            &mut self.duplicate,
            &mut self.unknown_sensor,
            &mut self.bad_covariance,
            &mut self.out_of_order,
        ];
        if let Some(c) = counters.into_iter().nth(kind) {
            *c += 1;
        }
        if let Some(f) = self.first_line.get_mut(kind) {
            f.get_or_insert(line);
        }
    }

    /// Rows dropped, all kinds.
    pub fn dropped(&self) -> usize {
        self.rows - self.kept
    }

    /// One line of text per kind with at least one dropped row, for stderr.
    pub fn problems(&self) -> Vec<String> {
        let kinds = [
            (
                self.truncated,
                "truncated rows (fewer fields than the header)",
            ),
            (
                self.garbage,
                "garbage rows (unparsable or non-finite fields)",
            ),
            (self.duplicate, "duplicated rows (det_id seen before)"),
            (self.unknown_sensor, "rows from unknown sensors"),
            (
                self.bad_covariance,
                "rows with a covariance not positive definite",
            ),
            (self.out_of_order, "rows out of time order"),
        ];
        kinds
            .iter()
            .zip(self.first_line)
            .filter(|((n, _), _)| *n > 0)
            .map(|((n, what), first)| {
                format!(
                    "dropped {n} {what}, the first at line {}",
                    first.unwrap_or(0)
                )
            })
            .collect()
    }
}

const TRUNCATED: usize = 0;
const GARBAGE: usize = 1;
const DUPLICATE: usize = 2;
const UNKNOWN_SENSOR: usize = 3;
const BAD_COVARIANCE: usize = 4;
const OUT_OF_ORDER: usize = 5;

/// Column positions found in the header.
struct Columns {
    width: usize,
    time: usize,
    det_id: usize,
    sensor_id: usize,
    x: usize,
    y: usize,
    r: [usize; 3],
    ident: Option<usize>,
}

impl Columns {
    fn find(header: &str) -> Result<Self, ScenarioError> {
        let names: Vec<&str> = header.split(',').map(str::trim).collect();
        let at = |name: &str| {
            names
                .iter()
                .position(|n| *n == name)
                .ok_or_else(|| ScenarioError::Csv {
                    line: 1,
                    msg: format!("header {header:?} lacks the column {name:?}"),
                })
        };
        Ok(Columns {
            width: names.len(),
            time: at("time")?,
            det_id: at("det_id")?,
            sensor_id: at("sensor_id")?,
            x: at("x")?,
            y: at("y")?,
            r: [at("r_xx")?, at("r_xy")?, at("r_yy")?],
            ident: at("ident").ok(),
        })
    }
}

/// Reads `detections.csv` text (v1 or v2), keeping the rows a tracker can
/// use and counting the others. `sensors`, when given, are the only ids a
/// row may carry. Only a missing or foreign header is an error.
pub fn read_detections(
    text: &str,
    sensors: Option<&[u32]>,
) -> Result<(Vec<Detection>, ReadReport), ScenarioError> {
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, h)| h.trim_end_matches('\r'))
        .unwrap_or("");
    let cols = Columns::find(header)?;
    let mut rep = ReadReport::default();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut last_time = f64::NEG_INFINITY;
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        rep.rows += 1;
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() < cols.width {
            rep.drop(TRUNCATED, n);
            continue;
        }
        let Some((det_id, d)) = parse_row(&f, &cols) else {
            rep.drop(GARBAGE, n);
            continue;
        };
        if !seen.insert(det_id) {
            rep.drop(DUPLICATE, n);
            continue;
        }
        if sensors.is_some_and(|s| !s.contains(&d.sensor_id)) {
            rep.drop(UNKNOWN_SENSOR, n);
            continue;
        }
        if !positive_definite(&d) {
            rep.drop(BAD_COVARIANCE, n);
            continue;
        }
        if d.time < last_time - TIME_EPS {
            rep.drop(OUT_OF_ORDER, n);
            continue;
        }
        last_time = last_time.max(d.time);
        rep.kept += 1;
        out.push(d);
    }
    Ok((out, rep))
}

/// The row as a detection and its `det_id`, or `None` if it is garbage.
fn parse_row(f: &[&str], c: &Columns) -> Option<(u64, Detection)> {
    if f.len() > c.width {
        return None;
    }
    let num = |k: usize| {
        f.get(k)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let ident = match c.ident.and_then(|k| f.get(k)).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) if s.len() <= 6 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(u32::from_str_radix(s, 16).ok()?)
        }
        Some(_) => return None,
    };
    let rxy = num(c.r[1])?;
    let d = Detection {
        time: num(c.time)?,
        sensor_id: f.get(c.sensor_id)?.parse().ok()?,
        x: num(c.x)?,
        y: num(c.y)?,
        r: [[num(c.r[0])?, rxy], [rxy, num(c.r[2])?]],
        ident,
    };
    Some((f.get(c.det_id)?.parse().ok()?, d))
}

fn positive_definite(d: &Detection) -> bool {
    let [[a, b], [_, c]] = d.r;
    a > 0.0 && c > 0.0 && a * c - b * b > 0.0
}

#[cfg(test)]
mod tests;
