use super::*;

fn ev(xml: &str) -> cot::Event {
    cot::parse_event(xml.as_bytes()).expect("valid CoT")
}

fn sa(uid: &str, stale: &str) -> cot::Event {
    ev(&format!(
        r#"<event version="2.0" uid="{uid}" type="a-f-G-U-C" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="{stale}"><point lat="31" lon="-109" hae="0" ce="0" le="0"/><detail><contact callsign="CS-{uid}"/></detail></event>"#
    ))
}

fn chat(uid: &str, from: &str, room: &str, parent: &str, id: &str) -> cot::Event {
    ev(&format!(
        r#"<event version="2.0" uid="{uid}" type="b-t-f" how="h-g-i-g-o" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-02T00:00:00Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail><__chat parent="{parent}" chatroom="{room}" id="{id}" senderCallsign="CS-{from}"><chatgrp uid0="{from}" uid1="{id}"/></__chat><remarks>text of {uid}</remarks></detail></event>"#
    ))
}

const LATER: &str = "2026-01-01T01:00:00Z";

fn groups(names: &[&str]) -> Arc<Vec<String>> {
    Arc::new(names.iter().map(|s| s.to_string()).collect())
}

fn viewer(g: Option<&[&str]>, uid: &str) -> Viewer {
    let identity = match g {
        Some(g) => Identity::both(&g.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        None => Identity::operator(Vec::new()),
    };
    Viewer {
        identity,
        uid: uid.into(),
        team: "Cyan".into(),
    }
}

fn frame_json(b: &Batch, v: &Viewer, floor: u64) -> serde_json::Value {
    let part = b.object_part(v);
    serde_json::from_str(&b.frame(v, &part, floor)).expect("valid JSON frame")
}

fn uids(list: &serde_json::Value) -> Vec<String> {
    let mut u: Vec<String> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|o| o["uid"].as_str().or(o.as_str()).unwrap_or("").to_string())
        .collect();
    u.sort();
    u
}

#[test]
fn groups_decide_who_sees_what() {
    let mut hub = Hub::new(HubLimits::default());
    hub.ingest(&sa("blue-1", LATER), &groups(&["blue"]), Some("B"), true);
    hub.ingest(&sa("red-1", LATER), &groups(&["red"]), None, false);
    hub.ingest(&sa("anon-1", LATER), &groups(&[]), None, false);
    let blue = viewer(Some(&["blue"]), "w");
    let all = viewer(None, "w");
    let b = hub.take_batch(1).expect("changes");
    assert_eq!(uids(&frame_json(&b, &blue, 0)["upsert"]), ["blue-1"]);
    assert_eq!(
        uids(&frame_json(&b, &all, 0)["upsert"]),
        ["anon-1", "blue-1", "red-1"]
    );
    let anon = viewer(Some(&[picture::ANON_GROUP]), "w");
    assert_eq!(uids(&frame_json(&b, &anon, 0)["upsert"]), ["anon-1"]);
    let f = frame_json(&b, &blue, 0);
    assert_eq!(f["upsert"][0]["groups"], serde_json::json!(["blue"]));
    assert_eq!(f["upsert"][0]["contact"], true);
    assert_eq!(f["upsert"][0]["sender"], "B");

    let (_, _, snap) = hub.snapshot(&blue, 2);
    let snap: serde_json::Value = serde_json::from_str(&snap).expect("json");
    assert_eq!(uids(&snap["objects"]), ["blue-1"]);
    assert!(hub.take_batch(3).is_none(), "nothing new");

    // Re-shared to red only: blue viewers are told it is gone for them.
    hub.ingest(&sa("blue-1", LATER), &groups(&["red"]), None, false);
    let b = hub.take_batch(4).expect("changes");
    let f = frame_json(&b, &blue, 0);
    assert!(uids(&f["upsert"]).is_empty());
    assert_eq!(uids(&f["remove"]), ["blue-1"]);
}

