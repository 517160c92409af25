//! The daily briefing: the roster's totals by component and duty status,
//! the tasks by state with every refusal and its citation, the suspenses
//! late and due within a week, and the audit checkpoint the figures stand
//! on, as a `report::Document` the command line renders to PDF and the
//! web COP to HTML. Built from the engine and the instant alone.

use std::collections::BTreeMap;

use cot::Time;
use ops::boards::SuspenseFilter;
use ops::suspense::{Lead, SuspenseStatus};
use ops::{Ops, Outcome};
use report::{Align, Block, Document, Paper, Section, Series, Tone};

/// The checkpoint the briefing cites: the signed size and root of the
/// audit log that holds every record it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointLine {
    /// The log's origin line.
    pub origin: String,
    /// How many records it covers.
    pub size: u64,
    /// The Merkle root, base64 as in the note.
    pub root: String,
}

impl CheckpointLine {
    /// Reads the body of a C2SP checkpoint note (origin, size, root).
    pub fn parse(note: &str) -> Option<CheckpointLine> {
        let mut lines = note.lines();
        let origin = lines.next()?.trim().to_string();
        let size = lines.next()?.trim().parse().ok()?;
        let root = lines.next()?.trim().to_string();
        (!origin.is_empty() && !root.is_empty()).then_some(CheckpointLine { origin, size, root })
    }
}

fn count_rows(map: &BTreeMap<String, usize>) -> (Vec<String>, Vec<f64>) {
    map.iter().map(|(k, v)| (k.clone(), *v as f64)).unzip()
}

fn bar(title: &str, map: &BTreeMap<String, usize>, y: &str) -> Block {
    let (categories, values) = count_rows(map);
    Block::BarChart {
        title: title.into(),
        categories,
        series: vec![Series::new("units", values)],
        y_label: y.into(),
    }
}

/// The briefing at `at`; `marking` prints on every page (`SIMULATION`).
pub fn briefing(
    engine: &Ops,
    at: Time,
    checkpoint: Option<&CheckpointLine>,
    marking: Option<&str>,
) -> Document {
    let mut doc = Document::new("Daily briefing", at.to_string());
    doc.subtitle = Some(format!(
        "rule set {} ({})",
        engine.rules().version,
        &engine.rules().hash[..engine.rules().hash.len().min(16)]
    ));
    doc.marking = marking.map(str::to_string);
    doc.paper = Paper::Letter;
    doc.sections.push(roster_section(engine, at));
    doc.sections.push(tasks_section(engine));
    doc.sections.push(suspense_section(engine, at));
    doc.sections.push(audit_section(engine, checkpoint));
    doc
}

fn roster_section(engine: &Ops, at: Time) -> Section {
    // Offline there is no live SA: the briefing reports the records.
    let roster = engine.roster(at, i64::MAX, |_| None);
    let t = &roster.totals;
    let pca = roster.units.iter().filter(|u| u.pca_bound).count();
    let mut s = Section::new("Roster").with(Block::KeyValues(vec![
        ("units".into(), roster.units.len().to_string()),
        (
            "present for duty / assigned".into(),
            format!("{} / {}", t.present_for_duty, t.assigned),
        ),
        ("bound by the Posse Comitatus Act".into(), pca.to_string()),
        (
            "units cleared for a task".into(),
            roster
                .units
                .iter()
                .filter(|u| !u.tasks.is_empty())
                .count()
                .to_string(),
        ),
    ]));
    if !t.by_status.is_empty() {
        s = s.with(bar("Units by duty status", &t.by_status, "units"));
    }
    if !t.by_component.is_empty() {
        s = s.with(bar("Units by component", &t.by_component, "units"));
    }
    let rows = roster
        .units
        .iter()
        .map(|u| {
            vec![
                u.unit.id.clone(),
                u.unit.designation.clone(),
                u.unit
                    .component
                    .map_or("-".into(), |c| c.name().to_string()),
                u.status.map_or("-".into(), |s| {
                    format!("{}{}", s.kind, if u.pca_bound { "*" } else { "" })
                }),
                u.unit.strength.map_or("-".into(), |s| {
                    format!("{}/{}/{}", s.present_for_duty, s.assigned, s.authorized)
                }),
                u.unit
                    .readiness
                    .map_or("-".into(), |r| format!("C-{}", r.c_level)),
                u.tasks.join(", "),
            ]
        })
        .collect();
    s.with(Block::table(
        "Units (* bound by the Posse Comitatus Act); strength PFD/ASG/AUTH",
        &[
            "unit",
            "designation",
            "component",
            "status",
            "strength",
            "ready",
            "cleared for",
        ],
        rows,
        &[
            Align::Left,
            Align::Left,
            Align::Center,
            Align::Center,
            Align::Right,
            Align::Center,
            Align::Left,
        ],
    ))
}

