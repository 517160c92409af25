//! HTTPS listeners: TLS (with or without client certificates) in front of
//! an axum router, one hyper connection per accepted socket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;
use crate::tls;

/// Who is on the other end of an HTTPS connection, for the router factory.
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    /// The remote address.
    pub(crate) addr: SocketAddr,
    /// The user its client certificate names, on mutual-TLS ports.
    pub(crate) user: Option<String>,
}

/// Builds the router for one connection once its peer is known.
pub(crate) type MakeRouter = Arc<dyn Fn(Peer) -> Router + Send + Sync>;

/// Serves `make(peer)` over TLS until shutdown. `config` is asked for the
/// current TLS configuration at every connection, so certificate and
/// revocation changes apply without a restart.
pub(crate) async fn serve(
    listener: TcpListener,
    config: impl Fn() -> Arc<rustls::ServerConfig> + Send + 'static,
    make: MakeRouter,
    metrics: Arc<Metrics>,
    stop: CancellationToken,
) {
    let mut conns = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            () = stop.cancelled() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
        };
        let (stream, addr) = match accepted {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "https accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (cfg, metrics, stop, make) = (config(), metrics.clone(), stop.clone(), make.clone());
        conns.spawn(async move {
            let Some(tls) = tls::handshake(stream, addr, cfg, &metrics).await else {
                return;
            };
            let user = tls::user_of(&tls);
            let service = TowerToHyperService::new(make(Peer { addr, user }));
            let builder = Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
            tokio::select! {
                r = conn => if let Err(e) = r {
                    tracing::debug!(%addr, error = %e, "https connection ended with an error");
                },
                () = stop.cancelled() => {}
            }
        });
    }
    while conns.join_next().await.is_some() {}
}
