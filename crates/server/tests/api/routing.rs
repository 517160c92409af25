//! Routing over real sockets: SA exchange, groups, replay, ping, delete.

use std::time::Duration;

use server::Listen;

use super::util::*;

#[tokio::test]
async fn two_clients_share_sa_and_never_get_their_own() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    // A sees B's SA live (B joined after A).
    let (got, _) = a.wait_for("UID-B", WAIT).await;
    assert!(got.is_some_and(|e| e.contains("BRAVO")));
    a.send(&sa("UID-A", "ALPHA", "Cyan")).await;
    let (got, _) = b.wait_for("UID-A", WAIT).await;
    assert!(got.is_some());
    // Nobody hears an echo of their own SA.
    assert!(a
        .drain(QUIET)
        .await
        .iter()
        .all(|e| !e.contains("uid=\"UID-A\"")));
    server.shutdown().await;
}

#[tokio::test]
async fn late_joiner_gets_the_picture_first() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let _a = joined(addr, "UID-A", "ALPHA").await;
    let _b = joined(addr, "UID-B", "BRAVO").await;
    let mut c = Client::connect(addr).await;
    c.send(&sa("UID-C", "CHARLIE", "Red")).await;
    let first = c.next_event(WAIT).await.expect("replay");
    let second = c.next_event(WAIT).await.expect("replay");
    let both = format!("{first}{second}");
    assert!(both.contains("UID-A") && both.contains("UID-B"), "{both}");
    let third = c.next_event(WAIT).await.expect("offer");
    assert!(third.contains("t-x-takp-v"), "{third}");
    server.shutdown().await;
}

#[tokio::test]
async fn groups_of_listeners_keep_pictures_apart() {
    let mut cfg = config();
    cfg.tak
        .tcp
        .push(Listen::parse("127.0.0.1:0#blue").expect("addr"));
    let server = start(cfg).await;
    let (anon, blue) = (server.tcp_addrs[0], server.tcp_addrs[1]);
    let mut a = joined(anon, "UID-A", "ALPHA").await;
    let mut b = joined(anon, "UID-B", "BRAVO").await;
    let mut x = joined(blue, "UID-X", "XRAY").await;
    a.send(&sa("UID-A", "ALPHA", "Cyan")).await;
    assert!(b.wait_for("UID-A", WAIT).await.0.is_some());
    assert!(x.drain(QUIET).await.iter().all(|e| !e.contains("UID-A")));
    x.send(&sa("UID-X", "XRAY", "Cyan")).await;
    assert!(a.drain(QUIET).await.iter().all(|e| !e.contains("UID-X")));
    server.shutdown().await;
}

#[tokio::test]
async fn ping_is_answered_to_the_sender_only() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    a.send(&event("UID-A-ping", "t-x-c-t", "")).await;
    assert!(a.wait_for("t-x-c-t-r", WAIT).await.0.is_some());
    assert!(b.drain(QUIET).await.iter().all(|e| !e.contains("t-x-c-t")));
    server.shutdown().await;
}

#[tokio::test]
async fn directed_message_reaches_only_its_addressee() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let mut b = joined(addr, "UID-B", "BRAVO").await;
    let mut c = joined(addr, "UID-C", "CHARLIE").await;
    a.send(&event(
        "MARKER-1",
        "a-h-G",
        r#"<marti><dest callsign="BRAVO"/></marti>"#,
    ))
    .await;
    assert!(b.wait_for("MARKER-1", WAIT).await.0.is_some());
    assert!(c.drain(QUIET).await.iter().all(|e| !e.contains("MARKER-1")));
    server.shutdown().await;
}

#[tokio::test]
async fn disconnect_is_announced_with_a_link_to_the_uid() {
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let mut a = joined(addr, "UID-A", "ALPHA").await;
    let b = joined(addr, "UID-B", "BRAVO").await;
    drop(b);
    let (got, _) = a.wait_for("t-x-d-d", WAIT).await;
    let got = got.expect("delete announced");
    assert!(got.contains(r#"uid="UID-B""#), "{got}");
    server.shutdown().await;
}

#[tokio::test]
async fn udp_datagrams_reach_streaming_clients() {
    let mut cfg = config();
    cfg.tak
        .udp
        .push(Listen::parse("127.0.0.1:0").expect("addr"));
    let server = start(cfg).await;
    let mut a = joined(server.tcp_addrs[0], "UID-A", "ALPHA").await;
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    sock.send_to(
        event("SENSOR-7", "a-u-G", "").as_bytes(),
        server.udp_addrs[0],
    )
    .await
    .expect("send");
    assert!(a.wait_for("SENSOR-7", WAIT).await.0.is_some());
    sock.send_to(b"\x00\x01garbage", server.udp_addrs[0])
        .await
        .expect("send");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        server
            .metrics()
            .udp_errors
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 1
    );
    server.shutdown().await;
}

#[tokio::test]
async fn clients_are_listed_for_the_administrator() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = start(config()).await;
    let addr = server.tcp_addrs[0];
    let _a = joined(addr, "UID-A", "ALPHA").await;
    let b = joined(addr, "UID-B", "BRAVO").await;
    drop(b);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut s = tokio::net::TcpStream::connect(server.http_addr.expect("http"))
        .await
        .expect("connect");
    s.write_all(b"GET /api/clients HTTP/1.0\r\nHost: x\r\n\r\n")
        .await
        .expect("send");
    let mut reply = String::new();
    s.read_to_string(&mut reply).await.expect("read");
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b).expect("body");
    let v: serde_json::Value = serde_json::from_str(body).expect("json");
    let list = v["clients"].as_array().expect("list");
    let state = |cs: &str| {
        list.iter()
            .find(|c| c["callsign"] == cs)
            .and_then(|c| c["connected"].as_bool())
    };
    assert_eq!(state("ALPHA"), Some(true), "{body}");
    assert_eq!(state("BRAVO"), Some(false), "{body}");
    server.shutdown().await;
}
