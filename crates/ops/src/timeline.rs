//! The watch floor's timeline: audit records as a person reads them, each
//! with a kind (a decision, a task moving, a suspense event, an order) and
//! links to what it concerns (a unit on the map, a task, an order, a
//! suspense). Pure: the caller reads the records; this only names them.

use cot::Time;
use serde::Serialize;

use crate::engine::Ops;

/// One audit record, as much of it as the timeline needs.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Its sequence number in the log.
    pub seq: u64,
    /// When.
    pub time: Time,
    /// Who.
    pub actor: &'a str,
    /// What (`ops.extend`).
    pub action: &'a str,
    /// The ids it concerns.
    pub subjects: &'a [String],
    /// The decision, if any.
    pub decision: Option<&'a str>,
    /// Its reasons.
    pub reasons: &'a [String],
    /// Its payload (for an accepted request: the actor and the command).
    pub payload: Option<&'a serde_json::Value>,
}

/// What a timeline entry points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// `unit`, `task`, `order`, `suspense`, `series` or `assignment`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
}

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The record's sequence number.
    pub seq: u64,
    /// When.
    #[serde(with = "crate::when::required")]
    pub time: Time,
    /// `decision`, `task`, `suspense`, `order`, `authority`, `unit`,
    /// `status`, `report`, `refused` or `other`.
    pub kind: &'static str,
    /// The record's action.
    pub action: String,
    /// Who.
    pub actor: String,
    /// In a line.
    pub summary: String,
    /// The decision, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// What it concerns, as far as the engine knows it now.
    pub links: Vec<Link>,
}

fn kind_of(action: &str, decision: Option<&str>) -> Option<&'static str> {
    if decision == Some("REFUSED_CALL") {
        return Some("refused");
    }
    Some(match action {
        "ops.tick" => return None,
        "ops.decision" => "decision",
        "ops.task" | "ops.advance" | "ops.assign" | "ops.review" | "ops.reply" => "task",
        "ops.order" => "order",
        "ops.authority" | "ops.end_authority" | "ops.rules" => "authority",
        "ops.unit" => "unit",
        "ops.status" => "status",
        "ops.perstat" | "ops.usr" => "report",
        a if a.starts_with("ops.suspense")
            || matches!(
                a,
                "ops.recurring" | "ops.end_recurring" | "ops.meet" | "ops.extend" | "ops.waive"
            ) =>
        {
            "suspense"
        }
        _ => "other",
    })
}

/// The timeline entry of record `r`; `None` for records that only mark
/// time (an `ops.tick`: what it caused has records of its own).
pub fn entry(ops: &Ops, r: Record<'_>) -> Option<Entry> {
    let kind = kind_of(r.action, r.decision)?;
    let mut links: Vec<Link> = Vec::new();
    for id in r.subjects {
        let kind = if ops.suspense(id).is_some() {
            "suspense"
        } else if ops.orders().get(id).is_some() {
            "order"
        } else if ops.task(id).is_some() {
            "task"
        } else if ops.unit(id).is_some() {
            "unit"
        } else if ops.assignment(id).is_some() {
            "assignment"
        } else if ops.series().any(|s| s.def.id == *id) {
            "series"
        } else {
            continue;
        };
        if !links.iter().any(|l| l.id == *id) {
            links.push(Link {
                kind,
                id: id.clone(),
            });
        }
    }
    let command = r.payload.and_then(|p| p.get("command"));
    let text = |k: &str| {
        command
            .and_then(|c| c.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or("")
    };
    let summary = match (r.action, r.reasons.first()) {
        ("ops.extend", None) if command.is_some() => format!(
            "extend {} to {} by {}: {}",
            text("suspense"),
            text("due"),
            text("authority"),
            text("reason")
        ),
        ("ops.waive", None) if command.is_some() => format!(
            "waive {} by {}: {}",
            text("suspense"),
            text("authority"),
            text("reason")
        ),
        ("ops.meet", None) if command.is_some() => {
            let note = text("note");
            let at = text("at");
            let mut line = format!("{} met", text("suspense"));
            if !at.is_empty() {
                line.push_str(&format!(" at {at}"));
            }
            if !note.is_empty() {
                line.push_str(&format!(": {note}"));
            }
            line
        }
        ("ops.batch", _) => {
            let mut ids: Vec<&str> = Vec::new();
            for id in r.subjects {
                if !ids.contains(&id.as_str()) {
                    ids.push(id);
                }
            }
            let more = ids.len().saturating_sub(8);
            ids.truncate(8);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("batch, applied whole, about {}{tail}", ids.join(", "))
        }
        ("ops.decision", _) => format!(
            "{} {}",
            r.decision.unwrap_or("decided"),
            r.subjects.join(" ")
        ),
        (_, Some(first)) => first.clone(),
        (a, None) => format!("{} {}", a.trim_start_matches("ops."), r.subjects.join(" "))
            .trim_end()
            .to_string(),
    };
    Some(Entry {
        seq: r.seq,
        time: r.time,
        kind,
        action: r.action.to_string(),
        actor: r.actor.to_string(),
        summary,
        decision: r.decision.map(str::to_string),
        links,
    })
}

/// One line of the timeline for a terminal.
pub fn line(e: &Entry) -> String {
    format!("{}  {:<9} {:<16} {}", e.time, e.kind, e.actor, e.summary)
}
