//! The binary's offline commands, run as a user would run them.

use std::path::PathBuf;
use std::process::Command;

fn shared_data() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIPPED: {} is absent", p.display());
        None
    }
}

fn watchfloor(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(args)
        .output()
        .expect("run watchfloor")
}

#[test]
fn decode_prints_one_json_object_per_record() {
    let Some(data) = shared_data() else { return };
    let file = data.join("asterix/cat048.raw");
    let out = watchfloor(&["decode", file.to_str().expect("utf-8 path")]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["category"], 48);
    assert_eq!(lines[0]["mode3a"], "1000");
    assert_eq!(lines[0]["aircraft_id"], "DLH65A");
}

#[test]
fn decode_reports_garbage_as_error_lines() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("junk.raw");
    // A CAT048 block header claiming more bytes than there are.
    std::fs::write(&file, [48u8, 0, 200, 0xff, 0x01]).expect("write");
    let out = watchfloor(&["decode", file.to_str().expect("utf-8 path")]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.lines().any(|l| l.contains("\"error\"")), "{text}");
}

#[test]
fn track_then_score_the_sample_scenario() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let tracks = dir.path().join("tracks.csv");
    let det = data.join("tracking/sample/detections.csv");
    let out = watchfloor(&[
        "track",
        "--detections",
        det.to_str().expect("path"),
        "--out",
        tracks.to_str().expect("path"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth = data.join("tracking/sample/truth.csv");
    let out = watchfloor(&[
        "track-score",
        "--truth",
        truth.to_str().expect("path"),
        "--tracks",
        tracks.to_str().expect("path"),
        "--json",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let g = v["gospa"].as_f64().expect("number");
    // The same method as Stone Soup gives the same score on this scenario (bench/tracking/README.md).
    assert!((g - 147.039).abs() < 0.01, "gospa {g}");
    assert_eq!(v["scans"], 100);
}

#[test]
fn bad_arguments_are_refused() {
    let out = watchfloor(&["track-score", "--truth", "x", "--tracks", "y", "--p", "0.5"]);
    assert!(!out.status.success());
    let out = watchfloor(&["serve", "--tcp", "not-an-address"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad listen address"));
}
