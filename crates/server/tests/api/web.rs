//! The web COP's feed over a real WebSocket: snapshot, deltas, commands,
//! a browser that falls behind, and TAK routing that never waits for it.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use server::{Server, WebConfig};
use tokio_tungstenite::tungstenite::Message;

use crate::api::util::{config, event, joined, sa, start, Client, WAIT};

async fn web_server() -> Server {
    let mut c = config();
    c.tak.client_rate = 1_000_000;
    c.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    start(c).await
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn browser(server: &Server) -> Ws {
    let (addr, _) = server.web_addr.expect("web listener");
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/web/ws"))
        .await
        .expect("websocket");
    ws
}

async fn frame(ws: &mut Ws, wait: Duration) -> Option<serde_json::Value> {
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, ws.next()).await.ok()?? {
            Ok(Message::Text(t)) => return serde_json::from_str(&t).ok(),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

/// Reads frames until one satisfies `f`.
async fn until(
    ws: &mut Ws,
    wait: Duration,
    f: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + wait;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if let Some(v) = frame(ws, left).await {
            if f(&v) {
                return v;
            }
        }
    }
    panic!("no matching frame within {wait:?}");
}

fn has_uid(list: &serde_json::Value, uid: &str) -> bool {
    list.as_array()
        .is_some_and(|a| a.iter().any(|o| o["uid"] == uid))
}

#[tokio::test]
async fn snapshot_then_deltas_and_commands_reach_the_field() {
    let server = web_server().await;
    let tcp = server.tcp_addrs[0];
    let mut alpha = joined(tcp, "ALPHA-1", "ALPHA").await;
    let mut ws = browser(&server).await;
    let snap = frame(&mut ws, Duration::from_secs(5))
        .await
        .expect("snapshot");
    assert_eq!(snap["t"], "snapshot");
    assert!(has_uid(&snap["objects"], "ALPHA-1"), "{snap}");
    let alpha_obj = snap["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .find(|o| o["uid"] == "ALPHA-1")
        .cloned()
        .expect("alpha");
    assert_eq!(alpha_obj["contact"], true);

    let mut bravo = joined(tcp, "BRAVO-1", "BRAVO").await;
    until(&mut ws, Duration::from_secs(3), |f| {
        f["t"] == "delta" && has_uid(&f["upsert"], "BRAVO-1")
    })
    .await;

    ws.send(Message::Text(
        r#"{"op":"chat","id":1,"room_id":"All Chat Rooms","text":"hold at checkpoint 3"}"#.into(),
    ))
    .await
    .expect("send");
    let ack = until(&mut ws, Duration::from_secs(3), |f| f["t"] == "ack").await;
    assert_eq!(
        (ack["id"].as_u64(), ack["ok"].as_bool()),
        (Some(1), Some(true)),
        "{ack}"
    );
    let (got, _) = alpha
        .wait_for("hold at checkpoint 3", Duration::from_secs(3))
        .await;
    assert!(
        got.is_some_and(|e| e.contains("b-t-f")),
        "the field hears the browser's chat"
    );
    // The web user is a contact in the field.
    assert!(bravo
        .wait_for("WATCH FLOOR", Duration::from_secs(3))
        .await
        .0
        .is_some());

    for bad in [
        "not json",
        r#"{"op":"launch"}"#,
        r#"{"op":"marker","id":5,"lat":99,"lon":0,"label":"X","affiliation":"u","kind":"ground"}"#,
    ] {
        ws.send(Message::Text(bad.into())).await.expect("send");
        let ack = until(&mut ws, Duration::from_secs(3), |f| f["t"] == "ack").await;
        assert_eq!(ack["ok"], false, "{bad} → {ack}");
    }
    assert!(
        server
            .metrics()
            .web_commands_refused
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 3
    );
    drop(ws);
    // A browser coming back gets everything again.
    let mut again = browser(&server).await;
    let snap = frame(&mut again, Duration::from_secs(5))
        .await
        .expect("snapshot");
    assert!(has_uid(&snap["objects"], "ALPHA-1") && has_uid(&snap["objects"], "BRAVO-1"));
    assert!(snap["chat"]
        .as_array()
        .is_some_and(|c| c.iter().any(|m| m["text"] == "hold at checkpoint 3")));
    server.shutdown().await;
}

#[tokio::test]
async fn a_browser_that_stops_reading_gets_a_snapshot_and_tak_routing_goes_on() {
    let server = web_server().await;
    let tcp = server.tcp_addrs[0];
    let mut listener = joined(tcp, "LISTEN-1", "LISTENER").await;
    let mut ws = browser(&server).await;
    assert_eq!(
        frame(&mut ws, Duration::from_secs(5))
            .await
            .expect("snapshot")["t"],
        "snapshot"
    );

    // The browser reads nothing while a feeder relays many objects, each
    // several times: its queue overflows.
    let mut feeder = Client::connect(tcp).await;
    feeder.send(&sa("FEED-1", "FEEDER", "Cyan")).await;
    let objects = 1_000;
    let rounds = 24;
    let pad = "x".repeat(1_000);
    for r in 0..rounds {
        let mut batch = String::new();
        for i in 0..objects {
            batch.push_str(&sa(
                &format!("OBJ-{i}"),
                &format!("OBJ {i} {r} {pad}"),
                "Cyan",
            ));
        }
        feeder.send(&batch).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    // TAK routing did not wait for the browser: the listener gets every
    // object (counted in its own task while the browser catches up).
    let heard = tokio::spawn(async move {
        let mut seen = std::collections::HashSet::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while seen.len() < objects && Instant::now() < deadline {
            if let Some(e) = listener.next_event(Duration::from_secs(2)).await {
                if let Some(i) = e
                    .split("uid=\"OBJ-")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                {
                    seen.insert(i.to_string());
                }
            }
        }
        seen.len()
    });
    // The browser now catches up: a fresh snapshot, then deltas, hold
    // every object.
    let mut state = std::collections::HashSet::new();
    let mut snapshots = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while (snapshots == 0 || (0..objects).any(|i| !state.contains(&format!("OBJ-{i}"))))
        && Instant::now() < deadline
    {
        let Some(f) = frame(&mut ws, Duration::from_secs(5)).await else {
            break;
        };
        let list = if f["t"] == "snapshot" {
            snapshots += 1;
            state.clear();
            &f["objects"]
        } else {
            &f["upsert"]
        };
        for o in list.as_array().into_iter().flatten() {
            state.insert(o["uid"].as_str().unwrap_or("").to_string());
        }
    }
    assert!(snapshots >= 1, "the lagging browser got a fresh snapshot");
    assert!(
        (0..objects).all(|i| state.contains(&format!("OBJ-{i}"))),
        "{} objects",
        state.len()
    );
    assert_eq!(
        heard.await.expect("listener task"),
        objects,
        "every object reached the TAK client"
    );
    let m = server.metrics();
    assert!(
        m.web_lagged.load(std::sync::atomic::Ordering::Relaxed) >= 1,
        "the lag was counted"
    );
    assert!(m.web_snapshots.load(std::sync::atomic::Ordering::Relaxed) >= 2);
    server.shutdown().await;
}

fn object<'a>(snap: &'a serde_json::Value, callsign: &str) -> Option<&'a serde_json::Value> {
    snap["objects"]
        .as_array()?
        .iter()
        .find(|o| o["callsign"] == callsign)
}

/// A restart forgets nothing that was not stale or deleted: a marker placed
/// from the web, a client's marker and the chat come back for browsers and
/// TAK clients; a marker its maker deleted does not.
#[tokio::test]
async fn a_restart_brings_back_markers_and_chat_but_not_what_was_deleted() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut cfg = config();
    cfg.tak.client_rate = 1_000_000;
    cfg.store.data_dir = Some(dir.path().to_path_buf());
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    let server = start(cfg.clone()).await;
    let tcp = server.tcp_addrs[0];
    let mut alpha = joined(tcp, "ALPHA-1", "ALPHA").await;
    let mut bravo = joined(tcp, "BRAVO-1", "BRAVO").await;
    let contact = |cs: &str| format!(r#"<contact callsign="{cs}"/>"#);
    alpha
        .send(&event("MK-KEEP", "a-h-G", &contact("KEEP-ME")))
        .await;
    alpha
        .send(&event("MK-GONE", "a-h-G", &contact("DELETE-ME")))
        .await;
    alpha
        .send(&event(
            "DEL-1",
            "t-x-d-d",
            r#"<link uid="MK-GONE" relation="none" type="a-h-G"/><__forcedelete/>"#,
        ))
        .await;
    // The delete is passed on, as TAK Server does.
    let (got, _) = bravo.wait_for("DEL-1", WAIT).await;
    assert!(
        got.is_some_and(|e| e.contains("MK-GONE")),
        "the delete reaches the others"
    );
    let mut ws = browser(&server).await;
    frame(&mut ws, WAIT).await.expect("snapshot");
    ws.send(Message::Text(
        r#"{"op":"marker","id":1,"lat":31.7,"lon":-106.4,"label":"WEB-MK","affiliation":"h","kind":"ground"}"#.into(),
    ))
    .await
    .expect("send");
    ws.send(Message::Text(
        r#"{"op":"chat","id":2,"room_id":"All Chat Rooms","text":"remember this line"}"#.into(),
    ))
    .await
    .expect("send");
    for _ in 0..2 {
        let ack = until(&mut ws, WAIT, |f| f["t"] == "ack").await;
        assert_eq!(ack["ok"], true, "{ack}");
    }
    let (got, _) = bravo.wait_for("remember this line", WAIT).await;
    assert!(got.is_some());
    drop(ws);
    server.shutdown().await;
    drop((alpha, bravo));

    let server = start(cfg).await;
    let mut ws = browser(&server).await;
    let snap = frame(&mut ws, WAIT).await.expect("snapshot");
    assert!(object(&snap, "WEB-MK").is_some(), "web marker: {snap}");
    assert!(object(&snap, "KEEP-ME").is_some(), "client marker: {snap}");
    assert!(object(&snap, "DELETE-ME").is_none(), "deleted: {snap}");
    let alpha_sa = snap["objects"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["uid"] == "ALPHA-1"))
        .expect("ALPHA's last known SA");
    assert_eq!(alpha_sa["gone"], true, "not connected since the restart");
    assert!(
        snap["chat"]
            .as_array()
            .is_some_and(|c| c.iter().any(|m| m["text"] == "remember this line")),
        "chat: {snap}"
    );
    // A TAK client joining after the restart is replayed the same picture.
    let mut charlie = Client::connect(server.tcp_addrs[0]).await;
    charlie.send(&sa("CHARLIE-1", "CHARLIE", "Cyan")).await;
    // The protocol offer follows the replay.
    let (offer, replay) = charlie.wait_for("t-x-takp-v", WAIT).await;
    assert!(offer.is_some());
    let replayed = |needle: &str| replay.iter().any(|e| e.contains(needle));
    assert!(replayed("WEB-MK"), "web marker replayed to TAK clients");
    assert!(replayed("KEEP-ME"));
    assert!(!replayed("DELETE-ME"), "a deleted marker is not replayed");
    server.shutdown().await;
}
