//! The simulated joint task force's own records for `watchfloor demo`:
//! units, duty statuses, illustrative authority records, tasks and their
//! assignments, as [`ops::Command`]s. **Everything here is simulation**:
//! every designation and task title starts with `[SIM] `, every order and
//! authority names itself `[SIM]`, and none is a real document (watchfloor
//! gives no legal advice; the records only exercise the decision rule).
//!
//! Each unit's `sa_uid` is one of the demo force's TAK units
//! ([`crate::force::ForceConfig::border_sector`]), so its position on the
//! roster comes from the field. Areas are drawn in the sector's East-North
//! frame ([`crate::SimConfig::border_sector`]: the border is north = 0 m)
//! and converted to longitude/latitude vertex by vertex; edges are straight
//! in degrees, a flat approximation that is off by centimetres over the
//! sector's 57 km.
//!
//! The board it sets up (default rule set, AUTHORITIES.md §5.3):
//!
//! | task | assignee | outcome | basis |
//! |---|---|---|---|
//! | T01 fly CBP agents | aviation det (T10) | ALLOWED | TRANSPORT-LE-ALL |
//! | T02 low aircraft | surveillance section (T10) | ALLOWED | DETECT-ALL, T10-MONITOR-AIR-SEA |
//! | T03 corridor lights | engineer company (T32 AZ) | ALLOWED | ENGINEERING-CD |
//! | T04 crossing flows | intelligence cell (T10) | ALLOWED | T10-INTEL-CD |
//! | T05 checkpoint | MP company (T10) | REFUSED | T10-PCA |
//! | T06 follow one driver | intelligence cell (T10) | REFUSED | T10-PCA |
//! | T07 persons in custody | aviation det (T10) | NEEDS_REVIEW | custody condition not declared |
//! | T08 northern roads | surveillance section (T10) | NEEDS_REVIEW | 25-mile rule, outside the EDM zone |
//! | T09 stop vehicles | mixed team | ALLOWED (MP squad REFUSED, Guard squad ALLOWED) | T10-PCA; SIM-AZ-GOV-LE |
//! | T10 hold trespassers | MP company (T10) | ALLOWED | SIM-NDA-SECURITY (exception) |
//! | T11 zone patrol | MP company (T10) | ALLOWED | SIM-EDM-ZONE |

pub mod orders;
mod records;
#[cfg(test)]
mod tests;

use cot::Time;
use fusion::geo::{EnuFrame, Geodetic};
use ops::duty::{DutyKind, DutyStatus};
use ops::unit::{Component, Echelon, Readiness, Strength, Unit};
use ops::{Area, Command, Window};

use crate::SimConfig;

/// One day, seconds.
const DAY_S: i64 = 86_400;

/// The commands that set up the simulated task force at `start`, to be
/// applied in order by an actor holding the admin, legal and watch-officer
/// roles: units (parents first) with their duty statuses, then the
/// illustrative authority records, then the tasks and their assignments,
/// then the orders and suspenses of [`orders`].
pub fn demo_roster(start: Time) -> Vec<Command> {
    let sector = Sector::new();
    let mut out = Vec::new();
    for spec in UNITS {
        out.push(Command::Unit {
            unit: spec.unit(start),
        });
        if let Some((kind, state, order)) = spec.status {
            out.push(Command::Status {
                unit: spec.id.into(),
                status: DutyStatus {
                    kind,
                    state: state.map(Into::into),
                    order_ref: order.into(),
                    // Mobilised a fortnight before the demo starts.
                    window: Window {
                        from: start.plus_secs(-14 * DAY_S),
                        to: None,
                    },
                },
            });
        }
    }
    out.extend(records::authorities(&sector, start));
    out.extend(records::tasks(&sector, start));
    out.extend(orders::orders(start));
    out
}

/// The sector's East-North frame, for drawing areas in metres.
pub(crate) struct Sector {
    frame: EnuFrame,
}

impl Sector {
    pub(crate) fn new() -> Sector {
        let c = SimConfig::border_sector();
        Sector {
            frame: EnuFrame::new(Geodetic {
                lat_deg: c.origin_lat_deg,
                lon_deg: c.origin_lon_deg,
                alt_m: c.terrain_height_m,
            }),
        }
    }

    /// `[lon, lat]` degrees of a point `east_m` east of the origin and
    /// `north_m` north of the border.
    pub(crate) fn point(&self, east_m: f64, north_m: f64) -> [f64; 2] {
        let g = self.frame.enu_to_geodetic(&[east_m, north_m, 0.0]);
        [g.lon_deg, g.lat_deg]
    }

