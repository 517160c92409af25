//! Flow counting in the running server: a sink that hands the router's
//! track fixes to the flow engine under an opaque key, a task that feeds
//! the engine, confirms crossings as time passes and flushes the new
//! counts to `flows.sqlite`, and the counts read back at start. Every
//! `watch_s` the task runs the detectors on each sector's recent hourly
//! counts ([`flows::AlertBook::watch`]); a new alert is stored and sent
//! as one GeoChat line, with its evidence, to the intelligence cell's
//! group, from the contact `JTF FLOWS`.
//!
//! Only aggregates leave this module: the sink turns a track's uid into a
//! salted hash that changes with every start, and the engine keeps per
//! track only its last fix while it lives. The router never waits: a full
//! queue drops the fix and counts it.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use cop::command::WebUser;
use flows::counts::{Bin, CoverageBin};
use flows::crossing::CrossingConfig;
use flows::official::Series as OfficialSeries;
use flows::{Alert, AlertBook, Border, FlowEngine, Offered, Sectors, TrackUpdate, WatchConfig};
use parking_lot::{Mutex, RwLock};
use picture::{Identity, Message};
use store::FlowStore;
use tokio::sync::mpsc;

use crate::metrics::Sample;
use crate::router::RouterMsg;
use crate::sink::{Routed, Sink, Source};

/// The flows desk's identity on the TAK network: the contact alerts come
/// from.
pub const DESK_UID: &str = "watchfloor-flows";
/// Its callsign.
pub const DESK_CALLSIGN: &str = "JTF FLOWS";
/// Alerts raised this long ago or less are read back at start, days.
const KEEP_ALERTS_DAYS: i64 = 400;

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
    /// How often the detectors run on the recent counts, seconds.
    pub watch_s: u64,
    /// What they run on and how they are tuned.
    pub watch: WatchConfig,
    /// The groups alerts are sent to as GeoChat (the intelligence cell;
    /// empty: anonymous, everyone).
    pub alert_groups: Vec<String>,
    /// Where the desk's contact sits on the map, `(lat, lon)` degrees.
    pub position: (f64, f64),
}

