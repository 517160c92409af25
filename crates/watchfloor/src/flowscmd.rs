//! `watchfloor flows`: the flow counts from the command line. Reads
//! `flows.sqlite` in the data folder (read only, so beside a running
//! server too) and prints JSON: counts are aggregates, never tracks.

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use flows::counts::{EventKind, Filter, Resolution};
use flows::crossing::{Direction, TrackKind};
use flows::Counts;
use store::FlowStore;

use crate::opscmd::{emit, DataDir};

/// `watchfloor flows ...`
#[derive(Debug, Subcommand)]
pub(crate) enum FlowsCommand {
    /// Print a count series of border crossings as JSON: contiguous, zero-filled bins (UTC) with the coverage they rest on.
    Counts {
        #[command(flatten)]
        data: DataDir,
        /// One sector's code (SDC ELC YUM TCA EPT BBT DRT LRT RGV, or OUT); default all.
        #[arg(long)]
        sector: Option<String>,
        /// Bin width: hour, day or month.
        #[arg(long, default_value = "day")]
        by: String,
        /// Window start, RFC 3339 (default: 30 days before --to).
        #[arg(long)]
        from: Option<String>,
        /// Window end, RFC 3339, exclusive (default: now).
        #[arg(long)]
        to: Option<String>,
        /// Only northbound or southbound.
        #[arg(long)]
        direction: Option<String>,
        /// Only ground, air or maritime.
        #[arg(long)]
        kind: Option<String>,
        /// Turn-backs instead of crossings.
        #[arg(long)]
        turn_backs: bool,
    },
}

/// Runs a `flows` subcommand.
pub(crate) fn flows(c: FlowsCommand) -> Result<()> {
    match c {
        FlowsCommand::Counts {
            data,
            sector,
            by,
            from,
            to,
            direction,
            kind,
            turn_backs,
        } => {
            let by: Resolution = by.parse().context("--by")?;
            let to_s = match to {
                Some(t) => seconds(&t).context("--to")?,
                None => server::now().millis().div_euclid(1000),
            };
            let from_s = match from {
                Some(t) => seconds(&t).context("--from")?,
                None => to_s - 30 * 86_400,
            };
            let filter = Filter {
                sector,
                direction: direction
                    .as_deref()
                    .map(named::<Direction>)
                    .transpose()
                    .context("--direction (northbound or southbound)")?,
                kind: kind
                    .as_deref()
                    .map(named::<TrackKind>)
                    .transpose()
                    .context("--kind (ground, air or maritime)")?,
                event: Some(if turn_backs {
                    EventKind::TurnBack
                } else {
                    EventKind::Crossing
                }),
            };
            let counts = read(&data, from_s)?;
            let out = server::flows::counts_json(&counts, &filter, by, from_s, to_s)?;
            emit(&serde_json::to_string_pretty(&out)?)
        }
    }
}

fn seconds(t: &str) -> Result<i64> {
    Ok(cot::Time::parse(t)?.millis().div_euclid(1000))
}

fn named<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    Ok(serde_json::from_value(serde_json::Value::String(
        s.to_ascii_lowercase(),
    ))?)
}

/// The stored counts from the hour of `from_s` on.
fn read(data: &DataDir, from_s: i64) -> Result<Counts> {
    let path = data.path().join("flows.sqlite");
    if !path.is_file() {
        bail!(
            "{} does not exist: no flow counts in this data folder (is --data-dir the server's?)",
            path.display()
        );
    }
    let store = store::SqliteFlows::open(&path).with_context(|| path.display().to_string())?;
    let (bins, coverage) = store.counts(from_s.div_euclid(3_600))?;
    let mut counts = Counts::new();
    for b in &bins {
        counts.add_bin(b);
    }
    for c in &coverage {
        counts.add_coverage(c);
    }
    Ok(counts)
}
