//! Crossings on a simulated border (a straight line with one kink) by
//! simulated tracks: clean crossings, jitter along the line, turn-backs,
//! touches, vertices, gaps, the dateline and the poles; and random walks
//! against the contract.

use proptest::prelude::*;

use super::*;
use crate::border::Border;

/// Metres to degrees of latitude.
const M: f64 = 1.0 / 111_195.0;

fn border() -> Border {
    Border::new(&[(-110.0, 31.5), (-105.0, 31.5), (-100.0, 31.6)]).expect("border")
}

fn run(fixes: &[(f64, f64, i64)], until_s: i64) -> (Vec<FlowEvent>, CrossingDetector) {
    let mut d = CrossingDetector::new(border(), CrossingConfig::default());
    let mut out = Vec::new();
    for &(lon, lat, t) in fixes {
        d.update(7, TrackKind::Ground, lon, lat, t, &mut out);
    }
    d.handle_timeout(until_s, &mut out);
    (out, d)
}

/// A track going north across the line at `lon`, `step_m` every 10 s,
/// from `from_m` south of it to `to_m` north.
fn north(lon: f64, from_m: f64, to_m: f64, step_m: f64) -> Vec<(f64, f64, i64)> {
    let mut v = Vec::new();
    let mut m = -from_m;
    let mut t = 0;
    while m <= to_m {
        v.push((lon, 31.5 + m * M, t));
        m += step_m;
        t += 10;
    }
    v
}

#[test]
fn a_clean_crossing_counts_once_after_it_has_stood() {
    let fixes = north(-107.5, 200.0, 600.0, 20.0);
    let last = fixes.last().map_or(0, |f| f.2);
    let (early, _) = run(&fixes[..15], 140);
    assert!(early.is_empty(), "not yet stood: {early:?}");
    let (out, _) = run(&fixes, last + 60);
    assert_eq!(out.len(), 1, "{out:?}");
    let FlowEvent::Crossing {
        direction,
        chainage_m,
        kind,
        at_s,
    } = out[0]
    else {
        panic!("{out:?}");
    };
    // Stamped with the first fix on the new side (the one on the line has none).
    assert_eq!(
        (direction, kind, at_s),
        (Direction::Northbound, TrackKind::Ground, 110)
    );
    // 2.5 degrees of longitude at 31.5°N.
    assert!((chainage_m - 237_100.0).abs() < 500.0, "{chainage_m}");
}

#[test]
fn jitter_along_the_line_counts_nothing() {
    let fixes: Vec<(f64, f64, i64)> = (0..600)
        .map(|i| {
            let side = if i % 2 == 0 { 12.0 } else { -12.0 };
            (
                -108.0 + f64::from(i) * 0.0001,
                31.5 + side * M,
                i64::from(i) * 5,
            )
        })
        .collect();
    let (out, d) = run(&fixes, 10_000);
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(d.tracks(), 0, "forgotten after the gap");
}

#[test]
fn out_and_back_within_the_window_is_one_turn_back() {
    let mut fixes = north(-106.0, 100.0, 300.0, 40.0);
    let t0 = fixes.last().map_or(0, |f| f.2);
    for (i, m) in (0..=10i32).map(|i| (i64::from(i), 300.0 - f64::from(i) * 40.0)) {
        fixes.push((-106.0, 31.5 + m * M, t0 + 10 * (i + 1)));
    }
    let (out, _) = run(&fixes, t0 + 5_000);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        matches!(
            out[0],
            FlowEvent::TurnBack {
                direction: Direction::Northbound,
                ..
            }
        ),
        "{out:?}"
    );
}

#[test]
fn a_touch_and_a_run_along_the_line_are_not_crossings() {
    let touch = [
        (-107.0, 31.5 - 100.0 * M, 0),
        (-107.0, 31.5, 10),
        (-107.0, 31.5 - 100.0 * M, 20),
    ];
    assert!(run(&touch, 5_000).0.is_empty());
    let along = [(-107.0, 31.5, 0), (-106.9, 31.5, 10), (-106.8, 31.5, 20)];
    assert!(run(&along, 5_000).0.is_empty());
}

#[test]
fn a_crossing_through_a_vertex_counts_once() {
    let fixes: Vec<(f64, f64, i64)> = (0..40)
        .map(|i| {
            (
                -105.0,
                31.5 + (f64::from(i) * 20.0 - 200.0) * M,
                i64::from(i) * 10,
            )
        })
        .collect();
    let (out, _) = run(&fixes, 5_000);
    assert_eq!(out.len(), 1, "{out:?}");
    let FlowEvent::Crossing { chainage_m, .. } = out[0] else {
        panic!("{out:?}");
    };
    assert!(
        (chainage_m - border().length_m() / 2.0).abs() < 2_000.0,
        "at the kink: {chainage_m}"
    );
}

