//! What the browser is shown of a CoT event: an object on the map, a chat
//! line or an alert, in the JSON shapes of `web/PROTOCOL.md`. Pure.

use serde::Serialize;

/// CoT's "unknown" for heights and errors.
use cot::UNKNOWN;

/// How an event is shown, if at all.
#[derive(Debug)]
pub enum Shown {
    /// A thing on the map (unit, track, marker, drawing's anchor).
    Object(ObjectView),
    /// A GeoChat message.
    Chat(ChatView),
    /// An emergency raised.
    Alert(AlertView),
    /// An emergency cancelled: by this alert uid and sender uid.
    Cancel {
        /// The uid of the cancelling event (ATAK reuses the alert's).
        uid: String,
        /// Whose alert is cancelled.
        from_uid: String,
    },
    /// Not for the web (pings, file transfers, other control; a delete's
    /// effect comes from the routing core, through `Hub::forget`).
    Nothing,
}

/// An object as the browser sees it. Fields that are unknown (`None`),
/// false or empty are left out of the JSON: at 10,000 objects a second
/// every byte is paid for by every browser.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectView {
    /// The CoT uid.
    pub uid: String,
    #[serde(rename = "type")]
    /// The CoT type (MIL-STD-2525 from the `a-` tree).
    pub kind: String,
    /// The CoT `how` (machine, human, estimated...).
    pub how: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its callsign, if it has one.
    pub callsign: Option<String>,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Height above the ellipsoid, metres, if known.
    pub hae: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Circular error, metres, if known.
    pub ce: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Course over ground, degrees from true north, if known.
    pub course: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Speed, metres per second, if known.
    pub speed: Option<f64>,
    /// When it was reported, ms since the epoch.
    pub time: i64,
    /// When it goes stale, ms since the epoch.
    pub stale: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its remarks, if any.
    pub remarks: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// An aircraft's flight (ADS-B / Mode S callsign), from `_aircot_`.
    pub flight: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// An aircraft's ICAO 24-bit address in hex, from `_aircot_`.
    pub icao: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its team (GeoChat room colour), for a unit.
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its role in the team, for a unit.
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Who sent or relayed it (callsign, else uid, else the source).
    pub sender: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// The groups it was shared with that the viewer is in (not the anonymous one).
    pub groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// A drawing's geometry (circle, polygon, line), for the map.
    pub shape: Option<Box<crate::shape::ShapeView>>,
    #[serde(skip_serializing_if = "is_false")]
    /// Whether it is a connected client's own SA (a chat contact).
    pub contact: bool,
    #[serde(skip_serializing_if = "is_false")]
    /// Whether its client disconnected.
    pub gone: bool,
    #[serde(skip_serializing_if = "is_false")]
    /// Whether the unit has an active emergency.
    pub emergency: bool,
}

/// Lets `false` flags stay out of the JSON.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

/// Where a chat message was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Room {
    /// "All Chat Rooms".
    All,
    /// A team room, by team name.
    Team(String),
    /// A direct message to a contact.
    Direct {
        /// The contact's uid.
        to_uid: String,
        /// The contact's name in the sender's client.
        to_name: String,
    },
}

/// A GeoChat message.
#[derive(Debug, Clone)]
pub struct ChatView {
    /// The message's id.
    pub id: String,
    /// When it was said, ms since the epoch.
    pub time: i64,
    /// Where it was said.
    pub room: Room,
    /// The sender's uid.
    pub from_uid: String,
    /// The sender's callsign, else uid.
    pub from: String,
    /// What was said.
    pub text: String,
}

/// The chat message's JSON for one viewer (direct rooms are named after
/// the other party).
#[derive(Debug, Serialize)]
struct ChatJson<'a> {
    id: &'a str,
    time: i64,
    room: &'a str,
    room_id: &'a str,
    from_uid: &'a str,
    from: &'a str,
    to_uid: Option<&'a str>,
    text: &'a str,
}

