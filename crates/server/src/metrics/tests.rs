//! Pins the `/metrics` text: names, TYPE and HELP lines, labels, order,
//! and which counter feeds which line, so the exposition cannot drift.

use super::*;

/// Every counter set to its own value, so a line fed by the wrong counter shows.
fn distinct() -> Metrics {
    let m = Metrics::default();
    for (counter, v) in [
        (&m.connections_open, 101),
        (&m.connections_total, 102),
        (&m.connections_refused, 103),
        (&m.identify_timeouts, 104),
        (&m.events_in_stream, 105),
        (&m.events_in_udp, 106),
        (&m.events_out, 107),
        (&m.bytes_out, 108),
        (&m.bytes_in, 109),
        (&m.dropped_slow, 110),
        (&m.coalesced_slow, 111),
        (&m.proto_upgrades, 112),
        (&m.throttled, 113),
        (&m.write_stalls, 114),
        (&m.tls_refused, 115),
        (&m.logins_refused, 116),
        (&m.udp_errors, 117),
        (&m.store_dropped, 118),
        (&m.web_sessions, 119),
        (&m.web_objects, 120),
        (&m.web_frames, 121),
        (&m.web_bytes, 122),
        (&m.web_snapshots, 123),
        (&m.web_lagged, 124),
        (&m.web_feed_dropped, 125),
        (&m.web_commands, 126),
        (&m.web_commands_refused, 127),
        (&m.web_logins_refused, 128),
        (&m.web_objects_refused, 129),
        (&m.events_scrubbed, 130),
        (&m.basemap_tiles, 131),
        (&m.basemap_errors, 132),
    ] {
        Metrics::add(counter, v);
    }
    for (i, kind) in DecodeErrorKind::ALL.into_iter().enumerate() {
        for _ in 0..=i {
            m.decode_error(kind);
        }
    }
    m
}

fn extra() -> [Sample; 2] {
    [
        Sample::gauge("clients_identified", "Identified clients.", 7.0),
        Sample::gauge("store_queue", "Records waiting for the store.", 3.0),
    ]
}

#[test]
fn renders_labelled_counters() {
    let m = Metrics::default();
    m.decode_error(DecodeErrorKind::TooLarge);
    Metrics::add(&m.events_in_udp, 3);
    let text = m.render(&[Sample::gauge(
        "clients_identified",
        "Identified clients.",
        7.0,
    )]);
    assert!(text.contains("watchfloor_decode_errors_total{kind=\"too_large\"} 1"));
    assert!(text.contains("watchfloor_events_in_total{transport=\"udp\"} 3"));
    assert!(text.contains("watchfloor_clients_identified 7"));
}

#[test]
fn default_text_is_pinned() {
    assert_eq!(Metrics::default().render(&extra()), DEFAULT_TEXT);
}

#[test]
fn each_counter_feeds_its_own_line() {
    assert_eq!(distinct().render(&extra()), DISTINCT_TEXT);
}

#[test]
fn reads_back_what_was_counted() {
    let m = distinct();
    assert_eq!(m.connections_open.load(Relaxed), 101);
    assert_eq!(m.decode_errors(DecodeErrorKind::Garbage), 1);
    assert_eq!(m.decode_errors(DecodeErrorKind::Forbidden), 5);
}

