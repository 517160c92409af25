//! Random operation sequences against the safety rules: never back to the
//! sender, never across groups, never to an unidentified or departed
//! client, never a panic.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

const GROUPS: [&str; 3] = ["G0", "G1", "G2"];

#[derive(Debug, Clone)]
enum Op {
    Connect {
        slot: u8,
        send: u8,
        recv: u8,
    },
    Disconnect {
        slot: u8,
    },
    Sa {
        slot: u8,
        ttl: i64,
    },
    Marker {
        slot: u8,
        n: u8,
        ttl: i64,
        dest: Option<u8>,
    },
    Chat {
        slot: u8,
        room: u8,
        to: u8,
    },
    Alert {
        slot: u8,
        cancel: bool,
    },
    Ping {
        slot: u8,
    },
    Delete {
        slot: u8,
        n: u8,
    },
    Feed {
        mask: u8,
        n: u8,
        ttl: i64,
    },
    Tick {
        secs: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let slot = 0u8..5;
    prop_oneof![
        (slot.clone(), 0u8..8, 0u8..8).prop_map(|(slot, send, recv)| Op::Connect {
            slot,
            send,
            recv
        }),
        slot.clone().prop_map(|slot| Op::Disconnect { slot }),
        (slot.clone(), -5i64..60).prop_map(|(slot, ttl)| Op::Sa { slot, ttl }),
        (
            slot.clone(),
            0u8..3,
            -5i64..60,
            proptest::option::of(0u8..5)
        )
            .prop_map(|(slot, n, ttl, dest)| Op::Marker { slot, n, ttl, dest }),
        (slot.clone(), 0u8..3, 0u8..5).prop_map(|(slot, room, to)| Op::Chat { slot, room, to }),
        (slot.clone(), any::<bool>()).prop_map(|(slot, cancel)| Op::Alert { slot, cancel }),
        slot.clone().prop_map(|slot| Op::Ping { slot }),
        (slot, 0u8..3).prop_map(|(slot, n)| Op::Delete { slot, n }),
        (1u8..8, 0u8..3, -5i64..60).prop_map(|(mask, n, ttl)| Op::Feed { mask, n, ttl }),
        (0i64..10).prop_map(|secs| Op::Tick { secs }),
    ]
}

#[derive(Debug, Clone, Copy)]
struct Conn {
    id: u64,
    identified: bool,
}

#[derive(Default)]
struct Model {
    conns: HashMap<u8, Conn>,
    /// (send mask, recv mask) of every connection ever made, by id.
    masks: HashMap<u64, (u8, u8)>,
    next: u64,
    now: i64,
}

fn names(mask: u8) -> Vec<&'static str> {
    (0..3)
        .filter(|b| mask & (1 << b) != 0)
        .map(|b| GROUPS[b])
        .collect()
}

/// The connection id or feed mask a uid of this test was made from.
fn origin(uid: &str) -> Option<Result<u64, u8>> {
    let digits = |s: &str| {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
    };
    if let Some(rest) = uid.strip_prefix('C') {
        return digits(rest).parse().ok().map(Ok);
    }
    uid.strip_prefix('F')
        .and_then(|r| digits(r).parse().ok())
        .map(Err)
}

