//! The simulated task force's orders and suspenses for `watchfloor demo`
//! (**simulation**: every order and suspense names itself `[SIM]`, and
//! none is a real document):
//!
//! - the order that created the task force, DTG 221200Z JAN 25, asking the
//!   J5 to recommend within 90 days (AUTHORITIES.md §5.3 case 15): due
//!   22 APR 25 1200Z, met on 15 APR 25;
//! - a FRAGORD two days before the demo starts that changes paragraph
//!   3.b and sets the intelligence cell a SITREP due 20 minutes into the
//!   demo, warned at T-15m: the watch floor sees its warning, its due
//!   notice and then a late suspense, live;
//! - the MP company's daily PERSTAT due 0600Z, running since three days
//!   before the demo: the first and the latest met on time, the one
//!   between them LATE, and the next one open.

use cot::{Civil, Time};
use ops::order::{
    Change, Edit, Order, OrderKind, OrderSuspense, ParagraphAddr, RefTarget, Reference,
};
use ops::suspense::{parse_dtg, Lead, Recurring};
use ops::Command;

const DAY_S: i64 = 86_400;

/// The id of the order that created the task force.
pub const EXORD: &str = "[SIM] EXORD-25-01";
/// The id of the FRAGORD the demo issues.
pub const FRAGORD: &str = "[SIM] FRAGORD-25-01-007";
/// The id of the MP company's daily PERSTAT.
pub const PERSTAT: &str = "SIM-PERSTAT-MP";

fn paragraphs(list: &[(&str, &str)]) -> std::collections::BTreeMap<ParagraphAddr, String> {
    list.iter()
        .filter_map(|(a, t)| Some((ParagraphAddr::parse(a).ok()?, format!("[SIM] {t}"))))
        .collect()
}

/// The most recent 0600Z at or before `t`.
fn last_0600(t: Time) -> Time {
    let c = t.civil();
    let today = Time::from_civil(Civil {
        hour: 6,
        minute: 0,
        second: 0,
        micros: 0,
        ..c
    })
    .unwrap_or(t);
    if today > t {
        today.plus_secs(-DAY_S)
    } else {
        today
    }
}

/// The commands, in order, for an actor with the watch-officer role; the
/// units they name are those of [`super::demo_roster`].
pub fn orders(start: Time) -> Vec<Command> {
    let mut out = Vec::new();
    let Ok(dtg) = parse_dtg("221200Z JAN 25") else {
        return out;
    };
    let Ok(met) = parse_dtg("151600Z APR 25") else {
        return out;
    };
    let exord = Order {
        subject: "[SIM] establish the joint task force for border support".into(),
        references: vec![Reference {
            letter: 'A',
            target: RefTarget::Authority("SIM-EDM-ZONE".into()),
            citation: "[SIM] border-support authority record of the demo".into(),
            dtg: None,
        }],
        paragraphs: paragraphs(&[
            (
                "1",
                "Situation: a simulated surge of crossings in the sector.",
            ),
            (
                "2",
                "Mission: the task force supports the border agency in the sector.",
            ),
            ("3", "Execution."),
            (
                "3.a",
                "Concept: detection and monitoring, engineering, aviation support.",
            ),
            ("3.b", "Tasks to units: as tasked on the board."),
            (
                "3.c",
                "Coordinating instructions: J5 recommends within 90 days whether to continue.",
            ),
            ("4", "Sustainment: from home station."),
            ("5", "Command and signal: the JTF watch floor."),
        ]),
        suspenses: vec![OrderSuspense {
            id: "REC-90".into(),
            owner: "J5".into(),
            due: dtg.plus_secs(90 * DAY_S),
            title: "[SIM] recommend within 90 days".into(),
            warnings: None,
        }],
        ..Order::new(EXORD, OrderKind::Exord, dtg, "[SIM] combatant command")
    };
    // Taken and met in one request: the time caught up before the next
    // one would otherwise warn of a due instant long past.
    out.push(Command::Batch {
        commands: vec![
            Command::Order { order: exord },
            Command::Meet {
                suspense: format!("{EXORD}/REC-90"),
                at: Some(met),
                note: "[SIM] recommendation delivered".into(),
            },
        ],
    });
    let fragord = Order {
        subject: "[SIM] intelligence cell reports crossing flows".into(),
        suspenses: vec![OrderSuspense {
            id: "SITREP-1".into(),
            owner: "SIM-INTEL".into(),
            due: start.plus_secs(20 * 60),
            title: "[SIM] first flow SITREP".into(),
            warnings: Lead::from_secs(15 * 60).map(|l| vec![l]),
        }],
        base: Some(EXORD.into()),
        changes: ParagraphAddr::parse("3.b")
            .ok()
            .map(|paragraph| Change {
                paragraph,
                change: Edit::Replace(
                    "[SIM] Tasks to units: the intelligence cell reports crossing flows daily."
                        .into(),
                ),
            })
            .into_iter()
            .collect(),
        ..Order::new(
            FRAGORD,
            OrderKind::Fragord,
            start.plus_secs(-2 * DAY_S),
            "[SIM] JTF commander",
        )
    };
    out.push(Command::Order { order: fragord });
    let d0 = last_0600(start);
    let series = Recurring {
        id: PERSTAT.into(),
        owner: "SIM-MP-CO".into(),
        about: ops::suspense::About::Report,
        subject: "PERSTAT".into(),
        title: "[SIM] daily PERSTAT, 0600Z".into(),
        first_due: d0.plus_secs(-2 * DAY_S),
        every: Lead::days(1),
        opens_before: None,
        until: None,
        warnings: None,
        order: Some(EXORD.into()),
        since: Some(d0.plus_secs(-2 * DAY_S - 12 * 3600)),
    };
    // The first and the latest met on time; the one between them is late.
    // One request with the series, so only the late one is warned of.
    let meets = [0, 2].into_iter().filter_map(|k| {
        Some(Command::Meet {
            suspense: series.instance_id(k),
            at: Some(series.due_of(k)?.plus_secs(-25 * 60)),
            note: "[SIM] PERSTAT received".into(),
        })
    });
    let mut batch: Vec<Command> = meets.collect();
    batch.insert(0, Command::Recurring { recurring: series });
    out.push(Command::Batch { commands: batch });
    out
}
