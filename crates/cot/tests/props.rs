//! Property tests: codec round trips on generated events, and the stream
//! deframers under arbitrary chunking and garbage.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cot::proto::{self, ProtoDeframer};
use cot::{
    parse_event, to_xml, DeframeError, Detail, Element, Event, Frame, Node, Point, Time,
    XmlDeframer, UNKNOWN,
};
use proptest::prelude::*;

/// Text with everything that needs escaping, and some non-ASCII; no NUL,
/// which XML cannot carry.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &<>\"';:=/\\]\\[\t\n\r\u{1}\u{1f}\u{7f}é漢😀-]{1,16}"
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_.-]{0,8}",
        Just("contact".to_string()),
        Just("track".to_string()),
        Just("status".to_string()),
    ]
}

fn attrs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map(
        "[a-zA-Z_][a-zA-Z0-9_-]{0,6}",
        prop_oneof![text(), Just(String::new())],
        0..4,
    )
    .prop_map(|m| m.into_iter().collect())
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        (name(), attrs()).prop_map(|(name, attrs)| Node::Element(Element {
            name,
            attrs,
            children: vec![]
        })),
        text().prop_map(Node::Text),
        "[a-z<>&\\] ]{0,12}".prop_map(Node::CData),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        (name(), attrs(), prop::collection::vec(inner, 0..4)).prop_map(|(name, attrs, kids)| {
            Node::Element(Element {
                name,
                attrs,
                children: merge(kids),
            })
        })
    })
}

/// Adjacent text (or CDATA) pieces read back as one; generate them merged.
fn merge(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    for n in nodes {
        match (out.last_mut(), n) {
            (Some(Node::Text(a)), Node::Text(b)) => a.push_str(&b),
            (Some(Node::CData(a)), Node::CData(b)) => a.push_str(&b),
            (_, n) => out.push(n),
        }
    }
    out
}

/// Typed-submessage elements as ATAK writes them, so that the typed path
/// of the TAK protocol conversion is exercised too.
fn typed() -> impl Strategy<Value = Vec<Node>> {
    (
        prop::option::of(("[A-Z]{1,8}", "[a-z*:0-9.-]{1,12}")),
        prop::option::of(any::<u32>()),
        prop::option::of((-1e3f64..1e3, 0f64..360.0)),
    )
        .prop_map(|(contact, battery, track)| {
            let mut v = Vec::new();
            if let Some((cs, ep)) = contact {
                v.push(Element::with_attrs(
                    "contact",
                    [("endpoint", ep.as_str()), ("callsign", cs.as_str())],
                ));
            }
            if let Some(b) = battery {
                v.push(Element::with_attrs(
                    "status",
                    [("battery", b.to_string().as_str())],
                ));
            }
            if let Some((s, c)) = track {
                let (s, c) = (format!("{s:?}"), format!("{c:?}"));
                v.push(Element::with_attrs(
                    "track",
                    [("course", c.as_str()), ("speed", s.as_str())],
                ));
            }
            v.into_iter().map(Node::Element).collect()
        })
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>(), Just(UNKNOWN), Just(f64::NAN), -90f64..90.0]
}

