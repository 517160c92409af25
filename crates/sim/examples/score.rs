//! `cargo run -p sim --example score -- --truth FILE --tracks FILE [--c 50] [--p 1]`
//!
//! Mean GOSPA (alpha 2) of a tracks CSV against `truth.csv`, with its parts.

use fusion::gospa::GospaParams;
use sim::tracking::score;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut truth, mut tracks, mut prm) = (None, None, GospaParams::default());
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--truth" => truth = Some(PathBuf::from(val()?)),
            "--tracks" => tracks = Some(PathBuf::from(val()?)),
            "--c" => prm.c = val()?.parse()?,
            "--p" => prm.p = val()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let (Some(truth), Some(tracks)) = (truth, tracks) else {
        return Err("usage: score --truth FILE --tracks FILE [--c 50] [--p 1]".into());
    };
    if !(prm.c > 0.0 && prm.p >= 1.0) {
        return Err("need c > 0 and p >= 1".into());
    }
    let s = score(&truth, &tracks, prm)?;
    let m = s.mean;
    println!(
        "scans {} mean GOSPA {:.3} (c {} p {} alpha 2): localisation {:.3} missed {:.3} false {:.3}",
        s.scans, m.total, prm.c, prm.p, m.localisation, m.missed, m.false_tracks
    );
    Ok(())
}
