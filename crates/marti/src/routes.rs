//! The route table: one list that builds the router and that the OpenAPI test checks, so a
//! route cannot be added without being described.

use axum::extract::DefaultBodyLimit;
use axum::http::header::ALLOW;
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::{content, info, search, upload, ApiError, Shared};

/// Body limit of every route that is not an upload, in bytes.
const SMALL_BODY: usize = 64 * 1024;
/// Room for multipart boundaries and part headers above the file size limit, in bytes.
const MULTIPART_OVERHEAD: u64 = 1024 * 1024;

/// One route: its axum path and the methods it answers (HEAD implied by GET).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RouteSpec {
    pub(crate) path: &'static str,
    pub(crate) methods: &'static [&'static str],
}

/// Every route of the API with its handlers.
pub(crate) fn table(max_upload_bytes: u64) -> Vec<(RouteSpec, MethodRouter<Shared>)> {
    // Twice the file limit: an oversized upload is read to its end (up to this bound) so a
    // client that sends everything before reading gets its 413 instead of a reset connection.
    let upload_limit = max_upload_bytes
        .saturating_mul(2)
        .saturating_add(MULTIPART_OVERHEAD);
    let upload_limit = usize::try_from(upload_limit).unwrap_or(usize::MAX);
    let spec = |path, methods| RouteSpec { path, methods };
    vec![
        (spec("/Marti/api/version", &["get"]), get(info::version)),
        (
            spec("/Marti/api/version/config", &["get"]),
            get(info::version_config),
        ),
        (
            spec("/Marti/api/clientEndPoints", &["get"]),
            get(info::client_endpoints),
        ),
        (
            spec("/Marti/sync/missionupload", &["post"]),
            post(upload::mission_upload).layer(DefaultBodyLimit::max(upload_limit)),
        ),
        (
            spec("/Marti/sync/missionquery", &["get"]),
            get(search::mission_query),
        ),
        (
            spec("/Marti/sync/upload", &["post"]),
            post(upload::upload).layer(DefaultBodyLimit::max(upload_limit)),
        ),
        (
            spec("/Marti/sync/content", &["get", "head"]),
            get(content::content),
        ),
        (spec("/Marti/sync/search", &["get"]), get(search::search)),
        (
            spec(
                "/Marti/api/sync/metadata/:hash/tool",
                &["get", "head", "put"],
            ),
            get(content::metadata_file).put(search::set_tool),
        ),
        (
            spec("/Marti/api/cot/xml/:uid", &["get"]),
            get(info::cot_xml),
        ),
        (
            spec("/Marti/api/cot/xml/:uid/all", &["get"]),
            get(info::cot_xml_all),
        ),
    ]
}

/// The router with state, body limits and JSON fallbacks.
pub(crate) fn router(st: Shared) -> Router {
    let mut r: Router<Shared> = Router::new();
    for (spec, mr) in table(st.config.max_upload_bytes) {
        let allowed = spec.methods;
        r = r.route(
            spec.path,
            mr.fallback(move |method: Method, uri: Uri| async move {
                method_not_allowed(allowed, method, uri)
            }),
        );
    }
    r.fallback(not_found)
        .layer(DefaultBodyLimit::max(SMALL_BODY))
        .with_state(st)
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {}", uri.path()))
}

/// 405 in the JSON shape, with the `Allow` header RFC 9110 asks for.
fn method_not_allowed(allowed: &[&str], method: Method, uri: Uri) -> Response {
    let list = allowed
        .iter()
        .map(|m| m.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(", ");
    let err = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}; use {list}", uri.path()),
    );
    let mut res = err.into_response();
    if let Ok(v) = HeaderValue::from_str(&list) {
        res.headers_mut().insert(ALLOW, v);
    }
    res
}
