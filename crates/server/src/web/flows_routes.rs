//! The flows API on the web listener (`/api/flows/...`): the sectors with
//! their totals over a window, a count series per sector at hour, day or
//! month resolution, and the coverage the counts rest on; a series with
//! its seasonal baseline and anomalies; the alerts raised; the official
//! monthly statistics, and their import. Aggregates only: nothing here
//! names or places a track. Any logged-in web user may read; an import
//! needs the admin role; errors have the one JSON shape.

use std::sync::Arc;

use axum::body::{Body, Bytes};
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
use crate::flows::{anomaly_json, counts_json, iso, series_json, FlowsShared};
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
        .route("/api/flows/series", get(series))
        .route("/api/flows/alerts", get(alerts))
        .route("/api/flows/report", get(report_page))
        .route("/api/flows/official", get(official).post(import))
}

/// The largest official file the API takes, bytes (the CBP state file
/// for four years is under 3 MB).
const MAX_IMPORT_BYTES: usize = 64 << 20;

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
    component: Option<String>,
    name: Option<String>,
    format: Option<String>,
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
            "flow counting is not running: it needs a data folder and [flows] enabled = true",
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

/// A 400 with the error's one line.
fn bad_query(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("bad_query", e.to_string())
}

/// The query's bin width (default hours).
fn resolution(q: &FlowQuery) -> Result<Resolution, ApiError> {
    q.by.as_deref()
        .unwrap_or("hour")
        .parse::<Resolution>()
        .map_err(bad_query)
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
) -> Result<Response, ApiError> {
    let (flows, q, from, to) = parts(&s, &headers, q)?;
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
    Ok(Json(body).into_response())
}

async fn counts(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (flows, q, from, to) = parts(&s, &headers, q)?;
    let by = resolution(&q)?;
    let f = filter(&q);
    let body = flows
        .with_engine(|e| counts_json(e.counts(), &f, by, from, to))
        .map_err(bad_query)?;
    Ok(Json(body).into_response())
}

async fn coverage(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (flows, _, from, to) = parts(&s, &headers, q)?;
    let cov = flows.with_engine(|e| e.counts().coverage(from, to));
    Ok(Json(cov).into_response())
}

/// A count series with its seasonal baseline band and the anomalies the
/// detectors find in it (tuned for the resolution).
async fn series(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (flows, q, from, to) = parts(&s, &headers, q)?;
    let by = resolution(&q)?;
    let f = filter(&q);
    let (mut body, series) = flows
        .with_engine(|e| series_json(e.counts(), &f, by, from, to))
        .map_err(bad_query)?;
    let cfg = flows::detect::DetectConfig::for_resolution(by);
    if let Ok((band, anomalies)) = flows::detect::analyse_series(&series, &cfg) {
        let starts: Vec<String> = series.starts().into_iter().map(iso).collect();
        body["baseline"] = serde_json::json!(band);
        body["anomalies"] = anomalies
            .iter()
            .map(|a| anomaly_json(a, series.start_s, by, &starts))
            .collect();
        body["method"] = serde_json::json!(cfg);
    } else {
        body["anomalies"] = serde_json::json!([]);
    }
    Ok(Json(body).into_response())
}

/// The alerts raised from `from` on (default: the last seven days),
/// newest first, each with its text as the intelligence cell read it.
async fn alerts(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (flows, q, from, to) = parts(&s, &headers, q)?;
    let sector = q.sector.filter(|s| !s.is_empty());
    let list: Vec<serde_json::Value> = flows
        .alerts()
        .into_iter()
        .rev()
        .filter(|a| a.raised_s >= from && a.raised_s <= to)
        .filter(|a| sector.as_ref().is_none_or(|s| *s == a.sector))
        .map(|a| {
            serde_json::json!({
                "id": a.id, "sector": a.sector, "series": a.series, "resolution": a.resolution,
                "method": a.method, "shift": a.shift,
                "from": iso(a.from_s), "to": iso(a.to_s),
                "observed": a.observed, "expected": a.expected, "score": a.score,
                "p_value": a.p_value, "threshold": a.threshold,
                "raised": iso(a.raised_s), "updated": iso(a.updated_s),
                "text": a.text(),
            })
        })
        .collect();
    Ok(
        Json(serde_json::json!({ "from": iso(from), "to": iso(to), "alerts": list }))
            .into_response(),
    )
}

