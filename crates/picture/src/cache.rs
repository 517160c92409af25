//! The latest-item cache: the newest broadcast event per uid (SAs, markers,
//! shapes, feed tracks), replayed to late joiners and swept at stale time.

use std::collections::BTreeMap;
use std::sync::Arc;

use hashbrown::HashMap;

use crate::ids::{ClientId, Groups};
use crate::message::Message;

/// Position in the stale index: stale time, then arrival order so that
/// keys are unique and ties resolve first-come first-swept.
type StaleKey = (cot::Time, u64);

/// One cached item.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) msg: Arc<Message>,
    /// The sender's groups, which decide who the item may be replayed to.
    pub(crate) groups: Groups,
    /// The connection that sent it; `None` for feeds and restored items.
    pub(crate) producer: Option<ClientId>,
    /// The sender's uid, so that a reconnected device may still delete
    /// the markers it placed in an earlier connection.
    pub(crate) owner: Option<Arc<str>>,
    key: StaleKey,
}

/// What [`Cache::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Put {
    /// Inserted or replaced.
    Stored,
    /// Inserted after evicting the item going stale first.
    StoredEvicting,
    /// Not cached: the bound is zero.
    Refused,
}

/// Items by uid plus an index by stale time: O(1) replace, O(log n) sweep.
#[derive(Debug)]
pub(crate) struct Cache {
    items: HashMap<Arc<str>, Entry>,
    by_stale: BTreeMap<StaleKey, Arc<str>>,
    seq: u64,
    max: usize,
}

impl Cache {
    pub(crate) fn new(max: usize) -> Self {
        Cache {
            items: HashMap::new(),
            by_stale: BTreeMap::new(),
            seq: 0,
            max,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn get(&self, uid: &str) -> Option<&Entry> {
        self.items.get(uid)
    }

    /// Caches `msg` under its uid, replacing any older item with that uid.
    pub(crate) fn put(
        &mut self,
        msg: Arc<Message>,
        groups: &Groups,
        producer: Option<ClientId>,
        owner: Option<&Arc<str>>,
    ) -> Put {
        self.seq += 1;
        let key = (msg.event.stale, self.seq);
        if let Some(e) = self.items.get_mut(msg.event.uid.as_str()) {
            // Reuse the uid allocation: the hot path (an SA replacing the
            // previous SA) then allocates nothing.
            let uid = self.by_stale.remove(&e.key);
            if let Some(uid) = uid {
                self.by_stale.insert(key, uid);
            }
            e.key = key;
            e.msg = msg;
            if e.groups != *groups {
                e.groups = groups.clone();
            }
            e.producer = producer;
            e.owner = owner.cloned();
            return Put::Stored;
        }
        if self.max == 0 {
            return Put::Refused;
        }
        let mut put = Put::Stored;
        if self.items.len() >= self.max {
            if let Some((_, uid)) = self.by_stale.pop_first() {
                self.items.remove(&uid);
                put = Put::StoredEvicting;
            }
        }
        let uid: Arc<str> = Arc::from(msg.event.uid.as_str());
        self.by_stale.insert(key, uid.clone());
        self.items.insert(
            uid,
            Entry {
                msg,
                groups: groups.clone(),
                producer,
                owner: owner.cloned(),
                key,
            },
        );
        put
    }

    pub(crate) fn remove(&mut self, uid: &str) -> Option<Entry> {
        let e = self.items.remove(uid)?;
        self.by_stale.remove(&e.key);
        Some(e)
    }

    /// Removes every item stale at `now`; returns how many.
    pub(crate) fn sweep(&mut self, now: cot::Time) -> usize {
        let mut n = 0;
        while let Some(entry) = self.by_stale.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let uid = entry.remove();
            self.items.remove(&uid);
            n += 1;
        }
        n
    }

    /// When the next item goes stale.
    pub(crate) fn next_stale(&self) -> Option<cot::Time> {
        self.by_stale.keys().next().map(|k| k.0)
    }

    /// Items not stale at `now`, soonest-stale first (a deterministic order,
    /// unlike the hash map's).
    pub(crate) fn live(&self, now: cot::Time) -> impl Iterator<Item = &Entry> {
        self.by_stale
            .range((cot::Time::from_micros(now.micros().saturating_add(1)), 0)..)
            .filter_map(|(_, uid)| self.items.get(uid))
    }
}
