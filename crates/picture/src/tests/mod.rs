//! Behaviour tests of the routing core, one file per rule family, and the
//! helpers they share.

mod control;
mod directed;
mod emergency;
mod feed;
mod props;
mod reach;
mod replay;

use std::sync::Arc;

use cot::{Element, Event, Node, Time};

use crate::{ClientId, Config, Groups, Message, Output, Picture};

/// `secs` seconds after an arbitrary epoch in 2024.
pub(super) fn t(secs: i64) -> Time {
    Time::from_millis(1_700_000_000_000).plus_secs(secs)
}

/// A bare event of `kind`, generated at `now`, stale `ttl` seconds later.
pub(super) fn ev(uid: &str, kind: &str, now: Time, ttl: i64) -> Event {
    Event::new(uid, kind, "m-g", now, now.plus_secs(ttl))
}

/// An ATAK-like self SA with callsign and team, stale in 60 s.
pub(super) fn sa(uid: &str, callsign: &str, team: &str, now: Time) -> Arc<Message> {
    let mut e = ev(uid, "a-f-G-U-C", now, 60);
    e.detail.push_element(Element::with_attrs(
        "contact",
        [("callsign", callsign), ("endpoint", "*:-1:stcp")],
    ));
    e.detail.push_element(Element::with_attrs(
        "__group",
        [("name", team), ("role", "Team Member")],
    ));
    msg(e)
}

pub(super) fn msg(e: Event) -> Arc<Message> {
    Arc::new(Message::new(e))
}

/// Adds `<marti>` with one `dest` per `(attribute, value)`.
pub(super) fn with_dests(mut e: Event, dests: &[(&str, &str)]) -> Event {
    let mut marti = Element::new("marti");
    for (k, v) in dests {
        marti
            .children
            .push(Node::Element(Element::with_attrs("dest", [(*k, *v)])));
    }
    e.detail.push_element(marti);
    e
}

pub(super) fn drain(p: &mut Picture) -> Vec<Output> {
    std::iter::from_fn(|| p.poll()).collect()
}

/// Every delivery as (receivers, event uid).
pub(super) fn deliveries(outs: &[Output]) -> Vec<(Vec<u64>, String)> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Deliver { to, msg } => {
                Some((to.iter().map(|c| c.0).collect(), msg.event.uid.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Receivers of the delivery of `uid` (empty when it was not delivered).
pub(super) fn receivers(outs: &[Output], uid: &str) -> Vec<u64> {
    let mut r: Vec<u64> = deliveries(outs)
        .into_iter()
        .filter(|(_, u)| u == uid)
        .flat_map(|(to, _)| to)
        .collect();
    r.sort_unstable();
    r
}

pub(super) fn stored(outs: &[Output]) -> Vec<(String, bool)> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Keep { msg, client_sa, .. } => Some((msg.event.uid.clone(), *client_sa)),
            _ => None,
        })
        .collect()
}

/// A picture with clients 1..=n connected in `__ANON__` and identified as
/// `U<i>` / callsign `C<i>` / team Cyan, outputs drained.
pub(super) fn anon_picture(n: u64) -> Picture {
    let mut p = Picture::new(Config::default());
    for i in 1..=n {
        join(&mut p, i, &[], t(0));
    }
    drain(&mut p);
    p
}

/// Connects client `i` in `groups` and identifies it with an SA.
pub(super) fn join(p: &mut Picture, i: u64, groups: &[&str], now: Time) -> Groups {
    let g = p.groups_both(groups);
    p.connect(ClientId(i), g.clone(), now);
    let (uid, cs) = (format!("U{i}"), format!("C{i}"));
    p.ingest(ClientId(i), sa(&uid, &cs, "Cyan", now), now);
    g
}
