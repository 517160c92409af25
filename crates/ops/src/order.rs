//! Orders (AUTHORITIES.md §2.1, §5.1 Order): WARNORD, OPORD, FRAGORD,
//! EXORD, request for assistance and mission assignment, each with its
//! date-time group, issuer, USMTF-style references, five-paragraph text,
//! the tasks it creates and the suspenses it sets. A FRAGORD names a base
//! order and repeats only what it changes, so orders form a tree
//! ([`Orders`]) whose effective text at any instant is the base text with
//! the FRAGORDs issued by then applied in DTG order.
//!
//! Pure: every instant is a [`Time`] passed in; nothing reads a clock.

mod address;
mod error;
mod tree;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use cot::Time;
use serde::{Deserialize, Serialize};

pub use address::{AddressError, MainParagraph, ParagraphAddr};
pub use error::OrderError;
pub use tree::{EffectiveOrder, EffectiveParagraph, Orders};

/// What kind of order it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderKind {
    /// Warning order: advance notice, no fixed format.
    Warnord,
    /// Operation order, the five-paragraph base order.
    Opord,
    /// Fragmentary order: changes a base order and repeats only the
    /// changed paragraphs.
    Fragord,
    /// Execute order: executes an approved plan.
    Exord,
    /// A civil authority's request for assistance (AUTHORITIES.md §2.2).
    Rfa,
    /// A FEMA mission assignment (44 CFR 206.2(a)(18)); `MA`, the short
    /// form of AUTHORITIES.md §5.1, reads too.
    #[serde(alias = "MA")]
    MissionAssignment,
}

impl OrderKind {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            OrderKind::Warnord => "WARNORD",
            OrderKind::Opord => "OPORD",
            OrderKind::Fragord => "FRAGORD",
            OrderKind::Exord => "EXORD",
            OrderKind::Rfa => "RFA",
            OrderKind::MissionAssignment => "MISSION_ASSIGNMENT",
        }
    }
}

impl fmt::Display for OrderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefTarget {
    /// An authority record on file, by id, so the decision rule and the
    /// order cite the same record.
    Authority(String),
    /// A document not on file as an authority (a base order, a directive).
    Document(String),
}

/// One reference line (USMTF `REF/A/...`): the authorities and documents
/// the order cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The letter: `A` for the first, `B` for the next, in order.
    pub letter: char,
    /// What it points at.
    pub target: RefTarget,
    /// The citation as written (`DOD DIRECTIVE 3025.18`, `18 U.S.C. 1385`).
    pub citation: String,
    /// The referenced message's or document's date-time group, if it has one.
    #[serde(
        default,
        with = "dtg_serde::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub dtg: Option<Time>,
}

/// What a FRAGORD does to one paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edit {
    /// New text for a paragraph the order already has; its sub-paragraphs
    /// stay (a FRAGORD changes them by their own addresses).
    Replace(String),
    /// Removes a paragraph the order has, with its sub-paragraphs: a
    /// sub-paragraph without its parent would have nothing to belong to.
    Delete,
    /// A paragraph the order does not have yet.
    Add(String),
}

/// One change a FRAGORD makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The paragraph it changes.
    pub paragraph: ParagraphAddr,
    /// What it does to it.
    pub change: Edit,
}

/// A due instant an order sets ("recommend within 90 days"); the engine
/// opens a [`crate::suspense::Suspense`] for each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSuspense {
    /// Unique id within the order.
    pub id: String,
    /// Who owes it (a role or a unit).
    pub owner: String,
    /// When it is due; never before the order's DTG.
    #[serde(with = "dtg_serde::required")]
    pub due: Time,
    /// What is owed, in a line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Warning thresholds; absent: T-7d and T-1d.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<crate::suspense::Lead>>,
}

/// One order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Unique id (`OPORD-25-01`, `FRAGORD-25-01-003`).
    pub id: String,
    /// What kind.
    pub kind: OrderKind,
    /// Its date-time group: when it was issued, and for a FRAGORD when
    /// its changes take effect.
    #[serde(with = "dtg_serde::required")]
    pub dtg: Time,
    /// Who issued it (a headquarters or a role).
    pub issuer: String,
    /// What it is about, in a line.
    #[serde(default)]
    pub subject: String,
    /// The references, `A` first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// The text by paragraph address, in document order. Empty for a
    /// FRAGORD, whose text is its changes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub paragraphs: BTreeMap<ParagraphAddr, String>,
    /// Ids of the tasks it creates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    /// The suspenses it sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspenses: Vec<OrderSuspense>,
    /// The order it changes (FRAGORD only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// What it changes, applied in this order (FRAGORD only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

impl Order {
    /// An order with no subject, text, references, tasks, suspenses or
    /// changes yet: the caller fills in what it has.
    pub fn new(id: &str, kind: OrderKind, dtg: Time, issuer: &str) -> Order {
        Order {
            id: id.into(),
            kind,
            dtg,
            issuer: issuer.into(),
            subject: String::new(),
            references: Vec::new(),
            paragraphs: BTreeMap::new(),
            tasks: Vec::new(),
            suspenses: Vec::new(),
            base: None,
            changes: Vec::new(),
        }
    }
}

/// Serde for instants in orders: written as ISO-8601 UTC like every other
/// ops record, read from either ISO-8601 or a date-time group, so an
/// `ops apply` file can carry the DTG exactly as the message had it.
pub(crate) mod dtg_serde {
    use cot::Time;
    use serde::{Deserialize, Deserializer, Serializer};

    /// ISO-8601 to the millisecond (the precision the audit log keeps),
    /// else a DTG.
    fn read(text: &str) -> Result<Time, String> {
        Time::parse(text)
            .map(|t| Time::from_millis(t.millis()))
            .or_else(|_| crate::suspense::parse_dtg(text))
            .map_err(|e| e.to_string())
    }

    /// A required instant.
    pub(crate) mod required {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(t)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
            read(&String::deserialize(d)?).map_err(serde::de::Error::custom)
        }
    }

    /// An optional instant.
    pub(crate) mod optional {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(t: &Option<Time>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.collect_str(t),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Time>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| read(&text).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}
