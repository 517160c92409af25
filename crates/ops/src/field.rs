//! Tasks on the wire (AUTHORITIES.md §2.3): the CoT tasking event an
//! element's TAK users receive, its cancellation, the GeoChat line that
//! goes with it, and reading their answers back (a `y-*` reply linked to
//! the task with relation `p-t`, or a GeoChat `WILCO <task>` /
//! `CANTCO <task> <reason>` / `COMPLETE <task>`). Pure: events in, events
//! out; the shell routes them.

use cot::{Element, Event, Node, Time};

use crate::activity::Activity;
use crate::assignment::Assignment;
use crate::command::Answer;
use crate::decide::Outcome;
use crate::task::Task;

/// The prefix of every task event uid: `watchfloor-task.<assignment>.<element>`.
pub const TASK_UID_PREFIX: &str = "watchfloor-task.";

/// The uid of the task event an element receives.
pub fn task_uid(assignment: &str, element: &str) -> String {
    format!("{TASK_UID_PREFIX}{assignment}.{element}")
}

/// The assignment and element a task event uid names.
pub fn parse_task_uid(uid: &str) -> Option<(&str, &str)> {
    let rest = uid.strip_prefix(TASK_UID_PREFIX)?;
    let (assignment, element) = rest.split_once('.')?;
    (!assignment.is_empty() && !element.is_empty()).then_some((assignment, element))
}

/// The CoT tasking type for a task: ISR tasking (`t-s`) for detection,
/// monitoring, analysis and reconnaissance, relocation (`t-r`) for the
/// rest (transport, logistics, engineering, law-enforcement support).
pub fn task_type(task: &Task) -> &'static str {
    let isr = task.requires.iter().any(|r| {
        matches!(
            r.activity,
            Activity::Detect
                | Activity::MonitorTraffic
                | Activity::IntelAnalysis
                | Activity::AviationSupport
        )
    });
    if isr {
        "t-s"
    } else {
        "t-r"
    }
}

fn el(name: &str, attrs: &[(&str, &str)]) -> Element {
    Element::with_attrs(name, attrs.iter().copied())
}

fn with_text(mut e: Element, text: &str) -> Element {
    e.children.push(Node::Text(text.to_string()));
    e
}

fn dests(recipients: &[String]) -> Element {
    let mut marti = el("marti", &[]);
    for r in recipients {
        marti
            .children
            .push(Node::Element(el("dest", &[("uid", r)])));
    }
    marti
}

/// The authority basis of an element's allowed activities, for people.
pub fn basis(assignment: &Assignment, element: &str) -> String {
    let Some(e) = assignment.elements.iter().find(|e| e.element == element) else {
        return String::new();
    };
    if let Some(r) = &e.review {
        return format!("legal review by {}: {}", r.by, r.reason);
    }
    let mut cites: Vec<&str> = e
        .activities
        .iter()
        .filter(|d| d.outcome == Outcome::Allowed && !d.citation.is_empty())
        .map(|d| d.citation.as_str())
        .collect();
    cites.dedup();
    cites.join("; ")
}

/// The words of the task for a TAK user (GeoChat and CoT remarks).
pub fn task_text(task: &Task, assignment: &Assignment, element: &str) -> String {
    let area = task.area.as_ref().map_or_else(
        || "no area".to_string(),
        |a| {
            let (lon, lat) = a.centre();
            format!("area centre {lat:.4}, {lon:.4}")
        },
    );
    let until = task
        .window
        .to
        .map_or_else(|| "open-ended".to_string(), |t| t.to_string());
    let activities: Vec<&str> = task.requires.iter().map(|r| r.activity.name()).collect();
    format!(
        "TASK {}: {} ({}). {}; from {} to {}. Authority: {}. Reply WILCO {} or CANTCO {} <reason>.",
        task.id,
        task.title,
        activities.join(", "),
        area,
        task.window.from,
        until,
        basis(assignment, element),
        task.id,
        task.id
    )
}

/// The CoT tasking event for one element, addressed to `recipients`.
pub fn task_event(
    task: &Task,
    assignment: &Assignment,
    element: &str,
    recipients: &[String],
    now: Time,
) -> Event {
    let stale = task
        .window
        .to
        .unwrap_or(now.plus_secs(24 * 3600))
        .max(now.plus_secs(60));
    let mut e = Event::new(
        task_uid(&assignment.id, element),
        task_type(task),
        "h-g-i-g-o",
        now,
        stale,
    );
    match &task.area {
        Some(a) => {
            let (lon, lat) = a.centre();
            e.point.lat = lat;
            e.point.lon = lon;
        }
        None => {
            e.point.ce = cot::UNKNOWN;
            e.point.le = cot::UNKNOWN;
        }
    }
    e.point.hae = cot::UNKNOWN;
    let d = &mut e.detail;
    d.push_element(el("contact", &[("callsign", &format!("TASK {}", task.id))]));
    for r in recipients {
        d.push_element(el(
            "link",
            &[("uid", r), ("type", "a-f-G"), ("relation", "t-s")],
        ));
    }
    d.push_element(el(
        "__watchfloor_task",
        &[
            ("task", &task.id),
            ("assignment", &assignment.id),
            ("element", element),
            ("rule_set", &assignment.rule_set),
        ],
    ));
    d.push_element(with_text(
        el("remarks", &[]),
        &task_text(task, assignment, element),
    ));
    d.push_element(dests(recipients));
    e
}

