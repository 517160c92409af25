//! The offline commands: `decode`, `track`, `track-gen` and `track-score`. Each reads
//! files, calls a library (`sensors`, `sim::tracking`), and prints; no logic
//! of its own.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use fusion::imm::ImmConfig;
use fusion::tracker::FilterKind;

/// Arguments of `watchfloor decode`.
#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// A recording: raw ASTERIX data blocks, or a pcap of UDP datagrams carrying them.
    file: PathBuf,
}

/// Arguments of `watchfloor track`.
#[derive(Debug, Args)]
pub(crate) struct TrackArgs {
    /// The scenario's `detections.csv`, format v1 or v2 (a `scenario.json` beside it is read
    /// for `q`, the sensors and their scan times).
    #[arg(long)]
    detections: PathBuf,
    /// Track only this sensor's detections, at its own scan times, with the reference
    /// single-sensor tracker.
    #[arg(long)]
    sensor: Option<u32>,
    /// On a v2 scenario, run the reference single-sensor tracker over the merged stream (every
    /// scan of any sensor a miss for every track) instead of the multi-sensor fuser.
    #[arg(long)]
    reference: bool,
    /// Where to write the tracks CSV (`time,track_id,x,y,vx,vy`).
    #[arg(long)]
    out: PathBuf,
    /// Use the interacting multiple model filter instead of constant velocity.
    #[arg(long)]
    imm: bool,
    /// Mahalanobis gate for confirmed tracks (default: 3, as Stone Soup's missed_distance).
    #[arg(long)]
    gate: Option<f64>,
    /// Process noise q, m²/s³ (default: from scenario.json, else 0.1).
    #[arg(long)]
    q: Option<f64>,
}

/// `watchfloor track --help`, long form.
pub(crate) const TRACK_HELP: &str = "\
Tracks a scenario's detections.csv (format v1 or v2) and writes time,track_id,x,y,vx,vy for
every confirmed track.

