//! `GET /Marti/sync/search`, `GET /Marti/sync/missionquery` and
//! `PUT /Marti/api/sync/metadata/{hash}/tool`.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use store::{Package, PackageFilter};

use crate::access::{iso, package_error, parse_iso, MAX_RESULTS};
use crate::extract::Caller;
use crate::extract::{Origin, QueryShape, P, Q};
use crate::names::{parse_hash, parse_tool};
use crate::upload::content_url;
use crate::{ApiError, Shared};

/// Longest accepted `tool` body, in bytes.
const MAX_TOOL_BODY: usize = 256;

/// Query of `search`; TAK's geographic and mission filters are accepted and ignored.
#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    keyword: Option<String>,
    tool: Option<String>,
    mimetype: Option<String>,
    name: Option<String>,
    filename: Option<String>,
    uid: Option<String>,
    hash: Option<String>,
    #[serde(rename = "startTime")]
    start_time: Option<String>,
    #[serde(rename = "endTime")]
    end_time: Option<String>,
}

impl QueryShape for SearchQuery {}

/// Query of `missionquery`.
#[derive(Deserialize)]
pub(crate) struct HashQuery {
    hash: Option<String>,
}

impl QueryShape for HashQuery {}

/// The metadata object of search results and of `upload`'s answer (TAK's field names). As TAK
/// Server's `Metadata.toJSONObject` does, every single-valued field is a string (`EXPIRATION`,
/// `Size`, `PrimaryKey` too: node-tak's `Package` schema refuses numbers there).
pub(crate) fn package_json(p: &Package) -> Value {
    json!({
        "UID": p.uid,
        "Name": p.name,
        "FileName": p.filename,
        "Hash": p.hash,
        "CreatorUid": p.creator_uid,
        "SubmissionDateTime": iso(p.submitted_ms),
        "EXPIRATION": "-1",
        "Keywords": p.keywords,
        "MIMEType": p.mime,
        "Size": p.size.to_string(),
        "SubmissionUser": p.submitter,
        "PrimaryKey": p.pk.to_string(),
        "Tool": p.tool,
    })
}

/// Lists the visible packages matching the filters, newest first, at most 1000.
pub(crate) async fn search(
    State(st): State<Shared>,
    Caller(caller): Caller,
    Q(q): Q<SearchQuery>,
) -> Result<Response, ApiError> {
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let filter = PackageFilter {
        keyword: nonempty(q.keyword),
        tool: nonempty(q.tool).map(|t| parse_tool(&t)).transpose()?,
        mime: nonempty(q.mimetype),
        name: nonempty(q.name),
        filename: nonempty(q.filename),
        uid: nonempty(q.uid),
        hash: nonempty(q.hash).map(|h| parse_hash(&h)).transpose()?,
        from_ms: nonempty(q.start_time)
            .map(|t| parse_iso("startTime", &t))
            .transpose()?,
        to_ms: nonempty(q.end_time)
            .map(|t| parse_iso("endTime", &t))
            .transpose()?,
    };
    let found = st.visible(filter, &caller, MAX_RESULTS).await?;
    let results: Vec<Value> = found.iter().map(package_json).collect();
    Ok(axum::Json(json!({"resultCount": results.len(), "results": results})).into_response())
}

/// The content URL of a visible package with this hash, or 404 (ATAK asks before uploading).
pub(crate) async fn mission_query(
    State(st): State<Shared>,
    Caller(caller): Caller,
    origin: Origin,
    Q(q): Q<HashQuery>,
) -> Result<Response, ApiError> {
    let Some(hash) = q.hash else {
        return Err(ApiError::bad_request(
            "missing_parameter",
            "hash is required",
        ));
    };
    let pkg = st.visible_by_hash(&parse_hash(&hash)?, &caller).await?;
    Ok(content_url(&origin, &pkg.hash).into_response())
}

/// Sets `public`/`private` on the caller's visible packages with this hash; only the submitter
/// or a caller who may send to one of the package's groups may change it.
pub(crate) async fn set_tool(
    State(st): State<Shared>,
    Caller(caller): Caller,
    P(hash): P<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let hash = parse_hash(&hash)?;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_long = || {
        ApiError::too_large(
            "too_large",
            format!("tool body is longer than {MAX_TOOL_BODY} bytes"),
        )
    };
    if declared.is_some_and(|n| n > MAX_TOOL_BODY as u64) {
        return Err(too_long());
    }
    let bytes = axum::body::to_bytes(body, MAX_TOOL_BODY)
        .await
        .map_err(|e| {
            let inner = e.into_inner();
            if inner.is::<http_body_util::LengthLimitError>() {
                too_long()
            } else {
                ApiError::bad_request(
                    "bad_body",
                    format!("request body could not be read: {inner}"),
                )
            }
        })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::bad_request("bad_tool", "tool body is not UTF-8"))?;
    let tool = parse_tool(text)?;
    let filter = PackageFilter {
        hash: Some(hash),
        ..PackageFilter::default()
    };
    let visible = st.visible(filter, &caller, MAX_RESULTS).await?;
    if visible.is_empty() {
        return Err(ApiError::not_found("no data package with this hash"));
    }
    let allowed: Vec<i64> = visible
        .iter()
        .filter(|p| {
            caller.user() == Some(p.submitter.as_str())
                || p.groups.iter().any(|g| caller.send().contains(g))
        })
        .map(|p| p.pk)
        .collect();
    if allowed.is_empty() {
        return Err(ApiError::forbidden(
            "only the submitter or a member of the package's groups may change its tool",
        ));
    }
    let count = allowed.len();
    let t = tool.clone();
    st.blocking(move |db, _| db.set_tool(&allowed, &t).map_err(package_error))
        .await?;
    tracing::info!(packages = count, tool, "data package tool changed");
    Ok(tool.into_response())
}