impl ChatView {
    /// Its JSON as seen by the viewer with uid `me`.
    pub fn json_for(&self, me: &str) -> String {
        let (room, room_id, to_uid) = match &self.room {
            Room::All => (ALL_ROOMS, ALL_ROOMS, None),
            Room::Team(t) => (t.as_str(), t.as_str(), None),
            Room::Direct { to_uid, to_name } if to_uid == me => (
                self.from.as_str(),
                self.from_uid.as_str(),
                Some(to_uid.as_str()),
            ),
            Room::Direct { to_uid, to_name } => {
                (to_name.as_str(), to_uid.as_str(), Some(to_uid.as_str()))
            }
        };
        let j = ChatJson {
            id: &self.id,
            time: self.time,
            room,
            room_id,
            from_uid: &self.from_uid,
            from: &self.from,
            to_uid,
            text: &self.text,
        };
        serde_json::to_string(&j).unwrap_or_default()
    }
}

/// An emergency from the field.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    /// The alert event's uid.
    pub uid: String,
    #[serde(rename = "type")]
    /// The CoT type of the alert (`b-a-o-tbl`, ...).
    pub kind_code: String,
    /// The alert's kind in words (911, in contact, ...).
    pub kind: &'static str,
    /// The uid of the unit that raised it.
    pub from_uid: String,
    /// Its callsign, else its uid.
    pub from: String,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// When it was raised, ms since the epoch.
    pub time: i64,
    /// Its remarks, if any.
    pub text: Option<String>,
    /// When the alert event goes stale, ms; an alert never cancelled
    /// leaves some minutes after.
    #[serde(skip)]
    pub stale: i64,
    /// Who acknowledged it (a web user's callsign); absent until then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_by: Option<String>,
    /// When it was acknowledged, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_at: Option<i64>,
}

/// The GeoChat room every client is in.
pub const ALL_ROOMS: &str = "All Chat Rooms";

/// Rounds a coordinate to 1e-7 degrees (about a centimetre), which keeps
/// the JSON short without moving anything visibly.
fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

fn known(x: f64) -> Option<f64> {
    (x.is_finite() && x.abs() < UNKNOWN - 1.0).then_some((x * 10.0).round() / 10.0)
}

/// How `event` is shown; `sender` is the display name of whoever sent it.
pub fn show(event: &cot::Event, sender: Option<&str>) -> Shown {
    let k = event.kind.as_str();
    if event.is_control() || event.is_type("b-f-t-r") || event.is_type("t") {
        return Shown::Nothing;
    }
    let p = &event.point;
    if !(p.lat.is_finite() && p.lon.is_finite() && p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0) {
        return Shown::Nothing;
    }
    let owner = || {
        event
            .detail
            .links()
            .into_iter()
            .find(|l| l.relation.as_deref() == Some("p-p"))
            .map(|l| l.uid)
    };
    if event.is_chat() {
        return chat(event, owner());
    }
    if event.is_type("b-a") {
        let from_uid = owner().unwrap_or_else(|| event.uid.clone());
        if event.is_emergency_cancel() {
            return Shown::Cancel {
                uid: event.uid.clone(),
                from_uid,
            };
        }
        let em = event.detail.emergency();
        return Shown::Alert(AlertView {
            uid: event.uid.clone(),
            kind_code: k.to_string(),
            kind: alert_kind(k),
            from: em
                .as_ref()
                .map(|e| e.text.trim().to_string())
                .filter(|t| !t.is_empty())
                .or_else(|| event.detail.callsign())
                .unwrap_or_else(|| from_uid.clone()),
            from_uid,
            lat: round7(p.lat),
            lon: round7(p.lon),
            time: event.time.millis(),
            text: event.detail.remarks().filter(|r| !r.trim().is_empty()),
            stale: event.stale.millis(),
            ack_by: None,
            ack_at: None,
        });
    }
    let track = event.detail.track();
    let team = event.detail.team();
    Shown::Object(ObjectView {
        uid: event.uid.clone(),
        kind: k.to_string(),
        how: event.how.clone(),
        callsign: event.detail.callsign(),
        lat: round7(p.lat),
        lon: round7(p.lon),
        hae: known(p.hae),
        ce: known(p.ce),
        course: track.as_ref().and_then(|t| t.course).and_then(known),
        speed: track.as_ref().and_then(|t| t.speed).and_then(known),
        time: event.time.millis(),
        stale: event.stale.millis(),
        remarks: event.detail.remarks().filter(|r| !r.trim().is_empty()),
        flight: aircot(event, "flight"),
        icao: aircot(event, "icao"),
        team: team.as_ref().and_then(|t| t.name.clone()),
        role: team.and_then(|t| t.role),
        sender: sender.map(str::to_string),
        groups: Vec::new(),
        shape: crate::shape::shape_of(event).map(Box::new),
        contact: false,
        gone: false,
        emergency: false,
    })
}

