//! Sectors: which stretch of the border a crossing belongs to.
//!
//! Two forms, one answer ([`Sectors::locate`]):
//! - **intervals of chainage** along the border line, the default and
//!   exact on the line: the nine Southwest Border Patrol sectors are
//!   shipped as boundary points ([`SOUTHWEST`]) projected onto the line at
//!   start, or an operator gives intervals in kilometres;
//! - **polygons** an operator supplies as GeoJSON; a crossing is placed by
//!   its point on the line.
//!
//! No public source publishes sector boundaries as geometry; the shipped
//! points are where public descriptions of each sector put its ends (a
//! county line meeting the border), so they are **approximate** (tens of
//! kilometres) and editable. A crossing outside every sector counts under
//! [`OUTSIDE`].

use geo::{Contains, Coord, MultiPolygon, Point, Polygon};
use serde::Serialize;
use thiserror::Error;

use crate::border::Border;

/// The code under which crossings outside every sector count.
pub const OUTSIDE: &str = "OUT";

/// A boundary between two shipped sectors: where the public description
/// of the sector to its west ends, (lon, lat), and why there.
#[derive(Debug, Clone, Copy)]
pub struct Boundary {
    /// The point, (lon, lat).
    pub point: (f64, f64),
    /// What the point is.
    pub why: &'static str,
}

/// The nine Southwest sectors, west to east: (code, name). The US Border
/// Patrol's own codes, as CBP's data files use them.
pub const SOUTHWEST_SECTORS: [(&str, &str); 9] = [
    ("SDC", "San Diego"),
    ("ELC", "El Centro"),
    ("YUM", "Yuma"),
    ("TCA", "Tucson"),
    ("EPT", "El Paso"),
    ("BBT", "Big Bend"),
    ("DRT", "Del Rio"),
    ("LRT", "Laredo"),
    ("RGV", "Rio Grande Valley"),
];

/// The eight boundaries between them, west to east (approximate; see the
/// module documentation).
pub const SOUTHWEST: [Boundary; 8] = [
    Boundary {
        point: (-116.106, 32.62),
        why: "San Diego / Imperial county line",
    },
    Boundary {
        point: (-114.9, 32.7),
        why: "the Imperial Sand Dunes, where Yuma sector's 126 miles begin",
    },
    Boundary {
        point: (-113.333, 32.04),
        why: "Yuma / Pima county line",
    },
    Boundary {
        point: (-109.05, 31.33),
        why: "Arizona / New Mexico line",
    },
    Boundary {
        point: (-104.97, 30.63),
        why: "Hudspeth / Presidio county line on the Rio Grande",
    },
    Boundary {
        point: (-101.76, 29.78),
        why: "Terrell / Val Verde county line on the Rio Grande",
    },
    Boundary {
        point: (-100.23, 28.2),
        why: "Maverick / Webb county line on the Rio Grande",
    },
    Boundary {
        point: (-99.25, 26.62),
        why: "Zapata / Starr county line on the Rio Grande",
    },
];

/// Why a sector definition was refused.
#[derive(Debug, Error, PartialEq)]
pub enum SectorError {
    /// An interval that is empty, reversed, off the line or overlapping.
    #[error("sector {code}: {why}")]
    Interval {
        /// The sector.
        code: String,
        /// What is wrong.
        why: String,
    },
    /// A code used twice, empty, or the reserved one.
    #[error("sector code {0:?} is empty, reserved or used twice")]
    Code(String),
    /// A boundary point too far from the line to mean anything.
    #[error("boundary {index} is {distance_km:.0} km from the border line")]
    OffLine {
        /// Which boundary.
        index: usize,
        /// How far.
        distance_km: f64,
    },
    /// GeoJSON that is not a collection of polygons with codes.
    #[error("sector GeoJSON: {0}")]
    GeoJson(String),
}

/// How a sector is drawn.
#[derive(Debug, Clone)]
enum Shape {
    Interval { from_m: f64, to_m: f64 },
    Polygon(MultiPolygon<f64>),
}

/// One sector.
#[derive(Debug, Clone)]
pub struct Sector {
    /// Its code (`RGV`).
    pub code: String,
    /// Its name for people.
    pub name: String,
    shape: Shape,
}

/// A sector as the API and the analyst's page show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectorView {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its stretch of the line, kilometres of chainage, for interval
    /// sectors.
    pub from_km: Option<f64>,
    /// Where it ends.
    pub to_km: Option<f64>,
    /// Its stretch of the line as (lon, lat) points, for drawing.
    pub line: Vec<(f64, f64)>,
}

