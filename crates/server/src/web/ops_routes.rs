//! The ops API on the web listener (`/api/ops/...`, `/api/audit/...`): the
//! roster, the task board, the rules in force, requests to the engine, and
//! the audit log's checkpoint, records and proofs. Every request knows its
//! caller from the web login and every change is decided by the engine,
//! which checks the caller's role; a refused request is audited like any
//! other. Errors have the one JSON shape.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::routes::{same_origin, WebState};
use crate::operations::{OpsShared, SubmitError};
use api::ApiError;
use ops::{Actor, Command, OpsError, Role};

/// The largest request body, bytes: an `ops apply` file of a big roster
/// fits; a 100 MB upload is refused while it is still arriving.
pub(crate) const MAX_BODY: usize = 4 << 20;
/// Most audit records one page returns.
const MAX_RECORDS: u64 = 1000;

/// The routes, merged into the web listener's router.
pub(crate) fn router() -> Router<WebState> {
    Router::new()
        .route("/api/ops/roster", get(roster))
        .route("/api/ops/board", get(board))
        .route("/api/ops/version", get(version))
        .route("/api/ops/rules", get(rules))
        .route("/api/ops/tasks/:id", get(task))
        .route("/api/ops/suspenses", get(suspenses))
        .route("/api/ops/orders", get(orders))
        .route("/api/ops/orders/:id", get(order))
        .route("/api/ops/timeline", get(timeline))
        .route("/api/ops/briefing", get(briefing))
        .route("/api/ops/classifications", get(classifications))
        .route(
            "/api/ops/commands",
            post(command).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .route("/api/audit/checkpoint", get(checkpoint))
        .route("/api/audit/records", get(records))
        .route("/api/audit/proof/inclusion", get(inclusion))
        .route("/api/audit/proof/consistency", get(consistency))
}

fn no_desk() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "no_ops",
        "the ops desk is not running (it needs a data folder)",
    )
}

/// The desk and the caller, or the error that says why not.
fn parts(s: &WebState, headers: &HeaderMap) -> Result<(Arc<OpsShared>, Actor), ApiError> {
    let ops = s.ops.clone().ok_or_else(no_desk)?;
    let actor = s
        .ops_actor(headers)
        .ok_or_else(|| ApiError::unauthorized("login_required", "log in first"))?;
    Ok((ops, actor))
}

fn json_text(text: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(e).into_response())
}

async fn roster(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let text = ops.with_desk(|d| {
        let view = d
            .engine()
            .roster(crate::now(), ops.stale_s(), |uid| ops.position(uid));
        serde_json::to_string(&view)
    });
    text.map_or_else(|e| ApiError::internal(e).into_response(), json_text)
}

async fn board(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let text = ops.with_desk(|d| serde_json::to_string(&d.engine().board(crate::now())));
    text.map_or_else(|e| ApiError::internal(e).into_response(), json_text)
}

async fn version(State(s): State<WebState>, headers: HeaderMap) -> Response {
    match parts(&s, &headers) {
        Ok((ops, actor)) => Json(serde_json::json!({
            "version": ops.version(),
            "actor": actor.name,
            "roles": actor.roles,
        }))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn rules(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let text = ops.with_desk(|d| {
        let e = d.engine();
        serde_json::to_string(&serde_json::json!({
            "version": e.rules().version,
            "hash": e.rules().hash,
            "notice": e.rules().notice,
            "authorities": e.authorities(),
        }))
    });
    text.map_or_else(|e| ApiError::internal(e).into_response(), json_text)
}

async fn task(State(s): State<WebState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let text = ops.with_desk(|d| {
        let e = d.engine();
        e.task(&id).map(|t| {
            serde_json::to_string(
                &serde_json::json!({ "task": t, "assignments": e.assignments_of(&id) }),
            )
        })
    });
    match text {
        None => ApiError::not_found(format!("no task {id:?}")).into_response(),
        Some(t) => t.map_or_else(|e| ApiError::internal(e).into_response(), json_text),
    }
}

/// The suspense board's filters, as the query string gives them.
#[derive(Debug, Deserialize)]
struct SuspenseQuery {
    owner: Option<String>,
    order: Option<String>,
    due_within: Option<String>,
    #[serde(default)]
    closed: bool,
}

async fn suspenses(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<SuspenseQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Ok(Query(q)) = q else {
        return ApiError::bad_request(
            "bad_query",
            "owner, order and due_within (7d, 12h) are text; closed is true or false",
        )
        .into_response();
    };
    let due_within = match q.due_within.as_deref().map(ops::suspense::Lead::parse) {
        None => None,
        Some(Ok(l)) => Some(l),
        Some(Err(e)) => return ApiError::bad_request("bad_query", e.to_string()).into_response(),
    };
    let filter = ops::boards::SuspenseFilter {
        owner: q.owner.filter(|o| !o.is_empty()),
        order: q.order.filter(|o| !o.is_empty()),
        due_within,
        closed: q.closed,
    };
    let text =
        ops.with_desk(|d| serde_json::to_string(&d.engine().suspense_board(crate::now(), &filter)));
    text.map_or_else(|e| ApiError::internal(e).into_response(), json_text)
}

async fn orders(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let text = ops.with_desk(|d| {
        serde_json::to_string(&serde_json::json!({
            "time": crate::now().to_string(),
            "orders": d.engine().order_list(),
        }))
    });
    text.map_or_else(|e| ApiError::internal(e).into_response(), json_text)
}

#[derive(Debug, Deserialize)]
struct AtQuery {
    at: Option<String>,
}

async fn order(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<AtQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let at = match q.ok().and_then(|Query(q)| q.at) {
        None => crate::now(),
        Some(text) => match ops::suspense::parse_instant(&text) {
            Ok(t) => t,
            Err(e) => {
                return ApiError::bad_request("bad_query", format!("at: {e}")).into_response()
            }
        },
    };
    let text = ops.with_desk(|d| match d.engine().order_detail(&id, at) {
        Ok(v) => serde_json::to_string(&v).map_err(ApiError::internal),
        Err(ops::order::OrderError::Unknown(_)) => {
            Err(ApiError::not_found(format!("no order {id:?}")))
        }
        Err(e) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_issued",
            e.to_string(),
        )),
    });
    text.map_or_else(IntoResponse::into_response, json_text)
}

