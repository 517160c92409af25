//! Scenario files in and out, and timed offline runs of the tracker.
//!
//! # Units
//! Times in seconds (scenario time, and wall-clock latencies of the
//! tracker), positions in metres.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use fusion::detections::{parse_sensors, read_detections, ReadReport, Sensors, TIME_EPS};
use fusion::fuser::{FuseConfig, FuseError, FusedTrack, Fuser, SensorSpec};
use fusion::gospa::GospaParams;
use fusion::offline::{scan_batches, scan_times, score_texts, sorted_by_time, Score};
use fusion::scenario::{parse_meta, write_header, write_scan, ScenarioError, ScenarioMeta};
use fusion::score::{parse_tracks, parse_truth, truth_times, Report};
use fusion::tracker::{Config, Detection, ScanOutput, Tracker, TrackerError};

use super::SimScenario;

/// Why an offline run or a scenario file failed.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file's text is not in the scenario format.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The tracker refused the input.
    #[error(transparent)]
    Tracker(#[from] TrackerError),
    /// The fuser refused its configuration or a scan.
    #[error(transparent)]
    Fuse(FuseError),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ToolError + '_ {
    move |source| ToolError::Io {
        path: path.to_owned(),
        source,
    }
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

/// Reads a whole file as text.
pub fn read_text(path: &Path) -> Result<String, ToolError> {
    std::fs::read_to_string(path).map_err(io_error(path))
}

/// Tracks `dets` scan by scan, handing each scan's output to `sink` as it
/// is produced (so memory does not grow with the scenario's length), and
/// times each scan inside the tracker.
pub fn run_scans_with<F>(
    dets: &[Detection],
    meta: Option<&ScenarioMeta>,
    cfg: Config,
    sink: F,
) -> Result<RunStats, ToolError>
where
    F: FnMut(&ScanOutput) -> Result<(), ToolError>,
{
    let sorted = sorted_by_time(dets);
    let times = scan_times(&sorted, meta);
    run_times_with(&sorted, &times, cfg, sink)
}

/// Tracks `sorted` (in time order) at each of `times`, as [`run_scans_with`].
fn run_times_with<F>(
    sorted: &[Detection],
    times: &[f64],
    cfg: Config,
    mut sink: F,
) -> Result<RunStats, ToolError>
where
    F: FnMut(&ScanOutput) -> Result<(), ToolError>,
{
    let mut tracker = Tracker::new(cfg)?;
    let mut lat = Vec::new();
    for (t, batch) in scan_batches(sorted, times) {
        let clock = Instant::now();
        let out = tracker.process(t, batch)?;
        lat.push(clock.elapsed().as_secs_f64());
        sink(&out)?;
    }
    Ok(timing(lat, sorted.len()))
}

/// Tracks `dets` scan by scan and returns every scan's output.
pub fn run_scans(
    dets: &[Detection],
    meta: Option<&ScenarioMeta>,
    cfg: Config,
) -> Result<(Vec<ScanOutput>, RunStats), ToolError> {
    let mut outs = Vec::new();
    let stats = run_scans_with(dets, meta, cfg, |o| {
        outs.push(o.clone());
        Ok(())
    })?;
    Ok((outs, stats))
}

/// `watchfloor track`'s choices beyond the tracker's configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TrackOptions {
    /// Take `q` from `scenario.json` when it gives one.
    pub q_from_scenario: bool,
    /// Track only this sensor's detections, at its own scan times.
    pub only_sensor: Option<u32>,
    /// On a v2 scenario, use the single-sensor reference tracker over the
    /// merged stream instead of the multi-sensor fuser.
    pub reference: bool,
}

/// What [`track_file`] did: the tracker's timing and what reading dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackRun {
    /// Timing of the tracker.
    pub stats: RunStats,
    /// Rows of `detections.csv` kept and dropped, by kind.
    pub read: ReadReport,
}

