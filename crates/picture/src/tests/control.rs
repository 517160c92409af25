//! Ping, deletes, hello, disconnect announcements.

use super::*;

fn delete(uid: &str, link: Option<&str>, now: Time) -> Arc<Message> {
    let mut e = ev(uid, "t-x-d-d", now, 20);
    if let Some(l) = link {
        e.detail.push_element(Element::with_attrs(
            "link",
            [("uid", l), ("relation", "p-p")],
        ));
    }
    msg(e)
}

#[test]
fn ping_gets_a_pong_only_to_the_sender() {
    let mut p = anon_picture(3);
    let g = p.groups_both(&[]);
    p.connect(ClientId(4), g, t(0));
    for i in [2, 4] {
        p.ingest(ClientId(i), msg(ev("ping", "t-x-c-t", t(1), 20)), t(1));
    }
    let outs = drain(&mut p);
    assert_eq!(
        deliveries(&outs),
        vec![(vec![2], "takPong".into()), (vec![4], "takPong".into())]
    );
    assert!(stored(&outs).is_empty());
    let Some(Output::Deliver { msg, .. }) = outs.first() else {
        panic!("no pong");
    };
    assert_eq!(msg.event.kind, "t-x-c-t-r");
    assert_eq!(msg.event.stale, t(21));
    assert_eq!(p.stats().pings, 2);
    assert_eq!(p.stats().brokered, 3, "only the three SAs");
    assert_eq!(
        p.client(ClientId(4)).and_then(|c| c.last_event_at),
        Some(t(1))
    );
}

/// What each `Keep` says a restart must forget: (event uid, forgotten uids).
fn forgotten(outs: &[Output]) -> Vec<(String, Vec<String>)> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Keep { msg, forgets, .. } => Some((msg.event.uid.clone(), forgets.clone())),
            _ => None,
        })
        .collect()
}

fn force(mut m: Arc<Message>) -> Arc<Message> {
    let mut e = m.event.clone();
    e.detail.push_element(Element::new("__forcedelete"));
    m = msg(e);
    m
}

#[test]
fn consumed_control_is_answered_or_dropped_never_brokered() {
    let mut p = anon_picture(2);
    for kind in [
        "t-x-takp-q",
        "t-x-c-f",
        "t-x-c-m",
        "t-b",
        "t-b-q",
        "t-x-c-i-e",
        "t-x-c-t-r",
    ] {
        p.ingest(ClientId(1), msg(ev("ctl", kind, t(1), 20)), t(1));
    }
    assert!(drain(&mut p).is_empty());
    assert_eq!(p.stats().control_ignored, 7);
    assert_eq!(p.stats().cached_items, 2);
}

#[test]
fn other_control_types_are_brokered_but_not_cached() {
    let mut p = anon_picture(3);
    // pytak's start-up hello: a delete without link.
    p.ingest(ClientId(1), delete("pytak-host", None, t(1)), t(1));
    p.ingest(ClientId(1), msg(ev("mc", "t-x-m-c", t(1), 20)), t(1));
    p.ingest(ClientId(1), msg(ev("gc", "t-x-g-c", t(1), 20)), t(1));
    let outs = drain(&mut p);
    for uid in ["pytak-host", "mc", "gc"] {
        assert_eq!(receivers(&outs, uid), vec![2, 3], "{uid}");
    }
    assert_eq!(stored(&outs).len(), 3);
    assert_eq!(p.stats().cached_items, 3, "control is never replayed");
    assert_eq!(p.stats().control_ignored, 0);
}

#[test]
fn a_delete_reaches_everyone_and_the_cache_follows_its_owner() {
    let mut p = anon_picture(3);
    p.ingest(ClientId(1), msg(ev("mk1", "a-h-G", t(1), 600)), t(1));
    drain(&mut p);
    // Client 2 did not make mk1: its plain delete is passed on (the others
    // decide), but the cache keeps mk1 for late joiners.
    p.ingest(ClientId(2), delete("d1", Some("mk1"), t(2)), t(2));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "d1"), vec![1, 3]);
    assert_eq!(forgotten(&outs), vec![("d1".to_string(), vec![])]);
    assert_eq!(p.stats().cached_items, 4);
    // Its maker's delete removes it from the cache as well.
    p.ingest(ClientId(1), delete("d3", Some("mk1"), t(3)), t(3));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "d3"), vec![2, 3]);
    assert_eq!(
        forgotten(&outs),
        vec![("d3".to_string(), vec!["mk1".to_string()])]
    );
    assert_eq!(p.stats().cached_items, 3);
    assert_eq!(p.stats().deletes_applied, 1);
    let g = p.groups_both(&[]);
    p.connect(ClientId(9), g, t(4));
    p.ingest(ClientId(9), sa("U9", "C9", "Cyan", t(4)), t(4));
    let outs = drain(&mut p);
    assert!(
        receivers(&outs, "mk1").is_empty(),
        "a late joiner is not replayed it"
    );
}

