//! `cargo run -p sim --example gen -- --targets N --scans S --seed K --out DIR [--q Q]`
//!
//! Writes a SIMULATED scenario in the v1 format (`detections.csv`,
//! `truth.csv`, `detection_origin.csv`, `scenario.json`) at the sample's
//! density scaled to N targets.

use sim::tracking::{simulate, write_scenario, SimParams};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut targets, mut scans, mut seed, mut out, mut q) = (100usize, 100usize, 1u64, None, None);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--targets" => targets = val()?.parse()?,
            "--scans" => scans = val()?.parse()?,
            "--seed" => seed = val()?.parse()?,
            "--q" => q = Some(val()?.parse()?),
            "--out" => out = Some(PathBuf::from(val()?)),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    let mut p = SimParams::scaled(targets, scans, seed);
    p.q = q.unwrap_or(p.q);
    let s = simulate(&p);
    write_scenario(&out, &s)?;
    println!("wrote simulated scenario to {}", out.display());
    Ok(())
}
