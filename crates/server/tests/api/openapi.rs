//! One OpenAPI document for every listener: served on the plain HTTP
//! listener whether or not the Marti API is mounted, holding the Marti,
//! operator and web COP parts, and every path it describes is routed on the
//! listener it names.

use std::net::SocketAddr;

use crate::api::util::{config, start};

/// One HTTP/1.0 exchange: status and body.
async fn http(addr: SocketAddr, method: &str, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("{method} {path} HTTP/1.0\r\nhost: x\r\ncontent-length: 0\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string());
    (status, body.unwrap_or_default())
}

fn operations(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            if method != "parameters" {
                ops.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

#[tokio::test]
async fn one_document_describes_every_listener_and_each_path_is_routed() {
    let data = tempfile::tempdir().expect("tmp");
    let mut cfg = config();
    cfg.store.data_dir = Some(data.path().to_path_buf());
    cfg.web = Some(server::WebConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..server::WebConfig::default()
    });
    let server = start(cfg).await;
    let http_addr = server.http_addr.expect("http");
    let (status, body) = http(http_addr, "GET", "/api/openapi.json").await;
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).expect("json");
    let (_, again) = http(http_addr, "GET", "/Marti/api/openapi.json").await;
    assert_eq!(again, body, "both names serve the same document");
    assert!(doc["components"]["schemas"]["Error"].is_object());
    for p in [
        "/Marti/sync/upload",
        "/metrics",
        "/api/clients",
        "/api/web/session",
        "/api/ops/roster",
        "/api/ops/commands",
        "/api/audit/records",
        "/api/audit/proof/inclusion",
        "/api/flows/counts",
        "/api/basemaps",
        "/basemaps/{id}/{z}/{x}/{y}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} is described");
    }
    let (web_addr, _) = server.web_addr.expect("web");
    let ops = operations(&doc);
    assert!(ops.len() > 20, "{}", ops.len());
    for (method, path) in ops {
        let uri = path
            .replace("{hash}", &"a".repeat(64))
            .replace("{uid}", "u1")
            .replace("{id}", "T-1");
        let on = if [
            "/api/web/",
            "/api/ops/",
            "/api/audit/",
            "/api/flows/",
            "/api/basemaps",
            "/basemaps/",
        ]
        .iter()
        .any(|p| path.starts_with(p))
        {
            web_addr
        } else {
            http_addr
        };
        let (status, body) = http(on, &method, &uri).await;
        assert_ne!(status, 405, "{method} {uri}");
        assert_ne!(status, 0, "{method} {uri} answered");
        // A HEAD answer has no body to tell a route's 404 from a missing
        // route's; an empty 404 is the CoT lookup's "unknown uid" (what
        // node-tak reads as not found), never the fallback's, which is JSON.
        if status == 404 && method != "HEAD" && !body.is_empty() {
            let v: serde_json::Value = serde_json::from_str(&body)
                .unwrap_or_else(|_| panic!("{method} {uri}: a bare 404 means not routed"));
            let msg = v["error"]["message"].as_str().unwrap_or_default();
            assert!(
                !msg.starts_with("no route") && !msg.contains("no such"),
                "{method} {uri}: {msg}"
            );
        }
    }
    let (status, body) = http(http_addr, "GET", "/Marti/api/no-such-route").await;
    assert_eq!(status, 404);
    assert!(
        body.contains("no route"),
        "the fallback answers JSON: {body}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_document_is_served_without_a_data_folder() {
    let server = start(config()).await;
    let (status, body) = http(server.http_addr.expect("http"), "GET", "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("/Marti/sync/upload"),
        "the whole API is described"
    );
    server.shutdown().await;
}
