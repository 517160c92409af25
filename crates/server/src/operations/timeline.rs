//! The timeline of the last hours, from the audit log: newest first, at
//! most [`MAX_ENTRIES`], each record named by `ops::timeline`. The desk
//! reads the log's tail page by page backwards; the command line reads the
//! whole file offline.

use std::path::Path;

use audit::AuditRecord;
use cot::Time;
use ops::timeline::{entry, Entry, Record};
use ops::Ops;

use super::desk::{DeskError, OpsDesk};
use super::offline::{each_record, replay_one, OfflineError};

/// Most entries one timeline holds.
pub const MAX_ENTRIES: usize = 2000;
const PAGE: u64 = 500;

fn named(engine: &Ops, r: &AuditRecord) -> Option<Entry> {
    entry(
        engine,
        Record {
            seq: r.seq,
            time: Time::from_millis(r.time_ms),
            actor: &r.actor,
            action: &r.action,
            subjects: &r.subjects,
            decision: r.decision.as_deref(),
            reasons: &r.reasons,
            payload: Some(&r.payload),
        },
    )
}

impl OpsDesk {
    /// The entries since `since`, newest first.
    pub fn timeline(&self, since: Time) -> Result<Vec<Entry>, DeskError> {
        let mut out = Vec::new();
        let mut end = self.log().len();
        'pages: while end > 0 && out.len() < MAX_ENTRIES {
            let from = end.saturating_sub(PAGE);
            let page = self.log().records(from, end - from)?;
            for r in page.iter().rev() {
                if r.time_ms < since.millis() {
                    break 'pages;
                }
                out.extend(named(self.engine(), r));
                if out.len() >= MAX_ENTRIES {
                    break 'pages;
                }
            }
            end = from;
        }
        Ok(out)
    }
}

/// The log in `audit_dir` replayed, and its entries since `since`, newest
/// first (the engine as the log leaves it names the links).
pub fn read_timeline(audit_dir: &Path, since: Time) -> Result<(Ops, Vec<Entry>), OfflineError> {
    let mut engine = Ops::new(ops::OpsConfig::default(), ops::RuleSet::default_rules());
    let mut kept = Vec::new();
    each_record(audit_dir, |r| {
        replay_one(&mut engine, &r)?;
        if r.time_ms >= since.millis() {
            kept.push(r);
        }
        Ok(())
    })?;
    let start = kept.len().saturating_sub(MAX_ENTRIES);
    let entries = kept[start..]
        .iter()
        .rev()
        .filter_map(|r| named(&engine, r))
        .collect();
    Ok((engine, entries))
}
