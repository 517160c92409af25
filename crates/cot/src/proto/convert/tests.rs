#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use super::*;
use crate::detail::{Element, Node};
use crate::proto::{decode_event, encode_event_stream, ProtoDeframer};

fn sa() -> Event {
    let xml = r#"<event version="2.0" uid="ANDROID-1" type="a-f-G-U-C" how="m-g"
        time="2020-02-12T13:16:07.123456Z" start="2020-02-12T13:16:05Z" stale="2020-02-12T13:16:50Z">
        <point lat="40.25" lon="-72.04" hae="-22.2" ce="4.9" le="9999999.0"/>
        <detail><__group name="Dark Blue" role="Team Member"/><precisionlocation geopointsrc="GPS" altsrc="GPS"/>
        <status battery="32"/><takv device="SAMSUNG" platform="ATAK-CIV" os="29" version="4.8"/>
        <track speed="0.0" course="344.72362164876733"/><contact endpoint="*:-1:stcp" callsign="coolata"/>
        <uid Droid="coolata"/></detail></event>"#;
    crate::parse_event(xml.as_bytes()).unwrap()
}

fn el(n: &Node) -> &Element {
    match n {
        Node::Element(e) => e,
        other => panic!("not an element: {other:?}"),
    }
}

#[test]
fn typical_sa_goes_typed_and_comes_back() {
    let e = sa();
    let m = event_to_proto(&e);
    let d = m.cot_event.as_ref().and_then(|c| c.detail.clone()).unwrap();
    assert_eq!(d.xml_detail, r#"<uid Droid="coolata"/>"#);
    assert_eq!(
        d.contact.as_ref().map(|c| c.callsign.as_str()),
        Some("coolata")
    );
    assert_eq!(d.status, Some(pb::Status { battery: 32 }));
    assert_eq!(d.track.as_ref().map(|t| t.course), Some(344.72362164876733));
    assert_eq!(
        m.cot_event.as_ref().map(|c| c.send_time),
        Some(1_581_513_367_123)
    );

    let back = proto_to_event(&m).unwrap();
    let names: Vec<&str> = back.detail.elements().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "contact",
            "__group",
            "precisionlocation",
            "status",
            "takv",
            "track",
            "uid"
        ]
    );
    assert_eq!(
        back.time,
        Time::from_millis(1_581_513_367_123),
        "truncated to ms"
    );
    assert_eq!(back.start, e.start);
    assert_eq!(back.point, e.point);
    // each element comes back whole, attributes in ATAK's order
    for got in back.detail.elements() {
        let orig = e.detail.child(&got.name).unwrap();
        let mut a = got.attrs.clone();
        let mut b = orig.attrs.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{}", got.name);
    }
    assert_eq!(el(&back.detail.children[1]).attrs[0].0, "role");
}

#[test]
fn elements_that_cannot_go_whole_stay_xml() {
    let mut e = sa();
    let d = &mut e.detail;
    d.child_mut("contact").unwrap().set_attr("phone", "1");
    d.child_mut("status").unwrap().set_attr("readiness", "true");
    d.child_mut("track").unwrap().set_attr("speed", "0");
    d.child_mut("takv").unwrap().set_attr("os", "");
    d.child_mut("precisionlocation")
        .unwrap()
        .children
        .push(Node::Text("x".into()));
    d.push_element(Element::with_attrs("__group", [("name", "Red")]));
    let m = event_to_proto(&e);
    let pd = m.cot_event.as_ref().and_then(|c| c.detail.clone()).unwrap();
    assert_eq!(
        pd,
        pb::Detail {
            xml_detail: pd.xml_detail.clone(),
            ..Default::default()
        }
    );
    let back = proto_to_event(&m).unwrap();
    assert_eq!(back.detail, e.detail, "all of it went as xml, in order");
}

#[test]
fn xml_copy_wins_over_typed() {
    let mut m = event_to_proto(&sa());
    if let Some(d) = m.cot_event.as_mut().and_then(|c| c.detail.as_mut()) {
        d.xml_detail.push_str(r#"<contact callsign="from-xml"/>"#);
    }
    let back = proto_to_event(&m).unwrap();
    let contacts: Vec<_> = back
        .detail
        .elements()
        .filter(|e| e.name == "contact")
        .collect();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].attr("callsign"), Some("from-xml"));
}

#[test]
fn bad_messages_are_typed_errors() {
    assert_eq!(
        proto_to_event(&TakMessage::default()),
        Err(ProtoError::NoEvent)
    );
    let mut m = event_to_proto(&sa());
    if let Some(c) = m.cot_event.as_mut() {
        c.uid.clear();
    }
    assert_eq!(proto_to_event(&m), Err(ProtoError::MissingField("uid")));
    let mut m = event_to_proto(&sa());
    if let Some(d) = m.cot_event.as_mut().and_then(|c| c.detail.as_mut()) {
        d.xml_detail = "<!DOCTYPE x><a/>".into();
    }
    assert_eq!(
        proto_to_event(&m),
        Err(ProtoError::XmlDetail(crate::XmlError::Doctype))
    );
    if let Some(d) = m.cot_event.as_mut().and_then(|c| c.detail.as_mut()) {
        d.xml_detail = "<a>".into();
    }
    assert!(matches!(proto_to_event(&m), Err(ProtoError::XmlDetail(_))));
}

#[test]
fn stream_helpers_round_trip() {
    let e = sa();
    let bytes = encode_event_stream(&e);
    let mut d = ProtoDeframer::new(1 << 16);
    d.push(&bytes);
    let payload = d.next_payload().unwrap().unwrap();
    let back = decode_event(&payload).unwrap();
    assert_eq!(back.uid, e.uid);
    assert_eq!(back.detail.callsign().as_deref(), Some("coolata"));
    assert_eq!(event_to_proto(&back), event_to_proto(&e));
}
