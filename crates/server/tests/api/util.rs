//! A plain streaming CoT client for tests, and server start-up helpers.

use std::net::SocketAddr;
use std::time::Duration;

use server::{Listen, Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A config with one anonymous TCP listener on a free loopback port.
pub(crate) fn config() -> ServerConfig {
    ServerConfig {
        tak: server::TakConfig {
            tcp: vec![Listen::parse("127.0.0.1:0").expect("addr")],
            ..server::TakConfig::default()
        },
        http: server::HttpConfig {
            listen: Some("127.0.0.1:0".parse().expect("addr")),
        },
        ..ServerConfig::default()
    }
}

pub(crate) async fn start(config: ServerConfig) -> Server {
    Server::start(config).await.expect("server starts")
}

/// ISO time `secs` from now.
pub(crate) fn iso(secs: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock");
    let ms = i64::try_from(now.as_millis()).expect("ms") + secs * 1000;
    cot::Time::from_millis(ms).to_string()
}

/// An ATAK-style SA for `uid` with callsign and team.
pub(crate) fn sa(uid: &str, callsign: &str, team: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid="{uid}" type="a-f-G-U-C" how="m-g" time="{t}" start="{t}" stale="{s}"><point lat="31.5" lon="-106.4" hae="1200" ce="10" le="10"/><detail><contact callsign="{callsign}" endpoint="*:-1:stcp"/><__group name="{team}" role="Team Member"/><takv platform="test"/></detail></event>"#,
        t = iso(0),
        s = iso(120)
    )
}

/// Any event with the given type, uid and inner detail.
pub(crate) fn event(uid: &str, kind: &str, detail: &str) -> String {
    format!(
        r#"<event version="2.0" uid="{uid}" type="{kind}" how="h-e" time="{t}" start="{t}" stale="{s}"><point lat="31.6" lon="-106.3" hae="0" ce="9999999" le="9999999"/><detail>{detail}</detail></event>"#,
        t = iso(0),
        s = iso(120)
    )
}

/// A streaming client that reads whole events.
pub(crate) struct Client {
    pub(crate) stream: TcpStream,
    buf: Vec<u8>,
    closed: bool,
}

impl Client {
    pub(crate) async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connect");
        Client {
            stream,
            buf: Vec::new(),
            closed: false,
        }
    }

    pub(crate) async fn send(&mut self, text: &str) {
        self.stream.write_all(text.as_bytes()).await.expect("send");
    }

    pub(crate) async fn send_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await
    }

    /// The next whole event, or `None` after `wait` or when the server closed.
    pub(crate) async fn next_event(&mut self, wait: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = find(&self.buf, b"</event>") {
                let rest = self.buf.split_off(end + 8);
                let ev = String::from_utf8_lossy(&self.buf).trim().to_string();
                self.buf = rest;
                return Some(ev);
            }
            if self.closed {
                return None;
            }
            let mut chunk = [0u8; 16384];
            match tokio::time::timeout_at(deadline, self.stream.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) => self.closed = true,
                Ok(Ok(n)) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => return None,
            }
        }
    }

    /// Reads until an event containing `needle` arrives; the events skipped
    /// on the way are returned too.
    pub(crate) async fn wait_for(
        &mut self,
        needle: &str,
        wait: Duration,
    ) -> (Option<String>, Vec<String>) {
        let deadline = tokio::time::Instant::now() + wait;
        let mut skipped = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_event(left).await {
                Some(e) if e.contains(needle) => return (Some(e), skipped),
                Some(e) => skipped.push(e),
                None => return (None, skipped),
            }
        }
    }

    /// Collects every event arriving within `wait`.
    pub(crate) async fn drain(&mut self, wait: Duration) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut out = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_event(left).await {
                Some(e) => out.push(e),
                None => return out,
            }
        }
    }

    /// Whether the server closed this connection within `wait`.
    pub(crate) async fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        while !self.closed {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            let _ = self.next_event(left).await;
        }
        true
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Connects a client and identifies it with its SA; drains what it is sent
/// on joining (replay, protocol offer).
pub(crate) async fn joined(addr: SocketAddr, uid: &str, callsign: &str) -> Client {
    let mut c = Client::connect(addr).await;
    c.send(&sa(uid, callsign, "Cyan")).await;
    let (offer, _) = c.wait_for("t-x-takp-v", Duration::from_secs(5)).await;
    assert!(
        offer.is_some(),
        "{uid} got no protocol offer after identifying"
    );
    c
}

pub(crate) const WAIT: Duration = Duration::from_secs(5);
pub(crate) const QUIET: Duration = Duration::from_millis(400);

/// A plain HTTP/1.1 exchange: status, headers and body.
pub(crate) async fn http(
    server: &Server,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String, String) {
    let (addr, _) = server.web_addr.expect("web");
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// The metrics page of the plain HTTP listener, as text.
pub(crate) async fn metrics_text(s: &Server) -> String {
    let addr = s.http_addr.expect("http");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .expect("write");
    let mut out = String::new();
    let _ = tokio::time::timeout(WAIT, stream.read_to_string(&mut out)).await;
    out
}
