//! The border as a line in longitude/latitude, oriented so that its
//! left is the north (US) side for a line drawn west to east; its
//! segments indexed in an R-tree so a track step tests only the few it
//! can touch. Chainage (metres along the line from its first vertex, by
//! the haversine distance of each segment) places a crossing on it.

use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Coord, Line};
use rstar::{RTree, RTreeObject, AABB};

/// Mean Earth radius, metres (the haversine sphere).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Which side of the line a point is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Left of the line's direction (north, for a line drawn west to east).
    Left,
    /// Right of it.
    Right,
}

impl Side {
    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
}

/// Why a border line was not taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BorderError {
    /// Fewer than two distinct vertices.
    #[error("a border needs at least two distinct vertices, got {0}")]
    TooShort(usize),
    /// A vertex that is not a longitude/latitude.
    #[error("vertex {index} ({lon}, {lat}) is not a longitude in [-180, 180] and a latitude in [-90, 90]")]
    BadVertex {
        /// Its position in the list.
        index: usize,
        /// Its longitude.
        lon: f64,
        /// Its latitude.
        lat: f64,
    },
    /// A GeoJSON text that is not a line.
    #[error("GeoJSON border: {0}")]
    GeoJson(String),
    /// A segment spanning more than 180° of longitude (across the dateline).
    #[error(
        "segment {0} spans more than 180 degrees of longitude; split the line at the dateline"
    )]
    Dateline(usize),
}

/// One segment in the index.
#[derive(Debug, Clone, Copy)]
struct Segment {
    index: usize,
    line: Line<f64>,
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(
            [self.line.start.x, self.line.start.y],
            [self.line.end.x, self.line.end.y],
        )
    }
}

/// Where a step crosses the line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The segment crossed (from 0).
    pub segment: usize,
    /// The crossing point, (lon, lat).
    pub point: (f64, f64),
    /// Metres along the line from its first vertex.
    pub chainage_m: f64,
    /// The side the step ends on.
    pub to: Side,
}

/// The border line. See the module documentation.
#[derive(Debug, Clone)]
pub struct Border {
    vertices: Vec<Coord<f64>>,
    /// Chainage of each vertex, metres.
    at: Vec<f64>,
    index: RTree<Segment>,
}

/// Great-circle distance between two (lon, lat) points, metres.
pub fn haversine_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (la1, la2) = (a.y.to_radians(), b.y.to_radians());
    let dla = la2 - la1;
    let dlo = (b.x - a.x).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

fn side_of(line: Line<f64>, p: Coord<f64>) -> Option<Side> {
    match RobustKernel::orient2d(line.start, line.end, p) {
        Orientation::CounterClockwise => Some(Side::Left),
        Orientation::Clockwise => Some(Side::Right),
        Orientation::Collinear => None,
    }
}

/// The US–Mexico land boundary shipped with watchfloor (Natural Earth
/// 1:10m through world-atlas, west to east), as
/// `scripts/extract-border.mjs` writes it.
const US_MEXICO: &str = include_str!("../data/us-mx-border.json");

#[derive(serde::Deserialize)]
struct LineFile {
    vertices: Vec<(f64, f64)>,
}

impl Border {
    /// The US–Mexico boundary shipped in the binary, west (Pacific) to east
    /// (Gulf), its left the US side. A map-scale line (Natural Earth
    /// 1:10m): good for counting crossings by sector, not for surveying.
    pub fn us_mexico() -> Result<Border, BorderError> {
        let file: LineFile =
            serde_json::from_str(US_MEXICO).map_err(|_| BorderError::TooShort(0))?;
        Border::new(&file.vertices)
    }

