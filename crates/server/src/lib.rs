//! The tokio shell of watchfloor: listeners, one task per connection, the
//! router task that owns the routing core, the store's writer, and the
//! metrics endpoint. Everything that decides anything lives in `cot` and
//! `picture`; this crate only moves bytes and counts.

mod bind;
mod clock;
mod codec;
mod config;
mod conn;
mod enroll;
pub mod flows;
pub mod flows_report;
mod http;
mod https;
mod marti_ctx;
mod metrics;
mod negotiate;
pub mod operations;
mod outbox;
mod persist;
mod ratelimit;
mod router;
mod sensor_io;
mod sensor_status;
mod sensor_task;
mod sink;
mod tak;
mod tls;
mod udp;
mod users;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;

use picture::Picture;

use crate::router::RouterMsg;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use bind::Listener;
pub use clock::{now, WallClock};
pub use config::{
    parse_addr, AddrError, HttpConfig, Listen, MartiConfig, SensorInput, SensorsConfig,
    ServerConfig, StoreConfig, TakConfig, TlsConfig, UsersConfig,
};
pub use metrics::{DecodeErrorKind, Metrics};
pub use web::{TileSource, WebConfig};

/// Why the server could not start.
///
/// Each message is one line that says what failed and why; the OS's own
/// error is part of the message rather than a separate cause, so printing
/// the chain does not repeat it.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A listener could not bind its address.
    #[error("cannot listen on {addr} ({listener}): {}", bind::bind_reason(.error))]
    Bind {
        /// What the listener is for.
        listener: Listener,
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        error: std::io::Error,
    },
    /// The store's database file cannot be opened or written.
    #[error("cannot open the store {path}: {reason}")]
    StoreOpen {
        /// The database file.
        path: std::path::PathBuf,
        /// Why, as found on the file system (a folder in the way, a
        /// permission) or as SQLite said it.
        reason: String,
    },
    /// The store could not be opened.
    #[error("store: {0}")]
    Store(#[from] store::StoreError),
    /// The configuration does not hold together.
    #[error("configuration: {0}")]
    Config(String),
    /// The data directory could not be created.
    #[error("cannot create the data folder {path}: {}", persist::io_reason(.error))]
    DataDir {
        /// The folder.
        path: std::path::PathBuf,
        /// What the OS said.
        error: std::io::Error,
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

/// What every subsystem's `start` is handed: where to spawn its tasks, the
/// counters, the router's inbox and the shutdown signal.
pub(crate) struct Shell {
    pub(crate) tasks: JoinSet<()>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) router: mpsc::Sender<RouterMsg>,
    pub(crate) shutdown: CancellationToken,
    /// Set once every listener is up: `/healthz` says `starting` (503)
    /// until then, so a caller that waits for it finds every port open.
    pub(crate) ready: Arc<std::sync::atomic::AtomicBool>,
}

impl Server {
    /// Starts every configured subsystem, each from its own section, then
    /// the router with the sinks they contributed. A subsystem that cannot
    /// start (an address taken, a bad certificate folder) stops the whole
    /// start: the tasks already spawned are dropped with it.
    pub async fn start(config: ServerConfig) -> Result<Server, ServerError> {
        let (router_tx, router_rx) = mpsc::channel(8192);
        let mut shell = Shell {
            tasks: JoinSet::new(),
            metrics: Arc::new(Metrics::default()),
            router: router_tx,
            shutdown: CancellationToken::new(),
            ready: Arc::default(),
        };
        let mut picture = Picture::new(picture::Config {
            emergency_repeat_ms: i64::try_from(config.tak.emergency_repeat.as_millis())
                .unwrap_or(3000),
            ..picture::Config::default()
        });
        let mut sinks: Vec<Box<dyn sink::Sink>> = Vec::new();

        let stored = persist::start(
            &config.store,
            config.web.is_some(),
            &mut picture,
            shell.metrics.clone(),
        )?;
        let (persist, directory_store, web_store, restart) = match stored {
            Some(s) => (Some(s.persist), Some(s.directory), s.web, s.restart),
            None => (None, None, None, persist::Restart::default()),
        };
        let directory = Arc::new(marti_ctx::MartiCtx::new(directory_store));
        let marti = marti_ctx::open_packages(&config.marti, &config.store, &directory)?;
        if let Some(p) = persist {
            sinks.push(Box::new(p));
        }
        sinks.push(Box::new(marti_ctx::DirectorySink(directory.clone())));

        // One users file for TLS, enrollment and the web COP, re-read when it changes.
        let users = Arc::new(users::Users::new(users::path(&config)));
        let tak = tak::start(&config.tak, &mut shell).await?;
        let trust = tls::start(&config, users.clone(), &tak, &mut shell).await?;
        let sensors = sensor_task::start(&config.sensors, &mut shell).await?;
        let sensor_status = sensors.as_ref().map(|s| s.status.clone());
        // The ops desk needs a data folder: its audit log is the record.
        let ops = match (&config.store.data_dir, config.ops.enabled) {
            (Some(dir), true) => Some(operations::start(
                &config.ops,
                dir,
                sensors.clone(),
                &mut shell,
            )?),
            _ => None,
        };
        let ops_shared = ops.as_ref().map(|o| o.shared.clone());
        let api = http::Api::new(
            &shell,
            marti.as_ref(),
            sensors,
            directory,
            ops_shared.clone(),
        )?;
        let http_addr = http::start(&config.http, &api, &mut shell).await?;
        let https_addr = match &trust {
            Some(t) => http::start_https(&config.marti, &t.parts, &api, &mut shell).await?,
            None => None,
        };
        // Flow counts are kept in the data folder, beside history.
        let flows = match (&config.store.data_dir, config.flows.enabled) {
            (Some(dir), true) => Some(flows::start(&config.flows, dir, &mut shell)?),
            _ => None,
        };
        let flows_shared = flows.as_ref().map(|f| f.shared.clone());
        let web = match &config.web {
            Some(w) => {
                let tls = trust.as_ref().map(|t| t.parts.enroll_config.clone());
                let store = web::Store {
                    history: web_store,
                    restart,
                };
                let parts = web::Parts {
                    users,
                    store,
                    tls,
                    sensors: sensor_status,
                    ops: ops_shared,
                    flows: flows_shared,
                };
                Some(web::start(w.clone(), parts, &mut shell).await?)
            }
            None => None,
        };
        let web_addr = web.as_ref().map(|w| (w.addr, w.secure));
        if let Some(w) = web {
            sinks.push(Box::new(w.hub));
        }
        if let Some(o) = ops {
            sinks.push(Box::new(o.sink));
        }
        if let Some(f) = flows {
            sinks.push(Box::new(f.sink));
        }

        let Shell {
            mut tasks,
            metrics,
            router,
            shutdown,
            ready,
        } = shell;
        drop(router);
        tasks.spawn(router::Router::new(picture, metrics.clone(), sinks).run(router_rx));
        let (tls_addrs, enroll_addr) = match &trust {
            Some(t) => (t.tls_addrs.clone(), t.enroll_addr),
            None => (Vec::new(), None),
        };
        let groups = |g: &[String]| {
            if g.is_empty() {
                String::new()
            } else {
                format!("groups {}", g.join(", "))
            }
        };
        let mut listening = Vec::new();
        for (addr, l) in tak.tcp_addrs.iter().zip(&config.tak.tcp) {
            listening.push((Listener::Tcp, *addr, groups(&l.groups)));
        }
        for (addr, l) in tak.udp_addrs.iter().zip(&config.tak.udp) {
            listening.push((Listener::Udp, *addr, groups(&l.groups)));
        }
        for addr in &tls_addrs {
            listening.push((Listener::Tls, *addr, String::new()));
        }
        let once = [
            (Listener::Enroll, enroll_addr, ""),
            (Listener::Https, https_addr, ""),
            (Listener::Http, http_addr, ""),
        ];
        for (what, addr, note) in once {
            if let Some(a) = addr {
                listening.push((what, a, note.to_string()));
            }
        }
        if let Some((addr, secure)) = web_addr {
            let scheme = if secure { "HTTPS" } else { "plain HTTP" };
            listening.push((Listener::Web, addr, scheme.to_string()));
        }
        bind::log_listening(&listening);
        tracing::info!(listeners = listening.len(), "watchfloor serving");
        ready.store(true, std::sync::atomic::Ordering::Release);
        Ok(Server {
            tcp_addrs: tak.tcp_addrs,
            udp_addrs: tak.udp_addrs,
            http_addr,
            tls_addrs,
            enroll_addr,
            https_addr,
            web_addr,
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
