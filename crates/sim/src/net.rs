//! The thin tokio sender behind `watchfloor sim`: paces a [`Simulator`] in real
//! time (times `speedup`) and sends its outputs to a server on this machine.
//!
//! - ASTERIX: one data block per UDP datagram to `asterix_udp`.
//! - Detections: one JSON line (newline-terminated) per UDP datagram to
//!   `detections_udp`.
//! - SBS-1: served like dump1090/readsb port 30003 — the sender listens on
//!   `sbs_tcp_listen` and every client that connects gets the lines — and/or
//!   pushed to `sbs_tcp_connect` (reconnecting once a second while it runs).
//!   A client that falls behind loses lines (counted), it never slows the rest.
//!
//! Only loopback addresses are accepted: this is a demo and test tool, and
//! simulated tracks must never reach a real network by accident. SBS and most
//! consumers of ASTERIX show no simulation flag, so the sender logs
//! `SIMULATION` at start and the demo labels its picture.

use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::broadcast;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tracing::{debug, info, warn};

use crate::{SimConfig, SimError, SimOutput, Simulator};

mod sbs_server;

/// Where the simulated feeds go. Every address must be loopback.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimTargets {
    /// UDP destination of ASTERIX data blocks.
    pub asterix_udp: Option<SocketAddr>,
    /// TCP address to listen on for SBS clients (port 0 picks a free port; see
    /// [`Sender::sbs_listen_addr`]).
    pub sbs_tcp_listen: Option<SocketAddr>,
    /// TCP address to push SBS lines to.
    pub sbs_tcp_connect: Option<SocketAddr>,
    /// UDP destination of JSON detection lines.
    pub detections_udp: Option<SocketAddr>,
}

/// Why the sender could not start.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// An address outside 127.0.0.0/8 and ::1 was given.
    #[error("{what} address {addr} is not loopback; the simulator only sends on this machine")]
    NotLoopback {
        /// Which target.
        what: &'static str,
        /// The refused address.
        addr: SocketAddr,
    },
    /// `speedup` is not a number in (0, 1000].
    #[error("speedup {0} outside (0, 1000]")]
    BadSpeedup(f64),
    /// The scenario configuration was refused.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// A socket could not be bound.
    #[error("cannot bind {what}: {source}")]
    Bind {
        /// Which socket.
        what: &'static str,
        /// The cause.
        source: std::io::Error,
    },
}

/// What a run sent, for the log line at the end and for tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunReport {
    /// Simulation time reached, seconds.
    pub sim_time_s: f64,
    /// ASTERIX datagrams sent.
    pub asterix_datagrams: u64,
    /// Detection datagrams sent.
    pub detection_datagrams: u64,
    /// SBS lines handed to the TCP side (before any per-client loss).
    pub sbs_lines: u64,
    /// SBS clients accepted or connections made.
    pub sbs_connections: u64,
    /// SBS lines a slow client lost.
    pub sbs_lines_dropped: u64,
    /// Datagrams the operating system refused (e.g. nothing listening).
    pub send_errors: u64,
}

/// Counters shared with the SBS tasks.
#[derive(Debug, Default)]
struct SbsCounters {
    connections: AtomicU64,
    dropped: AtomicU64,
}

/// Bound sockets, ready to run a simulation.
#[derive(Debug)]
pub struct Sender {
    asterix: Option<(UdpSocket, SocketAddr)>,
    detections: Option<(UdpSocket, SocketAddr)>,
    sbs_listener: Option<TcpListener>,
    sbs_connect: Option<SocketAddr>,
    observer: Option<Observer>,
}

