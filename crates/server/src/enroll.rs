//! Certificate enrollment on `--enroll`: TAK clients with a user name and
//! password (HTTP Basic auth against the users file) get a client
//! certificate signed by the server's CA, as TAK Server's port 8446 does.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use base64::Engine as _;
use parking_lot::Mutex;
use trust::users::LoginLimiter;

use crate::https::Peer;
use crate::metrics::Metrics;
use crate::users::Users;

/// What the enrollment handlers share.
pub(crate) struct Enroll {
    pub(crate) certs: Arc<trust::CertDir>,
    pub(crate) users: Arc<Users>,
    pub(crate) limiter: Mutex<LoginLimiter>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) org: String,
    /// One warning per period for refused logins, so a password flood cannot flood the log.
    pub(crate) warn: Mutex<crate::ratelimit::WarnLimit>,
}

impl Enroll {
    /// Five wrong passwords per user and address in a minute lock that pair out.
    pub(crate) fn new(
        certs: Arc<trust::CertDir>,
        users: Arc<Users>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Enroll {
            certs,
            users,
            limiter: Mutex::new(LoginLimiter::new(5, Duration::from_secs(60))),
            metrics,
            org: "watchfloor".into(),
            warn: Mutex::new(crate::ratelimit::WarnLimit::new(Duration::from_secs(10))),
        }
    }
}

/// The enrollment routes.
pub(crate) fn router(state: Arc<Enroll>) -> Router {
    Router::new()
        .route("/Marti/api/tls/config", get(tls_config))
        .route("/Marti/api/tls/signClient/v2", post(sign_client))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(DefaultBodyLimit::max(trust::MAX_CSR_LEN + 1024))
        .with_state(state)
}

/// The one JSON error shape of the HTTP API.
pub(crate) fn error(status: StatusCode, code: &'static str, message: &str) -> Response {
    api::ApiError::new(status, code, message).into_response()
}

/// Checks Basic credentials; the user name on success.
async fn authenticate(state: &Enroll, headers: &HeaderMap, ip: IpAddr) -> Result<String, Response> {
    let unauthorized = || {
        let mut r = error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a user name and password are required",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"watchfloor\""),
        );
        r
    };
    let Some((user, password)) = basic_credentials(headers) else {
        return Err(unauthorized());
    };
    if let Err(wait) = state.limiter.lock().check(&user, ip, Instant::now()) {
        Metrics::add(&state.metrics.logins_refused, 1);
        if state.warn.lock().allow(tokio::time::Instant::now()) {
            tracing::warn!(%user, %ip, refused_so_far = state.metrics.logins_refused.load(std::sync::atomic::Ordering::Relaxed), "enrollment login rate limited");
        }
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many failed logins; try later",
        );
        if let Ok(v) = header::HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(r);
    }
    let users = state.users.clone();
    let (u, p) = (user.clone(), password);
    // argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || users.verify(&u, &p))
        .await
        .unwrap_or(false);
    if ok {
        state.limiter.lock().record_success(&user, ip);
        Ok(user)
    } else {
        state
            .limiter
            .lock()
            .record_failure(&user, ip, Instant::now());
        Metrics::add(&state.metrics.logins_refused, 1);
        if state.warn.lock().allow(tokio::time::Instant::now()) {
            tracing::warn!(%user, %ip, refused_so_far = state.metrics.logins_refused.load(std::sync::atomic::Ordering::Relaxed), "enrollment login refused");
        }
        Err(unauthorized())
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

async fn tls_config(
    State(state): State<Arc<Enroll>>,
    Extension(peer): Extension<Peer>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authenticate(&state, &headers, peer.addr.ip()).await {
        return r;
    }
    let xml = trust::enroll::tls_config_xml(&state.org, "watchfloor");
    (
        [(header::CONTENT_TYPE, trust::enroll::TLS_CONFIG_CONTENT_TYPE)],
        xml,
    )
        .into_response()
}

async fn sign_client(
    State(state): State<Arc<Enroll>>,
    Extension(peer): Extension<Peer>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let user = match authenticate(&state, &headers, peer.addr.ip()).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let Some(format) = trust::enroll::ResponseFormat::from_accept(accept) else {
        return error(
            StatusCode::BAD_REQUEST,
            "unsupported_accept",
            "answers are JSON or XML",
        );
    };
    let certs = state.certs.clone();
    let who = user.clone();
    let signed = tokio::task::spawn_blocking(move || certs.sign_csr(&body, &who)).await;
    match signed {
        Ok(Ok(s)) => {
            tracing::info!(%user, serial = %s.serial, "client certificate enrolled");
            (
                [(header::CONTENT_TYPE, format.content_type())],
                format.render(&s.leaf, &s.chain),
            )
                .into_response()
        }
        Ok(Err(e)) => {
            tracing::warn!(%user, error = %e, "certificate signing request refused");
            error(StatusCode::BAD_REQUEST, "bad_csr", &e.to_string())
        }
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "signing failed",
        ),
    }
}

/// Serves enrollment on `listener` (HTTPS without client certificates).
pub(crate) fn start(
    listener: tokio::net::TcpListener,
    trust: &crate::tls::TrustParts,
    shell: &mut crate::Shell,
) {
    let state = Arc::new(Enroll::new(
        trust.certs.clone(),
        trust.users.clone(),
        shell.metrics.clone(),
    ));
    let cfg = trust.enroll_config.clone();
    let make: crate::https::MakeRouter =
        Arc::new(move |peer| router(state.clone()).layer(axum::Extension(peer)));
    shell.tasks.spawn(crate::https::serve(
        listener,
        move || cfg.clone(),
        make,
        shell.metrics.clone(),
        shell.shutdown.clone(),
    ));
}
