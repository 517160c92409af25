//! Flow counting in the running server: a sink that hands the router's
//! track fixes to the flow engine under an opaque key, a task that feeds
//! the engine, confirms crossings as time passes and flushes the new
//! counts to `flows.sqlite`, and the counts read back at start.
//!
//! Only aggregates leave this module: the sink turns a track's uid into a
//! salted hash that changes with every start, and the engine keeps per
//! track only its last fix while it lives. The router never waits: a full
//! queue drops the fix and counts it.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use flows::counts::{Bin, CoverageBin};
use flows::crossing::CrossingConfig;
use flows::{Border, FlowEngine, Sectors, TrackUpdate};
use parking_lot::Mutex;
use store::FlowStore;
use tokio::sync::mpsc;

use crate::metrics::Sample;
use crate::sink::{Routed, Sink, Source};

/// Counts older than this are not read back at start, days.
const KEEP_DAYS: i64 = 400;
/// A fix whose time is this far from the server's is refused, seconds: a
/// sensor with a broken clock would otherwise fill bins years away.
const MAX_SKEW_S: i64 = 86_400;

/// What `[flows]` configures.
#[derive(Debug, Clone)]
pub struct FlowsServerConfig {
    /// Count crossings (it needs a data folder).
    pub enabled: bool,
    /// How often new counts are written to the store, seconds.
    pub flush_s: u64,
    /// The crossing detector's thresholds.
    pub crossing: CrossingConfig,
}

impl Default for FlowsServerConfig {
    fn default() -> Self {
        FlowsServerConfig {
            enabled: true,
            flush_s: 10,
            crossing: CrossingConfig::default(),
        }
    }
}

/// A time in seconds as the API and the command line print it (RFC 3339).
pub fn iso(t_s: i64) -> String {
    cot::Time::from_millis(t_s.saturating_mul(1000)).to_string()
}

/// The count series `filter` picks in `[from_s, to_s)` at `by`, with the
/// coverage it rests on: the one JSON shape of `/api/flows/counts` and
/// `watchfloor flows counts`.
///
/// # Errors
/// A window that ends before it starts or holds too many bins.
pub fn counts_json(
    counts: &flows::Counts,
    filter: &flows::Filter,
    by: flows::Resolution,
    from_s: i64,
    to_s: i64,
) -> Result<serde_json::Value, flows::counts::CountsError> {
    let series = counts.series(filter, by, from_s, to_s)?;
    let cov = counts.coverage(from_s, to_s);
    Ok(serde_json::json!({
        "sector": filter.sector, "by": by, "from": iso(from_s), "to": iso(to_s),
        "direction": filter.direction, "kind": filter.kind, "event": filter.event,
        "starts": series.starts().into_iter().map(iso).collect::<Vec<_>>(),
        "values": series.values,
        "total": series.total(),
        "coverage": {
            "hours": cov.hours,
            "covered_hours": cov.covered_hours,
            "gaps": cov.gaps.iter().map(|(a, b)| [iso(*a), iso(*b)]).collect::<Vec<_>>(),
            "sources": cov.sources,
        },
    }))
}

/// One fix on its way from the router to the engine.
#[derive(Debug)]
struct Fix {
    key: u64,
    kind: Option<flows::crossing::TrackKind>,
    lon: f64,
    lat: f64,
    t_s: i64,
    source: Arc<str>,
}

/// The running engine, shared by the API and the task.
pub(crate) struct FlowsShared {
    engine: Mutex<FlowEngine>,
    store: Arc<dyn FlowStore>,
    dropped: AtomicU64,
    refused: AtomicU64,
    flush_failures: AtomicU64,
}

impl std::fmt::Debug for FlowsShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowsShared").finish_non_exhaustive()
    }
}

impl FlowsShared {
    /// Runs `f` on the engine.
    pub(crate) fn with_engine<T>(&self, f: impl FnOnce(&FlowEngine) -> T) -> T {
        f(&self.engine.lock())
    }