#[test]
fn a_force_delete_empties_the_cache_only_when_everyone_was_told() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    join(&mut p, 2, &["Blue", "Red"], t(0));
    join(&mut p, 3, &["Blue"], t(0));
    p.ingest(ClientId(2), msg(ev("both", "a-h-G", t(1), 600)), t(1));
    p.ingest(ClientId(3), msg(ev("blue", "a-h-G", t(1), 600)), t(1));
    drain(&mut p);
    // Client 1 sends only to Blue: it may force-delete Blue's marker, not
    // the one Red was also shown.
    p.ingest(ClientId(1), force(delete("d", Some("both"), t(2))), t(2));
    p.ingest(ClientId(1), force(delete("e", Some("blue"), t(2))), t(2));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "d"), vec![2, 3]);
    assert_eq!(
        forgotten(&outs),
        vec![
            ("d".to_string(), vec![]),
            ("e".to_string(), vec!["blue".to_string()])
        ]
    );
    // Client 2 sends to both groups: its force delete of anyone's item in
    // them is complete.
    p.ingest(ClientId(2), force(delete("f", Some("U3"), t(3))), t(3));
    let outs = drain(&mut p);
    assert_eq!(
        forgotten(&outs),
        vec![("f".to_string(), vec!["U3".to_string()])]
    );
}

#[test]
fn a_feed_may_delete_what_no_client_sent() {
    let mut p = anon_picture(1);
    let g = p.groups_both(&[]);
    p.ingest_feed(&g, msg(ev("web-mk", "a-u-G", t(1), 600)), t(1));
    p.ingest_feed(&g, delete("d", Some("U1"), t(2)), t(2));
    p.ingest_feed(&g, delete("e", Some("web-mk"), t(2)), t(2));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "e"), vec![1]);
    assert_eq!(
        forgotten(&outs)
            .into_iter()
            .map(|(_, f)| f)
            .collect::<Vec<_>>(),
        vec![vec![], vec![], vec!["web-mk".to_string()]]
    );
}

#[test]
fn a_reconnected_device_may_delete_its_old_markers() {
    let mut p = anon_picture(2);
    p.ingest(ClientId(1), msg(ev("mk1", "a-h-G", t(1), 600)), t(1));
    p.disconnect(ClientId(1), t(2));
    let g = p.groups_both(&[]);
    p.connect(ClientId(10), g, t(3));
    p.ingest(ClientId(10), sa("U1", "C1", "Cyan", t(3)), t(3));
    p.ingest(ClientId(10), delete("d", Some("mk1"), t(4)), t(4));
    assert_eq!(p.stats().deletes_applied, 1);
}

#[test]
fn restored_items_keep_their_owner() {
    let mut p = anon_picture(1);
    let g = p.groups_both(&[]);
    let item = crate::Restored {
        msg: msg(ev("mk-old", "a-h-G", t(0), 600)),
        owner: Some(Arc::from("U7")),
    };
    p.restore(&g, vec![item], t(1));
    p.connect(ClientId(7), g, t(2));
    p.ingest(ClientId(1), delete("no", Some("mk-old"), t(2)), t(2));
    assert_eq!(p.stats().deletes_applied, 0);
    p.ingest(ClientId(7), sa("U7", "C7", "Cyan", t(3)), t(3));
    p.ingest(ClientId(7), delete("yes", Some("mk-old"), t(3)), t(3));
    assert_eq!(p.stats().deletes_applied, 1);
}

#[test]
fn disconnect_is_announced_with_a_link_to_the_uid() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    join(&mut p, 2, &["Blue"], t(0));
    join(&mut p, 3, &["Red"], t(0));
    drain(&mut p);
    p.disconnect(ClientId(1), t(5));
    let outs = drain(&mut p);
    assert_eq!(outs.len(), 1);
    let Some(Output::Deliver { to, msg }) = outs.first() else {
        panic!("no announcement");
    };
    assert_eq!(to, &vec![ClientId(2)]);
    assert_eq!(msg.event.kind, "t-x-d-d");
    assert_eq!(msg.event.uid, "watchfloor-delete-1");
    let link = msg.event.detail.links().into_iter().next().expect("a link");
    assert_eq!(link.uid, "U1");
    assert_eq!(link.kind.as_deref(), Some("a-f-G-U-C"));
    assert_eq!(p.stats().connected_clients, 2);
    assert_eq!(p.stats().cached_items, 2);
    p.disconnect(ClientId(1), t(6));
    assert!(drain(&mut p).is_empty(), "second disconnect is a no-op");
}

#[test]
fn unidentified_or_unannounced_disconnects_are_silent() {
    let mut p = Picture::new(Config {
        announce_disconnect: false,
        ..Config::default()
    });
    join(&mut p, 1, &[], t(0));
    join(&mut p, 2, &[], t(0));
    let g = p.groups_both(&[]);
    p.connect(ClientId(3), g, t(0));
    drain(&mut p);
    p.disconnect(ClientId(3), t(1));
    p.disconnect(ClientId(2), t(1));
    assert!(drain(&mut p).is_empty());
    assert_eq!(p.stats().cached_items, 1);
}

#[test]
fn old_connection_leaving_does_not_delete_the_new_one() {
    let mut p = anon_picture(2);
    let g = p.groups_both(&[]);
    p.connect(ClientId(5), g, t(1));
    p.ingest(ClientId(5), sa("U1", "C1", "Cyan", t(1)), t(1));
    drain(&mut p);
    p.disconnect(ClientId(1), t(2));
    assert!(drain(&mut p).is_empty());
    assert_eq!(
        p.stats().cached_items,
        2,
        "U1 from the new connection stays"
    );
    let e = with_dests(ev("x", "a-h-G", t(3), 60), &[("uid", "U1")]);
    p.ingest(ClientId(2), msg(e), t(3));
    assert_eq!(receivers(&drain(&mut p), "x"), vec![5]);
}
