//! The HTTP API: the routes the subsystems contribute (metrics and health,
//! the operator's API, the Marti API) and one router per kind of listener
//! built from them. Plain HTTP is for a trusted network and the operator;
//! its callers are anonymous. The Marti HTTPS listener knows each caller
//! from its client certificate.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Json;
use axum::Router;
use tokio::sync::{mpsc, oneshot};

use crate::metrics::{Metrics, Sample};
use api::ApiError;

use crate::marti_ctx::MartiCtx;
use crate::operations::{OpsShared, SubmitError};
use crate::router::RouterMsg;
use crate::sensor_task::SensorShared;

#[derive(Clone)]
struct AppState {
    /// The one OpenAPI document, as JSON text.
    openapi: Arc<str>,
    metrics: Arc<Metrics>,
    router: mpsc::Sender<RouterMsg>,
    sensors: Option<Arc<SensorShared>>,
    directory: Option<Arc<MartiCtx>>,
    /// The ops desk, which audits the operator's marks.
    ops: Option<Arc<OpsShared>>,
    /// When the server started, for uptime.
    started: (cot::Time, std::time::Instant),
}

/// The routes the subsystems contributed, ready to be served per listener
/// (cheap to clone: routers share their routes).
#[derive(Clone)]
pub(crate) struct Api {
    /// Metrics, health, the operator's API (marks, every client).
    plain: Router,
    /// Metrics and health for callers with certificates.
    https: Router,
    /// The Marti API, when there is a data folder.
    marti: Option<Router>,
}

impl Api {
    /// Collects the routes of the running subsystems, and the one OpenAPI
    /// document that describes them all.
    pub(crate) fn new(
        shell: &crate::Shell,
        marti: Option<&marti::Marti>,
        sensors: Option<Arc<SensorShared>>,
        directory: Arc<MartiCtx>,
        ops: Option<Arc<OpsShared>>,
    ) -> Result<Api, crate::ServerError> {
        let doc = openapi().map_err(|e| crate::ServerError::Config(e.to_string()))?;
        let doc: Arc<str> = Arc::from(doc.to_json());
        let (m, r) = (shell.metrics.clone(), shell.router.clone());
        let ready = &shell.ready;
        Ok(Api {
            plain: app(
                m.clone(),
                r.clone(),
                sensors,
                Some(directory),
                ops,
                doc.clone(),
                ready.clone(),
            ),
            https: app(m, r, None, None, None, doc, ready.clone()),
            marti: marti.map(marti::Marti::router),
        })
    }

    /// The router of the plain HTTP listener: every caller is anonymous.
    pub(crate) fn plain(&self) -> Router {
        match &self.marti {
            Some(m) => m
                .clone()
                .layer(axum::Extension(picture::Identity::anonymous()))
                .layer(axum::Extension(marti::Scheme::Http))
                .merge(self.plain.clone()),
            None => self.plain.clone(),
        }
    }

    /// The router of one mutual-TLS connection, for its caller.
    pub(crate) fn mtls(&self, caller: picture::Identity) -> Router {
        match &self.marti {
            Some(m) => m
                .clone()
                .layer(axum::Extension(caller))
                .layer(axum::Extension(marti::Scheme::Https))
                .merge(self.https.clone()),
            None => self.https.clone(),
        }
    }
}

/// Serves the plain HTTP listener of `[http]`; its bound address.
pub(crate) async fn start(
    cfg: &crate::config::HttpConfig,
    api: &Api,
    shell: &mut crate::Shell,
) -> Result<Option<std::net::SocketAddr>, crate::ServerError> {
    let Some(addr) = cfg.listen else {
        return Ok(None);
    };
    let listener = crate::bind::tcp(addr, crate::Listener::Http).await?;
    let bound = listener.local_addr().ok();
    let app = api.plain();
    let stop = shell.shutdown.clone();
    shell.tasks.spawn(async move {
        let serve = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "http server failed");
        }
    });
    Ok(bound)
}

