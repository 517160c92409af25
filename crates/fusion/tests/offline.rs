//! The shared sample scenario through the pure offline API: the tracker
//! reproduces the reference score. Simulated scenes and the file tools are
//! tested in `sim` (`tests/api/tracking.rs`).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use fusion::gospa::GospaParams;
use fusion::offline::{scan_batches, scan_times, score_texts, sorted_by_time};
use fusion::scenario::{parse_detections, parse_meta, write_header, write_scan};
use fusion::{Config, Tracker};
use std::path::PathBuf;

/// The shared sample scenario; its test is `#[ignore]`d (run where the
/// data exists, by `scripts/test.sh`), and then a missing file fails it.
fn shared_sample() -> PathBuf {
    let data = std::env::var_os("WATCHFLOOR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = data.join("tracking/sample");
    assert!(
        dir.join("detections.csv").is_file(),
        "{} is absent: this test needs ../shared/data",
        dir.join("detections.csv").display()
    );
    dir
}

#[test]
#[ignore = "needs ../shared/data"]
fn sample_scenario_reproduces_the_reference_score() {
    let dir = shared_sample();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let dets = parse_detections(&read("detections.csv")).unwrap();
    assert_eq!(dets.len(), 2647);
    // Every detection of the sample has the same 10 m sigma.
    assert!(dets.iter().all(|d| d.r == [[100.0, 0.0], [0.0, 100.0]]));
    let meta = parse_meta(&read("scenario.json")).unwrap();
    let cfg = Config {
        q: meta.q.unwrap_or(Config::default().q),
        ..Config::default()
    };
    let sorted = sorted_by_time(&dets);
    let times = scan_times(&sorted, Some(&meta));
    let mut tracker = Tracker::new(cfg).unwrap();
    let mut csv = Vec::new();
    write_header(&mut csv).unwrap();
    let mut scans = 0;
    for (t, batch) in scan_batches(&sorted, &times) {
        write_scan(&mut csv, &tracker.process(t, batch).unwrap()).unwrap();
        scans += 1;
    }
    assert_eq!(scans, 100);
    let s = score_texts(
        &read("truth.csv"),
        &String::from_utf8(csv).unwrap(),
        GospaParams::default(),
    )
    .unwrap();
    // Stone Soup 1.9.1 with the reference configuration scored 147.039
    // (localisation 121.289, missed 20.000, false 5.750) on this file, and
    // produced the same track positions to the millimetre.
    assert!((s.mean.total - 147.039).abs() < 0.01, "{:?}", s.mean);
    assert!((s.mean.missed - 20.0).abs() < 0.01 && (s.mean.false_tracks - 5.75).abs() < 0.01);
}
