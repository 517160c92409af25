//! Group reach, sender exclusion, identification.

use super::*;

#[test]
fn same_group_sees_each_other_other_group_does_not() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    join(&mut p, 2, &["Blue"], t(0));
    join(&mut p, 3, &["Red"], t(0));
    drain(&mut p);
    p.ingest(ClientId(1), sa("U1", "C1", "Cyan", t(1)), t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1"), vec![2]);
    p.ingest(ClientId(3), sa("U3", "C3", "Cyan", t(2)), t(2));
    let outs = drain(&mut p);
    assert!(receivers(&outs, "U3").is_empty());
    assert_eq!(stored(&outs), vec![("U3".to_string(), true)]);
}

#[test]
fn anonymous_everyone_sees_everyone_but_never_itself() {
    let mut p = anon_picture(4);
    p.ingest(ClientId(2), sa("U2", "C2", "Cyan", t(1)), t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U2"), vec![1, 3, 4]);
    // Joining: 2, 4 and 6 (replay plus live), then this SA: 3.
    assert_eq!(p.stats().deliveries, 2 + 4 + 6 + 3);
}

#[test]
fn in_and_out_directions_are_separate() {
    let mut p = Picture::new(Config::default());
    // 1 may send to Ops but hears nothing; 2 hears Ops.
    let g1 = p.groups(&["Ops"], &[]);
    let g2 = p.groups(&["Other"], &["Ops"]);
    p.connect(ClientId(1), g1, t(0));
    p.connect(ClientId(2), g2, t(0));
    p.ingest(ClientId(1), sa("U1", "C1", "Cyan", t(0)), t(0));
    p.ingest(ClientId(2), sa("U2", "C2", "Cyan", t(0)), t(0));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1"), vec![2]);
    assert!(receivers(&outs, "U2").is_empty());
}

#[test]
fn identification_records_identity_and_updates_it() {
    let mut p = Picture::new(Config::default());
    let g = p.groups_both(&[]);
    p.connect(ClientId(9), g, t(0));
    assert_eq!(p.stats().identified_clients, 0);
    p.ingest(ClientId(9), sa("ANDROID-9", "ALPHA", "Cyan", t(1)), t(1));
    let outs = drain(&mut p);
    assert!(
        matches!(&outs[0], Output::Identified { id: ClientId(9), uid, callsign }
        if uid == "ANDROID-9" && callsign.as_deref() == Some("ALPHA"))
    );
    p.ingest(ClientId(9), sa("ANDROID-9", "BRAVO", "Red", t(2)), t(2));
    // A marker of another uid does not change the identity.
    p.ingest(ClientId(9), sa("marker-1", "M", "Blue", t(3)), t(3));
    let outs = drain(&mut p);
    assert!(!outs.iter().any(|o| matches!(o, Output::Identified { .. })));
    assert_eq!(
        stored(&outs),
        vec![("ANDROID-9".into(), true), ("marker-1".into(), false)]
    );
    let c = p.client(ClientId(9)).cloned().expect("connected");
    assert_eq!(c.uid.as_deref(), Some("ANDROID-9"));
    assert_eq!(c.callsign.as_deref(), Some("BRAVO"));
    assert_eq!(c.team.as_deref(), Some("Red"));
    assert_eq!(c.role.as_deref(), Some("Team Member"));
    assert_eq!(c.connected_at, t(0));
    assert_eq!(c.last_event_at, Some(t(3)));
    assert_eq!(p.clients().count(), 1);
    assert_eq!(p.stats().identified_clients, 1);
}

#[test]
fn unidentified_clients_receive_nothing_but_are_routed() {
    let mut p = anon_picture(1);
    let g = p.groups_both(&[]);
    p.connect(ClientId(2), g, t(0));
    // A chat (not an SA) does not identify.
    p.ingest(ClientId(2), msg(ev("chat-1", "b-t-f", t(1), 60)), t(1));
    p.ingest(ClientId(1), sa("U1", "C1", "Cyan", t(2)), t(2));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "chat-1"), vec![1]);
    assert!(receivers(&outs, "U1").is_empty());
    assert!(p.client(ClientId(2)).is_some_and(|c| c.uid.is_none()));
}

#[test]
fn events_from_unknown_clients_are_dropped() {
    let mut p = anon_picture(2);
    p.ingest(ClientId(77), sa("X", "X", "Cyan", t(1)), t(1));
    assert!(drain(&mut p).is_empty());
    assert_eq!(p.stats().unknown_sender, 1);
}

#[test]
fn reconnect_with_same_id_replaces_the_old_state() {
    let mut p = anon_picture(2);
    let g = p.groups_both(&[]);
    p.connect(ClientId(2), g, t(5));
    let outs = drain(&mut p);
    // The old connection's departure is announced to 1.
    assert_eq!(deliveries(&outs).len(), 1);
    assert_eq!(p.stats().connected_clients, 2);
    assert_eq!(p.stats().identified_clients, 1);
}

#[test]
fn group_names_are_interned() {
    let mut p = Picture::new(Config::default());
    let a = p.group("Blue");
    assert_eq!(p.group("Blue"), a);
    assert_ne!(p.group("blue"), a);
    assert_eq!(p.group_name(a), Some("Blue"));
    let anon = p.groups_both(&[]);
    assert!(anon.send.contains(p.group(crate::ANON_GROUP)));
    assert_eq!(anon.send, anon.recv);
}
