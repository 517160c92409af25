//! Shared helpers: a fake server context, a Marti on a temporary directory, request builders.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use marti::{ClientEndpoint, Config, Context, Marti};
use picture::Identity;
use tempfile::TempDir;
use tower::ServiceExt;

/// Stored CoT: (time ms, xml, groups) per uid.
type Events = HashMap<String, Vec<(i64, String, Vec<String>)>>;

/// A context whose clients and CoT history the tests set directly.
#[derive(Default)]
pub(crate) struct FakeCtx {
    pub(crate) endpoints: Mutex<Vec<ClientEndpoint>>,
    pub(crate) events: Mutex<Events>,
}

impl FakeCtx {
    pub(crate) fn add_event(&self, uid: &str, ms: i64, xml: &str, groups: &[&str]) {
        self.events
            .lock()
            .unwrap()
            .entry(uid.into())
            .or_default()
            .push((
                ms,
                xml.into(),
                groups.iter().map(|g| g.to_string()).collect(),
            ));
    }
}

impl Context for FakeCtx {
    fn client_endpoints(&self) -> Vec<ClientEndpoint> {
        self.endpoints.lock().unwrap().clone()
    }
    fn latest_cot(&self, uid: &str) -> Option<(String, Vec<String>)> {
        let ev = self.events.lock().unwrap();
        ev.get(uid)?.last().map(|(_, x, g)| (x.clone(), g.clone()))
    }
    fn cot_history(
        &self,
        uid: &str,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        limit: usize,
    ) -> Vec<(String, Vec<String>)> {
        let ev = self.events.lock().unwrap();
        ev.get(uid)
            .into_iter()
            .flatten()
            .filter(|(t, _, _)| from_ms.is_none_or(|f| *t >= f) && to_ms.is_none_or(|e| *t < e))
            .take(limit)
            .map(|(_, x, g)| (x.clone(), g.clone()))
            .collect()
    }
}

/// A Marti on a temporary directory.
pub(crate) struct Env {
    pub(crate) dir: TempDir,
    pub(crate) ctx: Arc<FakeCtx>,
    pub(crate) config: Config,
    pub(crate) app: Router,
}

impl Env {
    pub(crate) fn new() -> Env {
        Env::with(|_| {})
    }

    pub(crate) fn with(tweak: impl FnOnce(&mut Config)) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        config.server_version = "1.2.3".into();
        tweak(&mut config);
        let ctx = Arc::new(FakeCtx::default());
        let app = open(&config, &ctx);
        Env {
            dir,
            ctx,
            config,
            app,
        }
    }

    /// A fresh `Marti` on the same directory, as after a server restart.
    pub(crate) fn restart(&mut self) {
        self.app = open(&self.config, &self.ctx);
    }

    pub(crate) fn packages_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("packages")
    }

    /// Files stored under their hash (tmp/ excluded).
    pub(crate) fn stored_files(&self) -> usize {
        count_files(&self.packages_dir())
    }

    /// Files left in packages/tmp.
    pub(crate) fn temp_files(&self) -> usize {
        count_files(&self.packages_dir().join("tmp"))
    }

    pub(crate) async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body,
        }
    }
}

/// The API's clock in tests: 2026-01-01T00:00:00Z.
pub(crate) const NOW_MS: i64 = 1_767_225_600_000;

/// The API on `config.data_dir`, its catalog in `packages.sqlite` there as the server keeps it.
fn open(config: &Config, ctx: &Arc<FakeCtx>) -> Router {
    let packages = store::SqlitePackages::open(&config.data_dir.join("packages.sqlite")).unwrap();
    let clock = Arc::new(cot::FixedClock(cot::Time::from_millis(NOW_MS)));
    Marti::open(config.clone(), ctx.clone(), Arc::new(packages), clock)
        .unwrap()
        .router()
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_file())
        .count()
}

pub(crate) struct Resp {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Resp {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).unwrap()
    }
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
    /// Asserts the one error shape with this status and code.
    #[track_caller]
    pub(crate) fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(self.header("content-type"), "application/json");
        let v = self.json();
        assert_eq!(v["error"]["status"], status, "{v}");
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty(), "{v}");
    }
}

pub(crate) fn caller(user: &str, groups: &[&str]) -> Identity {
    let g: Vec<String> = groups.iter().map(|s| s.to_string()).collect();
    Identity::new(Some(user.into()), g.clone(), g)
}

/// A request with an optional caller extension.
pub(crate) fn req(
    method: &str,
    uri: &str,
    who: Option<&Identity>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "tak.example:8443")
        .body(body.into())
        .unwrap();
    if let Some(c) = who {
        r.extensions_mut().insert(c.clone());
    }
    r
}

pub(crate) const BOUNDARY: &str = "XyZzYboundary42";

/// A multipart body with one file part.
pub(crate) fn multipart(field: &str, filename: &str, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/zip\r\n\r\n").as_bytes());
    b.extend_from_slice(data);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// POST multipart to `uri` as `who`.
pub(crate) fn post_multipart(uri: &str, who: Option<&Identity>, body: Vec<u8>) -> Request<Body> {
    let mut r = req("POST", uri, who, body);
    r.headers_mut().insert(
        "content-type",
        format!("multipart/form-data; boundary={BOUNDARY}")
            .parse()
            .unwrap(),
    );
    r
}

/// Uploads `data` with missionupload as `who`; returns the response.
pub(crate) async fn mission_upload(
    env: &Env,
    who: Option<&Identity>,
    filename: &str,
    data: &[u8],
) -> Resp {
    let uri = format!("/Marti/sync/missionupload?filename={filename}&creatorUid=ANDROID-1");
    env.send(post_multipart(
        &uri,
        who,
        multipart("assetfile", "pkg.zip", data),
    ))
    .await
}

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// Deterministic test bytes.
pub(crate) fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}
