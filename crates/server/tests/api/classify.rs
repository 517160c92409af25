//! Classifying a live fused track through the ops desk: a watch officer's
//! `classify` command on the web listener and the operator's mark on the
//! plain listener are decided and audited alike, the track is published
//! with the new affiliation and remarks, and what cannot be applied (an
//! unknown track, a caller without the role, bad remarks) is refused and
//! audited.

use std::time::{Duration, SystemTime};

use server::{SensorInput, Server, WebConfig};
use sim::net::{Sender, SimTargets};
use sim::{SimConfig, Simulator};
use trust::users::{GroupSpec, UsersFile};

use crate::api::util::{config, http, joined, start};

fn free_udp() -> std::net::SocketAddr {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr")
}

async fn login(server: &Server, user: &str) -> String {
    let body = format!(r#"{{"username":"{user}","password":"password-123"}}"#);
    let (code, head, text) = http(server, "POST", "/api/web/login", "", &body).await;
    assert_eq!(code, 200, "{text}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("a session cookie");
    format!("Cookie: {cookie}\r\n")
}

async fn post(server: &Server, cookie: &str, body: &str) -> (u16, serde_json::Value) {
    let (code, _, text) = http(server, "POST", "/api/ops/commands", cookie, body).await;
    (
        code,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

async fn get(server: &Server, cookie: &str, path: &str) -> serde_json::Value {
    let (code, _, text) = http(server, "GET", path, cookie, "").await;
    assert_eq!(code, 200, "{path}: {text}");
    serde_json::from_str(&text).expect("json")
}

/// One HTTP/1.0 request to the plain (operator's) listener.
async fn plain(addr: std::net::SocketAddr, path: &str, body: &str) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "POST {path} HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    let code = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (code, serde_json::from_str(body).unwrap_or_default())
}

fn classify(uid: &str, affiliation: &str, remarks: &str) -> String {
    serde_json::json!({ "op": "classify", "uid": uid, "affiliation": affiliation, "remarks": remarks })
        .to_string()
}

fn message(v: &serde_json::Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_officer_classifies_a_live_track_and_the_desk_audits_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let mut file = UsersFile::open(&data)
        .expect("users")
        .with_cost(trust::users::HashCost::INSECURE_TEST);
    for (name, role) in [
        ("alice", "watch_officer"),
        ("sam", "legal"),
        ("root", "admin"),
    ] {
        file.add(
            name,
            "password-123",
            &GroupSpec::parse_list("").expect("groups"),
        )
        .expect("add");
        file.set_roles(name, &[role.to_string()]).expect("roles");
    }

    let mut sim_cfg = SimConfig::border_sector();
    sim_cfg.start_unix_s = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64();
    let asterix = free_udp();
    let sender = Sender::bind(SimTargets {
        asterix_udp: Some(asterix),
        sbs_tcp_listen: Some("127.0.0.1:0".parse().expect("addr")),
        sbs_tcp_connect: None,
        detections_udp: None,
    })
    .await
    .expect("sim sockets");
    let sbs = sender.sbs_listen_addr().expect("sbs listener");
    let mut cfg = config();
    cfg.store.data_dir = Some(data);
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    cfg.sensors.feeds = Some(sim::feeds_config(&sim_cfg));
    cfg.sensors.inputs = vec![
        SensorInput {
            sensor: None,
            udp: Some(asterix),
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
    let mut again = cfg.clone();
    let server = start(cfg).await;
    let s = &server;
    let mut watcher = joined(s.tcp_addrs[0], "UID-WATCH", "WATCH").await;
    let simulator = Simulator::new(sim_cfg, 7).expect("scenario");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(
        sender.run(simulator, 1.0, Some(Duration::from_secs(60)), async move {
            let _ = stop_rx.await;
        }),
    );

    let (air, _) = watcher
        .wait_for("type=\"a-u-A\"", Duration::from_secs(20))
        .await;
    let air = air.expect("an air track from the simulated sensors");
    let uid = air
        .split("uid=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("uid")
        .to_string();
    let (alice, sam, root) = (
        login(s, "alice").await,
        login(s, "sam").await,
        login(s, "root").await,
    );

    // A watch officer classifies it suspect; the tracker republishes it.
    let (code, v) = post(
        s,
        &alice,
        &classify(&uid, "suspect", "loiters & no flight plan"),
    )
    .await;
    assert_eq!(code, 200, "{v}");
    let seq = v["audit"][0].as_u64().expect("audit seq");
    let (marked, _) = watcher
        .wait_for(
            &format!("uid=\"{uid}\" type=\"a-s-A\""),
            Duration::from_secs(10),
        )
        .await;
    let marked = marked.expect("the suspect track published");
    assert!(marked.contains("loiters &amp; no flight plan"), "{marked}");

    let list = get(s, &alice, "/api/ops/classifications").await;
    let c = &list["classifications"][0];
    assert_eq!(
        (
            c["uid"].as_str(),
            c["affiliation"].as_str(),
            c["by"].as_str(),
            c["seq"].as_u64()
        ),
        (
            Some(uid.as_str()),
            Some("suspect"),
            Some("alice"),
            Some(seq)
        ),
        "{list}"
    );
    assert_eq!(c["remarks"], "loiters & no flight plan");

    // Refusals: counsel lacks the role; a track the tracker does not have;
    // remarks XML cannot carry or too long; a body that is no command.
    let (code, v) = post(s, &sam, &classify(&uid, "hostile", "x")).await;
    assert_eq!(code, 403, "{v}");
    assert!(message(&v).contains("watch_officer or admin"), "{v}");
    let (code, v) = post(s, &alice, &classify("sim-trk-999999", "hostile", "x")).await;
    assert_eq!(code, 404, "{v}");
    assert!(message(&v).contains("audit record"), "{v}");
    let (code, v) = post(s, &alice, &classify(&uid, "hostile", "bell \u{7}")).await;
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (422, Some("bad_classification")),
        "{v}"
    );
    let (code, v) = post(s, &alice, &classify(&uid, "hostile", &"r".repeat(1025))).await;
    assert_eq!(code, 422, "{v}");
    assert!(message(&v).contains("at most 1024"), "{v}");
    let (code, v) = post(
        s,
        &alice,
        &format!(r#"{{"op":"classify","uid":"{uid}","affiliation":"evil"}}"#),
    )
    .await;
    assert_eq!(code, 400, "{v}");

    // The operator's mark takes the same path, audited as "operator".
    let http_addr = s.http_addr.expect("http");
    let (code, v) = plain(
        http_addr,
        &format!("/api/tracks/{uid}/mark"),
        r#"{"affiliation":"hostile","remarks":"crossed the line"}"#,
    )
    .await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["marked"], true);
    let mark_seq = v["audit"][0].as_u64().expect("audited");
    let (hostile, _) = watcher
        .wait_for(
            &format!("uid=\"{uid}\" type=\"a-h-A\""),
            Duration::from_secs(10),
        )
        .await;
    assert!(hostile.is_some_and(|e| e.contains("crossed the line")));
    let (code, v) = plain(
        http_addr,
        "/api/tracks/nope/mark",
        r#"{"affiliation":"hostile"}"#,
    )
    .await;
    assert_eq!(code, 404, "{v}");

    // Every step is in the log with its actor.
    let records = get(s, &root, "/api/audit/records?from=0&limit=1000").await;
    let records = records.as_array().expect("records");
    let at = |n: u64| records.iter().find(|r| r["seq"] == n).expect("record");
    let r = at(seq);
    assert_eq!(
        (
            r["action"].as_str(),
            r["actor"].as_str(),
            r["decision"].as_str()
        ),
        (Some("ops.classify"), Some("alice"), Some("ACCEPTED")),
        "{r}"
    );
    assert_eq!(r["subjects"][0], uid.as_str());
    assert_eq!(r["payload"]["command"]["affiliation"], "suspect");
    let r = at(mark_seq);
    assert_eq!(
        (r["action"].as_str(), r["actor"].as_str()),
        (Some("ops.classify"), Some("operator")),
        "{r}"
    );
    let refused: Vec<(&str, String)> = records
        .iter()
        .filter(|r| r["action"] == "ops.refused" || r["action"] == "ops.bad_request")
        .map(|r| {
            (
                r["actor"].as_str().unwrap_or(""),
                r["reasons"][0]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(40)
                    .collect(),
            )
        })
        .collect();
    assert_eq!(refused.len(), 6, "{refused:?}");
    assert_eq!(refused[0].0, "sam");
    assert!(refused[1].1.contains("no live track"), "{refused:?}");
    assert_eq!(refused[5].0, "operator");
    assert!(refused[5].1.contains("no live track"), "{refused:?}");
    let list = get(s, &alice, "/api/ops/classifications").await;
    assert_eq!(
        list["classifications"][0]["affiliation"], "hostile",
        "{list}"
    );
    assert_eq!(list["classifications"].as_array().map(Vec::len), Some(1));

    let _ = stop_tx.send(());
    let _ = run.await;
    server.shutdown().await;

    // A restart replays the log to the same classifications (they are not
    // re-applied: the tracker hands out its uids afresh).
    again.sensors = Default::default();
    let server = start(again).await;
    let alice = login(&server, "alice").await;
    let back = get(&server, &alice, "/api/ops/classifications").await;
    assert_eq!(back["classifications"], list["classifications"], "{back}");
    server.shutdown().await;
}
