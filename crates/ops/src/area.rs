//! Areas: a task's area of operations and an authority's bound (a National
//! Defense Area, a CBP-assigned zone, a proclamation's scope), as simple
//! polygons in WGS-84 degrees. Validity and containment come from `geo`.

use geo::{Contains, Coord, LineString, Polygon, Validation};
use serde::{Deserialize, Serialize};

/// A simple polygon, vertices as `[longitude, latitude]` in WGS-84 degrees
/// (the GeoJSON order); the ring closes itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<[f64; 2]>", into = "Vec<[f64; 2]>")]
pub struct Area {
    ring: Vec<[f64; 2]>,
    polygon: Polygon<f64>,
}

/// Why a polygon was not taken as an area.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    /// Fewer than three distinct vertices.
    #[error("an area needs at least three distinct vertices")]
    TooFew,
    /// More vertices than an area of operations has any reason for.
    #[error("an area has at most {max} vertices")]
    TooMany {
        /// The limit.
        max: usize,
    },
    /// A coordinate is not a number or outside WGS-84.
    #[error("vertex {index} is not a longitude/latitude in degrees")]
    OutOfRange {
        /// Which vertex.
        index: usize,
    },
    /// The boundary crosses itself (or is otherwise not a simple polygon).
    #[error("the area's boundary is not simple: {0}")]
    NotSimple(String),
}

/// The most vertices an area may have.
pub const MAX_VERTICES: usize = 10_000;

impl Area {
    /// A validated area from `[lon, lat]` vertices.
    pub fn new(mut ring: Vec<[f64; 2]>) -> Result<Area, AreaError> {
        if ring.len() > MAX_VERTICES {
            return Err(AreaError::TooMany { max: MAX_VERTICES });
        }
        for (index, [lon, lat]) in ring.iter().enumerate() {
            if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
                return Err(AreaError::OutOfRange { index });
            }
        }
        if ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        let mut distinct = ring.clone();
        distinct.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        distinct.dedup();
        if distinct.len() < 3 {
            return Err(AreaError::TooFew);
        }
        let coords: Vec<Coord<f64>> = ring.iter().map(|[x, y]| Coord { x: *x, y: *y }).collect();
        let polygon = Polygon::new(LineString::new(coords), Vec::new());
        if let Err(e) = polygon.check_validation() {
            return Err(AreaError::NotSimple(e.to_string()));
        }
        Ok(Area { ring, polygon })
    }

    /// A rectangle from its south-west and north-east corners (tests, demo).
    pub fn rect(west: f64, south: f64, east: f64, north: f64) -> Result<Area, AreaError> {
        Area::new(vec![
            [west, south],
            [east, south],
            [east, north],
            [west, north],
        ])
    }

    /// Whether `other` lies wholly inside this area.
    pub fn contains(&self, other: &Area) -> bool {
        self.polygon.contains(&other.polygon)
    }

    /// Whether the point (`lon`, `lat`) lies inside.
    pub fn contains_point(&self, lon: f64, lat: f64) -> bool {
        self.polygon.contains(&Coord { x: lon, y: lat })
    }

    /// The vertices as given (without the closing repeat).
    pub fn vertices(&self) -> &[[f64; 2]] {
        &self.ring
    }

    /// The mean of the vertices: where a task's marker goes on a map.
    pub fn centre(&self) -> (f64, f64) {
        let n = self.ring.len() as f64;
        let (x, y) = self
            .ring
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p[0], y + p[1]));
        (x / n, y / n)
    }
}

impl TryFrom<Vec<[f64; 2]>> for Area {
    type Error = AreaError;

    fn try_from(ring: Vec<[f64; 2]>) -> Result<Self, Self::Error> {
        Area::new(ring)
    }
}

impl From<Area> for Vec<[f64; 2]> {
    fn from(a: Area) -> Self {
        a.ring
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bow_tie_is_refused_and_nesting_is_seen() {
        let bow = Area::new(vec![[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]);
        assert!(matches!(bow, Err(AreaError::NotSimple(_))), "{bow:?}");
        assert_eq!(
            Area::new(vec![[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]),
            Err(AreaError::TooFew)
        );
        assert_eq!(
            Area::new(vec![[0.0, 0.0], [f64::NAN, 1.0], [1.0, 0.0]]),
            Err(AreaError::OutOfRange { index: 1 })
        );
        let big = Area::rect(-107.0, 31.5, -106.0, 32.0).expect("rect");
        let small = Area::rect(-106.8, 31.6, -106.6, 31.7).expect("rect");
        let outside = Area::rect(-105.99, 31.6, -105.9, 31.7).expect("rect");
        assert!(big.contains(&small) && !small.contains(&big) && !big.contains(&outside));
        assert!(big.contains_point(-106.5, 31.75) && !big.contains_point(-105.5, 31.75));
    }
}
