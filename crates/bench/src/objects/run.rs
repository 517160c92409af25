//! The tokio side of `wf-loadgen objects`: connections, the send schedule and
//! the discarding reader.
//!
//! Object `i` goes out on connection `i % connections` at `i / objects` of
//! each period, so the whole picture is spread evenly over the period and no
//! connection sends in bursts. Updates that fall due within one
//! [`BATCH_SLOT`] are written together, one write call for the lot.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{sleep_until, timeout, Instant};

use super::event::{write_identify, write_object, Object};
use super::ObjectsConfig;
use crate::sa::unix_micros;

/// Updates due within this much of each other go out in one write.
pub const BATCH_SLOT: Duration = Duration::from_millis(5);
/// How long connecting, and any one write, may take.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause between identifying and the first update, so that the server has
/// taken every connection's SA before objects arrive.
const SETTLE: Duration = Duration::from_millis(500);

/// What one `objects` run did.
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct ObjectsReport {
    /// Always `"objects"`.
    pub mode: &'static str,
    /// Server address.
    pub target: String,
    /// Connections asked for.
    pub connections: u32,
    /// Connections that connected and identified.
    pub connected: u32,
    /// Distinct objects.
    pub objects: u32,
    /// Updates per object per second, hertz.
    pub rate_hz: f64,
    /// Sending time asked for, seconds.
    pub duration_s: f64,
    /// Object updates written.
    pub sent: u64,
    /// Bytes written, identification included.
    pub bytes_sent: u64,
    /// Bytes the server routed back (read and discarded).
    pub bytes_received: u64,
    /// Object updates written per second over the run.
    pub sent_per_s: f64,
    /// Latest a batch went out after it was due, milliseconds.
    pub max_lag_ms: f64,
    /// Connections that failed a write or were closed by the server.
    pub broken: u32,
}

impl std::fmt::Display for ObjectsReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "objects: {} over {}/{} connections to {}, {} Hz for {} s",
            self.objects,
            self.connected,
            self.connections,
            self.target,
            self.rate_hz,
            self.duration_s
        )?;
        writeln!(
            f,
            "sent:    {} updates ({:.0}/s), {} bytes; received {} bytes",
            self.sent, self.sent_per_s, self.bytes_sent, self.bytes_received
        )?;
        write!(
            f,
            "lag:     max {:.1} ms; broken connections: {}",
            self.max_lag_ms, self.broken
        )
    }
}

/// The objects connection `conn` of `connections` carries, with the offset
/// into each period at which each is sent.
pub fn plan(
    conn: u32,
    connections: u32,
    objects: u32,
    period: Duration,
) -> Vec<(Object, Duration)> {
    let step = connections.max(1) as usize;
    (conn..objects)
        .step_by(step)
        .map(|i| {
            let phase = period.mul_f64(f64::from(i) / f64::from(objects.max(1)));
            (Object::new(i), phase)
        })
        .collect()
}

/// One connection's counts.
#[derive(Debug, Default)]
struct ConnStats {
    connected: bool,
    broken: bool,
    sent: u64,
    bytes_sent: u64,
    bytes_received: u64,
    max_lag: Duration,
}

/// Runs the `objects` load described by `cfg` and returns what it did. Every
/// connection stops at `duration` after the start, or as soon as `stop`
/// turns true (the report then covers what was sent); failures are counted,
/// not returned.
pub async fn run_objects(cfg: &ObjectsConfig, stop: watch::Receiver<bool>) -> ObjectsReport {
    let start = Instant::now() + SETTLE;
    let start_us = unix_micros() + SETTLE.as_micros() as u64;
    let end = start + cfg.duration;
    let tasks: Vec<_> = (0..cfg.connections)
        .map(|c| {
            let objs = plan(c, cfg.connections, cfg.objects, cfg.period);
            let stop = stop.clone();
            let window = (start, start_us, end);
            tokio::spawn(run_conn(cfg.addr, c, objs, cfg.period, window, stop))
        })
        .collect();
    let mut report = ObjectsReport {
        mode: "objects",
        target: cfg.addr.to_string(),
        connections: cfg.connections,
        objects: cfg.objects,
        rate_hz: cfg.rate_hz,
        duration_s: cfg.duration.as_secs_f64(),
        ..ObjectsReport::default()
    };
    for t in tasks {
        let s = t.await.unwrap_or_else(|_| ConnStats {
            broken: true,
            ..ConnStats::default()
        });
        report.connected += u32::from(s.connected);
        report.broken += u32::from(s.broken);
        report.sent += s.sent;
        report.bytes_sent += s.bytes_sent;
        report.bytes_received += s.bytes_received;
        report.max_lag_ms = report.max_lag_ms.max(s.max_lag.as_secs_f64() * 1e3);
    }
    let ran = Instant::now()
        .saturating_duration_since(start)
        .min(cfg.duration);
    report.sent_per_s = report.sent as f64 / ran.as_secs_f64().max(1e-3);
    report
}

