//! Drawn shapes, both ways: the TAK drawing a browser's shape command
//! becomes, and the geometry of any drawing in the picture, for the map.
//!
//! TAK's drawing forms, as ATAK and WinTAK exchange them:
//! - a circle is `u-d-c-c`: the event's point is the centre and
//!   `<shape><ellipse major minor angle/></shape>` gives the semi-axes in
//!   metres (a circle has them equal);
//! - a polygon or a line is `u-d-f`: one `<link point="lat,lon"/>` per
//!   vertex, a polygon ending on its first vertex again; a rectangle
//!   (`u-d-r`) lists its four corners the same way and is always closed;
//! - colours are ARGB packed into a signed 32-bit integer
//!   (`<strokeColor value="-65536"/>` is opaque red).
//!
//! Everything here is pure; uids and times are passed in.

use cot::{Element, Event, Time};
use serde::Serialize;

use crate::command::{Refused, MAX_LABEL, MAX_TEXT};

/// Most vertices of a drawn polygon or line.
pub const MAX_VERTICES: usize = 200;
/// Largest circle radius, metres (a sector is a few hundred kilometres).
pub const MAX_RADIUS_M: f64 = 500_000.0;
/// The stroke when a command names no colour: TAK's default yellow.
const DEFAULT_COLOR: u32 = 0xFFFF00;

/// A shape as the map draws it (`ObjectView::shape`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShapeView {
    /// `circle`, `polygon` or `line`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// The vertices, `[lat, lon]`, a polygon's without the closing repeat.
    pub points: Vec<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// A circle's or ellipse's semi-major axis, metres.
    pub major: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// An ellipse's semi-minor axis, metres.
    pub minor: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// An ellipse's rotation, degrees from north.
    pub angle: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The stroke colour, `#rrggbb`.
    pub stroke: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The fill colour, `#rrggbb`, with its opacity in `fill_opacity`.
    pub fill: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The fill's opacity, 0 to 1.
    pub fill_opacity: Option<f64>,
}

