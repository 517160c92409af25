#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use super::*;
use crate::detail::{Element, Node};
use crate::event::{Event, UNKNOWN};
use crate::time::Time;

const SA: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<event version="2.0" uid="ANDROID-48:5A" type="a-f-G-U-C"
        time="2016-01-13T20:43:37.842Z" start="2016-01-13T20:43:37.842Z"
        stale="2016-01-13T20:44:04.842Z" how="h-e">
    <point lat="37.954121501941216" lon="-87.97179289978664"
            hae="80.85387849113384" ce="9999999" le="9999999"/>
    <detail>
        <contact endpoint="192.168.167.167:4242:tcp" callsign="GEMINI"/>
        <__group role="Team Member" name="Cyan"/>
        <remarks source="x">a &amp; b &lt;c&gt; &#65;&#x42;&#10;<![CDATA[<raw> & ]]></remarks>
    </detail>
</event>
"#;

fn parse(s: &str) -> Result<Event, XmlError> {
    parse_event(s.as_bytes())
}

#[test]
fn reads_a_typical_sa() {
    let e = parse(SA).unwrap();
    assert_eq!(e.uid, "ANDROID-48:5A");
    assert_eq!(e.kind, "a-f-G-U-C");
    assert_eq!(e.how, "h-e");
    assert_eq!(e.time, Time::parse("2016-01-13T20:43:37.842Z").unwrap());
    assert_eq!(e.stale.millis() - e.time.millis(), 27_000);
    assert_eq!(e.point.lat, 37.954121501941216);
    assert_eq!(e.point.ce, UNKNOWN);
    assert_eq!(e.detail.callsign().as_deref(), Some("GEMINI"));
    assert_eq!(
        e.detail.team().and_then(|t| t.name).as_deref(),
        Some("Cyan")
    );
    // whitespace between elements is formatting, not content
    assert_eq!(e.detail.children.len(), 3);
    let remarks = e.detail.child("remarks").unwrap();
    assert_eq!(remarks.attr("source"), Some("x"));
    assert_eq!(
        remarks.children,
        vec![
            Node::Text("a & b <c> AB\n".into()),
            Node::CData("<raw> & ".into())
        ]
    );
}

#[test]
fn refuses_dtds_and_unknown_entities() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><event uid="a" type="b" time="2020-01-01T00:00:00Z"><detail><remarks>&lol2;</remarks></detail></event>"#;
    assert_eq!(parse(bomb), Err(XmlError::Doctype));
    let xxe = r#"<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><event uid="a" type="b" time="2020-01-01T00:00:00Z"/>"#;
    assert_eq!(parse(xxe), Err(XmlError::Doctype));
    let inner = r#"<event uid="a" type="b" time="2020-01-01T00:00:00Z"><detail><!DOCTYPE x></detail></event>"#;
    assert_eq!(parse(inner), Err(XmlError::Doctype));
    let text = r#"<event uid="a" type="b" time="2020-01-01T00:00:00Z"><detail><remarks>&xxe;</remarks></detail></event>"#;
    assert!(
        matches!(parse(text), Err(XmlError::Entity(_))),
        "{:?}",
        parse(text)
    );
    let attr = r#"<event uid="&xxe;" type="b" time="2020-01-01T00:00:00Z"/>"#;
    assert!(matches!(parse(attr), Err(XmlError::Entity(_))));
    let ignored = r#"<event uid="a" type="b" time="2020-01-01T00:00:00Z"><x>&xxe;</x></event>"#;
    assert!(matches!(parse(ignored), Err(XmlError::Entity(_))));
}

