//! The sensor task: owns the feeds pipeline (decoders and tracker), feeds
//! it what sensor sockets receive, and hands published tracks to the
//! router as a feed. Operator marks arrive here from the HTTP API.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use feeds::{Affiliation, Pipeline, SensorKind};
use parking_lot::Mutex;
use picture::{Identity, Message};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::metrics::Sample;
use crate::router::RouterMsg;
use crate::sensor_io;
use crate::sensor_status::{StatusKeeper, StatusShared};
use crate::sink::Source;

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
    /// Whether a track is live (asked before a classification is audited).
    HasTrack {
        uid: String,
        reply: oneshot::Sender<bool>,
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
    /// Each configured sensor's counters as of the last batch.
    pub(crate) sensors: Mutex<Vec<feeds::SensorStats>>,
    /// Each configured sensor's status, for `/metrics` and the web COP.
    pub(crate) status: Arc<StatusShared>,
}

impl SensorShared {
    pub(crate) fn new(tx: mpsc::Sender<SensorMsg>, status: Arc<StatusShared>) -> Self {
        SensorShared {
            tx,
            dropped: AtomicU64::new(0),
            line_errors: AtomicU64::new(0),
            stats: Mutex::new(feeds::Stats::default()),
            sensors: Mutex::new(Vec::new()),
            status,
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

    /// [`SensorShared::mark`] from a blocking thread (the ops desk's).
    pub(crate) fn mark_blocking(
        &self,
        uid: String,
        affiliation: Affiliation,
        remarks: Option<String>,
    ) -> Result<(), String> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .blocking_send(SensorMsg::Mark {
                uid,
                affiliation,
                remarks,
                reply,
            })
            .map_err(|_| "sensor task stopped".to_string())?;
        rx.blocking_recv()
            .map_err(|_| "sensor task stopped".to_string())?
    }

    /// Whether the tracker has a live track `uid`; `false` when the task
    /// has stopped.
    pub(crate) async fn has_track(&self, uid: &str) -> bool {
        let (reply, rx) = oneshot::channel();
        let asked = SensorMsg::HasTrack {
            uid: uid.to_string(),
            reply,
        };
        if self.tx.send(asked).await.is_err() {
            return false;
        }
        rx.await.unwrap_or(false)
    }

    /// The sensor side's samples for `/metrics`: totals, then one line per
    /// configured sensor (its messages, its detections, when it last spoke).
    pub(crate) fn samples(&self) -> Vec<Sample> {
        let s = *self.stats.lock();
        let mut out = vec![
            Sample::counter(
                "sensor_accepted_total",
                "Sensor records accepted into the tracker.",
                s.accepted,
            ),
            // The total keeps its unlabelled series; the per-sensor ones
            // below join it, and leave out what no sensor can be named
            // for (an ASTERIX block cut before its first record).
            Sample::counter(
                "sensor_decode_errors_total",
                "Sensor records that did not decode: all (no label) and per configured sensor.",
                s.decode_error,
            ),
            Sample::counter(
                "sensor_implausible_total",
                "Sensor records with impossible values.",
                s.implausible,
            ),
            Sample::counter(
                "sensor_unknown_total",
                "Sensor records from unconfigured sensors.",
                s.unknown_sensor,
            ),
            Sample::counter(
                "sensor_too_old_total",
                "Sensor records too old or out of order.",
                s.too_old + s.late,
            ),
            Sample::counter(
                "sensor_future_total",
                "Sensor records from the future.",
                s.future,
            ),
            Sample::counter(
                "sensor_rate_limited_total",
                "Sensor records over the sensor's rate.",
                s.rate_limited,
            ),
            Sample::counter(
                "sensor_queue_dropped_total",
                "Sensor messages dropped on a full queue.",
                self.dropped.load(Relaxed),
            ),
            Sample::counter(
                "sensor_line_errors_total",
                "Sensor lines too long or not UTF-8.",
                self.line_errors.load(Relaxed),
            ),
            Sample::counter(
                "tracks_published_total",
                "Track reports published as CoT.",
                s.tracks_published,
            ),
            Sample::counter("tracks_deleted_total", "Tracks ended.", s.tracks_deleted),
            Sample::counter(
                "tracks_merged_total",
                "Tracks found to be another track's object and merged into the older one.",
                s.tracks_merged,
            ),
            Sample::counter(
                "track_ident_jumps_total",
                "Aircraft addresses reported far from the track that held them.",
                s.ident_jumps,
            ),
        ];
        let sensors = self.sensors.lock();
        for f in sensors.iter() {
            out.push(
                Sample::counter(
                    "sensor_decode_errors_total",
                    "Sensor records that did not decode.",
                    f.decode_errors,
                )
                .with("sensor", f.id.as_str()),
            );
        }
        for f in sensors.iter() {
            out.push(
                Sample::counter(
                    "sensor_messages_total",
                    "Messages from each configured sensor, whatever became of them.",
                    f.messages,
                )
                .with("sensor", f.id.as_str()),
            );
            out.push(
                Sample::counter(
                    "sensor_detections_total",
                    "Detections from each configured sensor handed to the tracker.",
                    f.accepted,
                )
                .with("sensor", f.id.as_str()),
            );
            if let Some(t) = f.last_seen {
                out.push(
                    Sample::gauge(
                        "sensor_last_seen_seconds",
                        "When each sensor last sent a message (Unix seconds); absent if never.",
                        t,
                    )
                    .with("sensor", f.id.as_str()),
                );
            }
        }
        drop(sensors);
        out.extend(self.status.samples());
        out
    }
}

/// Runs the pipeline until shutdown.
pub(crate) async fn run(
    mut pipeline: Pipeline,
    mut rx: mpsc::Receiver<SensorMsg>,
    shared: Arc<SensorShared>,
    router: mpsc::Sender<RouterMsg>,
    identity: Arc<Identity>,
    silent_min_s: Option<f64>,
    stop: CancellationToken,
) {
    let mut status = StatusKeeper::new(shared.status.clone(), silent_min_s, crate::clock::now());
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
        let now = crate::clock::now();
        pipeline.handle_timeout(now);
        // At least once a second (the wait above), so a sensor that stops
        // is seen silent within a second of its threshold.
        status.update(&pipeline, now);
        while let Some(event) = pipeline.poll_event() {
            let msg = RouterMsg::Inject {
                source: Source::Tracker,
                identity: identity.clone(),
                msg: Arc::new(Message::new(event)),
            };
            if router.send(msg).await.is_err() {
                return;
            }
        }
        *shared.stats.lock() = *pipeline.stats();
        let mut sensors = shared.sensors.lock();
        sensors.clear();
        sensors.extend(pipeline.sensors().cloned());
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
        SensorMsg::HasTrack { uid, reply } => {
            let _ = reply.send(p.has_track(&uid));
        }
    }
}