/// What [`Sender::observe`] was given.
struct Observer(Box<dyn FnMut(&Simulator) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

fn loopback(what: &'static str, addr: Option<SocketAddr>) -> Result<Option<SocketAddr>, NetError> {
    match addr {
        Some(a) if !a.ip().is_loopback() => Err(NetError::NotLoopback { what, addr: a }),
        other => Ok(other),
    }
}

async fn udp_to(
    what: &'static str,
    dest: Option<SocketAddr>,
) -> Result<Option<(UdpSocket, SocketAddr)>, NetError> {
    let Some(dest) = loopback(what, dest)? else {
        return Ok(None);
    };
    let local: SocketAddr = if dest.is_ipv4() {
        (Ipv4Addr::LOCALHOST, 0).into()
    } else {
        (Ipv6Addr::LOCALHOST, 0).into()
    };
    let sock = UdpSocket::bind(local)
        .await
        .map_err(|source| NetError::Bind { what, source })?;
    Ok(Some((sock, dest)))
}

impl Sender {
    /// Checks every target is loopback and binds the sockets.
    pub async fn bind(targets: SimTargets) -> Result<Self, NetError> {
        let listen = loopback("sbs listen", targets.sbs_tcp_listen)?;
        let sbs_connect = loopback("sbs connect", targets.sbs_tcp_connect)?;
        let asterix = udp_to("asterix", targets.asterix_udp).await?;
        let detections = udp_to("detections", targets.detections_udp).await?;
        let sbs_listener = match listen {
            Some(a) => Some(
                TcpListener::bind(a)
                    .await
                    .map_err(|source| NetError::Bind {
                        what: "sbs listen",
                        source,
                    })?,
            ),
            None => None,
        };
        Ok(Sender {
            asterix,
            detections,
            sbs_listener,
            sbs_connect,
            observer: None,
        })
    }

    /// Calls `f` with the simulator after every step of [`Sender::run`],
    /// before its outputs are sent: how the program running the sender
    /// reads the truth while it runs (the demo exports its object counts).
    /// `f` runs on the sender's task, so it must be quick.
    pub fn observe(mut self, f: impl FnMut(&Simulator) + Send + Sync + 'static) -> Self {
        self.observer = Some(Observer(Box::new(f)));
        self
    }

    /// The address SBS clients connect to, once bound.
    pub fn sbs_listen_addr(&self) -> Option<SocketAddr> {
        self.sbs_listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Runs `sim` in real time times `speedup` until `duration` (wall time) has
    /// passed or `shutdown` completes, whichever is first.
    pub async fn run(
        mut self,
        mut sim: Simulator,
        speedup: f64,
        duration: Option<Duration>,
        shutdown: impl Future<Output = ()>,
    ) -> Result<RunReport, NetError> {
        if !(speedup > 0.0 && speedup <= 1000.0) {
            return Err(NetError::BadSpeedup(speedup));
        }
        announce(&sim, speedup, duration);
        // Taken out of `self`, which `send` borrows across its awaits.
        let mut observer = self.observer.take();
        let counters = Arc::new(SbsCounters::default());
        let (sbs_tx, _) = broadcast::channel::<Arc<str>>(sbs_server::QUEUE_LINES);
        let mut tasks = JoinSet::new();
        if let Some(listener) = self.sbs_listener.take() {
            tasks.spawn(sbs_server::serve(
                listener,
                sbs_tx.clone(),
                counters.clone(),
            ));
        }
        if let Some(addr) = self.sbs_connect {
            tasks.spawn(sbs_server::push(addr, sbs_tx.clone(), counters.clone()));
        }
        let mut report = RunReport::default();
        let tick = Duration::from_secs_f64(crate::world::TICK_S / speedup);
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let start = Instant::now();
        let deadline = async {
            match duration {
                Some(d) => tokio::time::sleep_until(start + d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(deadline, shutdown);
        loop {
            let last = tokio::select! {
                _ = &mut shutdown => true,
                _ = &mut deadline => true,
                _ = interval.tick() => false,
            };
            let mut elapsed = start.elapsed();
            if let Some(d) = duration {
                elapsed = elapsed.min(d);
            }
            let outputs = sim.step(elapsed.as_secs_f64() * speedup);
            if let Some(Observer(f)) = &mut observer {
                f(&sim);
            }
            for output in outputs {
                self.send(output, &sbs_tx, &mut report).await;
            }
            if last {
                break;
            }
        }
        // Give SBS writers a moment to drain what was queued, then stop them.
        tokio::time::sleep(Duration::from_millis(50)).await;
        tasks.abort_all();
        report.sim_time_s = sim.time_s();
        report.sbs_connections = counters.connections.load(Ordering::Relaxed);
        report.sbs_lines_dropped = counters.dropped.load(Ordering::Relaxed);
        info!(?report, "SIMULATION stopped");
        Ok(report)
    }

    async fn send(
        &self,
        output: SimOutput,
        sbs_tx: &broadcast::Sender<Arc<str>>,
        report: &mut RunReport,
    ) {
        let (sock, bytes, counter) = match output {
            SimOutput::Asterix { bytes, .. } => {
                (&self.asterix, bytes, &mut report.asterix_datagrams)
            }
            SimOutput::Detection { json, .. } => {
                let mut bytes = json.into_bytes();
                bytes.push(b'\n');
                (&self.detections, bytes, &mut report.detection_datagrams)
            }
            SimOutput::Sbs { line, .. } => {
                report.sbs_lines += 1;
                // No receiver yet is normal: a port-30003 feed runs without clients.
                let _ = sbs_tx.send(Arc::from(format!("{line}\r\n")));
                return;
            }
        };
        let Some((sock, dest)) = sock else {
            return;
        };
        match sock.send_to(&bytes, dest).await {
            Ok(_) => *counter += 1,
            Err(e) => {
                report.send_errors += 1;
                debug!(%dest, error = %e, "simulated datagram not sent");
            }
        }
    }
}

fn announce(sim: &Simulator, speedup: f64, duration: Option<Duration>) {
    let c = sim.config();
    warn!(
        radars = c.radars.len(),
        adsb = c.adsb.len(),
        ground_sensors = c.ground_sensors.len(),
        speedup,
        duration_s = duration.map(|d| d.as_secs_f64()),
        "SIMULATION: sending simulated sensor feeds; every track they make is simulated \
         (ASTERIX SIM bit set, detections carry \"simulated\": true, SBS cannot say so)"
    );
    for s in sim.stats() {
        info!(sensor = %s.name, "SIMULATION sensor");
    }
}

/// Builds the simulator, binds the sockets and runs it; see [`Sender::run`].
pub async fn run(
    config: SimConfig,
    seed: u64,
    targets: SimTargets,
    speedup: f64,
    duration: Option<Duration>,
    shutdown: impl Future<Output = ()>,
) -> Result<RunReport, NetError> {
    let sim = Simulator::new(config, seed)?;
    Sender::bind(targets)
        .await?
        .run(sim, speedup, duration, shutdown)
        .await
}