/// An attribute of the `_aircot_` detail (an aircraft's identity), trimmed
/// and bounded; `None` when empty.
fn aircot(event: &cot::Event, attr: &str) -> Option<String> {
    let v = event.detail.child("_aircot_")?.attr(attr)?.trim();
    (!v.is_empty()).then(|| v.chars().take(32).collect())
}

fn chat(event: &cot::Event, link: Option<String>) -> Shown {
    let Some(c) = event.detail.chat() else {
        return Shown::Nothing;
    };
    let from_uid = c
        .members
        .first()
        .cloned()
        .or(link)
        .unwrap_or_else(|| event.uid.clone());
    let room_name = c.chatroom.clone().unwrap_or_default();
    let room = if room_name == ALL_ROOMS || c.id.as_deref() == Some(ALL_ROOMS) {
        Room::All
    } else if c.parent.as_deref() == Some("TeamGroups") {
        Room::Team(room_name)
    } else {
        Room::Direct {
            to_uid: c.id.clone().unwrap_or_default(),
            to_name: room_name,
        }
    };
    Shown::Chat(ChatView {
        id: event.uid.clone(),
        time: event.time.millis(),
        room,
        from: c.sender_callsign.unwrap_or_else(|| from_uid.clone()),
        from_uid,
        text: event.detail.remarks().unwrap_or_default(),
    })
}