/// The sectors in use. See the module documentation.
#[derive(Debug, Clone)]
pub struct Sectors {
    list: Vec<Sector>,
}

impl Sectors {
    /// The nine Southwest Border Patrol sectors on `border`, by the shipped
    /// boundary points; the first starts at the line's west end and the
    /// last ends at its east end.
    pub fn us_southwest(border: &Border) -> Result<Sectors, SectorError> {
        let mut cuts = vec![0.0];
        for (index, b) in SOUTHWEST.iter().enumerate() {
            let (at, off) = border.locate(b.point);
            if off > 50_000.0 {
                return Err(SectorError::OffLine {
                    index,
                    distance_km: off / 1000.0,
                });
            }
            cuts.push(at);
        }
        cuts.push(border.length_m());
        let intervals = SOUTHWEST_SECTORS
            .iter()
            .zip(cuts.windows(2))
            .map(|(&(code, name), w)| (code.to_string(), name.to_string(), w[0], w[1]))
            .collect();
        Sectors::from_intervals(border, intervals)
    }

    /// Sectors from intervals `(code, name, from_m, to_m)` of chainage on
    /// `border`: each non-empty, on the line, none overlapping.
    pub fn from_intervals(
        border: &Border,
        mut intervals: Vec<(String, String, f64, f64)>,
    ) -> Result<Sectors, SectorError> {
        intervals.sort_by(|a, b| a.2.total_cmp(&b.2));
        let length = border.length_m();
        let mut list: Vec<Sector> = Vec::with_capacity(intervals.len());
        let mut end = f64::NEG_INFINITY;
        for (code, name, from_m, to_m) in intervals {
            let bad = |why: &str| SectorError::Interval {
                code: code.clone(),
                why: why.to_string(),
            };
            if !(from_m.is_finite() && to_m.is_finite()) || from_m >= to_m {
                return Err(bad("its interval is empty or reversed"));
            }
            if from_m < -1.0 || to_m > length + 1.0 {
                return Err(bad(&format!(
                    "its interval leaves the line ({:.0} km long)",
                    length / 1000.0
                )));
            }
            if from_m < end {
                return Err(bad("it overlaps the sector before it"));
            }
            end = to_m;
            list.push(Sector {
                code,
                name,
                shape: Shape::Interval { from_m, to_m },
            });
        }
        Sectors::checked(list)
    }

    /// Sectors from a GeoJSON `FeatureCollection` of `Polygon` or
    /// `MultiPolygon` features, each with a `code` property (and `name`).
    pub fn from_geojson(text: &str) -> Result<Sectors, SectorError> {
        let bad = |why: &str| SectorError::GeoJson(why.to_string());
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SectorError::GeoJson(e.to_string()))?;
        let features = v
            .get("features")
            .and_then(|f| f.as_array())
            .ok_or_else(|| bad("not a FeatureCollection"))?;
        let mut list = Vec::with_capacity(features.len());
        for (i, f) in features.iter().enumerate() {
            let props = f.get("properties");
            let text_of = |k: &str| {
                props
                    .and_then(|p| p.get(k))
                    .and_then(|c| c.as_str())
                    .map(str::to_string)
            };
            let code = text_of("code").ok_or_else(|| bad(&format!("feature {i} has no code")))?;
            let name = text_of("name").unwrap_or_else(|| code.clone());
            let geom = f
                .get("geometry")
                .ok_or_else(|| bad(&format!("feature {i} has no geometry")))?;
            let shape = multipolygon(geom).ok_or_else(|| {
                bad(&format!(
                    "feature {i} ({code}) is not a Polygon or MultiPolygon of [lon, lat]"
                ))
            })?;
            list.push(Sector {
                code,
                name,
                shape: Shape::Polygon(shape),
            });
        }
        Sectors::checked(list)
    }

    fn checked(list: Vec<Sector>) -> Result<Sectors, SectorError> {
        let mut seen = std::collections::HashSet::new();
        for s in &list {
            if s.code.trim().is_empty() || s.code == OUTSIDE || !seen.insert(s.code.as_str()) {
                return Err(SectorError::Code(s.code.clone()));
            }
        }
        Ok(Sectors { list })
    }

    /// The sectors, west to east for intervals.
    pub fn list(&self) -> &[Sector] {
        &self.list
    }

    /// The code of the sector holding the point `chainage_m` along
    /// `border`, else [`OUTSIDE`].
    pub fn locate<'a>(&'a self, border: &Border, chainage_m: f64) -> &'a str {
        let mut point = None;
        for s in &self.list {
            let inside = match &s.shape {
                Shape::Interval { from_m, to_m } => *from_m <= chainage_m && chainage_m < *to_m,
                Shape::Polygon(shape) => {
                    let (x, y) = *point.get_or_insert_with(|| border.point_at(chainage_m));
                    shape.contains(&Point::new(x, y))
                }
            };
            if inside {
                return &s.code;
            }
        }
        // The east end of the last interval belongs to it.
        match self.list.last() {
            Some(Sector {
                code,
                shape: Shape::Interval { to_m, .. },
                ..
            }) if chainage_m == *to_m => code,
            _ => OUTSIDE,
        }
    }

    /// What the API shows of each sector, with its stretch of `border`
    /// sampled every `step_m` metres for drawing.
    pub fn views(&self, border: &Border, step_m: f64) -> Vec<SectorView> {
        self.list
            .iter()
            .map(|s| {
                let (from_km, to_km, line) = match s.shape {
                    Shape::Interval { from_m, to_m } => {
                        let n = ((to_m - from_m) / step_m.max(100.0)).ceil().max(1.0) as usize;
                        let line = (0..=n)
                            .map(|i| {
                                border.point_at(from_m + (to_m - from_m) * i as f64 / n as f64)
                            })
                            .collect();
                        (Some(from_m / 1000.0), Some(to_m / 1000.0), line)
                    }
                    Shape::Polygon(_) => (None, None, Vec::new()),
                };
                SectorView {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    from_km,
                    to_km,
                    line,
                }
            })
            .collect()
    }
}

