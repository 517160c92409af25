//! One simulated streaming client: connect, identify, then send and read
//! concurrently until the schedule says stop.
//!
//! A client never panics on a closed or failing socket: every failure ends
//! that client's part and is counted in its [`ClientStats`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::{sleep_until, timeout, timeout_at, Instant};

use crate::hist::LatencyHistogram;
use crate::sa::{unix_micros, write_sa, Mark};
use crate::scan::{read_mark, Splitter};
use crate::tls::{Stream, Transport};

/// How long connecting (TLS handshake included), and then sending the first
/// SA, may each take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Receive buffer per connection, bytes: large so that one read syscall
/// brings in a hundred or so events.
const READ_BUF: usize = 64 * 1024;
/// Largest single incoming event accepted, bytes.
const MAX_EVENT: usize = 4 * 1024 * 1024;
/// Golden-ratio step: spreads clients' send phases evenly over the period
/// without a random number generator (and reproducibly).
const PHASE_STEP: f64 = 0.618_033_988_749_895;

/// Timeline of a run, published once every client has connected.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// When clients start sending at the configured rate.
    pub warm_start: Instant,
    /// First send time (unix microseconds) that counts as measured.
    pub meas_start_us: u64,
    /// First send time (unix microseconds) no longer measured; sending stops.
    pub meas_end_us: u64,
    /// When sending stops (the same moment as `meas_end_us`).
    pub meas_end: Instant,
    /// When reading stops and connections close.
    pub read_end: Instant,
    /// Interval between two sends of one client.
    pub period: Duration,
    /// Whether clients send after identifying (false in idle mode).
    pub send: bool,
}

/// Live counts shared with the ramp-up loop.
#[derive(Debug, Default)]
pub struct Progress {
    /// Clients connected and identified.
    pub connected: AtomicUsize,
    /// Clients that could not connect or identify.
    pub failed: AtomicUsize,
}

/// What one client saw.
#[derive(Debug, Default, Clone)]
pub struct ClientStats {
    /// Connected and sent its first SA.
    pub connected: bool,
    /// The connection attempt failed or timed out.
    pub connect_failed: bool,
    /// SAs sent inside the measurement window.
    pub sent_measured: u64,
    /// SAs sent in all, identification included.
    pub sent_total: u64,
    /// Measured SAs of other clients received, each one delivery.
    pub delivered: u64,
    /// Received SAs carrying a mark but not measured (identification,
    /// warmup, replay on joining).
    pub unmeasured: u64,
    /// Received events without a mark (pongs, protocol offers, deletes).
    pub other: u64,
    /// Received copies of this client's own SA (the server should never send them).
    pub self_echo: u64,
    /// Bytes received.
    pub bytes: u64,
    /// The server closed the connection before the run ended.
    pub disconnected: bool,
    /// A read failed.
    pub read_error: bool,
    /// A write failed.
    pub write_error: bool,
    /// An incoming event exceeded the size bound.
    pub oversize: bool,
    /// Latency of each delivery, microseconds.
    pub latency: LatencyHistogram,
}

/// Runs client `index` against `target` over `transport` until the
/// schedule's read end.
pub async fn run_client(
    index: u32,
    target: SocketAddr,
    transport: Transport,
    schedule: watch::Receiver<Option<Schedule>>,
    progress: Arc<Progress>,
) -> ClientStats {
    let mut stats = ClientStats::default();
    let mut stream = match timeout(CONNECT_TIMEOUT, transport.connect(target)).await {
        Ok(Ok(s)) => s,
        _ => {
            stats.connect_failed = true;
            progress.failed.fetch_add(1, Ordering::Relaxed);
            return stats;
        }
    };
    let mut first = Vec::with_capacity(600);
    write_sa(
        &mut first,
        &Mark {
            sent_us: unix_micros(),
            client: index,
            seq: 0,
            measured: false,
        },
    );
    let identify = async {
        stream.write_all(&first).await?;
        stream.flush().await
    };
    if !matches!(timeout(CONNECT_TIMEOUT, identify).await, Ok(Ok(()))) {
        stats.write_error = true;
        progress.failed.fetch_add(1, Ordering::Relaxed);
        return stats;
    }
    stats.connected = true;
    stats.sent_total = 1;
    progress.connected.fetch_add(1, Ordering::Relaxed);

    // Plain TCP keeps tokio's lock-free owned halves so that its numbers do
    // not move; TLS needs one session for both directions, behind a lock
    // that is never contended because both loops run in this one task.
    let (r, w) = match stream {
        Stream::Plain(tcp) => {
            let (rd, wr) = tcp.into_split();
            tokio::join!(
                read_loop(index, rd, schedule.clone()),
                write_loop(index, wr, schedule)
            )
        }
        tls @ Stream::Tls(_) => {
            let (rd, wr) = tokio::io::split(tls);
            tokio::join!(
                read_loop(index, rd, schedule.clone()),
                write_loop(index, wr, schedule)
            )
        }
    };
    stats.delivered = r.delivered;
    stats.unmeasured = r.unmeasured;
    stats.other = r.other;
    stats.self_echo = r.self_echo;
    stats.bytes = r.bytes;
    stats.disconnected = r.disconnected;
    stats.read_error = r.read_error;
    stats.oversize = r.oversize;
    stats.latency = r.latency;
    stats.sent_measured = w.sent_measured;
    stats.sent_total += w.sent_total;
    stats.write_error = w.write_error;
    stats
}

