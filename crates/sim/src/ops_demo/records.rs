//! The demo's illustrative authority records and its tasks with their
//! assignments. Areas are in sector metres (east of the origin, north of
//! the border); the ground units roam 300-8,000 m north.

use cot::Time;
use ops::authority::AppliesTo;
use ops::duty::DutyKind;
use ops::task::TaskRequirement;
use ops::{Activity, Area, Authority, AuthorityKind, Command, Condition, Task, TaskStatus, Window};

use super::{Sector, DAY_S};

const HOUR_S: i64 = 3_600;

/// Who signs the demo's records: nobody real.
const APPROVED_BY: &str = "[SIM] JTF-BORDER SJA (simulated)";

/// The requesting agency of every demo task.
pub(crate) const AGENCY: &str = "CBP (simulated)";

/// The National Defense Area of the demo: a strip along the border in the
/// western half of the sector, 50 m to 1.5 km north of the line.
pub(crate) fn nda_area(sector: &Sector) -> Option<Area> {
    sector.polygon(&[
        (-25_000.0, 50.0),
        (-2_000.0, 50.0),
        (-2_000.0, 1_200.0),
        (-10_000.0, 1_500.0),
        (-25_000.0, 1_500.0),
    ])
}

/// The CBP-assigned zone of the demo's enhanced detection and monitoring
/// authority: the eastern third of the sector, up to 6 km north.
pub(crate) fn edm_zone(sector: &Sector) -> Option<Area> {
    sector.polygon(&[
        (6_000.0, 100.0),
        (26_000.0, 100.0),
        (26_000.0, 6_000.0),
        (12_000.0, 6_000.0),
        (6_000.0, 3_000.0),
    ])
}

fn record(
    id: &str,
    kind: AuthorityKind,
    citation: &str,
    activities: &[Activity],
    applies_to: AppliesTo,
    valid: Window,
) -> Authority {
    let mut a = Authority::new(id, kind, citation, activities, applies_to, valid);
    a.approved_by = APPROVED_BY.into();
    a
}

/// The governor's grant, the NDA exception and the SecDef zone grant.
/// A record bounded by an area is left out if its area cannot be built:
/// without its bound it would hold everywhere, and default deny is the
/// safe failure (the tests would see the missing decisions).
pub(crate) fn authorities(sector: &Sector, start: Time) -> Vec<Command> {
    let since = |days: i64| Window {
        from: start.plus_secs(-days * DAY_S),
        to: None,
    };
    let mut governor = record(
        "SIM-AZ-GOV-LE",
        AuthorityKind::Grant,
        "[SIM] Arizona governor's order granting state law-enforcement authority (PCA inapplicable, 32 U.S.C. 502(f))",
        &[Activity::ArrestDetain, Activity::InterdictLandVehicle],
        AppliesTo {
            statuses: vec![DutyKind::T32_502f],
            states: vec!["AZ".into()],
            units: Vec::new(),
        },
        since(14),
    );
    governor.source = "[SIM] illustrative governor's executive order; not a real document".into();
    let mut out = vec![governor];
    if let Some(area) = nda_area(sector) {
        let mut nda = record(
            "SIM-NDA-SECURITY",
            AuthorityKind::Exception,
            "[SIM] military purpose doctrine: installation security in a National Defense Area (DoDI 3025.21 Encl. 3)",
            &[Activity::ArrestDetain, Activity::Search],
            AppliesTo {
                statuses: vec![DutyKind::T10],
                ..AppliesTo::default()
            },
            since(7),
        );
        nda.area = Some(area);
        nda.source =
            "[SIM] illustrative NDA designation; the polygon is not a surveyed boundary".into();
        nda.note = "search and temporary detention of trespassers until handover to CBP (AUTHORITIES.md §1.4, [S])".into();
        out.push(nda);
    }
    if let Some(area) = edm_zone(sector) {
        let mut edm = record(
            "SIM-EDM-ZONE",
            AuthorityKind::Grant,
            "[SIM] SecDef enhanced detection and monitoring, CBP-assigned zone (2025-03-20 posture; FY2016 NDAA §1059)",
            &[Activity::MonitorTraffic],
            AppliesTo {
                statuses: vec![DutyKind::T10],
                ..AppliesTo::default()
            },
            Window {
                from: start.plus_secs(-3 * DAY_S),
                to: Some(start.plus_secs(90 * DAY_S)),
            },
        );
        edm.area = Some(area);
        edm.source = "[SIM] illustrative SecDef approval; the zone is invented".into();
        out.push(edm);
    }
    out.into_iter()
        .map(|authority| Command::Authority { authority })
        .collect()
}

fn req(activity: Activity, conditions: &[Condition]) -> TaskRequirement {
    TaskRequirement {
        activity,
        authorities: Vec::new(),
        conditions: conditions.to_vec(),
    }
}

/// One demo task and the unit it goes to.
struct Demo {
    id: &'static str,
    title: &'static str,
    nexus: &'static str,
    requires: Vec<TaskRequirement>,
    area: Option<Area>,
    /// Start and length after the demo's start, hours.
    hours: (i64, i64),
    assignee: &'static str,
}