fn tasks_section(engine: &Ops) -> Section {
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    for t in engine.tasks() {
        *by_state.entry(t.status.name().to_string()).or_default() += 1;
    }
    let mut s = Section::new("Tasks");
    if by_state.is_empty() {
        return s.with(Block::Paragraph("No tasks on record.".into()));
    }
    let mut by_outcome: BTreeMap<String, usize> = BTreeMap::new();
    let mut refusals = Vec::new();
    for a in engine.assignments() {
        for e in &a.elements {
            *by_outcome.entry(e.outcome.name().to_string()).or_default() += 1;
            if e.outcome != Outcome::Refused {
                continue;
            }
            for d in e
                .activities
                .iter()
                .filter(|d| d.outcome == Outcome::Refused)
            {
                refusals.push(vec![
                    a.task.clone(),
                    e.element.clone(),
                    d.activity.to_string(),
                    d.rule.clone(),
                    d.citation.clone(),
                    d.reason.clone(),
                ]);
            }
        }
    }
    let (categories, values) = count_rows(&by_state);
    s = s.with(Block::BarChart {
        title: "Tasks by state".into(),
        categories,
        series: vec![Series::new("tasks", values)],
        y_label: "tasks".into(),
    });
    let decided = by_outcome
        .iter()
        .map(|(k, v)| (format!("elements {k}"), v.to_string()))
        .collect();
    s = s.with(Block::KeyValues(decided));
    let rows = engine
        .tasks()
        .map(|t| {
            let els: Vec<_> = engine
                .assignments_of(&t.id)
                .into_iter()
                .flat_map(|a| &a.elements)
                .collect();
            let n = |o: Outcome| els.iter().filter(|e| e.outcome == o).count().to_string();
            vec![
                t.id.clone(),
                t.title.clone(),
                t.status.name().to_string(),
                n(Outcome::Allowed),
                n(Outcome::Refused),
                n(Outcome::NeedsReview),
            ]
        })
        .collect();
    s = s.with(Block::table(
        "Tasks, with their elements by decision",
        &["task", "title", "state", "allowed", "refused", "review"],
        rows,
        &[
            Align::Left,
            Align::Left,
            Align::Center,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
    ));
    if refusals.is_empty() {
        s.with(Block::Paragraph("No element refused.".into()))
    } else {
        s.with(Block::table(
            "Every refusal, with the rule and its citation",
            &["task", "element", "activity", "rule", "citation", "reason"],
            refusals,
            &[],
        ))
    }
}

fn suspense_section(engine: &Ops, at: Time) -> Section {
    let all = engine.suspense_board(at, &SuspenseFilter::default());
    let m = &all.metrics.overall;
    let mut facts = vec![
        ("open".into(), m.open.to_string()),
        ("due within 7 days".into(), m.due_7d.to_string()),
        ("late".into(), m.late.to_string()),
        (
            "days late, in all (most)".into(),
            format!("{} ({})", m.days_late, m.days_late_max),
        ),
        (
            "met (of them late)".into(),
            format!("{} ({})", m.met, m.met_late),
        ),
        ("waived".into(), m.waived.to_string()),
    ];
    if let Some(h) = m.hours_to_complete_mean {
        facts.push(("time to complete, mean".into(), format!("{h} h")));
    }
    let mut s = Section::new("Suspenses").with(Block::KeyValues(facts));
    for b in all
        .suspenses
        .iter()
        .filter(|b| b.status == SuspenseStatus::Late)
    {
        let what = b.suspense.what();
        s = s.with(Block::Note {
            tone: Tone::Alert,
            text: format!(
                "LATE: {} ({what}) owed by {}, due {}, {} days late",
                b.suspense.id, b.suspense.owner, b.current_due, b.days_late
            ),
        });
    }
    let week = engine.suspense_board(
        at,
        &SuspenseFilter {
            due_within: Some(Lead::days(7)),
            ..Default::default()
        },
    );
    let rows: Vec<Vec<String>> = week
        .suspenses
        .iter()
        .map(|b| {
            vec![
                b.current_due.to_string(),
                b.status.name().to_string(),
                b.suspense.owner.clone(),
                b.suspense.id.clone(),
                b.suspense.what().to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return s.with(Block::Paragraph("Nothing due within 7 days.".into()));
    }
    s.with(Block::table(
        "Late and due within 7 days, soonest first",
        &["due (UTC)", "status", "owner", "suspense", "what"],
        rows,
        &[
            Align::Left,
            Align::Center,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
    ))
}

fn audit_section(engine: &Ops, checkpoint: Option<&CheckpointLine>) -> Section {
    let mut facts = vec![
        ("rule set".into(), engine.rules().version.clone()),
        ("rule set SHA-256".into(), engine.rules().hash.clone()),
    ];
    match checkpoint {
        Some(c) => {
            facts.push(("audit log".into(), c.origin.clone()));
            facts.push(("signed checkpoint, records".into(), c.size.to_string()));
            facts.push(("signed checkpoint, root".into(), c.root.clone()));
        }
        None => facts.push(("signed checkpoint".into(), "none signed yet".into())),
    }
    Section::new("Audit").with(Block::KeyValues(facts)).with(Block::Paragraph(
        "Every figure above is made from the audit log's records up to the instant of this briefing; \
         `watchfloor audit verify` checks the log against the signed checkpoint."
            .into(),
    ))
}