impl Default for FlowsServerConfig {
    fn default() -> Self {
        FlowsServerConfig {
            enabled: true,
            flush_s: 10,
            crossing: CrossingConfig::default(),
            watch_s: 60,
            watch: WatchConfig::default(),
            alert_groups: Vec::new(),
            position: (31.33, -110.95),
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
    series_json(counts, filter, by, from_s, to_s).map(|(body, _)| body)
}

/// [`counts_json`] and the series it was made from, for a caller that
/// goes on to analyse it.
///
/// # Errors
/// As [`counts_json`].
pub fn series_json(
    counts: &flows::Counts,
    filter: &flows::Filter,
    by: flows::Resolution,
    from_s: i64,
    to_s: i64,
) -> Result<(serde_json::Value, flows::Series), flows::counts::CountsError> {
    let series = counts.series(filter, by, from_s, to_s)?;
    let cov = counts.coverage(from_s, to_s);
    let body = serde_json::json!({
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
    });
    Ok((body, series))
}

/// One anomaly as the API and `watchfloor flows detect` give it: the
/// evidence with its window in time (`starts` the series' bin starts).
pub fn anomaly_json(
    a: &flows::detect::Anomaly,
    start_s: i64,
    by: flows::Resolution,
    starts: &[String],
) -> serde_json::Value {
    let (from_s, to_s) = a.span_s(start_s, by);
    serde_json::json!({
        "method": a.method, "shift": a.shift,
        "from": iso(from_s), "to": iso(to_s),
        "at": starts.get(a.index),
        "first_bin": a.window.0, "last_bin": a.window.1,
        "observed": a.observed, "expected": a.expected,
        "score": a.score, "p_value": a.p_value, "threshold": a.threshold,
    })
}

/// What one official file held, as `POST /api/flows/official` and
/// `watchfloor flows import` report it: the series by key with their
/// months and totals (not every figure), the warnings in words and as
/// data, the titles of authority and the table's footnotes.
pub fn import_json(source: &str, import: &flows::official::Import) -> serde_json::Value {
    let series: Vec<serde_json::Value> = import
        .series
        .iter()
        .map(|s| {
            let span = s.span();
            serde_json::json!({
                "key": s.key, "from": span.map(|x| x.0), "to": span.map(|x| x.1),
                "months": s.points.len(), "total": s.total(),
            })
        })
        .collect();
    serde_json::json!({
        "source": source, "layout": import.layout, "rows": import.rows,
        "months": import.months, "series": series,
        "warnings": import.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        "warning_details": import.warnings,
        "titles": import.titles, "notes": import.notes,
    })
}

/// What [`rebuild_counts`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rebuilt {
    /// History records read.
    pub records: u64,
    /// Of them, track fixes given to the engine (not anyone's own SA).
    pub fixes: u64,
    /// Crossings and turn-backs decided.
    pub events: u64,
    /// Hourly bins written for the window.
    pub bins: usize,
}

/// Rebuilds the flow counts of `[from_s, to_s)` from the CoT history in
/// `data_dir` (`watchfloor.sqlite`): every stored track fix that is not a
/// person's own SA goes through a fresh engine on the shipped sectors, in
/// the order the server received them, and the bins and coverage of the
/// window's whole hours in `flows.sqlite` are replaced in one transaction. The history keeps
/// what its retention keeps: hours older than that rebuild to nothing.
/// Coverage is named by the sender's uid (the live count names it by its
/// callsign). Blocking.
///
/// # Errors
/// A store that cannot be opened or read, or a window that ends before it
/// starts.
pub fn rebuild_counts(
    data_dir: &std::path::Path,
    from_s: i64,
    to_s: i64,
    crossing: CrossingConfig,
) -> Result<Rebuilt, crate::ServerError> {
    use store::HistoryRead;
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        crate::ServerError::Config(format!("flows rebuild: {what}: {e}"))
    };
    if to_s < from_s {
        return Err(fail("the window", &"it ends before it starts"));
    }
    let border = Border::us_mexico().map_err(|e| fail("the shipped border", &e))?;
    let sectors = Sectors::us_southwest(&border).map_err(|e| fail("the shipped sectors", &e))?;
    let mut engine = FlowEngine::new(border, sectors, crossing);
    let history_path = data_dir.join("watchfloor.sqlite");
    let history = store::SqliteHistory::open_read_only(&store::Config::new(&history_path))
        .map_err(|e| fail(&history_path.display().to_string(), &e))?;
    let salt = std::collections::hash_map::RandomState::new();
    let mut placed = Vec::new();
    let mut done = Rebuilt {
        records: 0,
        fixes: 0,
        events: 0,
        bins: 0,
    };
    // Whole hours: a bin is replaced whole or not at all.
    let (from_h, to_h) = (from_s.div_euclid(3_600), (to_s + 3_599).div_euclid(3_600));
    // Fixes up to a day before the window can finish a crossing inside it.
    let mut cursor_ms = (from_h * 3_600 - MAX_SKEW_S).saturating_mul(1000);
    let end_ms = (to_h * 3_600).saturating_mul(1000);
    loop {
        let page = history
            .history(&store::HistoryQuery {
                from_ms: Some(cursor_ms),
                to_ms: Some(end_ms),
                type_prefix: Some("a".into()),
                limit: store::MAX_HISTORY_LIMIT,
                ..store::HistoryQuery::default()
            })
            .map_err(|e| fail("reading the history", &e))?;
        let full = page.len() >= store::MAX_HISTORY_LIMIT;
        // A full page may end part-way through one millisecond: that
        // millisecond is read again whole by the next page.
        let last_ms = page.last().map(|r| r.server_time_ms);
        let take = match (full, last_ms) {
            (true, Some(ms)) if page.first().map(|r| r.server_time_ms) != Some(ms) => {
                page.iter().take_while(|r| r.server_time_ms < ms).count()
            }
            _ => page.len(),
        };
        for r in &page[..take] {
            done.records += 1;
            if r.client_sa {
                continue;
            }
            let source = r.sender_uid.as_deref().unwrap_or("history");
            let u = TrackUpdate {
                key: salt.hash_one(r.uid.as_str()),
                kind: flows::classify(&r.kind),
                lon: r.lon,
                lat: r.lat,
                t_s: r.time_ms.div_euclid(1000),
                source,
            };
            done.fixes += 1;
            engine.update(&u, &mut placed);
        }
        match (full, page.get(take)) {
            (true, Some(next)) => cursor_ms = next.server_time_ms,
            (true, None) => cursor_ms = last_ms.map_or(end_ms, |ms| ms + 1),
            (false, _) => break,
        }
    }
    // Everything still pending has stood by the end of the window.
    engine.handle_timeout((to_h * 3_600).saturating_add(86_400), &mut placed);
    done.events = placed.len() as u64;
    let (bins, coverage) = engine.counts_mut().take_changes();
    let bins: Vec<Bin> = bins
        .into_iter()
        .filter(|b| (from_h..to_h).contains(&b.hour))
        .collect();
    let coverage: Vec<CoverageBin> = coverage
        .into_iter()
        .filter(|c| (from_h..to_h).contains(&c.hour))
        .collect();
    done.bins = bins.len();
    let path = data_dir.join("flows.sqlite");
    let flows_store =
        store::SqliteFlows::open(&path).map_err(|e| fail(&path.display().to_string(), &e))?;
    flows_store
        .replace_counts(from_h, to_h, &bins, &coverage)
        .map_err(|e| fail("writing the counts", &e))?;
    Ok(done)
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
    book: Mutex<AlertBook>,
    official: RwLock<Vec<OfficialSeries>>,
    /// Weak, as the ops desk's: the sink lives inside the router.
    router: mpsc::WeakSender<RouterMsg>,
    groups: Vec<String>,
    me: WebUser,
    watch: WatchConfig,
    dropped: AtomicU64,
    refused: AtomicU64,
    flush_failures: AtomicU64,
    alerts_raised: AtomicU64,
    alert_failures: AtomicU64,
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

