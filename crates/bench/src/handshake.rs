//! Handshake-rate mode: how many connections per second the server can take
//! in, with TLS (full handshakes unless resumption is asked for) or plain TCP.
//!
//! Each connection connects, completes its handshake, sends one byte of
//! whitespace, closes its side, and then waits for the server to close too.
//! The wait matters: a TLS 1.3 client is done with its handshake before the
//! server has checked the client's certificate, and a plain TCP connect is
//! done before the server has even called `accept`, so a client that hung up
//! at once would count work the server had not done, and could pile up an
//! unbounded backlog behind the in-flight bound.

use std::fmt;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{timeout, Instant};

use crate::config::Config;
use crate::hist::LatencyHistogram;
use crate::procstat::{cpu_percent, machine_busy, Proc};
use crate::report::Latency;
use crate::tls::{Stream, Transport};

/// How long connecting plus the handshake may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to close after the client did.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);
/// No new connection is started after this long; bounds a run against a
/// server that stalls.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// The result of a `--handshakes` run.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct HandshakeReport {
    /// Always "handshakes".
    pub mode: &'static str,
    /// "tcp" or "tls".
    pub transport: &'static str,
    /// Server address.
    pub target: String,
    /// Connections asked for.
    pub requested: u32,
    /// Connections in flight at once.
    pub concurrency: usize,
    /// Connections whose handshake completed.
    pub handshakes: u64,
    /// Of those, TLS sessions that were resumed rather than full.
    pub resumed: u64,
    /// Connect or handshake failures and timeouts.
    pub failed: u64,
    /// Completed handshakes the server then closed cleanly.
    pub closed_by_server: u64,
    /// Completed handshakes that errored or timed out while closing.
    pub close_errors: u64,
    /// Wall time of the run, seconds.
    pub elapsed_s: f64,
    /// handshakes / elapsed, per second.
    pub per_s: f64,
    /// Connect start to handshake done (TCP: connected), ms.
    pub latency: Latency,
    /// Connect start to the server's close, ms.
    pub cycle: Latency,
    /// Server CPU over the run, percent of one core.
    pub server_cpu_percent: Option<f64>,
    /// Server CPU time per completed handshake, microseconds: the cost the
    /// server pays whoever else shares the machine.
    pub server_cpu_us_per_handshake: Option<f64>,
    /// This generator's CPU over the run, percent of one core.
    pub generator_cpu_percent: Option<f64>,
    /// Every process on the machine over the run, percent of one core.
    pub machine_cpu_percent: Option<f64>,
}

/// What one worker saw.
#[derive(Debug, Default)]
struct Tally {
    handshakes: u64,
    resumed: u64,
    failed: u64,
    closed: u64,
    close_errors: u64,
    latency: LatencyHistogram,
    cycle: LatencyHistogram,
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Sends the byte, closes our side, and reads until the server closes.
async fn close_cycle(stream: &mut Stream) -> std::io::Result<()> {
    stream.write_all(b"\n").await?;
    stream.shutdown().await?;
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            // A server that drops a TLS connection without close_notify
            // has still closed it.
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

async fn worker(
    target: SocketAddr,
    transport: Transport,
    requested: u32,
    next: Arc<AtomicU32>,
    stop_at: Instant,
) -> Tally {
    let mut t = Tally::default();
    while Instant::now() < stop_at && next.fetch_add(1, Ordering::Relaxed) < requested {
        let t0 = Instant::now();
        let mut stream = match timeout(CONNECT_TIMEOUT, transport.connect(target)).await {
            Ok(Ok(s)) => s,
            _ => {
                t.failed += 1;
                continue;
            }
        };
        t.latency.record(micros(t0.elapsed()));
        t.handshakes += 1;
        t.resumed += u64::from(stream.resumed() == Some(true));
        match timeout(CLOSE_TIMEOUT, close_cycle(&mut stream)).await {
            Ok(Ok(())) => {
                t.closed += 1;
                t.cycle.record(micros(t0.elapsed()));
            }
            _ => t.close_errors += 1,
        }
    }
    t
}

/// Runs `cfg.handshakes` connections (at most `cfg.concurrency` at a time)
/// over `transport` and reports the rate. Ends within about five minutes
/// plus 20 s whatever the server does.
pub async fn run_handshakes(cfg: &Config, transport: &Transport) -> HandshakeReport {
    let requested = cfg.handshakes.unwrap_or(0);
    let server = cfg.server_pid.map(Proc::Pid);
    let cpu = |p: Proc| p.cpu_time().ok();
    let (srv0, gen0, all0) = (
        server.and_then(cpu),
        cpu(Proc::SelfProc),
        machine_busy().ok(),
    );
    let start = Instant::now();
    let next = Arc::new(AtomicU32::new(0));
    let workers = cfg.concurrency.min(requested as usize).max(1);
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            tokio::spawn(worker(
                cfg.target,
                transport.clone(),
                requested,
                Arc::clone(&next),
                start + RUN_LIMIT,
            ))
        })
        .collect();
    let mut latency = LatencyHistogram::new();
    let mut cycle = LatencyHistogram::new();
    let mut r = HandshakeReport {
        mode: "handshakes",
        transport: transport.label(),
        target: cfg.target.to_string(),
        requested,
        concurrency: workers,
        ..HandshakeReport::default()
    };
    for h in handles {
        // A worker that panicked loses its counts; the totals then fall
        // short of `requested`, which the report shows.
        if let Ok(t) = h.await {
            r.handshakes += t.handshakes;
            r.resumed += t.resumed;
            r.failed += t.failed;
            r.closed_by_server += t.closed;
            r.close_errors += t.close_errors;
            latency.merge(&t.latency);
            cycle.merge(&t.cycle);
        }
    }
    let wall = start.elapsed();
    let pct = |a: Option<Duration>, b: Option<Duration>| {
        a.zip(b)
            .map(|(a, b)| cpu_percent(b.saturating_sub(a), wall))
    };
    r.server_cpu_percent = pct(srv0, server.and_then(cpu));
    r.generator_cpu_percent = pct(gen0, cpu(Proc::SelfProc));
    r.machine_cpu_percent = pct(all0, machine_busy().ok());
    r.elapsed_s = wall.as_secs_f64();
    r.per_s = if r.elapsed_s > 0.0 {
        r.handshakes as f64 / r.elapsed_s
    } else {
        0.0
    };
    r.server_cpu_us_per_handshake = per_handshake_us(r.server_cpu_percent, wall, r.handshakes);
    r.latency = Latency::from(&latency);
    r.cycle = Latency::from(&cycle);
    r
}