/// Serves the Marti API's mutual-TLS listener of `[marti]`; its bound address.
pub(crate) async fn start_https(
    cfg: &crate::config::MartiConfig,
    trust: &crate::tls::TrustParts,
    api: &Api,
    shell: &mut crate::Shell,
) -> Result<Option<std::net::SocketAddr>, crate::ServerError> {
    let Some(addr) = cfg.https else {
        return Ok(None);
    };
    let listener = crate::bind::tcp(addr, crate::Listener::Https).await?;
    let bound = listener.local_addr().ok();
    let (reloader, users) = (trust.reloader.clone(), trust.users.clone());
    let api = api.clone();
    let make: crate::https::MakeRouter = Arc::new(move |peer: crate::https::Peer| {
        if let Some(user) = peer.user.as_deref().filter(|u| users.disabled(u)) {
            tracing::warn!(%user, addr = %peer.addr, "https client of a disabled user; every request refused");
            return locked_out();
        }
        let caller = caller_of(&peer, &users);
        tracing::debug!(user = ?caller.user(), addr = %peer.addr, "https client");
        api.mtls(caller).layer(axum::Extension(peer))
    });
    shell.tasks.spawn(crate::https::serve(
        listener,
        move || reloader.current(),
        make,
        shell.metrics.clone(),
        shell.shutdown.clone(),
    ));
    Ok(bound)
}

/// Who an HTTPS peer is: the user its certificate names, with the users
/// file's groups; anonymous without a certificate user.
fn caller_of(peer: &crate::https::Peer, users: &crate::users::Users) -> picture::Identity {
    match &peer.user {
        Some(user) => users.identity(user),
        None => picture::Identity::anonymous(),
    }
}

/// The router a disabled user's connection gets: 403 for every request.
fn locked_out() -> Router {
    Router::new().fallback(|| async {
        api::ApiError::forbidden(
            "this user is disabled; an administrator re-admits them with `watchfloor users enable`",
        )
    })
}

/// The one OpenAPI document of every listener: the Marti API's part and
/// the server's own (operator and web COP); the next subsystems add theirs.
pub(crate) fn openapi() -> Result<api::openapi::Document, api::openapi::OpenApiError> {
    let mut doc = api::openapi::Document::new(
        "watchfloor API",
        "Every HTTP API of watchfloor: the Marti API of TAK clients (plain HTTP and mutual-TLS HTTPS listeners), the operator's API (plain HTTP) and the web COP's API (its own listener). Every rejection answers with the Error shape; the caller's groups decide what is visible, and invisible things answer 404.",
    );
    doc.merge("marti", marti::Marti::openapi_json())?;
    doc.merge("server", include_str!("openapi.json"))?;
    Ok(doc)
}

async fn openapi_json(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        s.openapi.to_string(),
    )
}

/// The routes of metrics, health, the OpenAPI document and the operator's API.
fn app(
    metrics: Arc<Metrics>,
    router: mpsc::Sender<RouterMsg>,
    sensors: Option<Arc<SensorShared>>,
    directory: Option<Arc<MartiCtx>>,
    ops: Option<Arc<OpsShared>>,
    openapi: Arc<str>,
    ready: Arc<std::sync::atomic::AtomicBool>,
) -> Router {
    let admin = directory.is_some();
    let health = move || async move {
        if ready.load(std::sync::atomic::Ordering::Acquire) {
            (StatusCode::OK, "ok\n")
        } else {
            (StatusCode::SERVICE_UNAVAILABLE, "starting\n")
        }
    };
    let routes = Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(health))
        .route("/api/openapi.json", get(openapi_json))
        .route("/Marti/api/openapi.json", get(openapi_json))
        .route("/api/tracks/:uid/mark", axum::routing::post(mark_track));
    // Every client regardless of groups: only on the administrator's listener.
    let routes = if admin {
        routes.route("/api/clients", get(clients))
    } else {
        routes
    };
    routes.with_state(AppState {
        openapi,
        metrics,
        router,
        sensors,
        directory,
        ops,
        started: (crate::clock::now(), std::time::Instant::now()),
    })
}

