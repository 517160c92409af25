//! What a browser may ask for, checked, and the CoT it turns into: GeoChat
//! messages, markers, drawings (built in [`crate::shape`]), deletes of its
//! own markers and drawings, and the web user's own
//! SA that makes it a contact in ATAK. Pure: ids and times are passed in.

use cot::{Element, Event, Node, Time};
use serde::Deserialize;

use crate::view::ALL_ROOMS;

/// Longest chat text or remarks, characters.
pub const MAX_TEXT: usize = 2000;
/// Longest marker label, characters.
pub const MAX_LABEL: usize = 80;
/// Largest command frame, bytes.
pub const MAX_FRAME: usize = 16 * 1024;

/// A command as the browser sends it.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// Say something in a room.
    Chat {
        #[serde(default)]
        /// The browser's number for the command, echoed in its ack.
        id: Option<u64>,
        /// The room: "All Chat Rooms", a team name or a contact's uid.
        room_id: String,
        /// What is said.
        text: String,
    },
    /// Put a marker on the map for the field.
    Marker {
        #[serde(default)]
        /// The browser's number for the command, echoed in its ack.
        id: Option<u64>,
        /// Latitude, WGS-84 degrees.
        lat: f64,
        /// Longitude, WGS-84 degrees.
        lon: f64,
        /// The marker's label (its callsign).
        label: String,
        /// Friend, hostile, neutral or unknown (`f`, `h`, `n`, `u`).
        affiliation: String,
        /// Ground, air or sea point, or a spot marker.
        kind: String,
        #[serde(default)]
        /// Free text shown with it.
        remarks: Option<String>,
    },
    /// Acknowledge an alert: it stops flashing for everyone, marked with
    /// who and when, and stays until cancelled.
    Ack {
        #[serde(default)]
        /// The browser's number for the command, echoed in its ack.
        id: Option<u64>,
        /// The alert's uid.
        uid: String,
    },
    /// Draw a circle, polygon or line for the field (a TAK drawing).
    Shape {
        #[serde(default)]
        /// The browser's number for the command, echoed in its ack.
        id: Option<u64>,
        /// `circle`, `polygon` or `line`.
        shape: String,
        /// The vertices, `[lat, lon]` (a circle's centre alone).
        points: Vec<[f64; 2]>,
        #[serde(default)]
        /// A circle's radius, metres.
        radius_m: Option<f64>,
        /// Its label.
        label: String,
        #[serde(default)]
        /// Its colour, `#rrggbb`.
        color: Option<String>,
        #[serde(default)]
        /// Free text shown with it.
        remarks: Option<String>,
    },
    /// Take back a marker or drawing the web made.
    Delete {
        #[serde(default)]
        /// The browser's number for the command, echoed in its ack.
        id: Option<u64>,
        /// The marker to delete.
        uid: String,
    },
}

impl Command {
    /// The browser's id for the answer.
    pub fn id(&self) -> Option<u64> {
        match self {
            Command::Chat { id, .. }
            | Command::Marker { id, .. }
            | Command::Ack { id, .. }
            | Command::Shape { id, .. }
            | Command::Delete { id, .. } => *id,
        }
    }
}

