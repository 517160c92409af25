//! Who receives what: broadcast, `marti/dest`, GeoChat rooms, and the
//! replay a client gets when it identifies.

use std::sync::Arc;

use crate::clients::Client;
use crate::emergency::{is_alert, is_cancel};
use crate::ids::{ClientId, GroupSet};
use crate::message::{Message, Output};
use crate::picture::{Origin, Picture};

/// The chat room every client is in.
const ALL_CHAT_ROOMS: &str = "All Chat Rooms";

impl Picture {
    /// Routes an event that is not consumed control: delivery, emergency
    /// bookkeeping, cache, store, in that order. A delete also removes what
    /// it may from the cache (see `control.rs`).
    pub(crate) fn broker(&mut self, origin: &Origin, msg: Arc<Message>, now: cot::Time, sa: bool) {
        self.stats.brokered += 1;
        let ev = &msg.event;
        let forgets = if ev.is_delete() {
            self.apply_delete(origin, ev)
        } else {
            Vec::new()
        };
        let dests = ev.detail.dests();
        let (to, directed) = if ev.is_chat() {
            self.chat_targets(origin, ev, &dests)
        } else {
            let to = self.targets_for(origin.id, &origin.groups.send, &dests);
            (to, !dests.is_empty())
        };
        if directed && to.is_empty() {
            self.stats.directed_without_recipient += 1;
        }
        let uid_cached =
            !ev.is_chat() && dests.is_empty() && !ev.is_emergency() && !ev.is_control();
        if is_cancel(ev) {
            self.emergencies.cancel(&ev.uid);
        } else if is_alert(ev)
            && !self
                .emergencies
                .activate(msg.clone(), &origin.groups, origin.id, dests, now)
        {
            self.stats.emergencies_dropped += 1;
        }
        self.deliver(to, msg.clone());
        if uid_cached {
            if msg.event.is_stale(now) {
                // A stale update still supersedes what was cached before it.
                self.cache.remove(&msg.event.uid);
            } else {
                self.cache_put(
                    msg.clone(),
                    &origin.groups,
                    origin.id,
                    origin.owner.as_ref(),
                );
            }
        }
        self.push(Output::Keep {
            msg,
            client_sa: sa,
            last_known: uid_cached,
            forgets,
        });
    }

    /// Every client that hears broadcasts (identified, or a listener) that
    /// `send` reaches, except `sender`, in table order. This is the per-event hot loop: one bitset test per client.
    pub(crate) fn broadcast_targets(
        &self,
        sender: Option<ClientId>,
        send: &GroupSet,
    ) -> Vec<ClientId> {
        let slots = self.clients.slots();
        let mut to = Vec::with_capacity(self.clients.identified());
        for s in slots {
            if s.hears && Some(s.id) != sender && send.intersects(&s.recv) {
                to.push(s.id);
            }
        }
        to
    }

    /// Broadcast when `dests` is empty, else only the addressees.
    pub(crate) fn targets_for(
        &self,
        sender: Option<ClientId>,
        send: &GroupSet,
        dests: &[cot::Dest],
    ) -> Vec<ClientId> {
        if dests.is_empty() {
            return self.broadcast_targets(sender, send);
        }
        let mut ids: Vec<ClientId> = Vec::new();
        for d in dests {
            if let Some(id) = d.uid.as_deref().and_then(|u| self.clients.by_uid(u)) {
                ids.push(id);
            }
            if let Some(cs) = d.callsign.as_deref() {
                ids.extend_from_slice(self.clients.by_callsign(cs));
            }
        }
        self.reachable(sender, send, ids)
    }

    /// Filters candidate receivers by reach, identification and sender
    /// exclusion; sorted and without duplicates.
    fn reachable(
        &self,
        sender: Option<ClientId>,
        send: &GroupSet,
        mut ids: Vec<ClientId>,
    ) -> Vec<ClientId> {
        ids.sort_unstable();
        ids.dedup();
        ids.retain(|id| {
            Some(*id) != sender
                && self
                    .clients
                    .get(*id)
                    .is_some_and(|c| c.info.uid.is_some() && send.intersects(&c.info.groups.recv))
        });
        ids
    }

    /// GeoChat: dests first, then the all-rooms broadcast, team rooms by
    /// team colour, and direct or custom rooms by uid. Returns the
    /// receivers and whether the chat was addressed to particular clients.
    fn chat_targets(
        &self,
        origin: &Origin,
        ev: &cot::Event,
        dests: &[cot::Dest],
    ) -> (Vec<ClientId>, bool) {
        let send = &origin.groups.send;
        if !dests.is_empty() {
            return (self.targets_for(origin.id, send, dests), true);
        }
        let Some(chat) = ev.detail.chat() else {
            return (self.broadcast_targets(origin.id, send), false);
        };
        let parent = chat.parent.as_deref();
        let room = chat.chatroom.as_deref();
        let all = room == Some(ALL_CHAT_ROOMS)
            || (parent == Some("RootContactGroup") && chat.id.as_deref() == Some(ALL_CHAT_ROOMS));
        if all {
            return (self.broadcast_targets(origin.id, send), false);
        }
        if parent == Some("TeamGroups") {
            // ATAK capitalises team colours; other clients may not.
            let in_team = |c: &&Client| {
                c.info
                    .team
                    .as_deref()
                    .zip(room)
                    .is_some_and(|(t, r)| t.eq_ignore_ascii_case(r))
            };
            let ids = self.clients.iter().filter(in_team).map(|c| c.info.id);
            return (self.reachable(origin.id, send, ids.collect()), false);
        }
        let ids = chat
            .id
            .iter()
            .chain(chat.members.iter())
            .filter_map(|u| self.clients.by_uid(u))
            .collect();
        (self.reachable(origin.id, send, ids), true)
    }

    /// What a client gets right after it identified (a listener: right
    /// after it connected), once per connection: the latest live cached
    /// item of everyone it can hear, then every active emergency for it.
    pub(crate) fn replay_to(&mut self, id: ClientId, now: cot::Time) {
        if self.clients.mark_replayed(id) {
            return;
        }
        let Some(c) = self.clients.get(id) else {
            return;
        };
        let recv = &c.info.groups.recv;
        let own = c.info.uid.as_deref();
        let mut batch: Vec<Arc<Message>> = self
            .cache
            .live(now)
            .filter(|e| e.producer != Some(id) && Some(e.msg.event.uid.as_str()) != own)
            .filter(|e| e.groups.send.intersects(recv))
            .map(|e| e.msg.clone())
            .collect();
        batch.extend(
            self.emergencies
                .iter()
                .filter(|a| a.sender != Some(id) && a.groups.send.intersects(recv))
                .filter(|a| a.dests.is_empty() || addressed(&a.dests, c))
                .map(|a| a.last.clone()),
        );
        for msg in batch {
            self.deliver(vec![id], msg);
        }
    }
}

/// Whether `c` is one of `dests`.
fn addressed(dests: &[cot::Dest], c: &Client) -> bool {
    dests.iter().any(|d| {
        (d.uid.is_some() && d.uid == c.info.uid)
            || (d.callsign.is_some() && d.callsign == c.info.callsign)
    })
}