    /// A border from a GeoJSON `LineString` (or a `Feature` holding one),
    /// an operator's own line.
    pub fn from_geojson(text: &str) -> Result<Border, BorderError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BorderError::GeoJson(e.to_string()))?;
        let geom = v.get("geometry").unwrap_or(&v);
        if geom.get("type").and_then(|t| t.as_str()) != Some("LineString") {
            return Err(BorderError::GeoJson(
                "not a LineString (or a Feature with one)".into(),
            ));
        }
        let coords: Vec<(f64, f64)> = geom
            .get("coordinates")
            .and_then(|c| c.as_array())
            .ok_or_else(|| BorderError::GeoJson("no coordinates".into()))?
            .iter()
            .map(|p| {
                let x = p.get(0).and_then(serde_json::Value::as_f64);
                let y = p.get(1).and_then(serde_json::Value::as_f64);
                x.zip(y)
                    .ok_or_else(|| BorderError::GeoJson("a position is not [lon, lat]".into()))
            })
            .collect::<Result<_, _>>()?;
        Border::new(&coords)
    }

    /// A border through `vertices` (lon, lat), in order; repeated
    /// vertices are dropped.
    pub fn new(vertices: &[(f64, f64)]) -> Result<Border, BorderError> {
        let mut v: Vec<Coord<f64>> = Vec::with_capacity(vertices.len());
        for (index, &(lon, lat)) in vertices.iter().enumerate() {
            let ok = lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0;
            if !ok {
                return Err(BorderError::BadVertex { index, lon, lat });
            }
            let c = Coord { x: lon, y: lat };
            if v.last() != Some(&c) {
                v.push(c);
            }
        }
        if v.len() < 2 {
            return Err(BorderError::TooShort(v.len()));
        }
        let mut at = Vec::with_capacity(v.len());
        let mut total = 0.0;
        let mut segments = Vec::with_capacity(v.len() - 1);
        for (i, w) in v.windows(2).enumerate() {
            if (w[1].x - w[0].x).abs() > 180.0 {
                return Err(BorderError::Dateline(i));
            }
            at.push(total);
            total += haversine_m(w[0], w[1]);
            segments.push(Segment {
                index: i,
                line: Line::new(w[0], w[1]),
            });
        }
        at.push(total);
        Ok(Border {
            vertices: v,
            at,
            index: RTree::bulk_load(segments),
        })
    }

    /// Its length, metres.
    pub fn length_m(&self) -> f64 {
        self.at.last().copied().unwrap_or(0.0)
    }

    /// How many vertices it has.
    pub fn vertex_count(&self) -> usize {
        self.vertices.len()
    }

    fn segment(&self, i: usize) -> Option<Line<f64>> {
        Some(Line::new(
            *self.vertices.get(i)?,
            *self.vertices.get(i + 1)?,
        ))
    }

    /// Metres from `p` to segment `i`, in a local flat frame (good for the
    /// short distances of hysteresis).
    pub fn distance_to_segment_m(&self, i: usize, p: (f64, f64)) -> f64 {
        let Some(s) = self.segment(i) else {
            return f64::INFINITY;
        };
        let k = p.1.to_radians().cos().max(1e-6);
        let m = EARTH_RADIUS_M.to_radians();
        let (ax, ay) = ((s.start.x - p.0) * k * m, (s.start.y - p.1) * m);
        let (bx, by) = ((s.end.x - p.0) * k * m, (s.end.y - p.1) * m);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (cx, cy) = (ax + t * dx, ay + t * dy);
        (cx * cx + cy * cy).sqrt()
    }

    /// The point `chainage_m` metres along the line (clamped to its ends),
    /// (lon, lat).
    pub fn point_at(&self, chainage_m: f64) -> (f64, f64) {
        let c = chainage_m.clamp(0.0, self.length_m());
        let i = self
            .at
            .partition_point(|&a| a <= c)
            .clamp(1, self.at.len() - 1)
            - 1;
        let (a, b) = (self.vertices[i], self.vertices[i + 1]);
        let span = self.at[i + 1] - self.at[i];
        let t = if span > 0.0 {
            (c - self.at[i]) / span
        } else {
            0.0
        };
        (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
    }

    /// The chainage of the point of the line nearest `p`, metres, and how
    /// far `p` is from it (a linear scan: for configuration, not per fix).
    pub fn locate(&self, p: (f64, f64)) -> (f64, f64) {
        let mut best = (0.0, f64::INFINITY);
        for i in 0..self.vertices.len() - 1 {
            let d = self.distance_to_segment_m(i, p);
            if d < best.1 {
                let (a, b) = (self.vertices[i], self.vertices[i + 1]);
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    (((p.0 - a.x) * dx + (p.1 - a.y) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                best = (self.at[i] + t * (self.at[i + 1] - self.at[i]), d);
            }
        }
        best
    }

    /// Whether `p` lies on the line (on a segment, exactly, by the robust
    /// predicate): a fix there has no side yet.
    pub fn touches(&self, p: (f64, f64)) -> bool {
        let c = Coord { x: p.0, y: p.1 };
        let env = AABB::from_point([p.0, p.1]);
        self.index
            .locate_in_envelope_intersecting(&env)
            .any(|seg| side_of(seg.line, c).is_none())
    }

    /// Where the step from `a` to `b` strictly crosses the line, in the
    /// order along the step. A step that only touches the line, runs along
    /// it or ends on it crosses nothing; a step through a vertex crosses
    /// once. A step of more than 180° of longitude is not a step (a wrap
    /// or a gap) and crosses nothing.
    pub fn crossings(&self, a: (f64, f64), b: (f64, f64)) -> Vec<Hit> {
        let (pa, pb) = (Coord { x: a.0, y: a.1 }, Coord { x: b.0, y: b.1 });
        let finite = [a.0, a.1, b.0, b.1].iter().all(|x| x.is_finite());
        if !finite || (pb.x - pa.x).abs() > 180.0 || pa == pb {
            return Vec::new();
        }
        let step = Line::new(pa, pb);
        let env = AABB::from_corners([pa.x, pa.y], [pb.x, pb.y]);
        let mut hits: Vec<(f64, Hit)> = Vec::new();
        for seg in self.index.locate_in_envelope_intersecting(&env) {
            let Some(LineIntersection::SinglePoint { intersection, .. }) =
                line_intersection(step, seg.line)
            else {
                continue;
            };
            // Strict sides of both ends against this segment's line: a
            // touch, or an end on the line, is not a crossing.
            let (Some(from), Some(to)) = (side_of(seg.line, pa), side_of(seg.line, pb)) else {
                continue;
            };
            if from == to {
                continue;
            }
            let along = haversine_m(pa, intersection);
            let chainage_m = self.at[seg.index] + haversine_m(seg.line.start, intersection);
            hits.push((
                along,
                Hit {
                    segment: seg.index,
                    point: (intersection.x, intersection.y),
                    chainage_m,
                    to,
                },
            ));
        }
        hits.sort_by(|x, y| x.0.total_cmp(&y.0));
        // Through a vertex, both segments report the same point: once.
        hits.dedup_by(|x, y| (x.0 - y.0).abs() < 1e-6 && x.1.to == y.1.to);
        hits.into_iter().map(|(_, h)| h).collect()
    }
}
