//! Real recordings from `<workspace>/../shared/data` (GPL and X11 files, read
//! in place and never copied): `#[ignore]`d, run with `--include-ignored` where
//! the folder exists.

use std::path::PathBuf;

use feeds::{time_of_day_to_unix, FeedsConfig, Pipeline, SensorConfig, SensorKind, Site};
use sensors::asterix::{data_blocks, decode_block, Record};

use super::sim::at;

/// `$WATCHFLOOR_SHARED_DATA` or `<workspace>/../shared/data`; the tests
/// here are `#[ignore]`d (run where it exists, by `scripts/test.sh`), and
/// then a missing folder fails them.
fn data_dir() -> PathBuf {
    let dir = std::env::var_os("WATCHFLOOR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(
        dir.is_dir(),
        "{} is absent: this test needs ../shared/data",
        dir.display()
    );
    dir
}

fn sensor(id: &str, kind: SensorKind, site: Option<Site>) -> SensorConfig {
    SensorConfig {
        id: id.into(),
        kind,
        site,
        coverage: None,
        period_s: None,
        detects: None,
        sac: None,
        sic: None,
        noise: feeds::Noise::default(),
        max_rate_per_s: 5000.0,
    }
}

/// Unix time shortly after the first record's time of day, on 2024-06-10.
fn now_after(buf: &[u8]) -> f64 {
    let tod = data_blocks(buf)
        .flatten()
        .flat_map(decode_block)
        .flatten()
        .find_map(|r| match r {
            Record::Cat048(c) => c.time_of_day_s,
            Record::Cat021(c) => c.time_of_day_s(),
            Record::Cat034(_) => None,
        })
        .unwrap();
    time_of_day_to_unix(tod, 1_717_977_600.0 + tod).unwrap() + 0.5
}

#[test]
#[ignore = "needs ../shared/data"]
fn real_cat048_and_cat021_records_are_accepted() {
    let dir = data_dir();
    let cat048 = std::fs::read(dir.join("asterix/cat048.raw")).unwrap();
    let cat021 = std::fs::read(dir.join("asterix/cat21_re.ast")).unwrap();
    // Where the recordings come from is not published; an origin in Europe
    // keeps the 30 km / few hundred km geometry sane enough for one plot.
    let origin = Site {
        lat: 45.8,
        lon: 16.0,
        alt: 0.0,
    };
    let mut cfg = FeedsConfig::new(origin);
    cfg.sensors = vec![
        sensor("radar", SensorKind::Asterix, Some(origin)),
        sensor("adsb", SensorKind::Asterix, None),
    ];
    let mut p = Pipeline::new(cfg).unwrap();
    p.ingest_asterix("radar", &cat048, at(now_after(&cat048)));
    assert_eq!(p.stats().accepted, 1, "{:?}", p.stats());
    p.ingest_asterix("adsb", &cat021, at(now_after(&cat021)));
    assert_eq!(p.stats().accepted, 3, "{:?}", p.stats());
    assert_eq!(p.stats().rejected(), 0, "{:?}", p.stats());
}

#[test]
#[ignore = "needs ../shared/data"]
fn real_sbs_capture_feeds_without_errors() {
    let dir = data_dir();
    let text = std::fs::read_to_string(dir.join("sbs/node-sbs1-msgs-pos-vel-id.txt")).unwrap();
    let origin = Site {
        lat: 33.94,
        lon: -118.4,
        alt: 0.0,
    };
    let mut cfg = FeedsConfig::new(origin);
    cfg.sensors = vec![sensor("adsb", SensorKind::Sbs, None)];
    let mut p = Pipeline::new(cfg).unwrap();
    let mut positions = 0;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("MSG,3,") && line.split(',').nth(14).is_some_and(|f| !f.is_empty()) {
            positions += 1;
        }
        let now = 1_718_000_000.0 + i as f64 * 0.2;
        p.ingest_sbs_line("adsb", line, at(now));
        p.handle_timeout(at(now));
        while p.poll_event().is_some() {}
    }
    let s = p.stats();
    assert!(positions > 0);
    assert_eq!(s.accepted, positions, "{s:?}");
    assert_eq!(s.rejected(), 0, "{s:?}");
    assert_eq!(s.accepted + s.ignored, text.lines().count() as u64);
}
