//! Offline runs on recorded scenarios: track a `detections.csv` into a
//! tracks CSV, and score a tracks CSV against `truth.csv` with GOSPA. These
//! are the library halves of `watchfloor track` and `watchfloor track-score`.

use crate::gospa::{gospa, mean, Gospa, GospaParams};
use crate::scenario::{
    parse_detections, parse_meta, parse_positions, read_text, write_header, write_scan,
    ScenarioError, ScenarioMeta,
};
use crate::tracker::{Config, Detection, ScanOutput, Tracker, TrackerError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use thiserror::Error;

/// Errors of an offline run.
#[derive(Debug, Error)]
pub enum OfflineError {
    /// Reading or writing the files failed.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The tracker refused the input.
    #[error(transparent)]
    Tracker(#[from] TrackerError),
}

/// Timing of an offline run (wall clock, this process).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStats {
    /// Scans processed.
    pub scans: usize,
    /// Detections processed.
    pub detections: usize,
    /// Time spent in the tracker (seconds).
    pub tracker_s: f64,
    /// Median scan latency (seconds).
    pub p50_s: f64,
    /// 99th percentile scan latency (seconds).
    pub p99_s: f64,
    /// Worst scan latency (seconds).
    pub max_s: f64,
}

impl RunStats {
    /// Detections per second of tracker time.
    pub fn detections_per_s(&self) -> f64 {
        if self.tracker_s > 0.0 {
            self.detections as f64 / self.tracker_s
        } else {
            0.0
        }
    }
}

/// Scan times: those of `meta` when given, else every time seen in the
/// detections, so that scans without any detection still count as misses.
fn scan_times(dets: &[Detection], meta: Option<&ScenarioMeta>) -> Vec<f64> {
    let mut times: Vec<f64> = meta.map(|m| m.scan_times()).unwrap_or_default();
    times.extend(dets.iter().map(|d| d.time));
    times.sort_by(f64::total_cmp);
    times.dedup();
    times
}

/// Tracks `dets` scan by scan, handing each scan's output to `sink` as it
/// is produced (so memory does not grow with the scenario's length).
pub fn run_scans_with<F>(
    dets: &[Detection],
    meta: Option<&ScenarioMeta>,
    cfg: Config,
    mut sink: F,
) -> Result<RunStats, OfflineError>
where
    F: FnMut(&ScanOutput) -> Result<(), OfflineError>,
{
    // Recorded files are already in time order; copy only when they are not.
    let sorted: std::borrow::Cow<'_, [Detection]> = if dets.is_sorted_by(|a, b| a.time <= b.time) {
        dets.into()
    } else {
        let mut v = dets.to_vec();
        v.sort_by(|a, b| a.time.total_cmp(&b.time));
        v.into()
    };
    let mut tracker = Tracker::new(cfg)?;
    let mut lat = Vec::new();
    let mut k = 0;
    for t in scan_times(&sorted, meta) {
        let start = k;
        while k < sorted.len() && sorted[k].time <= t {
            k += 1;
        }
        let clock = Instant::now();
        let out = tracker.process(t, &sorted[start..k])?;
        lat.push(clock.elapsed().as_secs_f64());
        sink(&out)?;
    }
    let total: f64 = lat.iter().sum();
    lat.sort_by(f64::total_cmp);
    let pct = |q: f64| {
        lat.get(((lat.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok(RunStats {
        scans: lat.len(),
        detections: sorted.len(),
        tracker_s: total,
        p50_s: pct(0.5),
        p99_s: pct(0.99),
        max_s: lat.last().copied().unwrap_or(0.0),
    })
}

/// Tracks `dets` scan by scan and returns every scan's output.
pub fn run_scans(
    dets: &[Detection],
    meta: Option<&ScenarioMeta>,
    cfg: Config,
) -> Result<(Vec<ScanOutput>, RunStats), OfflineError> {
    let mut outs = Vec::new();
    let stats = run_scans_with(dets, meta, cfg, |o| {
        outs.push(o.clone());
        Ok(())
    })?;
    Ok((outs, stats))
}

/// `watchfloor track`: reads `detections` (and `scenario.json` beside it, if
/// present, for the scan times and, when `q_from_scenario`, its `q`), tracks,
/// and writes `out`.
pub fn run_offline(
    detections: &Path,
    out: &Path,
    mut cfg: Config,
    q_from_scenario: bool,
) -> Result<RunStats, OfflineError> {
    let dets = parse_detections(&read_text(detections)?)?;
    let json = detections.with_file_name("scenario.json");
    let meta = if json.exists() {
        Some(parse_meta(&read_text(&json)?)?)
    } else {
        None
    };
    if let Some(q) = meta.as_ref().and_then(|m| m.q).filter(|_| q_from_scenario) {
        cfg.q = q;
    }
    let io = |source| ScenarioError::Io {
        path: PathBuf::from(out),
        source,
    };
    let file = std::fs::File::create(out).map_err(io)?;
    let mut w = std::io::BufWriter::new(file);
    write_header(&mut w).map_err(io)?;
    let stats = run_scans_with(&dets, meta.as_ref(), cfg, |o| {
        Ok(write_scan(&mut w, o).map_err(io)?)
    })?;
    w.flush().map_err(io)?;
    Ok(stats)
}

/// Per-scan and mean GOSPA of tracks against truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Mean over scans.
    pub mean: Gospa,
    /// Scans scored.
    pub scans: usize,
}

/// GOSPA at every time present in either text, averaged.
pub fn score_texts(truth: &str, tracks: &str, prm: GospaParams) -> Result<Score, ScenarioError> {
    let truth = parse_positions(truth)?;
    let tracks = parse_positions(tracks)?;
    let mut times: Vec<f64> = truth.iter().chain(&tracks).map(|r| r.time).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let at = |rows: &[crate::scenario::PositionRow], t: f64| -> Vec<[f64; 2]> {
        let lo = rows.partition_point(|r| r.time < t);
        rows[lo..]
            .iter()
            .take_while(|r| r.time == t)
            .map(|r| [r.x, r.y])
            .collect()
    };
    let mut truth = truth;
    let mut tracks = tracks;
    truth.sort_by(|a, b| a.time.total_cmp(&b.time));
    tracks.sort_by(|a, b| a.time.total_cmp(&b.time));
    let per: Vec<Gospa> = times
        .iter()
        .map(|&t| gospa(&at(&truth, t), &at(&tracks, t), prm))
        .collect();
    Ok(Score {
        mean: mean(&per),
        scans: per.len(),
    })
}

/// `watchfloor track-score`: GOSPA of a tracks file against `truth.csv`.
pub fn score(truth: &Path, tracks: &Path, prm: GospaParams) -> Result<Score, ScenarioError> {
    score_texts(&read_text(truth)?, &read_text(tracks)?, prm)
}
