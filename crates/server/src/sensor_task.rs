//! The sensor task: owns the feeds pipeline (decoders and tracker), feeds
//! it what sensor sockets receive, and hands published tracks to the
//! router as a feed. Operator marks arrive here from the HTTP API.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use feeds::{Affiliation, Pipeline, SensorKind};
use parking_lot::Mutex;
use picture::Message;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::router::RouterMsg;

/// What sensor sockets and the HTTP API send the sensor task.
#[derive(Debug)]
pub(crate) enum SensorMsg {
    /// One ASTERIX datagram (records matched to sensors by SAC/SIC).
    Asterix(Vec<u8>),
    /// One text line (SBS or JSON detection) from a named sensor.
    Line { sensor: Arc<str>, line: String },
    /// An operator marks a track.
    Mark {
        uid: String,
        affiliation: Affiliation,
        remarks: Option<String>,
        reply: oneshot::Sender<Result<(), String>>,
    },
}

/// What the sockets, the HTTP API and `/metrics` share with the task.
#[derive(Debug)]
pub(crate) struct SensorShared {
    tx: mpsc::Sender<SensorMsg>,
    /// Messages dropped because the task's queue was full.
    pub(crate) dropped: AtomicU64,
    /// Lines too long or not UTF-8.
    pub(crate) line_errors: AtomicU64,
    /// The pipeline's counters as of its last batch.
    pub(crate) stats: Mutex<feeds::Stats>,
}

impl SensorShared {
    pub(crate) fn new(tx: mpsc::Sender<SensorMsg>) -> Self {
        SensorShared {
            tx,
            dropped: AtomicU64::new(0),
            line_errors: AtomicU64::new(0),
            stats: Mutex::new(feeds::Stats::default()),
        }
    }

    /// Queues without waiting; a full queue drops and counts.
    pub(crate) fn send(&self, m: SensorMsg) {
        if self.tx.try_send(m).is_err() {
            self.dropped.fetch_add(1, Relaxed);
        }
    }

    /// Asks the task to mark a track; the error is for the operator.
    pub(crate) async fn mark(
        &self,
        uid: String,
        affiliation: Affiliation,
        remarks: Option<String>,
    ) -> Result<(), String> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(SensorMsg::Mark {
                uid,
                affiliation,
                remarks,
                reply,
            })
            .await
            .map_err(|_| "sensor task stopped".to_string())?;
        rx.await.map_err(|_| "sensor task stopped".to_string())?
    }

    /// Prometheus gauges of the sensor side.
    pub(crate) fn gauges(&self) -> Vec<(&'static str, &'static str, u64)> {
        let s = *self.stats.lock();
        vec![
            (
                "sensor_accepted",
                "Sensor records accepted into the tracker.",
                s.accepted,
            ),
            (
                "sensor_decode_errors",
                "Sensor records that did not decode.",
                s.decode_error,
            ),
            (
                "sensor_implausible",
                "Sensor records with impossible values.",
                s.implausible,
            ),
            (
                "sensor_unknown",
                "Sensor records from unconfigured sensors.",
                s.unknown_sensor,
            ),
            (
                "sensor_too_old",
                "Sensor records too old or out of order.",
                s.too_old + s.late,
            ),
            ("sensor_future", "Sensor records from the future.", s.future),
            (
                "sensor_rate_limited",
                "Sensor records over the sensor's rate.",
                s.rate_limited,
            ),
            (
                "sensor_queue_dropped",
                "Sensor messages dropped on a full queue.",
                self.dropped.load(Relaxed),
            ),
            (
                "sensor_line_errors",
                "Sensor lines too long or not UTF-8.",
                self.line_errors.load(Relaxed),
            ),
            (
                "tracks_published",
                "Track reports published as CoT.",
                s.tracks_published,
            ),
            ("tracks_deleted", "Tracks ended.", s.tracks_deleted),
        ]
    }
}

/// Runs the pipeline until shutdown.
pub(crate) async fn run(
    mut pipeline: Pipeline,
    mut rx: mpsc::Receiver<SensorMsg>,
    shared: Arc<SensorShared>,
    router: mpsc::Sender<RouterMsg>,
    groups: Arc<Vec<String>>,
    stop: CancellationToken,
) {
    let kinds: std::collections::HashMap<String, SensorKind> = pipeline
        .config()
        .sensors
        .iter()
        .map(|s| (s.id.clone(), s.kind))
        .collect();
    loop {
        let wait = pipeline.poll_timeout().map_or(Duration::from_secs(1), |t| {
            let us = t.micros().saturating_sub(crate::clock::now().micros());
            Duration::from_micros(us.clamp(0, 1_000_000) as u64)
        });
        tokio::select! {
            m = rx.recv() => {
                let Some(m) = m else { return };
                let now = crate::clock::now();
                handle(&mut pipeline, &kinds, m, now);
                // Take what else is queued before publishing, to batch.
                for _ in 0..1024 {
                    match rx.try_recv() {
                        Ok(m) => handle(&mut pipeline, &kinds, m, now),
                        Err(_) => break,
                    }
                }
            }
            () = tokio::time::sleep(wait) => {}
            () = stop.cancelled() => return,
        }
        pipeline.handle_timeout(crate::clock::now());
        while let Some(event) = pipeline.poll_event() {
            let msg = RouterMsg::Feed {
                groups: groups.clone(),
                msg: Arc::new(Message::new(event)),
                source: Some(Arc::from("tracker")),
            };
            if router.send(msg).await.is_err() {
                return;
            }
        }
        *shared.stats.lock() = *pipeline.stats();
    }
}

fn handle(
    p: &mut Pipeline,
    kinds: &std::collections::HashMap<String, SensorKind>,
    m: SensorMsg,
    now: cot::Time,
) {
    match m {
        SensorMsg::Asterix(bytes) => p.ingest_asterix_any(&bytes, now),
        SensorMsg::Line { sensor, line } => match kinds.get(&*sensor) {
            Some(SensorKind::Sbs) => p.ingest_sbs_line(&sensor, &line, now),
            // The pipeline counts lines for unknown or mismatched sensors.
            _ => p.ingest_detection_json(&sensor, &line, now),
        },
        SensorMsg::Mark {
            uid,
            affiliation,
            remarks,
            reply,
        } => {
            let _ = reply.send(
                p.mark(&uid, affiliation, remarks)
                    .map_err(|e| e.to_string()),
            );
        }
    }
}
