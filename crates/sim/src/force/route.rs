//! Closed routes in the sector's East-North-Up plane, walked at constant speed.
//! Position is a closed-form function of time, so how often the caller steps
//! never changes where a unit is.
//!
//! # Units
//! Metres (east, north), seconds, metres per second, degrees clockwise from
//! true north.

use std::f64::consts::{PI, TAU};

use super::config::Motion;

/// Segments per half circle of a racetrack turn, and per full orbit: 15° and
/// 10° course steps, smooth on a map at the SA rate.
const TURN_SEGMENTS: usize = 12;
const ORBIT_SEGMENTS: usize = 36;

/// Where a route may lie, metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bounds {
    pub(super) east: (f64, f64),
    pub(super) north: (f64, f64),
}

/// A closed polyline (the last point joins the first) and a speed along it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Route {
    points: Vec<[f64; 2]>,
    /// Distance from the first point to point `i`, metres; one more entry
    /// than `points`, the last being the loop length.
    along: Vec<f64>,
    speed_mps: f64,
    /// Distance along the loop at time 0, metres.
    phase_m: f64,
}

/// Where a unit is and where it heads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Fix {
    pub(super) east_m: f64,
    pub(super) north_m: f64,
    /// Course over ground, degrees in [0, 360).
    pub(super) course_deg: f64,
    /// Speed over ground, metres per second.
    pub(super) speed_mps: f64,
}

impl Route {
    /// The route `motion` describes, moved by (`shift_east_m`,
    /// `shift_north_m`), then moved again as little as needed to lie inside
    /// `bounds`, with speed times `speed_factor` and start `phase` (0-1) of
    /// the way round.
    pub(super) fn build(
        motion: &Motion,
        shift: [f64; 2],
        speed_factor: f64,
        phase: f64,
        bounds: Bounds,
    ) -> Self {
        let (mut points, speed) = match *motion {
            Motion::Post { east_m, north_m } => (vec![[east_m, north_m]], 0.0),
            Motion::Patrol {
                east_m,
                north_m,
                length_m,
                speed_mps,
            } => (patrol(east_m, north_m, length_m.abs()), speed_mps),
            Motion::Racetrack {
                east_m,
                north_m,
                length_m,
                width_m,
                speed_mps,
                ..
            } => (
                racetrack(east_m, north_m, length_m.abs(), width_m.abs()),
                speed_mps,
            ),
            Motion::Orbit {
                east_m,
                north_m,
                radius_m,
                speed_mps,
                ..
            } => (orbit(east_m, north_m, radius_m.abs()), speed_mps),
        };
        for p in &mut points {
            p[0] += shift[0];
            p[1] += shift[1];
        }
        fit(&mut points, bounds);
        let mut along = vec![0.0];
        let mut total = 0.0;
        for (i, p) in points.iter().enumerate() {
            let q = points.get(i + 1).or(points.first()).unwrap_or(p);
            total += (q[0] - p[0]).hypot(q[1] - p[1]);
            along.push(total);
        }
        let speed_mps = if speed.is_finite() && total > 0.0 {
            (speed * speed_factor).max(0.0)
        } else {
            0.0
        };
        Route {
            points,
            along,
            speed_mps,
            phase_m: phase.clamp(0.0, 1.0) * total,
        }
    }

    /// Position, course and speed `t_s` seconds after the start.
    pub(super) fn at(&self, t_s: f64) -> Fix {
        let total = self.along.last().copied().unwrap_or(0.0);
        let first = self.points.first().copied().unwrap_or([0.0, 0.0]);
        if self.speed_mps <= 0.0 || total <= 0.0 || !t_s.is_finite() {
            return Fix {
                east_m: first[0],
                north_m: first[1],
                course_deg: 0.0,
                speed_mps: 0.0,
            };
        }
        let s = (self.phase_m + self.speed_mps * t_s).rem_euclid(total);
        // The segment whose start is the last one at or before `s`.
        let i = self
            .along
            .partition_point(|&a| a <= s)
            .saturating_sub(1)
            .min(self.points.len().saturating_sub(1));
        let a = self.points.get(i).copied().unwrap_or(first);
        let b = self.points.get(i + 1).copied().unwrap_or(first);
        let seg = self.along.get(i + 1).copied().unwrap_or(total)
            - self.along.get(i).copied().unwrap_or(0.0);
        let f = if seg > 0.0 {
            (s - self.along.get(i).copied().unwrap_or(0.0)) / seg
        } else {
            0.0
        };
        Fix {
            east_m: a[0] + f * (b[0] - a[0]),
            north_m: a[1] + f * (b[1] - a[1]),
            course_deg: (b[0] - a[0])
                .atan2(b[1] - a[1])
                .to_degrees()
                .rem_euclid(360.0),
            speed_mps: self.speed_mps,
        }
    }

    /// The route's corner points, metres.
    #[cfg(test)]
    pub(super) fn points(&self) -> &[[f64; 2]] {
        &self.points
    }
}