/// An operator's mark on a track, as the API takes it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkBody {
    affiliation: ops::Affiliation,
    #[serde(default)]
    remarks: Option<String>,
}

/// `POST /api/tracks/{uid}/mark` with `{"affiliation": "hostile", "remarks": "..."}`:
/// an `ops.classify` by the operator, decided and audited by the ops desk
/// as the web COP's are. Without a desk (ops disabled, or no data folder)
/// the mark goes to the tracker unaudited. Rejections use the API's one
/// JSON error shape.
async fn mark_track(
    State(s): State<AppState>,
    Path(uid): Path<String>,
    body: Result<Json<MarkBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Some(desk) = s.ops else {
        let sensors = s
            .sensors
            .ok_or_else(|| ApiError::not_found("no sensors are configured"))?;
        let Json(body) = body?;
        let affiliation = crate::operations::to_feeds(body.affiliation);
        sensors
            .mark(uid, affiliation, body.remarks)
            .await
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_marked", e))?;
        return Ok(Json(serde_json::json!({ "marked": true })));
    };
    let Json(body) = body?;
    let actor = crate::operations::operator();
    let cmd = ops::Command::Classify {
        uid,
        affiliation: body.affiliation,
        remarks: body.remarks,
    };
    crate::operations::preflight(&desk, &actor, &cmd).await?;
    let done = tokio::task::spawn_blocking(move || desk.submit(&actor, &cmd))
        .await
        .map_err(ApiError::internal)?;
    match done {
        Ok(d) => Ok(Json(
            serde_json::json!({ "marked": true, "audit": [d.seqs.0, d.seqs.1] }),
        )),
        Err(SubmitError::Refused { error, seq }) => Err(crate::operations::refusal(&error, seq)),
        Err(SubmitError::Desk(e)) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ops_stopped",
            e.to_string(),
        )),
    }
}

/// `GET /api/clients`: every client seen, connected or not, for the
/// administrator (plain HTTP listens on loopback by default).
async fn clients(State(s): State<AppState>) -> Json<serde_json::Value> {
    let mut list = s
        .directory
        .map(|d| marti::Context::client_endpoints(&*d))
        .unwrap_or_default();
    list.sort_by(|a, b| {
        b.connected
            .cmp(&a.connected)
            .then_with(|| a.callsign.cmp(&b.callsign))
    });
    let rows: Vec<serde_json::Value> = list
        .into_iter()
        .map(|c| {
            serde_json::json!({
                "callsign": c.callsign, "uid": c.uid, "user": c.username, "team": c.team, "role": c.role,
                "groups": c.groups, "connected": c.connected, "last_event_ms": c.last_event_ms,
            })
        })
        .collect();
    Json(serde_json::json!({ "clients": rows }))
}

async fn metrics_text(State(s): State<AppState>) -> impl IntoResponse {
    let (tx, rx) = oneshot::channel();
    let mut samples = vec![
        Sample::gauge("build_info", "The running build (always 1).", 1.0)
            .with("version", env!("CARGO_PKG_VERSION")),
        Sample::gauge(
            "start_time_seconds",
            "When the server started (Unix seconds).",
            s.started.0.millis() as f64 / 1000.0,
        ),
        Sample::gauge(
            "uptime_seconds",
            "Seconds since the server started.",
            s.started.1.elapsed().as_secs_f64().floor(),
        ),
    ];
    if s.router.send(RouterMsg::Stats(tx)).await.is_ok() {
        samples.extend(rx.await.unwrap_or_default());
    }
    if let Some(sensors) = &s.sensors {
        samples.extend(sensors.samples());
    }
    let body = s.metrics.render(&samples);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        body,
    )
}
