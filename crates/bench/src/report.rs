//! The result of a run: one serialisable value, printed either as a
//! human-readable block or as one JSON object.

use std::fmt;

use serde::Serialize;

use crate::client::ClientStats;
use crate::hist::LatencyHistogram;

/// Latency summary, milliseconds.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Latency {
    /// Median, ms.
    pub p50_ms: f64,
    /// 90th percentile, ms.
    pub p90_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// 99.9th percentile, ms.
    pub p999_ms: f64,
    /// Largest, ms.
    pub max_ms: f64,
    /// Mean, ms.
    pub mean_ms: f64,
}

impl From<&LatencyHistogram> for Latency {
    fn from(h: &LatencyHistogram) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        Latency {
            p50_ms: ms(h.quantile(0.5)),
            p90_ms: ms(h.quantile(0.9)),
            p99_ms: ms(h.quantile(0.99)),
            p999_ms: ms(h.quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1000.0,
        }
    }
}

/// What was observed of the server process (all `None` without `--server-pid`).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ServerSample {
    /// Process id observed.
    pub pid: Option<u32>,
    /// CPU over the measurement window, percent of one core.
    pub cpu_percent: Option<f64>,
    /// Resident memory before any client connected, KiB.
    pub rss_kib_before: Option<u64>,
    /// Resident memory once every client had connected and identified, KiB.
    pub rss_kib_connected: Option<u64>,
    /// Resident memory at the end of the measurement window (idle mode: same
    /// as connected), KiB.
    pub rss_kib_end: Option<u64>,
    /// (connected − before) / connected clients, KiB.
    pub rss_kib_per_client: Option<f64>,
}

/// Counts summed over every client.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Totals {
    /// Clients connected and identified.
    pub connected: u64,
    /// Connection attempts that failed.
    pub connect_failures: u64,
    /// Measured SAs sent.
    pub sent: u64,
    /// SAs sent in all (identification and warmup included).
    pub sent_total: u64,
    /// Measured deliveries received.
    pub delivered: u64,
    /// Marked but unmeasured events received (identification, warmup, replay).
    pub unmeasured_received: u64,
    /// Events without a mark received (pongs, offers, deletes).
    pub other_received: u64,
    /// Copies of a client's own SA sent back to it.
    pub self_echoes: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Connections the server closed early.
    pub disconnects: u64,
    /// Failed reads.
    pub read_errors: u64,
    /// Failed writes.
    pub write_errors: u64,
    /// Incoming events over the size bound.
    pub oversize: u64,
}

impl Totals {
    /// Adds one client's counts; returns nothing, merges latency separately.
    pub fn add(&mut self, c: &ClientStats) {
        self.connected += u64::from(c.connected);
        self.connect_failures += u64::from(c.connect_failed);
        self.sent += c.sent_measured;
        self.sent_total += c.sent_total;
        self.delivered += c.delivered;
        self.unmeasured_received += c.unmeasured;
        self.other_received += c.other;
        self.self_echoes += c.self_echo;
        self.bytes_received += c.bytes;
        self.disconnects += u64::from(c.disconnected);
        self.read_errors += u64::from(c.read_error);
        self.write_errors += u64::from(c.write_error);
        self.oversize += u64::from(c.oversize);
    }
}

/// The whole result of one run.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Report {
    /// "routing" or "idle".
    pub mode: &'static str,
    /// "tcp" or "tls".
    pub transport: &'static str,
    /// Server address.
    pub target: String,
    /// Clients requested.
    pub clients: u64,
    /// Send rate per client, hertz.
    pub rate_hz: f64,
    /// Measurement window, seconds.
    pub duration_s: f64,
    /// Counts over all clients.
    pub totals: Totals,
    /// Deliveries a perfect server makes: sent × (connected − 1).
    pub expected: u64,
    /// delivered / expected (1.0 when nothing was expected).
    pub delivery_ratio: f64,
    /// delivered / duration, per second.
    pub deliveries_per_s: f64,
    /// Delivery latency.
    pub latency: Latency,
    /// Server CPU and memory.
    pub server: ServerSample,
    /// This generator's CPU over the measurement window, percent of one core.
    pub generator_cpu_percent: Option<f64>,
    /// Every process on the machine over the window, percent of one core;
    /// well above server + generator means the run was disturbed.
    pub machine_cpu_percent: Option<f64>,
}

