//! The fifteen worked cases of AUTHORITIES.md §5.3, run through the engine
//! with the default rule set and the deployment records each case needs.
//! The tests assert every row; `watchfloor ops cases` prints the table.
//! Units, tasks and areas here are illustrative (the NDA polygon is not the
//! surveyed boundary), not a real deployment.

use cot::Time;

use crate::activity::Activity;
use crate::area::Area;
use crate::authority::{AppliesTo, Authority, AuthorityKind, Condition};
use crate::command::{Actor, Command, Role};
use crate::decide::Outcome;
use crate::duty::{DutyKind, DutyStatus};
use crate::engine::{Ops, OpsConfig};
use crate::ruleset::RuleSet;
use crate::suspense::{parse_dtg, plus_days};
use crate::task::{Task, TaskRequirement, TaskStatus};
use crate::unit::Unit;
use crate::when::Window;

/// One row of the decision table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// The case's number in §5.3.
    pub case: u8,
    /// What is decided, in a few words.
    pub what: String,
    /// The element (or "assignment" for a combined decision).
    pub element: String,
    /// What §5.3 expects.
    pub expected: String,
    /// What the engine said.
    pub got: String,
    /// The rule (record id) that decided, and its citation.
    pub basis: String,
}

impl CaseRow {
    /// Whether the engine agrees with §5.3.
    pub fn agrees(&self) -> bool {
        self.expected == self.got
    }
}

fn at(h: i64, m: i64) -> Time {
    // 2025-03-01T00:00:00Z, a day inside the 2025 posture of §1.4.
    Time::from_millis(1_740_787_200_000 + (h * 60 + m) * 60_000)
}

struct Bench {
    ops: Ops,
    rows: Vec<CaseRow>,
    errors: Vec<String>,
    /// Case 15's engine and every entry it wrote, for its timeline.
    case_15: Option<(Ops, Vec<crate::entry::Entry>)>,
}

fn admin() -> Actor {
    Actor::user("admin", &[Role::Admin])
}
fn officer() -> Actor {
    Actor::user("watch", &[Role::WatchOfficer])
}
fn counsel() -> Actor {
    Actor::user("sja", &[Role::Legal])
}

fn unit(id: &str, parent: Option<&str>, designation: &str) -> Unit {
    Unit {
        id: id.into(),
        designation: designation.into(),
        parent: parent.map(Into::into),
        echelon: None,
        sidc: String::new(),
        cot_type: String::new(),
        service: String::new(),
        component: None,
        capabilities: Vec::new(),
        strength: None,
        readiness: None,
        sa_uid: None,
        field_uids: Vec::new(),
    }
}

fn status(kind: DutyKind, state: Option<&str>, from: Time) -> DutyStatus {
    DutyStatus {
        kind,
        state: state.map(Into::into),
        order_ref: format!("{kind} order (illustrative)"),
        window: Window { from, to: None },
    }
}

fn req(activity: Activity, conditions: &[Condition]) -> TaskRequirement {
    TaskRequirement {
        activity,
        authorities: Vec::new(),
        conditions: conditions.to_vec(),
    }
}

fn task(
    id: &str,
    title: &str,
    requires: Vec<TaskRequirement>,
    area: Option<Area>,
    from: Time,
) -> Task {
    Task {
        id: id.into(),
        order: None,
        title: title.into(),
        agency: "CBP".into(),
        poc: String::new(),
        nexus: String::new(),
        requires,
        area,
        window: Window {
            from,
            to: Some(from.plus_secs(12 * 3600)),
        },
        splittable: true,
        status: TaskStatus::Approved,
    }
}

fn record(
    id: &str,
    kind: AuthorityKind,
    citation: &str,
    activities: &[Activity],
    applies_to: AppliesTo,
    from: Time,
) -> Authority {
    let mut a = Authority::new(
        id,
        kind,
        citation,
        activities,
        applies_to,
        Window { from, to: None },
    );
    a.source = "illustrative deployment record".into();
    a.approved_by = "SJA (illustrative)".into();
    a
}

fn rect(w: f64, s: f64, e: f64, n: f64) -> Option<Area> {
    Area::rect(w, s, e, n).ok()
}

impl Bench {
    fn new() -> Bench {
        Bench {
            ops: Ops::new(OpsConfig::default(), RuleSet::default_rules()),
            rows: Vec::new(),
            errors: Vec::new(),
            case_15: None,
        }
    }

