//! The file `watchfloor ops apply` reads (TOML or JSON): units, duty
//! statuses, authority records, orders, tasks, assignments, suspenses
//! (one-off and recurring), reports and reviews, turned into one batch of
//! commands in an order that works (parents before children, base orders
//! before their FRAGORDs, records before the tasks and assignments that
//! use them), applied all or nothing.
//!
//! ```toml
//! [[unit]]
//! id = "MP-CO"
//! designation = "978 MP Co"
//! [[status]]
//! unit = "MP-CO"
//! kind = "T10"
//! from = "2025-03-01T00:00:00Z"
//! [[task]]
//! id = "T-1"
//! title = "watch the crossing"
//! requires = [{ activity = "DETECT" }]
//! window = { from = "2025-03-01T08:00:00Z" }
//! status = "APPROVED"
//! [[assign]]
//! task = "T-1"
//! unit = "MP-CO"
//! [[order]]
//! id = "EXORD-25-01"
//! kind = "EXORD"
//! dtg = "221200Z JAN 25"
//! issuer = "USNORTHCOM"
//! paragraphs = { "2" = "Mission." }
//! suspenses = [{ id = "REC-90", owner = "J5", due = "221200Z APR 25" }]
//! [[suspense]]
//! id = "SITREP-1"
//! owner = "MP-CO"
//! due = "2025-03-02T06:00:00Z"
//! warnings = ["1d", "2h"]
//! [[recurring]]
//! id = "PERSTAT-MP"
//! owner = "MP-CO"
//! subject = "PERSTAT"
//! first_due = "020600Z MAR 25"
//! every = "1d"
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::authority::Authority;
use crate::command::Command;
use crate::duty::DutyStatus;
use crate::order::Order;
use crate::suspense::{Recurring, SuspenseSpec};
use crate::task::Task;
use crate::unit::{Readiness, Strength, Unit};

/// The largest apply file taken, bytes.
pub const MAX_APPLY_BYTES: usize = 16 << 20;

// No deny_unknown_fields: serde cannot combine it with flatten.
#[derive(Debug, Deserialize)]
struct StatusLine {
    unit: String,
    #[serde(flatten)]
    status: DutyStatus,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignLine {
    task: String,
    unit: String,
}

// No deny_unknown_fields: serde cannot combine it with flatten.
#[derive(Debug, Deserialize)]
struct PerstatLine {
    unit: String,
    #[serde(flatten)]
    strength: Strength,
}

// No deny_unknown_fields: serde cannot combine it with flatten.
#[derive(Debug, Deserialize)]
struct UsrLine {
    unit: String,
    #[serde(flatten)]
    readiness: Readiness,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileForm {
    #[serde(default)]
    unit: Vec<Unit>,
    #[serde(default)]
    status: Vec<StatusLine>,
    #[serde(default)]
    authority: Vec<Authority>,
    #[serde(default)]
    task: Vec<Task>,
    #[serde(default)]
    assign: Vec<AssignLine>,
    #[serde(default)]
    perstat: Vec<PerstatLine>,
    #[serde(default)]
    usr: Vec<UsrLine>,
    #[serde(default)]
    order: Vec<Order>,
    #[serde(default)]
    suspense: Vec<SuspenseSpec>,
    #[serde(default)]
    recurring: Vec<Recurring>,
    /// Any command as the API takes it, applied last, in order.
    #[serde(default)]
    command: Vec<Command>,
}

/// Why an apply file was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyFileError {
    /// Larger than [`MAX_APPLY_BYTES`].
    #[error("the file is {0} bytes; the limit is {MAX_APPLY_BYTES}")]
    TooLarge(usize),
    /// Neither JSON nor TOML of the expected shape.
    #[error("{0}")]
    Parse(String),
    /// A unit's parent is a unit of the file that comes back to it.
    #[error("units {0} form a cycle of parents")]
    Cycle(String),
}

/// Reads an apply file (JSON when it starts with `{`, else TOML).
pub fn parse(bytes: &[u8]) -> Result<Vec<Command>, ApplyFileError> {
    if bytes.len() > MAX_APPLY_BYTES {
        return Err(ApplyFileError::TooLarge(bytes.len()));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|e| ApplyFileError::Parse(format!("not UTF-8: {e}")))?;
    let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let form: FileForm = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| ApplyFileError::Parse(format!("JSON: {e}")))?
    } else {
        toml::from_str(text).map_err(|e| ApplyFileError::Parse(one_line(format!("TOML: {e}"))))?
    };
    let mut out = Vec::new();
    for unit in parents_first(form.unit)? {
        out.push(Command::Unit { unit });
    }
    out.extend(form.status.into_iter().map(|s| Command::Status {
        unit: s.unit,
        status: s.status,
    }));
    out.extend(
        form.authority
            .into_iter()
            .map(|authority| Command::Authority { authority }),
    );
    // Base orders before the FRAGORDs that change them: a FRAGORD is
    // never dated before its base, and a base dated the same comes first.
    let mut orders = form.order;
    orders.sort_by(|a, b| (a.dtg, a.base.is_some(), &a.id).cmp(&(b.dtg, b.base.is_some(), &b.id)));
    out.extend(orders.into_iter().map(|order| Command::Order { order }));
    out.extend(form.task.into_iter().map(|task| Command::Task { task }));
    out.extend(form.assign.into_iter().map(|a| Command::Assign {
        task: a.task,
        unit: a.unit,
    }));
    out.extend(
        form.suspense
            .into_iter()
            .map(|suspense| Command::Suspense { suspense }),
    );
    out.extend(
        form.recurring
            .into_iter()
            .map(|recurring| Command::Recurring { recurring }),
    );
    out.extend(form.perstat.into_iter().map(|p| Command::Perstat {
        unit: p.unit,
        strength: p.strength,
    }));
    out.extend(form.usr.into_iter().map(|u| Command::Usr {
        unit: u.unit,
        readiness: u.readiness,
    }));
    out.extend(form.command);
    Ok(out)
}

