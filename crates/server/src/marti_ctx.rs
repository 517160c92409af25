//! What the Marti API reads from the rest of the server: the clients the
//! router has seen (for clientEndPoints) and the CoT history in the store.

use std::collections::HashMap;
use std::sync::Arc;

use marti::ClientEndpoint;
use parking_lot::Mutex;

use crate::sink::{Routed, Sink};

/// Most disconnected clients remembered for clientEndPoints.
const MAX_REMEMBERED: usize = 10_000;

/// Shared between the router (which writes) and the HTTP API (which reads).
pub(crate) struct MartiCtx {
    endpoints: Mutex<HashMap<String, ClientEndpoint>>,
    store: Option<Arc<dyn store::HistoryRead>>,
}

impl MartiCtx {
    /// With a read-only handle on the store, if there is one.
    pub(crate) fn new(store: Option<Arc<dyn store::HistoryRead>>) -> Self {
        MartiCtx {
            endpoints: Mutex::new(HashMap::new()),
            store,
        }
    }

    /// A client identified itself (or sent again): remember it as connected.
    pub(crate) fn seen(&self, ep: ClientEndpoint) {
        self.endpoints.lock().insert(ep.uid.clone(), ep);
    }

    /// A client's latest event time, milliseconds since the epoch.
    pub(crate) fn touch(&self, uid: &str, ms: i64) {
        if let Some(ep) = self.endpoints.lock().get_mut(uid) {
            ep.last_event_ms = ms;
        }
    }

    /// A client left; it stays listed as disconnected, within a bound.
    pub(crate) fn gone(&self, uid: &str) {
        let mut eps = self.endpoints.lock();
        if let Some(ep) = eps.get_mut(uid) {
            ep.connected = false;
        }
        if eps.len() > MAX_REMEMBERED {
            let mut old: Vec<(i64, String)> = eps
                .values()
                .filter(|e| !e.connected)
                .map(|e| (e.last_event_ms, e.uid.clone()))
                .collect();
            old.sort();
            for (_, uid) in old.into_iter().take(eps.len() - MAX_REMEMBERED) {
                eps.remove(&uid);
            }
        }
    }
}

/// The directory as a sink of the router: clients that identify, send and
/// leave.
pub(crate) struct DirectorySink(pub(crate) Arc<MartiCtx>);

impl Sink for DirectorySink {
    fn offer(&mut self, note: &Routed<'_>) {
        match note {
            Routed::Identified(c) => self.0.seen(ClientEndpoint {
                callsign: c.callsign.clone(),
                uid: c.uid.clone(),
                username: c.identity.user().map(str::to_string),
                team: c.team.clone(),
                role: c.role.clone(),
                last_event_ms: crate::clock::now().millis(),
                connected: true,
                groups: picture::shared_with(c.identity.send()),
            }),
            Routed::Accepted {
                client_uid: Some(uid),
                at_ms,
                ..
            } => self.0.touch(uid, *at_ms),
            Routed::Gone { uid } => self.0.gone(uid),
            _ => {}
        }
    }
}

impl marti::Context for MartiCtx {
    fn client_endpoints(&self) -> Vec<ClientEndpoint> {
        self.endpoints.lock().values().cloned().collect()
    }

    fn latest_cot(&self, uid: &str) -> Option<(String, Vec<String>)> {
        let store = self.store.as_ref()?;
        match store.latest(uid) {
            Ok(r) => r.map(|r| (r.xml, picture::shared_with(&r.groups))),
            Err(e) => {
                tracing::warn!(error = %e, "store lookup failed");
                None
            }
        }
    }

    fn cot_history(
        &self,
        uid: &str,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        limit: usize,
    ) -> Vec<(String, Vec<String>)> {
        let Some(store) = self.store.as_ref() else {
            return Vec::new();
        };
        let q = store::HistoryQuery {
            uid: Some(uid.to_string()),
            from_ms,
            to_ms,
            basis: store::TimeBasis::Server,
            type_prefix: None,
            limit,
        };
        match store.history(&q) {
            Ok(rows) => rows
                .into_iter()
                .map(|r| (r.xml, picture::shared_with(&r.groups)))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "store history failed");
                Vec::new()
            }
        }
    }
}

/// Opens the data packages of the Marti API (`[marti]`) beside the store;
/// `None` without a data folder.
pub(crate) fn open_packages(
    cfg: &crate::config::MartiConfig,
    store: &crate::config::StoreConfig,
    directory: &Arc<MartiCtx>,
) -> Result<Option<marti::Marti>, crate::ServerError> {
    let Some(dir) = &store.data_dir else {
        return Ok(None);
    };
    let cfg = marti::Config {
        max_upload_bytes: cfg.max_upload_bytes,
        quota_bytes_per_user: cfg.upload_quota_bytes,
        server_version: concat!("watchfloor ", env!("CARGO_PKG_VERSION")).to_string(),
        ..marti::Config::new(dir)
    };
    let ctx: Arc<dyn marti::Context> = directory.clone();
    let packages = store::SqlitePackages::open(&dir.join("packages.sqlite"))
        .map_err(|e| crate::ServerError::Config(format!("data packages: {e}")))?;
    marti::Marti::open(
        cfg,
        ctx,
        Arc::new(packages),
        Arc::new(crate::clock::WallClock),
    )
    .map(Some)
    .map_err(|e| crate::ServerError::Config(format!("data packages: {e}")))
}
