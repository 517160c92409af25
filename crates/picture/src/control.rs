//! Control messages: the eleven types a TAK server consumes (answered or
//! dropped, never brokered or stored), and what a brokered delete
//! (`t-x-d-d`) does to the cache.

use std::sync::Arc;

use crate::cache::Entry;
use crate::message::Message;
use crate::picture::{Origin, Picture};

impl Picture {
    /// A consumed control message: a ping is answered to its sender;
    /// everything else is counted and dropped.
    pub(crate) fn handle_control(&mut self, origin: &Origin, msg: &Message, now: cot::Time) {
        let ev = &msg.event;
        if ev.is_ping() {
            match origin.id {
                Some(id) => {
                    self.stats.pings += 1;
                    self.deliver(vec![id], Arc::new(Message::new(cot::Event::pong(now))));
                }
                None => self.stats.control_ignored += 1,
            }
            return;
        }
        self.stats.control_ignored += 1;
    }

    /// Removes from the cache the items a delete links that `origin` may
    /// delete, and returns their uids. The delete itself is brokered either
    /// way, as TAK Server does: the cache only follows when everyone who
    /// could be replayed the item was told it is gone.
    pub(crate) fn apply_delete(&mut self, origin: &Origin, ev: &cot::Event) -> Vec<String> {
        // pytak's start-up "hello" is a t-x-d-d without link: nothing to do.
        let force = ev.is_force_delete();
        let mut removed = Vec::new();
        for link in ev.detail.links() {
            let allowed = self
                .cache
                .get(&link.uid)
                .is_some_and(|e| owns(origin, e) || (force && told_everyone(origin, e)));
            if allowed {
                self.cache.remove(&link.uid);
                removed.push(link.uid);
            }
        }
        self.stats.deletes_applied += removed.len() as u64;
        removed
    }
}

/// Whether a delete sent by `origin` reached everyone `e` is replayed to:
/// every group the item was sent to is one the deleter sends to.
fn told_everyone(origin: &Origin, e: &Entry) -> bool {
    e.groups.send.is_subset(&origin.groups.send)
}

/// Whether `origin` may delete `e`: a client the items it sent (in this
/// connection, or earlier under the same uid); a feed the items no client
/// sent (feed tracks, restored items).
fn owns(origin: &Origin, e: &Entry) -> bool {
    match origin.id {
        Some(id) => e.producer == Some(id) || (origin.owner.is_some() && e.owner == origin.owner),
        None => e.producer.is_none() && e.owner.is_none(),
    }
}