/// `watchfloor track`: reads `detections` (v1 or v2; bad rows dropped and
/// counted) and `scenario.json` beside it if present, tracks every
/// detection as one stream in time order, and writes `out`.
///
/// The scans are the detections' times together with, for v2, every
/// sensor's scan times from `scenario.json` (so a scan without detections
/// still counts as a miss, for every track: the tracker does not know
/// coverage yet), or, for v1, the `scan_times` grid. With
/// [`TrackOptions::only_sensor`] only that sensor's detections and scan
/// times are used.
pub fn track_file(
    detections: &Path,
    out: &Path,
    mut cfg: Config,
    opts: TrackOptions,
) -> Result<TrackRun, ToolError> {
    let json = detections.with_file_name("scenario.json");
    let (meta, sensors) = if json.exists() {
        let text = read_text(&json)?;
        (Some(parse_meta(&text)?), parse_sensors(&text)?)
    } else {
        (None, Sensors::default())
    };
    let ids = sensors.ids();
    let (mut dets, read) = read_detections(&read_text(detections)?, ids.as_deref())?;
    if let Some(k) = opts.only_sensor {
        dets.retain(|d| d.sensor_id == k);
    }
    if let Some(q) = meta
        .as_ref()
        .and_then(|m| m.q)
        .filter(|_| opts.q_from_scenario)
    {
        cfg.q = q;
    }
    if let Some(specs) = sensors
        .specs()
        .filter(|_| opts.only_sensor.is_none() && !opts.reference)
    {
        let fcfg = FuseConfig {
            tracker: cfg,
            ..FuseConfig::default()
        };
        let grid = meta
            .as_ref()
            .map(ScenarioMeta::scan_times)
            .unwrap_or_default();
        let file = std::fs::File::create(out).map_err(io_error(out))?;
        let mut w = std::io::BufWriter::new(file);
        write_header(&mut w).map_err(io_error(out))?;
        let stats = fuse_scans_with(
            &sorted_by_time(&dets),
            &sensors,
            specs,
            fcfg,
            &grid,
            |t, tracks| write_tracks(&mut w, t, tracks).map_err(io_error(out)),
        )?;
        w.flush().map_err(io_error(out))?;
        return Ok(TrackRun { stats, read });
    }
    let times = match sensors.scan_times(opts.only_sensor) {
        Some(mut t) => {
            t.extend(dets.iter().map(|d| d.time));
            t.sort_by(f64::total_cmp);
            t.dedup_by(|a, b| (*a - *b).abs() < TIME_EPS);
            t
        }
        None => scan_times(&dets, meta.as_ref()),
    };
    let file = std::fs::File::create(out).map_err(io_error(out))?;
    let mut w = std::io::BufWriter::new(file);
    write_header(&mut w).map_err(io_error(out))?;
    // Rows out of order by less than TIME_EPS are kept; sort them in.
    let stats = run_times_with(&sorted_by_time(&dets), &times, cfg, |o| {
        write_scan(&mut w, o).map_err(io_error(out))
    })?;
    w.flush().map_err(io_error(out))?;
    Ok(TrackRun { stats, read })
}

/// Rows of the track output format for `tracks`, all at `time`.
fn write_tracks<W: Write>(w: &mut W, time: f64, tracks: &[FusedTrack]) -> std::io::Result<()> {
    for t in tracks {
        let r = &t.report;
        writeln!(
            w,
            "{time:.3},{},{:.3},{:.3},{:.4},{:.4}",
            r.id, r.x, r.y, r.vx, r.vy
        )?;
    }
    Ok(())
}

