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

#[test]
fn pytak_hello_and_other_control_are_harmless() {
    let mut p = anon_picture(2);
    p.ingest(ClientId(1), delete("pytak-host", None, t(1)), t(1));
    p.ingest(ClientId(1), msg(ev("neg", "t-x-takp-q", t(1), 20)), t(1));
    assert!(drain(&mut p).is_empty());
    assert_eq!(p.stats().control_ignored, 2);
    assert_eq!(p.stats().cached_items, 2);
}

#[test]
fn delete_removes_only_what_the_sender_produced() {
    let mut p = anon_picture(2);
    p.ingest(ClientId(1), msg(ev("mk1", "a-h-G", t(1), 600)), t(1));
    p.ingest(ClientId(2), delete("d1", Some("mk1"), t(2)), t(2));
    p.ingest(ClientId(2), delete("d2", Some("U1"), t(2)), t(2));
    assert_eq!(p.stats().cached_items, 3);
    assert_eq!(p.stats().control_ignored, 2);
    p.ingest(ClientId(1), delete("d3", Some("mk1"), t(3)), t(3));
    assert_eq!(p.stats().cached_items, 2);
    assert_eq!(p.stats().deletes_applied, 1);
    let outs = drain(&mut p);
    assert!(
        receivers(&outs, "d3").is_empty(),
        "deletes are not brokered"
    );
    assert_eq!(stored(&outs), vec![("mk1".to_string(), false)]);
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
