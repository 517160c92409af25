//! A client's outbound queue, with the slow-client policy.
//!
//! The router pushes without ever waiting; the connection's writer pops.
//! When the queue is full the newest message replaces a queued one with
//! the same uid (SA is latest-wins), or else the oldest message is dropped.
//! Both are counted, and neither ever delays the router or other clients.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::Mutex;
use picture::{Encoding, Message};
use tokio::sync::Notify;

/// One thing for a connection's writer to do, in order.
#[derive(Debug, Clone)]
pub(crate) enum OutItem {
    /// A routed message, encoded by the writer in the connection's encoding.
    Msg(Arc<Message>),
    /// Bytes to write as they are (protocol negotiation replies).
    Raw(Bytes),
    /// From here on, write in this encoding.
    Switch(Encoding),
}

/// What a push did, for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    /// Queued.
    Queued,
    /// Replaced an older queued message with the same uid.
    Coalesced,
    /// Queued after dropping the oldest message.
    DroppedOldest,
    /// The connection is closing; nothing queued.
    Closed,
}

#[derive(Debug)]
struct Inner {
    items: VecDeque<OutItem>,
    closed: bool,
}

/// A bounded, never-blocking queue between the router and one writer.
#[derive(Debug)]
pub(crate) struct Outbox {
    inner: Mutex<Inner>,
    capacity: usize,
    notify: Notify,
}

impl Outbox {
    /// A queue holding at most `capacity` messages (at least 1).
    pub(crate) fn new(capacity: usize) -> Self {
        Outbox {
            inner: Mutex::new(Inner {
                items: VecDeque::with_capacity(capacity.min(64)),
                closed: false,
            }),
            capacity: capacity.max(1),
            notify: Notify::new(),
        }
    }

    /// Queues an item, applying the slow-client policy when full.
    pub(crate) fn push(&self, item: OutItem) -> Pushed {
        let result = {
            let mut inner = self.inner.lock();
            if inner.closed {
                return Pushed::Closed;
            }
            let mut result = Pushed::Queued;
            if inner.items.len() >= self.capacity {
                result = make_room(&mut inner.items, &item);
            }
            if result != Pushed::Coalesced {
                inner.items.push_back(item);
            }
            result
        };
        self.notify.notify_one();
        result
    }

    /// Takes everything queued, waiting until there is something or the
    /// queue is closed (then `None`).
    pub(crate) async fn pop_all(&self, into: &mut Vec<OutItem>) -> Option<()> {
        loop {
            let notified = self.notify.notified();
            {
                let mut inner = self.inner.lock();
                if !inner.items.is_empty() {
                    into.extend(inner.items.drain(..));
                    // A join replay grows the queue to the size of the
                    // picture; do not keep that for an idle client.
                    if inner.items.capacity() > 256 {
                        inner.items.shrink_to(64);
                    }
                    return Some(());
                }
                if inner.closed {
                    return None;
                }
            }
            notified.await;
        }
    }

    /// Stops accepting items and wakes the writer so it can finish.
    pub(crate) fn close(&self) {
        self.inner.lock().closed = true;
        self.notify.notify_one();
    }

    /// Items waiting now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner.lock().items.len()
    }
}

/// Frees one slot for `incoming`: replace a queued message of the same uid
/// in place, or drop the oldest message. Control items are never dropped.
fn make_room(items: &mut VecDeque<OutItem>, incoming: &OutItem) -> Pushed {
    if let OutItem::Msg(new) = incoming {
        let uid = &new.event.uid;
        if let Some(slot) = items
            .iter_mut()
            .rev()
            .find(|i| matches!(i, OutItem::Msg(m) if m.event.uid == *uid))
        {
            *slot = incoming.clone();
            return Pushed::Coalesced;
        }
    }
    if let Some(pos) = items.iter().position(|i| matches!(i, OutItem::Msg(_))) {
        items.remove(pos);
    }
    Pushed::DroppedOldest
}

#[cfg(test)]
mod tests {
    use super::*;
    use cot::{Event, Time};

    fn msg(uid: &str) -> OutItem {
        let now = Time::from_millis(0);
        OutItem::Msg(Arc::new(Message::new(Event::new(
            uid,
            "a-f-G",
            "m-g",
            now,
            now.plus_secs(60),
        ))))
    }

    fn uids(items: &[OutItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                OutItem::Msg(m) => m.event.uid.clone(),
                OutItem::Raw(_) => "raw".into(),
                OutItem::Switch(_) => "switch".into(),
            })
            .collect()
    }

    #[tokio::test]
    async fn full_queue_coalesces_then_drops_oldest() {
        let q = Outbox::new(3);
        assert_eq!(q.push(msg("a")), Pushed::Queued);
        assert_eq!(
            q.push(OutItem::Raw(Bytes::from_static(b"x"))),
            Pushed::Queued
        );
        assert_eq!(q.push(msg("b")), Pushed::Queued);
        assert_eq!(q.push(msg("a")), Pushed::Coalesced);
        assert_eq!(q.len(), 3);
        assert_eq!(q.push(msg("c")), Pushed::DroppedOldest);
        let mut out = Vec::new();
        q.pop_all(&mut out).await.expect("items");
        assert_eq!(uids(&out), vec!["raw", "b", "c"]);
    }

    #[tokio::test]
    async fn close_ends_the_writer() {
        let q = Outbox::new(2);
        q.close();
        assert_eq!(q.push(msg("a")), Pushed::Closed);
        let mut out = Vec::new();
        assert!(q.pop_all(&mut out).await.is_none());
    }
}