/// Fuses `sorted` (detections in time order) scan by scan: every scan time
/// of every sensor of `sensors` (`specs` in the same order), with the
/// detections of that sensor at that time, in time order (sensors in file
/// order at equal times). Hands the confirmed tracks to `sink` at each
/// time of `grid` once every scan at or before it is processed (and, with
/// no grid, after every scan). Times each scan inside the fuser.
pub fn fuse_scans_with<F>(
    sorted: &[Detection],
    sensors: &Sensors,
    specs: Vec<SensorSpec>,
    cfg: FuseConfig,
    grid: &[f64],
    mut sink: F,
) -> Result<RunStats, ToolError>
where
    F: FnMut(f64, &[FusedTrack]) -> Result<(), ToolError>,
{
    // Scans: (time, sensor index), from the periods and from the rows.
    let index: std::collections::HashMap<u32, u32> = (0u32..)
        .zip(&sensors.sensors)
        .map(|(i, s)| (s.sensor_id, i))
        .collect();
    let mut scans: Vec<(f64, u32)> = Vec::new();
    for (i, s) in (0u32..).zip(&sensors.sensors) {
        for t in sensors.scan_times(Some(s.sensor_id)).unwrap_or_default() {
            scans.push((t, i));
        }
    }
    let mut dets: Vec<(f64, u32, Detection)> = sorted
        .iter()
        .filter_map(|d| index.get(&d.sensor_id).map(|&i| (d.time, i, *d)))
        .collect();
    dets.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    scans.extend(dets.iter().map(|(t, i, _)| (*t, *i)));
    scans.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    scans.dedup_by(|a, b| a.1 == b.1 && (a.0 - b.0).abs() < TIME_EPS);

    let mut fuser = Fuser::new(cfg, specs).map_err(ToolError::Fuse)?;
    let mut lat = Vec::with_capacity(scans.len());
    let (mut k, mut g) = (0, 0);
    let mut batch: Vec<Detection> = Vec::new();
    for &(t, i) in &scans {
        while grid.get(g).is_some_and(|&gt| gt < t - TIME_EPS) {
            sink(grid[g], &fuser.tracks_at(grid[g]))?;
            g += 1;
        }
        batch.clear();
        while let Some((dt, di, d)) = dets.get(k) {
            let same_time = (*dt - t).abs() < TIME_EPS;
            // Every row made a scan of its own above, so no row is left
            // behind; `before` only guards the walk.
            let before = *dt < t - TIME_EPS || (same_time && *di < i);
            let here = same_time && *di == i;
            if !(before || here) {
                break;
            }
            if here {
                batch.push(*d);
            }
            k += 1;
        }
        let clock = Instant::now();
        let done = fuser.scan(i, t, &batch);
        lat.push(clock.elapsed().as_secs_f64());
        done.map_err(ToolError::Fuse)?;
        if grid.is_empty() {
            sink(t, &fuser.tracks_at(t))?;
        }
    }
    for &gt in &grid[g.min(grid.len())..] {
        sink(gt, &fuser.tracks_at(gt))?;
    }
    Ok(timing(lat, dets.len()))
}

fn timing(mut lat: Vec<f64>, detections: usize) -> RunStats {
    let total: f64 = lat.iter().sum();
    lat.sort_by(f64::total_cmp);
    let pct = |q: f64| {
        lat.get(((lat.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    RunStats {
        scans: lat.len(),
        detections,
        tracker_s: total,
        p50_s: pct(0.5),
        p99_s: pct(0.99),
        max_s: lat.last().copied().unwrap_or(0.0),
    }
}

/// [`track_file`] on every sensor together, returning only the timing.
pub fn run_offline(
    detections: &Path,
    out: &Path,
    cfg: Config,
    q_from_scenario: bool,
) -> Result<RunStats, ToolError> {
    let opts = TrackOptions {
        q_from_scenario,
        only_sensor: None,
        reference: false,
    };
    Ok(track_file(detections, out, cfg, opts)?.stats)
}

/// GOSPA of a tracks file against `truth.csv`, at every time of either.
pub fn score(truth: &Path, tracks: &Path, prm: GospaParams) -> Result<Score, ToolError> {
    Ok(score_texts(&read_text(truth)?, &read_text(tracks)?, prm)?)
}

/// `watchfloor track-score`: a tracks file scored against `truth.csv` with
/// [`fusion::score::score`], on the `scan_times` grid of the
/// `scenario.json` beside `truth` (else on the truth's own times), with
/// GOSPA order `p` and each cut-off of `cs` (metres).
pub fn score_files(truth: &Path, tracks: &Path, p: f64, cs: &[f64]) -> Result<Report, ToolError> {
    let t = parse_truth(&read_text(truth)?)?;
    let k = parse_tracks(&read_text(tracks)?)?;
    let json = truth.with_file_name("scenario.json");
    let grid = if json.exists() {
        parse_meta(&read_text(&json)?)?.scan_times()
    } else {
        truth_times(&t)
    };
    Ok(fusion::score::score(&t, &k, &grid, p, cs))
}

/// Writes `scenario` into `dir` (created if needed) as `detections.csv`,
/// `truth.csv`, `detection_origin.csv` and `scenario.json`.
pub fn write_scenario(dir: &Path, scenario: &SimScenario) -> Result<(), ToolError> {
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    for (name, text) in [
        ("detections.csv", &scenario.detections_csv),
        ("truth.csv", &scenario.truth_csv),
        ("detection_origin.csv", &scenario.origin_csv),
        ("scenario.json", &scenario.scenario_json),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(io_error(&path))?;
    }
    Ok(())
}
