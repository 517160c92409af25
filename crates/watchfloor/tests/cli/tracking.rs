//! `watchfloor track` and `track-score` on a small format-v2 scenario
//! written here by hand: a radar every 2 s and an ADS-B receiver every 1 s,
//! a non-cooperative target only the radar sees, a cooperative one both
//! see, a cooperative one whose transponder is silent, and bad rows.

use std::fmt::Write as _;
use std::path::Path;

use crate::watchfloor;

const DURATION: u32 = 30;

fn write_v2_scenario(dir: &Path) {
    let json = format!(
        r#"{{"format_version":2,"params":{{"q":0.1,"duration":{DURATION},"grid_dt":1.0}},
        "scan_times":{{"first":0.0,"last":{},"interval":1.0,"count":{DURATION}}},
        "sensors":[
          {{"sensor_id":0,"name":"radar","kind":"radar","scan_period":2.0,"scan_phase":0.0}},
          {{"sensor_id":1,"name":"adsb","kind":"adsb","scan_period":1.0,"scan_phase":0.5}}]}}"#,
        DURATION - 1
    );
    std::fs::write(dir.join("scenario.json"), json).expect("write");
    // A: non-cooperative, east at 10 m/s. B: cooperative (abc123), north at
    // 10 m/s. C: cooperative (c0ffee) and never detected.
    let a = |t: f64| (10.0 * t, 0.0);
    let b = |t: f64| (5000.0, 10.0 * t);
    let mut truth = String::from("time,truth_id,x,y,vx,vy,ident,manoeuvring,covered_by\n");
    for g in 0..DURATION {
        let t = f64::from(g);
        let (ax, ay) = a(t);
        let (bx, by) = b(t);
        writeln!(truth, "{t:.3},0,{ax:.3},{ay:.3},10,0,,0,0").expect("fmt");
        writeln!(truth, "{t:.3},1,{bx:.3},{by:.3},0,10,abc123,0,0;1").expect("fmt");
        writeln!(truth, "{t:.3},2,-5000.000,-5000.000,0,0,c0ffee,0,0;1").expect("fmt");
    }
    std::fs::write(dir.join("truth.csv"), truth).expect("write");

    let mut dets = String::from("time,det_id,sensor_id,x,y,r_xx,r_xy,r_yy,ident,range,azimuth\n");
    let mut id = 0;
    let mut scans: Vec<(f64, u32)> = (0..DURATION / 2).map(|k| (2.0 * f64::from(k), 0)).collect();
    scans.extend((0..DURATION).map(|k| (f64::from(k) + 0.5, 1)));
    scans.sort_by(|x, y| x.0.total_cmp(&y.0));
    for (t, sensor) in scans {
        let mut row = |(x, y): (f64, f64), r: f64, ident: &str| {
            writeln!(
                dets,
                "{t:.3},{id},{sensor},{x:.3},{y:.3},{r},0,{r},{ident},,"
            )
            .expect("fmt");
            id += 1;
        };
        if sensor == 0 {
            row(a(t), 100.0, "");
            row(b(t), 100.0, "");
        } else {
            row(b(t), 25.0, "abc123");
        }
    }
    // One bad row of each kind, after the good ones.
    dets.push_str("1.000,9000,0,10,0,100,0,100,,,\n"); // out of time order
    dets.push_str("29.500,0,1,0,0,25,0,25,,,\n"); // det_id 0 again
    dets.push_str("29.500,9001,7,0,0,25,0,25,,,\n"); // no sensor 7
    dets.push_str("29.500,9002,1,zero,0,25,0,25,,,\n"); // garbage
    dets.push_str("29.500,9003,1,0\n"); // truncated
    dets.push_str("29.500,9004,1,0,0,25,30,25,,,\n"); // covariance not positive definite
    std::fs::write(dir.join("detections.csv"), dets).expect("write");
}

