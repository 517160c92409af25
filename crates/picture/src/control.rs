//! Control messages (`t-x-*`): consumed by the core, never brokered or
//! stored.

use std::sync::Arc;

use crate::cache::Entry;
use crate::message::Message;
use crate::picture::{Origin, Picture};

impl Picture {
    /// A ping is answered to its sender; a delete (`t-x-d-d`) removes the
    /// cached items it links if the sender owns them; everything else is
    /// counted and dropped.
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
        if ev.kind != "t-x-d-d" {
            self.stats.control_ignored += 1;
            return;
        }
        // pytak's start-up "hello" is a t-x-d-d without link: nothing to do.
        let mut applied = 0;
        for link in ev.detail.links() {
            if self.cache.get(&link.uid).is_some_and(|e| owns(origin, e)) {
                self.cache.remove(&link.uid);
                applied += 1;
            }
        }
        if applied == 0 {
            self.stats.control_ignored += 1;
        }
        self.stats.deletes_applied += applied;
    }
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
