//! Feeds: events without a sender connection.

use super::*;

#[test]
fn feed_events_reach_everyone_in_its_groups_and_are_cached() {
    let mut p = Picture::new(Config::default());
    join(&mut p, 1, &["Blue"], t(0));
    join(&mut p, 2, &["Red"], t(0));
    drain(&mut p);
    let g = p.groups(&["Blue"], &[]);
    p.ingest_feed(&g, msg(ev("track-1", "a-u-A", t(1), 30)), t(1));
    let outs = drain(&mut p);
    assert_eq!(receivers(&outs, "track-1"), vec![1]);
    assert_eq!(stored(&outs), vec![("track-1".to_string(), false)]);
    // No sender: nobody is identified by a feed SA.
    assert_eq!(p.stats().identified_clients, 2);
    join(&mut p, 3, &["Blue"], t(2));
    assert_eq!(receivers(&drain(&mut p), "track-1"), vec![3]);
}

#[test]
fn feed_control_is_not_answered_and_deletes_feed_items_only() {
    let mut p = anon_picture(2);
    let g = p.groups_both(&[]);
    p.ingest_feed(&g, msg(ev("ping", "t-x-c-t", t(1), 20)), t(1));
    assert!(drain(&mut p).is_empty());
    assert_eq!(p.stats().pings, 0);
    p.ingest_feed(&g, msg(ev("trk", "a-u-G", t(1), 60)), t(1));
    for target in ["U1", "trk"] {
        let mut d = ev("del", "t-x-d-d", t(2), 20);
        d.detail
            .push_element(Element::with_attrs("link", [("uid", target)]));
        p.ingest_feed(&g, msg(d), t(2));
    }
    assert_eq!(p.stats().deletes_applied, 1);
    assert_eq!(
        p.stats().control_ignored,
        1,
        "the ping only: deletes are brokered"
    );
    assert_eq!(p.stats().cached_items, 2);
    assert_eq!(p.stats().events_in, 2 + 4);
}
