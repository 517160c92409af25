//! Version probes, the contact list and CoT lookups: the parts of the API that read the rest
//! of the server through [`crate::Context`].

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::access::{iso, parse_iso};
use crate::extract::Caller;
use crate::extract::{host_name, Origin, QueryShape, P, Q};
use crate::{ApiError, ClientEndpoint, Context, Shared};

/// Most events `cot/xml/{uid}/all` returns.
const MAX_HISTORY: usize = 1000;

/// `watchfloor <version>` as text.
pub(crate) async fn version(State(st): State<Shared>) -> Response {
    format!("watchfloor {}", st.config.server_version).into_response()
}

/// The `ServerConfig` envelope clients probe on connect.
pub(crate) async fn version_config(State(st): State<Shared>, origin: Origin) -> Response {
    axum::Json(json!({
        "version": "3",
        "type": "ServerConfig",
        "data": {
            "version": st.config.server_version,
            "api": "3",
            "hostname": host_name(&origin.host),
        },
        "nodeId": "watchfloor",
    }))
    .into_response()
}

/// Query of `clientEndPoints`.
#[derive(Deserialize)]
pub(crate) struct EndpointsQuery {
    /// Only clients seen in the last this many seconds; 0 or absent: all.
    #[serde(rename = "secAgo")]
    sec_ago: Option<i64>,
    #[serde(rename = "showCurrentlyConnectedClients")]
    connected_only: Option<bool>,
    #[serde(rename = "showMostRecentOnly")]
    most_recent_only: Option<bool>,
}

impl QueryShape for EndpointsQuery {}

/// The clients whose groups intersect the caller's receive groups.
pub(crate) async fn client_endpoints(
    State(st): State<Shared>,
    Caller(caller): Caller,
    Q(q): Q<EndpointsQuery>,
) -> Result<Response, ApiError> {
    let all = with_ctx(&st, |ctx| ctx.client_endpoints()).await?;
    let since = q.sec_ago.filter(|s| *s > 0).map(|s| {
        st.clock
            .now()
            .millis()
            .saturating_sub(s.saturating_mul(1000))
    });
    let mut shown: Vec<ClientEndpoint> = all
        .into_iter()
        .filter(|c| caller.sees(&c.groups))
        .filter(|c| since.is_none_or(|t| c.last_event_ms >= t))
        .filter(|c| !q.connected_only.unwrap_or(false) || c.connected)
        .collect();
    if q.most_recent_only.unwrap_or(false) {
        let mut newest: HashMap<String, ClientEndpoint> = HashMap::new();
        for c in shown {
            match newest.get(&c.uid) {
                Some(old) if old.last_event_ms >= c.last_event_ms => {}
                _ => {
                    newest.insert(c.uid.clone(), c);
                }
            }
        }
        shown = newest.into_values().collect();
    }
    shown.sort_by(|a, b| a.callsign.cmp(&b.callsign).then(a.uid.cmp(&b.uid)));
    let data: Vec<Value> = shown
        .iter()
        .map(|c| {
            json!({
                "callsign": c.callsign,
                "uid": c.uid,
                // Strings, never null: node-tak's ClientEndpoint schema (and
                // TAK Server's answer) types all three as strings.
                "username": c.username.as_deref().unwrap_or(""),
                "team": c.team.as_deref().unwrap_or(""),
                "role": c.role.as_deref().unwrap_or(""),
                "lastEventTime": iso(c.last_event_ms),
                "lastStatus": if c.connected { "Connected" } else { "Disconnected" },
                "groups": c.groups,
            })
        })
        .collect();
    Ok(axum::Json(json!({
        "version": "3",
        "type": "com.bbn.marti.remote.ClientEndpoint",
        "data": data,
        "messages": [],
        "nodeId": "watchfloor",
    }))
    .into_response())
}

/// The latest CoT event of a uid as XML, if the caller may see it; else 404
/// with an empty body, as TAK Server answers (node-tak's `Query.single` reads
/// the body of any status as the event and takes only an empty one as
/// "not found").
pub(crate) async fn cot_xml(
    State(st): State<Shared>,
    Caller(caller): Caller,
    P(uid): P<String>,
) -> Result<Response, ApiError> {
    let found = with_ctx(&st, move |ctx| ctx.latest_cot(&uid)).await?;
    match found {
        Some((xml, groups)) if caller.sees(&groups) => Ok(xml_response(xml)),
        _ => Ok(StatusCode::NOT_FOUND.into_response()),
    }
}

/// Query of `cot/xml/{uid}/all`.
#[derive(Deserialize)]
pub(crate) struct HistoryQuery {
    start: Option<String>,
    end: Option<String>,
    limit: Option<usize>,
}

impl QueryShape for HistoryQuery {}

/// The visible stored events of a uid in `[start, end)`, oldest first, in `<events>`.
pub(crate) async fn cot_xml_all(
    State(st): State<Shared>,
    Caller(caller): Caller,
    P(uid): P<String>,
    Q(q): Q<HistoryQuery>,
) -> Result<Response, ApiError> {
    let from = q
        .start
        .as_deref()
        .map(|t| parse_iso("start", t))
        .transpose()?;
    let to = q.end.as_deref().map(|t| parse_iso("end", t)).transpose()?;
    let limit = q.limit.unwrap_or(MAX_HISTORY).min(MAX_HISTORY);
    let events = with_ctx(&st, move |ctx| ctx.cot_history(&uid, from, to, limit)).await?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<events>\n");
    for (xml, groups) in events.iter().take(limit) {
        if caller.sees(groups) {
            out.push_str(strip_prolog(xml));
            out.push('\n');
        }
    }
    out.push_str("</events>\n");
    Ok(xml_response(out))
}

/// The context may read a database, so it is called off the async threads.
async fn with_ctx<T: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&dyn Context) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let ctx = st.ctx.clone();
    Ok(tokio::task::spawn_blocking(move || f(ctx.as_ref())).await?)
}

fn xml_response(xml: String) -> Response {
    ([(CONTENT_TYPE, "application/xml")], xml).into_response()
}

/// An event without its `<?xml …?>` declaration, so several can be nested in `<events>`.
fn strip_prolog(xml: &str) -> &str {
    let t = xml.trim_start();
    match t
        .strip_prefix("<?xml")
        .and_then(|r| r.find("?>").map(|i| &r[i + 2..]))
    {
        Some(rest) => rest.trim_start(),
        None => t,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn prolog_is_stripped() {
        assert_eq!(strip_prolog("<?xml version='1.0'?>\n<event/>"), "<event/>");
        assert_eq!(strip_prolog("<event/>"), "<event/>");
        assert_eq!(strip_prolog("<?xml broken"), "<?xml broken");
    }
}
