//! `watchfloor flows`: the flow counts from the command line. Reads
//! `flows.sqlite` in the data folder (read only, so beside a running
//! server too) and prints JSON: counts are aggregates, never tracks.

use std::path::{Path, PathBuf};

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
    /// Import official statistics (CBP encounter CSVs by AOR or state, Border Patrol monthly tables) into flows.sqlite: every file read and checked first, then all stored at once or nothing.
    Import {
        #[command(flatten)]
        data: DataDir,
        /// The files; the layout of each is found from its header.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run the anomaly detectors on one series and print the alerts as JSON, each with observed, expected, method, score or p-value, threshold and window.
    Detect {
        #[command(flatten)]
        data: DataDir,
        /// `official:KEY` (COMPONENT/REGION/SECTOR as `flows import` prints it, e.g. USBP/Southwest/RGV, or a sector alone when it is unique) or `counts:SECTOR` (the task force's own northbound crossings).
        #[arg(long)]
        series: String,
        /// Read the official series from these files instead of the data folder.
        files: Vec<PathBuf>,
        /// Bin width for `counts:` series: hour, day or month.
        #[arg(long, default_value = "hour")]
        by: String,
        /// Window start, RFC 3339 (counts: default 10 weeks before --to; official: the first month).
        #[arg(long)]
        from: Option<String>,
        /// Window end, RFC 3339, exclusive (default: now, or the last month).
        #[arg(long)]
        to: Option<String>,
    },
    /// Render the analyst's flow report to PDF (or HTML for a .html path): counts and trends per sector with the baseline, the anomalies with their evidence, the alerts raised, the official series for context, the method and the provenance.
    Report {
        #[command(flatten)]
        data: DataDir,
        /// Window start, RFC 3339 (default: 30 days before --to).
        #[arg(long)]
        from: Option<String>,
        /// Window end, RFC 3339, exclusive (default: now).
        #[arg(long)]
        to: Option<String>,
        /// One sector's code; default every sector.
        #[arg(long)]
        sector: Option<String>,
        /// The file to write: .pdf or .html.
        #[arg(long)]
        out: PathBuf,
        /// The marking on every page (default: SIMULATION when any count is simulated).
        #[arg(long)]
        marking: Option<String>,
    },
    /// Rebuild the flow counts of a window from the CoT history in the data folder (watchfloor.sqlite), replacing its whole hours in flows.sqlite; run it with the server stopped (a running server keeps its own counts until it restarts).
    Rebuild {
        #[command(flatten)]
        data: DataDir,
        /// Window start, RFC 3339 (default: 7 days before --to, the history's default retention).
        #[arg(long)]
        from: Option<String>,
        /// Window end, RFC 3339 (default: now).
        #[arg(long)]
        to: Option<String>,
    },
    /// Write SIMULATED counts into flows.sqlite for training and tests: ten weeks of hourly northbound crossings in Tucson at the demo's rhythm, for the hours nothing covered, the last --surge-hours raised to --surge-factor times their expected level. Labelled: their coverage source is "SIMULATED history".
    Simulate {
        #[command(flatten)]
        data: DataDir,
        /// Hours at the end of the history to multiply (0: no surge).
        #[arg(long, default_value_t = 0)]
        surge_hours: u32,
        /// The surge's factor.
        #[arg(long, default_value_t = 3.0)]
        surge_factor: f64,
        /// Seed of the simulated counts.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// The largest official file read, bytes: a larger one is refused before
/// it is read further.
const MAX_IMPORT_BYTES: u64 = 256 << 20;

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
            let (from_s, to_s) = window(from.as_deref(), to.as_deref(), 30)?;
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
        FlowsCommand::Import { data, files } => import(&data, &files),
        FlowsCommand::Detect {
            data,
            series,
            files,
            by,
            from,
            to,
        } => detect(&data, &series, &files, &by, from.as_deref(), to.as_deref()),
        FlowsCommand::Report {
            data,
            from,
            to,
            sector,
            out,
            marking,
        } => {
            let (from_s, to_s) = window(from.as_deref(), to.as_deref(), 30)?;
            if to_s == from_s {
                bail!("the window is empty");
            }
            let path = data.path().join("flows.sqlite");
            let counts = read(&data, from_s - 10 * 7 * 86_400)?;
            let store =
                store::SqliteFlows::open(&path).with_context(|| path.display().to_string())?;
            let border = flows::Border::us_mexico()?;
            let sectors = flows::Sectors::us_southwest(&border)?;
            let doc = server::flows_report::report_from(
                &counts,
                &sectors,
                &store.alerts(0)?,
                &store.official()?,
                sector.as_deref(),
                from_s,
                to_s,
                marking,
            )?;
            let bytes = report::render(&doc, report::Format::of_path(&out))?;
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "flow report {} to {}: {} ({} bytes)",
                server::flows::iso(from_s),
                server::flows::iso(to_s),
                out.display(),
                bytes.len()
            );
            Ok(())
        }
        FlowsCommand::Rebuild { data, from, to } => {
            let (from_s, to_s) = window(from.as_deref(), to.as_deref(), 7)?;
            let history = data.path().join("watchfloor.sqlite");
            if !history.is_file() {
                bail!(
                    "{} does not exist: no CoT history in this data folder (is --data-dir the server's?)",
                    history.display()
                );
            }
            let done = server::flows::rebuild_counts(
                data.path(),
                from_s,
                to_s,
                flows::CrossingConfig::default(),
            )?;
            let out = serde_json::json!({
                "from": server::flows::iso(from_s), "to": server::flows::iso(to_s),
                "rebuilt": done,
                "note": "a running server keeps its own counts until it restarts",
            });
            emit(&serde_json::to_string_pretty(&out)?)
        }
        FlowsCommand::Simulate {
            data,
            surge_hours,
            surge_factor,
            seed,
        } => simulate(&data, surge_hours, surge_factor, seed),
    }
}