/// Out along the line, a dog-leg north in the middle third, and back.
fn patrol(e: f64, n: f64, len: f64) -> Vec<[f64; 2]> {
    let leg = (len / 6.0).min(400.0);
    let out = [
        [e - len / 2.0, n],
        [e - len / 6.0, n],
        [e, n + leg],
        [e + len / 6.0, n],
        [e + len / 2.0, n],
    ];
    // The way back retraces the inner points; the loop closes on the first.
    let mut pts = out.to_vec();
    pts.extend(out[1..4].iter().rev());
    pts
}

/// Clockwise racetrack: east along the north leg, turn south, west along the
/// south leg, turn north.
fn racetrack(e: f64, n: f64, len: f64, width: f64) -> Vec<[f64; 2]> {
    let r = width / 2.0;
    let mut pts = Vec::with_capacity(2 * TURN_SEGMENTS + 2);
    for (cx, start) in [(e + len / 2.0, PI / 2.0), (e - len / 2.0, -PI / 2.0)] {
        for k in 0..=TURN_SEGMENTS {
            let a = start - PI * k as f64 / TURN_SEGMENTS as f64;
            pts.push([cx + r * a.cos(), n + r * a.sin()]);
        }
    }
    pts
}

/// Clockwise circle starting due north of the centre.
fn orbit(e: f64, n: f64, radius: f64) -> Vec<[f64; 2]> {
    (0..ORBIT_SEGMENTS)
        .map(|k| {
            let a = PI / 2.0 - TAU * k as f64 / ORBIT_SEGMENTS as f64;
            [e + radius * a.cos(), n + radius * a.sin()]
        })
        .collect()
}

/// Moves `points` as little as possible to lie inside `bounds` (centred on
/// an axis where they cannot fit).
fn fit(points: &mut [[f64; 2]], bounds: Bounds) {
    for (axis, (lo, hi)) in [bounds.east, bounds.north].into_iter().enumerate() {
        let min = points.iter().map(|p| p[axis]).fold(f64::INFINITY, f64::min);
        let max = points
            .iter()
            .map(|p| p[axis])
            .fold(f64::NEG_INFINITY, f64::max);
        let shift = if max - min > hi - lo {
            (lo + hi - min - max) / 2.0
        } else if min < lo {
            lo - min
        } else if max > hi {
            hi - max
        } else {
            0.0
        };
        if shift.is_finite() {
            for p in points.iter_mut() {
                p[axis] += shift;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDE: Bounds = Bounds {
        east: (-50_000.0, 50_000.0),
        north: (0.0, 50_000.0),
    };

    #[test]
    fn routes_are_moved_inside_their_bounds() {
        let m = Motion::Patrol {
            east_m: 26_000.0,
            north_m: 100.0,
            length_m: 4_000.0,
            speed_mps: 1.0,
        };
        let b = Bounds {
            east: (-27_000.0, 27_000.0),
            north: (300.0, 8_000.0),
        };
        let r = Route::build(&m, [0.0, 0.0], 1.0, 0.0, b);
        let (e, n): (Vec<f64>, Vec<f64>) = r.points().iter().map(|p| (p[0], p[1])).unzip();
        assert_eq!(e.iter().copied().fold(f64::MIN, f64::max), 27_000.0);
        assert_eq!(n.iter().copied().fold(f64::MAX, f64::min), 300.0);
    }

    #[test]
    fn a_racetrack_is_flown_clockwise_at_constant_speed() {
        let m = Motion::Racetrack {
            east_m: 0.0,
            north_m: 5_000.0,
            length_m: 10_000.0,
            width_m: 2_000.0,
            speed_mps: 50.0,
            height_m: 300.0,
        };
        let r = Route::build(&m, [0.0, 0.0], 1.0, 0.0, WIDE);
        let loop_m = 2.0 * 10_000.0 + 2.0 * 12.0 * 2.0 * 1_000.0 * (PI / 24.0).sin();
        // A full lap brings it back where it started.
        let (a, b) = (r.at(0.0), r.at(loop_m / 50.0));
        assert!((a.east_m - b.east_m).abs() < 1e-6 && (a.north_m - b.north_m).abs() < 1e-6);
        // Starting at the top of the east turn it heads south-east, then
        // westbound on the southern leg a quarter lap later.
        assert!(
            a.course_deg > 90.0 && a.course_deg < 180.0,
            "{}",
            a.course_deg
        );
        let west = r.at(loop_m / 4.0 / 50.0);
        assert!((west.course_deg - 270.0).abs() < 1e-9 && west.north_m < 5_000.0);
        assert_eq!(west.speed_mps, 50.0);
    }

    #[test]
    fn a_post_stays_put() {
        let r = Route::build(
            &Motion::Post {
                east_m: 10.0,
                north_m: 20.0,
            },
            [1.0, 2.0],
            1.0,
            0.5,
            WIDE,
        );
        assert_eq!(r.points().len(), 1);
        let f = r.at(1e6);
        assert_eq!((f.east_m, f.north_m, f.speed_mps), (11.0, 22.0, 0.0));
    }
}
