//! Late-joiner replay, the stale sweep, the cache bound and restore.

use super::*;

#[test]
fn late_joiner_gets_cached_sas_first_and_not_stale_ones() {
    let mut p = anon_picture(2);
    // A marker that goes stale at t(10), and one live for an hour.
    p.ingest(ClientId(1), msg(ev("short", "a-h-G", t(1), 9)), t(1));
    p.ingest(ClientId(1), msg(ev("long", "a-h-G", t(1), 3600)), t(1));
    drain(&mut p);
    let g = p.groups_both(&[]);
    p.connect(ClientId(3), g, t(20));
    assert!(drain(&mut p).is_empty(), "nothing before identification");
    p.ingest(ClientId(3), sa("U3", "C3", "Cyan", t(20)), t(20));
    let outs = drain(&mut p);
    assert!(matches!(outs[0], Output::Identified { .. }));
    // Then only deliveries to 3, one per live item, before anything else.
    let replay: Vec<_> = deliveries(&outs)
        .into_iter()
        .take_while(|(to, _)| to == &vec![3])
        .map(|(_, uid)| uid)
        .collect();
    let mut sorted = replay.clone();
    sorted.sort();
    // U1 and U2 are live until t(60); "short" went stale at t(10).
    assert_eq!(sorted, vec!["U1", "U2", "long"]);
    assert_eq!(receivers(&outs, "U3"), vec![1, 2]);
    assert_eq!(stored(&outs), vec![("U3".to_string(), true)]);
}

#[test]
fn replay_respects_groups() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    join(&mut p, 2, &["Red"], t(0));
    drain(&mut p);
    join(&mut p, 3, &["Blue"], t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1"), vec![3]);
    assert!(receivers(&outs, "U2").is_empty());
}

#[test]
fn stale_sweep_and_poll_timeout() {
    let mut p = anon_picture(1);
    // U1's SA from anon_picture is stale at t(60).
    assert_eq!(p.poll_timeout(), Some(t(60)));
    p.ingest(ClientId(1), msg(ev("m", "u-d-r", t(1), 5)), t(1));
    assert_eq!(p.poll_timeout(), Some(t(6)));
    assert_eq!(p.stats().cached_items, 2);
    p.handle_timeout(t(5));
    assert_eq!(p.stats().stale_removals, 0);
    p.handle_timeout(t(6));
    assert_eq!(p.stats().stale_removals, 1);
    assert_eq!(p.stats().cached_items, 1);
    assert_eq!(p.poll_timeout(), Some(t(60)));
    p.handle_timeout(t(61));
    assert_eq!(p.poll_timeout(), None);
    assert_eq!(p.stats().cached_items, 0);
}

#[test]
fn newer_item_replaces_older_and_stale_update_removes() {
    let mut p = anon_picture(1);
    p.ingest(ClientId(1), msg(ev("m", "a-h-G", t(1), 100)), t(1));
    p.ingest(ClientId(1), msg(ev("m", "a-h-G", t(2), 200)), t(2));
    assert_eq!(p.stats().cached_items, 2);
    assert_eq!(p.poll_timeout(), Some(t(60)));
    // Already stale on arrival: delivered live, not cached, old one gone.
    join(&mut p, 2, &[], t(3));
    p.ingest(ClientId(1), msg(ev("m", "a-h-G", t(3), -1)), t(3));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "m"), vec![2, 2]);
    assert_eq!(p.stats().cached_items, 2, "U1 and U2 only");
}

#[test]
fn cache_is_bounded_evicting_soonest_stale() {
    let cfg = Config {
        max_cached_items: 3,
        ..Config::default()
    };
    let mut p = Picture::new(cfg);
    join(&mut p, 1, &[], t(0)); // U1, stale at t(60)
    for (uid, ttl) in [("a", 50), ("b", 10), ("c", 30), ("d", 40)] {
        p.ingest(ClientId(1), msg(ev(uid, "a-h-G", t(0), ttl)), t(0));
    }
    assert_eq!(p.stats().cached_items, 3);
    assert_eq!(p.stats().cache_evictions, 2, "b, then c");
    join(&mut p, 2, &[], t(1));
    let outs = drain(&mut p);
    let mut got: Vec<_> = deliveries(&outs)
        .into_iter()
        .filter(|(to, _)| to == &vec![2])
        .map(|(_, u)| u)
        .collect();
    got.sort();
    assert_eq!(got, vec!["U1", "a", "d"]);
}

