//! The simulated objects and the CoT events that carry them.
//!
//! Object `i` is fully determined by its index: its type, callsign, start
//! point, course and speed come from a hash of `i`, so the same run twice
//! draws the same picture and nothing needs to be stored per object. Its
//! position at a time is dead reckoning from the start point, wrapped inside
//! the box so that the picture keeps its extent however long the run.

use std::io::Write;

use crate::sa::iso8601;

/// Centre of the simulated area, degrees north.
pub const CENTRE_LAT: f64 = 31.33;
/// Centre of the simulated area, degrees east (negative: west).
pub const CENTRE_LON: f64 = -109.2;
/// Side of the square area the objects move in, metres.
pub const BOX_M: f64 = 200_000.0;
/// How long after its time an object update is stale, seconds.
pub const STALE_S: u64 = 60;
/// Remarks on every simulated object, so that nobody takes them for real.
pub const REMARKS: &str = "SIMULATED LOAD";

/// Metres per degree of latitude (mean, good enough over 200 km).
const M_PER_DEG_LAT: f64 = 111_320.0;

/// The four kinds of object in the mix, in index order (`i % 4`).
pub const TYPES: [&str; 4] = ["a-u-G", "a-h-G", "a-f-G-U-C", "a-n-A-C-F"];

/// One simulated object, as derived from its index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Object {
    /// Index, 0-based; the uid is `LOADOBJ-{index}`, the callsign `OBJ {index}`.
    pub index: u32,
    /// CoT type, one of [`TYPES`].
    pub cot_type: &'static str,
    /// Start offset from the centre, metres east.
    pub east_m: f64,
    /// Start offset from the centre, metres north.
    pub north_m: f64,
    /// Course, degrees true (0 north, clockwise).
    pub course_deg: f64,
    /// Speed, metres per second.
    pub speed_mps: f64,
    /// Height above the ellipsoid, metres.
    pub hae_m: f64,
}

/// SplitMix64: a well-mixed 64-bit hash of a counter, no state, no crate.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A number in [0, 1) from the hash of (`index`, `salt`).
fn unit(index: u32, salt: u64) -> f64 {
    (mix(u64::from(index) << 8 | salt) >> 11) as f64 / (1u64 << 53) as f64
}

impl Object {
    /// The object with index `index`.
    pub fn new(index: u32) -> Self {
        let cot_type = TYPES[(index % 4) as usize];
        let air = cot_type.starts_with("a-n-A");
        // Ground units walk or drive (0.5..20 m/s); aircraft fly (60..250 m/s, 1..6 km up).
        let (speed_mps, hae_m) = if air {
            (
                60.0 + 190.0 * unit(index, 4),
                1000.0 + 5000.0 * unit(index, 5),
            )
        } else {
            (0.5 + 19.5 * unit(index, 4), 1200.0)
        };
        Object {
            index,
            cot_type,
            east_m: (unit(index, 1) - 0.5) * BOX_M,
            north_m: (unit(index, 2) - 0.5) * BOX_M,
            course_deg: 360.0 * unit(index, 3),
            speed_mps,
            hae_m,
        }
    }

    /// Position `elapsed_s` seconds after the start, `(lat, lon)` degrees.
    pub fn position(&self, elapsed_s: f64) -> (f64, f64) {
        let d = self.speed_mps * elapsed_s.max(0.0);
        let c = self.course_deg.to_radians();
        let east = wrap(self.east_m + d * c.sin());
        let north = wrap(self.north_m + d * c.cos());
        let lat = CENTRE_LAT + north / M_PER_DEG_LAT;
        let lon = CENTRE_LON + east / (M_PER_DEG_LAT * CENTRE_LAT.to_radians().cos());
        (lat, lon)
    }
}

/// Folds an offset back into [-BOX_M/2, BOX_M/2) (the box is a torus).
fn wrap(offset_m: f64) -> f64 {
    (offset_m + BOX_M / 2.0).rem_euclid(BOX_M) - BOX_M / 2.0
}

/// Appends the update of `obj` at unix time `now_us` (microseconds), `elapsed_s`
/// seconds into the run, to `out`: one `<event>`, no declaration, no newline.
pub fn write_object(out: &mut Vec<u8>, obj: &Object, now_us: u64, elapsed_s: f64) {
    let (lat, lon) = obj.position(elapsed_s);
    let now = iso8601(now_us);
    let stale = iso8601(now_us.saturating_add(STALE_S * 1_000_000));
    let how = if obj.cot_type == "a-f-G-U-C" {
        "m-g"
    } else {
        "h-e"
    };
    // Writing into a Vec cannot fail; the Result only exists for io::Write.
    let _ = write!(
        out,
        "<event version=\"2.0\" uid=\"LOADOBJ-{i}\" type=\"{t}\" how=\"{how}\" time=\"{now}\" \
         start=\"{now}\" stale=\"{stale}\"><point lat=\"{lat:.6}\" lon=\"{lon:.6}\" \
         hae=\"{hae:.1}\" ce=\"25.0\" le=\"9999999.0\"/><detail><contact callsign=\"OBJ {i}\"/>\
         <track course=\"{course:.1}\" speed=\"{speed:.1}\"/><remarks>{REMARKS}</remarks>\
         </detail></event>",
        i = obj.index,
        t = obj.cot_type,
        hae = obj.hae_m,
        course = obj.course_deg,
        speed = obj.speed_mps,
    );
}