#[test]
fn attribute_defaults_and_requirements() {
    let t = "2020-01-01T00:00:00Z";
    let e = parse(&format!(r#"<event uid="u" type="t" time="{t}"/>"#)).unwrap();
    assert_eq!(e.how, "");
    assert_eq!(e.start, e.time);
    assert_eq!(e.stale, e.time.plus_secs(DEFAULT_STALE_SECS));
    assert_eq!(e.point, crate::Point::default());
    let missing = |s: &str| parse(s).err();
    assert_eq!(
        missing(&format!(r#"<event type="t" time="{t}"/>"#)),
        Some(XmlError::MissingAttr("uid"))
    );
    assert_eq!(
        missing(&format!(r#"<event uid="u" time="{t}"/>"#)),
        Some(XmlError::MissingAttr("type"))
    );
    assert_eq!(
        missing(r#"<event uid="u" type="t"/>"#),
        Some(XmlError::MissingAttr("time"))
    );
    assert!(matches!(
        missing(r#"<event uid="u" type="t" time="TIME"/>"#),
        Some(XmlError::BadTime { attr: "time", .. })
    ));
    assert!(matches!(
        missing(&format!(
            r#"<event uid="u" type="t" time="{t}" stale="x"/>"#
        )),
        Some(XmlError::BadTime { attr: "stale", .. })
    ));
}

#[test]
fn tolerates_what_real_clients_send() {
    let t = "2020-01-01T00:00:00Z";
    let odd = format!(
        "<!-- note --><?xml version='1.0' encoding='utf-16'?>\n<event version='2' uid='u' type='t' time='{t}' extra='1'>\
         <detail><a/></detail><foo><bar>x</bar></foo>text<point lat='1e1' lon='NaN' hae='junk' ce='9.999999e+06'/>\
         <point lat='5' lon='5'/></event><!-- after -->\n"
    );
    let e = parse(&odd).unwrap();
    assert_eq!(e.point.lat, 10.0);
    assert!(e.point.lon.is_nan());
    assert!(e.point.hae.is_nan());
    assert_eq!(e.point.ce, 9_999_999.0);
    assert_eq!(e.detail.children, vec![Node::Element(Element::new("a"))]);
}

#[test]
fn rejects_broken_documents() {
    let t = "2020-01-01T00:00:00Z";
    let head = format!(r#"<event uid="u" type="t" time="{t}">"#);
    assert_eq!(parse(""), Err(XmlError::Empty));
    assert_eq!(parse("<foo/>"), Err(XmlError::NotEvent("foo".into())));
    assert!(matches!(parse(&head), Err(XmlError::Syntax { .. })));
    assert!(matches!(
        parse(&format!("{head}<detail></event>")),
        Err(XmlError::Syntax { .. })
    ));
    assert_eq!(
        parse(&format!("{head}</event><event/>")),
        Err(XmlError::Trailing)
    );
    let deep = format!(
        "{head}<detail>{}{}</detail></event>",
        "<a>".repeat(100),
        "</a>".repeat(100)
    );
    assert_eq!(parse(&deep), Err(XmlError::TooDeep));
    assert!(
        parse_event(b"<event uid=\"\xff\" type=\"t\" time=\"2020-01-01T00:00:00Z\"/>").is_err()
    );
}

#[test]
fn writes_a_fixed_shape_that_reads_back() {
    let now = Time::from_millis(1_600_000_000_123);
    let mut e = Event::new("u\"<&>'\t\n\r\u{1}", "a-f-G", "m-g", now, now.plus_secs(30));
    e.access = Some("Undefined".into());
    e.point.lat = 1.5;
    e.point.le = f64::NAN;
    let mut el = Element::with_attrs("remarks", [("to", "a\nb")]);
    el.children = vec![
        Node::Text("x ]]> & y".into()),
        Node::CData("a]]>b".into()),
        Node::Element(Element::new("i")),
        Node::Text(" \n".into()),
    ];
    e.detail.push_element(el);
    let xml = String::from_utf8(to_xml(&e)).unwrap();
    assert_eq!(
        xml,
        "<event version=\"2.0\" uid=\"u&quot;&lt;&amp;&gt;&apos;&#9;&#10;&#13;&#1;\" type=\"a-f-G\" how=\"m-g\" \
         time=\"2020-09-13T12:26:40.123Z\" start=\"2020-09-13T12:26:40.123Z\" stale=\"2020-09-13T12:27:10.123Z\" \
         access=\"Undefined\"><point lat=\"1.5\" lon=\"0.0\" hae=\"9999999.0\" ce=\"9999999.0\" le=\"nan\"/>\
         <detail><remarks to=\"a&#10;b\">x ]]&gt; &amp; y<![CDATA[a]]]]><![CDATA[>b]]><i/>&#32;&#10;</remarks></detail></event>"
    );
    let back = parse(&xml).unwrap();
    assert_eq!(back.detail, e.detail);
    assert_eq!(back.uid, e.uid);
    assert!(back.point.le.is_nan());
    assert_eq!(to_xml(&back), xml.as_bytes());
}

#[test]
fn names_must_be_xml_names() {
    let head = r#"<event uid="u" type="t" time="2020-01-01T00:00:00Z">"#;
    for bad in [
        r#"<a"b/>"#,
        "<1/>",
        "<-x/>",
        r#"<x y"z="1"/>"#,
        "<x 1='2'/>",
    ] {
        let doc = format!("{head}<detail>{bad}</detail></event>");
        assert!(matches!(parse(&doc), Err(XmlError::Syntax { .. })), "{bad}");
    }
    let good = format!("{head}<detail><_a-b.c:d é='1'/></detail></event>");
    assert!(parse(&good).is_ok());
}

#[test]
fn a_byte_order_mark_is_tolerated() {
    let doc = "\u{feff}<?xml version='1.0'?><event uid='u' type='t' time='2020-01-01T00:00:00Z'/>";
    assert_eq!(parse(doc).map(|e| e.uid), Ok("u".to_string()));
}
