//! Live sensor input reaches the picture as tracks: the simulator (labelled
//! simulation) sends ASTERIX, SBS and JSON detections to the server's sensor
//! inputs, and a TAK client sees the tracker's output as CoT.

use std::time::{Duration, SystemTime};

use server::SensorInput;
use sim::net::{Sender, SimTargets};
use sim::{SimConfig, Simulator};

use super::util::*;

fn free_udp() -> std::net::SocketAddr {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulated_sensors_become_tracks_in_the_picture() {
    let mut sim_cfg = SimConfig::border_sector();
    sim_cfg.start_unix_s = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64();
    let (asterix, detections) = (free_udp(), free_udp());
    let sender = Sender::bind(SimTargets {
        asterix_udp: Some(asterix),
        sbs_tcp_listen: Some("127.0.0.1:0".parse().expect("addr")),
        sbs_tcp_connect: None,
        detections_udp: Some(detections),
    })
    .await
    .expect("sim sockets");
    let sbs = sender.sbs_listen_addr().expect("sbs listener");

    let mut cfg = config();
    cfg.sensors.feeds = Some(sim::feeds_config(&sim_cfg));
    cfg.sensors.inputs = vec![
        SensorInput {
            sensor: None,
            udp: Some(asterix),
            tcp_listen: None,
            tcp_connect: None,
        },
        SensorInput {
            sensor: Some(sim::GROUND_FEED_ID.into()),
            udp: Some(detections),
            tcp_listen: None,
            tcp_connect: None,
        },
        SensorInput {
            sensor: Some("sim-readsb-west".into()),
            udp: None,
            tcp_listen: None,
            tcp_connect: Some(sbs),
        },
    ];
    let server = start(cfg).await;
    let mut watcher = joined(server.tcp_addrs[0], "UID-WATCH", "WATCH").await;

    let simulator = Simulator::new(sim_cfg, 7).expect("scenario");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(
        sender.run(simulator, 1.0, Some(Duration::from_secs(25)), async move {
            let _ = stop_rx.await;
        }),
    );

    // ADS-B at 1 Hz confirms an aircraft track within a few seconds.
    let (air, _) = watcher
        .wait_for("type=\"a-u-A\"", Duration::from_secs(20))
        .await;
    let air = air.expect("an air track from the simulated sensors");
    assert!(air.contains("uid=\"sim-trk-"), "{air}");
    assert!(air.contains("<track "), "{air}");
    assert!(
        air.contains("SIMULATION"),
        "simulated tracks are labelled: {air}"
    );
    // An operator marks the track hostile; the mark stays with it.
    let uid = air
        .split("uid=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("uid")
        .to_string();
    let http = server.http_addr.expect("http");
    let body = r#"{"affiliation":"hostile","remarks":"no flight plan"}"#;
    let reply = http_request(http, &format!("POST /api/tracks/{uid}/mark HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())).await;
    assert!(
        reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200"),
        "{reply}"
    );
    let (marked, _) = watcher
        .wait_for(
            &format!("uid=\"{uid}\" type=\"a-h-A\""),
            Duration::from_secs(10),
        )
        .await;
    assert!(
        marked.is_some_and(|e| e.contains("no flight plan")),
        "mark not published"
    );
    let reply = http_request(http, "POST /api/tracks/nope/mark HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").await;
    assert!(
        reply.contains(" 400 ") || reply.contains(" 422 "),
        "{reply}"
    );
    let metrics = http_request(http, "GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n").await;
    assert!(
        metric(&metrics, "watchfloor_sensor_accepted_total") > 0,
        "{metrics}"
    );
    assert!(metric(&metrics, "watchfloor_tracks_published_total") > 0);
    // Prometheus naming: every counter ends in _total.
    for line in metrics.lines().filter(|l| l.starts_with("# TYPE ")) {
        let mut words = line.split_whitespace().skip(2);
        let (name, kind) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        assert!(
            kind != "counter" || name.ends_with("_total"),
            "a counter without _total: {line}"
        );
    }
    assert!(
        metrics.contains("watchfloor_build_info{version=\""),
        "{metrics}"
    );
    assert!(metrics.contains("# TYPE watchfloor_uptime_seconds gauge"));
    // Which sensor said what, and when it last spoke.
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64();
    let seen: Vec<(String, f64)> = metrics
        .lines()
        .filter_map(|l| l.strip_prefix("watchfloor_sensor_last_seen_seconds{sensor=\""))
        .filter_map(|l| {
            let (id, v) = l.split_once("\"} ")?;
            Some((id.to_string(), v.parse().ok()?))
        })
        .collect();
    assert!(!seen.is_empty(), "no per-sensor last seen: {metrics}");
    for (id, t) in &seen {
        assert!(
            (now_s - t).abs() < 60.0,
            "{id} last seen at {t}, now {now_s}"
        );
        let detections = format!("watchfloor_sensor_detections_total{{sensor=\"{id}\"}}");
        assert!(metrics.contains(&detections), "{detections} missing");
    }
    // The ground sensors share one input, yet each line is credited to the
    // camera or ground sensor that it names.
    let ground: u64 = metrics
        .lines()
        .filter_map(|l| l.strip_prefix("watchfloor_sensor_detections_total{sensor=\"sim-"))
        .filter(|l| l.starts_with("cam-") || l.starts_with("ugs-"))
        .filter_map(|l| l.split_once("\"} ")?.1.parse::<u64>().ok())
        .sum();
    assert!(
        ground > 0,
        "no detections credited to a ground sensor: {metrics}"
    );

    let _ = stop_tx.send(());
    let report = run.await.expect("join").expect("sim ran");
    assert!(report.asterix_datagrams > 0 && report.sbs_lines > 0);
    server.shutdown().await;
}

/// One HTTP/1.0 request over a plain socket (no HTTP client dependency).
async fn http_request(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(request.as_bytes()).await.expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    out
}

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse().ok()))
        .unwrap_or(0)
}