const DEFAULT_TEXT: &str = r#"# HELP watchfloor_connections Streaming connections open now.
# TYPE watchfloor_connections gauge
watchfloor_connections 0
# HELP watchfloor_connections_total Streaming connections accepted.
# TYPE watchfloor_connections_total counter
watchfloor_connections_total 0
# HELP watchfloor_connections_refused_total Connections refused by the limit.
# TYPE watchfloor_connections_refused_total counter
watchfloor_connections_refused_total 0
# HELP watchfloor_identify_timeouts_total Connections closed for never identifying.
# TYPE watchfloor_identify_timeouts_total counter
watchfloor_identify_timeouts_total 0
# HELP watchfloor_events_out_total Messages written to clients.
# TYPE watchfloor_events_out_total counter
watchfloor_events_out_total 0
# HELP watchfloor_bytes_out_total Bytes written to clients.
# TYPE watchfloor_bytes_out_total counter
watchfloor_bytes_out_total 0
# HELP watchfloor_bytes_in_total Bytes read from clients.
# TYPE watchfloor_bytes_in_total counter
watchfloor_bytes_in_total 0
# HELP watchfloor_proto_upgrades_total Connections switched to TAK protocol v1.
# TYPE watchfloor_proto_upgrades_total counter
watchfloor_proto_upgrades_total 0
# HELP watchfloor_throttled_total Pauses of connections sending above their rate.
# TYPE watchfloor_throttled_total counter
watchfloor_throttled_total 0
# HELP watchfloor_write_stalls_total Connections closed for stalled writes.
# TYPE watchfloor_write_stalls_total counter
watchfloor_write_stalls_total 0
# HELP watchfloor_tls_refused_total TLS handshakes refused.
# TYPE watchfloor_tls_refused_total counter
watchfloor_tls_refused_total 0
# HELP watchfloor_logins_refused_total Enrollment logins refused.
# TYPE watchfloor_logins_refused_total counter
watchfloor_logins_refused_total 0
# HELP watchfloor_store_dropped_total Records the store queue refused.
# TYPE watchfloor_store_dropped_total counter
watchfloor_store_dropped_total 0
# HELP watchfloor_web_sessions Browsers on the web COP feed.
# TYPE watchfloor_web_sessions gauge
watchfloor_web_sessions 0
# HELP watchfloor_web_objects Objects in the web picture.
# TYPE watchfloor_web_objects gauge
watchfloor_web_objects 0
# HELP watchfloor_web_frames_total Frames sent to browsers.
# TYPE watchfloor_web_frames_total counter
watchfloor_web_frames_total 0
# HELP watchfloor_web_bytes_total Bytes of frames sent to browsers.
# TYPE watchfloor_web_bytes_total counter
watchfloor_web_bytes_total 0
# HELP watchfloor_web_snapshots_total Snapshots sent to browsers.
# TYPE watchfloor_web_snapshots_total counter
watchfloor_web_snapshots_total 0
# HELP watchfloor_web_lagged_total Browsers that fell behind and got a snapshot.
# TYPE watchfloor_web_lagged_total counter
watchfloor_web_lagged_total 0
# HELP watchfloor_web_feed_dropped_total Events the web picture missed (inbox full).
# TYPE watchfloor_web_feed_dropped_total counter
watchfloor_web_feed_dropped_total 0
# HELP watchfloor_web_commands_total Browser commands carried out.
# TYPE watchfloor_web_commands_total counter
watchfloor_web_commands_total 0
# HELP watchfloor_web_commands_refused_total Browser commands refused.
# TYPE watchfloor_web_commands_refused_total counter
watchfloor_web_commands_refused_total 0
# HELP watchfloor_web_logins_refused_total Web logins refused.
# TYPE watchfloor_web_logins_refused_total counter
watchfloor_web_logins_refused_total 0
# HELP watchfloor_web_objects_refused_total New objects the full web picture refused.
# TYPE watchfloor_web_objects_refused_total counter
watchfloor_web_objects_refused_total 0
# HELP watchfloor_events_scrubbed_total Events stripped of characters XML 1.0 forbids.
# TYPE watchfloor_events_scrubbed_total counter
watchfloor_events_scrubbed_total 0
# HELP watchfloor_basemap_tiles_total Basemap tiles served.
# TYPE watchfloor_basemap_tiles_total counter
watchfloor_basemap_tiles_total 0
# HELP watchfloor_basemap_errors_total Basemap requests refused or failed.
# TYPE watchfloor_basemap_errors_total counter
watchfloor_basemap_errors_total 0
# HELP watchfloor_clients_identified Identified clients.
# TYPE watchfloor_clients_identified gauge
watchfloor_clients_identified 7
# HELP watchfloor_store_queue Records waiting for the store.
# TYPE watchfloor_store_queue gauge
watchfloor_store_queue 3
# HELP watchfloor_events_in_total Events received.
# TYPE watchfloor_events_in_total counter
watchfloor_events_in_total{transport="stream"} 0
watchfloor_events_in_total{transport="udp"} 0
# HELP watchfloor_drops_total Messages not delivered to a slow client.
# TYPE watchfloor_drops_total counter
watchfloor_drops_total{reason="slow_client"} 0
watchfloor_drops_total{reason="coalesced"} 0
# HELP watchfloor_decode_errors_total Inputs rejected, by kind.
# TYPE watchfloor_decode_errors_total counter
watchfloor_decode_errors_total{kind="garbage"} 0
watchfloor_decode_errors_total{kind="malformed"} 0
watchfloor_decode_errors_total{kind="too_large"} 0
watchfloor_decode_errors_total{kind="bad_frame"} 0
watchfloor_decode_errors_total{kind="forbidden"} 0
watchfloor_decode_errors_total{kind="truncated"} 0
"#;