/// Appends the SA that identifies load connection `conn` to `out`.
pub fn write_identify(out: &mut Vec<u8>, conn: u32, now_us: u64) {
    let now = iso8601(now_us);
    let stale = iso8601(now_us.saturating_add(600 * 1_000_000));
    let _ = write!(
        out,
        "<event version=\"2.0\" uid=\"LOADOBJ-CONN-{conn}\" type=\"a-f-G-U-C\" how=\"m-g\" \
         time=\"{now}\" start=\"{now}\" stale=\"{stale}\"><point lat=\"{CENTRE_LAT:.6}\" \
         lon=\"{CENTRE_LON:.6}\" hae=\"1200.0\" ce=\"10.0\" le=\"9999999.0\"/><detail>\
         <contact callsign=\"LOADGEN {conn}\" endpoint=\"*:-1:stcp\"/>\
         <__group name=\"Cyan\" role=\"Team Member\"/><remarks>{REMARKS}</remarks>\
         </detail></event>"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn text(obj: &Object, now_us: u64, elapsed_s: f64) -> String {
        let mut out = Vec::new();
        write_object(&mut out, obj, now_us, elapsed_s);
        String::from_utf8(out).unwrap()
    }

    fn attr<'a>(s: &'a str, name: &str) -> &'a str {
        let start = s.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let end = s[start..].find('"').unwrap();
        &s[start..start + end]
    }

    #[test]
    fn event_has_uid_type_callsign_times_and_remarks() {
        let obj = Object::new(1234);
        let s = text(&obj, 1_764_291_048_123_456, 0.0);
        assert!(s.starts_with(
            "<event version=\"2.0\" uid=\"LOADOBJ-1234\" type=\"a-f-G-U-C\" how=\"m-g\""
        ));
        assert!(s.contains("<contact callsign=\"OBJ 1234\"/>"));
        assert!(s.contains("<remarks>SIMULATED LOAD</remarks>"));
        assert_eq!(attr(&s, "time"), "2025-11-28T00:50:48.123Z");
        assert_eq!(attr(&s, "stale"), "2025-11-28T00:51:48.123Z");
        assert!(s.ends_with("</detail></event>"));
        assert_eq!(s.matches("<event").count(), 1);
        // No endpoint: a relayed object, not the sender's own SA.
        assert!(!s.contains("endpoint"));
        // Parses as XML with the expected shape (a cheap balance check).
        assert_eq!(s.matches('<').count(), s.matches('>').count());
    }

    #[test]
    fn types_cycle_through_the_mix() {
        let types: Vec<_> = (0..8).map(|i| Object::new(i).cot_type).collect();
        assert_eq!(types[..4], TYPES);
        assert_eq!(types[4..], TYPES);
        let s = text(&Object::new(3), 0, 0.0);
        assert_eq!(attr(&s, "type"), "a-n-A-C-F");
        let alt: f64 = attr(&s, "hae").parse().unwrap();
        assert!((1000.0..=6000.0).contains(&alt), "aircraft height {alt}");
    }

    #[test]
    fn objects_spread_over_the_box_around_the_centre() {
        let mut lat_range = (f64::MAX, f64::MIN);
        let mut lon_range = (f64::MAX, f64::MIN);
        let mut seen = HashSet::new();
        for i in 0..10_000 {
            let (lat, lon) = Object::new(i).position(0.0);
            lat_range = (lat_range.0.min(lat), lat_range.1.max(lat));
            lon_range = (lon_range.0.min(lon), lon_range.1.max(lon));
            seen.insert(((lat * 1e4) as i64, (lon * 1e4) as i64));
        }
        // 200 km is about 1.8 degrees of latitude and 2.1 of longitude here.
        assert!(lat_range.0 > 30.4 && lat_range.1 < 32.3, "{lat_range:?}");
        assert!(
            lon_range.0 > -110.3 && lon_range.1 < -108.1,
            "{lon_range:?}"
        );
        assert!(lat_range.1 - lat_range.0 > 1.7, "{lat_range:?}");
        assert!(lon_range.1 - lon_range.0 > 2.0, "{lon_range:?}");
        assert!(seen.len() > 9_900, "positions are distinct: {}", seen.len());
    }

    #[test]
    fn objects_move_along_their_course() {
        let obj = Object::new(42);
        let (lat0, lon0) = obj.position(0.0);
        let (lat1, lon1) = obj.position(10.0);
        let north = (lat1 - lat0) * M_PER_DEG_LAT;
        let east = (lon1 - lon0) * M_PER_DEG_LAT * CENTRE_LAT.to_radians().cos();
        let moved = north.hypot(east);
        assert!((moved - obj.speed_mps * 10.0).abs() < 0.01, "moved {moved}");
        let course = east.atan2(north).to_degrees().rem_euclid(360.0);
        assert!((course - obj.course_deg).abs() < 0.01, "course {course}");
        let s = text(&obj, 0, 10.0);
        assert_eq!(attr(&s, "lat"), format!("{lat1:.6}"));
        let speed: f64 = attr(&s, "speed").parse().unwrap();
        assert!((speed - obj.speed_mps).abs() < 0.05);
    }

    #[test]
    fn long_runs_stay_inside_the_box() {
        for i in 0..400 {
            let (lat, lon) = Object::new(i).position(3600.0);
            assert!((lat - CENTRE_LAT).abs() <= 0.9, "{i}: {lat}");
            assert!((lon - CENTRE_LON).abs() <= 1.06, "{i}: {lon}");
        }
    }

    #[test]
    fn identify_is_an_sa_with_endpoint() {
        let mut out = Vec::new();
        write_identify(&mut out, 2, 0);
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("uid=\"LOADOBJ-CONN-2\""));
        assert!(s.contains("<contact callsign=\"LOADGEN 2\" endpoint=\"*:-1:stcp\"/>"));
        assert!(s.ends_with("</event>"));
    }
}
