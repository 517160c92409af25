//! Rebuilding the engine from its own audit entries: the accepted commands
//! and the ticks, in order, with their times. The other entries are the
//! engine's outputs, which a replay regenerates (and `audit verify
//! --replay` compares), so a decision is reproducible from the data and
//! the time alone.

use cot::Time;

use super::Ops;
use crate::command::{Actor, Command};
use crate::entry::Applied;

/// Why an entry could not be replayed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// An accepted command's payload does not read as one.
    #[error("entry at {time}: the payload is not an ops command: {why}")]
    Payload {
        /// The entry's time.
        time: Time,
        /// The parser's reason.
        why: String,
    },
    /// The engine refuses, on replay, a command it once accepted: the log
    /// and the engine disagree.
    #[error("entry at {time}: {action} was accepted then but is refused now: {why}")]
    Diverged {
        /// The entry's time.
        time: Time,
        /// The action.
        action: String,
        /// The refusal.
        why: String,
    },
}

/// Whether an entry with `action` and `decision` is an input to replay.
pub fn is_input(action: &str, decision: Option<&str>) -> bool {
    action == "ops.tick" || (is_command(action) && decision == Some("ACCEPTED"))
}

fn is_command(action: &str) -> bool {
    matches!(
        action,
        "ops.unit"
            | "ops.status"
            | "ops.authority"
            | "ops.end_authority"
            | "ops.rules"
            | "ops.task"
            | "ops.advance"
            | "ops.assign"
            | "ops.review"
            | "ops.perstat"
            | "ops.usr"
            | "ops.reply"
            | "ops.order"
            | "ops.suspense"
            | "ops.recurring"
            | "ops.end_recurring"
            | "ops.meet"
            | "ops.extend"
            | "ops.waive"
            | "ops.classify"
            | "ops.batch"
    )
}

impl Ops {
    /// Replays one logged entry; `Ok(None)` for entries that are outputs.
    pub fn replay(
        &mut self,
        time: Time,
        action: &str,
        decision: Option<&str>,
        payload: &serde_json::Value,
    ) -> Result<Option<Applied>, ReplayError> {
        if !is_input(action, decision) {
            return Ok(None);
        }
        if action == "ops.tick" {
            return Ok(Some(self.handle_timeout(time)));
        }
        let bad = |why: String| ReplayError::Payload { time, why };
        let actor: Actor =
            serde_json::from_value(payload.get("actor").cloned().unwrap_or_default())
                .map_err(|e| bad(e.to_string()))?;
        let cmd: Command =
            serde_json::from_value(payload.get("command").cloned().unwrap_or_default())
                .map_err(|e| bad(e.to_string()))?;
        let applied = self.apply(&actor, &cmd, time);
        if let Err(e) = &applied.result {
            return Err(ReplayError::Diverged {
                time,
                action: action.into(),
                why: e.to_string(),
            });
        }
        Ok(Some(applied))
    }
}
