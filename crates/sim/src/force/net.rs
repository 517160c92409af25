//! The thin tokio shell of the simulated force: one streaming-CoT TCP
//! connection per unit (XML `<event>`s back to back, as ATAK's "streaming
//! TCP"), the scenario stepped every 250 ms with the time of the caller's
//! clock (the wall clock in `watchfloor demo`; this crate reads none).
//!
//! Each connection has a bounded queue; a unit whose connection is down or
//! slow loses reports (counted) and never holds up the others. What the
//! server sends is read and discarded, so the server never blocks on us.
//! Only loopback addresses are accepted: simulated units must never reach a
//! real network by accident.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{timeout, MissedTickBehavior};
use tracing::{debug, info, warn};

use super::ForceScenario;

/// Scenario step interval.
const STEP: Duration = Duration::from_millis(250);
/// Events queued per unit; a unit sends about one a second, so a full queue
/// means its connection is stuck.
const QUEUE: usize = 64;
/// Reconnect back-off: doubles from the first to the last value.
const BACKOFF_MIN: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// A connection that lived this long resets the back-off.
const HEALTHY: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the links get at the end to write what is queued.
const DRAIN: Duration = Duration::from_secs(2);

/// Why the force could not start.
#[derive(Debug, thiserror::Error)]
pub enum ForceNetError {
    /// The server address is not in 127.0.0.0/8 or ::1.
    #[error(
        "server address {0} is not loopback; the simulated force only connects on this machine"
    )]
    NotLoopback(SocketAddr),
}

/// What a run did, for the log line at the end and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ForceStats {
    /// Units, i.e. connections kept open.
    pub units: usize,
    /// Connections made, reconnections included.
    pub connects: u64,
    /// Connections lost while running.
    pub disconnects: u64,
    /// Events written to a socket.
    pub events_sent: u64,
    /// Events lost: queue full, or the unit's connection was down.
    pub events_dropped: u64,
    /// Bytes written.
    pub bytes_sent: u64,
    /// Bytes the server sent, read and discarded.
    pub bytes_received: u64,
}

#[derive(Debug, Default)]
struct Counters {
    connects: AtomicU64,
    disconnects: AtomicU64,
    sent: AtomicU64,
    dropped: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
}

fn add(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}

/// Connects every unit of `scenario` to the streaming CoT port at `addr` and
/// runs the scenario at the time `clock` says, stepped every 250 ms, until
/// `stop` completes; then lets each connection write what is queued (for at
/// most 2 s) and closes them.
pub async fn run(
    addr: SocketAddr,
    mut scenario: ForceScenario,
    clock: Arc<dyn cot::Clock>,
    stop: impl Future<Output = ()>,
) -> Result<ForceStats, ForceNetError> {
    if !addr.ip().is_loopback() {
        return Err(ForceNetError::NotLoopback(addr));
    }
    warn!(
        units = scenario.unit_count(),
        aircraft = scenario.aircraft_count(),
        %addr,
        "SIMULATION: simulated task force connecting; every unit, aircraft, chat and alert it sends is simulated"
    );
    let counters = Arc::new(Counters::default());
    let mut tasks = JoinSet::new();
    let mut links = Vec::with_capacity(scenario.unit_count());
    for i in 0..scenario.unit_count() {
        let (tx, rx) = mpsc::channel(QUEUE);
        let callsign = scenario.callsign(i).unwrap_or_default().to_owned();
        tasks.spawn(link(addr, callsign, rx, counters.clone()));
        links.push(tx);
    }
    let mut interval = tokio::time::interval(STEP);
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = interval.tick() => {}
        }
        for out in scenario.step(clock.now()) {
            let bytes: Arc<[u8]> = cot::to_xml(&out.event).into();
            let queued = links.get(out.unit).map(|tx| tx.try_send(bytes));
            if !matches!(queued, Some(Ok(()))) {
                add(&counters.dropped, 1);
            }
        }
    }
    // Closing the queues tells each link to flush and hang up.
    drop(links);
    let flushed = timeout(DRAIN, async { while tasks.join_next().await.is_some() {} }).await;
    if flushed.is_err() {
        tasks.abort_all();
    }
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let stats = ForceStats {
        units: scenario.unit_count(),
        connects: load(&counters.connects),
        disconnects: load(&counters.disconnects),
        events_sent: load(&counters.sent),
        events_dropped: load(&counters.dropped),
        bytes_sent: load(&counters.bytes_sent),
        bytes_received: load(&counters.bytes_received),
    };
    info!(?stats, "SIMULATION task force stopped");
    Ok(stats)
}

/// How a connection ended.
enum Ended {
    /// The queue closed: the run is over.
    Stopped,
    /// The connection failed; reconnect.
    Lost(String),
}

/// One unit's connection: connect, pump, reconnect with back-off until the
/// queue closes.
async fn link(
    addr: SocketAddr,
    callsign: String,
    mut rx: mpsc::Receiver<Arc<[u8]>>,
    counters: Arc<Counters>,
) {
    let mut backoff = BACKOFF_MIN;
    let mut failures = 0u32;
    loop {
        match timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                add(&counters.connects, 1);
                failures = 0;
                let since = tokio::time::Instant::now();
                match pump(stream, &mut rx, &counters).await {
                    Ended::Stopped => return,
                    Ended::Lost(why) => {
                        add(&counters.disconnects, 1);
                        warn!(unit = %callsign, %why, "simulated unit lost its connection, reconnecting");
                    }
                }
                if since.elapsed() >= HEALTHY {
                    backoff = BACKOFF_MIN;
                }
            }
            Ok(Err(e)) => {
                failures += 1;
                if failures == 1 {
                    warn!(unit = %callsign, %addr, error = %e, "simulated unit cannot connect, retrying");
                } else {
                    debug!(unit = %callsign, error = %e, "simulated unit cannot connect");
                }
            }
            Err(_) => debug!(unit = %callsign, "simulated unit connect timed out"),
        }
        // Reports queued while down are out of date by the time we are back.
        let pause = tokio::time::sleep(backoff);
        tokio::pin!(pause);
        loop {
            tokio::select! {
                () = &mut pause => break,
                m = rx.recv() => match m {
                    Some(_) => add(&counters.dropped, 1),
                    None => return,
                },
            }
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// Writes queued events and discards what the server sends.
async fn pump(stream: TcpStream, rx: &mut mpsc::Receiver<Arc<[u8]>>, counters: &Counters) -> Ended {
    // Small events at a steady rate: send each one now, not in 40 ms.
    let _ = stream.set_nodelay(true);
    let (mut rd, mut wr) = stream.into_split();
    let mut buf = vec![0u8; 8192];
    loop {
        tokio::select! {
            m = rx.recv() => {
                let Some(bytes) = m else {
                    let _ = wr.shutdown().await;
                    return Ended::Stopped;
                };
                match timeout(WRITE_TIMEOUT, wr.write_all(&bytes)).await {
                    Ok(Ok(())) => {
                        add(&counters.sent, 1);
                        add(&counters.bytes_sent, bytes.len() as u64);
                    }
                    Ok(Err(e)) => return Ended::Lost(e.to_string()),
                    Err(_) => return Ended::Lost("write timed out".into()),
                }
            }
            r = rd.read(&mut buf) => match r {
                Ok(0) => return Ended::Lost("closed by the server".into()),
                Ok(n) => add(&counters.bytes_received, n as u64),
                Err(e) => return Ended::Lost(e.to_string()),
            },
        }
    }
}

#[cfg(test)]
#[path = "net_tests.rs"]
mod tests;
