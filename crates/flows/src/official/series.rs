//! Monthly series keyed by who counted (component), where (region) and
//! which sector; and merging series from several files into one.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ImportError;
use super::Import;
use crate::month::Month;

/// Which series a count belongs to.
///
/// `component` is `USBP`, `OFO` or `CBP` (the state file, which does not
/// split by component). `region` is `Southwest`, `Northern`, `Coastal`,
/// `Other` or `Total`. `sector` is the sector code (`RGV`), the OFO field
/// office's city, a state code (`TX`), or a total named like its region
/// (`Southwest`, …, `Total`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    /// Who counted.
    pub component: String,
    /// The land border region.
    pub region: String,
    /// The sector, office, state or total.
    pub sector: String,
}

impl Key {
    /// A key from its three parts.
    pub fn new(component: &str, region: &str, sector: &str) -> Key {
        Key {
            component: component.to_owned(),
            region: region.to_owned(),
            sector: sector.to_owned(),
        }
    }

    /// The key of a region's total (sector named like the region).
    pub fn total(component: &str, region: &str) -> Key {
        Key::new(component, region, region)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.component, self.region, self.sector)
    }
}

/// Monthly counts of one key.
///
/// A month that is absent was not reported (`N/A` in a Border Patrol
/// table, or not covered by the file); a reported quiet month is a zero.
/// The two must not be confused: a closed sector is not a quiet one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// Which series.
    pub key: Key,
    /// The reported months. In JSON a map from `"YYYY-MM"` to the count.
    #[serde(with = "month_map")]
    pub points: BTreeMap<Month, u64>,
}

impl Series {
    /// An empty series.
    pub fn new(key: Key) -> Series {
        Series {
            key,
            points: BTreeMap::new(),
        }
    }

    /// The first and last reported months.
    pub fn span(&self) -> Option<(Month, Month)> {
        let first = self.points.keys().next()?;
        let last = self.points.keys().next_back()?;
        Some((*first, *last))
    }

    /// The count of `month`, `None` where it was not reported.
    pub fn get(&self, month: Month) -> Option<u64> {
        self.points.get(&month).copied()
    }

    /// Every month from `from` to `to` inclusive, `None` where not
    /// reported; empty when `to` is before `from`.
    pub fn contiguous(&self, from: Month, to: Month) -> Vec<Option<u64>> {
        months(from, to).map(|m| self.get(m)).collect()
    }

    /// Like [`Series::contiguous`] with unreported months as zero, for
    /// methods that need a number in every bin; use [`Series::missing`]
    /// to know which zeros are not real.
    pub fn zero_filled(&self, from: Month, to: Month) -> Vec<u64> {
        months(from, to).map(|m| self.get(m).unwrap_or(0)).collect()
    }

    /// The months from `from` to `to` that were not reported.
    pub fn missing(&self, from: Month, to: Month) -> Vec<Month> {
        months(from, to)
            .filter(|m| !self.points.contains_key(m))
            .collect()
    }

    /// The sum of the reported months.
    pub fn total(&self) -> u64 {
        self.points.values().fold(0, |a, b| a.saturating_add(*b))
    }
}

/// The months from `from` to `to` inclusive.
fn months(from: Month, to: Month) -> impl Iterator<Item = Month> {
    let n = usize::try_from(from.months_until(to) + 1).unwrap_or(0);
    std::iter::successors(Some(from), |m| Some(m.next())).take(n)
}

/// Merges the series of several imports (for example one Border Patrol
/// table per fiscal year) into one series per key, sorted by key.
///
/// A month given by two files with the same count is kept once; with
/// different counts the merge is refused, since which file is right is a
/// question for a person.
pub fn merge(imports: &[Import]) -> Result<Vec<Series>, ImportError> {
    merge_series(imports.iter().flat_map(|i| i.series.iter()))
}

/// [`merge`] over series from anywhere (stored ones and a new import).
pub fn merge_series<'a>(
    series: impl IntoIterator<Item = &'a Series>,
) -> Result<Vec<Series>, ImportError> {
    let mut merged: BTreeMap<Key, BTreeMap<Month, u64>> = BTreeMap::new();
    for s in series {
        let points = merged.entry(s.key.clone()).or_default();
        for (&month, &count) in &s.points {
            match points.insert(month, count) {
                Some(first) if first != count => {
                    return Err(ImportError::Conflict {
                        key: s.key.clone(),
                        month,
                        first,
                        second: count,
                    })
                }
                _ => {}
            }
        }
    }
    Ok(merged
        .into_iter()
        .map(|(key, points)| Series { key, points })
        .collect())
}

/// Serde for a month-keyed map: `Month` serializes as `"YYYY-MM"` but has
/// no `Deserialize`, so the keys are parsed here.
mod month_map {
    use std::collections::BTreeMap;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::month::Month;

    pub(super) fn serialize<S: Serializer>(
        points: &BTreeMap<Month, u64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        points.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<Month, u64>, D::Error> {
        let raw = BTreeMap::<String, u64>::deserialize(d)?;
        raw.into_iter()
            .map(|(k, v)| Ok((k.parse::<Month>().map_err(D::Error::custom)?, v)))
            .collect()
    }
}