/// Why a command was refused; the text goes back to the browser.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("not a command: {0}")]
    /// Not JSON, or not a command this page knows.
    Garbage(String),
    #[error("frame too large (max {MAX_FRAME} bytes)")]
    /// The frame is over the size limit.
    TooLarge,
    #[error("{0} too long (max {1} characters)")]
    /// A text field over its length limit: which, and the limit.
    TooLong(&'static str, usize),
    #[error("{0} is empty")]
    /// A text field that must not be empty.
    Empty(&'static str),
    #[error("{0} holds a control character XML cannot carry")]
    /// A text field with a character XML 1.0 forbids (TAK clients would
    /// refuse the whole event).
    BadCharacter(&'static str),
    #[error("position out of range")]
    /// Latitude or longitude out of range.
    BadPosition,
    #[error("unknown {0}: {1:?}")]
    /// An unknown value of a field: which, and what was sent.
    Unknown(&'static str, String),
    #[error("too many commands; slow down")]
    /// Over the browser's command rate.
    TooFast,
    #[error("no such alert (cancelled already?)")]
    /// An acknowledgement of an alert the viewer does not see.
    NoAlert,
    #[error("a {0} takes {1} to {2} points")]
    /// A drawing with too few or too many vertices: its kind and the bounds.
    Vertices(String, usize, usize),
    #[error("a circle's radius is 1 m to 500 km")]
    /// A circle without a usable radius.
    BadRadius,
    #[error("only markers and drawings made from the web can be deleted here")]
    /// A delete of something the web did not make.
    NotYours,
    #[error("the server is busy; try again")]
    /// The router's inbox is full.
    Busy,
}

/// Reads one text frame from a browser.
pub fn parse(text: &str) -> Result<Command, Refused> {
    if text.len() > MAX_FRAME {
        return Err(Refused::TooLarge);
    }
    serde_json::from_str(text).map_err(|e| Refused::Garbage(e.to_string()))
}

/// The web user as the field sees it.
#[derive(Debug, Clone)]
pub struct WebUser {
    /// Its uid in the picture.
    pub uid: String,
    /// Its callsign.
    pub callsign: String,
    /// Its team (GeoChat team room).
    pub team: String,
    /// Where the C2 center is, degrees.
    pub lat: f64,
    /// Where the C2 center is, degrees.
    pub lon: f64,
}

const SA_TYPE: &str = "a-f-G-U-C";

fn el(name: &str, attrs: &[(&str, &str)]) -> Element {
    Element::with_attrs(name, attrs.iter().copied())
}

fn with_text(mut e: Element, text: &str) -> Element {
    e.children.push(Node::Text(text.to_string()));
    e
}

fn with_child(mut e: Element, child: Element) -> Element {
    e.children.push(Node::Element(child));
    e
}

pub(crate) fn check_text(what: &'static str, text: &str, max: usize) -> Result<(), Refused> {
    if text.trim().is_empty() {
        return Err(Refused::Empty(what));
    }
    if text.chars().count() > max {
        return Err(Refused::TooLong(what, max));
    }
    if !text.chars().all(cot::xml::is_xml_char) {
        return Err(Refused::BadCharacter(what));
    }
    Ok(())
}

/// The web user's SA: a contact ATAK lists and can chat with.
pub fn presence(me: &WebUser, now: Time) -> Event {
    let mut e = Event::new(&me.uid, SA_TYPE, "h-e", now, now.plus_secs(90));
    e.point.lat = me.lat;
    e.point.lon = me.lon;
    e.point.hae = cot::UNKNOWN;
    e.point.ce = cot::UNKNOWN;
    e.point.le = cot::UNKNOWN;
    let d = &mut e.detail;
    d.push_element(el(
        "contact",
        &[("callsign", &me.callsign), ("endpoint", "*:-1:stcp")],
    ));
    d.push_element(el("__group", &[("name", &me.team), ("role", "HQ")]));
    d.push_element(el(
        "takv",
        &[
            ("device", "browser"),
            ("platform", "watchfloor web"),
            ("os", "web"),
            ("version", env!("CARGO_PKG_VERSION")),
        ],
    ));
    d.push_element(el("uid", &[("Droid", &me.callsign)]));
    e
}

/// Who is in a direct room: the other party's uid and callsign.
#[derive(Debug, Clone)]
pub struct Peer {
    /// Its uid.
    pub uid: String,
    /// Its callsign, if the picture knows it.
    pub callsign: Option<String>,
}

/// A GeoChat message from the web user. `room_id` is "All Chat Rooms",
/// the user's team, or a contact (`peer`, looked up by the caller).
pub fn chat(
    me: &WebUser,
    room_id: &str,
    peer: Option<&Peer>,
    text: &str,
    message_id: &str,
    now: Time,
) -> Result<Event, Refused> {
    check_text("text", text, MAX_TEXT)?;
    let (parent, room_name, room_uid) = if room_id == ALL_ROOMS {
        (
            "RootContactGroup",
            ALL_ROOMS.to_string(),
            ALL_ROOMS.to_string(),
        )
    } else if room_id.eq_ignore_ascii_case(&me.team) {
        ("TeamGroups", me.team.clone(), me.team.clone())
    } else if let Some(p) = peer {
        let name = p.callsign.clone().unwrap_or_else(|| p.uid.clone());
        ("RootContactGroup", name, p.uid.clone())
    } else {
        return Err(Refused::Unknown("room", room_id.to_string()));
    };
    let uid = format!("GeoChat.{}.{}.{}", me.uid, room_uid, message_id);
    let mut e = Event::new(uid, "b-t-f", "h-g-i-g-o", now, now.plus_secs(24 * 3600));
    e.point.lat = me.lat;
    e.point.lon = me.lon;
    e.point.hae = cot::UNKNOWN;
    e.point.ce = cot::UNKNOWN;
    e.point.le = cot::UNKNOWN;
    let grp = el(
        "chatgrp",
        &[("uid0", &me.uid), ("uid1", &room_uid), ("id", &room_uid)],
    );
    let chat = with_child(
        el(
            "__chat",
            &[
                ("parent", parent),
                ("groupOwner", "false"),
                ("messageId", message_id),
                ("chatroom", &room_name),
                ("id", &room_uid),
                ("senderCallsign", &me.callsign),
            ],
        ),
        grp,
    );
    let d = &mut e.detail;
    d.push_element(chat);
    d.push_element(el(
        "link",
        &[("uid", &me.uid), ("type", SA_TYPE), ("relation", "p-p")],
    ));
    let source = format!("BAO.F.WATCHFLOOR.{}", me.uid);
    let stamp = now.to_string();
    d.push_element(with_text(
        el(
            "remarks",
            &[("source", &source), ("to", &room_uid), ("time", &stamp)],
        ),
        text,
    ));
    if let Some(p) = peer.filter(|_| parent == "RootContactGroup" && room_uid != ALL_ROOMS) {
        let dest = match &p.callsign {
            Some(c) => el("dest", &[("callsign", c)]),
            None => el("dest", &[("uid", &p.uid)]),
        };
        d.push_element(with_child(el("marti", &[]), dest));
    }
    Ok(e)
}

/// A marker placed in the browser.
#[allow(clippy::too_many_arguments)] // the fields of one browser command
pub fn marker(
    me: &WebUser,
    uid: &str,
    lat: f64,
    lon: f64,
    label: &str,
    affiliation: &str,
    kind: &str,
    remarks: Option<&str>,
    now: Time,
) -> Result<Event, Refused> {
    check_text("label", label, MAX_LABEL)?;
    if let Some(r) = remarks {
        if r.chars().count() > MAX_TEXT {
            return Err(Refused::TooLong("remarks", MAX_TEXT));
        }
        if !r.chars().all(cot::xml::is_xml_char) {
            return Err(Refused::BadCharacter("remarks"));
        }
    }
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return Err(Refused::BadPosition);
    }
    if !matches!(affiliation, "f" | "h" | "n" | "u") {
        return Err(Refused::Unknown("affiliation", affiliation.to_string()));
    }
    let kind = match kind {
        "ground" => format!("a-{affiliation}-G"),
        "air" => format!("a-{affiliation}-A"),
        "sea" => format!("a-{affiliation}-S"),
        // A point of interest keeps its affiliation: only an unknown one is
        // a plain spot marker; a hostile one is a hostile point on the map.
        "point" if affiliation == "u" => "b-m-p-s-m".to_string(),
        "point" => format!("a-{affiliation}-G"),
        other => return Err(Refused::Unknown("kind", other.to_string())),
    };
    let mut e = Event::new(uid, kind, "h-g-i-g-o", now, now.plus_secs(24 * 3600));
    e.point.lat = lat;
    e.point.lon = lon;
    e.point.hae = cot::UNKNOWN;
    e.point.ce = cot::UNKNOWN;
    e.point.le = cot::UNKNOWN;
    let production = now.to_string();
    let d = &mut e.detail;
    d.push_element(el("contact", &[("callsign", label.trim())]));
    d.push_element(el(
        "link",
        &[
            ("uid", &me.uid),
            ("production_time", &production),
            ("type", SA_TYPE),
            ("parent_callsign", &me.callsign),
            ("relation", "p-p"),
        ],
    ));
    d.push_element(el("archive", &[]));
    if let Some(r) = remarks.filter(|r| !r.trim().is_empty()) {
        d.push_element(with_text(el("remarks", &[]), r));
    }
    Ok(e)
}

/// Deletes a marker in the field (`t-x-d-d`, as ATAK sends it).
pub fn delete(uid: &str, kind: &str, message_uid: &str, now: Time) -> Event {
    let mut e = Event::new(message_uid, "t-x-d-d", "h-g-i-g-o", now, now.plus_secs(20));
    e.detail.push_element(el(
        "link",
        &[("uid", uid), ("relation", "none"), ("type", kind)],
    ));
    e.detail.push_element(el("__forcedelete", &[]));
    e
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