fn ring(v: &serde_json::Value) -> Option<geo::LineString<f64>> {
    let coords: Option<Vec<Coord<f64>>> = v
        .as_array()?
        .iter()
        .map(|p| {
            let x = p.get(0)?.as_f64()?;
            let y = p.get(1)?.as_f64()?;
            (x.is_finite() && y.is_finite()).then_some(Coord { x, y })
        })
        .collect();
    let coords = coords?;
    (coords.len() >= 4).then(|| geo::LineString::new(coords))
}

fn polygon(v: &serde_json::Value) -> Option<Polygon<f64>> {
    let rings = v.as_array()?;
    let outer = ring(rings.first()?)?;
    let holes: Option<Vec<_>> = rings[1..].iter().map(ring).collect();
    Some(Polygon::new(outer, holes?))
}

fn multipolygon(geom: &serde_json::Value) -> Option<MultiPolygon<f64>> {
    let coords = geom.get("coordinates")?;
    match geom.get("type")?.as_str()? {
        "Polygon" => Some(MultiPolygon::new(vec![polygon(coords)?])),
        "MultiPolygon" => {
            let polys: Option<Vec<_>> = coords.as_array()?.iter().map(polygon).collect();
            Some(MultiPolygon::new(polys?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> Border {
        Border::new(&[(-110.0, 31.0), (-109.0, 31.0), (-108.0, 31.0)]).expect("border")
    }

    #[test]
    fn the_shipped_sectors_cover_the_line_west_to_east_in_plausible_lengths() {
        let border = Border::us_mexico().expect("border");
        let sectors = Sectors::us_southwest(&border).expect("sectors");
        let views = sectors.views(&border, 10_000.0);
        let codes: Vec<&str> = views.iter().map(|v| v.code.as_str()).collect();
        assert_eq!(
            codes,
            ["SDC", "ELC", "YUM", "TCA", "EPT", "BBT", "DRT", "LRT", "RGV"]
        );
        let km: Vec<f64> = views
            .iter()
            .map(|v| v.to_km.unwrap_or(0.0) - v.from_km.unwrap_or(0.0))
            .collect();
        // The published border miles (SDC 60, ELC 70, YUM 126, TCA 262, EPT
        // 268, BBT 517, DRT 210, LRT 171, RGV 316) on a smoothed 1:10m line:
        // each within a factor of two, river sectors shorter.
        let published = [60.0, 70.0, 126.0, 262.0, 268.0, 517.0, 210.0, 171.0, 316.0];
        for ((code, got), miles) in codes.iter().zip(&km).zip(published) {
            let want = miles * 1.609;
            assert!(
                *got > want * 0.4 && *got < want * 1.6,
                "{code}: {got:.0} km on our line vs {want:.0} km published"
            );
        }
        // Nogales (Tucson) and Hidalgo (Rio Grande Valley).
        let (at, off) = border.locate((-110.94, 31.33));
        assert!(off < 5_000.0);
        assert_eq!(sectors.locate(&border, at), "TCA");
        let (at, _) = border.locate((-98.26, 26.09));
        assert_eq!(sectors.locate(&border, at), "RGV");
        assert_eq!(sectors.locate(&border, 0.0), "SDC");
        assert_eq!(sectors.locate(&border, border.length_m()), "RGV");
    }

    #[test]
    fn intervals_place_chainage_and_refuse_overlaps_gaps_are_outside() {
        let border = line();
        let len = border.length_m();
        let s = Sectors::from_intervals(
            &border,
            vec![
                ("B".into(), "East".into(), len / 2.0, len),
                ("A".into(), "West".into(), 0.0, len / 3.0),
            ],
        )
        .expect("sectors");
        assert_eq!(s.locate(&border, 10.0), "A");
        assert_eq!(s.locate(&border, len * 0.4), OUTSIDE);
        assert_eq!(s.locate(&border, len * 0.9), "B");
        let overlap = Sectors::from_intervals(
            &border,
            vec![
                ("A".into(), "a".into(), 0.0, len / 2.0),
                ("B".into(), "b".into(), len / 3.0, len),
            ],
        );
        assert!(matches!(overlap, Err(SectorError::Interval { code, .. }) if code == "B"));
        let reversed = Sectors::from_intervals(&border, vec![("A".into(), "a".into(), 5.0, 1.0)]);
        assert!(reversed.is_err());
        let off = Sectors::from_intervals(&border, vec![("A".into(), "a".into(), 0.0, len * 2.0)]);
        assert!(off.is_err());
        let twice = Sectors::from_intervals(
            &border,
            vec![
                ("A".into(), "a".into(), 0.0, 1.0),
                ("A".into(), "a".into(), 2.0, 3.0),
            ],
        );
        assert_eq!(twice.err(), Some(SectorError::Code("A".into())));
        let reserved =
            Sectors::from_intervals(&border, vec![(OUTSIDE.into(), "x".into(), 0.0, 1.0)]);
        assert!(reserved.is_err());
    }

    #[test]
    fn polygons_place_a_crossing_by_its_point_on_the_line() {
        let border = line();
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"W","name":"West"},
           "geometry":{"type":"Polygon","coordinates":[[[-110.5,30],[-109,30],[-109,32],[-110.5,32],[-110.5,30]]]}},
          {"type":"Feature","properties":{"code":"E"},
           "geometry":{"type":"MultiPolygon","coordinates":[[[[-108.9,30],[-107,30],[-107,32],[-108.9,32],[-108.9,30]]]]}}]}"#;
        let s = Sectors::from_geojson(text).expect("sectors");
        let (west, _) = border.locate((-109.5, 31.0));
        let (gap, _) = border.locate((-108.95, 31.0));
        let (east, _) = border.locate((-108.5, 31.0));
        assert_eq!(s.locate(&border, west), "W");
        assert_eq!(s.locate(&border, gap), OUTSIDE);
        assert_eq!(s.locate(&border, east), "E");
        assert_eq!(
            s.list()[1].name,
            "E",
            "the code names a sector without a name"
        );
        for bad in [
            "",
            "{}",
            r#"{"features":[{"properties":{},"geometry":{"type":"Polygon","coordinates":[]}}]}"#,
            r#"{"features":[{"properties":{"code":"X"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
            r#"{"features":[{"properties":{"code":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}}]}"#,
        ] {
            assert!(Sectors::from_geojson(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn points_along_the_line_come_back_to_their_chainage() {
        let border = Border::us_mexico().expect("border");
        for km in [0.0, 1.0, 250.0, 1000.0, 2000.0, 2600.0] {
            let p = border.point_at(km * 1000.0);
            let (at, off) = border.locate(p);
            assert!(off < 1.0, "{km} km: {off} m off the line");
            assert!((at - km * 1000.0).abs() < 50.0, "{km} km came back as {at}");
        }
        let end = border.point_at(f64::INFINITY);
        assert!(end.0.is_finite());
    }
}
