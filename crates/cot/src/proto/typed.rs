//! The typed half of a TAK protocol detail: which `<detail>` elements go
//! into the `contact`, `group`, `precisionLocation`, `status`, `takv` and
//! `track` submessages, and how they come back.
//!
//! "Whole" is taken strictly so that XML → proto → XML is lossless: the
//! element has no children or text, only attributes the submessage has,
//! each at most once and non-empty, numbers written exactly as this crate
//! writes them back (`speed="0.0"` qualifies, `speed="0"` does not; nor
//! does `-0.0`, which proto3 would send as nothing), and it is the only
//! element of its name in the detail. On the way back the typed elements
//! come first, in the order `contact __group precisionlocation status takv
//! track`, with attributes in ATAK's order, followed by the `xmlDetail`
//! nodes; a typed element whose name also appears in `xmlDetail` is
//! dropped (the XML copy wins).

use super::messages as pb;
use super::ProtoError;
use crate::accessors::parse_f64;
use crate::detail::{Detail, Element, Node};
use crate::xml::{format_f64, parse_fragment, write_nodes};

/// The type of one typed field, as written in XML.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Optional string; empty means absent in proto3, so must be non-empty.
    Str,
    /// Required unsigned integer in canonical decimal.
    U32,
    /// Required double in this crate's canonical form.
    F64,
}

use Kind::{Str, F64, U32};

const NEG_ZERO: u64 = 0x8000_0000_0000_0000;

const CONTACT: [(&str, Kind); 2] = [("endpoint", Str), ("callsign", Str)];
const GROUP: [(&str, Kind); 2] = [("role", Str), ("name", Str)];
const PRECISION: [(&str, Kind); 2] = [("geopointsrc", Str), ("altsrc", Str)];
const STATUS: [(&str, Kind); 1] = [("battery", U32)];
const TAKV: [(&str, Kind); 4] = [
    ("device", Str),
    ("platform", Str),
    ("os", Str),
    ("version", Str),
];
const TRACK: [(&str, Kind); 2] = [("course", F64), ("speed", F64)];

/// The attribute values of `el` in `fields` order, if `el` can be carried
/// whole by a submessage with these fields.
fn whole<'a, const N: usize>(
    el: &'a Element,
    fields: &[(&str, Kind); N],
) -> Option<[Option<&'a str>; N]> {
    if !el.children.is_empty() {
        return None;
    }
    let mut vals = [None; N];
    for (k, v) in &el.attrs {
        let i = fields.iter().position(|(f, _)| f == k)?;
        let (slot, kind) = (vals.get_mut(i)?, fields.get(i)?.1);
        let exact = match kind {
            Str => !v.is_empty(),
            U32 => v.parse::<u32>().is_ok_and(|n| n.to_string() == *v),
            // proto3 leaves out 0.0, so -0.0 would come back as 0.0
            F64 => parse_f64(v).is_some_and(|x| format_f64(x) == *v && x.to_bits() != NEG_ZERO),
        };
        if slot.is_some() || !exact {
            return None;
        }
        *slot = Some(v.as_str());
    }
    let required_present = fields
        .iter()
        .zip(&vals)
        .all(|((_, kind), v)| *kind == Str || v.is_some());
    required_present.then_some(vals)
}

