//! The tokio shell of watchfloor: listeners, one task per connection, the
//! router task that owns the routing core, the store's writer, and the
//! metrics endpoint. Everything that decides anything lives in `cot` and
//! `picture`; this crate only moves bytes and counts.

mod clock;
mod codec;
mod config;
mod conn;
mod enroll;
mod http;
mod https;
mod marti_ctx;
mod metrics;
mod negotiate;
mod outbox;
mod persist;
mod ratelimit;
mod router;
mod sensor_io;
mod sensor_task;
mod tls;
mod udp;
mod users;
mod web;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use picture::Picture;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use clock::{now, WallClock};
pub use config::{ClientGroups, Listen, SensorInput, ServerConfig};
pub use metrics::{DecodeErrorKind, Metrics};
pub use web::{TileSource, WebConfig};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A listener could not bind its address.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The store could not be opened.
    #[error("store: {0}")]
    Store(#[from] store::StoreError),
    /// The configuration does not hold together.
    #[error("configuration: {0}")]
    Config(String),
    /// The data directory could not be created.
    #[error("data dir {path}: {source}")]
    DataDir {
        /// The folder.
        path: std::path::PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// A running server: its bound addresses and the means to stop it.
#[derive(Debug)]
pub struct Server {
    /// Bound streaming TCP addresses, in the order configured.
    pub tcp_addrs: Vec<SocketAddr>,
    /// Bound UDP addresses, in the order configured.
    pub udp_addrs: Vec<SocketAddr>,
    /// Bound HTTP address, if any.
    pub http_addr: Option<SocketAddr>,
    /// Bound mutual-TLS streaming addresses, in the order configured.
    pub tls_addrs: Vec<SocketAddr>,
    /// Bound enrollment address, if any.
    pub enroll_addr: Option<SocketAddr>,
    /// Bound HTTPS (Marti API) address, if any.
    pub https_addr: Option<SocketAddr>,
    /// Bound web COP address, if any, and whether it is HTTPS.
    pub web_addr: Option<(SocketAddr, bool)>,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
}

impl Server {
    /// Binds every listener, opens the store and starts serving.
    pub async fn start(config: ServerConfig) -> Result<Server, ServerError> {
        let metrics = Arc::new(Metrics::default());
        let shutdown = CancellationToken::new();
        let mut tasks = JoinSet::new();

        let mut picture = Picture::new(picture::Config {
            emergency_repeat_ms: i64::try_from(config.emergency_repeat.as_millis()).unwrap_or(3000),
            ..picture::Config::default()
        });
        let mut web_store = None;
        let (persist, reader) = match &config.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| ServerError::DataDir {
                    path: dir.clone(),
                    source,
                })?;
                let store_cfg = store::Config {
                    path: dir.join("watchfloor.sqlite"),
                    retention_ms: i64::try_from(config.retention.as_millis()).unwrap_or(i64::MAX),
                    ..store::Config::default()
                };
                let persist = persist::Persist::open(&store_cfg, &mut picture)?;
                if config.web.is_some() {
                    web_store = Some(store_reader(&store_cfg)?);
                }
                (Some(persist), Some(store_reader(&store_cfg)?))
            }
            None => (None, None),
        };
        let directory = Arc::new(marti_ctx::MartiCtx::new(reader));
        let marti = match &config.data_dir {
            Some(dir) => {
                let cfg = marti::Config {
                    max_upload_bytes: config.max_upload_bytes,
                    quota_bytes_per_user: config.upload_quota_bytes,
                    server_version: concat!("watchfloor ", env!("CARGO_PKG_VERSION")).to_string(),
                    ..marti::Config::new(dir)
                };
                let ctx: Arc<dyn marti::Context> = directory.clone();
                let packages = store::SqlitePackages::open(&dir.join("packages.sqlite"))
                    .map_err(|e| ServerError::Config(format!("data packages: {e}")))?;
                Some(
                    marti::Marti::open(cfg, ctx, Arc::new(packages), Arc::new(WallClock))
                        .map_err(|e| ServerError::Config(format!("data packages: {e}")))?,
                )
            }
            None => None,
        };

        let mut tcp = Vec::new();
        for l in &config.tcp {
            let listener = TcpListener::bind(l.addr)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: l.addr,
                    source,
                })?;
            tcp.push((listener, Arc::new(ClientGroups::both(&l.groups))));
        }
        let mut udp = Vec::new();
        for l in &config.udp {
            let socket = UdpSocket::bind(l.addr)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: l.addr,
                    source,
                })?;
            udp.push((socket, Arc::new(l.groups.clone())));
        }
        let http_listener = match config.http {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|source| ServerError::Bind { addr, source })?,
            ),
            None => None,
        };

        // One users file for TLS and the web COP, re-read when it changes.
        let users = Arc::new(users::Users::new(users_path(&config)));
        let trust_parts = open_trust(&config, users.clone())?;
        let mut tls_listeners = Vec::new();
        for addr in &config.tls {
            let l = TcpListener::bind(addr)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: *addr,
                    source,
                })?;
            tls_listeners.push(l);
        }
        let enroll_listener = match config.enroll {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|source| ServerError::Bind { addr, source })?,
            ),
            None => None,
        };
        let https_listener = match config.https {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|source| ServerError::Bind { addr, source })?,
            ),
            None => None,
        };

        let sensors = match &config.feeds {
            Some(f) => Some(bind_sensors(f, &config.sensor_inputs).await?),
            None if !config.sensor_inputs.is_empty() => {
                return Err(ServerError::Config(
                    "sensor inputs need a [feeds] section".into(),
                ));
            }
            None => None,
        };

        let web_bound = match &config.web {
            Some(w) => Some(web::bind(w.clone(), users.clone()).await?),
            None => None,
        };
        let web_addr = web_bound.as_ref().and_then(web::BoundWeb::local_addr);

        let (router_tx, router_rx) = mpsc::channel(8192);
        let web_tls = trust_parts.as_ref().map(|t| t.enroll_config.clone());
        let web_secure = web_tls.is_some();
        let web_hub = web_bound.map(|bound| {
            web::start(
                &mut tasks,
                bound,
                web_store,
                web_tls,
                metrics.clone(),
                router_tx.clone(),
                shutdown.clone(),
            )
            .hub
        });
        let router = router::Router::new(
            picture,
            metrics.clone(),
            persist,
            Some(directory.clone()),
            web_hub,
        );
        tasks.spawn(router.run(router_rx));

        let tcp_addrs = tcp
            .iter()
            .filter_map(|(l, _)| l.local_addr().ok())
            .collect();
        let udp_addrs = udp
            .iter()
            .filter_map(|(s, _)| s.local_addr().ok())
            .collect();
        let http_addr = http_listener.as_ref().and_then(|l| l.local_addr().ok());
        let tls_addrs = tls_listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        let enroll_addr = enroll_listener.as_ref().and_then(|l| l.local_addr().ok());
        let https_addr = https_listener.as_ref().and_then(|l| l.local_addr().ok());

        let shared = Arc::new(conn::ConnShared {
            router: router_tx.clone(),
            metrics: metrics.clone(),
            config: config.clone(),
            shutdown: shutdown.clone(),
        });
        let limit = Arc::new(Semaphore::new(config.max_connections));
        let (metrics_for_https, router_for_https) = (metrics.clone(), router_tx.clone());
        let ids = Arc::new(AtomicU64::new(1));
        for (listener, groups) in tcp {
            tasks.spawn(accept_loop(
                listener,
                groups,
                shared.clone(),
                limit.clone(),
                ids.clone(),
            ));
        }
        if let Some(t) = &trust_parts {
            let sessions = Arc::new(tls::Sessions::default());
            tasks.spawn(tls::watch_revocations(
                t.certs.clone(),
                sessions.clone(),
                metrics.clone(),
                shutdown.clone(),
            ));
            for listener in tls_listeners {
                tasks.spawn(tls::accept_loop(
                    listener,
                    sessions.clone(),
                    t.reloader.clone(),
                    t.users.clone(),
                    shared.clone(),
                    limit.clone(),
                    ids.clone(),
                ));
            }
            if let Some(listener) = enroll_listener {
                let state = Arc::new(enroll::Enroll::new(
                    t.certs.clone(),
                    t.users.clone(),
                    metrics.clone(),
                ));
                let cfg = t.enroll_config.clone();
                let make: https::MakeRouter = Arc::new(move |peer| {
                    enroll::router(state.clone()).layer(axum::Extension(peer))
                });
                tasks.spawn(https::serve(
                    listener,
                    move || cfg.clone(),
                    make,
                    metrics.clone(),
                    shutdown.clone(),
                ));
            }
            if let Some(listener) = https_listener {
                let reloader = t.reloader.clone();
                let (users, marti_routes) =
                    (t.users.clone(), marti.as_ref().map(marti::Marti::router));
                let make: https::MakeRouter = Arc::new(move |peer: https::Peer| {
                    let caller = caller_of(&peer, &users);
                    tracing::debug!(user = ?caller.user(), addr = %peer.addr, "https client");
                    let base = http::app(
                        metrics_for_https.clone(),
                        router_for_https.clone(),
                        None,
                        None,
                    );
                    let app = match &marti_routes {
                        Some(m) => m
                            .clone()
                            .layer(axum::Extension(caller))
                            .layer(axum::Extension(marti::Scheme::Https))
                            .merge(base),
                        None => base,
                    };
                    app.layer(axum::Extension(peer))
                });
                tasks.spawn(https::serve(
                    listener,
                    move || reloader.current(),
                    make,
                    metrics.clone(),
                    shutdown.clone(),
                ));
            }
        }
        for (socket, groups) in udp {
            tasks.spawn(udp::run(
                socket,
                groups,
                router_tx.clone(),
                metrics.clone(),
                shutdown.clone(),
            ));
        }
        let mut sensor_shared = None;
        if let Some(bound) = sensors {
            let (tx, rx) = sensor_io::channel();
            let shared = Arc::new(sensor_task::SensorShared::new(tx));
            for (socket, kind) in bound.udp {
                tasks.spawn(sensor_io::udp(
                    socket,
                    kind,
                    shared.clone(),
                    shutdown.clone(),
                ));
            }
            for (listener, sensor) in bound.tcp_listen {
                tasks.spawn(sensor_io::tcp_listen(
                    listener,
                    sensor,
                    shared.clone(),
                    shutdown.clone(),
                ));
            }
            for (addr, sensor) in bound.tcp_connect {
                tasks.spawn(sensor_io::tcp_connect(
                    addr,
                    sensor,
                    shared.clone(),
                    shutdown.clone(),
                ));
            }
            let groups = Arc::new(config.track_groups.clone());
            tasks.spawn(sensor_task::run(
                bound.pipeline,
                rx,
                shared.clone(),
                router_tx.clone(),
                groups,
                shutdown.clone(),
            ));
            sensor_shared = Some(shared);
        }
        if let Some(listener) = http_listener {
            let base = http::app(
                metrics.clone(),
                router_tx.clone(),
                sensor_shared.clone(),
                Some(directory.clone()),
            );
            // Plain HTTP is for trusted networks: its callers are anonymous.
            let app = match &marti {
                Some(m) => m
                    .router()
                    .layer(axum::Extension(picture::Identity::anonymous()))
                    .layer(axum::Extension(marti::Scheme::Http))
                    .merge(base),
                None => base,
            };
            let stop = shutdown.clone();
            tasks.spawn(async move {
                let serve = axum::serve(listener, app)
                    .with_graceful_shutdown(async move { stop.cancelled().await });
                if let Err(e) = serve.await {
                    tracing::error!(error = %e, "http server failed");
                }
            });
        }
        drop(router_tx);
        tracing::info!(
            ?tcp_addrs,
            ?udp_addrs,
            ?http_addr,
            ?web_addr,
            "watchfloor serving"
        );
        Ok(Server {
            tcp_addrs,
            udp_addrs,
            http_addr,
            tls_addrs,
            enroll_addr,
            https_addr,
            web_addr: web_addr.map(|a| (a, web_secure)),
            metrics,
            shutdown,
            tasks,
        })
    }

    /// The server's counters.
    pub fn metrics(&self) -> Arc<Metrics> {
        self.metrics.clone()
    }

    /// Stops accepting, closes every connection, flushes the store and
    /// waits for every task to end.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        while self.tasks.join_next().await.is_some() {}
    }

    /// Waits until the server stops by itself (it does not, unless a task fails).
    pub async fn wait(&mut self) {
        while self.tasks.join_next().await.is_some() {}
    }
}