impl Report {
    /// Derives expected, ratio and rate from the totals.
    pub fn finish(&mut self, latency: &LatencyHistogram) {
        self.expected = self.totals.sent * self.totals.connected.saturating_sub(1);
        self.delivery_ratio = if self.expected == 0 {
            1.0
        } else {
            self.totals.delivered as f64 / self.expected as f64
        };
        self.deliveries_per_s = if self.duration_s > 0.0 {
            self.totals.delivered as f64 / self.duration_s
        } else {
            0.0
        };
        self.latency = Latency::from(latency);
    }
}

fn opt<T: fmt::Display>(v: Option<T>, unit: &str) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{v}{unit}"))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.totals;
        let s = &self.server;
        writeln!(
            f,
            "wf-loadgen {} run against {} over {}",
            self.mode, self.target, self.transport
        )?;
        writeln!(
            f,
            "  clients      {} requested, {} connected, {} failed",
            self.clients, t.connected, t.connect_failures
        )?;
        if self.mode == "routing" {
            writeln!(
                f,
                "  load         {} Hz per client for {:.1} s",
                self.rate_hz, self.duration_s
            )?;
            writeln!(
                f,
                "  sent         {} measured ({} in all)",
                t.sent, t.sent_total
            )?;
            writeln!(
                f,
                "  delivered    {} of {} expected, ratio {:.5}",
                t.delivered, self.expected, self.delivery_ratio
            )?;
            writeln!(
                f,
                "  throughput   {:.0} deliveries/s",
                self.deliveries_per_s
            )?;
            let l = &self.latency;
            writeln!(
                f,
                "  latency ms   p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  mean {:.2}",
                l.p50_ms, l.p90_ms, l.p99_ms, l.p999_ms, l.max_ms, l.mean_ms
            )?;
        }
        writeln!(
            f,
            "  received     {} unmeasured, {} other events, {} bytes, {} self echoes",
            t.unmeasured_received, t.other_received, t.bytes_received, t.self_echoes
        )?;
        writeln!(
            f,
            "  errors       {} disconnects, {} read, {} write, {} oversize",
            t.disconnects, t.read_errors, t.write_errors, t.oversize
        )?;
        writeln!(f, "  server pid   {}", opt(s.pid, ""))?;
        writeln!(
            f,
            "  server CPU   {} of one core",
            opt(s.cpu_percent.map(|c| format!("{c:.1}")), " %")
        )?;
        writeln!(
            f,
            "  server RSS   before {}  connected {}  end {}  per client {}",
            opt(s.rss_kib_before, " KiB"),
            opt(s.rss_kib_connected, " KiB"),
            opt(s.rss_kib_end, " KiB"),
            opt(s.rss_kib_per_client.map(|c| format!("{c:.1}")), " KiB"),
        )?;
        write!(
            f,
            "  generator    {} CPU of one core; whole machine {}",
            opt(self.generator_cpu_percent.map(|c| format!("{c:.1}")), " %"),
            opt(self.machine_cpu_percent.map(|c| format!("{c:.1}")), " %")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_ratio_and_rate() {
        let mut r = Report {
            mode: "routing",
            duration_s: 10.0,
            ..Report::default()
        };
        r.totals.connected = 100;
        r.totals.sent = 1000;
        r.totals.delivered = 98_010;
        let mut h = LatencyHistogram::new();
        h.record(1500);
        r.finish(&h);
        assert_eq!(r.expected, 99_000);
        assert!((r.delivery_ratio - 0.99).abs() < 1e-12);
        assert!((r.deliveries_per_s - 9801.0).abs() < 1e-9);
        assert_eq!(r.latency.max_ms, 1.5);
    }

    #[test]
    fn nothing_expected_is_ratio_one_and_json_has_fields() {
        let mut r = Report {
            mode: "idle",
            ..Report::default()
        };
        r.finish(&LatencyHistogram::new());
        assert_eq!(r.delivery_ratio, 1.0);
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["mode"], "idle");
        assert!(v["server"]["rss_kib_per_client"].is_null());
        assert_eq!(v["latency"]["p99_ms"], 0.0);
        let text = r.to_string();
        assert!(text.contains("server RSS   before n/a"));
        assert!(!text.contains("latency"));
    }

    #[test]
    fn totals_add_counts_flags() {
        let mut t = Totals::default();
        let c = ClientStats {
            connected: true,
            disconnected: true,
            delivered: 5,
            sent_measured: 2,
            ..ClientStats::default()
        };
        t.add(&c);
        t.add(&c);
        assert_eq!(
            (t.connected, t.disconnects, t.delivered, t.sent),
            (2, 2, 10, 4)
        );
    }
}
