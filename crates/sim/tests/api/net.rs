use std::time::{Duration, Instant};

use sensors::sbs::SbsDeframer;
use sim::net::{run, NetError, Sender, SimTargets};
use sim::{SimConfig, Simulator};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream, UdpSocket};

use crate::common::decode;

async fn drain(sock: UdpSocket, until: Duration) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 65_536];
    let end = tokio::time::Instant::now() + until;
    while let Ok(Ok(n)) = tokio::time::timeout_at(end, sock.recv(&mut buf)).await {
        got.push(buf[..n].to_vec());
    }
    got
}

#[tokio::test]
async fn sends_udp_to_loopback_and_stops_after_the_duration() {
    let asterix = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let detections = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let targets = SimTargets {
        asterix_udp: Some(asterix.local_addr().unwrap()),
        detections_udp: Some(detections.local_addr().unwrap()),
        ..SimTargets::default()
    };
    let rx_a = tokio::spawn(drain(asterix, Duration::from_secs(4)));
    let rx_d = tokio::spawn(drain(detections, Duration::from_secs(4)));
    let started = Instant::now();
    let report = run(
        SimConfig::border_sector(),
        1,
        targets,
        20.0,
        Some(Duration::from_millis(1500)),
        std::future::pending(),
    )
    .await
    .unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1400) && took < Duration::from_secs(5),
        "{took:?}"
    );
    // 1.5 s at 20x is 30 s of simulation.
    assert!(
        (report.sim_time_s - 30.0).abs() <= 0.5,
        "{}",
        report.sim_time_s
    );
    let (a, d) = (rx_a.await.unwrap(), rx_d.await.unwrap());
    assert!(
        report.asterix_datagrams > 50 && report.detection_datagrams > 5,
        "{report:?}"
    );
    assert_eq!(a.len() as u64, report.asterix_datagrams);
    assert_eq!(d.len() as u64, report.detection_datagrams);
    for datagram in &a {
        assert!(!decode(datagram).is_empty());
    }
    for datagram in &d {
        let line = std::str::from_utf8(datagram).unwrap();
        assert!(line.ends_with('\n'));
        sensors::detection::parse_detection(line.trim_end()).unwrap();
    }
}

async fn read_sbs(mut stream: TcpStream) -> usize {
    let mut de = SbsDeframer::new(512);
    let mut buf = vec![0u8; 8192];
    let mut lines = 0;
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buf)).await
    {
        if n == 0 {
            break;
        }
        de.push(&buf[..n]);
        while let Some(m) = de.next_message() {
            m.unwrap();
            lines += 1;
        }
    }
    lines
}

fn sbs_only() -> SimConfig {
    let mut c = SimConfig::border_sector();
    c.radars.clear();
    c.ground_sensors.clear();
    c.population.adsb_equipage = 1.0;
    c
}

#[tokio::test]
async fn serves_sbs_like_port_30003() {
    let targets = SimTargets {
        sbs_tcp_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..SimTargets::default()
    };
    let sender = Sender::bind(targets).await.unwrap();
    let addr = sender.sbs_listen_addr().unwrap();
    let client =
        tokio::spawn(async move { read_sbs(TcpStream::connect(addr).await.unwrap()).await });
    let sim = Simulator::new(sbs_only(), 2).unwrap();
    let report = sender
        .run(
            sim,
            10.0,
            Some(Duration::from_secs(1)),
            std::future::pending(),
        )
        .await
        .unwrap();
    let lines = client.await.unwrap();
    assert_eq!(report.sbs_connections, 1);
    assert!(
        lines > 20 && lines as u64 <= report.sbs_lines,
        "{lines} of {report:?}"
    );
}

#[tokio::test]
async fn pushes_sbs_to_a_listening_server_and_obeys_shutdown() {
    let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let targets = SimTargets {
        sbs_tcp_connect: Some(server.local_addr().unwrap()),
        ..SimTargets::default()
    };
    let client = tokio::spawn(async move { read_sbs(server.accept().await.unwrap().0).await });
    let started = Instant::now();
    let shutdown = tokio::time::sleep(Duration::from_millis(800));
    let report = run(sbs_only(), 3, targets, 10.0, None, shutdown)
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(report.sbs_connections, 1);
    assert!(client.await.unwrap() > 10);
}

#[tokio::test]
async fn refuses_anything_but_loopback_and_bad_speedups() {
    let targets = SimTargets {
        asterix_udp: Some("192.0.2.1:8600".parse().unwrap()),
        ..SimTargets::default()
    };
    let err = Sender::bind(targets).await.unwrap_err();
    assert!(
        matches!(
            err,
            NetError::NotLoopback {
                what: "asterix",
                ..
            }
        ),
        "{err}"
    );
    let targets = SimTargets {
        sbs_tcp_listen: Some("0.0.0.0:30003".parse().unwrap()),
        ..SimTargets::default()
    };
    assert!(matches!(
        Sender::bind(targets).await,
        Err(NetError::NotLoopback { .. })
    ));
    for bad in [0.0, -1.0, f64::NAN, 1e6] {
        let err = run(
            SimConfig::border_sector(),
            1,
            SimTargets::default(),
            bad,
            None,
            std::future::pending(),
        )
        .await;
        assert!(matches!(err, Err(NetError::BadSpeedup(_))), "{bad}");
    }
}

#[test]
fn the_run_future_can_be_spawned() {
    fn assert_send<T: Send + 'static>(_: &T) {}
    let fut = run(
        SimConfig::border_sector(),
        1,
        SimTargets::default(),
        1.0,
        Some(Duration::from_millis(1)),
        std::future::pending::<()>(),
    );
    assert_send(&fut);
}
