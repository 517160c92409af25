//! Track classification through the desk: the web COP's `classify`
//! command and the operator's `POST /api/tracks/{uid}/mark` take the same
//! path. The track is looked up before the desk sees the request, so no
//! classification is audited as taken that the tracker could not apply;
//! an unknown track is refused, and audited like any refused call.

use std::sync::Arc;

use api::ApiError;
use axum::http::StatusCode;
use ops::{Actor, Affiliation, Command, OpsError, Role};

use super::OpsShared;

// The engine checks remarks against the length the tracker publishes.
const _: () = assert!(ops::classify::MAX_REMARKS == feeds::MAX_REMARKS);

/// The operator's loopback API (the plain HTTP listener) as an ops actor:
/// named and empowered as the web COP's login-less operator is.
pub(crate) fn operator() -> Actor {
    Actor::user("operator", &[Role::WatchOfficer, Role::Legal, Role::Admin])
}

/// The tracker's affiliation for the engine's.
pub(crate) fn to_feeds(a: Affiliation) -> feeds::Affiliation {
    match a {
        Affiliation::Friend => feeds::Affiliation::Friend,
        Affiliation::Neutral => feeds::Affiliation::Neutral,
        Affiliation::Hostile => feeds::Affiliation::Hostile,
        Affiliation::Suspect => feeds::Affiliation::Suspect,
        Affiliation::Unknown => feeds::Affiliation::Unknown,
        Affiliation::Pending => feeds::Affiliation::Pending,
    }
}

/// Before `cmd` goes to the desk: every track it classifies must be live
/// in the tracker. A refusal here is audited (`ops.refused`, with the
/// command as payload) and answered 404 for an unknown track, 422 when no
/// sensors are configured. A caller without the role or a malformed
/// classification passes through, for the engine to refuse and audit.
pub(crate) async fn preflight(
    ops: &Arc<OpsShared>,
    actor: &Actor,
    cmd: &Command,
) -> Result<(), ApiError> {
    let uids = cmd.classified();
    if uids.is_empty() || cmd.precheck(actor).is_err() {
        return Ok(());
    }
    let refusal = match &ops.sensors {
        None => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_sensors",
            "no sensors are configured, so there is no track to classify".to_string(),
        )),
        Some(sensors) => {
            let mut missing = None;
            for uid in uids {
                if !sensors.has_track(uid).await {
                    missing = Some((
                        StatusCode::NOT_FOUND,
                        "not_found",
                        format!("no live track {uid:?}"),
                    ));
                    break;
                }
            }
            missing
        }
    };
    let Some((status, code, why)) = refusal else {
        return Ok(());
    };
    let (o, a, c, w) = (ops.clone(), actor.clone(), cmd.clone(), why.clone());
    let seq = tokio::task::spawn_blocking(move || o.refuse_command(&a, &c, &w))
        .await
        .ok()
        .flatten();
    let seq = seq.map_or_else(String::new, |n| format!(" (audit record {n})"));
    Err(ApiError::new(status, code, format!("{why}{seq}")))
}

/// The API error for an engine refusal, citing its audit record.
pub(crate) fn refusal(e: &OpsError, seq: u64) -> ApiError {
    // A batch answers with the status of the command that failed in it.
    let mut inner = e;
    while let OpsError::Batch { source, .. } = inner {
        inner = source;
    }
    let (status, code) = match inner {
        OpsError::Forbidden { .. } => (StatusCode::FORBIDDEN, "forbidden"),
        OpsError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
        OpsError::ClockSkew { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "clock_skew"),
        OpsError::Classify(_) => (StatusCode::UNPROCESSABLE_ENTITY, "bad_classification"),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
    };
    ApiError::new(status, code, format!("{e} (audit record {seq})"))
}

impl OpsShared {
    /// Records a command the shell refused after reading it, in the shape
    /// of the engine's own refusals. Blocking.
    pub(crate) fn refuse_command(&self, actor: &Actor, cmd: &Command, why: &str) -> Option<u64> {
        self.refused_calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.version
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.desk
            .lock()
            .note_refused_command(actor, cmd, why, crate::now())
            .ok()
    }

    /// Hands a classification the desk took to the tracker. The track was
    /// live a moment ago; one ended since is logged, not retried. Blocking.
    pub(super) fn apply_classification(
        &self,
        uid: &str,
        affiliation: Affiliation,
        remarks: &Option<String>,
    ) {
        let Some(sensors) = &self.sensors else {
            return;
        };
        match sensors.mark_blocking(uid.to_string(), to_feeds(affiliation), remarks.clone()) {
            Ok(()) => {
                self.classified
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Err(e) => {
                tracing::warn!(%uid, error = %e, "a classification the desk took did not reach the tracker");
            }
        }
    }
}
