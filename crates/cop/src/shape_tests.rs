use super::*;

const T: i64 = 1_764_000_000_000;

fn now() -> Time {
    Time::from_millis(T)
}

fn roundtrip(e: &Event) -> Event {
    cot::parse_event(&cot::to_xml(e)).expect("what we write parses")
}

fn drawn(kind: &str, points: Vec<[f64; 2]>, radius_m: Option<f64>) -> Drawing {
    Drawing {
        kind: kind.into(),
        points,
        radius_m,
        label: "OBJ 4".into(),
        color: Some("#ff0000".into()),
        remarks: Some("hold & watch <north>".into()),
    }
}

fn make(d: &Drawing) -> Result<Event, Refused> {
    drawing("watchfloor-web-ops", "C2 OPS", "shape-1", d, now())
}

#[test]
fn a_polygon_is_a_closed_u_d_f_with_red_stroke_and_a_light_fill() {
    let tri = vec![[31.3, -109.2], [31.31, -109.2], [31.31, -109.19]];
    let e = roundtrip(&make(&drawn("polygon", tri.clone(), None)).expect("valid"));
    assert_eq!(e.kind, "u-d-f");
    assert_eq!((e.point.lat, e.point.lon), (31.3, -109.2));
    let points: Vec<&str> = e
        .detail
        .elements()
        .filter(|l| l.name == "link")
        .filter_map(|l| l.attr("point"))
        .collect();
    assert_eq!(points.len(), 4, "three vertices and the closing one");
    assert_eq!(points.first(), points.last());
    assert_eq!(
        e.detail.child("strokeColor").and_then(|c| c.attr("value")),
        Some("-65536")
    );
    // 0x40FF0000 as a signed integer.
    assert_eq!(
        e.detail.child("fillColor").and_then(|c| c.attr("value")),
        Some("1090453504")
    );
    assert_eq!(e.detail.callsign().as_deref(), Some("OBJ 4"));
    assert_eq!(e.detail.remarks().as_deref(), Some("hold & watch <north>"));
    let owner = e
        .detail
        .links()
        .into_iter()
        .find(|l| l.relation.as_deref() == Some("p-p"));
    assert_eq!(owner.map(|l| l.uid).as_deref(), Some("watchfloor-web-ops"));

    // And the map reads it back as the polygon it was.
    let v = shape_of(&e).expect("a shape");
    assert_eq!(v.kind, "polygon");
    assert_eq!(v.points, tri);
    assert_eq!(v.stroke.as_deref(), Some("#ff0000"));
    assert_eq!(
        (v.fill.as_deref(), v.fill_opacity),
        (Some("#ff0000"), Some(0.25))
    );
}

#[test]
fn a_line_stays_open_and_a_circle_is_an_ellipse_of_equal_axes() {
    let e = roundtrip(
        &make(&drawn("line", vec![[31.0, -109.0], [31.1, -109.1]], None)).expect("a line"),
    );
    let v = shape_of(&e).expect("a line");
    assert_eq!((v.kind, v.points.len()), ("line", 2));
    assert!(e.detail.child("fillColor").is_none(), "a line has no fill");

    let c =
        roundtrip(&make(&drawn("circle", vec![[31.2, -109.3]], Some(1500.0))).expect("a circle"));
    assert_eq!(c.kind, "u-d-c-c");
    let ellipse = c
        .detail
        .child("shape")
        .and_then(|s| s.child("ellipse"))
        .expect("ellipse");
    assert_eq!(
        (ellipse.attr("major"), ellipse.attr("minor")),
        (Some("1500.0"), Some("1500.0"))
    );
    let v = shape_of(&c).expect("a circle");
    assert_eq!(
        (v.kind, v.major, v.minor, v.angle),
        ("circle", Some(1500.0), Some(1500.0), None)
    );
}

