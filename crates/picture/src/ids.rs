//! Identifiers: clients, wire encodings, interned groups and their bitsets.

use std::fmt;

use smallvec::SmallVec;

/// The server's handle for one connection; never reused while the process
/// runs, so a late event from a closed connection cannot be misattributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId(pub u64);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client-{}", self.0)
    }
}

/// A wire encoding a receiver speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// CoT XML (plain streaming, TAK protocol version 0).
    Xml,
    /// TAK protocol version 1 (protobuf).
    Proto,
}

/// An interned group name; see [`crate::Picture::group`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(u32);

impl GroupId {
    /// Wraps a raw index; only the interner hands out meaningful ones.
    pub(crate) const fn from_index(i: u32) -> Self {
        GroupId(i)
    }

    /// The position of this group in every [`GroupSet`].
    pub const fn index(self) -> u32 {
        self.0
    }
}

/// A set of groups as a bitset: 128 groups fit inline, more spill to the
/// heap. Reach checks are a word-wise AND, which is what makes routing to
/// thousands of clients cheap.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct GroupSet {
    // Invariant: no trailing zero word, so derived equality is set equality.
    words: SmallVec<[u64; 2]>,
}

impl GroupSet {
    /// The empty set.
    pub fn new() -> Self {
        GroupSet::default()
    }

    /// Adds `g`; returns whether it was new.
    pub fn insert(&mut self, g: GroupId) -> bool {
        let (w, bit) = split(g);
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        let word = &mut self.words[w];
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }

    /// Removes `g`; returns whether it was present.
    pub fn remove(&mut self, g: GroupId) -> bool {
        let (w, bit) = split(g);
        let Some(word) = self.words.get_mut(w) else {
            return false;
        };
        let present = *word & bit != 0;
        *word &= !bit;
        while self.words.last() == Some(&0) {
            self.words.pop();
        }
        present
    }

    /// Whether `g` is in the set.
    pub fn contains(&self, g: GroupId) -> bool {
        let (w, bit) = split(g);
        self.words.get(w).is_some_and(|word| word & bit != 0)
    }

    /// Whether the two sets share at least one group.
    #[inline]
    pub fn intersects(&self, other: &GroupSet) -> bool {
        self.words
            .iter()
            .zip(other.words.iter())
            .any(|(a, b)| a & b != 0)
    }

    /// Whether every group of `self` is also in `other`.
    pub fn is_subset(&self, other: &GroupSet) -> bool {
        self.words.iter().enumerate().all(|(i, a)| {
            let b = other.words.get(i).copied().unwrap_or(0);
            a & !b == 0
        })
    }

    /// Whether the set has no group.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How many groups are in the set.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The groups in ascending index order.
    pub fn iter(&self) -> impl Iterator<Item = GroupId> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            (0..64u32)
                .filter(move |b| word & (1u64 << b) != 0)
                .map(move |b| GroupId::from_index(w as u32 * 64 + b))
        })
    }
}

impl FromIterator<GroupId> for GroupSet {
    fn from_iter<I: IntoIterator<Item = GroupId>>(iter: I) -> Self {
        let mut s = GroupSet::new();
        for g in iter {
            s.insert(g);
        }
        s
    }
}

fn split(g: GroupId) -> (usize, u64) {
    ((g.0 / 64) as usize, 1u64 << (g.0 % 64))
}

/// A client's (or feed's) group membership in both directions, as TAK
/// Server defines them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    /// "IN" groups: the groups this party may send to.
    pub send: GroupSet,
    /// "OUT" groups: the groups this party may receive from.
    pub recv: GroupSet,
}

impl Groups {
    /// Whether something sent with `self` may reach a party with `to`.
    #[inline]
    pub fn reaches(&self, to: &Groups) -> bool {
        self.send.intersects(&to.recv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitset_basics() {
        let g = GroupId::from_index;
        let mut a = GroupSet::new();
        assert!(a.insert(g(3)));
        assert!(!a.insert(g(3)));
        assert!(a.insert(g(130)));
        assert!(a.contains(g(130)) && a.contains(g(3)) && !a.contains(g(4)));
        assert_eq!(a.len(), 2);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![g(3), g(130)]);
        let b: GroupSet = [g(130)].into_iter().collect();
        assert!(a.intersects(&b) && b.intersects(&a));
        assert!(a.remove(g(130)));
        assert!(!a.intersects(&b));
        assert_eq!(a, [g(3)].into_iter().collect());
        assert!(a.remove(g(3)) && a.is_empty() && !a.remove(g(3)));
        assert_eq!(ClientId(7).to_string(), "client-7");
    }
}
