//! Mutual-TLS listeners: streaming CoT on `--tls`, and the handshake helper
//! the HTTPS listeners share. The certificate's common name is the user;
//! the users file gives its groups.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use picture::ClientId;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::server::TlsStream;
use tokio_util::sync::CancellationToken;

use crate::conn::{self, ConnShared};
use crate::metrics::Metrics;
use crate::users::Users;

/// How long a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Completes a TLS handshake with the current configuration (reloaded when
/// the certificates or the revocation list change). `None` when it fails:
/// no client certificate, an unknown CA, expired, revoked, or garbage.
pub(crate) async fn handshake(
    stream: TcpStream,
    peer: SocketAddr,
    config: Arc<rustls::ServerConfig>,
    metrics: &Metrics,
) -> Option<TlsStream<TcpStream>> {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => Some(tls),
        Ok(Err(e)) => {
            Metrics::add(&metrics.tls_refused, 1);
            tracing::warn!(%peer, error = %e, "tls handshake refused");
            None
        }
        Err(_) => {
            Metrics::add(&metrics.tls_refused, 1);
            tracing::warn!(%peer, "tls handshake timed out");
            None
        }
    }
}

/// The user a verified client certificate names.
pub(crate) fn user_of(tls: &TlsStream<TcpStream>) -> Option<String> {
    let (_, session) = tls.get_ref();
    session
        .peer_certificates()
        .and_then(trust::tls::peer_identity)
}

/// Accepts mutual-TLS streaming clients until shutdown.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    sessions: Arc<Sessions>,
    reloader: Arc<trust::tls::Reloader>,
    users: Arc<Users>,
    shared: Arc<ConnShared>,
    limit: Arc<Semaphore>,
    ids: Arc<AtomicU64>,
) {
    let serve_shared = shared.clone();
    conn::accept_loop(listener, shared, limit, ids, move |stream, peer, id| {
        let (shared, users, sessions) = (serve_shared.clone(), users.clone(), sessions.clone());
        let config = reloader.current();
        async move {
            let Some(tls) = handshake(stream, peer, config, &shared.metrics).await else {
                return;
            };
            let Some(user) = user_of(&tls) else {
                tracing::warn!(%peer, "client certificate names no valid user; closing");
                return;
            };
            if users.disabled(&user) {
                Metrics::add(&shared.metrics.tls_refused, 1);
                tracing::warn!(%peer, %user, "user is disabled (`watchfloor users enable` re-admits them); closing");
                return;
            }
            let identity = Arc::new(users.identity(&user));
            tracing::info!(%peer, %user, %identity, "tls client authenticated");
            let serial = {
                let (_, session) = tls.get_ref();
                session
                    .peer_certificates()
                    .and_then(trust::tls::peer_serial)
                    .unwrap_or_default()
            };
            let stop = shared.shutdown.child_token();
            sessions
                .live
                .lock()
                .insert(id, (serial, user, stop.clone()));
            conn::serve_counted(tls, peer, id, identity, shared, stop).await;
            sessions.live.lock().remove(&id);
        }
    })
    .await;
}

/// The live mutual-TLS sessions, so that revoking a certificate also ends
/// the sessions already open with it.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    /// Certificate serial (lower-case hex), user and stop token per client.
    live: parking_lot::Mutex<
        std::collections::HashMap<ClientId, (String, String, CancellationToken)>,
    >,
}

/// Every two seconds closes the sessions whose certificates the revocation
/// list now lists (when it changed) and those of users now disabled.
pub(crate) async fn watch_revocations(
    certs: Arc<trust::CertDir>,
    users: Arc<Users>,
    sessions: Arc<Sessions>,
    metrics: Arc<Metrics>,
    stop: CancellationToken,
) {
    let crl = certs.dir().join(trust::CRL_FILE);
    let stamp = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut last = stamp(&crl);
    loop {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(2)) => {}
            () = stop.cancelled() => return,
        }
        let disabled = users.disabled_users();
        for (id, (_, user, token)) in sessions.live.lock().iter() {
            if !token.is_cancelled() && disabled.contains(user) {
                tracing::warn!(client = %id, %user, "user disabled; closing its session");
                Metrics::add(&metrics.tls_refused, 1);
                token.cancel();
            }
        }
        let now = stamp(&crl);
        if now == last {
            continue;
        }
        last = now;
        let revoked = match certs.revoked_serials() {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "revocation list unreadable");
                continue;
            }
        };
        for (id, (serial, user, token)) in sessions.live.lock().iter() {
            if revoked.contains(serial) {
                tracing::warn!(client = %id, %user, %serial, "certificate revoked; closing its session");
                Metrics::add(&metrics.tls_refused, 1);
                token.cancel();
            }
        }
    }
}