/// The tasks (APPROVED, so they can be assigned at once), each followed by
/// its assignment; the module table in `ops_demo` lists the outcomes.
pub(crate) fn tasks(sector: &Sector, start: Time) -> Vec<Command> {
    use Activity::*;
    use Condition::*;
    const CD: &str = "counterdrug / CTOC";
    let demo = vec![
        Demo {
            id: "SIM-T01",
            title: "[SIM] fly CBP agents to the western patrol zone",
            nexus: "border security",
            requires: vec![req(TransportLePersonnel, &[]), req(AviationSupport, &[])],
            area: sector.rect(-26_000.0, -12_000.0, 300.0, 5_000.0),
            hours: (1, 6),
            assignee: "SIM-AVN-DET",
        },
        Demo {
            id: "SIM-T02",
            title: "[SIM] detect and monitor low aircraft approaching the border",
            nexus: CD,
            requires: vec![
                req(Detect, &[]),
                req(MonitorTraffic, &[AirOrMaritimeTraffic]),
            ],
            area: sector.rect(-14_000.0, 6_000.0, 300.0, 8_000.0),
            hours: (0, 12),
            assignee: "SIM-GSR-SEC",
        },
        Demo {
            id: "SIM-T03",
            title: "[SIM] install lights along a smuggling corridor",
            nexus: CD,
            requires: vec![req(Engineering, &[CounterdrugNexus, AgencyRequest])],
            area: sector.rect(12_000.0, 24_000.0, 300.0, 3_000.0),
            hours: (2, 10),
            assignee: "SIM-ENG-CO",
        },
        Demo {
            id: "SIM-T04",
            title: "[SIM] crossing-flow analysis by sector and week",
            nexus: CD,
            requires: vec![req(IntelAnalysis, &[CounterdrugNexus])],
            area: sector.rect(-27_000.0, 27_000.0, 100.0, 14_000.0),
            hours: (0, 12),
            assignee: "SIM-INTEL",
        },
        Demo {
            id: "SIM-T05",
            title: "[SIM] staff a vehicle checkpoint on the border road",
            nexus: "border security",
            requires: vec![req(Checkpoint, &[])],
            area: sector.rect(-6_000.0, -3_000.0, 300.0, 800.0),
            hours: (1, 8),
            assignee: "SIM-MP-CO",
        },
        Demo {
            id: "SIM-T06",
            title: "[SIM] follow one vehicle's driver for a case",
            nexus: "criminal investigation",
            requires: vec![req(SurveilIndividual, &[])],
            area: sector.rect(-8_000.0, 8_000.0, 300.0, 10_000.0),
            hours: (1, 8),
            assignee: "SIM-INTEL",
        },
        Demo {
            id: "SIM-T07",
            title: "[SIM] move persons in custody to the processing centre",
            nexus: "border security",
            requires: vec![req(TransportPersonsInCustody, &[])],
            area: sector.rect(-2_000.0, 4_000.0, 4_000.0, 7_000.0),
            hours: (3, 4),
            assignee: "SIM-AVN-DET",
        },
        Demo {
            id: "SIM-T08",
            title: "[SIM] monitor vehicle traffic on the northern ranch roads",
            nexus: CD,
            // First detected inside: the 25-mile rule fails, and the area
            // lies outside the CBP-assigned zone.
            requires: vec![req(MonitorTraffic, &[Within25Miles])],
            area: sector.rect(-20_000.0, -5_000.0, 9_000.0, 14_000.0),
            hours: (2, 8),
            assignee: "SIM-GSR-SEC",
        },
        Demo {
            id: "SIM-T09",
            title: "[SIM] stop vehicles on a ranch road (mixed team)",
            nexus: "border security",
            requires: vec![req(InterdictLandVehicle, &[])],
            area: sector.rect(-20_000.0, -12_000.0, 500.0, 2_000.0),
            hours: (1, 6),
            assignee: "SIM-MIX-TM",
        },
        Demo {
            id: "SIM-T10",
            title: "[SIM] hold trespassers on the NDA until CBP takes over",
            nexus: "installation security",
            requires: vec![req(ArrestDetain, &[])],
            area: sector.rect(-12_000.0, -6_000.0, 200.0, 1_000.0),
            hours: (0, 12),
            assignee: "SIM-MP-CO",
        },
        Demo {
            id: "SIM-T11",
            title: "[SIM] mobile monitoring patrol in the CBP-assigned zone",
            nexus: "border security",
            requires: vec![req(MonitorTraffic, &[])],
            area: sector.rect(8_000.0, 16_000.0, 500.0, 3_000.0),
            hours: (1, 10),
            assignee: "SIM-MP-CO",
        },
    ];
    let mut out = Vec::new();
    for d in demo {
        let from = start.plus_secs(d.hours.0 * HOUR_S);
        out.push(Command::Task {
            task: Task {
                id: d.id.into(),
                order: None,
                title: d.title.into(),
                agency: AGENCY.into(),
                poc: "[SIM] CBP sector duty desk".into(),
                nexus: d.nexus.into(),
                requires: d.requires,
                area: d.area,
                window: Window {
                    from,
                    to: Some(from.plus_secs(d.hours.1 * HOUR_S)),
                },
                splittable: true,
                status: TaskStatus::Approved,
            },
        });
        out.push(Command::Assign {
            task: d.id.into(),
            unit: d.assignee.into(),
        });
    }
    out
}
