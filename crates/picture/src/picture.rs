//! The [`Picture`] state machine: its public face. The routing decisions
//! themselves live in `route.rs`, control messages in `control.rs`.

use std::collections::VecDeque;
use std::sync::Arc;

use hashbrown::HashMap;

use crate::cache::{Cache, Put};
use crate::clients::{ClientInfo, ClientTable};
use crate::config::{Config, Stats};
use crate::emergency::Emergencies;
use crate::ids::{ClientId, GroupId, GroupSet, Groups};
use crate::message::{Message, Output};

/// The group every client is in when authentication names none.
pub const ANON_GROUP: &str = "__ANON__";

/// Who sent an event, as far as routing cares.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// The connection, `None` for a feed.
    pub(crate) id: Option<ClientId>,
    pub(crate) groups: Groups,
    /// The sender's SA uid once identified.
    pub(crate) owner: Option<Arc<str>>,
}

/// An item from the store for [`Picture::restore`].
#[derive(Debug, Clone)]
pub struct Restored {
    /// The item as last received.
    pub msg: Arc<Message>,
    /// The SA uid of the client that sent it, if a client did.
    pub owner: Option<Arc<str>>,
}

/// The routing core: decides which connected client receives which event,
/// what is cached for late joiners and what is stored. A pure state
/// machine in the shape of quinn-proto: feed it with [`Picture::connect`],
/// [`Picture::ingest`], [`Picture::disconnect`] and
/// [`Picture::handle_timeout`], then drain [`Picture::poll`]. It reads no
/// clock; `now` is always an argument, and the same inputs always give the
/// same outputs.
#[derive(Debug)]
pub struct Picture {
    pub(crate) config: Config,
    group_names: Vec<String>,
    group_ids: HashMap<String, GroupId>,
    pub(crate) clients: ClientTable,
    pub(crate) cache: Cache,
    pub(crate) emergencies: Emergencies,
    out: VecDeque<Output>,
    pub(crate) stats: Stats,
    delete_seq: u64,
}

impl Picture {
    /// An empty picture.
    pub fn new(config: Config) -> Self {
        Picture {
            cache: Cache::new(config.max_cached_items),
            emergencies: Emergencies::new(config.emergency_repeat_ms, config.max_emergencies),
            config,
            group_names: Vec::new(),
            group_ids: HashMap::new(),
            clients: ClientTable::default(),
            out: VecDeque::new(),
            stats: Stats::default(),
            delete_seq: 0,
        }
    }

    /// Interns a group name (case-sensitive, as TAK Server's are).
    pub fn group(&mut self, name: &str) -> GroupId {
        if let Some(&g) = self.group_ids.get(name) {
            return g;
        }
        let g = GroupId::from_index(u32::try_from(self.group_names.len()).unwrap_or(u32::MAX));
        self.group_names.push(name.to_string());
        self.group_ids.insert(name.to_string(), g);
        g
    }

    /// The name of an interned group.
    pub fn group_name(&self, g: GroupId) -> Option<&str> {
        self.group_names.get(g.index() as usize).map(String::as_str)
    }

    /// Membership of each named group in both directions; no names means
    /// the anonymous group [`ANON_GROUP`].
    pub fn groups_both(&mut self, names: &[&str]) -> Groups {
        let set = self.group_set(names);
        Groups {
            send: set.clone(),
            recv: set,
        }
    }

    /// Membership with separate "IN" (`send`) and "OUT" (`recv`) names;
    /// unlike [`Picture::groups_both`] empty lists stay empty (a read-only
    /// feed has no `recv`).
    pub fn groups(&mut self, send: &[&str], recv: &[&str]) -> Groups {
        Groups {
            send: send.iter().map(|n| self.group(n)).collect(),
            recv: recv.iter().map(|n| self.group(n)).collect(),
        }
    }

    fn group_set(&mut self, names: &[&str]) -> GroupSet {
        if names.is_empty() {
            return std::iter::once(self.group(ANON_GROUP)).collect();
        }
        names.iter().map(|n| self.group(n)).collect()
    }

    /// A client connected. It receives nothing until it identifies itself
    /// with its first SA. Connecting an id that is already connected first
    /// disconnects the old state.
    pub fn connect(&mut self, id: ClientId, groups: Groups, now: cot::Time) {
        if self.clients.get(id).is_some() {
            self.disconnect(id, now);
        }
        self.clients.insert(id, groups, now);
        self.refresh_gauges();
    }

    /// A client whose connection already says who it is (a verified
    /// certificate, not an SA): it hears what its groups hear from now on,
    /// starting with the replay, whether or not it ever sends an SA. TAK
    /// Server feeds such listeners (CloudTAK's, ETL tools) the same way. Its
    /// first SA later identifies it as usual, without a second replay.
    pub fn connect_listener(&mut self, id: ClientId, groups: Groups, now: cot::Time) {
        self.connect(id, groups, now);
        self.clients.set_hears(id);
        self.replay_to(id, now);
        self.refresh_gauges();
    }

