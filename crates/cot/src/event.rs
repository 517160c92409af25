//! The CoT event model: what every codec produces and consumes.

use crate::detail::Detail;
use crate::time::Time;

/// The value CoT uses for "unknown" in `hae`, `ce` and `le`.
pub const UNKNOWN: f64 = 9_999_999.0;

/// One Cursor-on-Target event, independent of its wire encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Globally unique id of the thing the event describes (not of the message).
    pub uid: String,
    /// Hierarchical CoT type, e.g. `a-f-G-U-C` (the XML attribute `type`).
    pub kind: String,
    /// How the event was produced, e.g. `m-g` (machine, GPS) or `h-e`.
    pub how: String,
    /// When the event was generated.
    pub time: Time,
    /// When the information starts being valid.
    pub start: Time,
    /// When the information stops being valid.
    pub stale: Time,
    /// Optional `access` attribute, carried through untouched.
    pub access: Option<String>,
    /// Optional `qos` attribute, carried through untouched.
    pub qos: Option<String>,
    /// Optional `opex` attribute, carried through untouched.
    pub opex: Option<String>,
    /// Optional `caveat` attribute, carried through untouched.
    pub caveat: Option<String>,
    /// Optional `releaseableTo` attribute, carried through untouched.
    pub releaseable_to: Option<String>,
    /// Where.
    pub point: Point,
    /// Everything under `<detail>`, kept whole.
    pub detail: Detail,
}

/// The `<point>` of an event.
///
/// # Units
/// `lat`/`lon` in WGS-84 degrees; `hae` metres above the ellipsoid; `ce`
/// (circular error) and `le` (linear error) in metres. [`UNKNOWN`] marks an
/// unknown value; NaN is kept as NaN because real clients send `nan`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Height above the WGS-84 ellipsoid, metres.
    pub hae: f64,
    /// Circular error, metres.
    pub ce: f64,
    /// Linear (vertical) error, metres.
    pub le: f64,
}

impl Default for Point {
    fn default() -> Self {
        Point {
            lat: 0.0,
            lon: 0.0,
            hae: UNKNOWN,
            ce: UNKNOWN,
            le: UNKNOWN,
        }
    }
}

impl Event {
    /// A new event with empty detail, `time` and `start` at `now`.
    pub fn new(
        uid: impl Into<String>,
        kind: impl Into<String>,
        how: impl Into<String>,
        now: Time,
        stale: Time,
    ) -> Self {
        Event {
            uid: uid.into(),
            kind: kind.into(),
            how: how.into(),
            time: now,
            start: now,
            stale,
            access: None,
            qos: None,
            opex: None,
            caveat: None,
            releaseable_to: None,
            point: Point::default(),
            detail: Detail::default(),
        }
    }

    /// Whether the type starts with `prefix` on a `-` boundary
    /// (`a-f-G` matches `a-f-G-U-C` but not `a-f-GX`).
    pub fn is_type(&self, prefix: &str) -> bool {
        type_matches(&self.kind, prefix)
    }

    /// A `t-x-*` control message (ping, negotiation, delete, ...).
    pub fn is_control(&self) -> bool {
        self.is_type("t-x")
    }

    /// One of the control messages a TAK server consumes and never brokers
    /// (TAK Server's `controlMsgTypes`: subscriptions, filter, ping and its
    /// reply, protocol request, metrics, incognito). Every other type,
    /// `t-x-d-d` deletes and `t-x-m-*` mission notices included, is
    /// brokered like any event.
    pub fn is_consumed_control(&self) -> bool {
        CONSUMED_CONTROL.contains(&self.kind.as_str())
    }

    /// A delete (`t-x-d-d`): removes the items its `link`s name.
    pub fn is_delete(&self) -> bool {
        self.kind == "t-x-d-d"
    }

    /// Whether a delete asks every receiver to remove the items, including
    /// ones the sender did not make (`<__forcedelete/>`).
    pub fn is_force_delete(&self) -> bool {
        self.is_delete() && self.detail.child("__forcedelete").is_some()
    }

    /// A ping (`t-x-c-t`) a client sends to keep its connection alive.
    pub fn is_ping(&self) -> bool {
        self.kind == "t-x-c-t"
    }

    /// A GeoChat message (`b-t-f`).
    pub fn is_chat(&self) -> bool {
        self.kind == "b-t-f"
    }

    /// An emergency alert or its cancellation (`b-a-o-*`).
    pub fn is_emergency(&self) -> bool {
        self.is_type("b-a-o")
    }

    /// An emergency cancellation: type `b-a-o-can` or `emergency@cancel="true"`.
    pub fn is_emergency_cancel(&self) -> bool {
        self.kind == "b-a-o-can" || self.detail.emergency().is_some_and(|e| e.cancel)
    }

    /// Whether the event is stale at `now`.
    pub fn is_stale(&self, now: Time) -> bool {
        self.stale <= now
    }

    /// The reply to a ping: `t-x-c-t-r`, uid `takPong`, stale in 20 s.
    pub fn pong(now: Time) -> Self {
        Event::new("takPong", "t-x-c-t-r", "h-g-i-g-o", now, now.plus_secs(20))
    }

    /// The delete a server sends when a client leaves: `t-x-d-d` with a
    /// `link` to the departed uid and its SA type, stale in 20 s.
    pub fn delete_announcement(
        msg_uid: impl Into<String>,
        gone_uid: &str,
        gone_type: &str,
        now: Time,
    ) -> Self {
        let mut e = Event::new(msg_uid, "t-x-d-d", "h-g-i-g-o", now, now.plus_secs(20));
        e.detail.push_element(crate::detail::Element::with_attrs(
            "link",
            [("uid", gone_uid), ("relation", "p-p"), ("type", gone_type)],
        ));
        e
    }
}

/// The eleven control types a TAK server consumes (see
/// [`Event::is_consumed_control`]).
const CONSUMED_CONTROL: [&str; 11] = [
    "t-b",
    "t-b-a",
    "t-b-c",
    "t-b-q",
    "t-x-c-f",
    "t-x-c-t",
    "t-x-c-t-r",
    "t-x-takp-q",
    "t-x-c-m",
    "t-x-c-i-e",
    "t-x-c-i-d",
];

/// Whether the CoT type `kind` starts with `prefix` on a `-` boundary.
pub fn type_matches(kind: &str, prefix: &str) -> bool {
    kind.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_prefix_respects_boundaries() {
        assert!(type_matches("a-f-G-U-C", "a-f-G"));
        assert!(type_matches("a-f-G", "a-f-G"));
        assert!(!type_matches("a-f-GX", "a-f-G"));
        assert!(!type_matches("b-t", "b-t-f"));
    }

    #[test]
    fn delete_links_the_departed() {
        let now = Time::from_millis(1_000);
        let e = Event::delete_announcement("x", "ANDROID-1", "a-f-G-U-C", now);
        let link = e.detail.links().into_iter().next();
        assert_eq!(link.map(|l| l.uid), Some("ANDROID-1".to_string()));
        assert_eq!(e.stale, now.plus_secs(20));
    }
}
