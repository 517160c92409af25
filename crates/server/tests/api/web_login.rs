//! The web COP with users: login, cookies, group filtering; and replay
//! from the store.

use std::time::{Duration, Instant};

use futures::StreamExt;
use server::{Listen, Server, WebConfig};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use trust::users::{GroupSpec, UsersFile};

use crate::api::util::{config, http, joined, start};

struct Setup {
    _tmp: tempfile::TempDir,
    server: Server,
    blue_tcp: std::net::SocketAddr,
    red_tcp: std::net::SocketAddr,
}

async fn setup() -> Setup {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let mut users = UsersFile::open(&data)
        .expect("users")
        .with_cost(trust::users::HashCost::INSECURE_TEST);
    users
        .add(
            "alice",
            "password-123",
            &GroupSpec::parse_list("blue").expect("groups"),
        )
        .expect("alice");
    let mut cfg = config();
    cfg.tak
        .tcp
        .push(Listen::parse("127.0.0.1:0#blue").expect("blue"));
    cfg.tak
        .tcp
        .push(Listen::parse("127.0.0.1:0#red").expect("red"));
    cfg.store.data_dir = Some(data);
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    let server = start(cfg).await;
    let (blue_tcp, red_tcp) = (server.tcp_addrs[1], server.tcp_addrs[2]);
    Setup {
        _tmp: tmp,
        server,
        blue_tcp,
        red_tcp,
    }
}

#[tokio::test]
async fn login_is_required_and_groups_filter_the_picture() {
    let s = setup().await;
    let _blue = joined(s.blue_tcp, "BLUE-1", "BLUE").await;
    let _red = joined(s.red_tcp, "RED-1", "RED").await;

    let (code, _, body) = http(&s.server, "GET", "/api/web/session", "", "").await;
    assert_eq!(code, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        (v["login_required"].as_bool(), v["authenticated"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(http(&s.server, "GET", "/api/web/ws", "", "").await.0, 401);
    assert_eq!(
        http(&s.server, "GET", "/api/web/replay/range", "", "")
            .await
            .0,
        401
    );

    let wrong = r#"{"username":"alice","password":"nope"}"#;
    let (code, _, body) = http(&s.server, "POST", "/api/web/login", "", wrong).await;
    assert_eq!(code, 401, "{body}");
    assert!(body.contains("\"code\":\"unauthorized\""));
    let right = r#"{"username":"alice","password":"password-123"}"#;
    let (code, head, body) = http(&s.server, "POST", "/api/web/login", "", right).await;
    assert_eq!(code, 200, "{body}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    assert!(head.to_lowercase().contains("httponly"));
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["user"], "alice");
    assert_eq!(v["groups"], serde_json::json!(["blue"]));

    let (addr, _) = s.server.web_addr.expect("web");
    let mut req = format!("ws://{addr}/api/web/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut()
        .insert("Cookie", cookie.parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket with the cookie");
    let deadline = Instant::now() + Duration::from_secs(5);
    let snap = loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("frame")
            .expect("open")
            .expect("ok");
        if let Message::Text(t) = m {
            break serde_json::from_str::<serde_json::Value>(&t).expect("json");
        }
        assert!(Instant::now() < deadline);
    };
    let uids: Vec<&str> = snap["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .filter_map(|o| o["uid"].as_str())
        .collect();
    assert!(uids.contains(&"BLUE-1"), "{uids:?}");
    assert!(
        !uids.contains(&"RED-1"),
        "alice (blue) must not see red: {uids:?}"
    );

    let (code, _, _) = http(
        &s.server,
        "POST",
        "/api/web/logout",
        &format!("Cookie: {cookie}\r\n"),
        "",
    )
    .await;
    assert_eq!(code, 204);
    assert_eq!(
        http(
            &s.server,
            "GET",
            "/api/web/ws",
            &format!("Cookie: {cookie}\r\n"),
            ""
        )
        .await
        .0,
        401
    );
    s.server.shutdown().await;
}

#[tokio::test]
async fn replay_returns_the_stored_picture() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut cfg = config();
    cfg.store.data_dir = Some(tmp.path().to_path_buf());
    cfg.web = Some(WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..WebConfig::default()
    });
    let server = start(cfg).await;
    let _a = joined(server.tcp_addrs[0], "REPLAY-1", "REPLAY").await;
    // The store writes in batches; wait until the row is there.
    let deadline = Instant::now() + Duration::from_secs(10);
    let range = loop {
        let (code, _, body) = http(&server, "GET", "/api/web/replay/range", "", "").await;
        assert_eq!(code, 200);
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        if v["from"].is_i64() || Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let to = range["to"].as_i64().expect("to");
    let (code, _, body) = http(&server, "GET", &format!("/api/web/replay?at={to}"), "", "").await;
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(
        v["objects"].as_array().is_some_and(|a| a
            .iter()
            .any(|o| o["uid"] == "REPLAY-1" && o["callsign"] == "REPLAY")),
        "{v}"
    );
    let from = range["from"].as_i64().expect("from");
    let (_, _, body) = http(
        &server,
        "GET",
        &format!("/api/web/replay?at={}", from - 1),
        "",
        "",
    )
    .await;
    assert!(
        body.contains("\"objects\":[]"),
        "nothing before the first row: {body}"
    );
    assert_eq!(
        http(&server, "GET", "/api/web/replay?at=soon", "", "")
            .await
            .0,
        400
    );
    server.shutdown().await;
}