#[test]
fn v2_scenario_is_tracked_and_scored_with_bad_rows_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    write_v2_scenario(dir.path());
    let path = |n: &str| dir.path().join(n).to_str().expect("utf-8 path").to_owned();
    let out = watchfloor(&[
        "track",
        "--detections",
        &path("detections.csv"),
        "--out",
        &path("tracks.csv"),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    for kind in [
        "truncated",
        "garbage",
        "duplicated",
        "unknown sensors",
        "not positive definite",
        "out of time order",
    ] {
        let lines: Vec<&str> = err.lines().filter(|l| l.contains(kind)).collect();
        assert_eq!(lines.len(), 1, "{kind}: {err}");
        assert!(lines[0].contains("dropped 1 "), "{}", lines[0]);
    }
    // The scans: 15 radar and 30 ADS-B ones.
    assert!(err.contains("45 scans, 60 detections"), "{err}");

    let out = watchfloor(&[
        "track-score",
        "--truth",
        &path("truth.csv"),
        "--tracks",
        &path("tracks.csv"),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (v["grid_times"].as_u64(), v["objects"].as_u64()),
        (Some(30), Some(3))
    );
    assert_eq!(v["cooperative_objects"], 2);
    assert_eq!(v["mean_alive_cooperative"], 2.0);
    let cs: Vec<f64> = v["scores"]
        .as_array()
        .expect("scores")
        .iter()
        .filter_map(|s| s["c"].as_f64())
        .collect();
    assert_eq!(cs, [50.0, 200.0]);
    let s = &v["scores"][0];
    let num = |k: &str| s[k].as_f64().unwrap_or(f64::NAN);
    // C is missed throughout; A and B only until their tracks confirm.
    assert!((1.0..1.3).contains(&num("missed_cooperative")), "{s}");
    assert!(num("missed_non_cooperative") < 0.3, "{s}");
    assert_eq!((num("false_tracks"), num("duplicates")), (0.0, 0.0), "{s}");
    assert_eq!(s["id_changes"], 0, "{s}");
    assert!(num("gospa") > 25.0 && num("gospa") < 40.0, "{s}");

    let out = watchfloor(&[
        "track-score",
        "--truth",
        &path("truth.csv"),
        "--tracks",
        &path("tracks.csv"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("c 50 m") && text.contains("c 200 m") && text.contains("non-cooperative"),
        "{text}"
    );

    // One sensor alone: the radar, at its own 15 scans.
    let out = watchfloor(&[
        "track",
        "--detections",
        &path("detections.csv"),
        "--sensor",
        "0",
        "--out",
        &path("radar.csv"),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("15 scans, 30 detections"),
        "{err}"
    );
}

#[test]
fn help_defines_the_measures() {
    let out = watchfloor(&["track-score", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "duplicates",
        "nearest truth",
        "Id changes",
        "break",
        "cooperative",
        "velocity",
    ] {
        assert!(text.contains(word), "{word}: {text}");
    }
}

#[test]
#[ignore = "needs ../shared/data"]
fn sample_v2_reads_cleanly_and_scores_as_in_the_readme() {
    let data = crate::shared_data().join("tracking/sample-v2");
    let dir = tempfile::tempdir().expect("tmp");
    let tracks = dir.path().join("tracks.csv");
    let (det, truth) = (data.join("detections.csv"), data.join("truth.csv"));
    let s = |p: &Path| p.to_str().expect("utf-8 path").to_owned();
    // The README's "merged file, the single-sensor tracker" and "the
    // multi-sensor fuser" rows, at c = 50 and c = 200.
    for (extra, want50, want200) in [(Some("--reference"), 286.7, 952.2), (None, 256.8, 465.9)] {
        let (d, t) = (s(&det), s(&tracks));
        let mut args = vec!["track", "--detections", d.as_str(), "--out", t.as_str()];
        args.extend(extra);
        let out = watchfloor(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && !err.contains("dropped"), "{err}");
        assert!(err.contains("4200 detections"), "{err}");
        let out = watchfloor(&[
            "track-score",
            "--truth",
            &s(&truth),
            "--tracks",
            &s(&tracks),
            "--c",
            "50,200",
            "--json",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            (v["grid_times"].as_u64(), v["objects"].as_u64()),
            (Some(200), Some(49))
        );
        let g = |i: usize| v["scores"][i]["gospa"].as_f64().unwrap_or(f64::NAN);
        assert!(
            (g(0) - want50).abs() < 0.1 && (g(1) - want200).abs() < 0.1,
            "{extra:?}: {v}"
        );
    }
}

/// `track-gen` writes a simulated v2 scenario that `track` reads whole and
/// `track-score` scores; the same arguments give the same bytes.
#[test]
fn track_gen_writes_a_v2_scenario_that_track_reads_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gen = |name: &str| {
        let out = dir.path().join(name);
        let args = [
            "track-gen",
            "--objects",
            "10",
            "--sensors",
            "3",
            "--duration",
            "20",
            "--seed",
            "5",
            "--out",
            out.to_str().expect("path"),
        ];
        let run = watchfloor(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        out
    };
    let (a, b) = (gen("a"), gen("b"));
    for file in [
        "detections.csv",
        "truth.csv",
        "detection_origin.csv",
        "scenario.json",
    ] {
        let read = |d: &Path| std::fs::read(d.join(file)).expect("read");
        assert_eq!(read(&a), read(&b), "{file}");
    }
    let json = std::fs::read_to_string(a.join("scenario.json")).expect("read");
    assert!(json.contains("SIMULATED") && json.contains("\"format_version\": 2"));
    let tracks = dir.path().join("tracks.csv");
    let det = a.join("detections.csv");
    let run = watchfloor(&[
        "track",
        "--detections",
        det.to_str().expect("path"),
        "--out",
        tracks.to_str().expect("path"),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success() && !err.contains("dropped"), "{err}");
    let truth = a.join("truth.csv");
    let run = watchfloor(&[
        "track-score",
        "--truth",
        truth.to_str().expect("path"),
        "--tracks",
        tracks.to_str().expect("path"),
        "--json",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bad = watchfloor(&[
        "track-gen",
        "--format",
        "3",
        "--out",
        dir.path().to_str().expect("path"),
    ]);
    assert!(!bad.status.success());
}
