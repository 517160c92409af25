//! Golden values: every shared ASTERIX sample against its independently decoded
//! `.expected.json` (libasterix), within half an LSB.

use serde_json::Value;

use crate::common::shared_data;
use sensors::json::decode_to_json_lines;

/// (expected key, our key, LSB) for numeric fields.
const NUMERIC: &[(&str, &str, f64)] = &[
    ("time_of_day_s", "time_of_day_s", 1.0 / 128.0),
    (
        "time_of_applicability_position_s",
        "time_of_day_s",
        1.0 / 128.0,
    ),
    ("rho_nm", "rho_nm", 1.0 / 256.0),
    ("theta_deg", "theta_deg", 360.0 / 65536.0),
    ("flight_level", "flight_level", 0.25),
    ("lat_deg", "lat", 180.0 / 8_388_608.0),
    ("lon_deg", "lon", 180.0 / 8_388_608.0),
    ("sector_azimuth_deg", "sector_azimuth_deg", 360.0 / 256.0),
];
/// (expected key, our key) for exact fields.
const EXACT: &[(&str, &str)] = &[
    ("category", "category"),
    ("sac", "sac"),
    ("sic", "sic"),
    ("payload", "payload"),
    ("block", "block"),
    ("mode3a", "mode3a"),
    ("track_number", "track_number"),
    ("aircraft_address", "aircraft_address"),
    ("target_address", "aircraft_address"),
    ("message_type", "message_type"),
];

fn load(name: &str) -> (Vec<Value>, Value) {
    let dir = shared_data("asterix");
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.expected.json"))).unwrap())
            .unwrap();
    (decode_to_json_lines(&bytes), expected)
}

fn compare(name: &str) {
    let (got, expected) = load(name);
    let want = expected["records"].as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{name}: {got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert!(g.get("error").is_none(), "{name}: {g}");
        for (wk, gk, lsb) in NUMERIC {
            if let Some(wv) = w.get(*wk).and_then(Value::as_f64) {
                let gv = g[*gk]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{name}: no {gk} in {g}"));
                assert!((gv - wv).abs() <= lsb / 2.0, "{name}: {gk} {gv} vs {wv}");
            }
        }
        for (wk, gk) in EXACT {
            if let Some(wv) = w.get(*wk) {
                assert_eq!(&g[*gk], wv, "{name}: {gk}");
            }
        }
        if let Some(id) = w.get("aircraft_id").and_then(Value::as_str) {
            assert_eq!(g["aircraft_id"], id.trim_end(), "{name}");
        }
    }
}

#[test]
#[ignore = "needs ../shared/data"]
fn cat048_sample_matches_libasterix() {
    compare("cat048.raw");
}

#[test]
#[ignore = "needs ../shared/data"]
fn cat034_sample_matches_libasterix() {
    compare("cat034.raw");
}

#[test]
#[ignore = "needs ../shared/data"]
fn cat021_sample_with_reserved_expansion_matches_libasterix() {
    compare("cat21_re.ast");
}

#[test]
#[ignore = "needs ../shared/data"]
fn cat062_cat065_blocks_are_reported_unsupported() {
    let (got, _) = load("cat062cat065.raw");
    let cats: Vec<_> = got
        .iter()
        .map(|o| (o["category"].clone(), o["block"].clone()))
        .collect();
    assert_eq!(cats, vec![(62.into(), 0.into()), (65.into(), 1.into())]);
    for o in &got {
        assert!(
            o["error"]
                .as_str()
                .unwrap()
                .starts_with("unsupported category"),
            "{o}"
        );
    }
}

#[test]
#[ignore = "needs ../shared/data"]
fn cat001_cat002_pcap_with_oradis_framing_is_unsupported_per_block() {
    let (got, expected) = load("cat_001_002.pcap");
    let want = expected["records"].as_array().unwrap();
    assert_eq!(
        got.len(),
        expected["framed_blocks"].as_u64().unwrap() as usize
    );
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g["category"], w["category"]);
        assert_eq!(g["payload"], w["payload"]);
        assert_eq!(g["block"], w["block"]);
        assert!(
            g["error"]
                .as_str()
                .unwrap()
                .starts_with("unsupported category"),
            "{g}"
        );
    }
}

#[test]
#[ignore = "needs ../shared/data"]
fn truncated_samples_never_panic_and_say_why() {
    let dir = shared_data("asterix");
    for name in [
        "cat048.raw",
        "cat034.raw",
        "cat21_re.ast",
        "cat_001_002.pcap",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        // Cuts at a block (raw) or packet (pcap) boundary are clean ends of input.
        let mut boundaries = vec![0, bytes.len()];
        if name.ends_with(".pcap") {
            boundaries.push(24);
        } else {
            let mut at = 0;
            while at + 3 <= bytes.len() {
                at += usize::from(u16::from_be_bytes([bytes[at + 1], bytes[at + 2]]));
                boundaries.push(at);
            }
        }
        for cut in 0..bytes.len() {
            let out = decode_to_json_lines(&bytes[..cut]);
            if !boundaries.contains(&cut) {
                assert!(
                    out.iter().any(|o| o.get("error").is_some()),
                    "{name} cut at {cut}: {out:?}"
                );
            }
        }
    }
}