    /// Every alert raised, oldest first.
    pub(crate) fn alerts(&self) -> Vec<Alert> {
        self.book.lock().alerts().to_vec()
    }

    /// The official monthly series stored.
    pub(crate) fn official(&self) -> Vec<OfficialSeries> {
        self.official.read().clone()
    }

    /// Stores imported official series and serves them. Blocking.
    pub(crate) fn import_official(
        &self,
        source: &str,
        series: &[OfficialSeries],
    ) -> Result<(), store::StoreError> {
        self.store.put_official(source, series)?;
        *self.official.write() = self.store.official()?;
        Ok(())
    }

    /// Runs the detectors on the recent counts at `now_s`, stores what
    /// changed and sends each new alert to the intelligence cell. Blocking.
    fn watch_now(&self, now_s: i64) {
        let offered = {
            let engine = self.engine.lock();
            let sectors: Vec<String> = engine
                .sectors()
                .list()
                .iter()
                .map(|s| s.code.clone())
                .collect();
            self.book
                .lock()
                .watch(engine.counts(), &sectors, now_s, &self.watch)
        };
        let offered = match offered {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(error = %e, "flows watch: the detector configuration is invalid");
                return;
            }
        };
        if offered.is_empty() {
            return;
        }
        let changed: Vec<Alert> = offered
            .iter()
            .filter_map(|o| match o {
                Offered::Raised(a) | Offered::Extended(a) => Some(a.clone()),
                Offered::Known => None,
            })
            .collect();
        if let Err(e) = self.store.put_alerts(&changed) {
            self.alert_failures.fetch_add(1, Relaxed);
            tracing::warn!(error = %e, "flows alerts not stored; they stand in memory until the next change");
        }
        for o in offered {
            if let Offered::Raised(a) = o {
                self.alerts_raised.fetch_add(1, Relaxed);
                tracing::info!(id = %a.id, "{}", a.text());
                self.send(&a);
            }
        }
    }

    /// One GeoChat line to the alert groups' room (everyone's when none).
    fn send(&self, alert: &Alert) {
        let Some(router) = self.router.upgrade() else {
            return;
        };
        let room = self
            .groups
            .first()
            .cloned()
            .unwrap_or_else(|| cop::view::ALL_ROOMS.to_string());
        let now = crate::now();
        let Ok(event) = cop::command::chat(&self.me, &room, None, &alert.text(), &alert.id, now)
        else {
            return;
        };
        let msg = RouterMsg::Inject {
            source: Source::Web(Arc::from(DESK_CALLSIGN)),
            identity: Arc::new(Identity::both(&self.groups)),
            msg: Arc::new(Message::new(event)),
        };
        if router.try_send(msg).is_err() {
            self.alert_failures.fetch_add(1, Relaxed);
            tracing::warn!(id = %alert.id, "flows alert not sent: the router is busy");
        }
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
            Sample::counter(
                "flows_alerts_raised_total",
                "Flow anomalies raised as alerts to the intelligence cell",
                self.alerts_raised.load(Relaxed),
            ),
            Sample::counter(
                "flows_alert_failures_total",
                "Flow alerts that could not be stored or sent",
                self.alert_failures.load(Relaxed),
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
    let since_s = crate::now().millis().div_euclid(1000) - KEEP_ALERTS_DAYS * 86_400;
    let alerts = store
        .alerts(since_s)
        .map_err(|e| fail("reading the alerts back", &e))?;
    let official = store
        .official()
        .map_err(|e| fail("reading the official series back", &e))?;
    config
        .watch
        .detect
        .validate()
        .map_err(|e| fail("[flows] detector configuration", &e))?;
    tracing::info!(
        bins = bins.len(),
        alerts = alerts.len(),
        official = official.len(),
        "flow counts read back"
    );
    let groups = config.alert_groups.clone();
    let me = WebUser {
        uid: DESK_UID.into(),
        callsign: DESK_CALLSIGN.into(),
        team: groups.first().cloned().unwrap_or_else(|| "White".into()),
        lat: config.position.0,
        lon: config.position.1,
    };
    let shared = Arc::new(FlowsShared {
        engine: Mutex::new(engine),
        store: Arc::new(store),
        book: Mutex::new(AlertBook::new(alerts)),
        official: RwLock::new(official),
        router: shell.router.downgrade(),
        groups,
        me,
        watch: config.watch.clone(),
        dropped: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        flush_failures: AtomicU64::new(0),
        alerts_raised: AtomicU64::new(0),
        alert_failures: AtomicU64::new(0),
    });
    let (tx, rx) = mpsc::channel(8_192);
    shell.tasks.spawn(run(
        shared.clone(),
        rx,
        Duration::from_secs(config.flush_s.max(1)),
        Duration::from_secs(config.watch_s.max(1)),
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
    watch: Duration,
    stop: tokio_util::sync::CancellationToken,
) {
    // The first run one period after the start, not at once: clients that
    // connect with the server hear the alerts raised on the stored counts.
    let mut watch_every = tokio::time::interval_at(tokio::time::Instant::now() + watch, watch);
    watch_every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
            _ = watch_every.tick() => {
                let s = shared.clone();
                let now_s = crate::now().millis().div_euclid(1000);
                if let Err(e) = tokio::task::spawn_blocking(move || s.watch_now(now_s)).await {
                    tracing::error!(error = %e, "flows watch failed");
                }
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
        // A web user's presence and markers are people's reports, not a
        // sensor's tracks: neither a count nor coverage.
        if *contact || !e.is_type("a") || matches!(source, Source::Web(_)) {
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