/// Orders units so every parent that is in the list comes before its
/// children (parents outside the list must be on record already).
fn parents_first(units: Vec<Unit>) -> Result<Vec<Unit>, ApplyFileError> {
    let ids: BTreeSet<String> = units.iter().map(|u| u.id.clone()).collect();
    let mut pending: BTreeMap<String, Unit> =
        units.into_iter().map(|u| (u.id.clone(), u)).collect();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .values()
            .filter(|u| {
                u.parent
                    .as_ref()
                    .is_none_or(|p| !ids.contains(p) || placed.contains(p))
            })
            .map(|u| u.id.clone())
            .collect();
        if ready.is_empty() {
            return Err(ApplyFileError::Cycle(
                pending.keys().cloned().collect::<Vec<_>>().join(", "),
            ));
        }
        for id in ready {
            if let Some(u) = pending.remove(&id) {
                placed.insert(id);
                out.push(u);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_after_parents_and_cycles_refused() {
        let text = r#"
[[unit]]
id = "SQD"
designation = "squad"
parent = "PLT"
[[unit]]
id = "PLT"
designation = "platoon"
[[status]]
unit = "PLT"
kind = "T10"
from = "2025-03-01T00:00:00Z"
[[assign]]
task = "T-1"
unit = "PLT"
"#;
        let cmds = parse(text.as_bytes()).expect("parses");
        let ids: Vec<String> = cmds.iter().flat_map(Command::subjects).collect();
        assert_eq!(ids, ["PLT", "SQD", "PLT", "T-1", "PLT"]);
        let cycle = "[[unit]]\nid = \"A\"\ndesignation = \"a\"\nparent = \"B\"\n[[unit]]\nid = \"B\"\ndesignation = \"b\"\nparent = \"A\"\n";
        assert!(matches!(
            parse(cycle.as_bytes()),
            Err(ApplyFileError::Cycle(_))
        ));
        assert!(matches!(
            parse(b"[[unit]]\nid = 3\n"),
            Err(ApplyFileError::Parse(_))
        ));
        assert!(matches!(
            parse(b"[[status]]\nunit = \"X\"\nkind = \"T99\"\nfrom = \"2025-03-01T00:00:00Z\"\n"),
            Err(ApplyFileError::Parse(_))
        ));
        assert!(matches!(
            parse(b"{\"unit\": [{\"id\": \"X\"}]}"),
            Err(ApplyFileError::Parse(_))
        ));
        assert!(matches!(parse(&[0xff]), Err(ApplyFileError::Parse(_))));
    }

    #[test]
    fn orders_come_base_first_and_suspenses_read_with_dtgs() {
        let text = r#"
[[order]]
id = "FRAGORD-1"
kind = "FRAGORD"
dtg = "221200Z JAN 25"
issuer = "J3"
base = "EXORD-1"
changes = [{ paragraph = "2", change = { replace = "Mission, changed." } }]
[[order]]
id = "EXORD-1"
kind = "EXORD"
dtg = "221200ZJAN25"
issuer = "USNORTHCOM"
paragraphs = { "2" = "Mission." }
[[suspense]]
id = "S-1"
owner = "J5"
due = "22 1200z feb 25"
warnings = ["2d"]
[[recurring]]
id = "PERSTAT-MP"
owner = "MP-CO"
subject = "PERSTAT"
first_due = "230600Z JAN 25"
every = "1d"
"#;
        let cmds = parse(text.as_bytes()).expect("parses");
        let actions: Vec<&str> = cmds.iter().map(Command::action).collect();
        assert_eq!(
            actions,
            ["ops.order", "ops.order", "ops.suspense", "ops.recurring"]
        );
        assert_eq!(cmds[0].subjects()[0], "EXORD-1");
        let bad = "[[suspense]]\nid = \"S\"\nowner = \"J5\"\ndue = \"321200Z JAN 25\"\n";
        let e = parse(bad.as_bytes()).expect_err("day 32");
        assert!(e.to_string().contains("no day 32"), "{e}");
    }
}
