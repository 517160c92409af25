//! Emergencies: repeats, late joiners, cancel, bound.

use super::*;

fn alert(uid: &str, kind: &str, now: Time, cancel: bool) -> Arc<Message> {
    let mut e = ev(uid, kind, now, 10);
    let mut em = Element::with_attrs("emergency", [("type", "911 Alert")]);
    if cancel {
        em.set_attr("cancel", "true");
    }
    em.children.push(Node::Text("C1".into()));
    e.detail.push_element(em);
    msg(e)
}

#[test]
fn emergency_repeats_until_cancelled() {
    let mut p = anon_picture(3);
    p.ingest(
        ClientId(1),
        alert("U1-9-1-1", "b-a-o-tbl", t(1), false),
        t(1),
    );
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1-9-1-1"), vec![2, 3]);
    assert_eq!(stored(&outs), vec![("U1-9-1-1".to_string(), false)]);
    assert_eq!(p.stats().emergencies_active, 1);
    assert_eq!(p.poll_timeout(), Some(t(4)));
    p.handle_timeout(t(3));
    assert!(drain(&mut p).is_empty());
    p.handle_timeout(t(4));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1-9-1-1"), vec![2, 3]);
    assert!(stored(&outs).is_empty(), "repeats are not stored");
    let Some(Output::Deliver { msg, .. }) = outs.first() else {
        panic!("no repeat");
    };
    assert_eq!(msg.event.time, t(4));
    assert_eq!(msg.event.start, t(4));
    assert_eq!(msg.event.stale, t(19), "10 s original, at least 15 s");
    assert_eq!(p.poll_timeout(), Some(t(7)));
    // Cancel by type: delivered, then forgotten.
    p.ingest(
        ClientId(1),
        alert("U1-9-1-1", "b-a-o-can", t(5), true),
        t(5),
    );
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1-9-1-1"), vec![2, 3]);
    assert_eq!(p.stats().emergencies_active, 0);
    p.handle_timeout(t(7));
    assert!(drain(&mut p).is_empty());
    assert_eq!(p.stats().emergency_repeats, 1);
}

#[test]
fn cancel_attribute_on_alert_type_cancels() {
    let mut p = anon_picture(2);
    p.ingest(ClientId(1), alert("e", "b-a-o-pan", t(1), false), t(1));
    p.ingest(ClientId(1), alert("e", "b-a-o-pan", t(2), true), t(2));
    assert_eq!(p.stats().emergencies_active, 0);
    // A b-a-o-* with an emergency element is an alert too.
    p.ingest(ClientId(1), alert("f", "b-a-o-xyz", t(2), false), t(2));
    assert_eq!(p.stats().emergencies_active, 1);
    // Not cached as a broadcast item.
    assert_eq!(p.stats().cached_items, 2);
}

#[test]
fn late_joiner_gets_active_emergencies_after_the_sas() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    p.ingest(ClientId(1), alert("e", "b-a-o-tbl", t(1), false), t(1));
    join(&mut p, 2, &["Red"], t(2));
    join(&mut p, 3, &["Blue"], t(2));
    let outs = drain(&mut p);
    let order: Vec<_> = deliveries(&outs)
        .into_iter()
        .filter(|(to, _)| to.contains(&3))
        .map(|(_, u)| u)
        .collect();
    assert_eq!(order, vec!["U1", "e"]);
    assert!(receivers(&outs, "e").iter().all(|&r| r == 3));
    // The sender repeats reach everyone in Blue but the sender.
    p.handle_timeout(t(4));
    assert_eq!(receivers(&drain(&mut p), "e"), vec![3]);
}

#[test]
fn directed_emergency_repeats_to_addressees_only() {
    let mut p = anon_picture(3);
    let mut e = alert("e", "b-a-o-tbl", t(1), false).event.clone();
    e = with_dests(e, &[("callsign", "C3")]);
    p.ingest(ClientId(1), msg(e), t(1));
    join(&mut p, 4, &[], t(2));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "e"), vec![3]);
    p.handle_timeout(t(4));
    assert_eq!(receivers(&drain(&mut p), "e"), vec![3]);
}

#[test]
fn emergencies_are_bounded() {
    let mut p = Picture::new(Config {
        max_emergencies: 2,
        ..Config::default()
    });
    join(&mut p, 1, &[], t(0));
    join(&mut p, 2, &[], t(0));
    for uid in ["a", "b", "c", "a"] {
        p.ingest(ClientId(1), alert(uid, "b-a-o-tbl", t(1), false), t(1));
    }
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "c"), vec![2], "still delivered once");
    assert_eq!(p.stats().emergencies_active, 2);
    assert_eq!(p.stats().emergencies_dropped, 1);
    p.handle_timeout(t(4));
    let mut got: Vec<_> = deliveries(&drain(&mut p))
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    got.sort();
    assert_eq!(got, vec!["a", "b"]);
}

#[test]
fn repeating_can_be_disabled() {
    let mut p = Picture::new(Config {
        emergency_repeat_ms: 0,
        ..Config::default()
    });
    join(&mut p, 1, &[], t(0));
    p.ingest(ClientId(1), alert("e", "b-a-o-tbl", t(1), false), t(1));
    assert_eq!(p.poll_timeout(), Some(t(60)), "only the SA's stale time");
    p.handle_timeout(t(100));
    assert!(deliveries(&drain(&mut p)).is_empty());
    assert_eq!(p.stats().emergencies_active, 1);
}