/// CPU microseconds per handshake from a CPU share (percent of one core)
/// over `wall`; `None` without a share or a handshake.
pub fn per_handshake_us(cpu_percent: Option<f64>, wall: Duration, handshakes: u64) -> Option<f64> {
    let cpu = cpu_percent?;
    (handshakes > 0).then(|| cpu / 100.0 * wall.as_secs_f64() * 1e6 / handshakes as f64)
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1} %"))
}

impl fmt::Display for HandshakeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "wf-loadgen handshake run against {} over {}",
            self.target, self.transport
        )?;
        writeln!(
            f,
            "  connections  {} requested, {} in flight, {} handshakes ({} resumed), {} failed",
            self.requested, self.concurrency, self.handshakes, self.resumed, self.failed
        )?;
        writeln!(
            f,
            "  rate         {:.0} handshakes/s over {:.2} s",
            self.per_s, self.elapsed_s
        )?;
        let (l, c) = (&self.latency, &self.cycle);
        writeln!(
            f,
            "  handshake ms p50 {:.2}  p99 {:.2}  max {:.2}",
            l.p50_ms, l.p99_ms, l.max_ms
        )?;
        writeln!(
            f,
            "  cycle ms     p50 {:.2}  p99 {:.2}  max {:.2} (to the server's close)",
            c.p50_ms, c.p99_ms, c.max_ms
        )?;
        writeln!(
            f,
            "  closes       {} by the server, {} errors or timeouts",
            self.closed_by_server, self.close_errors
        )?;
        write!(
            f,
            "  CPU          server {} ({} µs per handshake), generator {}, whole machine {} (of one core)",
            pct(self.server_cpu_percent),
            self.server_cpu_us_per_handshake
                .map_or_else(|| "n/a".to_owned(), |u| format!("{u:.0}")),
            pct(self.generator_cpu_percent),
            pct(self.machine_cpu_percent)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_per_handshake() {
        // 150 % of a core for 2 s is 3 s of CPU; over 1000 handshakes, 3 ms each.
        let us = per_handshake_us(Some(150.0), Duration::from_secs(2), 1000).unwrap();
        assert!((us - 3000.0).abs() < 1e-6);
        assert_eq!(per_handshake_us(None, Duration::from_secs(2), 1000), None);
        assert_eq!(
            per_handshake_us(Some(50.0), Duration::from_secs(2), 0),
            None
        );
    }

    #[test]
    fn report_prints_and_serialises() {
        let r = HandshakeReport {
            mode: "handshakes",
            transport: "tls",
            requested: 10,
            handshakes: 10,
            server_cpu_us_per_handshake: Some(310.4),
            ..HandshakeReport::default()
        };
        let text = r.to_string();
        assert!(text.contains("over tls"), "{text}");
        assert!(text.contains("(310 µs per handshake)"), "{text}");
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["handshakes"], 10);
        assert!(v["latency"]["p99_ms"].is_number());
    }
}
