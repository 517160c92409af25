//! The CoT the task force sends, in the shapes ATAK sends them: self SA,
//! relayed aircraft tracks, GeoChat to All Chat Rooms, emergencies and their
//! cancels. Every event carries a SIMULATION label in its `remarks`.

use cot::{Element, Event, Node, Point, Time};

/// Remarks of every position report.
pub(super) const SA_REMARKS: &str = "SIMULATION";
/// Prefix of every chat text and alert remark.
pub(super) const SIM_PREFIX: &str = "[SIM] ";
/// The broadcast chat room.
pub(super) const ALL_CHAT_ROOMS: &str = "All Chat Rooms";
/// `takv@platform` of every simulated unit, so that a client list shows at a
/// glance which contacts are simulated.
pub(super) const PLATFORM: &str = "watchfloor-sim";

/// GeoChat stale time, seconds: a day, as ATAK sends it.
const CHAT_STALE_S: i64 = 86_400;
/// Alert stale time, seconds: longer than the longest alert, so a client
/// never drops an alert before its cancel.
const ALERT_STALE_S: i64 = 300;

/// Who sends, where it is: what every builder needs about a unit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sender<'a> {
    pub(super) uid: &'a str,
    pub(super) callsign: &'a str,
    pub(super) cot_type: &'a str,
    pub(super) point: Point,
}

/// Motion and identity of one position report.
#[derive(Debug, Clone, Copy)]
pub(super) struct Report<'a> {
    pub(super) sender: Sender<'a>,
    pub(super) course_deg: f64,
    pub(super) speed_mps: f64,
    pub(super) stale_s: i64,
}

fn el(name: &str, attrs: &[(&str, &str)]) -> Element {
    Element::with_attrs(name, attrs.iter().copied())
}

fn with_text(mut e: Element, text: &str) -> Element {
    e.children.push(Node::Text(text.to_owned()));
    e
}

fn track(r: &Report<'_>) -> Element {
    // Rounded as a GPS receiver would report them; keeps the XML short.
    let course = format!("{:.1}", r.course_deg);
    let speed = format!("{:.2}", r.speed_mps);
    el("track", &[("course", &course), ("speed", &speed)])
}

/// A unit's own SA, as an ATAK device on streaming TCP sends it.
pub(super) fn unit_sa(r: &Report<'_>, team: &str, role: &str, battery: u32, now: Time) -> Event {
    let s = &r.sender;
    let mut e = Event::new(s.uid, s.cot_type, "m-g", now, now.plus_secs(r.stale_s));
    e.point = s.point;
    let version = env!("CARGO_PKG_VERSION");
    let battery = battery.to_string();
    for child in [
        el(
            "takv",
            &[
                ("device", "simulated"),
                ("platform", PLATFORM),
                ("os", "sim"),
                ("version", version),
            ],
        ),
        el(
            "contact",
            &[("callsign", s.callsign), ("endpoint", "*:-1:stcp")],
        ),
        el("uid", &[("Droid", s.callsign)]),
        el("__group", &[("name", team), ("role", role)]),
        el("status", &[("battery", &battery)]),
        track(r),
        el(
            "precisionlocation",
            &[("geopointsrc", "GPS"), ("altsrc", "GPS")],
        ),
        with_text(el("remarks", &[]), SA_REMARKS),
    ] {
        e.detail.push_element(child);
    }
    e
}

/// An aircraft track reported by the air-operations unit `relay`: a map item
/// linked to its producer, not a contact of its own.
pub(super) fn aircraft(r: &Report<'_>, relay: &Sender<'_>, now: Time) -> Event {
    let s = &r.sender;
    let mut e = Event::new(s.uid, s.cot_type, "m-g", now, now.plus_secs(r.stale_s));
    e.point = s.point;
    for child in [
        el("contact", &[("callsign", s.callsign)]),
        track(r),
        el(
            "link",
            &[
                ("uid", relay.uid),
                ("type", relay.cot_type),
                ("relation", "p-p"),
            ],
        ),
        with_text(el("remarks", &[]), SA_REMARKS),
    ] {
        e.detail.push_element(child);
    }
    e
}

