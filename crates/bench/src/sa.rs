//! The SA event every simulated client sends.
//!
//! It is shaped like an ATAK self-SA (contact, group, track; about 450
//! bytes) so that the server does the same parsing and routing
//! work it would for a phone, plus one `<wfbench>` element that carries what
//! the receivers need: the send time in unix microseconds, the client index,
//! a sequence number and whether the event belongs to the measured window.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// How long after its send time an SA is stale, seconds (ATAK uses minutes).
const STALE_S: u64 = 120;

/// What a receiver reads back from the `<wfbench>` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Send time, unix microseconds.
    pub sent_us: u64,
    /// Index of the sending client.
    pub client: u32,
    /// Sequence number of the event within its client.
    pub seq: u64,
    /// Whether the event was sent inside the measurement window.
    pub measured: bool,
}

/// Wall clock now, unix microseconds (the same clock on both ends, because
/// sender and receiver are the same process).
pub fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The uid and callsign of client `index`.
pub fn callsign(index: u32) -> String {
    format!("LOAD-{index}")
}

/// Position of client `index` after `seq` reports, WGS-84 degrees.
///
/// Clients sit on a 100-wide grid about 100 m apart and creep north-east so
/// that successive SAs differ, as real ones do.
pub fn position(index: u32, seq: u64) -> (f64, f64) {
    let drift = (seq % 1000) as f64 * 1e-6;
    let lat = 31.75 + f64::from(index / 100) * 0.001 + drift;
    let lon = -106.45 + f64::from(index % 100) * 0.001 + drift;
    (lat, lon)
}

/// Appends one SA event for `mark` to `out` (no XML declaration, no newline).
///
/// The result is about 450 bytes, the size of an ATAK SA.
pub fn write_sa(out: &mut Vec<u8>, mark: &Mark) {
    let (lat, lon) = position(mark.client, mark.seq);
    let now = iso8601(mark.sent_us);
    let stale = iso8601(mark.sent_us.saturating_add(STALE_S * 1_000_000));
    let c = mark.client;
    // Writing into a Vec cannot fail; the Result only exists for io::Write.
    let _ = write!(
        out,
        "<event version=\"2.0\" uid=\"LOAD-{c}\" type=\"a-f-G-U-C\" how=\"m-g\" time=\"{now}\" \
         start=\"{now}\" stale=\"{stale}\"><point lat=\"{lat:.6}\" lon=\"{lon:.6}\" hae=\"1180.0\" \
         ce=\"9.9\" le=\"9999999.0\"/><detail><contact callsign=\"LOAD-{c}\" endpoint=\"*:-1:stcp\"/>\
         <__group name=\"Cyan\" role=\"Team Member\"/>\
         <track course=\"45.0\" speed=\"1.2\"/><wfbench t=\"{t}\" c=\"{c}\" s=\"{s}\" m=\"{m}\"/>\
         </detail></event>",
        t = mark.sent_us,
        s = mark.seq,
        m = u8::from(mark.measured),
    );
}

/// Formats unix microseconds as ISO-8601 UTC with milliseconds, as ATAK does.
pub fn iso8601(unix_us: u64) -> String {
    // Whole milliseconds: cot's own ISO form then writes three digits.
    let ms = i64::try_from(unix_us / 1000).unwrap_or(i64::MAX);
    cot::Time::from_millis(ms).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::read_mark;

    #[test]
    fn iso_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_704_067_200_000_000), "2024-01-01T00:00:00.000Z");
        // Leap day and milliseconds.
        assert_eq!(iso8601(1_709_210_096_789_000), "2024-02-29T12:34:56.789Z");
        assert_eq!(iso8601(951_782_400_000_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(4_102_444_799_999_999), "2099-12-31T23:59:59.999Z");
    }

    #[test]
    fn sa_is_atak_sized_and_well_formed() {
        let mut out = Vec::new();
        let mark = Mark {
            sent_us: 1_764_291_048_123_456,
            client: 999,
            seq: 12345,
            measured: true,
        };
        write_sa(&mut out, &mark);
        let text = std::str::from_utf8(&out).unwrap();
        assert!(text.starts_with("<event version=\"2.0\" uid=\"LOAD-999\" type=\"a-f-G-U-C\""));
        assert!(text.ends_with("</detail></event>"));
        assert!(text.contains("<contact callsign=\"LOAD-999\" endpoint=\"*:-1:stcp\"/>"));
        assert!(text.contains("<__group name=\"Cyan\" role=\"Team Member\"/>"));
        assert!(text.contains("time=\"2025-11-28T00:50:48.123Z\""));
        assert!(text.contains("stale=\"2025-11-28T00:52:48.123Z\""));
        assert!((400..=500).contains(&out.len()), "size {}", out.len());
        assert_eq!(text.matches("</event>").count(), 1);
    }

    #[test]
    fn written_mark_reads_back() {
        for measured in [false, true] {
            let mark = Mark {
                sent_us: 42_000_001,
                client: 7,
                seq: 3,
                measured,
            };
            let mut out = Vec::new();
            write_sa(&mut out, &mark);
            assert_eq!(read_mark(&out), Some(mark));
        }
    }

    #[test]
    fn positions_move_and_differ() {
        assert_ne!(position(0, 0), position(1, 0));
        assert_ne!(position(0, 0), position(0, 1));
        let (lat, lon) = position(19_999, 999);
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    }
}
