//! Authority records (AUTHORITIES.md §5.1): a grant, a prohibition or an
//! exception, for some activities, some duty statuses or units, with the
//! conditions under which it holds, its citation and who approved it.

use std::fmt;

use cot::Time;
use serde::{Deserialize, Serialize};

use crate::activity::Activity;
use crate::area::Area;
use crate::duty::{DutyKind, DutyStatus};
use crate::task::{Task, TaskRequirement};
use crate::when::Window;

/// What an authority record does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorityKind {
    /// Allows the activities when its conditions hold.
    Grant,
    /// Bars the activities unless an exception holds.
    Prohibition,
    /// Lifts a prohibition, and allows, when every condition holds.
    Exception,
}

/// A fact a task requirement declares about itself, which some
/// authorities require (AUTHORITIES.md §5.1 conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Condition {
    /// The law-enforcement agency keeps custody, with its guards present.
    CustodyRemainsWithLea,
    /// The support has a counterdrug or counter-transnational-crime nexus.
    CounterdrugNexus,
    /// The agency's responsible official requested it in writing.
    AgencyRequest,
    /// A requesting law-enforcement official is present.
    LeaOfficialPresent,
    /// The traffic was first detected outside the United States.
    FirstDetectedOutside,
    /// The task area lies within 25 miles of the boundary.
    #[serde(rename = "WITHIN_25_MILES")]
    Within25Miles,
    /// The traffic is air or maritime traffic (10 U.S.C. 124), not surface.
    AirOrMaritimeTraffic,
}

impl Condition {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Condition::CustodyRemainsWithLea => "CUSTODY_REMAINS_WITH_LEA",
            Condition::CounterdrugNexus => "COUNTERDRUG_NEXUS",
            Condition::AgencyRequest => "AGENCY_REQUEST",
            Condition::LeaOfficialPresent => "LEA_OFFICIAL_PRESENT",
            Condition::FirstDetectedOutside => "FIRST_DETECTED_OUTSIDE",
            Condition::Within25Miles => "WITHIN_25_MILES",
            Condition::AirOrMaritimeTraffic => "AIR_OR_MARITIME_TRAFFIC",
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whom an authority applies to. Each list left empty matches anything;
/// a record with all three empty applies to every unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppliesTo {
    /// Duty-status kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<DutyKind>,
    /// States, for Title 32 and State Active Duty (a governor's order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<String>,
    /// Unit ids; a unit matches when it or one of its parents is listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
}

/// One authority record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authority {
    /// Unique id (`T10-PCA`, `NMNDA-SECURITY`).
    pub id: String,
    /// The legal citation shown with every decision it makes.
    pub citation: String,
    /// Grant, prohibition or exception.
    pub kind: AuthorityKind,
    /// The activities it covers.
    pub activities: Vec<Activity>,
    /// Whom it applies to.
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// Facts the task requirement must declare.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Condition>,
    /// The task's area must lie inside this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    /// Holds only once a proclamation is recorded (Insurrection Act §254).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requires_proclamation: bool,
    /// The proclamation's reference, once issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proclamation: Option<String>,
    /// The source document (statute, DoDI clause, SecDef approval, order).
    #[serde(default)]
    pub source: String,
    /// When it is in force.
    pub valid: Window,
    /// Who approved it (counsel).
    #[serde(default)]
    pub approved_by: String,
    /// A note for people (the §1.8 cell it encodes, caveats).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Authority {
    /// A record with no conditions, area or proclamation, in force over
    /// `valid`; callers set the rest by field.
    pub fn new(
        id: &str,
        kind: AuthorityKind,
        citation: &str,
        activities: &[Activity],
        applies_to: AppliesTo,
        valid: Window,
    ) -> Authority {
        Authority {
            id: id.into(),
            citation: citation.into(),
            kind,
            activities: activities.to_vec(),
            applies_to,
            requires: Vec::new(),
            area: None,
            requires_proclamation: false,
            proclamation: None,
            source: String::new(),
            valid,
            approved_by: String::new(),
            note: String::new(),
        }
    }

    /// Whether it speaks to `activity` for a unit in `status` whose id and
    /// parents are `lineage` (the unit first).
    pub fn applies(&self, activity: Activity, status: &DutyStatus, lineage: &[&str]) -> bool {
        let a = &self.applies_to;
        self.activities.contains(&activity)
            && (a.statuses.is_empty() || a.statuses.contains(&status.kind))
            && (a.states.is_empty() || status.state.as_ref().is_some_and(|s| a.states.contains(s)))
            && (a.units.is_empty() || lineage.iter().any(|u| a.units.iter().any(|x| x == u)))
    }

    /// Every condition that fails for `req` of `task` at `at`, in words;
    /// empty when the record holds.
    pub fn failures(&self, req: &TaskRequirement, task: &Task, at: Time) -> Vec<String> {
        let mut failed = Vec::new();
        if !self.valid.contains(at) {
            failed.push(match self.valid.to {
                Some(to) if at >= to => format!("in force until {to}"),
                _ => format!("in force from {}", self.valid.from),
            });
        }
        if self.requires_proclamation && self.proclamation.as_deref().is_none_or(str::is_empty) {
            failed.push("no proclamation recorded".to_string());
        }
        if let Some(bound) = &self.area {
            match &task.area {
                None => failed.push("the task has no area".to_string()),
                Some(area) if !bound.contains(area) => {
                    failed.push("the task area is not inside the authority's area".to_string())
                }
                Some(_) => {}
            }
        }
        for c in &self.requires {
            if !req.conditions.contains(c) {
                failed.push(format!("{c} not declared"));
            }
        }
        failed
    }
}
