//! Counters the server keeps, and their Prometheus text form.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Why an input was rejected; each has its own counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// Bytes that are not a CoT event (skipped).
    Garbage,
    /// A framed event that does not parse (skipped).
    Malformed,
    /// An event larger than the limit (connection dropped).
    TooLarge,
    /// A broken TAK protocol frame: magic byte or varint (connection dropped).
    BadFrame,
    /// A DOCTYPE or entity declaration (skipped or dropped).
    Forbidden,
}

impl DecodeErrorKind {
    const ALL: [DecodeErrorKind; 5] = [
        Self::Garbage,
        Self::Malformed,
        Self::TooLarge,
        Self::BadFrame,
        Self::Forbidden,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Garbage => "garbage",
            Self::Malformed => "malformed",
            Self::TooLarge => "too_large",
            Self::BadFrame => "bad_frame",
            Self::Forbidden => "forbidden",
        }
    }
}

/// Process-wide counters, updated with relaxed atomics from every task.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Streaming connections open now.
    pub connections_open: AtomicU64,
    /// Streaming connections accepted since start.
    pub connections_total: AtomicU64,
    /// Connections refused by the connection limit.
    pub connections_refused: AtomicU64,
    /// Connections closed because the client never identified.
    pub identify_timeouts: AtomicU64,
    /// Events received on streams.
    pub events_in_stream: AtomicU64,
    /// Events received as datagrams.
    pub events_in_udp: AtomicU64,
    /// Messages written to clients.
    pub events_out: AtomicU64,
    /// Bytes written to clients.
    pub bytes_out: AtomicU64,
    /// Bytes read from clients.
    pub bytes_in: AtomicU64,
    /// Messages dropped for a slow client (oldest first).
    pub dropped_slow: AtomicU64,
    /// Messages replaced by a newer one with the same uid for a slow client.
    pub coalesced_slow: AtomicU64,
    /// Connections that switched to TAK protocol v1.
    pub proto_upgrades: AtomicU64,
    /// Times a connection was paused for sending faster than its rate.
    pub throttled: AtomicU64,
    /// Connections closed because writing to them stalled or failed.
    pub write_stalls: AtomicU64,
    /// TLS handshakes refused (no or bad client certificate, revoked, garbage).
    pub tls_refused: AtomicU64,
    /// Enrollment logins refused (wrong password or rate limited).
    pub logins_refused: AtomicU64,
    /// Datagrams that could not be decoded.
    pub udp_errors: AtomicU64,
    /// Records that the store could not accept (queue full).
    pub store_dropped: AtomicU64,
    /// Browsers connected to the web COP's feed now.
    pub web_sessions: AtomicU64,
    /// Objects in the web picture now.
    pub web_objects: AtomicU64,
    /// Frames (snapshots and deltas) sent to browsers.
    pub web_frames: AtomicU64,
    /// Bytes of frames sent to browsers.
    pub web_bytes: AtomicU64,
    /// Snapshots sent (on connect and after falling behind).
    pub web_snapshots: AtomicU64,
    /// Times a browser fell behind and was resynchronised with a snapshot.
    pub web_lagged: AtomicU64,
    /// Events the web picture missed because its inbox was full.
    pub web_feed_dropped: AtomicU64,
    /// Commands from browsers carried out (chat, markers, deletes).
    pub web_commands: AtomicU64,
    /// Commands from browsers refused (garbage, too large, too fast, not allowed).
    pub web_commands_refused: AtomicU64,
    /// Web logins refused (wrong password or rate limited).
    pub web_logins_refused: AtomicU64,
    /// New objects the web picture refused because it was full.
    pub web_objects_refused: AtomicU64,
    decode_errors: [AtomicU64; 5],
}

impl Metrics {
    /// Counts one rejected input.
    pub fn decode_error(&self, kind: DecodeErrorKind) {
        self.decode_errors[kind as usize].fetch_add(1, Relaxed);
    }

