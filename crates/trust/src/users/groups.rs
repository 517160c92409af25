//! Group memberships with a direction, as TAK servers model them: IN groups are those a user
//! may send to, OUT groups those it may receive from.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::fsutil;

/// Which way a membership works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// May send to the group.
    In,
    /// May receive from the group.
    Out,
    /// Both send and receive.
    Both,
}

impl Direction {
    /// Whether the membership lets the user send into the group.
    pub fn is_in(self) -> bool {
        matches!(self, Direction::In | Direction::Both)
    }

    /// Whether the membership lets the user receive from the group.
    pub fn is_out(self) -> bool {
        matches!(self, Direction::Out | Direction::Both)
    }
}

/// A group membership as written on the command line and in `users.toml`: `NAME` (both
/// directions), `NAME:in` or `NAME:out`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupSpec {
    /// The group's name.
    pub name: String,
    /// Which way the membership works.
    pub direction: Direction,
}

impl GroupSpec {
    /// Parses `NAME`, `NAME:in` or `NAME:out` (direction case-insensitive).
    pub fn parse(text: &str) -> Result<GroupSpec> {
        let (name, direction) = match text.rsplit_once(':') {
            None => (text, Direction::Both),
            Some((name, dir)) => {
                let direction = match dir.to_ascii_lowercase().as_str() {
                    "in" => Direction::In,
                    "out" => Direction::Out,
                    "both" => Direction::Both,
                    _ => return Err(Error::InvalidGroup(text.to_owned())),
                };
                (name, direction)
            }
        };
        fsutil::check_name(name).map_err(|_| Error::InvalidGroup(text.to_owned()))?;
        Ok(GroupSpec {
            name: name.to_owned(),
            direction,
        })
    }

    /// Parses a comma-separated list such as `G1:in,G2`; empty items are skipped.
    pub fn parse_list(text: &str) -> Result<Vec<GroupSpec>> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(GroupSpec::parse)
            .collect()
    }
}

impl FromStr for GroupSpec {
    type Err = Error;

    fn from_str(text: &str) -> Result<GroupSpec> {
        GroupSpec::parse(text)
    }
}

impl fmt::Display for GroupSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.direction {
            Direction::Both => write!(f, "{}", self.name),
            Direction::In => write!(f, "{}:in", self.name),
            Direction::Out => write!(f, "{}:out", self.name),
        }
    }
}

/// Splits memberships into (IN groups, OUT groups), each sorted and without duplicates.
pub(crate) fn split(specs: &[GroupSpec]) -> (Vec<String>, Vec<String>) {
    let mut ins: Vec<String> = specs
        .iter()
        .filter(|g| g.direction.is_in())
        .map(|g| g.name.clone())
        .collect();
    let mut outs: Vec<String> = specs
        .iter()
        .filter(|g| g.direction.is_out())
        .map(|g| g.name.clone())
        .collect();
    for list in [&mut ins, &mut outs] {
        list.sort();
        list.dedup();
    }
    (ins, outs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        let g = GroupSpec::parse("Alpha:in").unwrap();
        assert_eq!((g.name.as_str(), g.direction), ("Alpha", Direction::In));
        assert_eq!(GroupSpec::parse("B:OUT").unwrap().direction, Direction::Out);
        assert_eq!(GroupSpec::parse("C").unwrap().direction, Direction::Both);
        for text in ["Alpha:in", "B:out", "C"] {
            assert_eq!(GroupSpec::parse(text).unwrap().to_string(), text);
        }
        for bad in ["", ":in", "G:sideways", "a,b", "G\n"] {
            assert!(GroupSpec::parse(bad).is_err(), "{bad:?} accepted");
        }
        let list = GroupSpec::parse_list("G1:in, G2 ,").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            split(&list),
            (vec!["G1".into(), "G2".into()], vec!["G2".into()])
        );
    }
}
