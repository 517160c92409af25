//! The TAK listeners: streaming CoT over plain TCP and datagrams over UDP,
//! from the `[tak]` section. Their connection pool (limit, ids, what every
//! connection shares) is also what the mutual-TLS listeners accept into.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use picture::Identity;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::bind::{self, Listener};
use crate::config::TakConfig;
use crate::{conn, udp, ServerError, Shell};

/// What every streaming listener accepts into: one connection limit and
/// one id sequence across TCP and TLS.
#[derive(Clone)]
pub(crate) struct Conns {
    pub(crate) shared: Arc<conn::ConnShared>,
    pub(crate) limit: Arc<Semaphore>,
    pub(crate) ids: Arc<AtomicU64>,
}

/// The running TAK listeners.
pub(crate) struct Tak {
    /// Bound streaming TCP addresses, in the order configured.
    pub(crate) tcp_addrs: Vec<SocketAddr>,
    /// Bound UDP addresses, in the order configured.
    pub(crate) udp_addrs: Vec<SocketAddr>,
    /// The pool the TLS listeners share.
    pub(crate) conns: Conns,
}

/// Binds every TCP and UDP listener of `[tak]`, then serves them.
pub(crate) async fn start(cfg: &TakConfig, shell: &mut Shell) -> Result<Tak, ServerError> {
    let mut tcp = Vec::new();
    for l in &cfg.tcp {
        tcp.push((
            bind::tcp(l.addr, Listener::Tcp).await?,
            Arc::new(Identity::both(&l.groups)),
        ));
    }
    let mut udp = Vec::new();
    for l in &cfg.udp {
        let socket = bind::udp(l.addr, Listener::Udp).await?;
        udp.push((socket, Arc::new(Identity::both(&l.groups))));
    }
    let conns = Conns {
        shared: Arc::new(conn::ConnShared {
            router: shell.router.clone(),
            metrics: shell.metrics.clone(),
            config: cfg.clone(),
            shutdown: shell.shutdown.clone(),
        }),
        limit: Arc::new(Semaphore::new(cfg.max_connections)),
        ids: Arc::new(AtomicU64::new(1)),
    };
    let tcp_addrs = tcp
        .iter()
        .filter_map(|(l, _)| l.local_addr().ok())
        .collect();
    let udp_addrs = udp
        .iter()
        .filter_map(|(s, _)| s.local_addr().ok())
        .collect();
    for (listener, identity) in tcp {
        shell
            .tasks
            .spawn(accept_loop(listener, identity, conns.clone()));
    }
    for (socket, identity) in udp {
        shell.tasks.spawn(udp::run(
            socket,
            identity,
            shell.router.clone(),
            shell.metrics.clone(),
            shell.shutdown.clone(),
        ));
    }
    Ok(Tak {
        tcp_addrs,
        udp_addrs,
        conns,
    })
}

/// Plain TCP: every accepted client is the listener's identity.
async fn accept_loop(listener: TcpListener, identity: Arc<Identity>, conns: Conns) {
    let serve_shared = conns.shared.clone();
    conn::accept_loop(
        listener,
        conns.shared,
        conns.limit,
        conns.ids,
        move |stream, peer, id| {
            let (shared, identity) = (serve_shared.clone(), identity.clone());
            let stop = shared.shutdown.child_token();
            conn::serve_counted(stream, peer, id, identity, shared, stop)
        },
    )
    .await;
}
