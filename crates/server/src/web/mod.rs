//! The web COP: the page, its API and the live WebSocket feed, served by
//! the same binary on its own listener (`--web`).
//!
//! The router hands each accepted event to the feed task through a bounded
//! inbox it never waits on ([`HubTx`]); the feed task keeps the web picture
//! (`cop::hub::Hub`) and fans batched deltas out to browsers, each with a
//! small queue of its own. A browser that cannot keep up gets a fresh
//! snapshot instead of a gap, and never slows the TAK clients. The wire
//! contract is `web/PROTOCOL.md`.

mod auth;
mod basemap_routes;
mod feed;
mod flows_routes;
mod ops_routes;
mod replay;
mod routes;
mod sensors;
mod session;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

pub(crate) use feed::HubTx;

use crate::users::Users;
use crate::ServerError;

/// Most browsers on the feed at once: each may hold a few frames of a big
/// picture in its queue, so their number is bounded like TAK connections.
const MAX_SESSIONS: usize = 256;
/// How far back replay looks for an object's last report, ms.
const REPLAY_LOOKBACK_MS: i64 = 15 * 60 * 1000;
/// Most objects one replay answer holds.
const REPLAY_MAX_OBJECTS: usize = 50_000;

/// An imagery source for the map, drawn under the outlines.
#[derive(Debug, Clone, PartialEq)]
pub struct TileSource {
    /// URL template with `{z}`, `{x}`, `{y}`.
    pub url: String,
    /// Credit shown on the map.
    pub attribution: String,
    /// Highest zoom level the source has.
    pub max_zoom: u8,
}

/// What the web COP is told to do.
#[derive(Debug, Clone, PartialEq)]
pub struct WebConfig {
    /// Where to listen. Without users it is forced to loopback.
    pub addr: SocketAddr,
    /// The web user's callsign when there is no login.
    pub callsign: String,
    /// The web users' team (their GeoChat team room).
    pub team: String,
    /// Where the C2 center is, `(lat, lon)` degrees: the web user's position.
    pub position: (f64, f64),
    /// The map's first view, `(lat, lon)` degrees.
    pub center: (f64, f64),
    /// The map's first zoom level.
    pub zoom: f64,
    /// Optional imagery.
    pub tiles: Option<TileSource>,
    /// Whether the picture is simulated (`watchfloor demo`): the page says so.
    pub simulation: bool,
    /// The classification line exported slides carry (`[web] classification`).
    pub classification: String,
    /// Groups the web user sends to when there is no login (empty: anonymous).
    pub groups: Vec<String>,
    /// Set by the server: cookies marked `Secure` (the page is on HTTPS).
    pub secure_cookies: bool,
    /// Offline basemaps served under `/basemaps/`, opened and checked at
    /// start (`--basemap`).
    pub basemaps: basemap::Catalog,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            callsign: "WATCH FLOOR".into(),
            team: "Cyan".into(),
            position: (31.33, -109.2),
            center: (31.33, -109.2),
            zoom: 9.0,
            tiles: None,
            simulation: false,
            classification: "UNCLASSIFIED".into(),
            groups: Vec::new(),
            secure_cookies: false,
            basemaps: basemap::Catalog::default(),
        }
    }
}

/// The running web COP's parts the rest of the server needs.
pub(crate) struct Started {
    /// The router's sink onto the feed.
    pub(crate) hub: HubTx,
    /// The bound address.
    pub(crate) addr: SocketAddr,
    /// Whether the page is served over HTTPS.
    pub(crate) secure: bool,
}

/// The web COP's view of the store: history for replay, and what the
/// restart restored.
pub(crate) struct Store {
    pub(crate) history: Option<Arc<dyn store::HistoryRead>>,
    pub(crate) restart: crate::persist::Restart,
}