fn event() -> impl Strategy<Value = Event> {
    (
        (
            text(),
            text(),
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        (0i64..4_000_000_000_000, 0i64..1_000_000, 0i64..1_000_000),
        prop::array::uniform5(number()),
        typed(),
        prop::collection::vec(node(), 0..5),
    )
        .prop_map(
            |((uid, kind, access, caveat), (t, ds, dl), p, typed, rest)| {
                let time = Time::from_millis(t);
                let mut e = Event::new(uid, kind, "m-g", time, time.plus_millis(dl));
                e.start = time.plus_millis(ds);
                (e.access, e.caveat) = (access, caveat);
                e.point = Point {
                    lat: p[0],
                    lon: p[1],
                    hae: p[2],
                    ce: p[3],
                    le: p[4],
                };
                let mut children = typed;
                children.extend(rest);
                e.detail = Detail {
                    children: merge(children),
                };
                e
            },
        )
}

fn coords(p: &Point) -> [f64; 5] {
    [p.lat, p.lon, p.hae, p.ce, p.le]
}

/// Same header and point, bit for bit except that any NaN equals any NaN
/// (XML writes every NaN as `nan`).
fn same_header(a: &Event, b: &Event) -> bool {
    (
        &a.uid, &a.kind, &a.how, a.time, a.start, a.stale, &a.access, &a.caveat,
    ) == (
        &b.uid, &b.kind, &b.how, b.time, b.start, b.stale, &b.access, &b.caveat,
    ) && coords(&a.point)
        .iter()
        .zip(coords(&b.point))
        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

/// Like [`same_header`] but with -0.0 equal to 0.0, as proto3 has it.
fn same_header_proto(a: &Event, b: &Event) -> bool {
    let mut b2 = b.clone();
    b2.point = a.point;
    same_header(a, &b2)
        && coords(&a.point)
            .iter()
            .zip(coords(&b.point))
            .all(|(x, y)| *x == y || (x.is_nan() && y.is_nan()))
}

const TYPED: [&str; 6] = [
    "contact",
    "__group",
    "precisionlocation",
    "status",
    "takv",
    "track",
];

fn canon(d: &Detail) -> Vec<Node> {
    let mut nodes = d.children.clone();
    for n in &mut nodes {
        if let Node::Element(e) = n {
            if TYPED.contains(&e.name.as_str()) {
                e.attrs.sort();
            }
        }
    }
    nodes.sort_by_key(|n| match n {
        Node::Element(e) => TYPED.iter().position(|t| *t == e.name).unwrap_or(6),
        _ => 6,
    });
    nodes
}

fn drain(d: &mut XmlDeframer) -> Vec<Result<Frame, DeframeError>> {
    std::iter::from_fn(|| d.next_frame()).collect()
}

fn chunked(stream: &[u8], cuts: &[usize], max: usize) -> Vec<Result<Frame, DeframeError>> {
    let mut d = XmlDeframer::new(max);
    let mut out = Vec::new();
    let mut at = 0;
    for &c in cuts {
        let to = (at + c).min(stream.len());
        d.push(&stream[at..to]);
        out.extend(drain(&mut d));
        at = to;
    }
    d.push(&stream[at..]);
    out.extend(drain(&mut d));
    out
}

/// A broken event made from a good document: cut off at `cut` (a fraction
/// of its length), or with one of its double quotes removed. A cut inside
/// a CDATA section is moved to the section's start: CDATA is opaque to
/// the deframer (a section that never ends runs to the size limit).
fn broken(doc: &[u8], cut: f64, unbalance: bool) -> Vec<u8> {
    let at = |n: usize| ((n as f64 * cut) as usize).min(n.saturating_sub(1));
    if unbalance {
        let quotes: Vec<usize> = (0..doc.len()).filter(|&i| doc[i] == b'"').collect();
        let drop = quotes[at(quotes.len())];
        return [&doc[..drop], &doc[drop + 1..]].concat();
    }
    let mut n = at(doc.len()).max(1);
    let prefix = &doc[..n];
    if let Some(open) = memfind_last(prefix, b"<![CDATA[") {
        if memfind_last(&prefix[open..], b"]]>").is_none() {
            n = open;
        }
    }
    doc[..n].to_vec()
}

fn memfind_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Byte soup rich in the markup the deframer cares about.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"<event uid='a'>".to_vec()),
        Just(b"</event>".to_vec()),
        Just(b"<event/>".to_vec()),
        Just(b"<auth>".to_vec()),
        Just(b"</auth>".to_vec()),
        Just(b"<!--".to_vec()),
        Just(b"-->".to_vec()),
        Just(b"<![CDATA[".to_vec()),
        Just(b"]]>".to_vec()),
        Just(b"<?xml version='1.0'?>".to_vec()),
        Just(b"<!DOCTYPE".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"'".to_vec()),
        Just(b"<detail>".to_vec()),
        Just(b" \n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn xml_round_trip(e in event()) {
        let xml = to_xml(&e);
        let back = parse_event(&xml).map_err(|err| {
            TestCaseError::fail(format!("{err}: {}", String::from_utf8_lossy(&xml)))
        })?;
        prop_assert!(same_header(&back, &e));
        prop_assert_eq!(&back.detail, &e.detail);
        prop_assert_eq!(to_xml(&back), xml);
    }

    #[test]
    fn proto_round_trip(e in event()) {
        let framed = proto::encode_event_stream(&e);
        let mut d = ProtoDeframer::new(1 << 20);
        d.push(&framed);
        let payload = d.next_payload().and_then(Result::ok).ok_or_else(|| TestCaseError::fail("no frame"))?;
        let back = proto::decode_event(&payload).map_err(|err| TestCaseError::fail(err.to_string()))?;
        prop_assert!(same_header_proto(&back, &e));
        prop_assert_eq!(canon(&back.detail), canon(&e.detail));
    }

    #[test]
    fn deframing_events_ignores_chunking(
        events in prop::collection::vec(event(), 1..6),
        seps in prop::collection::vec(prop_oneof![Just(""), Just("\n"), Just("<?xml version='1.0' encoding='UTF-8'?>\n"), Just("<!-- </event> -->")], 6),
        cuts in prop::collection::vec(1usize..64, 0..40),
    ) {
        let docs: Vec<Vec<u8>> = events.iter().map(to_xml).collect();
        let mut stream = Vec::new();
        for (doc, sep) in docs.iter().zip(&seps) {
            stream.extend_from_slice(sep.as_bytes());
            stream.extend_from_slice(doc);
        }
        let out = chunked(&stream, &cuts, 1 << 20);
        let want: Vec<_> = docs.iter().map(|d| Ok(Frame::Event(d.clone().into()))).collect();
        prop_assert_eq!(out, want);
    }

    #[test]
    fn good_events_survive_bad_ones_spliced_in(
        events in prop::collection::vec(event(), 2..7),
        bad in prop::collection::vec(prop::option::of((0.0f64..1.0, any::<bool>())), 7),
        seps in prop::collection::vec(prop_oneof![Just(""), Just("\n"), Just("<?xml version='1.0' encoding='UTF-8'?>\n")], 14),
        cuts in prop::collection::vec(1usize..64, 0..40),
    ) {
        let docs: Vec<Vec<u8>> = events.iter().map(to_xml).collect();
        let mut stream = Vec::new();
        let mut sep = seps.iter();
        for (i, doc) in docs.iter().enumerate() {
            if let Some((cut, unbalance)) = bad[i] {
                stream.extend_from_slice(sep.next().unwrap_or(&"").as_bytes());
                // made from another good event, so it cannot pass for this one
                stream.extend(broken(&docs[(i + 1) % docs.len()], cut, unbalance));
            }
            stream.extend_from_slice(sep.next().unwrap_or(&"").as_bytes());
            stream.extend_from_slice(doc);
        }
        let out = chunked(&stream, &cuts, 1 << 20);
        prop_assert_eq!(&chunked(&stream, &[], 1 << 20), &out);
        for f in &out {
            match f {
                Ok(f) => { let _ = parse_event(f.bytes()); }
                Err(e) => prop_assert!(!e.is_fatal(), "{}", e),
            }
        }
        let good: Vec<&[u8]> = out
            .iter()
            .filter_map(|f| match f {
                Ok(Frame::Event(b)) if docs.iter().any(|d| d[..] == b[..]) => Some(&b[..]),
                _ => None,
            })
            .collect();
        let want: Vec<&[u8]> = docs.iter().map(|d| &d[..]).collect();
        prop_assert_eq!(good, want, "stream {}", String::from_utf8_lossy(&stream));
    }

    #[test]
    fn scrubbed_xml_and_scrubbed_events_carry_no_forbidden_character(
        e in event(),
        // no NUL: the writer makes it U+FFFD, so it never reaches the document
        extra in "[a\u{1}\u{8}\u{b}\u{c}\u{e}\u{1f}\u{fffe}\u{ffff}]{0,6}",
    ) {
        let mut e = e;
        e.uid.push_str(&extra);
        // the XML way: the document a peer would send, scrubbed, then read
        let xml = to_xml(&e);
        let doc = cot::xml::scrub_document(&xml).unwrap_or(xml);
        let from_doc = parse_event(&doc).map_err(|err| TestCaseError::fail(err.to_string()))?;
        // the protobuf way: the decoded event, scrubbed
        let mut scrubbed = e.clone();
        cot::xml::scrub_event(&mut scrubbed);
        prop_assert!(same_header(&from_doc, &scrubbed));
        for out in [to_xml(&from_doc), to_xml(&scrubbed)] {
            prop_assert_eq!(cot::xml::scrub_document(&out), None, "{}", String::from_utf8_lossy(&out));
        }
    }

    #[test]
    fn deframer_on_soup_never_panics_and_ignores_chunking(
        soup in soup(),
        cuts in prop::collection::vec(1usize..16, 0..40),
        max in 8usize..256,
    ) {
        let whole = chunked(&soup, &[], max);
        prop_assert_eq!(chunked(&soup, &cuts, max), whole.clone());
        for f in whole.into_iter().flatten() {
            let _ = parse_event(f.bytes());
            prop_assert!(f.bytes().len() <= max);
        }
    }

    #[test]
    fn whatever_parses_rewrites_to_the_same_event(pieces in prop::collection::vec(prop_oneof![
        Just("<a>"), Just("</a>"), Just("<b x='1'/>"), Just("<a\"b/>"), Just("<a=b/>"), Just("<a b\"c='1'/>"),
        Just("text"), Just(" "), Just("&amp;"), Just("&#1;"), Just("&#xD;"), Just("<![CDATA[x]]>"), Just("]]>"),
        Just("<!-- c -->"), Just("<?pi x?>"), Just("<c:d e:f='&lt;'/>"), Just("<g h=\"'\"/>"), Just("\r\n"),
        Just("<é/>"), Just("<1/>"), Just("<-x/>"), Just("<x y/>"), Just("<x y=1/>"), Just("<x y='a' y='b'/>"),
    ], 0..12)) {
        let xml = format!(
            "<event uid='u' type='t' time='2020-01-01T00:00:00Z'><detail>{}</detail></event>",
            pieces.concat()
        );
        if let Ok(e) = parse_event(xml.as_bytes()) {
            let again = parse_event(&to_xml(&e));
            prop_assert!(again.is_ok(), "{:?} from {}", again, xml);
            prop_assert_eq!(again.ok().map(|a| a.detail), Some(e.detail));
        }
    }

    #[test]
    fn parsers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_event(&bytes);
        let _ = proto::decode_mesh_event(&bytes);
        let _ = proto::decode_event(&bytes);
        let mut d = ProtoDeframer::new(128);
        d.push(&bytes);
        while let Some(r) = d.next_frame() {
            if let Ok(m) = r {
                let _ = proto::proto_to_event(&m);
            }
        }
    }

    #[test]
    fn proto_deframer_ignores_chunking(
        bytes in prop::collection::vec(any::<u8>(), 0..128),
        cuts in prop::collection::vec(1usize..8, 0..30),
    ) {
        let run = |cuts: &[usize]| {
            let mut d = ProtoDeframer::new(64);
            let mut out = Vec::new();
            let mut at = 0usize;
            for &c in cuts.iter().chain(std::iter::once(&usize::MAX)) {
                let to = at.saturating_add(c).min(bytes.len());
                d.push(&bytes[at..to]);
                out.extend(std::iter::from_fn(|| d.next_payload()));
                at = to;
            }
            out
        };
        prop_assert_eq!(run(&cuts), run(&[]));
    }
}