/// The certificate folder, the TLS configurations and the users file.
pub(crate) struct TrustParts {
    pub(crate) certs: Arc<trust::CertDir>,
    pub(crate) reloader: Arc<trust::tls::Reloader>,
    pub(crate) enroll_config: Arc<rustls::ServerConfig>,
    pub(crate) users: Arc<Users>,
}

/// The running TLS side: mutual-TLS streaming and enrollment.
pub(crate) struct Trust {
    pub(crate) parts: TrustParts,
    /// Bound mutual-TLS streaming addresses, in the order configured.
    pub(crate) tls_addrs: Vec<SocketAddr>,
    /// Bound enrollment address, if any.
    pub(crate) enroll_addr: Option<SocketAddr>,
}

/// Opens the certificate folder when anything needs TLS (`[tls]`, or the
/// Marti API's HTTPS listener), binds the mutual-TLS and enrollment
/// listeners and serves them; `None` when nothing needs TLS.
pub(crate) async fn start(
    config: &crate::ServerConfig,
    users: Arc<Users>,
    tak: &crate::tak::Tak,
    shell: &mut crate::Shell,
) -> Result<Option<Trust>, crate::ServerError> {
    let Some(parts) = open_trust(config, users)? else {
        return Ok(None);
    };
    let mut listeners = Vec::new();
    for addr in &config.tls.listen {
        listeners.push(crate::bind::tcp(*addr, crate::Listener::Tls).await?);
    }
    let enroll = match config.tls.enroll {
        Some(addr) => Some(crate::bind::tcp(addr, crate::Listener::Enroll).await?),
        None => None,
    };
    let tls_addrs = listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .collect();
    let enroll_addr = enroll.as_ref().and_then(|l| l.local_addr().ok());
    let sessions = Arc::new(Sessions::default());
    shell.tasks.spawn(watch_revocations(
        parts.certs.clone(),
        parts.users.clone(),
        sessions.clone(),
        shell.metrics.clone(),
        shell.shutdown.clone(),
    ));
    let conns = &tak.conns;
    for listener in listeners {
        shell.tasks.spawn(accept_loop(
            listener,
            sessions.clone(),
            parts.reloader.clone(),
            parts.users.clone(),
            conns.shared.clone(),
            conns.limit.clone(),
            conns.ids.clone(),
        ));
    }
    if let Some(listener) = enroll {
        crate::enroll::start(listener, &parts, shell);
    }
    Ok(Some(Trust {
        parts,
        tls_addrs,
        enroll_addr,
    }))
}

fn open_trust(
    config: &crate::ServerConfig,
    users: Arc<Users>,
) -> Result<Option<TrustParts>, crate::ServerError> {
    use crate::ServerError;
    if config.tls.listen.is_empty() && config.tls.enroll.is_none() && config.marti.https.is_none() {
        return Ok(None);
    }
    let Some(dir) = &config.tls.certs else {
        return Err(ServerError::Config(
            "--tls, --enroll and --https need --certs DIR (see `watchfloor certs init`)".into(),
        ));
    };
    let trust_err =
        |e: trust::Error| ServerError::Config(format!("certificates in {}: {e}", dir.display()));
    let certs = Arc::new(trust::CertDir::open(dir).map_err(trust_err)?);
    let reloader = Arc::new(trust::tls::Reloader::new(dir).map_err(trust_err)?);
    let enroll_config = trust::tls::server_config_without_client_auth(dir).map_err(trust_err)?;
    if config.users.file.is_none() && config.store.data_dir.is_none() {
        return Err(ServerError::Config(
            "TLS needs a users file: give --data-dir or --users".into(),
        ));
    }
    Ok(Some(TrustParts {
        certs,
        reloader,
        enroll_config,
        users,
    }))
}