fn simulate(data: &DataDir, surge_hours: u32, factor: f64, seed: u64) -> Result<()> {
    if !(factor.is_finite() && (0.0..=1000.0).contains(&factor)) {
        bail!("--surge-factor {factor} is out of range: 0 to 1000");
    }
    let dir = data.path();
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let path = dir.join("flows.sqlite");
    let store = store::SqliteFlows::open(&path).with_context(|| path.display().to_string())?;
    let now_h = server::now().millis().div_euclid(3_600_000);
    let (_, stored) = store.counts(now_h - crate::demo::FLOW_HISTORY_WEEKS * 7 * 24)?;
    let covered = stored.iter().map(|c| c.hour).collect();
    let cfg = sim::crossers::CrossersConfig::border_sector();
    let (mut bins, coverage) = crate::demo::history_bins(&cfg, seed, now_h, &covered);
    let surge_from = now_h - i64::from(surge_hours);
    // The surge adds (factor − 1) times the hour's expected crossings, so its
    // size does not depend on how the noise fell in those hours.
    for b in bins
        .iter_mut()
        .filter(|b| b.hour >= surge_from && b.key.event == flows::counts::EventKind::Crossing)
    {
        let expected = cfg.per_hour * sim::crossers::rhythm(b.hour * 3_600 + 1_800);
        b.n += ((factor - 1.0).max(0.0) * expected).round() as u64;
    }
    store.add_counts(&bins, &coverage)?;
    let out = serde_json::json!({
        "simulated": true,
        "into": path.display().to_string(),
        "hours": coverage.len(),
        "crossings": bins.iter().map(|b| b.n).sum::<u64>(),
        "surge": { "from": server::flows::iso(surge_from * 3_600), "hours": surge_hours, "factor": factor },
        "source": sim::crossers::HISTORY_SOURCE,
    });
    emit(&serde_json::to_string_pretty(&out)?)
}

/// Reads and checks one official file.
fn read_official(path: &Path) -> Result<flows::official::Import> {
    let file = std::fs::File::open(path).with_context(|| path.display().to_string())?;
    flows::official::import_reader(std::io::BufReader::new(file), MAX_IMPORT_BYTES)
        .with_context(|| path.display().to_string())
}

fn import(data: &DataDir, files: &[PathBuf]) -> Result<()> {
    let mut imports = Vec::new();
    for path in files {
        imports.push(read_official(path)?);
    }
    let merged = flows::official::merge(&imports).context("the files disagree")?;
    let dir = data.path();
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let path = dir.join("flows.sqlite");
    let store = store::SqliteFlows::open(&path).with_context(|| path.display().to_string())?;
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_name()
                .map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into())
        })
        .collect();
    let source: String = names.join(", ").chars().take(500).collect();
    store
        .put_official(&source, &merged)
        .with_context(|| format!("storing into {}", path.display()))?;
    let out = serde_json::json!({
        "stored": merged.len(),
        "into": path.display().to_string(),
        "files": names.iter().zip(&imports)
            .map(|(n, i)| server::flows::import_json(n, i)).collect::<Vec<_>>(),
        "note": "a running server reads official series at start, or takes them at POST /api/flows/official",
    });
    emit(&serde_json::to_string_pretty(&out)?)
}

