//! Drives a whole run: ramp-up, warmup, measurement, drain, and the samples
//! of the server process around them.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{sleep, sleep_until, timeout_at, Instant};

use crate::client::{run_client, ClientStats, Progress, Schedule};
use crate::config::Config;
use crate::hist::LatencyHistogram;
use crate::procstat::{cpu_percent, machine_busy, Proc};
use crate::report::{Report, ServerSample};
use crate::sa::unix_micros;
use crate::tls::Transport;

/// Connections are opened in batches this far apart.
const BATCH_EVERY: Duration = Duration::from_millis(100);
/// Pause after the last client identified, so that the server has routed
/// every identification and the replays have drained before sending starts.
const SETTLE: Duration = Duration::from_secs(1);
/// Grace after the read end for client tasks to hand back their counts.
const JOIN_GRACE: Duration = Duration::from_secs(15);

/// CPU time of a process, or `None` when it cannot be read.
fn cpu(p: Option<Proc>) -> Option<Duration> {
    p.and_then(|p| p.cpu_time().ok())
}

fn rss(p: Option<Proc>) -> Option<u64> {
    p.and_then(|p| p.rss_kib().ok())
}

/// Runs the benchmark described by `cfg`, every client connecting over
/// `transport`, and returns its report.
///
/// Connection failures, disconnects and socket errors are counted in the
/// report, not returned as errors; the run itself ends within about
/// `ramp-up + warmup + duration + drain + 15 s`.
pub async fn run(cfg: &Config, transport: &Transport) -> Report {
    let server = cfg.server_pid.map(Proc::Pid);
    let mut report = Report {
        mode: if cfg.idle { "idle" } else { "routing" },
        transport: transport.label(),
        target: cfg.target.to_string(),
        clients: cfg.clients as u64,
        rate_hz: cfg.rate_hz,
        duration_s: if cfg.idle {
            0.0
        } else {
            cfg.duration.as_secs_f64()
        },
        ..Report::default()
    };
    let mut sample = ServerSample {
        pid: cfg.server_pid,
        rss_kib_before: rss(server),
        ..ServerSample::default()
    };

    let (tx, rx) = watch::channel(None);
    let progress = Arc::new(Progress::default());
    let handles = ramp_up(cfg, transport, &rx, &progress).await;
    wait_identified(cfg, &progress).await;
    sleep(if cfg.idle { cfg.drain } else { SETTLE }).await;
    sample.rss_kib_connected = rss(server);

    let now = Instant::now();
    let now_us = unix_micros();
    let warm_start = now + Duration::from_millis(50);
    let (warmup, duration, drain) = if cfg.idle {
        (Duration::ZERO, Duration::ZERO, Duration::ZERO)
    } else {
        (cfg.warmup, cfg.duration, cfg.drain)
    };
    let meas_start = warm_start + warmup;
    let meas_end = meas_start + duration;
    let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
    let schedule = Schedule {
        warm_start,
        meas_start_us: now_us + micros(meas_start - now),
        meas_end_us: now_us + micros(meas_end - now),
        meas_end,
        read_end: meas_end + drain,
        period: cfg.period,
        send: !cfg.idle,
    };
    // `rx` is still alive, so sending cannot fail.
    let _ = tx.send(Some(schedule));

    if !cfg.idle {
        sleep_until(meas_start).await;
        let (srv0, gen0, all0, t0) = (
            cpu(server),
            cpu(Some(Proc::SelfProc)),
            machine_busy().ok(),
            Instant::now(),
        );
        sleep_until(meas_end).await;
        let (srv1, gen1, all1, wall) = (
            cpu(server),
            cpu(Some(Proc::SelfProc)),
            machine_busy().ok(),
            t0.elapsed(),
        );
        report.machine_cpu_percent = all0
            .zip(all1)
            .map(|(a, b)| cpu_percent(b.saturating_sub(a), wall));
        sample.rss_kib_end = rss(server);
        sample.cpu_percent = srv0
            .zip(srv1)
            .map(|(a, b)| cpu_percent(b.saturating_sub(a), wall));
        report.generator_cpu_percent = gen0
            .zip(gen1)
            .map(|(a, b)| cpu_percent(b.saturating_sub(a), wall));
    } else {
        sample.rss_kib_end = sample.rss_kib_connected;
    }

    let mut latency = LatencyHistogram::new();
    let deadline = schedule.read_end + JOIN_GRACE;
    for h in handles {
        match timeout_at(deadline, h).await {
            Ok(Ok(stats)) => {
                report.totals.add(&stats);
                latency.merge(&stats.latency);
            }
            // A client task that panicked or hung is counted as a read error
            // rather than taking the run down with it.
            _ => report.totals.read_errors += 1,
        }
    }
    drop(tx);
    if let (Some(before), Some(after)) = (sample.rss_kib_before, sample.rss_kib_connected) {
        if report.totals.connected > 0 {
            sample.rss_kib_per_client =
                Some((after as f64 - before as f64) / report.totals.connected as f64);
        }
    }
    report.server = sample;
    report.finish(&latency);
    report
}

/// Opens the connections in batches of `connect_rate / 10` every 100 ms, so
/// the server's accept backlog and connection limiter are not flooded.
async fn ramp_up(
    cfg: &Config,
    transport: &Transport,
    rx: &watch::Receiver<Option<Schedule>>,
    progress: &Arc<Progress>,
) -> Vec<JoinHandle<ClientStats>> {
    let batch = (cfg.connect_rate / 10).max(1) as usize;
    let mut handles = Vec::with_capacity(cfg.clients);
    let mut next = Instant::now();
    for index in 0..cfg.clients {
        if index > 0 && index % batch == 0 {
            next += BATCH_EVERY;
            sleep_until(next).await;
        }
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        handles.push(tokio::spawn(run_client(
            index,
            cfg.target,
            transport.clone(),
            rx.clone(),
            Arc::clone(progress),
        )));
    }
    handles
}

/// Waits until every client has connected or failed, at most 10 s past the
/// time the ramp-up schedule should have needed.
async fn wait_identified(cfg: &Config, progress: &Progress) {
    let ramp = Duration::from_secs_f64(cfg.clients as f64 / f64::from(cfg.connect_rate));
    let deadline = Instant::now() + ramp + Duration::from_secs(10);
    while Instant::now() < deadline {
        let done =
            progress.connected.load(Ordering::Relaxed) + progress.failed.load(Ordering::Relaxed);
        if done >= cfg.clients {
            return;
        }
        sleep(Duration::from_millis(20)).await;
    }
}