/// The words for an alert type.
pub fn alert_kind(kind: &str) -> &'static str {
    match kind {
        "b-a-o-tbl" => "911 Alert",
        "b-a-o-pan" => "Ring The Bell",
        "b-a-o-opn" => "Troops In Contact",
        "b-a-g" => "Geo-fence Breached",
        "b-a-o-c" => "Custom",
        _ => "Alert",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> cot::Event {
        cot::parse_event(xml.as_bytes()).expect("valid CoT")
    }

    #[test]
    fn sa_becomes_an_object() {
        let e = parse(
            r#"<event version="2.0" uid="A-1" type="a-f-G-U-C" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:01:00Z"><point lat="31.123456789" lon="-109.5" hae="9999999" ce="12.34" le="9999999"/><detail><contact callsign="ALPHA 1"/><track course="90.04" speed="4.26"/><__group name="Cyan" role="Team Lead"/><remarks>on patrol</remarks></detail></event>"#,
        );
        let Shown::Object(o) = show(&e, Some("ALPHA 1")) else {
            panic!("not an object")
        };
        assert_eq!(o.callsign.as_deref(), Some("ALPHA 1"));
        assert_eq!(o.lat, 31.1234568);
        assert_eq!((o.hae, o.ce), (None, Some(12.3)));
        assert_eq!((o.course, o.speed), (Some(90.0), Some(4.3)));
        assert_eq!(o.team.as_deref(), Some("Cyan"));
        assert_eq!(o.stale - o.time, 60_000);
        let json = serde_json::to_value(&o).expect("json");
        assert_eq!(json["type"], "a-f-G-U-C");
    }

    #[test]
    fn an_aircraft_shows_its_flight_and_icao_address() {
        let e = parse(
            r#"<event version="2.0" uid="wf-track-7" type="a-u-A" how="m-f" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:00:10Z"><point lat="31" lon="-109" hae="10668" ce="50" le="9999999"/><detail><contact callsign="DLH65A"/><_aircot_ flight=" DLH65A " icao="3C6444"/></detail></event>"#,
        );
        let Shown::Object(o) = show(&e, None) else {
            panic!("not an object")
        };
        assert_eq!(o.flight.as_deref(), Some("DLH65A"));
        assert_eq!(o.icao.as_deref(), Some("3C6444"));
        let json = serde_json::to_value(&o).expect("json");
        assert_eq!(
            (&json["flight"], &json["icao"]),
            (&"DLH65A".into(), &"3C6444".into())
        );
        let plain = parse(
            r#"<event version="2.0" uid="x" type="a-u-G" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:00:10Z"><point lat="31" lon="-109" hae="0" ce="5" le="5"/><detail/></event>"#,
        );
        let Shown::Object(o) = show(&plain, None) else {
            panic!("not an object")
        };
        assert!(o.flight.is_none() && o.icao.is_none());
    }

    #[test]
    fn chat_rooms_and_alerts() {
        let direct = parse(
            r#"<event version="2.0" uid="GeoChat.A-1.B-2.x" type="b-t-f" how="h-g-i-g-o" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-02T00:00:00Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail><__chat parent="RootContactGroup" chatroom="BRAVO" id="B-2" senderCallsign="ALPHA"><chatgrp uid0="A-1" uid1="B-2" id="B-2"/></__chat><remarks>hello &amp; bye</remarks></detail></event>"#,
        );
        let Shown::Chat(c) = show(&direct, None) else {
            panic!("not chat")
        };
        assert_eq!(c.text, "hello & bye");
        let to_me: serde_json::Value = serde_json::from_str(&c.json_for("B-2")).expect("json");
        assert_eq!(
            (to_me["room_id"].as_str(), to_me["room"].as_str()),
            (Some("A-1"), Some("ALPHA"))
        );
        let mine: serde_json::Value = serde_json::from_str(&c.json_for("A-1")).expect("json");
        assert_eq!(mine["room_id"], "B-2");

        let tic = parse(
            r#"<event version="2.0" uid="A-1-9-1-1" type="b-a-o-opn" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:10:00Z"><point lat="31" lon="-109" hae="0" ce="0" le="0"/><detail><link uid="A-1" type="a-f-G-U-C" relation="p-p"/><emergency type="Troops In Contact">ALPHA</emergency></detail></event>"#,
        );
        let Shown::Alert(a) = show(&tic, None) else {
            panic!("not an alert")
        };
        assert_eq!(
            (a.kind, a.from.as_str(), a.from_uid.as_str()),
            ("Troops In Contact", "ALPHA", "A-1")
        );
        let cancel = parse(
            r#"<event version="2.0" uid="A-1-9-1-1" type="b-a-o-can" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:10:00Z"><point lat="31" lon="-109" hae="0" ce="0" le="0"/><detail><link uid="A-1" type="a-f-G-U-C" relation="p-p"/><emergency cancel="true">ALPHA</emergency></detail></event>"#,
        );
        assert!(
            matches!(show(&cancel, None), Shown::Cancel { ref from_uid, .. } if from_uid == "A-1")
        );
    }

    #[test]
    fn control_and_bad_points_are_not_shown() {
        let ping = parse(
            r#"<event version="2.0" uid="p" type="t-x-c-t" how="h-g-i-g-o" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:00:10Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail/></event>"#,
        );
        assert!(matches!(show(&ping, None), Shown::Nothing));
        let mut far = ping.clone();
        far.kind = "a-u-G".into();
        far.point.lat = 91.0;
        assert!(matches!(show(&far, None), Shown::Nothing));
    }
}
