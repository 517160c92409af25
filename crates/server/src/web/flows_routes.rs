//! The flows API on the web listener (`/api/flows/...`): the sectors with
//! their totals over a window, a count series per sector at hour, day or
//! month resolution, and the coverage the counts rest on. Aggregates
//! only: nothing here names or places a track. Any logged-in web user
//! may read; errors have the one JSON shape.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use flows::counts::{EventKind, Filter, Resolution};
use flows::crossing::{Direction, TrackKind};
use serde::Deserialize;

use super::routes::WebState;
use crate::flows::{counts_json, iso, FlowsShared};
use api::ApiError;

/// The default window when a query names none: the last seven days.
const DEFAULT_WINDOW_S: i64 = 7 * 86_400;
/// The sector lines' vertex spacing for the map, metres.
const LINE_STEP_M: f64 = 2_000.0;

/// The routes, merged into the web listener's router.
pub(crate) fn router() -> Router<WebState> {
    Router::new()
        .route("/api/flows/sectors", get(sectors))
        .route("/api/flows/counts", get(counts))
        .route("/api/flows/coverage", get(coverage))
}

/// A query's window and filters, as the query string gives them.
#[derive(Debug, Default, Deserialize)]
struct FlowQuery {
    from: Option<String>,
    to: Option<String>,
    sector: Option<String>,
    by: Option<String>,
    direction: Option<Direction>,
    kind: Option<TrackKind>,
    event: Option<EventKind>,
}

const QUERY_HELP: &str = "from and to are RFC 3339 times; by is hour, day or month; direction is northbound or southbound; kind is ground, air or maritime; event is crossing or turn_back";

/// The engine and the window, or the error that says why not.
fn parts(
    s: &WebState,
    headers: &HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<(Arc<FlowsShared>, FlowQuery, i64, i64), ApiError> {
    let flows = s.flows.clone().ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "no_flows",
            "flow counting is not running (it needs a data folder)",
        )
    })?;
    if s.ops_actor(headers).is_none() {
        return Err(ApiError::unauthorized("login_required", "log in first"));
    }
    let Ok(Query(q)) = q else {
        return Err(ApiError::bad_request("bad_query", QUERY_HELP));
    };
    let time = |name: &str, v: &Option<String>| -> Result<Option<i64>, ApiError> {
        match v.as_deref().filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => cot::Time::parse(t)
                .map(|t| Some(t.millis().div_euclid(1000)))
                .map_err(|e| ApiError::bad_request("bad_query", format!("{name}: {e}"))),
        }
    };
    let to = time("to", &q.to)?.unwrap_or_else(|| crate::now().millis().div_euclid(1000));
    let from = time("from", &q.from)?.unwrap_or(to - DEFAULT_WINDOW_S);
    if to < from {
        return Err(ApiError::bad_request(
            "bad_query",
            "the window ends before it starts",
        ));
    }
    Ok((flows, q, from, to))
}

fn filter(q: &FlowQuery) -> Filter {
    Filter {
        sector: q.sector.clone().filter(|s| !s.is_empty()),
        direction: q.direction,
        kind: q.kind,
        event: Some(q.event.unwrap_or(EventKind::Crossing)),
    }
}

async fn sectors(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Response {
    let (flows, q, from, to) = match parts(&s, &headers, q) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let f = filter(&q);
    let body = flows.with_engine(|e| {
        let totals = e.counts().totals(&f, from, to);
        let views = e.sectors().views(e.border(), LINE_STEP_M);
        let list: Vec<serde_json::Value> = views
            .into_iter()
            .map(|v| {
                let t = totals.get(&v.code).copied().unwrap_or_default();
                serde_json::json!({
                    "code": v.code, "name": v.name, "from_km": v.from_km, "to_km": v.to_km,
                    "line": v.line, "totals": t,
                })
            })
            .collect();
        let outside = totals
            .get(flows::sectors::OUTSIDE)
            .copied()
            .unwrap_or_default();
        serde_json::json!({
            "from": iso(from), "to": iso(to),
            "border_km": e.border().length_m() / 1000.0,
            "sectors": list,
            "outside": outside,
            "note": "sector limits are approximate defaults (county lines), editable by the operator",
        })
    });
    Json(body).into_response()
}

async fn counts(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Response {
    let (flows, q, from, to) = match parts(&s, &headers, q) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let by = match q.by.as_deref().unwrap_or("hour").parse::<Resolution>() {
        Ok(r) => r,
        Err(e) => return ApiError::bad_request("bad_query", e.to_string()).into_response(),
    };
    let f = filter(&q);
    match flows.with_engine(|e| counts_json(e.counts(), &f, by, from, to)) {
        Ok(body) => Json(body).into_response(),
        Err(e) => ApiError::bad_request("bad_query", e.to_string()).into_response(),
    }
}

async fn coverage(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Response {
    let (flows, _, from, to) = match parts(&s, &headers, q) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let cov = flows.with_engine(|e| e.counts().coverage(from, to));
    Json(cov).into_response()
}