    /// A polygon from east/north vertices in metres; `None` only if the
    /// vertices do not make a simple polygon.
    pub(crate) fn polygon(&self, vertices: &[(f64, f64)]) -> Option<Area> {
        Area::new(vertices.iter().map(|(e, n)| self.point(*e, *n)).collect()).ok()
    }

    /// A rectangle from its west and east edges (metres east) and south
    /// and north edges (metres north of the border).
    pub(crate) fn rect(&self, west: f64, east: f64, south: f64, north: f64) -> Option<Area> {
        self.polygon(&[(west, south), (east, south), (east, north), (west, north)])
    }
}

/// A unit of the demo force, as data.
struct Spec {
    id: &'static str,
    designation: &'static str,
    parent: Option<&'static str>,
    echelon: Echelon,
    /// MIL-STD-2525C function id without its padding (`UCV`, `UULM`).
    function: &'static str,
    /// SIDC position 11: `-`, `B` task force headquarters, `E` task force.
    modifier: char,
    service: &'static str,
    component: Option<Component>,
    capabilities: &'static [&'static str],
    /// Authorised, assigned, present for duty.
    strength: (u32, u32, u32),
    /// C-level, then P, S, R and T.
    readiness: [u8; 5],
    sa_uid: &'static str,
    field_uids: &'static [&'static str],
    /// Kind, state, order reference; `None` where each child has its own.
    status: Option<(DutyKind, Option<&'static str>, &'static str)>,
}

impl Spec {
    fn unit(&self, start: Time) -> Unit {
        let (authorized, assigned, present_for_duty) = self.strength;
        let [c_level, p, s, r, t] = self.readiness;
        Unit {
            id: self.id.into(),
            designation: self.designation.into(),
            parent: self.parent.map(Into::into),
            echelon: Some(self.echelon),
            sidc: sidc(self.function, self.modifier, self.echelon),
            cot_type: cot_type(self.function),
            service: self.service.into(),
            component: self.component,
            capabilities: self.capabilities.iter().map(|c| (*c).into()).collect(),
            strength: Some(Strength {
                authorized,
                assigned,
                present_for_duty,
                as_of: start,
            }),
            readiness: Some(Readiness {
                c_level,
                p,
                s,
                r,
                t,
                as_of: start,
            }),
            sa_uid: Some(self.sa_uid.into()),
            field_uids: self.field_uids.iter().map(|u| (*u).into()).collect(),
        }
    }
}

/// A friendly, present ground-unit 2525C SIDC: `S F G P`, the function id
/// padded to six, the modifier (position 11), the echelon (position 12),
/// no country or order of battle.
fn sidc(function: &str, modifier: char, echelon: Echelon) -> String {
    format!("SFGP{function:-<6}{modifier}{}---", echelon.letter())
}

/// The CoT type of the same symbol: the 2525 hierarchy, one letter a level.
fn cot_type(function: &str) -> String {
    function.chars().fold("a-f-G".to_string(), |mut t, c| {
        t.push('-');
        t.push(c);
        t
    })
}

const T10_ORDER: &str = "[SIM] JTF-BORDER mobilisation order 26-001 (Title 10)";
const AZ_ORDER: &str = "[SIM] Arizona governor's order 26-014 (32 U.S.C. 502(f))";

