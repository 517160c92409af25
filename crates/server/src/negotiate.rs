//! TAK protocol negotiation on streaming connections (`t-x-takp-*`).
//!
//! The server offers version 1 once a client has identified; a client that
//! answers with a request for version 1 gets `status="true"` and both sides
//! switch to TAK protocol v1 stream framing right after the response.

use cot::{Element, Event, Node, Time};

/// The `t-x-takp-v` offer of protocol version 1.
pub(crate) fn offer(uid: &str, now: Time) -> Event {
    let mut e = Event::new(uid, "t-x-takp-v", "m-g", now, now.plus_secs(60));
    e.point.hae = 0.0;
    e.point.ce = 999_999.0;
    e.point.le = 999_999.0;
    let mut control = Element::new("TakControl");
    control.children.push(Node::Element(Element::with_attrs(
        "TakProtocolSupport",
        [("version", "1")],
    )));
    control.children.push(Node::Element(Element::with_attrs(
        "TakServerVersionInfo",
        [
            (
                "serverVersion",
                concat!("watchfloor ", env!("CARGO_PKG_VERSION")),
            ),
            ("apiVersion", "3"),
        ],
    )));
    e.detail.push_element(control);
    e
}

/// The `t-x-takp-r` answer to a request.
pub(crate) fn response(uid: &str, accepted: bool, now: Time) -> Event {
    let mut e = Event::new(uid, "t-x-takp-r", "m-g", now, now.plus_secs(60));
    e.point.hae = 0.0;
    e.point.ce = 999_999.0;
    e.point.le = 999_999.0;
    let mut control = Element::new("TakControl");
    control.children.push(Node::Element(Element::with_attrs(
        "TakResponse",
        [("status", if accepted { "true" } else { "false" })],
    )));
    e.detail.push_element(control);
    e
}

/// The version a `t-x-takp-q` asks for, if the event is one.
pub(crate) fn requested_version(e: &Event) -> Option<Option<String>> {
    if e.kind != "t-x-takp-q" {
        return None;
    }
    let version = e
        .detail
        .child("TakControl")
        .and_then(|c| c.child("TakRequest"))
        .and_then(|r| r.attr("version"))
        .map(|v| v.trim().to_string());
    Some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_requested_version() {
        let now = Time::from_millis(0);
        let mut q = Event::new("x", "t-x-takp-q", "m-g", now, now);
        let mut control = Element::new("TakControl");
        control.children.push(Node::Element(Element::with_attrs(
            "TakRequest",
            [("version", "1")],
        )));
        q.detail.push_element(control);
        assert_eq!(requested_version(&q), Some(Some("1".to_string())));
        assert_eq!(requested_version(&offer("x", now)), None);
        let r = response("x", true, now);
        let status = r
            .detail
            .child("TakControl")
            .and_then(|c| c.child("TakResponse"))
            .and_then(|t| t.attr("status"));
        assert_eq!(status, Some("true"));
    }
}
