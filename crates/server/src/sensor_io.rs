//! Sensor sockets: ASTERIX and detection datagrams over UDP, SBS and
//! detection lines over TCP (listening, or connecting to a dump1090-style
//! source). They only move bytes to the sensor task.

use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::sensor_task::{SensorMsg, SensorShared};

/// Longest line a line-based sensor may send, bytes.
const MAX_LINE: usize = 64 * 1024;

/// What a UDP sensor socket carries.
#[derive(Debug, Clone)]
pub(crate) enum DatagramKind {
    /// ASTERIX data blocks from any configured source (SAC/SIC decides).
    Asterix,
    /// JSON detection lines for this sensor.
    Lines(Arc<str>),
}

/// Receives datagrams until shutdown.
pub(crate) async fn udp(
    socket: UdpSocket,
    kind: DatagramKind,
    shared: Arc<SensorShared>,
    stop: CancellationToken,
) {
    let mut buf = vec![0u8; 65_536];
    loop {
        let n = tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, _)) => n,
                Err(e) => {
                    tracing::debug!(error = %e, "sensor udp receive failed");
                    continue;
                }
            },
            () = stop.cancelled() => return,
        };
        let data = &buf[..n];
        match &kind {
            DatagramKind::Asterix => shared.send(SensorMsg::Asterix(data.to_vec())),
            DatagramKind::Lines(sensor) => {
                for line in data
                    .split(|b| *b == b'\n')
                    .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                {
                    let line = String::from_utf8_lossy(line).into_owned();
                    shared.send(SensorMsg::Line {
                        sensor: sensor.clone(),
                        line,
                    });
                }
            }
        }
    }
}

/// Accepts line-sending sources on a TCP port until shutdown.
pub(crate) async fn tcp_listen(
    listener: TcpListener,
    sensor: Arc<str>,
    shared: Arc<SensorShared>,
    stop: CancellationToken,
) {
    loop {
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, peer)) => {
                    tracing::info!(%peer, sensor = %sensor, "sensor source connected");
                    s
                }
                Err(e) => {
                    tracing::warn!(error = %e, "sensor accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stop.cancelled() => return,
        };
        tokio::spawn(read_lines(
            stream,
            sensor.clone(),
            shared.clone(),
            stop.clone(),
        ));
    }
}

/// Keeps a connection to a line source (dump1090/readsb port 30003),
/// reconnecting with a growing pause, until shutdown.
pub(crate) async fn tcp_connect(
    addr: SocketAddr,
    sensor: Arc<str>,
    shared: Arc<SensorShared>,
    stop: CancellationToken,
) {
    let mut pause = Duration::from_millis(500);
    loop {
        let connect = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr));
        let result = tokio::select! {
            r = connect => r,
            () = stop.cancelled() => return,
        };
        match result {
            Ok(Ok(stream)) => {
                tracing::info!(%addr, sensor = %sensor, "connected to sensor source");
                pause = Duration::from_millis(500);
                read_lines(stream, sensor.clone(), shared.clone(), stop.clone()).await;
                tracing::warn!(%addr, sensor = %sensor, "sensor source disconnected");
            }
            Ok(Err(e)) => tracing::debug!(%addr, error = %e, "sensor source unreachable"),
            Err(_) => tracing::debug!(%addr, "sensor source connect timed out"),
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = stop.cancelled() => return,
        }
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

async fn read_lines(
    mut stream: TcpStream,
    sensor: Arc<str>,
    shared: Arc<SensorShared>,
    stop: CancellationToken,
) {
    let mut lines = sensors::lines::LineDeframer::new(MAX_LINE);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            r = stream.read(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            },
            () = stop.cancelled() => return,
        };
        lines.push(&buf[..n]);
        while let Some(line) = lines.next_line() {
            match line {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => shared.send(SensorMsg::Line {
                    sensor: sensor.clone(),
                    line,
                }),
                Err(e) => {
                    shared.line_errors.fetch_add(1, Relaxed);
                    tracing::debug!(sensor = %sensor, error = %e, "bad sensor line");
                }
            }
        }
    }
}

/// A bounded queue into the sensor task; what does not fit is dropped and
/// counted, as a flooding sensor must never stall the server.
pub(crate) fn channel() -> (mpsc::Sender<SensorMsg>, mpsc::Receiver<SensorMsg>) {
    mpsc::channel(16_384)
}
