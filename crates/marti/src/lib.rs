//! The Marti HTTP API that ATAK, WinTAK and iTAK call on a TAK server: server version and
//! configuration probes, the contact list, data packages (upload, query, search, download,
//! visibility) and CoT lookups by uid.
//!
//! The crate is self-contained: the server crate builds a [`Marti`] with a [`Config`], a
//! [`Context`] (its view of the picture and the CoT history) and a [`store::PackageCatalog`]
//! (where package metadata is kept), mounts [`Marti::router`] on its
//! HTTPS and HTTP listeners, and inserts a [`picture::Identity`] (mTLS: the certificate's user
//! and groups; plain HTTP on a trusted network: anonymous; absent: anonymous) and optionally a
//! [`Scheme`] into every request's extensions. Everything a caller sees is filtered by
//! [`picture::Identity::sees`]: a package or CoT event is visible iff its groups intersect the
//! caller's receive (OUT) groups, and anything invisible answers 404 so its existence is not
//! revealed. Uploads are shared with the caller's send (IN) groups.
//!
//! Data packages are stored content-addressed by SHA-256 under `DATA_DIR/packages/`, with their
//! metadata in the catalog (the server's is `DATA_DIR/packages.sqlite`); uploads are streamed to a temporary file, hashed,
//! fsynced and renamed into place, so a failed or truncated upload leaves nothing behind.
//!
//! Every rejection, including axum's own (bad query, unknown route, wrong method), answers with
//! one JSON shape, see [`ApiError`].

mod access;
mod blob;
mod content;
mod error;
mod extract;
mod info;
mod names;
mod openapi;
mod receive;
mod routes;
mod search;
mod upload;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use error::{ApiError, MartiError};

/// The scheme of the listener a request came in on, inserted by the server as a request
/// extension so URLs in responses (`…/Marti/sync/content?hash=…`) point back at the same
/// listener. Absent: the request URI's scheme, else `http`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

/// One client known to the server, as listed by `/Marti/api/clientEndPoints`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientEndpoint {
    /// The client's callsign.
    pub callsign: String,
    /// The client's uid (its SA event uid).
    pub uid: String,
    /// The authenticated user behind the connection, if any.
    pub username: Option<String>,
    /// Team colour (`__group@name`), if reported.
    pub team: Option<String>,
    /// Team role (`__group@role`), if reported.
    pub role: Option<String>,
    /// When the client last sent anything, in milliseconds since the Unix epoch.
    pub last_event_ms: i64,
    /// Whether the client is connected now.
    pub connected: bool,
    /// The groups that may see this client: its send (IN) groups.
    pub groups: Vec<String>,
}

/// What the API needs from the rest of the server: the picture and the CoT history.
pub trait Context: Send + Sync + 'static {
    /// Connected and recently seen clients, for clientEndPoints (the server filters nothing;
    /// this crate filters by groups).
    fn client_endpoints(&self) -> Vec<ClientEndpoint>;
    /// Latest stored CoT (full XML) for a uid, if any, with the group names that may see it.
    fn latest_cot(&self, uid: &str) -> Option<(String, Vec<String>)>;
    /// Stored CoT history for a uid within `[from_ms, to_ms)` (milliseconds since the Unix
    /// epoch), newest last, at most `limit` events, each with the groups that may see it.
    fn cot_history(
        &self,
        uid: &str,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        limit: usize,
    ) -> Vec<(String, Vec<String>)>;
}

/// Settings of the Marti API.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where `packages/` lives; created if missing.
    pub data_dir: PathBuf,
    /// Largest accepted upload, in bytes (default 64 MiB).
    pub max_upload_bytes: u64,
    /// Sum of the sizes of the distinct files one user may have stored, in bytes (default 1 GiB).
    pub quota_bytes_per_user: u64,
    /// Version text served by `/Marti/api/version` (after `watchfloor `).
    pub server_version: String,
    /// Base of URLs in responses, e.g. `https://tak.example:8443`; when `None` it is built from
    /// the request's scheme and `Host` header.
    pub public_base_url: Option<String>,
}

impl Config {
    /// The defaults for a data directory: 64 MiB uploads, 1 GiB per user, this crate's version.
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            max_upload_bytes: 64 * 1024 * 1024,
            quota_bytes_per_user: 1024 * 1024 * 1024,
            server_version: env!("CARGO_PKG_VERSION").to_owned(),
            public_base_url: None,
        }
    }
}

/// State shared by every handler.
pub(crate) struct AppState {
    pub(crate) config: Config,
    pub(crate) ctx: Arc<dyn Context>,
    pub(crate) packages: Arc<dyn store::PackageCatalog>,
    /// Where now comes from: submission times, `secAgo` windows.
    pub(crate) clock: Arc<dyn cot::Clock>,
    pub(crate) blobs: Arc<blob::Blobs>,
    /// Hashes whose file was found missing, so that is logged once, not on every request.
    pub(crate) warned_missing: Mutex<HashSet<String>>,
}

/// Shared handler state.
pub(crate) type Shared = Arc<AppState>;

/// The Marti API: package storage plus the handlers; cheap to clone.
#[derive(Clone)]
pub struct Marti {
    state: Shared,
}

impl Marti {
    /// Opens (creating if needed) `DATA_DIR/packages/`, removes temporary files left by uploads
    /// interrupted by a crash, keeps package metadata in `packages` and reads the time from
    /// `clock`.
    pub fn open(
        config: Config,
        ctx: Arc<dyn Context>,
        packages: Arc<dyn store::PackageCatalog>,
        clock: Arc<dyn cot::Clock>,
    ) -> Result<Marti, MartiError> {
        if config.max_upload_bytes == 0 {
            return Err(MartiError::Config(
                "max_upload_bytes must be positive".into(),
            ));
        }
        let blobs = blob::Blobs::open(&config.data_dir.join("packages"))?;
        Ok(Marti {
            state: Arc::new(AppState {
                config,
                ctx,
                packages,
                clock,
                blobs: Arc::new(blobs),
                warned_missing: Mutex::new(HashSet::new()),
            }),
        })
    }

    /// All `/Marti` routes and a JSON 404 fallback for anything else. The server serves the
    /// OpenAPI document that [`Marti::openapi_json`] is its part of.
    pub fn router(&self) -> axum::Router {
        routes::router(self.state.clone())
    }

    /// This API's part of the server's OpenAPI 3 document, as JSON text (its paths and
    /// schemas; the `Error` schema and response come from the document's base, see
    /// [`api::openapi::Document`]).
    pub fn openapi_json() -> &'static str {
        openapi::OPENAPI_JSON
    }
}
