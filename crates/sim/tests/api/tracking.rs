//! The tracking tooling end to end: simulate a scenario, track it, score it;
//! and the file tools' errors.

use std::path::PathBuf;

use fusion::gospa::GospaParams;
use fusion::offline::score_texts;
use fusion::scenario::{parse_detections, write_tracks};
use fusion::tracker::FilterKind;
use fusion::Config;
use sim::tracking::{run_offline, run_scans, score, simulate, write_scenario, SimParams};

#[test]
fn simulated_scene_scores_well() {
    let sim = simulate(&SimParams::scaled(40, 60, 3));
    let dets = parse_detections(&sim.detections_csv).unwrap();
    let (scans, stats) = run_scans(&dets, Some(&sim.meta), Config::default()).unwrap();
    assert_eq!(scans.len(), 60);
    assert_eq!(stats.detections, dets.len());
    let mut csv = Vec::new();
    write_tracks(&mut csv, &scans).unwrap();
    let s = score_texts(
        &sim.truth_csv,
        &String::from_utf8(csv).unwrap(),
        GospaParams::default(),
    )
    .unwrap();
    // About 40 targets at c = 50: all missed would be 1000; a working tracker
    // leaves mostly localisation error (~7 m per target) plus initiation delay.
    assert!(s.mean.total < 500.0, "{:?}", s.mean);
    assert!(
        s.mean.localisation > s.mean.missed + s.mean.false_tracks,
        "{:?}",
        s.mean
    );
    // Nothing reported is absurdly empty.
    assert_eq!(s.scans, 60);
}

#[test]
fn imm_option_runs_on_the_simulated_scene() {
    let sim = simulate(&SimParams::scaled(20, 40, 5));
    let dets = parse_detections(&sim.detections_csv).unwrap();
    let cfg = Config {
        filter: FilterKind::Imm(Default::default()),
        ..Config::default()
    };
    let (scans, _) = run_scans(&dets, Some(&sim.meta), cfg).unwrap();
    assert!(scans.last().unwrap().tracks.len() >= 10);
}

#[test]
fn written_scenario_tracks_and_scores_from_files() {
    let dir = std::env::temp_dir().join(format!("sim-tracking-test-{}", std::process::id()));
    let scenario = simulate(&SimParams::scaled(10, 20, 2));
    write_scenario(&dir, &scenario).unwrap();
    let out = dir.join("tracks.csv");
    let stats = run_offline(&dir.join("detections.csv"), &out, Config::default(), true).unwrap();
    assert_eq!(stats.scans, 20);
    let s = score(&dir.join("truth.csv"), &out, GospaParams::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(s.scans, 20);
    assert!(s.mean.total < 250.0, "{:?}", s.mean);
}

#[test]
fn missing_and_malformed_files_are_errors() {
    let nowhere = PathBuf::from("/nonexistent/detections.csv");
    let e = run_offline(
        &nowhere,
        &std::env::temp_dir().join("x.csv"),
        Config::default(),
        true,
    )
    .unwrap_err();
    assert!(e.to_string().contains("/nonexistent/detections.csv"), "{e}");
    let e = score(&nowhere, &nowhere, GospaParams::default()).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/detections.csv"), "{e}");
}
