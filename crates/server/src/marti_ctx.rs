//! What the Marti API reads from the rest of the server: the clients the
//! router has seen (for clientEndPoints) and the CoT history in the store.

use std::collections::HashMap;
use std::sync::Arc;

use marti::ClientEndpoint;
use parking_lot::Mutex;

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