    /// An event from a connected client. Events from an id that is not
    /// connected are dropped and counted (`unknown_sender`).
    ///
    /// The first non-control `a-*` event identifies the client; the outputs
    /// are then, in order: `Identified`, the replay to it (cached items,
    /// then active emergencies), the event's own `Deliver`, its `Keep`.
    /// Later `a-*` events with the client's uid update its callsign, team
    /// and role; `a-*` events with another uid are items it relays. A
    /// client's SA leaves the cache at its stale time like any item, even
    /// while the client stays connected (clients re-send well before).
    pub fn ingest(&mut self, from: ClientId, msg: Arc<Message>, now: cot::Time) {
        self.stats.events_in += 1;
        let Some(c) = self.clients.get(from) else {
            self.stats.unknown_sender += 1;
            return;
        };
        let mut origin = Origin {
            id: Some(from),
            groups: c.info.groups.clone(),
            owner: c.owner.clone(),
        };
        let own_uid = c.info.uid.as_deref().map(|u| u == msg.event.uid);
        self.clients.touch(from, now);
        if msg.event.is_consumed_control() {
            self.handle_control(&origin, &msg, now);
            self.refresh_gauges();
            return;
        }
        let is_sa = cot::type_matches(&msg.event.kind, "a") && own_uid != Some(false);
        if is_sa && self.clients.set_identity(from, &msg.event) {
            origin.owner = self.clients.get(from).and_then(|c| c.owner.clone());
            self.out.push_back(Output::Identified {
                id: from,
                uid: msg.event.uid.clone(),
                callsign: msg.event.detail.callsign(),
            });
            self.replay_to(from, now);
        }
        self.broker(&origin, msg, now, is_sa);
        self.refresh_gauges();
    }

    /// An event with no sender connection (a datagram or a sensor feed)
    /// sent with `groups`: routed like a client's, with nobody excluded and
    /// nobody to answer.
    pub fn ingest_feed(&mut self, groups: &Groups, msg: Arc<Message>, now: cot::Time) {
        self.stats.events_in += 1;
        let origin = Origin {
            id: None,
            groups: groups.clone(),
            owner: None,
        };
        if msg.event.is_consumed_control() {
            self.handle_control(&origin, &msg, now);
        } else {
            self.broker(&origin, msg, now, false);
        }
        self.refresh_gauges();
    }

    /// A client went away. If it had identified, its SA leaves the cache
    /// and (with `announce_disconnect`) every identified client it could
    /// send to is told with a `t-x-d-d` delete linking its uid, unless a
    /// newer connection of the same device owns that uid by now.
    pub fn disconnect(&mut self, id: ClientId, now: cot::Time) {
        let Some(gone) = self.clients.remove(id) else {
            return;
        };
        if let Some(uid) = &gone.info.uid {
            if self.cache.get(uid).is_some_and(|e| e.producer == Some(id)) {
                self.cache.remove(uid);
            }
            if self.config.announce_disconnect && self.clients.by_uid(uid).is_none() {
                self.delete_seq += 1;
                let sa_type = gone.sa_type.as_deref().unwrap_or("a-f-G-U-C");
                let msg_uid = format!("watchfloor-delete-{}", self.delete_seq);
                let ev = cot::Event::delete_announcement(msg_uid, uid, sa_type, now);
                let to = self.broadcast_targets(None, &gone.info.groups.send);
                self.deliver(to, Arc::new(Message::new(ev)));
            }
        }
        self.refresh_gauges();
    }

    /// Puts last-known items from the store into the cache as if sent with
    /// `groups` (stale ones are dropped), so that late joiners see the
    /// picture from before a restart until the senders come back. Each item
    /// keeps the uid of the client that placed it (`owner`), so that client
    /// may still delete it after the restart. No outputs.
    pub fn restore(&mut self, groups: &Groups, items: Vec<Restored>, now: cot::Time) {
        for item in items {
            if !item.msg.event.is_stale(now) {
                self.cache_put(item.msg, groups, None, item.owner.as_ref());
            }
        }
        self.refresh_gauges();
    }

    /// Sweeps stale items from the cache and sends due emergency repeats.
    pub fn handle_timeout(&mut self, now: cot::Time) {
        self.stats.stale_removals += self.cache.sweep(now) as u64;
        for r in self.emergencies.repeat_due(now) {
            let to = self.targets_for(r.sender, &r.groups.send, &r.dests);
            self.stats.emergency_repeats += 1;
            self.deliver(to, r.msg);
        }
        self.refresh_gauges();
    }

    /// When [`Picture::handle_timeout`] is next needed: the earliest stale
    /// time in the cache or emergency repeat.
    pub fn poll_timeout(&self) -> Option<cot::Time> {
        match (self.cache.next_stale(), self.emergencies.next_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next thing to do, in order.
    pub fn poll(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// A connected client.
    pub fn client(&self, id: ClientId) -> Option<&ClientInfo> {
        self.clients.get(id).map(|c| &c.info)
    }

    /// Every connected client, in no particular order.
    pub fn clients(&self) -> impl Iterator<Item = &ClientInfo> {
        self.clients.iter().map(|c| &c.info)
    }

    /// Counters and gauges.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Queues a delivery unless nobody is to receive it.
    pub(crate) fn deliver(&mut self, to: Vec<crate::ClientId>, msg: Arc<Message>) {
        if !to.is_empty() {
            self.stats.deliveries += to.len() as u64;
            self.out.push_back(Output::Deliver { to, msg });
        }
    }

    pub(crate) fn push(&mut self, o: Output) {
        self.out.push_back(o);
    }

    pub(crate) fn cache_put(
        &mut self,
        msg: Arc<Message>,
        groups: &Groups,
        producer: Option<ClientId>,
        owner: Option<&Arc<str>>,
    ) {
        if self.cache.put(msg, groups, producer, owner) == Put::StoredEvicting {
            self.stats.cache_evictions += 1;
        }
    }

    fn refresh_gauges(&mut self) {
        self.stats.cached_items = self.cache.len() as u64;
        self.stats.emergencies_active = self.emergencies.len() as u64;
        self.stats.identified_clients = self.clients.identified() as u64;
        self.stats.connected_clients = self.clients.len() as u64;
    }
}