    /// The count of one kind of rejected input.
    pub fn decode_errors(&self, kind: DecodeErrorKind) -> u64 {
        self.decode_errors[kind as usize].load(Relaxed)
    }

    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    /// Prometheus text exposition of these counters plus the extra
    /// `(name, help, value)` gauges the caller provides (router and store).
    pub fn render(&self, extra: &[(&str, &str, u64)]) -> String {
        let mut out = String::with_capacity(4096);
        let mut one = |name: &str, kind: &str, help: &str, v: u64| {
            let _ = writeln!(out, "# HELP watchfloor_{name} {help}\n# TYPE watchfloor_{name} {kind}\nwatchfloor_{name} {v}");
        };
        let g = |a: &AtomicU64| a.load(Relaxed);
        one(
            "connections",
            "gauge",
            "Streaming connections open now.",
            g(&self.connections_open),
        );
        one(
            "connections_total",
            "counter",
            "Streaming connections accepted.",
            g(&self.connections_total),
        );
        one(
            "connections_refused_total",
            "counter",
            "Connections refused by the limit.",
            g(&self.connections_refused),
        );
        one(
            "identify_timeouts_total",
            "counter",
            "Connections closed for never identifying.",
            g(&self.identify_timeouts),
        );
        one(
            "events_out_total",
            "counter",
            "Messages written to clients.",
            g(&self.events_out),
        );
        one(
            "bytes_out_total",
            "counter",
            "Bytes written to clients.",
            g(&self.bytes_out),
        );
        one(
            "bytes_in_total",
            "counter",
            "Bytes read from clients.",
            g(&self.bytes_in),
        );
        one(
            "proto_upgrades_total",
            "counter",
            "Connections switched to TAK protocol v1.",
            g(&self.proto_upgrades),
        );
        one(
            "throttled_total",
            "counter",
            "Pauses of connections sending above their rate.",
            g(&self.throttled),
        );
        one(
            "write_stalls_total",
            "counter",
            "Connections closed for stalled writes.",
            g(&self.write_stalls),
        );
        one(
            "tls_refused_total",
            "counter",
            "TLS handshakes refused.",
            g(&self.tls_refused),
        );
        one(
            "logins_refused_total",
            "counter",
            "Enrollment logins refused.",
            g(&self.logins_refused),
        );
        one(
            "store_dropped_total",
            "counter",
            "Records the store queue refused.",
            g(&self.store_dropped),
        );
        one(
            "web_sessions",
            "gauge",
            "Browsers on the web COP feed.",
            g(&self.web_sessions),
        );
        one(
            "web_objects",
            "gauge",
            "Objects in the web picture.",
            g(&self.web_objects),
        );
        for (name, help, v) in [
            (
                "web_frames_total",
                "Frames sent to browsers.",
                &self.web_frames,
            ),
            (
                "web_bytes_total",
                "Bytes of frames sent to browsers.",
                &self.web_bytes,
            ),
            (
                "web_snapshots_total",
                "Snapshots sent to browsers.",
                &self.web_snapshots,
            ),
            (
                "web_lagged_total",
                "Browsers that fell behind and got a snapshot.",
                &self.web_lagged,
            ),
            (
                "web_feed_dropped_total",
                "Events the web picture missed (inbox full).",
                &self.web_feed_dropped,
            ),
            (
                "web_commands_total",
                "Browser commands carried out.",
                &self.web_commands,
            ),
            (
                "web_commands_refused_total",
                "Browser commands refused.",
                &self.web_commands_refused,
            ),
            (
                "web_logins_refused_total",
                "Web logins refused.",
                &self.web_logins_refused,
            ),
            (
                "web_objects_refused_total",
                "New objects the full web picture refused.",
                &self.web_objects_refused,
            ),
        ] {
            one(name, "counter", help, g(v));
        }
        for (name, help, v) in extra {
            one(name, "gauge", help, *v);
        }
        let _ = writeln!(out, "# HELP watchfloor_events_in_total Events received.\n# TYPE watchfloor_events_in_total counter");
        let _ = writeln!(
            out,
            "watchfloor_events_in_total{{transport=\"stream\"}} {}",
            g(&self.events_in_stream)
        );
        let _ = writeln!(
            out,
            "watchfloor_events_in_total{{transport=\"udp\"}} {}",
            g(&self.events_in_udp)
        );
        let _ = writeln!(out, "# HELP watchfloor_drops_total Messages not delivered to a slow client.\n# TYPE watchfloor_drops_total counter");
        let _ = writeln!(
            out,
            "watchfloor_drops_total{{reason=\"slow_client\"}} {}",
            g(&self.dropped_slow)
        );
        let _ = writeln!(
            out,
            "watchfloor_drops_total{{reason=\"coalesced\"}} {}",
            g(&self.coalesced_slow)
        );
        let _ = writeln!(out, "# HELP watchfloor_decode_errors_total Inputs rejected, by kind.\n# TYPE watchfloor_decode_errors_total counter");
        for k in DecodeErrorKind::ALL {
            let _ = writeln!(
                out,
                "watchfloor_decode_errors_total{{kind=\"{}\"}} {}",
                k.label(),
                self.decode_errors(k)
            );
        }
        out
    }
}

#[cfg(test)]
mod tests;
