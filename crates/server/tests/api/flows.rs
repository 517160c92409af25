//! Flow counting in the running server: a track that walks north across
//! the border at Nogales over a TAK stream is one Tucson crossing in the
//! API's series and sector totals, our own units and a person's SA are not
//! counted, the sensor's coverage is named, bad queries get one clear
//! error, and the count survives a restart from `flows.sqlite`.

use std::time::{Duration, Instant};

use server::{Server, WebConfig};

use crate::api::util::{config, http, iso, joined, start, WAIT};

fn fix(uid: &str, kind: &str, lat: f64, lon: f64, ago_s: i64) -> String {
    format!(
        r#"<event version="2.0" uid="{uid}" type="{kind}" how="m-r" time="{t}" start="{t}" stale="{s}"><point lat="{lat}" lon="{lon}" hae="0" ce="25" le="25"/><detail/></event>"#,
        t = iso(-ago_s),
        s = iso(300 - ago_s)
    )
}

async fn server_in(data: &std::path::Path) -> Server {
    let mut cfg = config();
    cfg.store.data_dir = Some(data.to_path_buf());
    cfg.flows.flush_s = 1;
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    start(cfg).await
}

async fn get(server: &Server, path: &str) -> (u16, serde_json::Value) {
    let (code, _, text) = http(server, "GET", path, "", "").await;
    (
        code,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// The TCA crossing count in the last two hours, polled until it is
/// `want` or the wait is over.
async fn tucson(server: &Server, want: u64) -> serde_json::Value {
    let path = format!(
        "/api/flows/counts?sector=TCA&by=hour&from={}&to={}",
        iso(-7_200),
        iso(60)
    );
    let deadline = Instant::now() + WAIT;
    loop {
        let (code, v) = get(server, &path).await;
        assert_eq!(code, 200, "{v}");
        if v["total"] == want || Instant::now() > deadline {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_track_crossing_at_nogales_is_counted_once_in_tucson_and_survives_a_restart() {
    let tmp = tempfile::tempdir().expect("tmp");
    let server = server_in(tmp.path()).await;
    let addr = server.tcp_addrs[0];
    let mut sensor = joined(addr, "radar-nogales", "RADAR NOGALES").await;
    // One fix a minute from 31.30 N to 31.36 N, the last a minute ago: an
    // unknown ground track, a friendly patrol on the same path, and the
    // sensor's own SA (joined above) which is a contact, not a track.
    for i in 0..30i64 {
        let lat = 31.30 + 0.002 * i as f64;
        let ago = 60 * (30 - i);
        sensor.send(&fix("trk-1", "a-u-G", lat, -110.94, ago)).await;
        sensor
            .send(&fix("patrol-1", "a-f-G-U-C", lat, -110.94, ago))
            .await;
    }
    let v = tucson(&server, 1).await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["by"], "hour");
    let values = v["values"].as_array().expect("values");
    assert_eq!(values.len(), v["starts"].as_array().map_or(0, Vec::len));
    assert!(values.len() >= 2, "zero-filled hours: {v}");

    let (code, s) = get(&server, &format!("/api/flows/sectors?from={}", iso(-7_200))).await;
    assert_eq!(code, 200, "{s}");
    let sectors = s["sectors"].as_array().expect("sectors");
    assert_eq!(sectors.len(), 9);
    for sector in sectors {
        let want = u64::from(sector["code"] == "TCA");
        assert_eq!(sector["totals"]["northbound"], want, "{sector}");
        assert_eq!(sector["totals"]["southbound"], 0, "{sector}");
        assert!(sector["line"].as_array().is_some_and(|l| l.len() >= 2));
    }

    let (code, c) = get(
        &server,
        &format!("/api/flows/coverage?from={}", iso(-7_200)),
    )
    .await;
    assert_eq!(code, 200, "{c}");
    let sources = c["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 1, "{c}");
    assert_eq!(sources[0]["source"], "RADAR NOGALES");
    assert_eq!(sources[0]["updates"], 60, "both tracks are coverage: {c}");
    assert!(
        c["gaps"].as_array().is_some_and(|g| !g.is_empty()),
        "the hour before was blind: {c}"
    );

    for bad in [
        "/api/flows/counts?by=weekly",
        "/api/flows/counts?from=yesterday",
        "/api/flows/counts?direction=up",
        "/api/flows/counts?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z",
        "/api/flows/counts?by=hour&from=1990-01-01T00:00:00Z&to=2025-01-01T00:00:00Z",
    ] {
        let (code, v) = get(&server, bad).await;
        assert_eq!(code, 400, "{bad}: {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{bad}: {v}"
        );
    }
    drop(sensor);
    server.shutdown().await;

    let again = server_in(tmp.path()).await;
    let v = tucson(&again, 1).await;
    assert_eq!(v["total"], 1, "read back from flows.sqlite: {v}");
    again.shutdown().await;

    // Counts lost: rebuilt from the CoT history the server kept.
    std::fs::remove_file(tmp.path().join("flows.sqlite")).expect("remove the counts");
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let done = server::flows::rebuild_counts(
        tmp.path(),
        now_s - 3 * 3_600,
        now_s,
        flows::CrossingConfig::default(),
    )
    .expect("rebuild");
    assert_eq!(done.events, 1, "{done:?}");
    assert!(done.fixes >= 60 && done.bins >= 1, "{done:?}");
    let rebuilt = server_in(tmp.path()).await;
    let v = tucson(&rebuilt, 1).await;
    assert_eq!(v["total"], 1, "rebuilt from history: {v}");
    rebuilt.shutdown().await;
}

/// SIMULATED counts written into `flows.sqlite` before the server starts:
/// ten weeks of northbound ground crossings in Tucson with a daily rhythm,
/// the last six hours tripled.
fn seed_surge(data: &std::path::Path) {
    use flows::counts::{Bin, CountKey, EventKind};
    use store::FlowStore;
    let now_h = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
        / 3_600;
    let bins: Vec<Bin> = (now_h - 70 * 24..=now_h)
        .map(|h| {
            let base = if (2..8).contains(&h.rem_euclid(24)) {
                6
            } else {
                2
            };
            let n = (base + h.rem_euclid(3)) as u64;
            Bin {
                hour: h,
                key: CountKey {
                    sector: "TCA".into(),
                    direction: flows::Direction::Northbound,
                    kind: flows::TrackKind::Ground,
                    event: EventKind::Crossing,
                },
                n: if h > now_h - 6 { 3 * n } else { n },
            }
        })
        .collect();
    let store = store::SqliteFlows::open(&data.join("flows.sqlite")).expect("seed store");
    store.add_counts(&bins, &[]).expect("seed counts");
}

#[tokio::test]
async fn a_surge_is_one_alert_in_geochat_and_the_api_and_official_figures_import_whole_or_not_at_all(
) {
    let tmp = tempfile::tempdir().expect("tmp");
    seed_surge(tmp.path());
    let mut cfg = config();
    cfg.store.data_dir = Some(tmp.path().to_path_buf());
    cfg.flows.watch_s = 2;
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    let server = start(cfg).await;
    let mut analyst = joined(server.tcp_addrs[0], "S2-1", "INTEL ONE").await;

    // The watch runs two seconds after the start and tells the cell once.
    let (chat, _) = analyst.wait_for("FLOWS ALERT TCA", WAIT).await;
    let chat = chat.expect("the alert in GeoChat");
    assert!(chat.contains(r#"type="b-t-f""#), "{chat}");
    assert!(
        chat.contains("northbound crossings ABOVE baseline"),
        "{chat}"
    );
    assert!(chat.contains("seasonal, p="), "{chat}");
    let (code, v) = get(&server, "/api/flows/alerts").await;
    assert_eq!(code, 200, "{v}");
    let alerts = v["alerts"].as_array().expect("alerts");
    assert!(
        alerts.iter().any(|a| a["sector"] == "TCA"
            && a["method"] == "seasonal"
            && a["shift"] == "up"
            && a["observed"].as_f64() > a["expected"].as_f64()),
        "{v}"
    );
    // Later runs find the same excursion and say nothing more of it.
    let again = analyst.drain(Duration::from_secs(5)).await;
    let seasonal_again = again
        .iter()
        .filter(|e| e.contains("FLOWS ALERT TCA") && e.contains("(seasonal"))
        .count();
    assert_eq!(seasonal_again, 0, "{again:#?}");

    // The series with its baseline and the anomaly marked.
    let path = format!(
        "/api/flows/series?sector=TCA&by=hour&direction=northbound&from={}",
        iso(-70 * 86_400)
    );
    let (code, v) = get(&server, &path).await;
    assert_eq!(code, 200, "{v}");
    let n = v["values"].as_array().expect("values").len();
    assert_eq!(v["baseline"]["expected"].as_array().map(Vec::len), Some(n));
    assert!(
        v["anomalies"]
            .as_array()
            .expect("anomalies")
            .iter()
            .any(|a| a["method"] == "seasonal" && a["shift"] == "up"),
        "{}",
        v["anomalies"]
    );

    // The analyst's report of the same data, as HTML and PDF.
    let (code, head, page) = http(&server, "GET", "/api/flows/report?sector=TCA", "", "").await;
    assert_eq!(code, 200, "{page}");
    assert!(head.contains("text/html"), "{head}");
    assert!(
        page.contains("Flow report: TCA") && page.contains("seasonal"),
        "{page}"
    );
    let (code, head, _) = http(
        &server,
        "GET",
        "/api/flows/report?sector=TCA&format=pdf",
        "",
        "",
    )
    .await;
    assert_eq!(code, 200);
    assert!(head.contains("application/pdf"), "{head}");
    let (code, _, body) = http(&server, "GET", "/api/flows/report?format=doc", "", "").await;
    assert_eq!(code, 400, "{body}");
    let (code, _, body) = http(&server, "GET", "/api/flows/report?sector=XYZ", "", "").await;
    assert_eq!(code, 400, "{body}");

    // Official figures: one real table in, a broken one refused whole.
    let table = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../flows/testdata/official/usbp_monthly_fy2014.txt"),
    )
    .expect("the FY2014 table");
    let (code, _, body) = http(
        &server,
        "POST",
        "/api/flows/official?name=usbp_monthly_fy2014.txt",
        "",
        &table,
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let (code, v) = get(&server, "/api/flows/official?component=USBP&sector=RGV").await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["series"][0]["total"], 256_393, "{v}");
    let (_, before) = get(&server, "/api/flows/official?component=USBP").await;
    // A sector no one knows: the file is refused whole.
    let broken = table.replacen("Tucson", "Atlantis", 1);
    let (code, _, body) = http(&server, "POST", "/api/flows/official", "", &broken).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("line"), "{body}");
    let (_, after) = get(&server, "/api/flows/official?component=USBP").await;
    assert_eq!(before, after, "nothing of the refused file was stored");
    server.shutdown().await;
}

#[tokio::test]
async fn an_official_upload_over_the_limit_is_refused_before_it_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tmp = tempfile::tempdir().expect("tmp");
    let server = server_in(tmp.path()).await;
    let (addr, _) = server.web_addr.expect("web");
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    // A 500 MB upload announced; only its first bytes are ever sent.
    let head = format!(
        "POST /api/flows/official HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: text/csv\r\nContent-Length: 500000000\r\n\r\nFiscal Year,"
    );
    s.write_all(head.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("too_large"), "{text}");
    // Nothing was stored, and the server still answers.
    let (code, v) = get(&server, "/api/flows/official").await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["series"], serde_json::json!([]));
    server.shutdown().await;
}