    fn samples(&self) -> Vec<Sample> {
        let stats = self.engine.lock().stats();
        vec![
            Sample::counter(
                "flows_track_updates_total",
                "Track fixes the flow engine took",
                stats.updates,
            ),
            Sample::counter(
                "flows_events_total",
                "Border crossings and turn-backs the flow engine decided",
                stats.events,
            ),
            Sample::gauge(
                "flows_tracks",
                "Tracks the crossing detector holds state for",
                stats.tracks as f64,
            ),
            Sample::counter(
                "flows_pending_dropped_total",
                "Pending crossings dropped because their track went silent too soon",
                stats.dropped,
            ),
            Sample::counter(
                "flows_updates_dropped_total",
                "Track fixes dropped because the flow engine's queue was full",
                self.dropped.load(Relaxed),
            ),
            Sample::counter(
                "flows_updates_refused_total",
                "Track fixes refused for a time more than a day from the server's",
                self.refused.load(Relaxed),
            ),
            Sample::counter(
                "flows_flush_failures_total",
                "Writes of new counts to the store that failed (retried at the next flush)",
                self.flush_failures.load(Relaxed),
            ),
        ]
    }
}

/// The started flow engine: what the API shares and the router's sink.
pub(crate) struct Started {
    /// For the API.
    pub(crate) shared: Arc<FlowsShared>,
    /// For the router.
    pub(crate) sink: FlowsSink,
}

/// Opens `flows.sqlite` in `data_dir`, reads the counts back and starts
/// the engine's task.
pub(crate) fn start(
    config: &FlowsServerConfig,
    data_dir: &std::path::Path,
    shell: &mut crate::Shell,
) -> Result<Started, crate::ServerError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        crate::ServerError::Config(format!("flows: {what}: {e}"))
    };
    let border = Border::us_mexico().map_err(|e| fail("the shipped border", &e))?;
    let sectors = Sectors::us_southwest(&border).map_err(|e| fail("the shipped sectors", &e))?;
    let path = data_dir.join("flows.sqlite");
    let store =
        store::SqliteFlows::open(&path).map_err(|e| fail(&path.display().to_string(), &e))?;
    let mut engine = FlowEngine::new(border, sectors, config.crossing);
    let since = crate::now().millis().div_euclid(3_600_000) - KEEP_DAYS * 24;
    let (bins, coverage) = store
        .counts(since)
        .map_err(|e| fail("reading the counts back", &e))?;
    for b in &bins {
        engine.counts_mut().add_bin(b);
    }
    for c in &coverage {
        engine.counts_mut().add_coverage(c);
    }
    tracing::info!(bins = bins.len(), "flow counts read back");
    let shared = Arc::new(FlowsShared {
        engine: Mutex::new(engine),
        store: Arc::new(store),
        dropped: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        flush_failures: AtomicU64::new(0),
    });
    let (tx, rx) = mpsc::channel(8_192);
    shell.tasks.spawn(run(
        shared.clone(),
        rx,
        Duration::from_secs(config.flush_s.max(1)),
        shell.shutdown.clone(),
    ));
    Ok(Started {
        sink: FlowsSink {
            shared: shared.clone(),
            tx,
            salt: std::collections::hash_map::RandomState::new(),
        },
        shared,
    })
}

