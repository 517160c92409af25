//! Plain HTTP: Prometheus `/metrics` and `/healthz`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Json;
use axum::Router;
use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;
use marti::ApiError;

use crate::marti_ctx::MartiCtx;
use crate::router::RouterMsg;
use crate::sensor_task::SensorShared;

#[derive(Clone)]
struct AppState {
    metrics: Arc<Metrics>,
    router: mpsc::Sender<RouterMsg>,
    sensors: Option<Arc<SensorShared>>,
    directory: Option<Arc<MartiCtx>>,
}

/// The HTTP routes.
pub(crate) fn app(
    metrics: Arc<Metrics>,
    router: mpsc::Sender<RouterMsg>,
    sensors: Option<Arc<SensorShared>>,
    directory: Option<Arc<MartiCtx>>,
) -> Router {
    let admin = directory.is_some();
    let routes = Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/api/tracks/:uid/mark", axum::routing::post(mark_track));
    // Every client regardless of groups: only on the administrator's listener.
    let routes = if admin {
        routes.route("/api/clients", get(clients))
    } else {
        routes
    };
    routes.with_state(AppState {
        metrics,
        router,
        sensors,
        directory,
    })
}

/// An operator's mark on a track, as the API takes it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkBody {
    affiliation: feeds::Affiliation,
    #[serde(default)]
    remarks: Option<String>,
}

/// `POST /api/tracks/{uid}/mark` with `{"affiliation": "hostile", "remarks": "..."}`.
/// Rejections use the API's one JSON error shape.
async fn mark_track(
    State(s): State<AppState>,
    Path(uid): Path<String>,
    body: Result<Json<MarkBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let sensors = s
        .sensors
        .ok_or_else(|| ApiError::not_found("no sensors are configured"))?;
    let Json(body) = body.map_err(|e| ApiError::bad_request("bad_body", e.body_text()))?;
    sensors
        .mark(uid, body.affiliation, body.remarks)
        .await
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_marked", e))?;
    Ok(Json(serde_json::json!({ "marked": true })))
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
    let gauges = match s.router.send(RouterMsg::Stats(tx)).await {
        Ok(()) => rx.await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let mut gauges = gauges;
    if let Some(sensors) = &s.sensors {
        gauges.extend(sensors.gauges());
    }
    let body = s.metrics.render(&gauges);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        body,
    )
}
