use std::collections::BTreeSet;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use super::*;
use crate::force::ForceConfig;

/// A clock that runs from a fixed instant at the pace of the test.
struct Elapsed(std::time::Instant);

impl cot::Clock for Elapsed {
    fn now(&self) -> cot::Time {
        let us = i64::try_from(self.0.elapsed().as_micros()).unwrap();
        cot::Time::from_micros(1_767_225_600_000_000 + us)
    }
}

fn clock() -> Arc<dyn cot::Clock> {
    Arc::new(Elapsed(std::time::Instant::now()))
}

/// Every complete event in `bytes`, parsed; panics on anything that is not CoT.
fn events(bytes: &[u8]) -> Vec<cot::Event> {
    let mut d = cot::XmlDeframer::new(1 << 20);
    d.push(bytes);
    let mut out = Vec::new();
    while let Some(frame) = d.next_frame() {
        let frame = frame.unwrap();
        out.push(cot::parse_event(frame.bytes()).unwrap());
    }
    assert!(d.take_remaining().iter().all(u8::is_ascii_whitespace));
    out
}

#[tokio::test]
async fn one_connection_per_unit_sending_cot() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let scenario = ForceScenario::new(&ForceConfig::border_sector(), 3);
    let units = scenario.unit_count();
    // The server side: accept every connection and keep all it sends.
    let server = tokio::spawn(async move {
        let mut readers = JoinSet::new();
        while let Ok(Ok((mut s, _))) = timeout(Duration::from_secs(3), listener.accept()).await {
            readers.spawn(async move {
                let mut all = Vec::new();
                let _ = s.read_to_end(&mut all).await;
                all
            });
        }
        let mut conns = Vec::new();
        while let Some(r) = readers.join_next().await {
            conns.push(r.unwrap());
        }
        conns
    });
    let stats = run(
        addr,
        scenario,
        clock(),
        tokio::time::sleep(Duration::from_millis(1_600)),
    )
    .await
    .unwrap();
    let conns = server.await.unwrap();
    assert_eq!(conns.len(), units);
    assert_eq!(stats.connects, units as u64);
    assert_eq!(stats.events_dropped, 0);
    let mut callsigns = BTreeSet::new();
    let mut total = 0;
    for bytes in &conns {
        let evs = events(bytes);
        assert!(!evs.is_empty(), "a unit sent nothing");
        total += evs.len();
        // The first event identifies the connection, as ATAK's self SA does.
        let own = evs.first().unwrap();
        assert!(own.kind.starts_with("a-f-G"), "{}", own.kind);
        callsigns.insert(own.detail.callsign().unwrap());
        for e in &evs {
            assert!(e.uid.starts_with("sim-force-"));
        }
    }
    assert_eq!(callsigns.len(), units, "one connection per unit");
    assert_eq!(stats.events_sent, total as u64);
}

#[tokio::test]
async fn reconnects_after_the_server_drops_it_and_refuses_other_networks() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = ForceConfig::border_sector();
    config.units.truncate(1);
    config.aircraft.clear();
    config.sa_period_s = (0.5, 0.6);
    let scenario = ForceScenario::new(&config, 1);
    let server = tokio::spawn(async move {
        // Drop the first connection at once, keep the second.
        let (first, _) = listener.accept().await.unwrap();
        drop(first);
        let (mut second, _) = listener.accept().await.unwrap();
        let mut all = Vec::new();
        let _ = second.read_to_end(&mut all).await;
        all
    });
    let stats = run(
        addr,
        scenario,
        clock(),
        tokio::time::sleep(Duration::from_millis(2_000)),
    )
    .await
    .unwrap();
    let bytes = timeout(Duration::from_secs(3), server)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stats.connects, 2);
    assert_eq!(stats.disconnects, 1);
    assert!(!events(&bytes).is_empty());

    let far: SocketAddr = "192.0.2.1:8087".parse().unwrap();
    let refused = run(far, ForceScenario::new(&config, 1), clock(), async {}).await;
    assert!(matches!(refused, Err(ForceNetError::NotLoopback(a)) if a == far));
}
