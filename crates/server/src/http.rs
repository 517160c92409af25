//! Plain HTTP: Prometheus `/metrics` and `/healthz`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;
use crate::router::RouterMsg;

#[derive(Clone)]
struct AppState {
    metrics: Arc<Metrics>,
    router: mpsc::Sender<RouterMsg>,
}

/// The HTTP routes.
pub(crate) fn app(metrics: Arc<Metrics>, router: mpsc::Sender<RouterMsg>) -> Router {
    Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(|| async { "ok\n" }))
        .with_state(AppState { metrics, router })
}

async fn metrics_text(State(s): State<AppState>) -> impl IntoResponse {
    let (tx, rx) = oneshot::channel();
    let gauges = match s.router.send(RouterMsg::Stats(tx)).await {
        Ok(()) => rx.await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let body = s.metrics.render(&gauges);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        body,
    )
}