/// Puts what a restart restored into a new hub, before any live event: the
/// items the picture restored (clients' own SA shown as gone, since none is
/// connected yet), then the recent chat in the order it was received.
fn seed(hub: &mut cop::hub::Hub, restart: crate::persist::Restart) {
    for r in restart.items {
        hub.ingest(&r.msg.event, &r.groups, None, r.client_sa);
        if r.client_sa {
            hub.gone(&r.msg.event.uid);
        }
    }
    for r in restart.chat {
        hub.ingest(&r.msg.event, &r.groups, None, false);
    }
    // Restoring is not news: the log starts with what happens live.
    hub.clear_events();
}

/// What the web COP is started with besides its section.
pub(crate) struct Parts {
    /// The users file (logins, groups).
    pub(crate) users: Arc<Users>,
    /// History and what the restart restored.
    pub(crate) store: Store,
    /// Serve the page over HTTPS with this configuration.
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
    /// The sensors' status, when sensors are configured.
    pub(crate) sensors: Option<Arc<crate::sensor_status::StatusShared>>,
    /// The ops desk, when it runs.
    pub(crate) ops: Option<Arc<crate::operations::OpsShared>>,
    /// The flow engine, when it runs.
    pub(crate) flows: Option<Arc<crate::flows::FlowsShared>>,
}

/// Binds the web listener of `[web]` and starts the feed task and the
/// page. With no users in the users file it binds the loopback address
/// only, whatever was asked, and says so. `tls` serves the page over HTTPS
/// (no client certificate) instead of plain HTTP.
pub(crate) async fn start(
    mut config: WebConfig,
    parts: Parts,
    shell: &mut crate::Shell,
) -> Result<Started, ServerError> {
    let Parts {
        users,
        store,
        tls,
        sensors,
        ops,
        flows,
    } = parts;
    if !users.any() && !config.addr.ip().is_loopback() {
        let asked = config.addr;
        config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, asked.port()));
        tracing::warn!(%asked, bound = %config.addr, "no users configured: the web COP listens on loopback only; add users (`watchfloor users add`) to open it to the network with a login");
    }
    let listener = crate::bind::tcp(config.addr, crate::Listener::Web).await?;
    let addr = listener.local_addr().unwrap_or(config.addr);
    let (tasks, metrics, router, stop) = (
        &mut shell.tasks,
        shell.metrics.clone(),
        shell.router.clone(),
        shell.shutdown.clone(),
    );
    let secure = tls.is_some();
    config.secure_cookies = tls.is_some();
    if tls.is_none() && users.any() && !config.addr.ip().is_loopback() {
        tracing::warn!(addr = %config.addr, "web COP logins travel unencrypted over plain HTTP; run the server with TLS (--certs with --tls, --enroll or --https) to serve the page over HTTPS");
    }
    let mut hub = cop::hub::Hub::new(cop::hub::HubLimits::default());
    seed(&mut hub, store.restart);
    let (feed, hub, inbox) = feed::WebFeed::new(hub, metrics.clone(), router);
    tasks.spawn(feed::run(feed.clone(), inbox, sensors, stop.clone()));
    let basemaps = Arc::new(basemap_routes::Basemaps::new(config.basemaps.clone()));
    let state = routes::WebState {
        basemaps,
        feed,
        config: Arc::new(config),
        users,
        logins: Arc::new(auth::Logins::default()),
        store: store.history,
        stop: stop.clone(),
        ops,
        flows,
    };
    let app = routes::router(state);
    match tls {
        Some(cfg) => {
            let make: crate::https::MakeRouter = Arc::new(move |peer: crate::https::Peer| {
                app.clone()
                    .layer(axum::Extension(axum::extract::ConnectInfo(peer.addr)))
            });
            tasks.spawn(crate::https::serve(
                listener,
                move || cfg.clone(),
                make,
                metrics,
                stop,
            ));
        }
        None => {
            tasks.spawn(async move {
                let serve = axum::serve(
                    listener,
                    app.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .with_graceful_shutdown(async move { stop.cancelled().await });
                if let Err(e) = serve.await {
                    tracing::error!(error = %e, "web server failed");
                }
            });
        }
    }
    Ok(Started { hub, addr, secure })
}