impl Model {
    fn apply(&mut self, p: &mut Picture, op: &Op) -> Option<u64> {
        let now = t(self.now);
        let conn = |m: &Self, s: &u8| m.conns.get(s).copied();
        let mut pinger = None;
        match op {
            Op::Connect { slot, send, recv } => {
                if let Some(c) = self.conns.remove(slot) {
                    p.disconnect(ClientId(c.id), now);
                }
                self.next += 1;
                let g = p.groups(&names(*send), &names(*recv));
                p.connect(ClientId(self.next), g, now);
                self.masks.insert(self.next, (*send, *recv));
                self.conns.insert(
                    *slot,
                    Conn {
                        id: self.next,
                        identified: false,
                    },
                );
            }
            Op::Disconnect { slot } => {
                if let Some(c) = self.conns.remove(slot) {
                    p.disconnect(ClientId(c.id), now);
                }
            }
            Op::Sa { slot, ttl } | Op::Marker { slot, ttl, .. } => {
                if let Some(mut c) = conn(self, slot) {
                    let uid = match op {
                        Op::Marker { n, .. } => format!("C{}-m{n}", c.id),
                        _ => format!("C{}", c.id),
                    };
                    let mut e = sa(&uid, &format!("CS{}", c.id), "Cyan", now).event.clone();
                    e.stale = now.plus_secs(*ttl);
                    if let Op::Marker { dest: Some(d), .. } = op {
                        let target = conn(self, d).map_or(0, |c| c.id);
                        e = with_dests(e, &[("callsign", &format!("CS{target}"))]);
                    }
                    p.ingest(ClientId(c.id), msg(e), now);
                    c.identified = true;
                    self.conns.insert(*slot, c);
                }
            }
            Op::Chat { slot, room, to } => {
                if let Some(c) = conn(self, slot) {
                    let target = conn(self, to).map_or(0, |c| c.id).to_string();
                    let (parent, chatroom, id) = match room {
                        0 => ("RootContactGroup", "All Chat Rooms", "All Chat Rooms"),
                        1 => ("TeamGroups", "Cyan", "Cyan"),
                        _ => ("RootContactGroup", "x", target.as_str()),
                    };
                    let id = format!("C{id}");
                    let mut e = ev(&format!("C{}-chat", c.id), "b-t-f", now, 60);
                    e.detail.push_element(Element::with_attrs(
                        "__chat",
                        [
                            ("parent", parent),
                            ("chatroom", chatroom),
                            ("id", id.as_str()),
                        ],
                    ));
                    p.ingest(ClientId(c.id), msg(e), now);
                }
            }
            Op::Alert { slot, cancel } => {
                if let Some(c) = conn(self, slot) {
                    let kind = if *cancel { "b-a-o-can" } else { "b-a-o-tbl" };
                    p.ingest(
                        ClientId(c.id),
                        msg(ev(&format!("C{}-e", c.id), kind, now, 10)),
                        now,
                    );
                }
            }
            Op::Ping { slot } => {
                if let Some(c) = conn(self, slot) {
                    p.ingest(ClientId(c.id), msg(ev("ping", "t-x-c-t", now, 20)), now);
                    pinger = Some(c.id);
                }
            }
            Op::Delete { slot, n } => {
                if let Some(c) = conn(self, slot) {
                    let mut e = ev("del", "t-x-d-d", now, 20);
                    let target = format!("C{}-m{n}", c.id);
                    e.detail
                        .push_element(Element::with_attrs("link", [("uid", target.as_str())]));
                    p.ingest(ClientId(c.id), msg(e), now);
                }
            }
            Op::Feed { mask, n, ttl } => {
                let g = p.groups(&names(*mask), &[]);
                p.ingest_feed(
                    &g,
                    msg(ev(&format!("F{mask}-{n}"), "a-u-A", now, *ttl)),
                    now,
                );
            }
            Op::Tick { secs } => {
                self.now += secs;
                p.handle_timeout(t(self.now));
            }
        }
        pinger
    }

    fn check(&self, out: &Output, pinger: Option<u64>) -> Result<(), TestCaseError> {
        let Output::Deliver { to, msg } = out else {
            return Ok(());
        };
        prop_assert!(!to.is_empty());
        let mut sorted = to.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), to.len(), "duplicate receivers");
        let ev = &msg.event;
        if ev.uid == "takPong" {
            prop_assert_eq!(
                to.iter().map(|c| c.0).collect::<Vec<_>>(),
                pinger.into_iter().collect::<Vec<_>>()
            );
            return Ok(());
        }
        let from = if ev.kind == "t-x-d-d" {
            ev.detail.links().first().and_then(|l| origin(&l.uid))
        } else {
            origin(&ev.uid)
        };
        prop_assert!(from.is_some(), "unexpected delivery of {}", ev.uid);
        for r in to {
            let rc = self.conns.values().find(|c| c.id == r.0);
            prop_assert!(
                rc.is_some_and(|c| c.identified),
                "{} not identified/connected",
                r
            );
            let recv = self.masks.get(&r.0).map_or(0, |m| m.1);
            let send = match from {
                Some(Ok(cid)) => {
                    prop_assert_ne!(cid, r.0, "delivered back to its sender");
                    self.masks.get(&cid).map_or(0, |m| m.0)
                }
                Some(Err(mask)) => mask,
                None => 0,
            };
            prop_assert!(send & recv != 0, "{} crossed groups to {}", ev.uid, r);
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn routing_never_leaks(ops in proptest::collection::vec(op(), 1..80)) {
        let mut p = Picture::new(Config { max_cached_items: 8, max_emergencies: 2, ..Config::default() });
        let mut m = Model::default();
        for op in &ops {
            let pinger = m.apply(&mut p, op);
            while let Some(out) = p.poll() {
                m.check(&out, pinger)?;
            }
            let s = p.stats();
            prop_assert_eq!(s.connected_clients, m.conns.len() as u64);
            let ident = m.conns.values().filter(|c| c.identified).count() as u64;
            prop_assert_eq!(s.identified_clients, ident);
            prop_assert!(s.cached_items <= 8 && s.emergencies_active <= 2);
            if let Some(at) = p.poll_timeout() {
                // Timers never point into the past after a sweep.
                prop_assert!(op_is_tick(op) <= (at > t(m.now)));
            }
        }
    }
}

fn op_is_tick(op: &Op) -> bool {
    matches!(op, Op::Tick { .. })
}
