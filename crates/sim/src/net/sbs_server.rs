//! The SBS side of the sender: a port-30003 style listener and a pushing
//! client, both fed from one broadcast queue so a slow peer only loses its own
//! lines.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::task::JoinSet;
use tracing::{debug, info};

use super::SbsCounters;

/// Lines queued per client before the oldest are dropped.
pub(super) const QUEUE_LINES: usize = 8_192;
/// Most clients served at once; more are refused by closing them.
const MAX_CLIENTS: usize = 64;

/// Accepts SBS clients until aborted.
pub(super) async fn serve(
    listener: TcpListener,
    tx: broadcast::Sender<Arc<str>>,
    counters: Arc<SbsCounters>,
) {
    let mut clients = JoinSet::new();
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        while clients.try_join_next().is_some() {}
        if clients.len() >= MAX_CLIENTS {
            debug!(%peer, "SIMULATION sbs client refused: too many clients");
            continue;
        }
        info!(%peer, "SIMULATION sbs client connected");
        counters.connections.fetch_add(1, Ordering::Relaxed);
        clients.spawn(feed(stream, tx.subscribe(), counters.clone()));
    }
}

/// Connects to `addr` and pushes lines, reconnecting once a second, until aborted.
pub(super) async fn push(
    addr: SocketAddr,
    tx: broadcast::Sender<Arc<str>>,
    counters: Arc<SbsCounters>,
) {
    loop {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                info!(%addr, "SIMULATION sbs connected");
                counters.connections.fetch_add(1, Ordering::Relaxed);
                feed(stream, tx.subscribe(), counters.clone()).await;
            }
            Err(e) => debug!(%addr, error = %e, "SIMULATION sbs connect failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Writes queued lines to one peer until it fails or the queue closes.
async fn feed(
    mut stream: TcpStream,
    mut rx: broadcast::Receiver<Arc<str>>,
    counters: Arc<SbsCounters>,
) {
    let mut buf = Vec::with_capacity(16 * 1024);
    loop {
        match rx.recv().await {
            Ok(line) => buf.extend_from_slice(line.as_bytes()),
            Err(RecvError::Lagged(n)) => {
                counters.dropped.fetch_add(n, Ordering::Relaxed);
                continue;
            }
            Err(RecvError::Closed) => return,
        }
        // Batch whatever else is already queued into one write.
        while buf.len() < 64 * 1024 {
            match rx.try_recv() {
                Ok(line) => buf.extend_from_slice(line.as_bytes()),
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    counters.dropped.fetch_add(n, Ordering::Relaxed);
                }
                Err(_) => break,
            }
        }
        if stream.write_all(&buf).await.is_err() {
            return;
        }
        buf.clear();
    }
}