#[derive(Debug, Deserialize)]
struct HoursQuery {
    hours: Option<u32>,
}

/// Most hours a timeline reaches back.
const MAX_HOURS: u32 = 24 * 14;

async fn timeline(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<HoursQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let hours = match q {
        Ok(Query(q)) => q.hours.unwrap_or(24),
        Err(_) => 0,
    };
    if hours == 0 || hours > MAX_HOURS {
        return ApiError::bad_request(
            "bad_query",
            format!("hours is a whole number from 1 to {MAX_HOURS}"),
        )
        .into_response();
    }
    let now = crate::now();
    let from = now.plus_secs(-i64::from(hours) * 3600);
    let got = blocking(move || {
        ops.with_desk(|d| {
            d.timeline(from).map(|entries| {
                serde_json::to_string(&serde_json::json!({
                    "time": now.to_string(),
                    "from": from.to_string(),
                    "entries": entries,
                }))
            })
        })
    })
    .await;
    match got {
        Ok(Ok(Ok(text))) => json_text(text),
        Ok(Ok(Err(e))) => ApiError::internal(e).into_response(),
        Ok(Err(e)) => ApiError::internal(e).into_response(),
        Err(r) => r,
    }
}

#[derive(Debug, Deserialize)]
struct BriefingQuery {
    format: Option<String>,
}

/// The daily briefing of the desk as it stands: HTML for the browser, or
/// `?format=pdf`. Marked SIMULATION when the picture is simulated.
async fn briefing(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<BriefingQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let pdf = match q.ok().and_then(|Query(q)| q.format).as_deref() {
        None | Some("html") => false,
        Some("pdf") => true,
        Some(other) => {
            return ApiError::bad_request(
                "bad_query",
                format!("format is html or pdf, not {other:?}"),
            )
            .into_response()
        }
    };
    let marking = s.config.simulation.then_some("SIMULATION");
    let made = blocking(move || {
        ops.with_desk(|d| {
            let checkpoint = d
                .log()
                .latest_checkpoint()
                .and_then(|n| crate::operations::CheckpointLine::parse(&n));
            let doc =
                crate::operations::briefing(d.engine(), crate::now(), checkpoint.as_ref(), marking);
            let format = if pdf {
                report::Format::Pdf
            } else {
                report::Format::Html
            };
            report::render(&doc, format).map(|b| (format.mime(), b))
        })
    })
    .await;
    match made {
        Ok(Ok((kind, body))) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Ok(Err(e)) => ApiError::internal(e).into_response(),
        Err(r) => r,
    }
}

/// The HTTP answer for an engine refusal.
fn refused(e: &OpsError, seq: u64) -> Response {
    crate::operations::refusal(e, seq).into_response()
}

