//! The binary, run as a user would run it: its offline commands, the demo,
//! its errors and what it prints for people. One test binary, many modules.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod cli {
    mod basemap;
    mod errors;
    mod flows;
    mod ops;
    mod output;
    mod suspenses;
    mod tracking;
}

/// `$WATCHFLOOR_SHARED_DATA` or `<workspace>/../shared/data`; the tests
/// that need it are `#[ignore]`d (run where it exists, by
/// `scripts/test.sh`), and then a missing folder fails them.
fn shared_data() -> PathBuf {
    let p = std::env::var_os("WATCHFLOOR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(
        p.is_dir(),
        "{} is absent: this test needs ../shared/data",
        p.display()
    );
    p
}

fn watchfloor(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(args)
        .output()
        .expect("run watchfloor")
}

/// Runs a command that must fail, with `RUST_BACKTRACE=1` as on many
/// developers' machines; its whole standard error.
fn failure(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LOG", "info")
        .output()
        .expect("run watchfloor");
    assert!(!out.status.success(), "{args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).trim_end().to_string()
}

/// A started `watchfloor serve`, killed when dropped.
struct Running {
    child: Child,
    /// Its log up to and including "watchfloor serving".
    log: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `watchfloor serve ARGS` and reads its log until it serves (at
/// most 30 s).
fn serve(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .arg("serve")
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start watchfloor serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut running = Running {
        child,
        log: Vec::new(),
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let done = line.contains("watchfloor serving");
                running.log.push(line);
                if done {
                    return running;
                }
            }
            Err(_) => panic!("serve did not start: {:#?}", running.log),
        }
    }
}

#[test]
#[ignore = "needs ../shared/data"]
fn decode_prints_one_json_object_per_record() {
    let data = shared_data();
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
#[ignore = "needs ../shared/data"]
fn track_then_score_the_sample_scenario() {
    let data = shared_data();
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
    let g = v["scores"][0]["gospa"].as_f64().expect("number");
    // The same method as Stone Soup gives the same score on this scenario (bench/tracking/README.md).
    assert!((g - 147.039).abs() < 0.01, "gospa {g}");
    assert_eq!(v["grid_times"], 100);
    assert_eq!(v["scores"][0]["c"], 50.0);
}

#[test]
fn bad_arguments_are_refused() {
    let out = watchfloor(&["track-score", "--truth", "x", "--tracks", "y", "--p", "0.5"]);
    assert!(!out.status.success());
}

#[test]
fn demo_shows_a_living_simulated_picture() {
    use std::io::{Read, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args([
            "demo",
            "--tcp",
            "0.0.0.0:0",
            "--http",
            "127.0.0.1:0",
            "--data-dir",
            "",
            "--duration",
            "40",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut connect = None;
    for line in lines.by_ref().take(10) {
        let line = line.expect("banner");
        if line.contains("connect over TCP to ") {
            connect = Some(line);
            break;
        }
    }
    let connect = connect.expect("banner tells TAK clients where to connect");
    let metrics_at = lines
        .by_ref()
        .take(5)
        .map_while(Result::ok)
        .find_map(|l| {
            l.split("metrics: http://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
        })
        .expect("banner tells where the metrics are");
    // Bound to every interface: the banner gives addresses a client can
    // dial, the loopback here and the host's name from the network.
    assert!(!connect.contains("0.0.0.0"), "{connect}");
    let addr = connect
        .split("connect over TCP to ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
        .expect("an address to dial");
    assert!(addr.ip().is_loopback(), "{connect}");
    assert!(
        connect.contains(" on this machine, or ") && connect.ends_with(" from the network"),
        "{connect}"
    );
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(1)))
        .expect("timeout");
    let now = cot::Time::from_millis(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_millis(),
        )
        .expect("ms"),
    );
    let sa = format!(
        r#"<event version="2.0" uid="DEMO-VIEWER" type="a-f-G-U-C" how="m-g" time="{now}" start="{now}" stale="{}"><point lat="31.3" lon="-109.2" hae="0" ce="10" le="10"/><detail><contact callsign="VIEWER"/></detail></event>"#,
        now.plus_secs(60)
    );
    s.write_all(sa.as_bytes()).expect("send SA");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut seen = String::new();
    let mut buf = [0u8; 8192];
    while std::time::Instant::now() < deadline && !seen.contains("SIMULATION TRK-") {
        if let Ok(n) = s.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    // What the live tracks are counted against: the simulated objects, by kind.
    let mut m = std::net::TcpStream::connect(metrics_at).expect("metrics");
    m.write_all(b"GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
        .expect("request");
    let mut metrics = String::new();
    let _ = m.read_to_string(&mut metrics);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        metrics.contains("watchfloor_sim_objects{kind=\"air\"} 8\n")
            && metrics.contains("watchfloor_sim_objects{kind=\"ground\"} 34\n"),
        "{metrics}"
    );
    assert!(
        seen.contains("uid=\"sim-trk-"),
        "no simulated track reached the client"
    );
    assert!(
        seen.contains("SIMULATION TRK-"),
        "tracks are not labelled as simulation"
    );
}
