//! The embedded store: the picture survives a restart.

use super::util::*;

#[tokio::test]
async fn restart_keeps_the_last_known_sa() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut cfg = config();
    cfg.store.data_dir = Some(dir.path().to_path_buf());
    let server = start(cfg.clone()).await;
    let mut a = joined(server.tcp_addrs[0], "UID-A", "ALPHA").await;
    a.send(&sa("UID-A", "ALPHA", "Cyan")).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // The server stops while A is still connected: its SA is the last known.
    server.shutdown().await;
    drop(a);
    assert!(dir.path().join("watchfloor.sqlite").exists());

    let server = start(cfg).await;
    let mut b = Client::connect(server.tcp_addrs[0]).await;
    b.send(&sa("UID-B", "BRAVO", "Cyan")).await;
    let (got, _) = b.wait_for("UID-A", WAIT).await;
    assert!(
        got.is_some_and(|e| e.contains("ALPHA")),
        "restored SA not replayed"
    );
    server.shutdown().await;
}
