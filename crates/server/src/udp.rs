//! CoT datagrams over UDP: XML or TAK protocol v1 mesh framing, one event
//! per datagram, routed as a feed of the listener's groups.

use std::sync::Arc;
use std::time::Duration;

use picture::{Identity, Message};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::codec;
use crate::metrics::Metrics;
use crate::ratelimit::WarnLimit;
use crate::router::RouterMsg;
use crate::sink::Source;

/// Receives datagrams until shutdown.
pub(crate) async fn run(
    socket: UdpSocket,
    identity: Arc<Identity>,
    router: mpsc::Sender<RouterMsg>,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) {
    let mut buf = vec![0u8; 65_536];
    let mut warn = WarnLimit::new(Duration::from_secs(10));
    loop {
        let (n, peer) = tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!(error = %e, "udp receive failed");
                    continue;
                }
            },
            () = shutdown.cancelled() => return,
        };
        Metrics::add(&metrics.bytes_in, n as u64);
        match codec::decode_datagram(&buf[..n]) {
            Ok(d) => {
                Metrics::add(&metrics.events_in_udp, 1);
                if d.scrubbed {
                    Metrics::add(&metrics.events_scrubbed, 1);
                }
                let msg = Arc::new(Message::new(*d.event));
                // A full router drops the datagram, as the network could have.
                if router
                    .try_send(RouterMsg::Inject {
                        source: Source::Udp,
                        identity: identity.clone(),
                        msg,
                    })
                    .is_err()
                {
                    Metrics::add(&metrics.udp_errors, 1);
                }
            }
            Err((kind, why)) => {
                metrics.decode_error(kind);
                Metrics::add(&metrics.udp_errors, 1);
                if warn.allow(Instant::now()) {
                    tracing::warn!(%peer, ?kind, error = %why, "bad datagram");
                }
            }
        }
    }
}