v1 (one sensor): the reference tracker (Stone Soup's method), rows after each scan.

v2 (several sensors, scenario.json gives each one's site, coverage and scan times): the
multi-sensor fuser. Every scan of every sensor, in time order, updates one track set with each
detection's own covariance; ADS-B idents join reports of one aircraft; a track counts as missed
only by sensors whose coverage holds it and whose scan passed; a track is deleted once every
live sensor covering it missed it 3 times (or after coasting 3 of the longest periods outside
all coverage); tracks that stay together are merged under the older number. Rows are written
at every time of the scenario's scan_times grid (its 1 s scoring grid), each track moved on to
that time. --reference runs the single-sensor tracker over the merged stream instead (each
scan a miss for every track), --sensor K one sensor alone.

Rows that cannot be used are dropped, counted by kind and reported on stderr, one line per
kind: truncated rows, garbage (unparsable or non-finite fields, a bad ident), duplicated
det_id, unknown sensor_id (not in scenario.json), covariance not positive definite, rows out
of time order.";

/// `watchfloor track-score --help`, long form: the definitions of
/// `fusion::score`.
pub(crate) const SCORE_HELP: &str = "\
Scores a tracks CSV (time,track_id,x,y[,vx,vy]) against truth.csv on a time grid: the
scan_times of the scenario.json beside truth.csv, else the truth's own times.

At each grid time g:
  present tracks   a track whose first row is at or before g and last row at or after g; its
                   position is its latest row at or before g moved on to g at that row's
                   velocity (held without vx,vy)
  GOSPA            alpha 2, order p, cut-off c, between present tracks and truths alive, with
                   its optimal assignment; parts (localisation, missed, false) in p-th power
                   units
  missed targets   truths the GOSPA assignment leaves unpaired, also split into cooperative
                   (truth ident not empty) and non-cooperative when truth.csv has ident
  false tracks     present tracks the GOSPA assignment leaves unpaired
  duplicates       each present track attached to its nearest truth closer than c; a truth
                   with k attached tracks adds k - 1
Over the grid: all of the above are means per grid time, as are present tracks and truths
alive (and their ratio). Id changes: along each truth's grid times, the track_id GOSPA pairs
it with; each change from the previous paired id is one (unpaired times skipped), reported
in total and per truth id; a return to being paired after unpaired times is a break.
Each measure depending on c is given for every --c (default 50 and 200 m).";

/// `watchfloor track-gen --help`, long form.
pub(crate) const GEN_HELP: &str = "\
Writes a SIMULATED tracking scenario (detections.csv, truth.csv, detection_origin.csv and
scenario.json, the format of shared/data/tracking/README.md) into --out. The same arguments
give byte-identical files.

--format 2 (the default): --objects targets alive on average (sample-v2's density, 20 on a
20 km square, scaled), --sensors sensors (K - K/2 radars and K/2 ADS-B receivers, placed so
that most of the region is covered by two or more, each scanning at its own period and phase),
--duration seconds.
--format 1: one synchronous sensor, --duration scans of 1 s (--sensors is ignored).";

/// Arguments of `watchfloor track-gen`.
#[derive(Debug, Args)]
pub(crate) struct GenArgs {
    /// Scenario format: 1 (one sensor, 1 s scans) or 2 (several asynchronous sensors).
    #[arg(long, default_value_t = 2)]
    format: u32,
    /// Targets alive on average.
    #[arg(long, default_value_t = 20)]
    objects: usize,
    /// Sensors (format 2): radars and ADS-B receivers.
    #[arg(long, default_value_t = 5)]
    sensors: usize,
    /// Length in seconds (format 1: number of 1 s scans).
    #[arg(long, default_value_t = 200)]
    duration: u32,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The folder to write (created if needed).
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `watchfloor track-score`.
#[derive(Debug, Args)]
pub(crate) struct ScoreArgs {
    /// `truth.csv` of the scenario (v1 or v2).
    #[arg(long)]
    truth: PathBuf,
    /// The tracks CSV to score.
    #[arg(long)]
    tracks: PathBuf,
    /// GOSPA cut-off distances, metres (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', default_values_t = [50.0, 200.0])]
    c: Vec<f64>,
    /// GOSPA order p (at least 1).
    #[arg(long, default_value_t = 1.0)]
    p: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn decode(args: &DecodeArgs) -> Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in sensors::decode_to_json_lines(&bytes) {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

pub(crate) fn track(args: &TrackArgs) -> Result<()> {
    let mut cfg = fusion::Config::default();
    if args.imm {
        cfg.filter = FilterKind::Imm(ImmConfig::default());
    }
    if let Some(g) = args.gate {
        if !(g.is_finite() && g > 0.0) {
            bail!("--gate must be positive");
        }
        cfg.gate = g;
    }
    if let Some(q) = args.q {
        if !(q.is_finite() && q > 0.0) {
            bail!("--q must be positive");
        }
        cfg.q = q;
    }
    let opts = sim::tracking::TrackOptions {
        q_from_scenario: args.q.is_none(),
        only_sensor: args.sensor,
        reference: args.reference,
    };
    let run = sim::tracking::track_file(&args.detections, &args.out, cfg, opts)
        .with_context(|| format!("tracking {}", args.detections.display()))?;
    for line in run.read.problems() {
        eprintln!("{}: {line}", args.detections.display());
    }
    let stats = run.stats;
    eprintln!(
        "{} scans, {} detections, {:.0} detections/s, scan p50 {:.3} ms, p99 {:.3} ms",
        stats.scans,
        stats.detections,
        stats.detections_per_s(),
        stats.p50_s * 1e3,
        stats.p99_s * 1e3
    );
    Ok(())
}

pub(crate) fn generate(args: &GenArgs) -> Result<()> {
    let scenario = match args.format {
        1 => sim::tracking::simulate(&sim::tracking::SimParams::scaled(
            args.objects,
            args.duration as usize,
            args.seed,
        )),
        2 => {
            if args.sensors == 0 || args.sensors > 100 {
                bail!("--sensors must be between 1 and 100");
            }
            let p = sim::tracking::V2Params::layout(
                args.objects,
                args.sensors,
                args.duration,
                args.seed,
            );
            sim::tracking::simulate_v2(&p)?
        }
        other => bail!("--format must be 1 or 2, not {other}"),
    };
    sim::tracking::write_scenario(&args.out, &scenario)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!("wrote a SIMULATED scenario to {}", args.out.display());
    Ok(())
}

pub(crate) fn score(args: &ScoreArgs) -> Result<()> {
    if args.c.is_empty()
        || !args.c.iter().all(|c| c.is_finite() && *c > 0.0)
        || !(args.p.is_finite() && args.p >= 1.0)
    {
        bail!("--c must be positive and --p at least 1");
    }
    let r = sim::tracking::score_files(&args.truth, &args.tracks, args.p, &args.c)
        .context("scoring")?;
    if args.json {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(());
    }
    let kinds = |all: f64, coop: Option<f64>, non: Option<f64>| match (coop, non) {
        (Some(c), Some(n)) => format!("{all:.2} ({c:.2} cooperative, {n:.2} non-cooperative)"),
        _ => format!("{all:.2}"),
    };
    println!(
        "{} grid times, {} objects; per grid time {} alive, {:.2} tracks ({:.3} per object)",
        r.grid_times,
        r.objects,
        kinds(
            r.mean_alive,
            r.mean_alive_cooperative,
            r.mean_alive_non_cooperative
        ),
        r.mean_tracks,
        r.tracks_per_object
    );
    for s in &r.scores {
        println!(
            "c {} m, p {}: mean GOSPA {:.3} (localisation {:.3}, missed {:.3}, false {:.3}); \
             per grid time: missed targets {}, false tracks {:.2}, duplicates {:.2}; \
             id changes {} ({:.3} per object), breaks {}",
            s.c,
            r.p,
            s.gospa,
            s.localisation,
            s.missed_cost,
            s.false_cost,
            kinds(
                s.missed_targets,
                s.missed_cooperative,
                s.missed_non_cooperative
            ),
            s.false_tracks,
            s.duplicates,
            s.id_changes,
            s.id_changes_per_object,
            s.breaks
        );
    }
    Ok(())
}