const DISTINCT_TEXT: &str = r#"# HELP watchfloor_connections Streaming connections open now.
# TYPE watchfloor_connections gauge
watchfloor_connections 101
# HELP watchfloor_connections_total Streaming connections accepted.
# TYPE watchfloor_connections_total counter
watchfloor_connections_total 102
# HELP watchfloor_connections_refused_total Connections refused by the limit.
# TYPE watchfloor_connections_refused_total counter
watchfloor_connections_refused_total 103
# HELP watchfloor_identify_timeouts_total Connections closed for never identifying.
# TYPE watchfloor_identify_timeouts_total counter
watchfloor_identify_timeouts_total 104
# HELP watchfloor_events_out_total Messages written to clients.
# TYPE watchfloor_events_out_total counter
watchfloor_events_out_total 107
# HELP watchfloor_bytes_out_total Bytes written to clients.
# TYPE watchfloor_bytes_out_total counter
watchfloor_bytes_out_total 108
# HELP watchfloor_bytes_in_total Bytes read from clients.
# TYPE watchfloor_bytes_in_total counter
watchfloor_bytes_in_total 109
# HELP watchfloor_proto_upgrades_total Connections switched to TAK protocol v1.
# TYPE watchfloor_proto_upgrades_total counter
watchfloor_proto_upgrades_total 112
# HELP watchfloor_throttled_total Pauses of connections sending above their rate.
# TYPE watchfloor_throttled_total counter
watchfloor_throttled_total 113
# HELP watchfloor_write_stalls_total Connections closed for stalled writes.
# TYPE watchfloor_write_stalls_total counter
watchfloor_write_stalls_total 114
# HELP watchfloor_tls_refused_total TLS handshakes refused.
# TYPE watchfloor_tls_refused_total counter
watchfloor_tls_refused_total 115
# HELP watchfloor_logins_refused_total Enrollment logins refused.
# TYPE watchfloor_logins_refused_total counter
watchfloor_logins_refused_total 116
# HELP watchfloor_store_dropped_total Records the store queue refused.
# TYPE watchfloor_store_dropped_total counter
watchfloor_store_dropped_total 118
# HELP watchfloor_web_sessions Browsers on the web COP feed.
# TYPE watchfloor_web_sessions gauge
watchfloor_web_sessions 119
# HELP watchfloor_web_objects Objects in the web picture.
# TYPE watchfloor_web_objects gauge
watchfloor_web_objects 120
# HELP watchfloor_web_frames_total Frames sent to browsers.
# TYPE watchfloor_web_frames_total counter
watchfloor_web_frames_total 121
# HELP watchfloor_web_bytes_total Bytes of frames sent to browsers.
# TYPE watchfloor_web_bytes_total counter
watchfloor_web_bytes_total 122
# HELP watchfloor_web_snapshots_total Snapshots sent to browsers.
# TYPE watchfloor_web_snapshots_total counter
watchfloor_web_snapshots_total 123
# HELP watchfloor_web_lagged_total Browsers that fell behind and got a snapshot.
# TYPE watchfloor_web_lagged_total counter
watchfloor_web_lagged_total 124
# HELP watchfloor_web_feed_dropped_total Events the web picture missed (inbox full).
# TYPE watchfloor_web_feed_dropped_total counter
watchfloor_web_feed_dropped_total 125
# HELP watchfloor_web_commands_total Browser commands carried out.
# TYPE watchfloor_web_commands_total counter
watchfloor_web_commands_total 126
# HELP watchfloor_web_commands_refused_total Browser commands refused.
# TYPE watchfloor_web_commands_refused_total counter
watchfloor_web_commands_refused_total 127
# HELP watchfloor_web_logins_refused_total Web logins refused.
# TYPE watchfloor_web_logins_refused_total counter
watchfloor_web_logins_refused_total 128
# HELP watchfloor_web_objects_refused_total New objects the full web picture refused.
# TYPE watchfloor_web_objects_refused_total counter
watchfloor_web_objects_refused_total 129
# HELP watchfloor_events_scrubbed_total Events stripped of characters XML 1.0 forbids.
# TYPE watchfloor_events_scrubbed_total counter
watchfloor_events_scrubbed_total 130
# HELP watchfloor_basemap_tiles_total Basemap tiles served.
# TYPE watchfloor_basemap_tiles_total counter
watchfloor_basemap_tiles_total 131
# HELP watchfloor_basemap_errors_total Basemap requests refused or failed.
# TYPE watchfloor_basemap_errors_total counter
watchfloor_basemap_errors_total 132
# HELP watchfloor_clients_identified Identified clients.
# TYPE watchfloor_clients_identified gauge
watchfloor_clients_identified 7
# HELP watchfloor_store_queue Records waiting for the store.
# TYPE watchfloor_store_queue gauge
watchfloor_store_queue 3
# HELP watchfloor_events_in_total Events received.
# TYPE watchfloor_events_in_total counter
watchfloor_events_in_total{transport="stream"} 105
watchfloor_events_in_total{transport="udp"} 106
# HELP watchfloor_drops_total Messages not delivered to a slow client.
# TYPE watchfloor_drops_total counter
watchfloor_drops_total{reason="slow_client"} 110
watchfloor_drops_total{reason="coalesced"} 111
# HELP watchfloor_decode_errors_total Inputs rejected, by kind.
# TYPE watchfloor_decode_errors_total counter
watchfloor_decode_errors_total{kind="garbage"} 1
watchfloor_decode_errors_total{kind="malformed"} 2
watchfloor_decode_errors_total{kind="too_large"} 3
watchfloor_decode_errors_total{kind="bad_frame"} 4
watchfloor_decode_errors_total{kind="forbidden"} 5
watchfloor_decode_errors_total{kind="truncated"} 6
"#;

#[test]
fn gauges_set_from_outside_follow_the_samples_and_keep_their_latest_value() {
    let m = Metrics::default();
    let before = m.render(&[]);
    assert!(
        !before.contains("sim_objects"),
        "nothing set, nothing shown"
    );
    m.set_gauge("sim_objects", "Simulated objects.", ("kind", "air"), 8.0);
    m.set_gauge(
        "sim_objects",
        "Simulated objects.",
        ("kind", "ground"),
        30.0,
    );
    m.set_gauge(
        "sim_objects",
        "Simulated objects.",
        ("kind", "ground"),
        34.0,
    );
    let sample = Sample::gauge("cached_items", "Items kept.", 3.0);
    let text = m.render(&[sample]);
    let expected = "# HELP watchfloor_cached_items Items kept.\n\
        # TYPE watchfloor_cached_items gauge\n\
        watchfloor_cached_items 3\n\
        # HELP watchfloor_sim_objects Simulated objects.\n\
        # TYPE watchfloor_sim_objects gauge\n\
        watchfloor_sim_objects{kind=\"air\"} 8\n\
        watchfloor_sim_objects{kind=\"ground\"} 34\n";
    assert!(text.contains(expected), "{text}");
}
