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
use crate::router::RouterMsg;
use crate::sensor_task::SensorShared;

#[derive(Clone)]
struct AppState {
    metrics: Arc<Metrics>,
    router: mpsc::Sender<RouterMsg>,
    sensors: Option<Arc<SensorShared>>,
}

/// The HTTP routes.
pub(crate) fn app(
    metrics: Arc<Metrics>,
    router: mpsc::Sender<RouterMsg>,
    sensors: Option<Arc<SensorShared>>,
) -> Router {
    Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/api/tracks/:uid/mark", axum::routing::post(mark_track))
        .with_state(AppState {
            metrics,
            router,
            sensors,
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
async fn mark_track(
    State(s): State<AppState>,
    Path(uid): Path<String>,
    body: Result<Json<MarkBody>, axum::extract::rejection::JsonRejection>,
) -> impl IntoResponse {
    let err = |code: StatusCode, msg: String| (code, Json(serde_json::json!({ "error": msg })));
    let Some(sensors) = s.sensors else {
        return err(StatusCode::NOT_FOUND, "no sensors are configured".into());
    };
    let Json(body) = match body {
        Ok(b) => b,
        Err(e) => return err(StatusCode::BAD_REQUEST, e.body_text()),
    };
    match sensors.mark(uid, body.affiliation, body.remarks).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "marked": true }))),
        Err(e) => err(StatusCode::UNPROCESSABLE_ENTITY, e),
    }
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