/// The official series `want` names among `all`.
fn pick_official(all: Vec<flows::official::Series>, want: &str) -> Result<flows::official::Series> {
    if let Some(s) = all
        .iter()
        .find(|s| s.key.to_string().eq_ignore_ascii_case(want))
    {
        return Ok(s.clone());
    }
    let by_sector: Vec<&flows::official::Series> = all
        .iter()
        .filter(|s| s.key.sector.eq_ignore_ascii_case(want))
        .collect();
    match by_sector.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "no official series {want:?}; there are: {}",
            all.iter()
                .map(|s| s.key.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        many => bail!(
            "{want:?} is more than one series: {}",
            many.iter()
                .map(|s| s.key.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn detect(
    data: &DataDir,
    series: &str,
    files: &[PathBuf],
    by: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<()> {
    let (kind, name) = series
        .split_once(':')
        .context("--series is official:KEY or counts:SECTOR")?;
    let (values, by, start_s, label, missing) = match kind {
        "official" => {
            let all = if files.is_empty() {
                let path = data.path().join("flows.sqlite");
                if !path.is_file() {
                    bail!("{} does not exist: import official files first (watchfloor flows import) or name the files after --series", path.display());
                }
                store::SqliteFlows::open(&path)
                    .with_context(|| path.display().to_string())?
                    .official()?
            } else {
                let mut imports = Vec::new();
                for path in files {
                    imports.push(read_official(path)?);
                }
                flows::official::merge(&imports).context("the files disagree")?
            };
            let s = pick_official(all, name)?;
            let (first, last) = s.span().context("the series has no figures")?;
            let month = |t: Option<&str>, or: flows::Month| -> Result<flows::Month> {
                Ok(match t {
                    Some(t) => flows::Month::of(seconds(t)?),
                    None => or,
                })
            };
            let from_m = month(from, first).context("--from")?.max(first);
            let to_m = match to {
                // Exclusive: the month before the one holding --to's instant.
                Some(t) => {
                    let end = flows::Month::of(seconds(t).context("--to")? - 1);
                    end.min(last)
                }
                None => last,
            };
            if to_m < from_m {
                bail!("the window ends before it starts");
            }
            let missing = s.missing(from_m, to_m);
            (
                s.zero_filled(from_m, to_m),
                Resolution::Month,
                from_m.start_s(),
                format!("official {}", s.key),
                missing,
            )
        }
        "counts" => {
            let by: Resolution = by.parse().context("--by")?;
            let (from_s, to_s) = window(from, to, 70)?;
            let filter = Filter {
                direction: Some(Direction::Northbound),
                ..Filter::crossings().in_sector(name)
            };
            let counts = read(data, from_s)?;
            let s = counts.series(&filter, by, from_s, to_s)?;
            (
                s.values,
                by,
                s.start_s,
                format!("{name} northbound crossings"),
                Vec::new(),
            )
        }
        other => bail!("--series kind {other:?}: official:KEY or counts:SECTOR"),
    };
    let cfg = flows::detect::DetectConfig::for_resolution(by);
    let (_, anomalies) = flows::detect::analyse(&values, by, &cfg)
        .with_context(|| format!("{label}: nothing to analyse"))?;
    let starts: Vec<String> = (0..values.len())
        .scan(start_s, |t, _| {
            let here = *t;
            *t = by.next(here);
            Some(server::flows::iso(here))
        })
        .collect();
    let mut per_method = std::collections::BTreeMap::new();
    for a in &anomalies {
        *per_method.entry(a.method.name()).or_insert(0u32) += 1;
    }
    let out = serde_json::json!({
        "series": label,
        "by": by,
        "from": starts.first(),
        "bins": values.len(),
        "total": values.iter().sum::<u64>(),
        "missing_counted_as_zero": missing,
        "method": cfg,
        "alerts_per_method": per_method,
        "alerts": anomalies.iter()
            .map(|a| server::flows::anomaly_json(a, start_s, by, &starts))
            .collect::<Vec<_>>(),
    });
    emit(&serde_json::to_string_pretty(&out)?)
}

/// `--from` and `--to` in seconds: `to` defaults to now, `from` to
/// `default_days` before it; a window that ends before it starts is an
/// error.
fn window(from: Option<&str>, to: Option<&str>, default_days: i64) -> Result<(i64, i64)> {
    let to_s = match to {
        Some(t) => seconds(t).context("--to")?,
        None => server::now().millis().div_euclid(1000),
    };
    let from_s = match from {
        Some(t) => seconds(t).context("--from")?,
        None => to_s - default_days * 86_400,
    };
    if to_s < from_s {
        bail!("the window ends before it starts");
    }
    Ok((from_s, to_s))
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