/// A read-only handle on the history for the HTTP side.
fn store_reader(cfg: &store::Config) -> Result<Arc<dyn store::HistoryRead>, store::StoreError> {
    Ok(Arc::new(store::SqliteHistory::open_read_only(cfg)?))
}

/// The Marti API's view of an HTTPS peer: its user and the user's groups.
fn caller_of(peer: &https::Peer, users: &users::Users) -> picture::Identity {
    let Some(user) = &peer.user else {
        return picture::Identity::anonymous();
    };
    let g = users.groups(user);
    picture::Identity::new(Some(user.clone()), g.send, g.recv)
}

/// The certificate folder, the TLS configurations and the users file.
struct TrustParts {
    certs: Arc<trust::CertDir>,
    reloader: Arc<trust::tls::Reloader>,
    enroll_config: Arc<rustls::ServerConfig>,
    users: Arc<users::Users>,
}

fn open_trust(
    config: &ServerConfig,
    users: Arc<users::Users>,
) -> Result<Option<TrustParts>, ServerError> {
    if config.tls.is_empty() && config.enroll.is_none() && config.https.is_none() {
        return Ok(None);
    }
    let Some(dir) = &config.certs else {
        return Err(ServerError::Config(
            "--tls, --enroll and --https need --certs DIR (see `watchfloor certs init`)".into(),
        ));
    };
    let trust_err =
        |e: trust::Error| ServerError::Config(format!("certificates in {}: {e}", dir.display()));
    let certs = Arc::new(trust::CertDir::open(dir).map_err(trust_err)?);
    let reloader = Arc::new(trust::tls::Reloader::new(dir).map_err(trust_err)?);
    let enroll_config = trust::tls::server_config_without_client_auth(dir).map_err(trust_err)?;
    if config.users_file.is_none() && config.data_dir.is_none() {
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

/// The users file: as given, else `DATA_DIR/users.toml`; none without
/// either (then there are no users).
fn users_path(config: &ServerConfig) -> Option<std::path::PathBuf> {
    match (&config.users_file, &config.data_dir) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(d)) => Some(d.join("users.toml")),
        (None, None) => None,
    }
}