#[test]
fn zero_bound_caches_nothing() {
    let cfg = Config {
        max_cached_items: 0,
        ..Config::default()
    };
    let mut p = Picture::new(cfg);
    join(&mut p, 1, &[], t(0));
    assert_eq!(p.stats().cached_items, 0);
    assert_eq!(p.poll_timeout(), None);
}

#[test]
fn restore_feeds_late_joiners_until_the_owner_returns() {
    let mut p = Picture::new(Config::default());
    let g = p.groups_both(&["Blue"]);
    let old = vec![
        sa("U1", "C1", "Cyan", t(-10)),
        msg(ev("gone", "a-f-G", t(-100), 10)),
    ]
    .into_iter()
    .map(|msg| crate::Restored { msg, owner: None })
    .collect();
    p.restore(&g, old, t(0));
    assert!(drain(&mut p).is_empty());
    assert_eq!(p.stats().cached_items, 1);
    join(&mut p, 2, &["Blue"], t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1"), vec![2]);
    assert!(receivers(&outs, "gone").is_empty());
    // U1 comes back: its new SA replaces the restored one, which is not
    // replayed to U1 itself.
    join(&mut p, 1, &["Blue"], t(2));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U2"), vec![1]);
    assert_eq!(receivers(&outs, "U1"), vec![2]);
    join(&mut p, 3, &["Red"], t(3));
    assert!(deliveries(&drain(&mut p)).is_empty());
}

#[test]
fn disconnect_removes_the_clients_sa_but_keeps_its_markers() {
    let mut p = anon_picture(2);
    p.ingest(ClientId(1), msg(ev("mk", "a-h-G", t(1), 600)), t(1));
    p.disconnect(ClientId(1), t(2));
    drain(&mut p);
    join(&mut p, 3, &[], t(3));
    let outs = drain(&mut p);
    let got: Vec<_> = deliveries(&outs)
        .into_iter()
        .filter(|(to, _)| to == &vec![3])
        .map(|(_, u)| u)
        .collect();
    assert_eq!(got.len(), 2);
    assert!(got.contains(&"U2".to_string()) && got.contains(&"mk".to_string()));
}

#[test]
fn a_listener_is_fed_from_connect_and_replayed_once() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    join(&mut p, 2, &["Red"], t(0));
    drain(&mut p);
    // Known by its certificate: replayed at connect, without any SA.
    let g = p.groups_both(&["Blue"]);
    p.connect_listener(ClientId(3), g, t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1"), vec![3]);
    assert!(
        receivers(&outs, "U2").is_empty(),
        "a red SA replayed to blue"
    );
    assert_eq!(
        p.stats().identified_clients,
        2,
        "listening is not identifying"
    );

    // Broadcasts of its groups reach it, others do not.
    p.ingest(ClientId(1), sa("U1", "C1", "Cyan", t(2)), t(2));
    p.ingest(ClientId(2), sa("U2", "C2", "Cyan", t(2)), t(2));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "U1"), vec![3]);
    assert!(!receivers(&outs, "U2").contains(&3));

    // Its first SA identifies it, and the replay is not sent a second time.
    p.ingest(ClientId(3), sa("U3", "C3", "Cyan", t(3)), t(3));
    let outs = drain(&mut p);
    assert!(matches!(outs[0], Output::Identified { .. }));
    assert!(
        receivers(&outs, "U1").is_empty(),
        "replayed again on identification"
    );
    assert_eq!(receivers(&outs, "U3"), vec![1]);
    assert_eq!(p.stats().identified_clients, 3);
}