/// The official monthly series stored, optionally one component's or one
/// sector's: each month from the first to the last, `null` where the
/// published table had no figure.
async fn official(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (flows, q, _, _) = parts(&s, &headers, q)?;
    let want = |v: &Option<String>, have: &str| {
        v.as_deref()
            .filter(|x| !x.is_empty())
            .is_none_or(|x| x.eq_ignore_ascii_case(have))
    };
    let list: Vec<serde_json::Value> = flows
        .official()
        .iter()
        .filter(|o| want(&q.component, &o.key.component) && want(&q.sector, &o.key.sector))
        .filter_map(|o| {
            let (first, last) = o.span()?;
            let mut months = Vec::new();
            let mut m = first;
            while m <= last {
                months.push(m.to_string());
                m = m.next();
            }
            Some(serde_json::json!({
                "key": o.key, "from": first, "to": last, "total": o.total(),
                "months": months, "values": o.contiguous(first, last),
            }))
        })
        .collect();
    Ok(Json(serde_json::json!({ "series": list })).into_response())
}

/// Imports one official file (its text in the body; `?name=` the file's
/// name, kept as the figures' source): all of it or, on any error,
/// nothing, with the line the error is on.
async fn import(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let (flows, q, _, _) = parts(&s, &headers, q)?;
    if !s
        .ops_actor(&headers)
        .is_some_and(|a| a.has(ops::Role::Admin))
    {
        return Err(ApiError::forbidden(
            "importing official statistics needs the admin role",
        ));
    }
    let too_large = || {
        ApiError::too_large(
            "too_large",
            format!(
                "the file is over {MAX_IMPORT_BYTES} bytes; import it with watchfloor flows import"
            ),
        )
    };
    // An announced length over the limit is refused before a byte of the
    // body is read; an unannounced one is cut at the limit.
    let announced = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_IMPORT_BYTES as u64) {
        return Err(too_large());
    }
    let body: Bytes = axum::body::to_bytes(body, MAX_IMPORT_BYTES)
        .await
        .map_err(|_| too_large())?;
    let name = q
        .name
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "upload".into());
    let text = std::str::from_utf8(&body)
        .map_err(|e| {
            ApiError::bad_request(
                "bad_file",
                format!("the file is not UTF-8 text (at byte {})", e.valid_up_to()),
            )
        })?
        .to_string();
    let done = tokio::task::spawn_blocking(move || {
        let imported = flows::official::import(&text)
            .map_err(|e| ApiError::bad_request("bad_file", e.to_string()))?;
        flows
            .import_official(&name, &imported.series)
            .map_err(|e| ApiError::internal(format!("storing the series: {e}")))?;
        Ok::<_, ApiError>(crate::flows::import_json(&name, &imported))
    })
    .await
    .map_err(|e| ApiError::internal(format!("import failed: {e}")))??;
    Ok(Json(done).into_response())
}

/// The analyst's flow report for the window (default the last 30 days),
/// as one HTML page or (`format=pdf`) a PDF.
async fn report_page(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<FlowQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (flows, q, from, to) = parts(&s, &headers, q)?;
    let from = if q.from.as_deref().is_none_or(str::is_empty) {
        to - 30 * 86_400
    } else {
        from
    };
    let format = match q.format.as_deref() {
        None | Some("html") => report::Format::Html,
        Some("pdf") => report::Format::Pdf,
        Some(other) => {
            return Err(ApiError::bad_request(
                "bad_query",
                format!("format is html or pdf, not {other:?}"),
            ))
        }
    };
    let marking = s.config.simulation.then(|| "SIMULATION".to_string());
    let sector = q.sector.filter(|x| !x.is_empty());
    let made = tokio::task::spawn_blocking(move || {
        let alerts = flows.alerts();
        let official = flows.official();
        let doc = flows.with_engine(|e| {
            crate::flows_report::report_from(
                e.counts(),
                e.sectors(),
                &alerts,
                &official,
                sector.as_deref(),
                from,
                to,
                marking,
            )
        });
        match doc {
            Ok(doc) => report::render(&doc, format)
                .map_err(|e| ApiError::internal(format!("rendering the report: {e}"))),
            Err(e) => Err(bad_query(e)),
        }
    })
    .await
    .map_err(|e| ApiError::internal(format!("report failed: {e}")))??;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, format.mime()),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        made,
    )
        .into_response())
}