/// Binds the sensor inputs of `[sensors]`, builds the pipeline and runs
/// it; `None` when no sensors are configured. The shared handle serves
/// operator marks and the sensor gauges.
pub(crate) async fn start(
    cfg: &crate::config::SensorsConfig,
    shell: &mut crate::Shell,
) -> Result<Option<Arc<SensorShared>>, crate::ServerError> {
    let bound = match &cfg.feeds {
        Some(f) => bind(f, &cfg.inputs).await?,
        None if !cfg.inputs.is_empty() => {
            return Err(crate::ServerError::Config(
                "sensor inputs need a [feeds] section".into(),
            ));
        }
        None => return Ok(None),
    };
    let (tx, rx) = sensor_io::channel();
    let status = StatusShared::new(
        bound.pipeline.config().sensors.clone(),
        cfg.track_groups.clone(),
    );
    let shared = Arc::new(SensorShared::new(tx, Arc::new(status)));
    let stop = &shell.shutdown;
    for (socket, kind) in bound.udp {
        shell
            .tasks
            .spawn(sensor_io::udp(socket, kind, shared.clone(), stop.clone()));
    }
    for (listener, sensor) in bound.tcp_listen {
        shell.tasks.spawn(sensor_io::tcp_listen(
            listener,
            sensor,
            shared.clone(),
            stop.clone(),
        ));
    }
    for (addr, sensor) in bound.tcp_connect {
        shell.tasks.spawn(sensor_io::tcp_connect(
            addr,
            sensor,
            shared.clone(),
            stop.clone(),
        ));
    }
    let identity = Arc::new(Identity::both(&cfg.track_groups));
    shell.tasks.spawn(run(
        bound.pipeline,
        rx,
        shared.clone(),
        shell.router.clone(),
        identity,
        cfg.silent_min_s,
        stop.clone(),
    ));
    Ok(Some(shared))
}

/// Sensor sockets bound and the pipeline built, before anything runs.
struct BoundSensors {
    pipeline: feeds::Pipeline,
    udp: Vec<(UdpSocket, sensor_io::DatagramKind)>,
    tcp_listen: Vec<(TcpListener, Arc<str>)>,
    tcp_connect: Vec<(SocketAddr, Arc<str>)>,
}

async fn bind(
    feeds_cfg: &feeds::FeedsConfig,
    inputs: &[crate::SensorInput],
) -> Result<BoundSensors, crate::ServerError> {
    let pipeline = feeds::Pipeline::new(feeds_cfg.clone())
        .map_err(|e| crate::ServerError::Config(e.to_string()))?;
    let kind_of = |id: &str| {
        feeds_cfg
            .sensors
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.kind)
    };
    let mut bound = BoundSensors {
        pipeline,
        udp: Vec::new(),
        tcp_listen: Vec::new(),
        tcp_connect: Vec::new(),
    };
    for input in inputs {
        let sensor = match &input.sensor {
            Some(id) if kind_of(id).is_none() => {
                return Err(crate::ServerError::Config(format!(
                    "input names sensor {id:?}, which [feeds] does not configure"
                )));
            }
            Some(id) => Some(Arc::<str>::from(id.as_str())),
            None => None,
        };
        let line_sensor = || {
            sensor.clone().ok_or_else(|| {
                crate::ServerError::Config("a TCP sensor input needs `sensor`".into())
            })
        };
        match (input.udp, input.tcp_listen, input.tcp_connect) {
            (Some(addr), None, None) => {
                let socket = crate::bind::udp(addr, crate::Listener::Sensor).await?;
                let kind = match &sensor {
                    Some(id) if kind_of(id) != Some(feeds::SensorKind::Asterix) => {
                        sensor_io::DatagramKind::Lines(id.clone())
                    }
                    _ => sensor_io::DatagramKind::Asterix,
                };
                bound.udp.push((socket, kind));
            }
            (None, Some(addr), None) => {
                let listener = crate::bind::tcp(addr, crate::Listener::Sensor).await?;
                bound.tcp_listen.push((listener, line_sensor()?));
            }
            (None, None, Some(addr)) => bound.tcp_connect.push((addr, line_sensor()?)),
            _ => {
                return Err(crate::ServerError::Config(
                    "a sensor input needs exactly one of udp, tcp_listen, tcp_connect".into(),
                ))
            }
        }
    }
    Ok(bound)
}
