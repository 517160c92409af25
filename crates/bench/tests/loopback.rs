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
use bench::{Config, Report, Transport};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;

#[path = "loopback/certs.rs"]
mod certs;

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

async fn start_relay(mode: Relay, tls: Option<TlsAcceptor>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state: Arc<Mutex<State>> = Arc::default();
    tokio::spawn(async move {
        for id in 0.. {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let state = Arc::clone(&state);
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    None => {
                        let (rd, wr) = sock.into_split();
                        relay_conn(id, mode, rd, wr, state).await;
                    }
                    Some(acceptor) => {
                        let Ok(stream) = acceptor.accept(sock).await else {
                            return;
                        };
                        let (rd, wr) = tokio::io::split(stream);
                        relay_conn(id, mode, rd, wr, state).await;
                    }
                }
            });
        }
    });
    addr
}

async fn relay_conn<R, W>(id: usize, mode: Relay, mut rd: R, mut wr: W, state: Arc<Mutex<State>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(100_000);
    tokio::spawn(async move {
        while let Some(ev) = rx.recv().await {
            if wr.write_all(&ev).await.is_err() || wr.flush().await.is_err() {
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
        tls: None,
        handshakes: None,
        concurrency: 8,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_forwarded_sa_is_counted_and_replays_are_not() {
    let addr = start_relay(Relay::Broadcast, None).await;
    let r: Report = bench::run(&config(addr, 6, false), &Transport::Plain).await;
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
    let addr = start_relay(Relay::Broadcast, None).await;
    let r = bench::run(&config(addr, 5, true), &Transport::Plain).await;
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
    let addr = start_relay(Relay::Hangup, None).await;
    let r = bench::run(&config(addr, 4, false), &Transport::Plain).await;
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
    let r = bench::run(&config(addr, 3, false), &Transport::Plain).await;
    assert_eq!((r.totals.connected, r.totals.connect_failures), (0, 3));
    assert_eq!(r.totals.delivered, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_over_tls_counts_every_delivery() {
    let certs = certs::make("route");
    let addr = start_relay(Relay::Broadcast, Some(certs.acceptor.clone())).await;
    let mut cfg = config(addr, 5, false);
    cfg.tls = Some(certs.files(false));
    let transport = Transport::new(cfg.tls.as_ref()).unwrap();
    let r = bench::run(&cfg, &transport).await;
    let t = &r.totals;
    assert_eq!((t.connected, t.connect_failures), (5, 0));
    assert!(t.sent > 0);
    assert_eq!(t.delivered, t.sent * 4);
    assert_eq!(r.transport, "tls");
    assert!(r.to_string().contains("over tls"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_handshakes_are_full_unless_resumption_is_asked_for() {
    let certs = certs::make("hs");
    let addr = start_relay(Relay::Broadcast, Some(certs.acceptor.clone())).await;
    let mut cfg = config(addr, 2, false);
    cfg.handshakes = Some(12);
    cfg.concurrency = 3;
    for resume in [false, true] {
        cfg.tls = Some(certs.files(resume));
        let transport = Transport::new(cfg.tls.as_ref()).unwrap();
        let r = bench::run_handshakes(&cfg, &transport).await;
        assert_eq!(r.transport, "tls");
        assert_eq!((r.handshakes, r.failed), (12, 0), "{r}");
        assert_eq!((r.closed_by_server, r.close_errors), (12, 0), "{r}");
        if resume {
            // The first three in flight have no ticket yet; the rest should.
            assert!(r.resumed >= 6, "{r}");
        } else {
            assert_eq!(r.resumed, 0);
        }
        assert!(r.per_s > 0.0 && r.latency.p50_ms > 0.0);
        assert!(r.latency.p50_ms <= r.cycle.p99_ms + 1e-9);
        assert!(r.server_cpu_percent.is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_connects_and_a_wrong_ca_are_counted() {
    let addr = start_relay(Relay::Broadcast, None).await;
    let mut cfg = config(addr, 2, false);
    cfg.handshakes = Some(20);
    let r = bench::run_handshakes(&cfg, &Transport::Plain).await;
    assert_eq!((r.transport, r.handshakes, r.failed), ("tcp", 20, 0));
    assert_eq!(r.closed_by_server, 20);
    assert_eq!(r.resumed, 0);

    // A client that trusts another CA refuses the server: every handshake fails.
    let server = certs::make("srv");
    let other = certs::make("other");
    let addr = start_relay(Relay::Broadcast, Some(server.acceptor.clone())).await;
    cfg.target = addr;
    cfg.handshakes = Some(4);
    let transport = Transport::new(Some(&other.files(false))).unwrap();
    let r = bench::run_handshakes(&cfg, &transport).await;
    assert_eq!((r.handshakes, r.failed), (0, 4));
}