/// Sensor sockets bound and the pipeline built, before anything runs.
struct BoundSensors {
    pipeline: feeds::Pipeline,
    udp: Vec<(UdpSocket, sensor_io::DatagramKind)>,
    tcp_listen: Vec<(TcpListener, Arc<str>)>,
    tcp_connect: Vec<(SocketAddr, Arc<str>)>,
}

async fn bind_sensors(
    feeds_cfg: &feeds::FeedsConfig,
    inputs: &[SensorInput],
) -> Result<BoundSensors, ServerError> {
    let pipeline =
        feeds::Pipeline::new(feeds_cfg.clone()).map_err(|e| ServerError::Config(e.to_string()))?;
    let kind_of = |id: &str| {
        feeds_cfg
            .sensors
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.kind)
    };
    let mut bound = BoundSensors {
        pipeline,
        udp: Vec::new(),
        tcp_listen: Vec::new(),
        tcp_connect: Vec::new(),
    };
    for input in inputs {
        let sensor = match &input.sensor {
            Some(id) if kind_of(id).is_none() => {
                return Err(ServerError::Config(format!(
                    "input names sensor {id:?}, which [feeds] does not configure"
                )));
            }
            Some(id) => Some(Arc::<str>::from(id.as_str())),
            None => None,
        };
        let line_sensor = || {
            sensor
                .clone()
                .ok_or_else(|| ServerError::Config("a TCP sensor input needs `sensor`".into()))
        };
        match (input.udp, input.tcp_listen, input.tcp_connect) {
            (Some(addr), None, None) => {
                let socket = UdpSocket::bind(addr)
                    .await
                    .map_err(|source| ServerError::Bind { addr, source })?;
                let kind = match &sensor {
                    Some(id) if kind_of(id) != Some(feeds::SensorKind::Asterix) => {
                        sensor_io::DatagramKind::Lines(id.clone())
                    }
                    _ => sensor_io::DatagramKind::Asterix,
                };
                bound.udp.push((socket, kind));
            }
            (None, Some(addr), None) => {
                let listener = TcpListener::bind(addr)
                    .await
                    .map_err(|source| ServerError::Bind { addr, source })?;
                bound.tcp_listen.push((listener, line_sensor()?));
            }
            (None, None, Some(addr)) => bound.tcp_connect.push((addr, line_sensor()?)),
            _ => {
                return Err(ServerError::Config(
                    "a sensor input needs exactly one of udp, tcp_listen, tcp_connect".into(),
                ))
            }
        }
    }
    Ok(bound)
}

/// Plain TCP: every accepted client joins the listener's groups.
async fn accept_loop(
    listener: TcpListener,
    groups: Arc<ClientGroups>,
    shared: Arc<conn::ConnShared>,
    limit: Arc<Semaphore>,
    ids: Arc<AtomicU64>,
) {
    let serve_shared = shared.clone();
    conn::accept_loop(listener, shared, limit, ids, move |stream, peer, id| {
        let (shared, groups) = (serve_shared.clone(), groups.clone());
        let stop = shared.shutdown.child_token();
        conn::serve_counted(stream, peer, id, groups, shared, stop)
    })
    .await;
}