#[test]
fn gaps_the_dateline_the_poles_and_garbage_do_not_count_or_crash() {
    let gap = [
        (-107.0, 31.5 - 500.0 * M, 0),
        (-107.0, 31.5 + 500.0 * M, 1_000),
        (-107.0, 31.5 + 600.0 * M, 1_010),
    ];
    assert!(
        run(&gap, 9_000).0.is_empty(),
        "a step over a gap is not a crossing"
    );
    let odd = [
        (179.9, 10.0, 0),
        (-179.9, 10.0, 10),
        (0.0, 90.0, 20),
        (0.0, -90.0, 30),
        (f64::NAN, 31.5, 40),
        (-107.0, f64::INFINITY, 50),
        (500.0, 31.5, 60),
    ];
    assert!(run(&odd, 9_000).0.is_empty());
    assert!(
        Border::new(&[(179.0, 0.0), (-179.0, 0.0)]).is_err(),
        "split at the dateline"
    );
    assert!(Border::new(&[(0.0, 0.0), (0.0, 0.0)]).is_err());
    assert!(Border::new(&[(0.0, 95.0), (1.0, 0.0)]).is_err());
}

#[test]
fn a_track_that_goes_silent_is_confirmed_if_it_qualified_else_dropped() {
    let far = [
        (-107.0, 31.5 - 100.0 * M, 0),
        (-107.0, 31.5 + 100.0 * M, 10),
        (-107.0, 31.5 + 200.0 * M, 20),
    ];
    let (out, d) = run(&far, 2_000);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(d.dropped(), 0);
    let near = [(-107.0, 31.5 - 100.0 * M, 0), (-107.0, 31.5 + 10.0 * M, 10)];
    let (out, d) = run(&near, 2_000);
    assert!(out.is_empty());
    assert_eq!(d.dropped(), 1);
}

proptest! {
    #[test]
    fn confirmed_crossings_alternate_and_end_on_the_tracks_side(
        steps in proptest::collection::vec((-80.0f64..80.0, -80.0f64..80.0, 1i64..120), 1..200),
        end_north in any::<bool>(),
    ) {
        let mut d = CrossingDetector::new(border(), CrossingConfig::default());
        let mut out = Vec::new();
        let (mut lon, mut lat_m, mut t) = (-107.0, -300.0, 0i64);
        d.update(1, TrackKind::Ground, lon, 31.5 + lat_m * M, t, &mut out);
        for (dx, dy, dt) in steps {
            lon += dx * M;
            lat_m += dy;
            t += dt;
            d.update(1, TrackKind::Ground, lon, 31.5 + lat_m * M, t, &mut out);
        }
        // End well clear of the line on a chosen side, and stay.
        let end_m = if end_north { 400.0 } else { -400.0 };
        for k in 1..=3 {
            d.update(1, TrackKind::Ground, lon, 31.5 + end_m * M, t + 60 * k, &mut out);
        }
        d.handle_timeout(t + 10_000, &mut out);
        let mut side_north = false;
        for e in &out {
            if let FlowEvent::Crossing { direction, .. } = e {
                let north = *direction == Direction::Northbound;
                prop_assert_ne!(north, side_north, "crossings alternate: {:?}", out);
                side_north = north;
            }
        }
        prop_assert_eq!(side_north, end_north, "{:?}", out);
    }
}

#[test]
fn the_shipped_border_runs_from_the_pacific_to_the_gulf_with_the_us_on_its_left() {
    let b = Border::us_mexico().expect("shipped border");
    let km = b.length_m() / 1000.0;
    // The boundary is about 3,145 km along the Rio Grande's meanders; the
    // 1:10m line smooths them and measures 2,644 km. Chainage on it is a
    // position for sectors, not a surveyed distance.
    assert!((2_600.0..2_700.0).contains(&km), "{km} km");
    // Northbound through Nogales (Arizona above, Sonora below).
    let mut d = CrossingDetector::new(b, CrossingConfig::default());
    let mut out = Vec::new();
    for i in 0..60 {
        let lat = 31.30 + f64::from(i) * 0.001;
        d.update(
            1,
            TrackKind::Ground,
            -110.94,
            lat,
            i64::from(i) * 10,
            &mut out,
        );
    }
    d.handle_timeout(10_000, &mut out);
    assert_eq!(out.len(), 1, "{out:?}");
    let FlowEvent::Crossing {
        direction,
        chainage_m,
        ..
    } = out[0]
    else {
        panic!("{out:?}");
    };
    assert_eq!(direction, Direction::Northbound);
    // Nogales is some 600 km east of the Pacific end along the line.
    assert!((450_000.0..800_000.0).contains(&chainage_m), "{chainage_m}");
}

#[test]
fn an_operators_geojson_line_reads_and_garbage_does_not() {
    let line = r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[-110,31.5],[-100,31.5]]},"properties":{}}"#;
    assert_eq!(Border::from_geojson(line).map(|b| b.vertex_count()), Ok(2));
    for bad in [
        "",
        "{}",
        r#"{"type":"Point","coordinates":[1,2]}"#,
        r#"{"type":"LineString","coordinates":[[1],[2,3]]}"#,
        r#"{"type":"LineString","coordinates":[[1,2]]}"#,
    ] {
        assert!(Border::from_geojson(bad).is_err(), "{bad:?}");
    }
}