#[test]
fn every_prefix_of_an_event_is_an_error_not_a_panic() {
    let e = Event::new(
        "u",
        "a-f-G",
        "m-g",
        Time::from_millis(0),
        Time::from_millis(1),
    );
    let mut e = e;
    e.detail
        .push_element(Element::with_attrs("contact", [("callsign", "A&B")]));
    let xml = to_xml(&e);
    for n in 0..xml.len() {
        assert!(parse_event(&xml[..n]).is_err(), "prefix {n}");
    }
    assert!(parse_event(&xml).is_ok());
}

#[test]
fn an_8_mib_unterminated_event_is_refused_with_bounded_memory() {
    const MAX: usize = 8 * 1024 * 1024;
    let mut d = XmlDeframer::new(MAX);
    d.push(b"<?xml version='1.0'?><event uid='x' type='t'><detail><remarks>");
    let chunk = vec![b'x'; 64 * 1024];
    let mut seen = Vec::new();
    for _ in 0..(MAX / chunk.len() + 2) {
        d.push(&chunk);
        seen.extend(drain(&mut d));
        assert!(d.buffered() <= MAX + chunk.len());
    }
    assert_eq!(seen, vec![Err(DeframeError::TooLarge { limit: MAX })]);
    assert_eq!(d.buffered(), 0);
}
