//! [`Identity`]: who is this, and which groups may they send to and receive
//! from. One type and one visibility rule for the routing core, the Marti
//! API, the web COP and everything that comes after them.
//!
//! The rule, as TAK Server has it:
//! - a caller with no groups at all (neither "IN" nor "OUT") is anonymous
//!   and is in [`ANON_GROUP`] both ways, which every other anonymous caller
//!   shares;
//! - otherwise its lists are taken as given: an empty `send` list sends to
//!   no one (a listen-only user), an empty `recv` list hears no one;
//! - something shared with a list of groups is visible to a caller when one
//!   of those groups is among its `recv` groups ([`Identity::sees`]);
//! - an operator on a trusted console ([`Identity::operator`]) sees
//!   everything; it is never given to a network client.

use crate::picture::ANON_GROUP;

/// Who is asking or sending: an authenticated user (or none) and the group
/// names they may send to and receive from, already normalised by the rule
/// in the module documentation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    user: Option<String>,
    send: Vec<String>,
    recv: Reach,
}

/// What an identity may receive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Reach {
    /// Items shared with one of these groups.
    Groups(Vec<String>),
    /// Everything: a trusted operator's console.
    Everything,
}

impl Identity {
    /// The anonymous caller: no user, [`ANON_GROUP`] both ways.
    pub fn anonymous() -> Self {
        Identity {
            user: None,
            send: vec![ANON_GROUP.to_string()],
            recv: Reach::Groups(vec![ANON_GROUP.to_string()]),
        }
    }

    /// `user` with separate "IN" (`send`) and "OUT" (`recv`) groups; with
    /// neither, the user is in the anonymous group both ways.
    pub fn new(user: Option<String>, send: Vec<String>, recv: Vec<String>) -> Self {
        if send.is_empty() && recv.is_empty() {
            return Identity {
                user,
                ..Identity::anonymous()
            };
        }
        Identity {
            user,
            send,
            recv: Reach::Groups(recv),
        }
    }

    /// No user, the same groups both ways (a listener's groups, a feed's);
    /// no groups means anonymous.
    pub fn both(groups: &[String]) -> Self {
        Identity::new(None, groups.to_vec(), groups.to_vec())
    }

    /// A trusted operator's console (the web COP on loopback without users):
    /// sends to `send` (anonymous when empty) and sees everything.
    pub fn operator(send: Vec<String>) -> Self {
        let send = if send.is_empty() {
            vec![ANON_GROUP.to_string()]
        } else {
            send
        };
        Identity {
            user: None,
            send,
            recv: Reach::Everything,
        }
    }

    /// The same groups, with this authenticated user.
    pub fn with_user(mut self, user: Option<String>) -> Self {
        self.user = user;
        self
    }

    /// The authenticated user name, if any.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Groups this identity's messages go to ("IN").
    pub fn send(&self) -> &[String] {
        &self.send
    }

    /// Groups this identity hears ("OUT"); `None` for an operator, who
    /// hears everything.
    pub fn recv(&self) -> Option<&[String]> {
        match &self.recv {
            Reach::Groups(g) => Some(g),
            Reach::Everything => None,
        }
    }

    /// Whether this is the anonymous group both ways.
    pub fn is_anonymous(&self) -> bool {
        self.send.len() == 1
            && self.send[0] == ANON_GROUP
            && self.recv() == Some(&[ANON_GROUP.to_string()][..])
    }

    /// Whether something shared with `groups` is visible to this identity.
    pub fn sees(&self, groups: &[String]) -> bool {
        match &self.recv {
            Reach::Everything => true,
            Reach::Groups(mine) => mine.iter().any(|g| groups.contains(g)),
        }
    }

    /// The groups of `groups` this identity is in, without the anonymous
    /// one: what a user is shown as an item's groups.
    pub fn shown_groups(&self, groups: &[String]) -> Vec<String> {
        groups
            .iter()
            .filter(|g| g.as_str() != ANON_GROUP)
            .filter(|g| self.recv().is_none_or(|m| m.contains(g)))
            .cloned()
            .collect()
    }
}

/// For logs and people: `user alpha1, sends to blue, hears blue, red`, or
/// `anonymous`.
impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.user {
            Some(u) => write!(f, "user {u}, ")?,
            None => f.write_str("no user, ")?,
        }
        if self.is_anonymous() {
            return f.write_str("anonymous group");
        }
        let list = |g: &[String]| {
            if g.is_empty() {
                "no group".to_string()
            } else {
                g.join(", ")
            }
        };
        write!(f, "sends to {}, hears ", list(&self.send))?;
        match self.recv() {
            Some(g) => f.write_str(&list(g)),
            None => f.write_str("everything"),
        }
    }
}

/// The groups an item is shared with, as stored and passed around: never
/// empty, an anonymous sender's items belong to [`ANON_GROUP`].
pub fn shared_with(groups: &[String]) -> Vec<String> {
    if groups.is_empty() {
        vec![ANON_GROUP.to_string()]
    } else {
        groups.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_identity_reads_as_words() {
        let u = Identity::new(
            Some("alpha1".into()),
            names(&["blue"]),
            names(&["blue", "red"]),
        );
        assert_eq!(u.to_string(), "user alpha1, sends to blue, hears blue, red");
        assert_eq!(
            Identity::anonymous().to_string(),
            "no user, anonymous group"
        );
        let listen_only = Identity::new(Some("etl".into()), vec![], names(&["blue"]));
        assert_eq!(
            listen_only.to_string(),
            "user etl, sends to no group, hears blue"
        );
        assert_eq!(
            Identity::operator(vec![]).to_string(),
            "no user, sends to __ANON__, hears everything"
        );
    }

    #[test]
    fn no_groups_is_anonymous_both_ways() {
        let a = Identity::new(Some("alice".into()), vec![], vec![]);
        assert!(a.is_anonymous());
        assert_eq!(a.user(), Some("alice"));
        assert!(a.sees(&names(&[ANON_GROUP])));
        assert!(!a.sees(&names(&["blue"])));
        assert_eq!(Identity::both(&[]), Identity::anonymous());
    }

    #[test]
    fn lists_are_taken_as_given() {
        let listen_only = Identity::new(None, vec![], names(&["blue"]));
        assert!(listen_only.send().is_empty());
        assert!(listen_only.sees(&names(&["red", "blue"])));
        assert!(!listen_only.sees(&names(&[ANON_GROUP])));
        assert!(!listen_only.is_anonymous());
    }

    #[test]
    fn an_operator_sees_everything_and_shows_real_groups() {
        let op = Identity::operator(vec![]);
        assert_eq!(op.send(), &names(&[ANON_GROUP])[..]);
        assert!(op.sees(&names(&["red"])));
        assert_eq!(
            op.shown_groups(&names(&[ANON_GROUP, "red"])),
            names(&["red"])
        );
        let blue = Identity::both(&names(&["blue"]));
        assert_eq!(
            blue.shown_groups(&names(&["red", "blue"])),
            names(&["blue"])
        );
    }

    #[test]
    fn shared_with_is_never_empty() {
        assert_eq!(shared_with(&[]), names(&[ANON_GROUP]));
        assert_eq!(shared_with(&names(&["a"])), names(&["a"]));
    }
}