/// The schedule once published; `None` if the run was abandoned.
async fn published(rx: &mut watch::Receiver<Option<Schedule>>) -> Option<Schedule> {
    rx.wait_for(Option::is_some).await.ok().and_then(|s| *s)
}

async fn read_loop<R: AsyncRead + Unpin>(
    index: u32,
    mut rd: R,
    mut rx: watch::Receiver<Option<Schedule>>,
) -> ClientStats {
    let mut st = ClientStats::default();
    let mut split = Splitter::new(READ_BUF, MAX_EVENT);
    // Nothing is measured until the schedule exists; u64::MAX keeps every
    // early (identification, replay) event out of the latency figures.
    let mut window = (u64::MAX, u64::MAX);
    let mut watch_rx = rx.clone();
    let deadline = async move {
        if let Some(s) = published(&mut watch_rx).await {
            sleep_until(s.read_end).await;
        }
    };
    tokio::pin!(deadline);
    loop {
        let spare = match split.spare() {
            Ok(s) => s,
            Err(_) => {
                st.oversize = true;
                break;
            }
        };
        let n = tokio::select! {
            biased;
            () = &mut deadline => break,
            r = rd.read(spare) => match r {
                Ok(0) => {
                    st.disconnected = true;
                    break;
                }
                Ok(n) => n,
                Err(_) => {
                    st.read_error = true;
                    break;
                }
            },
        };
        split.commit(n);
        st.bytes += n as u64;
        if window.0 == u64::MAX {
            if let Some(s) = *rx.borrow_and_update() {
                window = (s.meas_start_us, s.meas_end_us);
            }
        }
        // One clock read per batch of events: the batch arrived together.
        let now = unix_micros();
        while let Some(event) = split.next_event() {
            match read_mark(event) {
                Some(m) if m.measured && m.sent_us >= window.0 && m.sent_us < window.1 => {
                    st.delivered += 1;
                    st.latency.record(now.saturating_sub(m.sent_us));
                    if m.client == index {
                        st.self_echo += 1;
                    }
                }
                Some(m) => {
                    st.unmeasured += 1;
                    if m.client == index {
                        st.self_echo += 1;
                    }
                }
                None => st.other += 1,
            }
        }
    }
    st
}

async fn write_loop<W: AsyncWrite + Unpin>(
    index: u32,
    mut wr: W,
    mut rx: watch::Receiver<Option<Schedule>>,
) -> ClientStats {
    let mut st = ClientStats::default();
    let Some(s) = published(&mut rx).await else {
        return st;
    };
    if s.send {
        let phase = s.period.mul_f64((f64::from(index) * PHASE_STEP).fract());
        let sending = async {
            let mut next = s.warm_start + phase;
            let mut seq = 1u64;
            let mut buf = Vec::with_capacity(600);
            loop {
                sleep_until(next).await;
                let sent_us = unix_micros();
                if sent_us >= s.meas_end_us {
                    break;
                }
                let measured = sent_us >= s.meas_start_us;
                buf.clear();
                write_sa(
                    &mut buf,
                    &Mark {
                        sent_us,
                        client: index,
                        seq,
                        measured,
                    },
                );
                // Flushing is free on TCP; on TLS it pushes the record out.
                if wr.write_all(&buf).await.is_err() || wr.flush().await.is_err() {
                    st.write_error = true;
                    break;
                }
                st.sent_total += 1;
                st.sent_measured += u64::from(measured);
                seq += 1;
                next += s.period;
                let now = Instant::now();
                if next < now {
                    // Fell behind (a blocked write): skip the missed slots
                    // rather than bursting to catch up.
                    let missed = (now - next).as_nanos() / s.period.as_nanos().max(1) + 1;
                    next += s.period * u32::try_from(missed).unwrap_or(u32::MAX);
                }
            }
        };
        // A write blocked by a server that stopped reading must not outlive the run.
        let _ = timeout_at(s.meas_end + Duration::from_millis(100), sending).await;
    }
    // Dropping the write half would half-close the socket, which a server may
    // take as a disconnect; keep it open for as long as the reader runs.
    sleep_until(s.read_end).await;
    drop(wr);
    st
}