#[test]
fn chat_rooms_reach_the_right_viewers_once() {
    let mut hub = Hub::new(HubLimits::default());
    let g = groups(&["blue"]);
    hub.ingest(
        &chat(
            "c1",
            "A",
            "All Chat Rooms",
            "RootContactGroup",
            "All Chat Rooms",
        ),
        &g,
        None,
        false,
    );
    hub.ingest(
        &chat("c2", "A", "Cyan", "TeamGroups", "Cyan"),
        &g,
        None,
        false,
    );
    hub.ingest(
        &chat("c3", "A", "Red", "TeamGroups", "Red"),
        &g,
        None,
        false,
    );
    hub.ingest(
        &chat("c4", "A", "C2", "RootContactGroup", "web-1"),
        &g,
        None,
        false,
    );
    hub.ingest(
        &chat("c5", "A", "X", "RootContactGroup", "other"),
        &g,
        None,
        false,
    );
    let me = viewer(Some(&["blue"]), "web-1");
    let b = hub.take_batch(1).expect("changes");
    let f = frame_json(&b, &me, 0);
    let ids: Vec<&str> = f["chat"]
        .as_array()
        .expect("chat")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, ["c1", "c2", "c4"]);
    assert_eq!(
        f["chat"][2]["room_id"], "A",
        "a direct room is named after the other party"
    );
    // A snapshot taken after these lines covers them: the delta must not repeat them.
    let (_, floor, snap) = hub.snapshot(&me, 2);
    let snap: serde_json::Value = serde_json::from_str(&snap).expect("json");
    assert_eq!(snap["chat"].as_array().map(Vec::len), Some(3));
    assert_eq!(frame_json(&b, &me, floor)["chat"], serde_json::json!([]));
    let red = viewer(Some(&["red"]), "web-2");
    assert_eq!(frame_json(&b, &red, 0)["chat"], serde_json::json!([]));
}

