use super::*;

fn me() -> WebUser {
    WebUser {
        uid: "watchfloor-web-ops".into(),
        callsign: "C2 OPS".into(),
        team: "Cyan".into(),
        lat: 31.3,
        lon: -109.2,
    }
}

fn roundtrip(e: &Event) -> Event {
    cot::parse_event(&cot::to_xml(e)).expect("what we write parses")
}

#[test]
fn commands_parse_and_garbage_is_refused() {
    let c = parse(r#"{"op":"chat","id":3,"room_id":"All Chat Rooms","text":"hi"}"#).expect("chat");
    assert_eq!(c.id(), Some(3));
    assert!(matches!(parse("not json"), Err(Refused::Garbage(_))));
    assert!(matches!(
        parse(r#"{"op":"launch"}"#),
        Err(Refused::Garbage(_))
    ));
    assert_eq!(
        parse(&"x".repeat(MAX_FRAME + 1)).err(),
        Some(Refused::TooLarge)
    );
}

#[test]
fn all_rooms_chat_is_geochat() {
    let e = roundtrip(
        &chat(
            &me(),
            ALL_ROOMS,
            None,
            "hold at <cp3> & wait",
            "m1",
            Time::from_millis(1_000),
        )
        .expect("ok"),
    );
    assert_eq!(e.kind, "b-t-f");
    assert_eq!(e.uid, "GeoChat.watchfloor-web-ops.All Chat Rooms.m1");
    let c = e.detail.chat().expect("__chat");
    assert_eq!(c.chatroom.as_deref(), Some(ALL_ROOMS));
    assert_eq!(c.sender_callsign.as_deref(), Some("C2 OPS"));
    assert_eq!(
        c.members.first().map(String::as_str),
        Some("watchfloor-web-ops")
    );
    assert_eq!(e.detail.remarks().as_deref(), Some("hold at <cp3> & wait"));
    assert!(e.detail.dests().is_empty());
}

#[test]
fn direct_and_team_chat() {
    let peer = Peer {
        uid: "ANDROID-9".into(),
        callsign: Some("BRAVO".into()),
    };
    let e = chat(
        &me(),
        "ANDROID-9",
        Some(&peer),
        "report",
        "m2",
        Time::from_millis(0),
    )
    .expect("ok");
    let c = e.detail.chat().expect("__chat");
    assert_eq!(
        (c.id.as_deref(), c.chatroom.as_deref()),
        (Some("ANDROID-9"), Some("BRAVO"))
    );
    assert_eq!(e.detail.dests()[0].callsign.as_deref(), Some("BRAVO"));
    let t = chat(&me(), "cyan", None, "team", "m3", Time::from_millis(0)).expect("ok");
    assert_eq!(
        t.detail.chat().and_then(|c| c.parent).as_deref(),
        Some("TeamGroups")
    );
    assert!(matches!(
        chat(&me(), "nobody", None, "x", "m4", Time::from_millis(0)),
        Err(Refused::Unknown("room", _))
    ));
    assert_eq!(
        chat(&me(), ALL_ROOMS, None, "  ", "m5", Time::from_millis(0)).err(),
        Some(Refused::Empty("text"))
    );
    let long = "é".repeat(MAX_TEXT + 1);
    assert_eq!(
        chat(&me(), ALL_ROOMS, None, &long, "m6", Time::from_millis(0)).err(),
        Some(Refused::TooLong("text", MAX_TEXT))
    );
}

#[test]
fn markers_are_checked() {
    let now = Time::from_millis(5_000);
    let e = roundtrip(
        &marker(
            &me(),
            "mk-1",
            31.4,
            -109.1,
            "OP NORTH",
            "h",
            "ground",
            Some("tower"),
            now,
        )
        .expect("ok"),
    );
    assert_eq!(e.kind, "a-h-G");
    assert_eq!(e.detail.callsign().as_deref(), Some("OP NORTH"));
    assert_eq!(e.detail.links()[0].uid, "watchfloor-web-ops");
    let p = marker(&me(), "mk-2", 0.0, 0.0, "POI", "u", "point", None, now).expect("ok");
    assert_eq!(p.kind, "b-m-p-s-m");
    // The dialog's default kind keeps the affiliation chosen with it.
    for (aff, kind) in [("h", "a-h-G"), ("f", "a-f-G"), ("n", "a-n-G")] {
        let p = marker(&me(), "mk-3", 0.0, 0.0, "POI", aff, "point", None, now).expect("ok");
        assert_eq!(p.kind, kind, "a {aff} point of interest");
    }
    assert_eq!(
        marker(&me(), "x", 91.0, 0.0, "X", "u", "ground", None, now).err(),
        Some(Refused::BadPosition)
    );
    assert!(marker(&me(), "x", f64::NAN, 0.0, "X", "u", "ground", None, now).is_err());
    assert!(marker(&me(), "x", 0.0, 0.0, "X", "q", "ground", None, now).is_err());
    // Characters XML 1.0 forbids never reach the field from the web.
    assert_eq!(
        marker(&me(), "x", 0.0, 0.0, "X\u{1}", "u", "ground", None, now).err(),
        Some(Refused::BadCharacter("label"))
    );
    assert_eq!(
        marker(
            &me(),
            "x",
            0.0,
            0.0,
            "X",
            "u",
            "ground",
            Some("a\u{8}b"),
            now
        )
        .err(),
        Some(Refused::BadCharacter("remarks"))
    );
    assert!(marker(&me(), "x", 0.0, 0.0, "X", "u", "tank", None, now).is_err());
    assert!(marker(
        &me(),
        "x",
        0.0,
        0.0,
        &"L".repeat(81),
        "u",
        "ground",
        None,
        now
    )
    .is_err());
}

#[test]
fn presence_is_a_chat_contact() {
    let e = roundtrip(&presence(&me(), Time::from_millis(0)));
    assert_eq!(e.detail.callsign().as_deref(), Some("C2 OPS"));
    assert_eq!(
        e.detail.team().and_then(|t| t.name).as_deref(),
        Some("Cyan")
    );
    let d = roundtrip(&delete("mk-1", "a-h-G", "del-1", Time::from_millis(0)));
    assert_eq!(d.kind, "t-x-d-d");
    assert_eq!(d.detail.links()[0].uid, "mk-1");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Whatever a browser sends, parsing and building give a command or a
    /// refusal, never a panic; what is built always parses back as CoT.
    #[test]
    fn any_frame_is_answered(
        op in proptest::sample::select(vec!["chat", "marker", "delete", "ack", "shape", "other"]),
        text in "(\\PC|[\\x00-\\x1f])*",
        lat in proptest::num::f64::ANY,
        lon in -200.0f64..200.0,
        aff in "[fhnuxz]{0,2}",
        kind in proptest::sample::select(vec!["ground", "air", "sea", "point", "tank", ""]),
        raw in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        shape in proptest::sample::select(vec!["circle", "polygon", "line", "star"]),
        points in proptest::collection::vec((-100.0f64..100.0, -200.0f64..200.0), 0..6),
        radius in proptest::num::f64::ANY,
    ) {
        let _ = parse(&String::from_utf8_lossy(&raw));
        let frame = serde_json::json!({
            "op": op, "id": 1, "room_id": text, "text": text, "lat": lat, "lon": lon,
            "label": text, "affiliation": aff, "kind": kind, "uid": text,
            "shape": shape, "points": points.iter().map(|(a, b)| [*a, *b]).collect::<Vec<_>>(),
            "radius_m": if radius.is_finite() { serde_json::json!(radius) } else { serde_json::Value::Null },
            "color": if text.len() % 2 == 0 { serde_json::json!("#a0b0c0") } else { serde_json::json!(text) },
        });
        if let Ok(cmd) = parse(&frame.to_string()) {
            let built = match cmd {
                Command::Chat { room_id, text, .. } => chat(&me(), &room_id, None, &text, "m", Time::from_millis(0)),
                Command::Marker { lat, lon, label, affiliation, kind, remarks, .. } => {
                    marker(&me(), "u", lat, lon, &label, &affiliation, &kind, remarks.as_deref(), Time::from_millis(0))
                }
                Command::Delete { uid, .. } => Ok(delete(&uid, "a-u-G", "d", Time::from_millis(0))),
                Command::Shape { shape, points, radius_m, label, color, remarks, .. } => {
                    let d = crate::shape::Drawing { kind: shape, points, radius_m, label, color, remarks };
                    crate::shape::drawing("me", "ME", "s", &d, Time::from_millis(0))
                }
                // An acknowledgement builds no CoT: it only marks the alert.
                Command::Ack { .. } => return Ok(()),
            };
            if let Ok(e) = built {
                let back = cot::parse_event(&cot::to_xml(&e));
                proptest::prop_assert!(back.is_ok(), "{:?}", back.err());
            }
        }
    }
}
