//! The offline commands: `decode`, `track` and `track-score`. Each reads
//! files, calls a library (`sensors`, `sim::tracking`), and prints; no logic
//! of its own.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use fusion::gospa::GospaParams;
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
    /// The scenario's `detections.csv` (a `scenario.json` beside it is read for `q`).
    #[arg(long)]
    detections: PathBuf,
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

/// Arguments of `watchfloor track-score`.
#[derive(Debug, Args)]
pub(crate) struct ScoreArgs {
    /// `truth.csv` of the scenario.
    #[arg(long)]
    truth: PathBuf,
    /// The tracks CSV to score.
    #[arg(long)]
    tracks: PathBuf,
    /// GOSPA cut-off distance, metres.
    #[arg(long, default_value_t = 50.0)]
    c: f64,
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
    let stats = sim::tracking::run_offline(&args.detections, &args.out, cfg, args.q.is_none())
        .with_context(|| format!("tracking {}", args.detections.display()))?;
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

pub(crate) fn score(args: &ScoreArgs) -> Result<()> {
    if !(args.c.is_finite() && args.c > 0.0 && args.p.is_finite() && args.p >= 1.0) {
        bail!("--c must be positive and --p at least 1");
    }
    let s = sim::tracking::score(
        &args.truth,
        &args.tracks,
        GospaParams {
            c: args.c,
            p: args.p,
        },
    )
    .context("scoring")?;
    let m = s.mean;
    if args.json {
        let v = serde_json::json!({
            "scans": s.scans, "c": args.c, "p": args.p, "gospa": m.total,
            "localisation": m.localisation, "missed": m.missed, "false": m.false_tracks,
        });
        println!("{v}");
    } else {
        println!(
            "mean GOSPA {:.3} over {} scans (c {} m, p {}): localisation {:.3}, missed {:.3}, false {:.3}",
            m.total, s.scans, args.c, args.p, m.localisation, m.missed, m.false_tracks
        );
    }
    Ok(())
}
