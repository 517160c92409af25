//! The web listener's HTTP side: the embedded page, the session and login
//! API, replay from the store, and the WebSocket upgrade. Every error has
//! the one JSON shape of `web/PROTOCOL.md`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::auth::{self, LoginError, Logins};
use super::feed::WebFeed;
use super::WebConfig;
use crate::metrics::Metrics;
use crate::users::Users;
use cop::command::WebUser;
use cop::hub::Viewer;

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct WebState {
    pub(crate) feed: Arc<WebFeed>,
    pub(crate) config: Arc<WebConfig>,
    pub(crate) users: Arc<Users>,
    pub(crate) logins: Arc<Logins>,
    pub(crate) store: Option<Arc<dyn store::HistoryRead>>,
    pub(crate) stop: CancellationToken,
    pub(crate) ops: Option<Arc<crate::operations::OpsShared>>,
    pub(crate) flows: Option<Arc<crate::flows::FlowsShared>>,
    pub(crate) basemaps: Arc<super::basemap_routes::Basemaps>,
}

use api::ApiError;

/// The routes of the web listener.
pub(crate) fn router(state: WebState) -> Router {
    Router::new()
        .route("/api/web/session", get(session))
        .route("/api/web/login", post(login))
        .route("/api/web/logout", post(logout))
        .route("/api/web/replay/range", get(replay_range))
        .route("/api/web/replay", get(replay))
        .route("/api/web/ws", get(ws))
        .merge(super::ops_routes::router())
        .merge(super::flows_routes::router())
        .merge(super::basemap_routes::router())
        .route("/api/*rest", get(no_api))
        .fallback(get(asset))
        .with_state(state)
}

/// Who is asking: a logged-in user, anonymous (no users configured), or
/// nobody allowed.
enum WebCaller {
    Anonymous,
    User(String),
    Refused,
}

impl WebState {
    fn login_required(&self) -> bool {
        self.users.any()
    }

    fn caller(&self, headers: &HeaderMap) -> WebCaller {
        if !self.login_required() {
            return WebCaller::Anonymous;
        }
        match self.logins.user(headers) {
            Some(u) => WebCaller::User(u),
            None => WebCaller::Refused,
        }
    }

    /// The web user, what it may see, and where its messages go.
    fn identity(&self, caller: &WebCaller) -> (WebUser, Viewer, Arc<Vec<String>>) {
        let c = &self.config;
        // The web user's messages go to its identity's send groups; an
        // empty list (a listen-only user) sends as anonymous, as before.
        let (uid, callsign, identity) = match caller {
            WebCaller::User(name) => (
                format!("watchfloor-web-{}", uid_part(name)),
                format!("C2 {}", name.to_uppercase()),
                self.users.identity(name),
            ),
            _ => (
                format!("watchfloor-web-{}", uid_part(&c.callsign)),
                c.callsign.clone(),
                picture::Identity::operator(c.groups.clone()),
            ),
        };
        let send = identity.send().to_vec();
        let me = WebUser {
            uid: uid.clone(),
            callsign,
            team: c.team.clone(),
            lat: c.position.0,
            lon: c.position.1,
        };
        let viewer = Viewer {
            identity,
            uid,
            team: c.team.clone(),
        };
        (me, viewer, Arc::new(send))
    }

    /// The ops actor of a request: a logged-in user with the roles the
    /// users file gives them, or, with no users at all (a loopback-only
    /// console), the operator with every role. `None`: not logged in.
    pub(crate) fn ops_actor(&self, headers: &HeaderMap) -> Option<ops::Actor> {
        match self.caller(headers) {
            WebCaller::User(name) => Some(ops::Actor::user(&name, &self.users.roles(&name))),
            WebCaller::Anonymous => Some(ops::Actor::user(
                "operator",
                &[ops::Role::WatchOfficer, ops::Role::Legal, ops::Role::Admin],
            )),
            WebCaller::Refused => None,
        }
    }

    fn session_json(&self, caller: &WebCaller) -> serde_json::Value {
        let (me, viewer, _) = self.identity(caller);
        let c = &self.config;
        let authenticated = !matches!(caller, WebCaller::Refused);
        serde_json::json!({
            "login_required": self.login_required(),
            "authenticated": authenticated,
            "user": match caller { WebCaller::User(u) => Some(u.as_str()), _ => None },
            "uid": authenticated.then_some(me.uid),
            "callsign": authenticated.then_some(me.callsign),
            "team": c.team,
            "groups": viewer.identity.recv().unwrap_or_default().iter().filter(|g| *g != picture::ANON_GROUP).collect::<Vec<_>>(),
            "simulation": c.simulation,
            "classification": c.classification,
            "center": [c.center.0, c.center.1],
            "zoom": c.zoom,
            "tiles": c.tiles.as_ref().map(|t| serde_json::json!({"url": t.url, "attribution": t.attribution, "max_zoom": t.max_zoom})),
            "basemaps": if authenticated { self.basemaps.list_json() } else { Vec::new() },
            "version": concat!("watchfloor ", env!("CARGO_PKG_VERSION")),
        })
    }
}

/// A user name as it may appear in a uid.
fn uid_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

async fn session(State(s): State<WebState>, headers: HeaderMap) -> Json<serde_json::Value> {
    Json(s.session_json(&s.caller(&headers)))
}

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
}

