//! Over a real loopback socket, as hyper serves it: clients that send whole bodies before
//! reading the answer, clients that hang up, HEAD through hyper.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::*;

/// Serves `env` on 127.0.0.1:0 until the returned handle is aborted.
async fn serve(env: &Env) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = env.app.clone();
    (
        addr,
        tokio::spawn(async move { axum::serve(listener, app).await }),
    )
}

/// Writes a whole request (even if the server answers early), then reads the whole answer.
async fn exchange(addr: SocketAddr, head: &str, body: &[u8]) -> Vec<u8> {
    let s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = s.into_split();
    let reader = tokio::spawn(async move {
        let mut answer = Vec::new();
        let _ = rd.read_to_end(&mut answer).await;
        answer
    });
    wr.write_all(head.as_bytes()).await.unwrap();
    // The server must let the client finish sending, even when it refuses the upload.
    wr.write_all(body).await.unwrap();
    // No half-close: hyper (without `half_close`) drops a connection whose client shuts its
    // write side; `Connection: close` ends the exchange instead.
    tokio::time::timeout(std::time::Duration::from_secs(10), reader)
        .await
        .unwrap()
        .unwrap()
}

fn upload_head(addr: SocketAddr, len: usize) -> String {
    format!(
        "POST /Marti/sync/missionupload?filename=t.zip HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len}\r\n\r\n"
    )
}

#[tokio::test]
async fn oversized_upload_gets_its_413_when_sent_whole() {
    let env = Env::with(|c| c.max_upload_bytes = 8 << 20);
    let (addr, server) = serve(&env).await;
    let body = multipart("assetfile", "t.zip", &bytes(15 << 20, 1));
    let answer = exchange(addr, &upload_head(addr, body.len()), &body).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("\"code\":\"too_large\""), "{text}");
    assert_eq!(env.temp_files() + env.stored_files(), 0);
    server.abort();
}

#[tokio::test]
async fn oversized_raw_upload_gets_its_413_when_sent_whole() {
    let env = Env::with(|c| c.max_upload_bytes = 8 << 20);
    let (addr, server) = serve(&env).await;
    let body = bytes(15 << 20, 3);
    let head = format!(
        "POST /Marti/sync/upload?name=big HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/zip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let answer = exchange(addr, &head, &body).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert_eq!(env.temp_files() + env.stored_files(), 0);
    server.abort();
}

#[tokio::test]
async fn upload_then_head_through_hyper() {
    let env = Env::new();
    let (addr, server) = serve(&env).await;
    let data = bytes(5000, 2);
    let body = multipart("assetfile", "t.zip", &data);
    let answer = exchange(addr, &upload_head(addr, body.len()), &body).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let head = format!(
        "HEAD /Marti/sync/content?hash={} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
        sha256_hex(&data)
    );
    let answer = String::from_utf8(exchange(addr, &head, b"").await).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-length: 5000\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\n"),
        "HEAD answer has a body: {answer}"
    );
    server.abort();
}

/// Over a real loopback socket: a client that sends half a multipart upload and hangs up
/// leaves nothing behind, and the server keeps answering.
#[tokio::test]
async fn client_hanging_up_mid_upload_over_tcp() {
    let env = Env::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = env.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let body = multipart("assetfile", "t.zip", &bytes(200_000, 1));
    let head = format!(
        "POST /Marti/sync/missionupload?filename=t.zip HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body[..100_000]).await.unwrap();
    drop(s);

    // Wait (bounded) for the server to notice and clean up.
    for _ in 0..100 {
        if env.temp_files() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(env.temp_files(), 0);
    assert_eq!(env.stored_files(), 0);

    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!("GET /Marti/api/version HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("watchfloor 1.2.3"), "{answer}");
    server.abort();
}