#[test]
fn alerts_flag_the_sender_until_cancelled() {
    let mut hub = Hub::new(HubLimits::default());
    let g = groups(&[]);
    hub.ingest(&sa("A-1", LATER), &g, None, true);
    let alert = |kind: &str, extra: &str| {
        ev(&format!(
            r#"<event version="2.0" uid="A-1-9-1-1" type="{kind}" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="{LATER}"><point lat="31" lon="-109" hae="0" ce="0" le="0"/><detail><link uid="A-1" type="a-f-G-U-C" relation="p-p"/><emergency {extra}>CS-A-1</emergency></detail></event>"#
        ))
    };
    hub.ingest(&alert("b-a-o-tbl", r#"type="911 Alert""#), &g, None, false);
    assert!(hub.object("A-1").is_some_and(|o| o.emergency));
    let all = viewer(None, "w");
    let b = hub.take_batch(1).expect("changes");
    let f = frame_json(&b, &all, 0);
    assert_eq!(f["alerts"][0]["kind"], "911 Alert");
    assert_eq!(f["alerts"][0]["from"], "CS-A-1");
    hub.ingest(&alert("b-a-o-can", r#"cancel="true""#), &g, None, false);
    assert!(hub.object("A-1").is_some_and(|o| !o.emergency));
    let f = frame_json(&hub.take_batch(2).expect("changes"), &all, 0);
    assert_eq!(f["cleared"], serde_json::json!(["A-1-9-1-1"]));
    let (_, _, snap) = hub.snapshot(&all, 3);
    assert!(snap.contains("\"alerts\":[]"));
}

#[test]
fn deletes_disconnects_sweeps_and_the_bound() {
    let mut hub = Hub::new(HubLimits {
        max_objects: 2,
        max_chat: 2,
        stale_grace_ms: 1000,
    });
    let g = groups(&[]);
    hub.ingest(&sa("A", "2026-01-01T00:00:10Z"), &g, None, true);
    hub.ingest(&sa("B", LATER), &g, None, false);
    hub.ingest(&sa("C", LATER), &g, None, false);
    assert_eq!(hub.stats().objects, 2);
    assert_eq!(hub.stats().refused, 1);
    hub.gone("A");
    assert!(hub.object("A").is_some_and(|o| o.gone && o.contact));
    let del = ev(
        r#"<event version="2.0" uid="d" type="t-x-d-d" how="h-g-i-g-o" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:00:20Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail><link uid="B" relation="none" type="a-f-G"/></detail></event>"#,
    );
    hub.ingest(&del, &g, None, false);
    assert!(
        hub.object("B").is_some(),
        "a delete alone does not decide; the picture's forget does"
    );
    hub.forget(&["B".to_string()]);
    assert!(hub.object("B").is_none());
    let t10 = cot::Time::parse("2026-01-01T00:00:10Z")
        .expect("time")
        .millis();
    assert_eq!(hub.sweep(t10 + 999), 0, "still within the grace time");
    assert_eq!(hub.sweep(t10 + 1000), 1);
    let f = frame_json(
        &hub.take_batch(t10).expect("changes"),
        &viewer(None, "w"),
        0,
    );
    assert_eq!(uids(&f["remove"]), ["A", "B"]);
    for i in 0..5 {
        hub.ingest(
            &chat(
                &format!("c{i}"),
                "X",
                "All Chat Rooms",
                "RootContactGroup",
                "All Chat Rooms",
            ),
            &g,
            None,
            false,
        );
    }
    let (_, floor, snap) = hub.snapshot(&viewer(None, "w"), 0);
    assert_eq!(floor, 5);
    assert!(
        snap.contains("\"c4\"") && snap.contains("\"c3\"") && !snap.contains("\"c2\""),
        "only the last 2 lines are kept"
    );
}

#[test]
fn alerts_never_cancelled_leave_after_their_stale_time() {
    let mut hub = Hub::new(HubLimits {
        stale_grace_ms: 1000,
        ..HubLimits::default()
    });
    let g = groups(&[]);
    hub.ingest(&sa("A-1", LATER), &g, None, true);
    let alert = ev(
        r#"<event version="2.0" uid="A-1-9-1-1" type="b-a-o-pan" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:00:10Z"><point lat="31" lon="-109" hae="0" ce="0" le="0"/><detail><link uid="A-1" type="a-f-G-U-C" relation="p-p"/><emergency type="Ring The Bell">CS-A-1</emergency></detail></event>"#,
    );
    hub.ingest(&alert, &g, None, false);
    let _ = hub.take_batch(0);
    let t10 = cot::Time::parse("2026-01-01T00:00:10Z")
        .expect("time")
        .millis();
    hub.sweep(t10 + 999);
    assert!(
        hub.object("A-1").is_some_and(|o| o.emergency),
        "still within the grace time"
    );
    hub.sweep(t10 + 1000);
    assert!(hub.object("A-1").is_some_and(|o| !o.emergency));
    let f = frame_json(
        &hub.take_batch(t10).expect("changes"),
        &viewer(None, "w"),
        0,
    );
    assert_eq!(f["cleared"], serde_json::json!(["A-1-9-1-1"]));
    // A flood of alerts is bounded.
    for i in 0..(MAX_ALERTS + 5) {
        let a = ev(&format!(
            r#"<event version="2.0" uid="X-{i}" type="b-a-o-tbl" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="{LATER}"><point lat="31" lon="-109" hae="0" ce="0" le="0"/><detail/></event>"#
        ));
        hub.ingest(&a, &g, None, false);
    }
    let (_, _, snap) = hub.snapshot(&viewer(None, "w"), 0);
    let snap: serde_json::Value = serde_json::from_str(&snap).expect("json");
    assert_eq!(snap["alerts"].as_array().map(Vec::len), Some(MAX_ALERTS));
}

#[test]
fn an_acknowledged_alert_stays_marked_for_everyone_until_cancelled() {
    let mut hub = Hub::new(HubLimits::default());
    let blue = groups(&["blue"]);
    hub.ingest(&sa("A-1", LATER), &blue, None, true);
    let alert = |kind: &str, extra: &str| {
        ev(&format!(
            r#"<event version="2.0" uid="A-1-9-1-1" type="{kind}" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="{LATER}"><point lat="31" lon="-109" hae="0" ce="0" le="0"/><detail><link uid="A-1" type="a-f-G-U-C" relation="p-p"/><emergency {extra}>CS-A-1</emergency></detail></event>"#
        ))
    };
    hub.ingest(
        &alert("b-a-o-tbl", r#"type="911 Alert""#),
        &blue,
        None,
        false,
    );
    hub.take_batch(1);
    let w1 = viewer(Some(&["blue"]), "w1");
    let w2 = viewer(Some(&["blue"]), "w2");
    let red = viewer(Some(&["red"]), "w3");
    // Someone who does not see it cannot acknowledge it.
    assert_eq!(
        hub.acknowledge("A-1-9-1-1", &red, "C2 RED", 5),
        AckOutcome::NotFound
    );
    assert_eq!(
        hub.acknowledge("nope", &w1, "C2 ONE", 5),
        AckOutcome::NotFound
    );
    assert_eq!(
        hub.acknowledge("A-1-9-1-1", &w1, "C2 ONE", 10),
        AckOutcome::Acked
    );
    // The other watch officer's next frame carries who and when.
    let f = frame_json(&hub.take_batch(11).expect("the ack goes out"), &w2, 0);
    assert_eq!(f["alerts"][0]["ack_by"], "C2 ONE");
    assert_eq!(f["alerts"][0]["ack_at"], 10);
    // The first acknowledgement stands, and a repeat of the alert keeps it.
    assert_eq!(
        hub.acknowledge("A-1-9-1-1", &w2, "C2 TWO", 12),
        AckOutcome::Already
    );
    hub.ingest(
        &alert("b-a-o-tbl", r#"type="911 Alert""#),
        &blue,
        None,
        false,
    );
    let (_, _, snap) = hub.snapshot(&w2, 13);
    let snap: serde_json::Value = serde_json::from_str(&snap).expect("JSON");
    assert_eq!(snap["alerts"][0]["ack_by"], "C2 ONE");
    // Cancelled: it goes, acknowledged or not.
    hub.ingest(&alert("b-a-o-can", r#"cancel="true""#), &blue, None, false);
    let f = frame_json(&hub.take_batch(14).expect("changes"), &w2, 0);
    assert_eq!(f["cleared"], serde_json::json!(["A-1-9-1-1"]));
    // The log holds the day: joined, raised, acknowledged, cleared, once
    // each (the repeat is not news), for those who see them only.
    let (_, _, snap) = hub.snapshot(&w2, 15);
    let snap: serde_json::Value = serde_json::from_str(&snap).expect("JSON");
    let kinds: Vec<&str> = snap["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["connect", "alert", "ack", "cleared"]);
    assert_eq!(
        snap["events"][2]["text"],
        "911 Alert from CS-A-1 acknowledged by C2 ONE"
    );
    assert_eq!(snap["events"][2]["uid"], "A-1");
    let (_, _, other) = hub.snapshot(&red, 15);
    assert!(other.contains("\"events\":[]"), "{other}");
}

#[test]
fn the_log_records_markers_and_disconnects_but_not_a_restore() {
    let mut hub = Hub::new(HubLimits::default());
    let g = groups(&[]);
    hub.ingest(&sa("A-1", LATER), &g, None, true);
    // What a restart restores is not news.
    hub.clear_events();
    hub.take_batch(1);
    let marker = ev(&format!(
        r#"<event version="2.0" uid="M-1" type="b-m-p-s-m" how="h-g-i-g-o" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="{LATER}"><point lat="31.5" lon="-109.5" hae="0" ce="0" le="0"/><detail><contact callsign="CHECKPOINT 3"/></detail></event>"#
    ));
    hub.ingest(&marker, &g, Some("ALPHA"), false);
    // An update of the same marker is not a second placing.
    hub.ingest(&marker, &g, Some("ALPHA"), false);
    hub.take_batch(2);
    hub.gone("A-1");
    hub.gone("A-1");
    hub.forget(&["M-1".to_string()]);
    let all = viewer(None, "w");
    let f = frame_json(&hub.take_batch(3).expect("changes"), &all, 0);
    let texts: Vec<&str> = f["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert_eq!(texts, ["CS-A-1 disconnected", "CHECKPOINT 3 removed"]);
    // The disconnect happened at the last time the hub was told.
    assert_eq!(f["events"][0]["time"], 2);
    let (_, _, snap) = hub.snapshot(&all, 4);
    let snap: serde_json::Value = serde_json::from_str(&snap).expect("JSON");
    assert_eq!(snap["events"].as_array().map(Vec::len), Some(3));
    assert_eq!(snap["events"][0]["text"], "CHECKPOINT 3 placed by ALPHA");
    assert_eq!(snap["events"][0]["lat"], 31.5);
}