    fn run(&mut self, actor: &Actor, cmd: Command, now: Time) {
        if let Err(e) = self.ops.apply(actor, &cmd, now).result {
            self.errors.push(format!("{}: {e}", cmd.action()));
        }
    }

    fn unit(
        &mut self,
        id: &str,
        parent: Option<&str>,
        designation: &str,
        kind: Option<(DutyKind, Option<&str>)>,
    ) {
        self.run(
            &admin(),
            Command::Unit {
                unit: unit(id, parent, designation),
            },
            at(0, 0),
        );
        if let Some((k, state)) = kind {
            self.run(
                &admin(),
                Command::Status {
                    unit: id.into(),
                    status: status(k, state, at(0, 0)),
                },
                at(0, 0),
            );
        }
    }

    fn task(&mut self, t: Task, now: Time) {
        self.run(&officer(), Command::Task { task: t }, now);
    }

    /// Assigns and returns the assignment's id.
    fn assign(&mut self, task: &str, unit: &str, now: Time) -> Option<String> {
        self.run(
            &officer(),
            Command::Assign {
                task: task.into(),
                unit: unit.into(),
            },
            now,
        );
        self.ops
            .assignments_of(task)
            .iter()
            .find(|a| a.assignee == unit)
            .map(|a| a.id.clone())
    }

    /// Records the element rows (or the combined row) of an assignment.
    fn row(
        &mut self,
        case: u8,
        what: &str,
        assignment: Option<&str>,
        element: Option<&str>,
        expected: Outcome,
    ) {
        let a = assignment.and_then(|id| self.ops.assignment(id));
        let (got, basis) = match (a, element) {
            (None, _) => ("(no assignment)".to_string(), String::new()),
            (Some(a), None) => (
                a.outcome.name().to_string(),
                format!("{} element(s)", a.elements.len()),
            ),
            (Some(a), Some(el)) => match a.elements.iter().find(|e| e.element == el) {
                None => ("(no element)".to_string(), String::new()),
                Some(e) => {
                    let decisive = e
                        .activities
                        .iter()
                        .find(|d| d.outcome == e.outcome)
                        .or(e.activities.first());
                    let basis = decisive
                        .map(|d| {
                            if d.citation.is_empty() {
                                d.rule.clone()
                            } else {
                                format!("{} ({})", d.rule, d.citation)
                            }
                        })
                        .unwrap_or_default();
                    (e.outcome.name().to_string(), basis)
                }
            },
        };
        self.rows.push(CaseRow {
            case,
            what: what.into(),
            element: element.unwrap_or("assignment").into(),
            expected: expected.name().into(),
            got,
            basis,
        });
    }

    fn check(
        &mut self,
        case: u8,
        what: &str,
        element: &str,
        expected: &str,
        got: String,
        basis: &str,
    ) {
        self.rows.push(CaseRow {
            case,
            what: what.into(),
            element: element.into(),
            expected: expected.into(),
            got,
            basis: basis.into(),
        });
    }
}