/// A GeoChat message from `s` to All Chat Rooms; `message_id` is a UUID.
pub(super) fn chat(s: &Sender<'_>, text: &str, message_id: &str, now: Time) -> Event {
    let uid = format!("GeoChat.{}.{ALL_CHAT_ROOMS}.{message_id}", s.uid);
    let mut e = Event::new(uid, "b-t-f", "h-g-i-g-o", now, now.plus_secs(CHAT_STALE_S));
    e.point = s.point;
    let mut chat = el(
        "__chat",
        &[
            ("parent", "RootContactGroup"),
            ("groupOwner", "false"),
            ("messageId", message_id),
            ("chatroom", ALL_CHAT_ROOMS),
            ("id", ALL_CHAT_ROOMS),
            ("senderCallsign", s.callsign),
        ],
    );
    chat.children.push(Node::Element(el(
        "chatgrp",
        &[
            ("uid0", s.uid),
            ("uid1", ALL_CHAT_ROOMS),
            ("id", ALL_CHAT_ROOMS),
        ],
    )));
    let source = format!("BAO.F.ATAK.{}", s.uid);
    let time = now.to_string();
    let body = format!("{SIM_PREFIX}{text}");
    let remarks = el(
        "remarks",
        &[("source", &source), ("to", ALL_CHAT_ROOMS), ("time", &time)],
    );
    let dest = format!("*:-1:stcp:{}", s.uid);
    for child in [
        chat,
        el(
            "link",
            &[("uid", s.uid), ("type", s.cot_type), ("relation", "p-p")],
        ),
        with_text(remarks, &body),
        el("__serverdestination", &[("destinations", &dest)]),
    ] {
        e.detail.push_element(child);
    }
    e
}

/// What kind of emergency a unit raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AlertKind {
    /// `b-a-o-opn`, "Troops In Contact".
    InContact,
    /// `b-a-o-tbl`, "911 Alert".
    Emergency911,
}

impl AlertKind {
    pub(super) fn cot_type(self) -> &'static str {
        match self {
            AlertKind::InContact => "b-a-o-opn",
            AlertKind::Emergency911 => "b-a-o-tbl",
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            AlertKind::InContact => "Troops In Contact",
            AlertKind::Emergency911 => "911 Alert",
        }
    }

    fn remarks(self, callsign: &str) -> String {
        match self {
            AlertKind::InContact => format!("{SIM_PREFIX}{callsign} in contact, requests support"),
            AlertKind::Emergency911 => {
                format!("{SIM_PREFIX}{callsign} heat casualty, requests MEDEVAC")
            }
        }
    }
}

/// The uid ATAK gives a unit's emergency: the same for the alert and its
/// cancel, which is how the server pairs them.
pub(super) fn alert_uid(unit_uid: &str) -> String {
    format!("{unit_uid}-9-1-1")
}

/// An emergency raised by `s`.
pub(super) fn alert(s: &Sender<'_>, kind: AlertKind, now: Time) -> Event {
    let mut e = Event::new(
        alert_uid(s.uid),
        kind.cot_type(),
        "h-e",
        now,
        now.plus_secs(ALERT_STALE_S),
    );
    e.point = s.point;
    let alert_callsign = format!("{}-Alert", s.callsign);
    for child in [
        el(
            "link",
            &[("uid", s.uid), ("type", s.cot_type), ("relation", "p-p")],
        ),
        el("contact", &[("callsign", &alert_callsign)]),
        with_text(el("emergency", &[("type", kind.label())]), s.callsign),
        with_text(el("remarks", &[]), &kind.remarks(s.callsign)),
    ] {
        e.detail.push_element(child);
    }
    e
}

/// The cancel of the emergency `s` raised.
pub(super) fn cancel(s: &Sender<'_>, kind: AlertKind, now: Time) -> Event {
    let mut e = Event::new(
        alert_uid(s.uid),
        "b-a-o-can",
        "h-e",
        now,
        now.plus_secs(ALERT_STALE_S),
    );
    e.point = s.point;
    let remarks = format!(
        "{SIM_PREFIX}{} alert cancelled, situation under control",
        s.callsign
    );
    for child in [
        el(
            "link",
            &[("uid", s.uid), ("type", s.cot_type), ("relation", "p-p")],
        ),
        with_text(
            el("emergency", &[("cancel", "true"), ("type", kind.label())]),
            s.callsign,
        ),
        with_text(el("remarks", &[]), &remarks),
    ] {
        e.detail.push_element(child);
    }
    e
}