/// The units, parents before children. Their SA uids are the demo force's
/// (`sim-force-` and the callsign's slug).
const UNITS: &[Spec] = &[
    Spec {
        id: "SIM-JTF-HQ",
        designation: "[SIM] JTF-BORDER HQ",
        parent: None,
        echelon: Echelon::Command,
        function: "U",
        modifier: 'B',
        service: "Joint",
        component: Some(Component::Ac),
        capabilities: &["command and control", "communications relay"],
        strength: (120, 114, 106),
        readiness: [2, 2, 1, 2, 2],
        sa_uid: "sim-force-toc",
        field_uids: &[],
        status: Some((DutyKind::T10, None, T10_ORDER)),
    },
    Spec {
        id: "SIM-AVN-DET",
        designation: "[SIM] Aviation Detachment, TF RAVEN",
        parent: Some("SIM-JTF-HQ"),
        echelon: Echelon::Platoon,
        function: "UCV",
        modifier: '-',
        service: "Army",
        component: Some(Component::Ac),
        capabilities: &[
            "aviation (transport, insertion and extraction, MEDEVAC)",
            "aviation reconnaissance (day and night)",
        ],
        strength: (36, 33, 30),
        readiness: [2, 2, 2, 2, 1],
        sa_uid: "sim-force-air-ops",
        field_uids: &[],
        status: Some((DutyKind::T10, None, T10_ORDER)),
    },
    Spec {
        id: "SIM-GSR-SEC",
        designation: "[SIM] Ground Surveillance Section (LP/OP)",
        parent: Some("SIM-JTF-HQ"),
        echelon: Echelon::Section,
        function: "UUMRG",
        modifier: '-',
        service: "Army",
        component: Some(Component::Ac),
        capabilities: &[
            "ground surveillance radar",
            "listening post / observation post (LP/OP)",
            "ground sensors",
        ],
        strength: (14, 13, 12),
        readiness: [1, 1, 1, 2, 1],
        sa_uid: "sim-force-op-san-pedro",
        field_uids: &["sim-force-op-cochise"],
        status: Some((DutyKind::T10, None, T10_ORDER)),
    },
    Spec {
        id: "SIM-INTEL",
        designation: "[SIM] JTF Intelligence Cell (J2)",
        parent: Some("SIM-JTF-HQ"),
        echelon: Echelon::Section,
        function: "UUM",
        modifier: '-',
        service: "Army",
        component: Some(Component::Ac),
        capabilities: &[
            "intelligence (collaborative threat assessment)",
            "intelligence (link analysis)",
            "GEOINT",
        ],
        strength: (12, 12, 11),
        readiness: [1, 1, 1, 1, 2],
        sa_uid: "sim-force-charlie-3",
        field_uids: &[],
        status: Some((DutyKind::T10, None, T10_ORDER)),
    },
    Spec {
        id: "SIM-ENG-CO",
        designation: "[SIM] B Co, Engineer Battalion, AZ Army National Guard",
        parent: Some("SIM-JTF-HQ"),
        echelon: Echelon::Company,
        function: "UCE",
        modifier: '-',
        service: "Army",
        component: Some(Component::Arng),
        capabilities: &[
            "engineering (lights)",
            "engineering (vehicle barriers)",
            "engineering (roads)",
        ],
        strength: (110, 102, 91),
        readiness: [2, 2, 3, 2, 2],
        sa_uid: "sim-force-delta-4",
        field_uids: &["sim-force-medic-5"],
        status: Some((DutyKind::T32_502f, Some("AZ"), AZ_ORDER)),
    },
    Spec {
        id: "SIM-MP-CO",
        designation: "[SIM] 1st Military Police Company",
        parent: Some("SIM-JTF-HQ"),
        echelon: Echelon::Company,
        function: "UULM",
        modifier: '-',
        service: "Army",
        component: Some(Component::Ac),
        capabilities: &["installation security", "ground transportation"],
        strength: (140, 131, 122),
        readiness: [2, 2, 2, 1, 2],
        sa_uid: "sim-force-bravo-2",
        field_uids: &["sim-force-k9-3"],
        status: Some((DutyKind::T10, None, T10_ORDER)),
    },
    Spec {
        id: "SIM-MIX-TM",
        designation: "[SIM] Mixed Border Team 1 (T10 + T32)",
        parent: Some("SIM-JTF-HQ"),
        echelon: Echelon::Section,
        function: "U",
        modifier: 'E',
        service: "Army",
        // Active and Guard members: the component is each squad's.
        component: None,
        capabilities: &["ground transportation"],
        strength: (20, 19, 18),
        readiness: [2, 2, 2, 2, 2],
        sa_uid: "sim-force-alpha-1-1",
        field_uids: &[],
        status: None,
    },
    Spec {
        id: "SIM-MIX-MP",
        designation: "[SIM] MP Squad, Mixed Border Team 1 (T10)",
        parent: Some("SIM-MIX-TM"),
        echelon: Echelon::Squad,
        function: "UULM",
        modifier: '-',
        service: "Army",
        component: Some(Component::Ac),
        capabilities: &["installation security"],
        strength: (10, 10, 9),
        readiness: [2, 2, 2, 2, 2],
        sa_uid: "sim-force-alpha-1-2",
        field_uids: &[],
        status: Some((DutyKind::T10, None, T10_ORDER)),
    },
    Spec {
        id: "SIM-MIX-NG",
        designation: "[SIM] Guard Squad, Mixed Border Team 1 (AZARNG)",
        parent: Some("SIM-MIX-TM"),
        echelon: Echelon::Squad,
        function: "UCI",
        modifier: '-',
        service: "Army",
        component: Some(Component::Arng),
        capabilities: &["ground transportation"],
        strength: (10, 9, 9),
        readiness: [2, 2, 2, 2, 3],
        sa_uid: "sim-force-bravo-2-1",
        field_uids: &[],
        status: Some((DutyKind::T32_502f, Some("AZ"), AZ_ORDER)),
    },
];