/// The engine's task: fixes as they come, a tick every second (crossings
/// that have stood, silent tracks), the new counts to the store every
/// `flush`, and once more at shutdown.
async fn run(
    shared: Arc<FlowsShared>,
    mut rx: mpsc::Receiver<Fix>,
    flush: Duration,
    stop: tokio_util::sync::CancellationToken,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut flush_every = tokio::time::interval(flush);
    flush_every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut unflushed = (Vec::new(), Vec::new());
    let mut batch = Vec::with_capacity(256);
    let mut placed = Vec::new();
    loop {
        tokio::select! {
            n = rx.recv_many(&mut batch, 256) => {
                if n == 0 {
                    break;
                }
                let mut engine = shared.engine.lock();
                for f in batch.drain(..) {
                    let u = TrackUpdate {
                        key: f.key,
                        kind: f.kind,
                        lon: f.lon,
                        lat: f.lat,
                        t_s: f.t_s,
                        source: &f.source,
                    };
                    engine.update(&u, &mut placed);
                }
                placed.clear();
            }
            _ = tick.tick() => {
                let now_s = crate::now().millis().div_euclid(1000);
                shared.engine.lock().handle_timeout(now_s, &mut placed);
                placed.clear();
            }
            _ = flush_every.tick() => {
                unflushed = flush_counts(&shared, unflushed).await;
            }
            () = stop.cancelled() => break,
        }
    }
    let left = flush_counts(&shared, unflushed).await;
    if !left.0.is_empty() || !left.1.is_empty() {
        tracing::warn!(
            bins = left.0.len(),
            "flow counts not written at shutdown; they are lost"
        );
    }
}

/// Writes what changed since the last flush, with what a failed flush
/// left; returns what is still unwritten.
async fn flush_counts(
    shared: &Arc<FlowsShared>,
    mut unflushed: (Vec<Bin>, Vec<CoverageBin>),
) -> (Vec<Bin>, Vec<CoverageBin>) {
    let (bins, coverage) = shared.engine.lock().counts_mut().take_changes();
    unflushed.0.extend(bins);
    unflushed.1.extend(coverage);
    if unflushed.0.is_empty() && unflushed.1.is_empty() {
        return unflushed;
    }
    let s = shared.clone();
    let written = tokio::task::spawn_blocking(move || {
        let r = s.store.add_counts(&unflushed.0, &unflushed.1);
        (r, unflushed)
    })
    .await;
    match written {
        Ok((Ok(()), _)) => (Vec::new(), Vec::new()),
        Ok((Err(e), left)) => {
            shared.flush_failures.fetch_add(1, Relaxed);
            tracing::warn!(error = %e, bins = left.0.len(), "flow counts not written; retrying at the next flush");
            left
        }
        Err(e) => {
            shared.flush_failures.fetch_add(1, Relaxed);
            tracing::error!(error = %e, "flow count flush failed");
            (Vec::new(), Vec::new())
        }
    }
}

/// The router's sink for the flow engine: every track fix that is not a
/// person's own SA, by an opaque key, without waiting.
pub(crate) struct FlowsSink {
    shared: Arc<FlowsShared>,
    tx: mpsc::Sender<Fix>,
    salt: std::collections::hash_map::RandomState,
}

/// The name a fix's coverage is counted under.
fn source_name(source: &Source, sender: Option<&str>) -> Arc<str> {
    match (source, sender) {
        (Source::Client(_), Some(s)) => Arc::from(s),
        (Source::Client(_), None) => Arc::from("client"),
        (Source::Web(name), _) => Arc::from(format!("web {name}")),
        (s, _) => Arc::from(s.label().unwrap_or("unknown")),
    }
}

impl Sink for FlowsSink {
    fn offer(&mut self, note: &Routed<'_>) {
        let Routed::Accepted {
            msg,
            source,
            sender,
            contact,
            at_ms,
            ..
        } = note
        else {
            return;
        };
        let e = &msg.event;
        if *contact || !e.is_type("a") {
            return;
        }
        let t_s = e.time.millis().div_euclid(1000);
        if (t_s - at_ms.div_euclid(1000)).abs() > MAX_SKEW_S {
            self.shared.refused.fetch_add(1, Relaxed);
            return;
        }
        let fix = Fix {
            key: self.salt.hash_one(e.uid.as_str()),
            kind: flows::classify(&e.kind),
            lon: e.point.lon,
            lat: e.point.lat,
            t_s,
            source: source_name(source, *sender),
        };
        if self.tx.try_send(fix).is_err() {
            self.shared.dropped.fetch_add(1, Relaxed);
        }
    }

    fn samples(&self) -> Vec<Sample> {
        self.shared.samples()
    }
}
