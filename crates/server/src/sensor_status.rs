//! Each sensor's status as the shell keeps it: the sensor task updates a
//! `feeds::status::StatusBoard` from the pipeline's counters with the wall
//! clock, logs each change once, and publishes the board on a watch channel
//! that `/metrics` and the web COP read. Latest wins: nobody waits on it.

use std::sync::Arc;

use feeds::status::{SensorHealth, Status, StatusBoard, Transition};
use feeds::{Pipeline, SensorConfig};
use tokio::sync::watch;

use crate::metrics::Sample;

/// Longest the published board goes without a refresh when no status
/// changes, seconds: the rate and the decode errors move meanwhile.
const REFRESH_S: f64 = 5.0;

/// The configured sensors and their latest health, shared by the sensor
/// task (writer), `/metrics` and the web feed (readers).
#[derive(Debug)]
pub(crate) struct StatusShared {
    /// The sensors as configured, in config order.
    pub(crate) configs: Vec<SensorConfig>,
    /// Who may see the sensors: those who see their tracks.
    pub(crate) groups: Arc<Vec<String>>,
    tx: watch::Sender<Arc<Vec<SensorHealth>>>,
}

impl StatusShared {
    /// Shares `configs`, seen by `groups`, with no health known yet.
    pub(crate) fn new(configs: Vec<SensorConfig>, groups: Vec<String>) -> Self {
        let (tx, _) = watch::channel(Arc::new(Vec::new()));
        StatusShared {
            configs,
            groups: Arc::new(groups),
            tx,
        }
    }

    /// A receiver that sees every later publication (and the current one).
    pub(crate) fn subscribe(&self) -> watch::Receiver<Arc<Vec<SensorHealth>>> {
        self.tx.subscribe()
    }

    /// The health last published.
    pub(crate) fn current(&self) -> Arc<Vec<SensorHealth>> {
        self.tx.borrow().clone()
    }

    /// Per sensor: its status as a 0/1 gauge per status (one series per
    /// status, so an alert rule reads `sensor_status{status="silent"} == 1`
    /// and a dashboard sums them by status), and its message rate.
    pub(crate) fn samples(&self) -> Vec<Sample> {
        let health = self.current();
        let mut out = Vec::with_capacity(health.len() * 4);
        for h in health.iter() {
            for s in Status::ALL {
                out.push(
                    Sample::gauge(
                        "sensor_status",
                        "Each sensor's status: 1 for the one it is in (reporting, late, silent).",
                        if h.status == s { 1.0 } else { 0.0 },
                    )
                    .with("sensor", h.id.as_str())
                    .with("status", s.as_str()),
                );
            }
        }
        for h in health.iter() {
            out.push(
                Sample::gauge(
                    "sensor_rate_per_second",
                    "Messages per second from each sensor over the last minute.",
                    (h.rate_per_s * 100.0).round() / 100.0,
                )
                .with("sensor", h.id.as_str()),
            );
        }
        out
    }
}

/// The sensor task's side: the board and when it was last published.
pub(crate) struct StatusKeeper {
    board: StatusBoard,
    shared: Arc<StatusShared>,
    published: f64,
}

impl StatusKeeper {
    /// A board for the shared sensors, started at `now`.
    pub(crate) fn new(
        shared: Arc<StatusShared>,
        silent_min_s: Option<f64>,
        now: cot::Time,
    ) -> Self {
        let now = secs(now);
        let board = StatusBoard::new(
            &shared.configs,
            silent_min_s.unwrap_or(feeds::status::SILENT_MIN_S),
            now,
        );
        let k = StatusKeeper {
            board,
            shared,
            published: now,
        };
        k.publish();
        k
    }

    /// Updates the board from `pipeline` at `now`; logs each change once and
    /// publishes when a status changed or the last publication is old.
    pub(crate) fn update(&mut self, pipeline: &Pipeline, now: cot::Time) {
        let now = secs(now);
        let changes = self.board.update(pipeline.sensors(), now);
        for t in &changes {
            log(t, now);
        }
        if !changes.is_empty() || now - self.published >= REFRESH_S || now < self.published {
            self.published = now;
            self.publish();
        }
    }

    fn publish(&self) {
        let health: Vec<SensorHealth> = self.board.sensors().cloned().collect();
        self.shared.tx.send_replace(Arc::new(health));
    }
}

/// Unix seconds, the pipeline's clock.
fn secs(t: cot::Time) -> f64 {
    t.millis() as f64 / 1000.0
}

/// One line per change: a warning when a sensor falls silent or was never
/// heard from, information when it speaks again.
fn log(t: &Transition, now: f64) {
    match t {
        Transition::WentSilent { id, last } => {
            let quiet_s = (now - last).round();
            tracing::warn!(sensor = %id, quiet_s, last = %cot::Time::from_millis((last * 1000.0) as i64), "sensor silent");
        }
        Transition::Back { id, quiet_s } => {
            tracing::info!(sensor = %id, quiet_s = quiet_s.round(), "sensor reporting again");
        }
        Transition::NeverHeard { id } => {
            tracing::warn!(sensor = %id, "never heard from this sensor since the server started");
        }
        Transition::FirstHeard { id } => tracing::info!(sensor = %id, "sensor heard from"),
        Transition::Changed { id, status } => {
            tracing::debug!(sensor = %id, status = status.as_str(), "sensor status");
        }
    }
}