/// Runs every case and returns the table, plus any command the engine
/// refused while setting the cases up (which should be none).
pub fn run() -> (Vec<CaseRow>, Vec<String>) {
    use Activity::*;
    use Condition::*;
    use DutyKind::*;
    use Outcome::*;
    let mut b = Bench::new();
    let border = rect(-107.5, 31.3, -106.5, 31.8);
    for (id, name, kind) in [
        ("AVN-CO", "B Co, 2-149 AVN (T10)", (T10, None)),
        ("INF-PLT", "1st Plt, B Co (T10)", (T10, None)),
        (
            "NG-CO",
            "A Co, 1-200 IN, NMARNG (T32 502(f))",
            (T32_502f, Some("NM")),
        ),
        (
            "TXNG-CO",
            "C Co, 3-141 IN, TXARNG (T32 502(f))",
            (T32_502f, Some("TX")),
        ),
        ("ADA-RDR", "Sentinel radar section (T10)", (T10, None)),
        ("GSR-TM", "Ground surveillance team (T10)", (T10, None)),
        ("INTEL", "JTF intelligence cell (T10)", (T10, None)),
        ("ENG-CO", "A Co, 588 EN BN (T10)", (T10, None)),
        ("MP-CO", "978 MP Co (T10)", (T10, None)),
        ("DDG", "USS example (DDG, T10)", (T10, None)),
        ("LEDET", "USCG LEDET 404 (T14)", (T14Uscg, None)),
    ] {
        b.unit(id, None, name, Some(kind));
    }
    b.unit("MIXED", None, "Mixed team", None);
    b.unit(
        "MIXED-MP",
        Some("MIXED"),
        "MP squad (T10)",
        Some((T10, None)),
    );
    b.unit(
        "MIXED-NG",
        Some("MIXED"),
        "NG squad (T32)",
        Some((T32_502f, Some("NM"))),
    );
    b.unit("MIXED2", None, "Mixed team, non-splittable task", None);
    b.unit(
        "MIXED2-MP",
        Some("MIXED2"),
        "MP squad (T10)",
        Some((T10, None)),
    );
    b.unit(
        "MIXED2-NG",
        Some("MIXED2"),
        "NG squad (T32)",
        Some((T32_502f, Some("NM"))),
    );
    let governor = record(
        "NM-GOV-EO-LE",
        AuthorityKind::Grant,
        "New Mexico governor's order granting state law-enforcement authority (illustrative)",
        &[ArrestDetain, InterdictLandVehicle],
        AppliesTo {
            statuses: vec![T32_502f],
            states: vec!["NM".into()],
            units: Vec::new(),
        },
        at(0, 0),
    );
    b.run(
        &counsel(),
        Command::Authority {
            authority: governor,
        },
        at(0, 0),
    );

    // 1
    b.task(
        task(
            "C1",
            "fly CBP agents to a patrol zone",
            vec![req(TransportLePersonnel, &[])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C1", "AVN-CO", at(1, 0));
    b.row(
        1,
        "T10 aviation, transport LE personnel",
        a.as_deref(),
        Some("AVN-CO"),
        Allowed,
    );
    // 2
    b.task(
        task(
            "C2a",
            "move detainees, CBP guards aboard",
            vec![req(TransportPersonsInCustody, &[CustodyRemainsWithLea])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C2a", "AVN-CO", at(1, 0));
    b.row(
        2,
        "T10 aviation, persons in custody, LEA keeps custody",
        a.as_deref(),
        Some("AVN-CO"),
        Allowed,
    );
    b.task(
        task(
            "C2b",
            "move detainees",
            vec![req(TransportPersonsInCustody, &[])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C2b", "AVN-CO", at(1, 0));
    b.row(
        2,
        "same, custody condition not declared",
        a.as_deref(),
        Some("AVN-CO"),
        NeedsReview,
    );
    // 3
    b.task(
        task(
            "C3",
            "detain at a trail crossing",
            vec![req(ArrestDetain, &[])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C3", "INF-PLT", at(1, 0));
    b.row(
        3,
        "T10 infantry, arrest/detain",
        a.as_deref(),
        Some("INF-PLT"),
        Refused,
    );
    // 4
    b.task(
        task(
            "C4",
            "state arrest under the governor's order",
            vec![req(ArrestDetain, &[])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C4", "NG-CO", at(1, 0));
    b.row(
        4,
        "T32 NM company, arrest, governor's grant",
        a.as_deref(),
        Some("NG-CO"),
        Allowed,
    );
    let a = b.assign("C4", "TXNG-CO", at(1, 0));
    b.row(
        4,
        "T32 TX company, arrest, no state grant",
        a.as_deref(),
        Some("TXNG-CO"),
        Refused,
    );
    // 5
    b.task(
        task(
            "C5",
            "stop a vehicle on a ranch road",
            vec![req(InterdictLandVehicle, &[])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C5", "MIXED", at(1, 0));
    b.row(
        5,
        "mixed team, interdict vehicle, splittable",
        a.as_deref(),
        Some("MIXED-MP"),
        Refused,
    );
    b.row(
        5,
        "mixed team, interdict vehicle, splittable",
        a.as_deref(),
        Some("MIXED-NG"),
        Allowed,
    );
    b.row(
        5,
        "mixed team, interdict vehicle, splittable",
        a.as_deref(),
        None,
        Allowed,
    );
    let mut whole = task(
        "C5b",
        "stop a vehicle, one team",
        vec![req(InterdictLandVehicle, &[])],
        border.clone(),
        at(8, 0),
    );
    whole.splittable = false;
    b.task(whole, at(1, 0));
    let a = b.assign("C5b", "MIXED2", at(1, 0));
    b.row(5, "same, non-splittable", a.as_deref(), None, Refused);
    b.row(
        5,
        "same, non-splittable (audit keeps both reasons)",
        a.as_deref(),
        Some("MIXED2-NG"),
        Allowed,
    );
    // 6
    b.task(
        task(
            "C6",
            "watch low aircraft approaching the border",
            vec![
                req(Detect, &[]),
                req(MonitorTraffic, &[AirOrMaritimeTraffic]),
            ],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C6", "ADA-RDR", at(1, 0));
    b.row(
        6,
        "T10 radar, detect + monitor air traffic",
        a.as_deref(),
        Some("ADA-RDR"),
        Allowed,
    );
    // 7
    let inland = rect(-107.0, 32.3, -106.8, 32.4);
    b.task(
        task(
            "C7",
            "monitor vehicles 40 mi inside, first detected inside",
            vec![req(MonitorTraffic, &[])],
            inland.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a7 = b.assign("C7", "GSR-TM", at(1, 0));
    b.row(
        7,
        "T10 GSR, surface traffic 40 mi inside",
        a7.as_deref(),
        Some("GSR-TM"),
        NeedsReview,
    );
    let mut edm = record(
        "EDM-ZONE-7",
        AuthorityKind::Grant,
        "SecDef enhanced detection and monitoring, 2025-03-20; FY2016 NDAA §1059",
        &[MonitorTraffic],
        AppliesTo {
            statuses: vec![T10],
            ..AppliesTo::default()
        },
        at(0, 0),
    );
    edm.area = rect(-107.2, 32.2, -106.6, 32.5);
    b.run(&counsel(), Command::Authority { authority: edm }, at(2, 0));
    b.row(
        7,
        "same, after a SecDef zone authority is entered",
        a7.as_deref(),
        Some("GSR-TM"),
        Allowed,
    );
    // 8
    b.task(
        task(
            "C8",
            "crossing flows by sector and week",
            vec![req(IntelAnalysis, &[CounterdrugNexus])],
            None,
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C8", "INTEL", at(1, 0));
    b.row(
        8,
        "T10 intel, aggregate analysis with CD nexus",
        a.as_deref(),
        Some("INTEL"),
        Allowed,
    );
    // 9
    b.task(
        task(
            "C9",
            "track one named person for a prosecution",
            vec![req(SurveilIndividual, &[])],
            None,
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C9", "INTEL", at(1, 0));
    b.row(
        9,
        "T10 intel, surveil an individual",
        a.as_deref(),
        Some("INTEL"),
        Refused,
    );
    // 10
    b.task(
        task(
            "C10",
            "road and lights in a smuggling corridor",
            vec![req(Engineering, &[CounterdrugNexus, AgencyRequest])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C10", "ENG-CO", at(1, 0));
    b.row(
        10,
        "T10 engineers, DHS request with CD nexus",
        a.as_deref(),
        Some("ENG-CO"),
        Allowed,
    );
    b.task(
        task(
            "C10b",
            "road, no request or nexus",
            vec![req(Engineering, &[])],
            border.clone(),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C10b", "ENG-CO", at(1, 0));
    b.row(
        10,
        "same without request or nexus",
        a.as_deref(),
        Some("ENG-CO"),
        NeedsReview,
    );
    // 11
    let poe = rect(-106.46, 31.74, -106.44, 31.76);
    b.task(
        task(
            "C11a",
            "crowd control at a port-of-entry protest",
            vec![req(CrowdTrafficControl, &[])],
            poe.clone(),
            at(9, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C11a", "MP-CO", at(1, 0));
    b.row(
        11,
        "T10 MPs, crowd control, no proclamation",
        a.as_deref(),
        Some("MP-CO"),
        Refused,
    );
    let mut ia = record(
        "IA-PROC-EXAMPLE",
        AuthorityKind::Exception,
        "10 U.S.C. 252; proclamation under 10 U.S.C. 254 (illustrative)",
        &[CrowdTrafficControl],
        AppliesTo {
            statuses: vec![T10],
            ..AppliesTo::default()
        },
        at(14, 0),
    );
    ia.requires_proclamation = true;
    ia.proclamation = Some("Proclamation (illustrative), 14:00Z".into());
    ia.area = rect(-106.5, 31.7, -106.4, 31.8);
    b.run(&counsel(), Command::Authority { authority: ia }, at(10, 0));
    b.task(
        task(
            "C11b",
            "crowd control, 13:00Z",
            vec![req(CrowdTrafficControl, &[])],
            poe.clone(),
            at(13, 0),
        ),
        at(10, 0),
    );
    let a = b.assign("C11b", "MP-CO", at(10, 0));
    b.row(
        11,
        "after §252/§254 from 14:00Z, task at 13:00Z",
        a.as_deref(),
        Some("MP-CO"),
        Refused,
    );
    b.task(
        task(
            "C11c",
            "crowd control, 15:00Z",
            vec![req(CrowdTrafficControl, &[])],
            poe.clone(),
            at(15, 0),
        ),
        at(10, 0),
    );
    let a = b.assign("C11c", "MP-CO", at(10, 0));
    b.row(
        11,
        "same, task at 15:00Z",
        a.as_deref(),
        Some("MP-CO"),
        Allowed,
    );
    // 12
    let mut nda = record(
        "NMNDA-SECURITY",
        AuthorityKind::Exception,
        "military purpose doctrine: installation security in the New Mexico NDA (NORTHCOM statements, 2025)",
        &[ArrestDetain, Search, CrowdTrafficControl],
        AppliesTo { statuses: vec![T10], ..AppliesTo::default() },
        at(0, 0),
    );
    nda.area = rect(-108.2, 31.33, -106.6, 31.40);
    b.run(&counsel(), Command::Authority { authority: nda }, at(0, 30));
    b.task(
        task(
            "C12a",
            "detain a trespasser for handover to CBP",
            vec![req(ArrestDetain, &[])],
            rect(-107.50, 31.34, -107.49, 31.35),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C12a", "INF-PLT", at(1, 0));
    b.row(
        12,
        "T10 infantry in the NDA, detain",
        a.as_deref(),
        Some("INF-PLT"),
        Allowed,
    );
    b.task(
        task(
            "C12b",
            "same, 1 km outside the NDA",
            vec![req(ArrestDetain, &[])],
            rect(-107.50, 31.41, -107.49, 31.42),
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C12b", "INF-PLT", at(1, 0));
    b.row(
        12,
        "same 1 km outside the polygon",
        a.as_deref(),
        Some("INF-PLT"),
        Refused,
    );
    // 13
    b.task(
        task(
            "C13a",
            "direct a go-fast first detected offshore to port",
            vec![req(InterceptVesselAircraftOutside, &[FirstDetectedOutside])],
            None,
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C13a", "DDG", at(1, 0));
    b.row(
        13,
        "T10 destroyer, intercept outside",
        a.as_deref(),
        Some("DDG"),
        Allowed,
    );
    b.task(
        task(
            "C13b",
            "board and search the go-fast",
            vec![req(BoardSearchVessel, &[])],
            None,
            at(8, 0),
        ),
        at(1, 0),
    );
    let a = b.assign("C13b", "DDG", at(1, 0));
    b.row(
        13,
        "same crew boards and searches",
        a.as_deref(),
        Some("DDG"),
        Refused,
    );
    let a = b.assign("C13b", "LEDET", at(1, 0));
    b.row(
        13,
        "embarked USCG LEDET boards",
        a.as_deref(),
        Some("LEDET"),
        Allowed,
    );
    // 14
    b.task(
        task(
            "C14",
            "state arrests through the day",
            vec![req(ArrestDetain, &[])],
            border.clone(),
            at(0, 0),
        ),
        at(0, 0),
    );
    let a14 = b.assign("C14", "NG-CO", at(0, 0));
    b.run(
        &admin(),
        Command::Status {
            unit: "NG-CO".into(),
            status: status(T10, None, at(6, 0)),
        },
        at(5, 0),
    );
    b.row(
        14,
        "T32 company before federalisation takes effect",
        a14.as_deref(),
        Some("NG-CO"),
        Allowed,
    );
    b.ops.handle_timeout(at(5, 30));
    let _ = b.ops.handle_timeout(at(6, 0));
    b.row(
        14,
        "federalised under 10 U.S.C. 12406 from 06:00Z",
        a14.as_deref(),
        Some("NG-CO"),
        Refused,
    );
    case_15(&mut b);
    (b.rows, b.errors)
}

/// Case 15 as a timeline: the engine the case ran and every audit entry
/// it wrote, oldest first (`watchfloor ops cases --timeline`).
pub fn case_15_log() -> Result<(Ops, Vec<crate::entry::Entry>), Vec<String>> {
    let mut b = Bench::new();
    case_15(&mut b);
    b.case_15.ok_or(b.errors)
}

/// The table as Markdown, for the README and `watchfloor ops cases`.
pub fn table(rows: &[CaseRow]) -> String {
    let mut out = String::from(
        "| case | what | element | expected | engine | basis |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let mark = if r.agrees() { "" } else { " ✗" };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {}{} | {} |\n",
            r.case,
            r.what,
            r.element,
            r.expected,
            r.got,
            mark,
            r.basis.replace('|', "/")
        ));
    }
    out
}

/// Case 15 through the engine: the order is taken, time runs hourly past
/// the due instant, and each notice, the late status and both extension
/// requests are read back from what the engine recorded.
fn case_15(b: &mut Bench) {
    let issued = match parse_dtg("221200Z JAN 25") {
        Ok(t) => t,
        Err(e) => return b.errors.push(e.to_string()),
    };
    let due = plus_days(issued, 90);
    let order = crate::order::Order {
        subject: "establish the joint task force".into(),
        paragraphs: [("2", "Mission: support CBP at the southern border.")]
            .into_iter()
            .filter_map(|(a, t)| Some((crate::order::ParagraphAddr::parse(a).ok()?, t.to_string())))
            .collect(),
        suspenses: vec![crate::order::OrderSuspense {
            id: "REC-90".into(),
            owner: "J5".into(),
            due,
            title: "recommend within 90 days".into(),
            warnings: None,
        }],
        ..crate::order::Order::new(
            "EXORD-25-01",
            crate::order::OrderKind::Exord,
            issued,
            "USNORTHCOM",
        )
    };
    let mut ops = Ops::new(OpsConfig::default(), RuleSet::default_rules());
    let staff = Actor::user("watch", &[Role::WatchOfficer]);
    let taken = ops.apply(&staff, &Command::Order { order }, issued);
    if let Err(e) = taken.result {
        return b.errors.push(e.to_string());
    }
    let mut log = taken.entries;
    let id = "EXORD-25-01/REC-90";
    let mut notices = Vec::new();
    let mut t = issued;
    while t <= plus_days(due, 1) {
        let a = ops.handle_timeout(t);
        log.extend(a.entries.iter().cloned());
        notices.extend(
            a.entries
                .iter()
                .filter(|e| e.action == "ops.suspense.notice")
                .filter_map(|e| {
                    Some(format!(
                        "{} at {}",
                        e.payload.get("level")?.as_str()?,
                        e.time
                    ))
                }),
        );
        t = t.plus_secs(3_600);
    }
    let shown = |t: Option<&crate::suspense::Suspense>,
                 f: &dyn Fn(&crate::suspense::Suspense) -> String| {
        t.map_or_else(|| "(no suspense)".to_string(), f)
    };
    b.check(
        15,
        "due = DTG + 90 days",
        id,
        "2025-04-22T12:00:00.000Z",
        shown(ops.suspense(id), &|s| s.current_due().to_string()),
        "DTG 221200Z JAN 25",
    );
    b.check(
        15,
        "notices, ticking hourly",
        id,
        &format!(
            "T-7d at {}, T-1d at {}, DUE at {due}",
            plus_days(due, -7),
            plus_days(due, -1)
        ),
        notices.join(", "),
        "default thresholds T-7d, T-1d",
    );
    let late = plus_days(due, 1);
    b.check(
        15,
        "at T+1d",
        id,
        "LATE, 1 day late",
        shown(ops.suspense(id), &|s| {
            format!("{}, {} day late", s.status(late).name(), s.days_late(late))
        }),
        "ETMS2 days late",
    );
    let extend = |authority: &str, reason: &str| Command::Extend {
        suspense: id.into(),
        due: plus_days(due, 10),
        authority: authority.into(),
        reason: reason.into(),
    };
    let bare = ops.apply(&staff, &extend("", ""), late);
    log.extend(bare.entries.iter().cloned());
    b.check(
        15,
        "extension without authority or reason",
        id,
        "refused, audited as ops.refused",
        match (&bare.result, bare.entries.last()) {
            (Err(_), Some(e)) => format!("refused, audited as {}", e.action),
            (Ok(()), _) => "taken".into(),
            (Err(_), None) => "refused, not audited".into(),
        },
        "needs an authority and a reason",
    );
    let ok = ops.apply(
        &staff,
        &extend("CoS JTF-SB", "awaiting the DHS assessment"),
        late,
    );
    log.extend(ok.entries.iter().cloned());
    b.check(
        15,
        "extension by the CoS with a reason",
        id,
        "EXTENDED, audited as ops.extend",
        match (&ok.result, ok.entries.last()) {
            (Ok(()), Some(e)) => format!(
                "{}, audited as {}",
                shown(ops.suspense(id), &|s| s.status(late).name().to_string()),
                e.action
            ),
            (r, _) => format!("{r:?}"),
        },
        "the extension is itself an audit record",
    );
    b.case_15 = Some((ops, log));
}