fn text(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

fn num(v: Option<&str>) -> f64 {
    v.and_then(parse_f64).unwrap_or_default()
}

/// Splits `detail` into typed submessages and the `xmlDetail` rest.
pub(super) fn detail_to_proto(detail: &Detail) -> Option<pb::Detail> {
    let mut out = pb::Detail::default();
    let mut typed = [false; 6];
    let unique = |name: &str| detail.elements().filter(|e| e.name == name).count() == 1;
    for (i, name) in [
        "contact",
        "__group",
        "precisionlocation",
        "status",
        "takv",
        "track",
    ]
    .into_iter()
    .enumerate()
    {
        let Some(el) = detail.child(name).filter(|_| unique(name)) else {
            continue;
        };
        let carried = match i {
            0 => whole(el, &CONTACT).map(|[endpoint, callsign]| {
                out.contact = Some(pb::Contact {
                    endpoint: text(endpoint),
                    callsign: text(callsign),
                });
            }),
            1 => whole(el, &GROUP).map(|[role, name]| {
                out.group = Some(pb::Group {
                    name: text(name),
                    role: text(role),
                });
            }),
            2 => whole(el, &PRECISION).map(|[geo, alt]| {
                out.precision_location = Some(pb::PrecisionLocation {
                    geopointsrc: text(geo),
                    altsrc: text(alt),
                });
            }),
            3 => whole(el, &STATUS).map(|[battery]| {
                let battery = battery.and_then(|b| b.parse().ok()).unwrap_or_default();
                out.status = Some(pb::Status { battery });
            }),
            4 => whole(el, &TAKV).map(|[device, platform, os, version]| {
                out.takv = Some(pb::Takv {
                    device: text(device),
                    platform: text(platform),
                    os: text(os),
                    version: text(version),
                });
            }),
            _ => whole(el, &TRACK).map(|[course, speed]| {
                out.track = Some(pb::Track {
                    speed: num(speed),
                    course: num(course),
                });
            }),
        };
        if let Some(flag) = typed.get_mut(i) {
            *flag = carried.is_some();
        }
    }
    let is_typed = |n: &Node| match n {
        Node::Element(e) => match e.name.as_str() {
            "contact" => typed[0],
            "__group" => typed[1],
            "precisionlocation" => typed[2],
            "status" => typed[3],
            "takv" => typed[4],
            "track" => typed[5],
            _ => false,
        },
        _ => false,
    };
    let rest: Vec<Node> = detail
        .children
        .iter()
        .filter(|n| !is_typed(n))
        .cloned()
        .collect();
    let mut xml = Vec::new();
    write_nodes(&rest, &mut xml);
    // write_nodes only copies strings and ASCII markup, so this is UTF-8
    out.xml_detail = String::from_utf8(xml).unwrap_or_default();
    (out != pb::Detail::default()).then_some(out)
}

fn element<const N: usize>(name: &str, attrs: [(&str, String); N]) -> Node {
    Node::Element(Element {
        name: name.to_string(),
        attrs: attrs
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        children: Vec::new(),
    })
}

pub(super) fn detail_from_proto(d: &pb::Detail) -> Result<Detail, ProtoError> {
    let xml = if d.xml_detail.is_empty() {
        Detail::default()
    } else {
        parse_fragment(d.xml_detail.as_bytes()).map_err(ProtoError::XmlDetail)?
    };
    let mut children = Vec::new();
    let mut add = |name: &str, node: Option<Node>| {
        if let Some(node) = node.filter(|_| xml.child(name).is_none()) {
            children.push(node);
        }
    };
    add(
        "contact",
        d.contact.as_ref().map(|c| {
            element(
                "contact",
                [
                    ("endpoint", c.endpoint.clone()),
                    ("callsign", c.callsign.clone()),
                ],
            )
        }),
    );
    add(
        "__group",
        d.group.as_ref().map(|g| {
            element(
                "__group",
                [("role", g.role.clone()), ("name", g.name.clone())],
            )
        }),
    );
    add(
        "precisionlocation",
        d.precision_location.as_ref().map(|p| {
            element(
                "precisionlocation",
                [
                    ("geopointsrc", p.geopointsrc.clone()),
                    ("altsrc", p.altsrc.clone()),
                ],
            )
        }),
    );
    add(
        "status",
        d.status
            .as_ref()
            .map(|s| element("status", [("battery", s.battery.to_string())])),
    );
    add(
        "takv",
        d.takv.as_ref().map(|t| {
            element(
                "takv",
                [
                    ("device", t.device.clone()),
                    ("platform", t.platform.clone()),
                    ("os", t.os.clone()),
                    ("version", t.version.clone()),
                ],
            )
        }),
    );
    add(
        "track",
        d.track.as_ref().map(|t| {
            element(
                "track",
                [
                    ("course", format_f64(t.course)),
                    ("speed", format_f64(t.speed)),
                ],
            )
        }),
    );
    children.extend(xml.children);
    Ok(Detail { children })
}
