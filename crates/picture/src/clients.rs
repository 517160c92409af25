//! The table of connected clients, indexed for routing by id, uid and
//! callsign.

use std::sync::Arc;

use hashbrown::HashMap;
use smallvec::SmallVec;

use crate::ids::{ClientId, GroupSet, Groups};

/// What the picture knows about one connected client.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientInfo {
    /// The connection.
    pub id: ClientId,
    /// The uid of its SA; `None` until it identified itself.
    pub uid: Option<String>,
    /// Callsign from the SA's `contact`.
    pub callsign: Option<String>,
    /// Team colour from the SA's `__group@name`.
    pub team: Option<String>,
    /// Role from the SA's `__group@role`.
    pub role: Option<String>,
    /// Routing groups, fixed at connect time.
    pub groups: Groups,
    /// When it connected.
    pub connected_at: cot::Time,
    /// When it last sent anything (pings included).
    pub last_event_at: Option<cot::Time>,
}

/// The part of a client the per-event receiver scan reads, kept dense and
/// small so that a thousand of them stay in cache.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub(crate) id: ClientId,
    /// Whether broadcasts reach it: once it identified, or from its
    /// connection on when its certificate already said who it is.
    pub(crate) hears: bool,
    pub(crate) recv: GroupSet,
}

/// A client plus the bookkeeping the routing needs.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) info: ClientInfo,
    /// Shared copy of `info.uid` for cache ownership, cloned per cached item.
    pub(crate) owner: Option<Arc<str>>,
    /// CoT type of its latest SA, for the disconnect announcement.
    pub(crate) sa_type: Option<String>,
    /// Whether it had the join replay already (a listener gets it at
    /// connect, and must not get it again when it later sends an SA).
    pub(crate) replayed: bool,
}

/// Clients in two parallel dense vectors (`slots` for the hot scan,
/// `clients` for the rest) plus hash indexes.
#[derive(Debug, Default)]
pub(crate) struct ClientTable {
    slots: Vec<Slot>,
    clients: Vec<Client>,
    index: HashMap<ClientId, usize>,
    by_uid: HashMap<String, ClientId>,
    by_callsign: HashMap<String, SmallVec<[ClientId; 1]>>,
    identified: usize,
}

impl ClientTable {
    pub(crate) fn len(&self) -> usize {
        self.clients.len()
    }

    pub(crate) fn identified(&self) -> usize {
        self.identified
    }

    pub(crate) fn slots(&self) -> &[Slot] {
        &self.slots
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Client> {
        self.clients.iter()
    }

    pub(crate) fn get(&self, id: ClientId) -> Option<&Client> {
        self.index.get(&id).and_then(|&i| self.clients.get(i))
    }

    /// Only fields that no index depends on may be changed through this.
    pub(crate) fn touch(&mut self, id: ClientId, now: cot::Time) {
        if let Some(c) = self.index.get(&id).and_then(|&i| self.clients.get_mut(i)) {
            c.info.last_event_at = Some(now);
        }
    }

    pub(crate) fn by_uid(&self, uid: &str) -> Option<ClientId> {
        self.by_uid.get(uid).copied()
    }

    pub(crate) fn by_callsign(&self, callsign: &str) -> &[ClientId] {
        self.by_callsign.get(callsign).map_or(&[], |v| v.as_slice())
    }

    pub(crate) fn insert(&mut self, id: ClientId, groups: Groups, now: cot::Time) {
        self.slots.push(Slot {
            id,
            hears: false,
            recv: groups.recv.clone(),
        });
        self.clients.push(Client {
            info: ClientInfo {
                id,
                uid: None,
                callsign: None,
                team: None,
                role: None,
                groups,
                connected_at: now,
                last_event_at: None,
            },
            owner: None,
            sa_type: None,
            replayed: false,
        });
        self.index.insert(id, self.clients.len() - 1);
    }

    pub(crate) fn remove(&mut self, id: ClientId) -> Option<Client> {
        let i = self.index.remove(&id)?;
        if i >= self.clients.len() {
            return None;
        }
        self.slots.swap_remove(i);
        let gone = self.clients.swap_remove(i);
        if let Some(moved) = self.clients.get(i) {
            self.index.insert(moved.info.id, i);
        }
        if let Some(uid) = &gone.info.uid {
            self.identified = self.identified.saturating_sub(1);
            // A reconnected device may own the uid by now; leave it alone.
            if self.by_uid.get(uid) == Some(&id) {
                self.by_uid.remove(uid);
            }
        }
        if let Some(cs) = &gone.info.callsign {
            self.unindex_callsign(cs, id);
        }
        Some(gone)
    }

    /// Lets broadcasts reach a client before it identified (a listener).
    pub(crate) fn set_hears(&mut self, id: ClientId) {
        if let Some(slot) = self.index.get(&id).and_then(|&i| self.slots.get_mut(i)) {
            slot.hears = true;
        }
    }

    /// Marks the join replay as done; returns whether it had been done before.
    pub(crate) fn mark_replayed(&mut self, id: ClientId) -> bool {
        match self.index.get(&id).and_then(|&i| self.clients.get_mut(i)) {
            Some(c) => std::mem::replace(&mut c.replayed, true),
            None => true,
        }
    }

    /// Records the identity an SA carries. The first call identifies the
    /// client; returns whether this call did.
    pub(crate) fn set_identity(&mut self, id: ClientId, sa: &cot::Event) -> bool {
        let Some(&i) = self.index.get(&id) else {
            return false;
        };
        let callsign = sa.detail.callsign();
        let team = sa.detail.team().unwrap_or_default();
        let (Some(slot), Some(c)) = (self.slots.get_mut(i), self.clients.get_mut(i)) else {
            return false;
        };
        let first = c.info.uid.is_none();
        if first {
            c.info.uid = Some(sa.uid.clone());
            c.owner = Some(Arc::from(sa.uid.as_str()));
            slot.hears = true;
            self.identified += 1;
            self.by_uid.insert(sa.uid.clone(), id);
        }
        c.sa_type = Some(sa.kind.clone());
        if team.name.is_some() {
            c.info.team = team.name;
        }
        if team.role.is_some() {
            c.info.role = team.role;
        }
        if callsign.is_some() && callsign != c.info.callsign {
            let old = std::mem::replace(&mut c.info.callsign, callsign.clone());
            if let Some(old) = old {
                self.unindex_callsign(&old, id);
            }
            if let Some(new) = callsign {
                self.by_callsign.entry(new).or_default().push(id);
            }
        }
        first
    }

    fn unindex_callsign(&mut self, callsign: &str, id: ClientId) {
        if let Some(ids) = self.by_callsign.get_mut(callsign) {
            ids.retain(|x| *x != id);
            if ids.is_empty() {
                self.by_callsign.remove(callsign);
            }
        }
    }
}
