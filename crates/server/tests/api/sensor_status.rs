//! A configured sensor that stops sending becomes `silent` in `/metrics` and
//! in the web COP, with one alert; when it speaks again the alert clears.
//! Small periods and a one-second floor keep it quick; every wait polls
//! against a deadline.

use std::time::{Duration, Instant};

use futures::StreamExt;
use server::{SensorInput, WebConfig};
use tokio_tungstenite::tungstenite::Message;

use super::util::{config, start};

const SENSOR: &str = "cam-1";

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64()
}

/// One detection line from the camera, stamped now.
fn detection() -> String {
    format!(
        r#"{{"sensor":"{SENSOR}","time":{},"lat":31.33,"lon":-109.2,"sigma_m":5}}"#,
        unix_now()
    )
}

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    out
}

/// Polls `/metrics` until `line` is in it; the metrics text on success.
async fn metrics_until(http: std::net::SocketAddr, line: &str, wait: Duration) -> String {
    let deadline = Instant::now() + wait;
    loop {
        let text = get(http, "/metrics").await;
        if text.lines().any(|l| l == line) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "no {line:?} within {wait:?}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads frames until `f` holds for one; that frame.
async fn frame_until(
    ws: &mut Ws,
    wait: Duration,
    f: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline
            .checked_duration_since(Instant::now())
            .unwrap_or_else(|| panic!("no matching frame within {wait:?}"));
        let Ok(Some(Ok(Message::Text(t)))) = tokio::time::timeout(left, ws.next()).await else {
            continue;
        };
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&t) {
            if f(&v) {
                return v;
            }
        }
    }
}

fn sensor_status(frame: &serde_json::Value) -> Option<&str> {
    frame["sensors"]
        .as_array()?
        .iter()
        .find(|s| s["id"] == SENSOR)?["status"]
        .as_str()
}

fn has_alert(frame: &serde_json::Value) -> bool {
    frame["alerts"].as_array().is_some_and(|a| {
        a.iter()
            .any(|a| a["uid"] == format!("watchfloor-sensor-silent-{SENSOR}"))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensor_that_stops_sending_becomes_silent_in_metrics_and_on_the_page() {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let input = udp.local_addr().expect("addr");
    drop(udp);
    let mut cfg = config();
    let mut feeds = feeds::FeedsConfig::new(feeds::Site {
        lat: 31.33,
        lon: -109.2,
        alt: 0.0,
    });
    let mut cam = feeds::SensorConfig::new(SENSOR, feeds::SensorKind::Detections);
    cam.period_s = Some(0.2);
    cam.site = Some(feeds::Site {
        lat: 31.34,
        lon: -109.21,
        alt: 0.0,
    });
    cam.coverage = Some(feeds::Coverage {
        min_range_m: 0.0,
        max_range_m: 3000.0,
    });
    feeds.sensors = vec![cam];
    cfg.sensors.feeds = Some(feeds);
    // Silent after max(5 x 0.2 s, 1 s) = 1 s of quiet.
    cfg.sensors.silent_min_s = Some(1.0);
    cfg.sensors.inputs = vec![SensorInput {
        sensor: Some(SENSOR.into()),
        udp: Some(input),
        tcp_listen: None,
        tcp_connect: None,
    }];
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    let server = start(cfg).await;
    let http = server.http_addr.expect("http");
    let (web, _) = server.web_addr.expect("web");
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{web}/api/web/ws"))
        .await
        .expect("websocket");
    let wait = Duration::from_secs(10);

    // Never heard from: silent, shown, and no alert.
    let snap = frame_until(&mut ws, wait, |f| f["t"] == "snapshot").await;
    assert_eq!(sensor_status(&snap), Some("silent"), "{snap}");
    let cam = &snap["sensors"][0];
    assert_eq!(cam["kind"], "detections");
    assert_eq!(cam["max_range_m"], 3000.0);
    assert_eq!(cam["lat"], 31.34);
    assert!(cam.get("last").is_none(), "{cam}");
    assert!(!has_alert(&snap), "no alert for a sensor never heard from");

    // It talks (and sends one line of garbage): reporting.
    let tx = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    tx.send_to(b"{garbage", input).await.expect("send");
    let talk = |n: usize| {
        let tx = &tx;
        async move {
            for _ in 0..n {
                tx.send_to(detection().as_bytes(), input)
                    .await
                    .expect("send");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    talk(5).await;
    let line = format!("watchfloor_sensor_status{{sensor=\"{SENSOR}\",status=\"reporting\"}} 1");
    let text = metrics_until(http, &line, wait).await;
    assert!(
        text.contains(&format!(
            "watchfloor_sensor_decode_errors_total{{sensor=\"{SENSOR}\"}} 1\n"
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "watchfloor_sensor_status{{sensor=\"{SENSOR}\",status=\"silent\"}} 0\n"
    )));
    let rate = text
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!(
                "watchfloor_sensor_rate_per_second{{sensor=\"{SENSOR}\"}} "
            ))
        })
        .and_then(|v| v.parse::<f64>().ok())
        .expect("a rate");
    assert!(rate > 0.0, "{text}");
    frame_until(&mut ws, wait, |f| sensor_status(f) == Some("reporting")).await;

    // It stops: silent within a second or so of its threshold, with one alert.
    let stopped = Instant::now();
    let line = format!("watchfloor_sensor_status{{sensor=\"{SENSOR}\",status=\"silent\"}} 1");
    metrics_until(http, &line, wait).await;
    assert!(
        stopped.elapsed() < Duration::from_secs(5),
        "{:?}",
        stopped.elapsed()
    );
    let silent = frame_until(&mut ws, wait, |f| sensor_status(f) == Some("silent")).await;
    assert!(
        has_alert(&silent),
        "the alert comes with the silent status: {silent}"
    );
    let alert = silent["alerts"]
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_default();
    assert_eq!(alert["kind"], "Sensor Silent");
    assert_eq!(alert["from"], SENSOR);

    // A new browser sees it too (the alert stays until the sensor speaks).
    let (mut late, _) = tokio_tungstenite::connect_async(format!("ws://{web}/api/web/ws"))
        .await
        .expect("websocket");
    let snap = frame_until(&mut late, wait, |f| f["t"] == "snapshot").await;
    assert!(
        has_alert(&snap) && sensor_status(&snap) == Some("silent"),
        "{snap}"
    );

    // It speaks again: reporting, and the alert is cleared.
    talk(2).await;
    let back = frame_until(&mut ws, wait, |f| sensor_status(f) == Some("reporting")).await;
    let cleared = back["cleared"].as_array().cloned().unwrap_or_default();
    assert!(
        cleared
            .iter()
            .any(|u| *u == format!("watchfloor-sensor-silent-{SENSOR}")),
        "{back}"
    );
    server.shutdown().await;
}