async fn run_conn(
    addr: SocketAddr,
    conn: u32,
    objs: Vec<(Object, Duration)>,
    period: Duration,
    (start, start_us, end): (Instant, u64, Instant),
    mut stop: watch::Receiver<bool>,
) -> ConnStats {
    let mut stats = ConnStats::default();
    let Ok(Ok(stream)) = timeout(IO_TIMEOUT, TcpStream::connect(addr)).await else {
        stats.broken = true;
        return stats;
    };
    let _ = stream.set_nodelay(true);
    let (mut rd, mut wr) = stream.into_split();
    // Drain what the server routes to us until the run ends or it closes.
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        let mut n_total = 0u64;
        loop {
            match tokio::time::timeout_at(end + Duration::from_secs(1), rd.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return n_total,
                Ok(Ok(n)) => n_total += n as u64,
            }
        }
    });
    let mut buf = Vec::with_capacity(64 * 1024);
    write_identify(&mut buf, conn, unix_micros());
    if !matches!(timeout(IO_TIMEOUT, wr.write_all(&buf)).await, Ok(Ok(()))) {
        stats.broken = true;
        reader.abort();
        return stats;
    }
    stats.connected = true;
    stats.bytes_sent += buf.len() as u64;
    let (mut cycle, mut k) = (0u32, 0usize);
    while !objs.is_empty() {
        let due_of =
            |cycle: u32, k: usize| start + period * cycle + objs.get(k).map_or(period, |o| o.1);
        let due = due_of(cycle, k);
        if due >= end {
            break;
        }
        if *stop.borrow() {
            break;
        }
        tokio::select! {
            () = sleep_until(due) => {}
            // A stop (or the sender gone) ends sending; the loop head sees which.
            r = stop.changed() => {
                if r.is_err() || *stop.borrow() {
                    break;
                }
                continue;
            }
        }
        let now = Instant::now();
        stats.max_lag = stats.max_lag.max(now.saturating_duration_since(due));
        let now_us = unix_micros();
        let elapsed_s = now_us.saturating_sub(start_us) as f64 / 1e6;
        buf.clear();
        while k < objs.len() && due_of(cycle, k) <= now + BATCH_SLOT {
            if let Some((obj, _)) = objs.get(k) {
                write_object(&mut buf, obj, now_us, elapsed_s);
                stats.sent += 1;
            }
            k += 1;
        }
        if k >= objs.len() {
            k = 0;
            cycle += 1;
        }
        if !matches!(timeout(IO_TIMEOUT, wr.write_all(&buf)).await, Ok(Ok(()))) {
            stats.broken = true;
            break;
        }
        stats.bytes_sent += buf.len() as u64;
    }
    let _ = wr.shutdown().await;
    stats.bytes_received = reader.await.unwrap_or(0);
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_shares_every_object_once_and_spreads_the_phases() {
        let period = Duration::from_secs(1);
        let mut all: Vec<(u32, Duration)> = (0..4)
            .flat_map(|c| {
                plan(c, 4, 1000, period)
                    .into_iter()
                    .map(|(o, p)| (o.index, p))
            })
            .collect();
        assert_eq!(all.len(), 1000);
        all.sort();
        for (n, (i, phase)) in all.iter().enumerate() {
            assert_eq!(*i as usize, n);
            assert_eq!(*phase, Duration::from_millis(*i as u64));
        }
        // Within a connection the phases rise, so one pass per period sends them in order.
        let one = plan(1, 4, 1000, period);
        assert!(one.windows(2).all(|w| w[0].1 < w[1].1));
        assert_eq!(one.len(), 250);
        assert!(plan(3, 4, 2, period).is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sends_every_object_at_the_rate_to_a_loopback_listener() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let mut conns = Vec::new();
            for _ in 0..2 {
                let (mut s, _) = listener.accept().await.unwrap();
                conns.push(tokio::spawn(async move {
                    let mut all = Vec::new();
                    s.read_to_end(&mut all).await.unwrap();
                    String::from_utf8(all).unwrap()
                }));
            }
            let mut text = String::new();
            for c in conns {
                text.push_str(&c.await.unwrap());
            }
            text
        });
        let cfg = ObjectsConfig {
            addr,
            objects: 20,
            rate_hz: 10.0,
            period: Duration::from_millis(100),
            duration: Duration::from_secs(1),
            connections: 2,
            json: false,
        };
        let (_keep, stop) = watch::channel(false);
        let report = run_objects(&cfg, stop).await;
        let text = tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((report.connected, report.broken), (2, 0));
        // 20 objects at 10 Hz for 1 s: 200 updates, give or take the edge of the window.
        assert!((190..=200).contains(&report.sent), "sent {}", report.sent);
        assert_eq!(text.matches("</event>").count() as u64, report.sent + 2);
        assert_eq!(text.len() as u64, report.bytes_sent);
        for i in 0..20 {
            let n = text.matches(&format!("uid=\"LOADOBJ-{i}\"")).count();
            assert!((9..=10).contains(&n), "object {i} sent {n} times");
        }
        assert_eq!(text.matches("uid=\"LOADOBJ-CONN-").count(), 2);
    }

    #[tokio::test]
    async fn stop_ends_the_run_early_with_a_report() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut sink = Vec::new();
            let _ = s.read_to_end(&mut sink).await;
        });
        let cfg = ObjectsConfig {
            addr,
            objects: 10,
            rate_hz: 10.0,
            period: Duration::from_millis(100),
            duration: Duration::from_secs(30),
            connections: 1,
            json: false,
        };
        let (tx, rx) = watch::channel(false);
        let t0 = std::time::Instant::now();
        let run = tokio::spawn(async move { run_objects(&cfg, rx).await });
        tokio::time::sleep(Duration::from_millis(1000)).await;
        tx.send(true).unwrap();
        let report = tokio::time::timeout(Duration::from_secs(5), run)
            .await
            .unwrap()
            .unwrap();
        assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
        assert_eq!(report.connected, 1);
        // About half a second of sending (after the settle pause) at 100 updates a second.
        assert!((20..=80).contains(&report.sent), "sent {}", report.sent);
    }

    #[test]
    fn report_prints_its_numbers() {
        let r = ObjectsReport {
            mode: "objects",
            target: "127.0.0.1:9".into(),
            objects: 10,
            sent: 20,
            ..ObjectsReport::default()
        };
        let s = r.to_string();
        assert!(s.contains("objects: 10"), "{s}");
        assert!(s.contains("sent:    20 updates"), "{s}");
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["mode"], "objects");
    }
}
