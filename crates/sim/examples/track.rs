//! `cargo run -p sim --example track -- --detections FILE --out FILE [--imm] [--gate G]
//! [--tentative-gate G] [--init-velocity-var V] [--min-points N] [--max-misses N] [--q Q]`
//!
//! `--q` overrides the `q` read from `scenario.json`.
//!
//! Tracks a scenario's `detections.csv` (reading `scenario.json` beside it if
//! present) and writes the tracks CSV; prints timing and peak memory.

use fusion::imm::ImmConfig;
use fusion::tracker::FilterKind;
use fusion::Config;
use sim::tracking::run_offline;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut dets, mut out, mut cfg, mut own_q) = (None, None, Config::default(), false);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--detections" => dets = Some(PathBuf::from(val()?)),
            "--out" => out = Some(PathBuf::from(val()?)),
            "--gate" => cfg.gate = val()?.parse()?,
            "--tentative-gate" => cfg.tentative_gate = val()?.parse()?,
            "--init-velocity-var" => cfg.init_velocity_var = val()?.parse()?,
            "--min-points" => cfg.min_points = val()?.parse()?,
            "--max-misses" => cfg.max_misses = val()?.parse()?,
            "--q" => {
                cfg.q = val()?.parse()?;
                own_q = true;
            }
            "--imm" => cfg.filter = FilterKind::Imm(ImmConfig::default()),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let (Some(dets), Some(out)) = (dets, out) else {
        return Err("usage: track --detections FILE --out FILE [--imm] [--gate G]".into());
    };
    let s = run_offline(&dets, &out, cfg, !own_q)?;
    println!(
        "scans {} detections {} tracker {:.3} s  {:.0} detections/s  scan p50 {:.3} ms p99 {:.3} ms max {:.3} ms  peak RSS {} kB",
        s.scans,
        s.detections,
        s.tracker_s,
        s.detections_per_s(),
        s.p50_s * 1e3,
        s.p99_s * 1e3,
        s.max_s * 1e3,
        peak_rss_kb().unwrap_or(0)
    );
    Ok(())
}

/// Peak resident set size of this process (Linux), in kB.
fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