async fn command(
    State(s): State<WebState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let (ops, actor) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if !same_origin(&headers) {
        return ApiError::forbidden("cross-site request refused").into_response();
    }
    let too_large = || {
        ApiError::too_large(
            "too_large",
            format!("an ops request is at most {MAX_BODY} bytes"),
        )
        .into_response()
    };
    // Refuse a declared oversize body before reading any of it.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return too_large();
    };
    let cmd: Command = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => {
            let why = format!("not an ops command: {e}");
            let o = ops.clone();
            let name = actor.name.clone();
            let w = why.clone();
            let seq = blocking(move || o.refuse(&name, "ops.bad_request", &w))
                .await
                .ok()
                .flatten();
            let seq = seq.map_or_else(String::new, |n| format!(" (audit record {n})"));
            return ApiError::bad_request("bad_command", format!("{why}{seq}")).into_response();
        }
    };
    // A classification of a track the tracker does not have is refused
    // (and audited) here, before the desk could take it.
    if let Err(e) = crate::operations::preflight(&ops, &actor, &cmd).await {
        return e.into_response();
    }
    let result = blocking(move || ops.submit(&actor, &cmd)).await;
    match result {
        Err(r) => r,
        Ok(Ok(done)) => Json(serde_json::json!({ "accepted": true, "audit": [done.seqs.0, done.seqs.1], "effects": done.effects.len() })).into_response(),
        Ok(Err(SubmitError::Refused { error, seq })) => refused(&error, seq),
        Ok(Err(SubmitError::Desk(e))) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "ops_stopped", e.to_string()).into_response(),
    }
}

/// The latest classification of every track classified, newest first.
async fn classifications(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let text = ops.with_desk(|d| {
        let mut list: Vec<_> = d.engine().classifications().collect();
        list.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.uid.cmp(&b.uid)));
        serde_json::to_string(&serde_json::json!({
            "time": crate::now().to_string(),
            "classifications": list,
        }))
    });
    text.map_or_else(|e| ApiError::internal(e).into_response(), json_text)
}

async fn checkpoint(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    match ops.with_desk(|d| d.log().latest_checkpoint()) {
        Some(note) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response(),
        None => ApiError::not_found("no checkpoint signed yet").into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    from: u64,
    #[serde(default)]
    limit: Option<u64>,
}

async fn records(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (ops, actor) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Ok(Query(q)) = q else {
        return ApiError::bad_request("bad_query", "from and limit are whole numbers")
            .into_response();
    };
    if !(actor.has(Role::Legal) || actor.has(Role::Admin)) {
        let who = actor.name.clone();
        let _ = blocking(move || {
            ops.refuse(
                &who,
                "audit.records",
                "reading audit records needs the legal or admin role",
            )
        })
        .await;
        return ApiError::forbidden("reading audit records needs the legal or admin role")
            .into_response();
    }
    let limit = q.limit.unwrap_or(100).min(MAX_RECORDS);
    let page = ops.with_desk(|d| d.log().records(q.from, limit));
    match page {
        Ok(list) => match serde_json::to_string(&list) {
            Ok(t) => json_text(t),
            Err(e) => ApiError::internal(e).into_response(),
        },
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct InclusionQuery {
    seq: u64,
    size: Option<u64>,
}

fn hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

async fn inclusion(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<InclusionQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Ok(Query(q)) = q else {
        return ApiError::bad_request("bad_query", "seq (and size) are whole numbers")
            .into_response();
    };
    let answer = ops.with_desk(|d| {
        let log = d.log();
        let size = q.size.unwrap_or(log.len());
        let proof = log.inclusion_proof(q.seq, size)?;
        let root = log.root_at(size)?;
        let leaf = log.leaf_hash(q.seq);
        Ok::<_, audit::LogError>(serde_json::json!({
            "seq": q.seq,
            "size": size,
            "leaf_hash": leaf.map(|l| hex(&l)),
            "root": hex(&root),
            "proof": proof.iter().map(|h| hex(h)).collect::<Vec<_>>(),
        }))
    });
    match answer {
        Ok(v) => Json(v).into_response(),
        Err(e) => ApiError::bad_request("bad_proof", e.to_string()).into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct ConsistencyQuery {
    old: u64,
    new: Option<u64>,
}

async fn consistency(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<ConsistencyQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (ops, _) = match parts(&s, &headers) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Ok(Query(q)) = q else {
        return ApiError::bad_request("bad_query", "old (and new) are whole numbers")
            .into_response();
    };
    let answer = ops.with_desk(|d| {
        let log = d.log();
        let new = q.new.unwrap_or(log.len());
        let proof = log.consistency_proof(q.old, new)?;
        Ok::<_, audit::LogError>(serde_json::json!({
            "old": q.old,
            "new": new,
            "old_root": hex(&log.root_at(q.old)?),
            "new_root": hex(&log.root_at(new)?),
            "proof": proof.iter().map(|h| hex(h)).collect::<Vec<_>>(),
        }))
    });
    match answer {
        Ok(v) => Json(v).into_response(),
        Err(e) => ApiError::bad_request("bad_proof", e.to_string()).into_response(),
    }
}
