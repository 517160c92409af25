//! Counters the server keeps, and their Prometheus text form.
//!
//! Each metric is declared once below: its field, doc comment, name, TYPE
//! and HELP line come from that one entry (see [`registry`]). The order of
//! entries is the order of `/metrics`, which scrapers and tests rely on.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

mod external;
mod registry;
pub(crate) mod sample;

pub(crate) use sample::Sample;

registry::registry! {
    /// Process-wide counters, updated with relaxed atomics from every task.
    pub struct Metrics {
        /// Streaming connections open now.
        connections_open: gauge "connections" "Streaming connections open now.",
        /// Streaming connections accepted since start.
        connections_total: counter "connections_total" "Streaming connections accepted.",
        /// Connections refused by the connection limit.
        connections_refused: counter "connections_refused_total" "Connections refused by the limit.",
        /// Connections closed because the client never identified.
        identify_timeouts: counter "identify_timeouts_total" "Connections closed for never identifying.",
        /// Messages written to clients.
        events_out: counter "events_out_total" "Messages written to clients.",
        /// Bytes written to clients.
        bytes_out: counter "bytes_out_total" "Bytes written to clients.",
        /// Bytes read from clients.
        bytes_in: counter "bytes_in_total" "Bytes read from clients.",
        /// Connections that switched to TAK protocol v1.
        proto_upgrades: counter "proto_upgrades_total" "Connections switched to TAK protocol v1.",
        /// Times a connection was paused for sending faster than its rate.
        throttled: counter "throttled_total" "Pauses of connections sending above their rate.",
        /// Connections closed because writing to them stalled or failed.
        write_stalls: counter "write_stalls_total" "Connections closed for stalled writes.",
        /// TLS handshakes refused (no or bad client certificate, revoked, garbage).
        tls_refused: counter "tls_refused_total" "TLS handshakes refused.",
        /// Enrollment logins refused (wrong password or rate limited).
        logins_refused: counter "logins_refused_total" "Enrollment logins refused.",
        /// Records that the store could not accept (queue full).
        store_dropped: counter "store_dropped_total" "Records the store queue refused.",
        /// Browsers connected to the web COP's feed now.
        web_sessions: gauge "web_sessions" "Browsers on the web COP feed.",
        /// Objects in the web picture now.
        web_objects: gauge "web_objects" "Objects in the web picture.",
        /// Frames (snapshots and deltas) sent to browsers.
        web_frames: counter "web_frames_total" "Frames sent to browsers.",
        /// Bytes of frames sent to browsers.
        web_bytes: counter "web_bytes_total" "Bytes of frames sent to browsers.",
        /// Snapshots sent (on connect and after falling behind).
        web_snapshots: counter "web_snapshots_total" "Snapshots sent to browsers.",
        /// Times a browser fell behind and was resynchronised with a snapshot.
        web_lagged: counter "web_lagged_total" "Browsers that fell behind and got a snapshot.",
        /// Events the web picture missed because its inbox was full.
        web_feed_dropped: counter "web_feed_dropped_total" "Events the web picture missed (inbox full).",
        /// Commands from browsers carried out (chat, markers, deletes).
        web_commands: counter "web_commands_total" "Browser commands carried out.",
        /// Commands from browsers refused (garbage, too large, too fast, not allowed).
        web_commands_refused: counter "web_commands_refused_total" "Browser commands refused.",
        /// Web logins refused (wrong password or rate limited).
        web_logins_refused: counter "web_logins_refused_total" "Web logins refused.",
        /// New objects the web picture refused because it was full.
        web_objects_refused: counter "web_objects_refused_total" "New objects the full web picture refused.",
        /// Events (XML or TAK protocol v1) stripped of characters XML 1.0 forbids.
        events_scrubbed: counter "events_scrubbed_total" "Events stripped of characters XML 1.0 forbids.",
        /// Basemap tiles served.
        basemap_tiles: counter "basemap_tiles_total" "Basemap tiles served.",
        /// Basemap requests refused or failed (login, unknown basemap, bad tile, bad range, unreadable).
        basemap_errors: counter "basemap_errors_total" "Basemap requests refused or failed.",
    }
    // Not in `/metrics` so far; exporting it would change the exposition,
    // which this registry keeps byte for byte.
    unexported {
        /// Datagrams that could not be decoded.
        udp_errors,
    }
    families {
        "events_in_total" counter "Events received.", by transport {
            /// Events received on streams.
            events_in_stream = "stream",
            /// Events received as datagrams.
            events_in_udp = "udp",
        }
        "drops_total" counter "Messages not delivered to a slow client.", by reason {
            /// Messages dropped for a slow client (oldest first).
            dropped_slow = "slow_client",
            /// Messages replaced by a newer one with the same uid for a slow client.
            coalesced_slow = "coalesced",
        }
    }
    kinds {
        "decode_errors_total" counter "Inputs rejected, by kind.", by kind,
        in decode_errors:
        /// Why an input was rejected; each has its own counter.
        DecodeErrorKind {
            /// Bytes that are not a CoT event (skipped).
            Garbage = "garbage",
            /// A framed event that does not parse (skipped).
            Malformed = "malformed",
            /// An event larger than the limit (connection dropped).
            TooLarge = "too_large",
            /// A broken TAK protocol frame: magic byte or varint (connection dropped).
            BadFrame = "bad_frame",
            /// A DOCTYPE or entity declaration (skipped or dropped).
            Forbidden = "forbidden",
            /// An event cut off by the start of the next one (skipped).
            Truncated = "truncated",
        }
    }
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

    /// Sets the gauge `watchfloor_<name>{<label>}` that `/metrics` shows
    /// after the subsystems' samples: for the program embedding the server
    /// (the demo exports its simulated object counts so). `name` is a
    /// Prometheus name without the `watchfloor_` prefix, and the first
    /// `help` given for it is the one shown.
    pub fn set_gauge(
        &self,
        name: &'static str,
        help: &'static str,
        label: (&'static str, &str),
        value: f64,
    ) {
        self.external.set(name, help, label, value);
    }

    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }
}

#[cfg(test)]
mod tests;