/// The shape of a drawing event, if it is one this map can draw.
pub fn shape_of(event: &Event) -> Option<ShapeView> {
    if !event.is_type("u-d") {
        return None;
    }
    let (stroke, _) = color(event, "strokeColor").unzip();
    let (fill, fill_opacity) = color(event, "fillColor").unzip();
    let mut view = ShapeView {
        kind: "line",
        points: Vec::new(),
        major: None,
        minor: None,
        angle: None,
        stroke,
        fill,
        fill_opacity,
    };
    if event.is_type("u-d-c") {
        let e = event.detail.child("shape")?.child("ellipse")?;
        let major = number(e.attr("major")?)?;
        let minor = e.attr("minor").and_then(number).unwrap_or(major);
        if !(major > 0.0 && minor > 0.0 && major <= MAX_RADIUS_M && minor <= MAX_RADIUS_M) {
            return None;
        }
        view.kind = "circle";
        view.major = Some(major);
        view.minor = Some(minor);
        view.angle = e
            .attr("angle")
            .and_then(number)
            .filter(|a| *a % 360.0 != 0.0);
        return Some(view);
    }
    let mut points: Vec<[f64; 2]> = event
        .detail
        .elements()
        .filter(|e| e.name == "link")
        .filter_map(|e| vertex(e.attr("point")?))
        .take(MAX_VERTICES + 1)
        .collect();
    let closed = points.len() > 2 && points.first() == points.last();
    if closed {
        points.pop();
    }
    let polygon = closed || (event.is_type("u-d-r") && points.len() >= 3);
    if points.len() < if polygon { 3 } else { 2 } {
        return None;
    }
    view.kind = if polygon { "polygon" } else { "line" };
    view.points = points;
    Some(view)
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// `"lat,lon[,hae]"` to `[lat, lon]`, rounded as positions are elsewhere.
fn vertex(s: &str) -> Option<[f64; 2]> {
    let mut it = s.split(',');
    let lat = number(it.next()?)?;
    let lon = number(it.next()?)?;
    (lat.abs() <= 90.0 && lon.abs() <= 180.0).then(|| [round7(lat), round7(lon)])
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// `<name value="ARGB as i32"/>` to `#rrggbb` and the alpha as 0..1.
fn color(event: &Event, name: &str) -> Option<(String, f64)> {
    let v: i64 = event
        .detail
        .child(name)?
        .attr("value")?
        .trim()
        .parse()
        .ok()?;
    let argb = u32::try_from(v & 0xFFFF_FFFF).ok()?;
    let alpha = f64::from(argb >> 24) / 255.0;
    Some((
        format!("#{:06x}", argb & 0xFF_FFFF),
        (alpha * 100.0).round() / 100.0,
    ))
}

/// A shape the browser drew, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// `circle`, `polygon` or `line`.
    pub kind: String,
    /// The vertices (`[lat, lon]`); a circle's centre alone.
    pub points: Vec<[f64; 2]>,
    /// A circle's radius, metres.
    pub radius_m: Option<f64>,
    /// Its label (the callsign TAK shows).
    pub label: String,
    /// Its colour, `#rrggbb`; TAK's yellow when absent.
    pub color: Option<String>,
    /// Free text shown with it.
    pub remarks: Option<String>,
}

/// Parses `#rrggbb`.
fn rgb(s: &str) -> Option<u32> {
    let hex = s.strip_prefix('#')?;
    (hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u32::from_str_radix(hex, 16).ok())
        .flatten()
}

/// ARGB as TAK's signed 32-bit colour value.
fn tak_color(alpha: u8, rgb: u32) -> String {
    // Reinterpreting the packed bits as signed is the wire form.
    (((u32::from(alpha) << 24) | rgb) as i32).to_string()
}

fn valid_position(p: &[f64; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite() && p[0].abs() <= 90.0 && p[1].abs() <= 180.0
}

/// The TAK drawing for `d`, made by the web user `me_uid`/`me_callsign`,
/// or why not.
pub fn drawing(
    me_uid: &str,
    me_callsign: &str,
    uid: &str,
    d: &Drawing,
    now: Time,
) -> Result<Event, Refused> {
    crate::command::check_text("label", &d.label, MAX_LABEL)?;
    if let Some(r) = &d.remarks {
        if r.chars().count() > MAX_TEXT {
            return Err(Refused::TooLong("remarks", MAX_TEXT));
        }
        if !r.chars().all(cot::xml::is_xml_char) {
            return Err(Refused::BadCharacter("remarks"));
        }
    }
    let color = match &d.color {
        None => DEFAULT_COLOR,
        Some(c) => rgb(c).ok_or_else(|| Refused::Unknown("color", c.clone()))?,
    };
    if !d.points.iter().all(valid_position) {
        return Err(Refused::BadPosition);
    }
    let (kind, needs) = match d.kind.as_str() {
        "circle" => ("u-d-c-c", 1..=1),
        "polygon" => ("u-d-f", 3..=MAX_VERTICES),
        "line" => ("u-d-f", 2..=MAX_VERTICES),
        other => return Err(Refused::Unknown("shape", other.to_string())),
    };
    if !needs.contains(&d.points.len()) {
        return Err(Refused::Vertices(
            d.kind.clone(),
            *needs.start(),
            *needs.end(),
        ));
    }
    // A polygon or line sits at its first vertex, as ATAK places them.
    let anchor = d.points[0];
    let mut e = Event::new(uid, kind, "h-e", now, now.plus_secs(24 * 3600));
    e.point.lat = anchor[0];
    e.point.lon = anchor[1];
    e.point.hae = cot::UNKNOWN;
    e.point.ce = cot::UNKNOWN;
    e.point.le = cot::UNKNOWN;
    let det = &mut e.detail;
    if d.kind == "circle" {
        let r = d
            .radius_m
            .filter(|r| r.is_finite() && *r >= 1.0 && *r <= MAX_RADIUS_M)
            .ok_or(Refused::BadRadius)?;
        let r = format!("{r:.1}");
        let mut shape = Element::new("shape");
        shape.children.push(cot::Node::Element(Element::with_attrs(
            "ellipse",
            [
                ("major", r.as_str()),
                ("minor", r.as_str()),
                ("angle", "360"),
            ],
        )));
        det.push_element(shape);
    } else {
        let mut ring: Vec<[f64; 2]> = d.points.clone();
        if d.kind == "polygon" {
            ring.push(anchor);
        }
        for p in ring {
            let point = format!("{:.7},{:.7}", p[0], p[1]);
            det.push_element(Element::with_attrs("link", [("point", point.as_str())]));
        }
    }
    let stroke = tak_color(0xFF, color);
    det.push_element(Element::with_attrs(
        "strokeColor",
        [("value", stroke.as_str())],
    ));
    det.push_element(Element::with_attrs("strokeWeight", [("value", "3.0")]));
    if d.kind != "line" {
        // A quarter-opaque fill of the same colour, so what is under it shows.
        let fill = tak_color(0x40, color);
        det.push_element(Element::with_attrs("fillColor", [("value", fill.as_str())]));
    }
    det.push_element(Element::with_attrs(
        "contact",
        [("callsign", d.label.trim())],
    ));
    det.push_element(Element::with_attrs("labels_on", [("value", "true")]));
    let production = now.to_string();
    det.push_element(Element::with_attrs(
        "link",
        [
            ("uid", me_uid),
            ("production_time", production.as_str()),
            ("type", "a-f-G-U-C"),
            ("parent_callsign", me_callsign),
            ("relation", "p-p"),
        ],
    ));
    det.push_element(Element::new("archive"));
    if let Some(r) = d.remarks.as_deref().filter(|r| !r.trim().is_empty()) {
        let mut el = Element::new("remarks");
        el.children.push(cot::Node::Text(r.to_string()));
        det.push_element(el);
    }
    Ok(e)
}

#[cfg(test)]
#[path = "shape_tests.rs"]
mod tests;
