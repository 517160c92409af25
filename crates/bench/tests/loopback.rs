//! Drives the real generator against a minimal broadcast relay on loopback.
//!
//! These check that the counting is right (every forwarded SA is found,
//! replays are not measured, failures are counted rather than fatal), not
//! how fast anything is: speed is what `bench/routing.sh` measures.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bench::scan::Splitter;
use bench::{Config, Report};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Connected peers and the events sent so far, under one lock so that a
/// joiner gets every earlier event exactly once: in the replay or live.
#[derive(Default)]
struct State {
    peers: Vec<(usize, mpsc::Sender<Vec<u8>>)>,
    seen: Vec<Vec<u8>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Relay {
    /// Forwards every event to every other identified peer, and replays the
    /// latest event of each peer to a newcomer, as a TAK server does.
    Broadcast,
    /// Closes each connection after its first event.
    Hangup,
}

async fn start_relay(mode: Relay) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state: Arc<Mutex<State>> = Arc::default();
    tokio::spawn(async move {
        for id in 0.. {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let (mut rd, mut wr) = sock.into_split();
                let (tx, mut rx) = mpsc::channel::<Vec<u8>>(100_000);
                tokio::spawn(async move {
                    while let Some(ev) = rx.recv().await {
                        if wr.write_all(&ev).await.is_err() {
                            return;
                        }
                    }
                });
                let mut split = Splitter::new(4096, 1 << 20);
                let mut joined = false;
                loop {
                    let Ok(spare) = split.spare() else { return };
                    match rd.read(spare).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => split.commit(n),
                    }
                    while let Some(ev) = split.next_event() {
                        if mode == Relay::Hangup {
                            return;
                        }
                        let ev = ev.to_vec();
                        let mut st = state.lock().unwrap();
                        if !joined {
                            joined = true;
                            for old in &st.seen {
                                let _ = tx.try_send(old.clone());
                            }
                            st.peers.push((id, tx.clone()));
                        }
                        for (peer, ptx) in &st.peers {
                            if *peer != id {
                                let _ = ptx.try_send(ev.clone());
                            }
                        }
                        st.seen.push(ev);
                    }
                }
            });
        }
    });
    addr
}

fn config(target: SocketAddr, clients: usize, idle: bool) -> Config {
    Config {
        target,
        clients,
        period: Duration::from_millis(100),
        rate_hz: 10.0,
        duration: Duration::from_secs(1),
        warmup: Duration::from_millis(200),
        drain: Duration::from_millis(500),
        connect_rate: 1000,
        server_pid: Some(std::process::id()),
        json: false,
        idle,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_forwarded_sa_is_counted_and_replays_are_not() {
    let addr = start_relay(Relay::Broadcast).await;
    let r: Report = bench::run(&config(addr, 6, false)).await;
    let t = &r.totals;
    assert_eq!((t.connected, t.connect_failures), (6, 0));
    // 10 Hz for 1 s, give or take a tick at each edge of the window.
    assert!((54..=66).contains(&t.sent), "sent {}", t.sent);
    assert_eq!(r.expected, t.sent * 5);
    assert_eq!(t.delivered, r.expected);
    assert_eq!(r.delivery_ratio, 1.0);
    // Identification, warmup and the replay of earlier joiners arrive too,
    // but are not measured.
    assert!(
        t.unmeasured_received >= 6 * 5,
        "unmeasured {}",
        t.unmeasured_received
    );
    assert_eq!(
        (t.self_echoes, t.disconnects, t.read_errors, t.write_errors),
        (0, 0, 0, 0)
    );
    assert!(r.latency.max_ms > 0.0 && r.latency.p50_ms <= r.latency.p99_ms);
    assert!(r.latency.max_ms < 1000.0, "latency {:?}", r.latency);
    assert!(r.server.cpu_percent.is_some() && r.generator_cpu_percent.is_some());
    assert!(r.machine_cpu_percent.is_some());
    assert!(r.server.rss_kib_end.unwrap() > 0);
    assert!(r.to_string().contains("ratio 1.00000"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_mode_reads_the_replay_and_sends_nothing_more() {
    let addr = start_relay(Relay::Broadcast).await;
    let r = bench::run(&config(addr, 5, true)).await;
    let t = &r.totals;
    assert_eq!(t.connected, 5);
    assert_eq!(t.sent_total, 5);
    assert_eq!(t.sent, 0);
    // Client k hears the k earlier identifications (replay) plus the 4 - k
    // later ones: 4 each.
    assert_eq!(t.unmeasured_received, 20);
    assert_eq!(r.mode, "idle");
    assert!(r.server.rss_kib_per_client.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_hangs_up_is_counted_not_fatal() {
    let addr = start_relay(Relay::Hangup).await;
    let r = bench::run(&config(addr, 4, false)).await;
    let t = &r.totals;
    assert_eq!(t.connected, 4);
    assert_eq!(t.disconnects + t.read_errors, 4);
    assert_eq!(t.delivered, 0);
    assert!(r.delivery_ratio < 1.0 || r.expected == 0);
}

#[tokio::test]
async fn nobody_listening_means_connect_failures() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let r = bench::run(&config(addr, 3, false)).await;
    assert_eq!((r.totals.connected, r.totals.connect_failures), (0, 3));
    assert_eq!(r.totals.delivered, 0);
}