/// The cancellation (`t-u-z`) of an element's task event.
pub fn cancel_event(
    assignment: &str,
    element: &str,
    task: &str,
    reason: &str,
    recipients: &[String],
    now: Time,
) -> Event {
    let target = task_uid(assignment, element);
    let mut e = Event::new(
        format!("{target}.cancel"),
        "t-u-z",
        "h-g-i-g-o",
        now,
        now.plus_secs(3600),
    );
    e.point.hae = cot::UNKNOWN;
    e.point.ce = cot::UNKNOWN;
    e.point.le = cot::UNKNOWN;
    let d = &mut e.detail;
    d.push_element(el("link", &[("uid", &target), ("relation", "p-t")]));
    d.push_element(with_text(
        el("remarks", &[]),
        &format!("TASK {task} WITHDRAWN: {reason}"),
    ));
    d.push_element(dests(recipients));
    e
}

/// A field answer read off the wire: which assignment and element (for a
/// CoT reply) or which task (for a chat line), and the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldAnswer {
    /// A `y-*` reply linked to a task event.
    Reply {
        /// The assignment.
        assignment: String,
        /// The element.
        element: String,
        /// The answer.
        answer: Answer,
    },
    /// A GeoChat line naming the task.
    Chat {
        /// The task id.
        task: String,
        /// The answer.
        answer: Answer,
    },
}

/// The most characters of a CANTCO reason kept.
pub const MAX_REASON: usize = 500;

fn clip(s: &str) -> String {
    s.trim().chars().take(MAX_REASON).collect()
}

/// Reads an answer from an event: a `y-*` reply with a `p-t` link to one
/// of our task events, or a GeoChat message starting with WILCO, CANTCO
/// or COMPLETE and a task id. Anything else is `None`.
pub fn read_answer(e: &Event) -> Option<FieldAnswer> {
    if e.is_chat() {
        let text = e.detail.remarks()?;
        let mut words = text.split_whitespace();
        let verb = words.next()?.to_ascii_uppercase();
        let task = words.next()?.trim_end_matches([',', '.', ':']).to_string();
        let rest: Vec<&str> = words.collect();
        let answer = match verb.as_str() {
            "WILCO" => Answer::Wilco,
            "COMPLETE" | "DONE" => Answer::Complete,
            "CANTCO" => Answer::Cantco {
                reason: clip(&rest.join(" ")),
            },
            _ => return None,
        };
        return (!task.is_empty() && task.len() <= 128)
            .then_some(FieldAnswer::Chat { task, answer });
    }
    if !e.is_type("y") {
        return None;
    }
    let link = e
        .detail
        .links()
        .into_iter()
        .find(|l| l.relation.as_deref() == Some("p-t") && l.uid.starts_with(TASK_UID_PREFIX))?;
    let (assignment, element) = parse_task_uid(&link.uid)?;
    let answer = match e.kind.as_str() {
        "y-a-w" | "y-s-e" | "y-s-e-a" => Answer::Wilco,
        "y-c-s" => Answer::Complete,
        k if k.starts_with("y-c-f") => Answer::Cantco {
            reason: clip(&e.detail.remarks().unwrap_or_else(|| k.to_string())),
        },
        _ => return None,
    };
    Some(FieldAnswer::Reply {
        assignment: assignment.into(),
        element: element.into(),
        answer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(text: &str) -> Event {
        let mut e = Event::new(
            "GeoChat.x.y.z",
            "b-t-f",
            "h-g-i-g-o",
            Time::EPOCH,
            Time::EPOCH,
        );
        e.detail.push_element(el(
            "__chat",
            &[("chatroom", "JTF OPS"), ("id", "watchfloor-ops")],
        ));
        e.detail.push_element(with_text(el("remarks", &[]), text));
        e
    }

    #[test]
    fn chat_answers_read_and_other_chat_does_not() {
        assert_eq!(
            read_answer(&chat("wilco T-0007")),
            Some(FieldAnswer::Chat {
                task: "T-0007".into(),
                answer: Answer::Wilco
            })
        );
        assert_eq!(
            read_answer(&chat("CANTCO T-7 vehicle down, no spare")),
            Some(FieldAnswer::Chat {
                task: "T-7".into(),
                answer: Answer::Cantco {
                    reason: "vehicle down, no spare".into()
                }
            })
        );
        assert_eq!(read_answer(&chat("will do")), None);
        assert_eq!(read_answer(&chat("WILCO")), None);
        assert_eq!(read_answer(&chat("")), None);
    }

    #[test]
    fn replies_are_read_from_their_link_to_the_task_event() {
        let mut e = Event::new(
            "reply-1",
            "y-c-f-r-p",
            "h-g-i-g-o",
            Time::EPOCH,
            Time::EPOCH,
        );
        e.detail.push_element(el(
            "link",
            &[("uid", &task_uid("A-000003", "MP-CO")), ("relation", "p-t")],
        ));
        e.detail
            .push_element(with_text(el("remarks", &[]), "no transport"));
        assert_eq!(
            read_answer(&e),
            Some(FieldAnswer::Reply {
                assignment: "A-000003".into(),
                element: "MP-CO".into(),
                answer: Answer::Cantco {
                    reason: "no transport".into()
                }
            })
        );
        e.kind = "y-a-r".into();
        assert_eq!(read_answer(&e), None, "received is not an answer");
        let mut other = Event::new("reply-2", "y-a-w", "h-g-i-g-o", Time::EPOCH, Time::EPOCH);
        other
            .detail
            .push_element(el("link", &[("uid", "someone-else"), ("relation", "p-t")]));
        assert_eq!(read_answer(&other), None);
        assert_eq!(
            parse_task_uid("watchfloor-task.A-1.UNIT.WITH.DOTS"),
            Some(("A-1", "UNIT.WITH.DOTS"))
        );
        assert_eq!(parse_task_uid("watchfloor-task..X"), None);
    }
}