async fn login(
    State(s): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Option<Json<LoginBody>>,
) -> Response {
    let Some(Json(body)) = body else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "expected {\"username\", \"password\"}",
        )
        .into_response();
    };
    if body.username.len() > 128 || body.password.len() > 1024 {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "name or password too long",
        )
        .into_response();
    }
    let users = s.users.clone();
    let (name, pw) = (body.username.clone(), body.password.clone());
    let logins = s.logins.clone();
    // Password hashing is deliberately slow: keep it off the async workers.
    let result = tokio::task::spawn_blocking(move || {
        logins.login(&name, peer.ip(), || users.verify(&name, &pw))
    })
    .await
    .unwrap_or(Err(LoginError::Refused));
    match result {
        Ok(token) => {
            tracing::info!(user = %body.username, addr = %peer, "web login");
            let caller = WebCaller::User(body.username);
            let mut r = Json(s.session_json(&caller)).into_response();
            if let Ok(v) =
                HeaderValue::from_str(&auth::set_cookie(Some(&token), s.config.secure_cookies))
            {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => {
            Metrics::add(&s.feed.metrics.web_logins_refused, 1);
            match e {
                LoginError::Refused => {
                    tracing::warn!(user = %body.username, addr = %peer, "web login refused");
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "unauthorized",
                        "wrong user name or password",
                    )
                    .into_response()
                }
                LoginError::Limited(wait) => {
                    tracing::warn!(user = %body.username, addr = %peer, "web login rate limited");
                    ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "rate_limited",
                        format!(
                            "too many failed logins; try again in {} s",
                            wait.as_secs().max(1)
                        ),
                    )
                    .into_response()
                }
            }
        }
    }
}

async fn logout(State(s): State<WebState>, headers: HeaderMap) -> Response {
    s.logins.logout(&headers);
    let mut r = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(None, s.config.secure_cookies)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

fn unauthorized() -> Response {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "log in first").into_response()
}

fn no_store() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_store",
        "this server keeps no history (no data dir)",
    )
    .into_response()
}

async fn replay_range(State(s): State<WebState>, headers: HeaderMap) -> Response {
    if matches!(s.caller(&headers), WebCaller::Refused) {
        return unauthorized();
    }
    let Some(store) = s.store.clone() else {
        return no_store();
    };
    let span = tokio::task::spawn_blocking(move || store.time_span()).await;
    match span {
        Ok(Ok(span)) => Json(serde_json::json!({
            "from": span.map(|s| s.0.millis()),
            "to": span.map_or_else(|| crate::router::now().millis(), |s| s.1.millis()),
        }))
        .into_response(),
        _ => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store",
            "history unreadable",
        )
        .into_response(),
    }
}

#[derive(Deserialize)]
struct ReplayQuery {
    at: i64,
}

async fn replay(
    State(s): State<WebState>,
    headers: HeaderMap,
    q: Option<Query<ReplayQuery>>,
) -> Response {
    let caller = s.caller(&headers);
    if matches!(caller, WebCaller::Refused) {
        return unauthorized();
    }
    let Some(Query(q)) = q else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "give at=<ms since the epoch>",
        )
        .into_response();
    };
    let Some(store) = s.store.clone() else {
        return no_store();
    };
    let (_, viewer, _) = s.identity(&caller);
    let at = q.at;
    let rows = tokio::task::spawn_blocking(move || {
        store.state_at(
            cot::Time::from_millis(at),
            super::REPLAY_LOOKBACK_MS,
            super::REPLAY_MAX_OBJECTS,
        )
    })
    .await;
    match rows {
        Ok(Ok(rows)) => {
            let objects = super::replay::objects(&rows, &viewer);
            Json(serde_json::json!({"at": at, "objects": objects})).into_response()
        }
        _ => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store",
            "history unreadable",
        )
        .into_response(),
    }
}

async fn ws(
    State(s): State<WebState>,
    headers: HeaderMap,
    upgrade: Option<WebSocketUpgrade>,
) -> Response {
    let caller = s.caller(&headers);
    if matches!(caller, WebCaller::Refused) {
        return unauthorized();
    }
    if !same_origin(&headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "cross-origin WebSocket refused",
        )
        .into_response();
    }
    if s.feed.session_count() >= super::MAX_SESSIONS {
        tracing::warn!(
            limit = super::MAX_SESSIONS,
            "web feed full; browser refused"
        );
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!("at most {} browsers at once", super::MAX_SESSIONS),
        )
        .into_response();
    }
    let Some(upgrade) = upgrade else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "expected a WebSocket upgrade",
        )
        .into_response();
    };
    let (me, viewer, send) = s.identity(&caller);
    let (feed, stop) = (s.feed.clone(), s.stop.child_token());
    upgrade
        .max_message_size(cop::command::MAX_FRAME)
        .max_frame_size(cop::command::MAX_FRAME)
        .on_upgrade(move |socket| super::session::run(socket, feed, viewer, me, send, stop))
}

/// A browser page from another site must not ride on this site's cookie.
pub(super) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true; // not a browser, or a same-origin request that omits it
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
}

async fn no_api() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API").into_response()
}

async fn asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let found = webui::get(path).or_else(|| {
        // Page routes (no file extension) all load the one page.
        (!path.rsplit('/').next().unwrap_or("").contains('.'))
            .then(|| webui::get(""))
            .flatten()
    });
    match found {
        Some(a) => {
            let cache = if a.immutable {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, a.mime),
                    (header::CACHE_CONTROL, cache),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                ],
                a.bytes,
            )
                .into_response()
        }
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no file {path}"),
        )
        .into_response(),
    }
}