#[test]
fn bad_drawings_are_refused_with_the_reason() {
    let p = |n: usize| {
        (0..n)
            .map(|i| [31.0 + i as f64 * 0.01, -109.0])
            .collect::<Vec<_>>()
    };
    assert_eq!(
        make(&drawn("polygon", p(2), None)).err(),
        Some(Refused::Vertices("polygon".into(), 3, MAX_VERTICES))
    );
    assert_eq!(
        make(&drawn("line", p(MAX_VERTICES + 1), None)).err(),
        Some(Refused::Vertices("line".into(), 2, MAX_VERTICES))
    );
    assert_eq!(
        make(&drawn("circle", p(1), None)).err(),
        Some(Refused::BadRadius)
    );
    assert_eq!(
        make(&drawn("circle", p(1), Some(f64::NAN))).err(),
        Some(Refused::BadRadius)
    );
    assert_eq!(
        make(&drawn("circle", p(1), Some(MAX_RADIUS_M * 2.0))).err(),
        Some(Refused::BadRadius)
    );
    assert_eq!(
        make(&drawn("star", p(3), None)).err(),
        Some(Refused::Unknown("shape", "star".into()))
    );
    assert_eq!(
        make(&drawn("line", vec![[91.0, 0.0], [0.0, 0.0]], None)).err(),
        Some(Refused::BadPosition)
    );
    let mut d = drawn("line", p(2), None);
    d.color = Some("red".into());
    assert_eq!(
        make(&d).err(),
        Some(Refused::Unknown("color", "red".into()))
    );
    d.color = None;
    d.label = " ".into();
    assert_eq!(make(&d).err(), Some(Refused::Empty("label")));
    d.label = "L".into();
    d.remarks = Some("bell\u{7}".into());
    assert_eq!(make(&d).err(), Some(Refused::BadCharacter("remarks")));
}

#[test]
fn drawings_from_the_field_are_read_and_broken_ones_are_not_drawn() {
    let field = |body: &str, kind: &str| {
        let xml = format!(
            r#"<event version="2.0" uid="s1" type="{kind}" how="h-e" time="2026-12-03T10:00:00Z" start="2026-12-03T10:00:00Z" stale="2026-12-04T10:00:00Z"><point lat="31" lon="-109" hae="0" ce="9999999" le="9999999"/><detail>{body}</detail></event>"#
        );
        cot::parse_event(xml.as_bytes()).expect("parses")
    };
    // An ATAK rectangle: four corners, closed without repeating one.
    let r = field(
        r#"<link point="31,-109"/><link point="31,-108.9"/><link point="31.1,-108.9"/><link point="31.1,-109"/><strokeColor value="-1"/>"#,
        "u-d-r",
    );
    let v = shape_of(&r).expect("rectangle");
    assert_eq!(
        (v.kind, v.points.len(), v.stroke.as_deref()),
        ("polygon", 4, Some("#ffffff"))
    );
    // A rotated ellipse keeps its angle.
    let e = field(
        r#"<shape><ellipse major="900" minor="300" angle="45"/></shape>"#,
        "u-d-c-e",
    );
    let v = shape_of(&e).expect("ellipse");
    assert_eq!(
        (v.major, v.minor, v.angle),
        (Some(900.0), Some(300.0), Some(45.0))
    );
    // Broken ones: no axes, a negative axis, one vertex, garbage vertices.
    for (body, kind) in [
        (r#"<shape/>"#, "u-d-c-c"),
        (
            r#"<shape><ellipse major="-5" minor="5"/></shape>"#,
            "u-d-c-c",
        ),
        (r#"<link point="31,-109"/>"#, "u-d-f"),
        (
            r#"<link point="x,y"/><link point="31"/><link point="200,0"/>"#,
            "u-d-f",
        ),
    ] {
        assert_eq!(shape_of(&field(body, kind)), None, "{body}");
    }
    // A point is not a shape.
    assert_eq!(shape_of(&field("", "a-f-G")), None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Any drawing event at all is read without a panic, and a shape it
    /// yields is one the map can draw.
    #[test]
    fn any_drawing_reads_without_panic(links in proptest::collection::vec("[-0-9.,a-z]{0,24}", 0..12), major in "[-0-9.e]{0,8}", stroke in "[-0-9]{0,12}") {
        let mut body = String::new();
        for l in &links {
            body.push_str(&format!(r#"<link point="{l}"/>"#));
        }
        body.push_str(&format!(r#"<shape><ellipse major="{major}"/></shape><strokeColor value="{stroke}"/>"#));
        for kind in ["u-d-f", "u-d-r", "u-d-c-c"] {
            let xml = format!(r#"<event version="2.0" uid="p" type="{kind}" how="h-e" time="2026-12-03T10:00:00Z" start="2026-12-03T10:00:00Z" stale="2026-12-04T10:00:00Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail>{body}</detail></event>"#);
            if let Ok(e) = cot::parse_event(xml.as_bytes()) {
                if let Some(v) = shape_of(&e) {
                    proptest::prop_assert!(v.points.iter().all(valid_position));
                    proptest::prop_assert!(v.points.len() <= MAX_VERTICES);
                    proptest::prop_assert!(v.major.is_none_or(|m| m > 0.0 && m <= MAX_RADIUS_M));
                }
            }
        }
    }
}
