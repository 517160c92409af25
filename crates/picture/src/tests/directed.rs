//! `marti/dest` and GeoChat rooms.

use super::*;

/// A GeoChat from `sender` with `__chat` attributes and chatgrp members.
fn chat(uid: &str, attrs: &[(&str, &str)], members: &[&str]) -> Event {
    let mut e = ev(uid, "b-t-f", t(1), 60);
    let mut c = Element::with_attrs("__chat", attrs.iter().copied());
    let names: Vec<String> = (0..members.len()).map(|i| format!("uid{i}")).collect();
    let grp = Element::with_attrs(
        "chatgrp",
        names
            .iter()
            .map(String::as_str)
            .zip(members.iter().copied()),
    );
    c.children.push(Node::Element(grp));
    e.detail.push_element(c);
    e
}

#[test]
fn dest_by_callsign_and_by_uid() {
    let mut p = anon_picture(4);
    let e = with_dests(ev("d1", "a-h-G", t(1), 60), &[("callsign", "C2")]);
    p.ingest(ClientId(1), msg(e), t(1));
    let e = with_dests(
        ev("d2", "b-f-t-r", t(1), 60),
        &[("uid", "U3"), ("callsign", "C3")],
    );
    p.ingest(ClientId(1), msg(e), t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "d1"), vec![2]);
    assert_eq!(receivers(&outs, "d2"), vec![3], "no duplicate");
    assert_eq!(stored(&outs).len(), 2);
    // Directed items are not cached for replay.
    join(&mut p, 5, &[], t(2));
    let outs = drain(&mut p);
    assert!(receivers(&outs, "d1").is_empty());
}

#[test]
fn dest_respects_reach_and_sender() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    join(&mut p, 2, &["Red"], t(0));
    drain(&mut p);
    let e = with_dests(
        ev("d", "a-h-G", t(1), 60),
        &[("callsign", "C2"), ("uid", "U1")],
    );
    p.ingest(ClientId(1), msg(e), t(1));
    let outs = drain(&mut p);
    assert!(receivers(&outs, "d").is_empty());
    assert_eq!(p.stats().directed_without_recipient, 1);
}

#[test]
fn unknown_addressee_delivers_nothing_and_counts() {
    let mut p = anon_picture(3);
    let e = with_dests(ev("d", "a-h-G", t(1), 60), &[("callsign", "NOBODY")]);
    p.ingest(ClientId(1), msg(e), t(1));
    let outs = drain(&mut p);
    assert!(deliveries(&outs).is_empty());
    assert_eq!(stored(&outs), vec![("d".to_string(), false)]);
    assert_eq!(p.stats().directed_without_recipient, 1);
}

#[test]
fn chat_all_rooms_is_broadcast_and_not_cached() {
    let mut p = anon_picture(3);
    let e = chat(
        "g1",
        &[
            ("parent", "RootContactGroup"),
            ("chatroom", "All Chat Rooms"),
            ("id", "All Chat Rooms"),
        ],
        &["U1"],
    );
    p.ingest(ClientId(1), msg(e), t(1));
    let e = chat(
        "g2",
        &[
            ("parent", "RootContactGroup"),
            ("chatroom", "x"),
            ("id", "All Chat Rooms"),
        ],
        &["U1"],
    );
    p.ingest(ClientId(1), msg(e), t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "g1"), vec![2, 3]);
    assert_eq!(receivers(&outs, "g2"), vec![2, 3]);
    assert_eq!(stored(&outs).len(), 2);
    join(&mut p, 4, &[], t(2));
    assert!(receivers(&drain(&mut p), "g1").is_empty());
}

#[test]
fn chat_team_room_goes_to_the_team_case_insensitively() {
    let mut p = anon_picture(1);
    let g = p.groups_both(&[]);
    for (i, team) in [(2, "cyan"), (3, "Red"), (4, "Cyan")] {
        p.connect(ClientId(i), g.clone(), t(0));
        p.ingest(
            ClientId(i),
            sa(&format!("U{i}"), &format!("C{i}"), team, t(0)),
            t(0),
        );
    }
    drain(&mut p);
    let e = chat(
        "g",
        &[
            ("parent", "TeamGroups"),
            ("chatroom", "Cyan"),
            ("id", "Cyan"),
        ],
        &["U4"],
    );
    p.ingest(ClientId(4), msg(e), t(1));
    // 1 joined as Cyan too; 4 is the sender.
    assert_eq!(receivers(&drain(&mut p), "g"), vec![1, 2]);
}

#[test]
fn chat_direct_goes_to_id_and_members() {
    let mut p = anon_picture(4);
    let e = chat(
        "g",
        &[
            ("parent", "RootContactGroup"),
            ("chatroom", "C2"),
            ("id", "U2"),
        ],
        &["U1", "U2"],
    );
    p.ingest(ClientId(1), msg(e), t(1));
    let e = chat(
        "h",
        &[
            ("parent", "UserGroups"),
            ("chatroom", "Custom"),
            ("id", "room-7"),
        ],
        &["U1", "U3", "U4"],
    );
    p.ingest(ClientId(1), msg(e), t(1));
    let e = chat("nobody", &[("chatroom", "Ghost"), ("id", "U99")], &["U1"]);
    p.ingest(ClientId(1), msg(e), t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "g"), vec![2]);
    assert_eq!(receivers(&outs, "h"), vec![3, 4]);
    assert!(receivers(&outs, "nobody").is_empty());
    assert_eq!(p.stats().directed_without_recipient, 1);
    assert_eq!(stored(&outs).len(), 3);
}

#[test]
fn chat_with_dest_uses_dest() {
    let mut p = anon_picture(3);
    let e = chat("g", &[("chatroom", "All Chat Rooms")], &[]);
    let e = with_dests(e, &[("callsign", "C3")]);
    p.ingest(ClientId(1), msg(e), t(1));
    assert_eq!(receivers(&drain(&mut p), "g"), vec![3]);
}

#[test]
fn chat_without_chat_element_is_broadcast() {
    let mut p = anon_picture(2);
    p.ingest(ClientId(2), msg(ev("plain", "b-t-f", t(1), 60)), t(1));
    assert_eq!(receivers(&drain(&mut p), "plain"), vec![1]);
}
