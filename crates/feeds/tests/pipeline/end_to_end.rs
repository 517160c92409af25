//! End to end, sans IO, on a SIMULATED scene: a radar sees two ground targets
//! and an aircraft; the aircraft also reports over SBS. Checks the published
//! CoT: types, positions, course and speed, sensors, identity, marks, deletes.

use std::collections::BTreeMap;

use cot::Event;
use feeds::{Affiliation, FeedsError};

use super::scene::*;
use super::sim::*;

fn detail_attr<'a>(e: &'a Event, el: &str, attr: &str) -> Option<&'a str> {
    e.detail.child(el).and_then(|c| c.attr(attr))
}

fn nearest_target(e: &Event, targets: &[Target], t: f64) -> (usize, f64) {
    let f = frame();
    let [x, y, _] = f.geodetic_to_enu(&fusion::geo::Geodetic {
        lat_deg: e.point.lat,
        lon_deg: e.point.lon,
        alt_m: 0.0,
    });
    targets
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let [gx, gy] = g.at(t);
            (i, (gx - x).hypot(gy - y))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

#[test]
fn simulated_radar_and_sbs_become_cot_tracks() {
    let targets = scene();
    let mut p = pipeline();
    let mut marked: Option<String> = None;
    let events = run(&mut p, &targets, 60.0, |p, t, so_far| {
        // At 20 s the operator marks the northbound ground track hostile.
        if t == 20.0 {
            let (_, e) = so_far
                .iter()
                .rev()
                .find(|(et, e)| nearest_target(e, &targets, *et).0 == 0)
                .expect("the northbound target is tracked by 20 s");
            let uid = e.uid.clone();
            p.mark(
                &uid,
                Affiliation::Hostile,
                Some("seen at the fence line".into()),
            )
            .unwrap();
            marked = Some(uid);
        }
    });
    assert_eq!(p.stats().rejected(), 0, "{:?}", p.stats());
    assert!(p.stats().accepted > 80, "{:?}", p.stats());
    // Per sensor: the radar and the ADS-B receiver spoke until the end; the
    // cameras and the ground station never did, which is what shows them silent.
    let seen: Vec<(&str, bool, bool)> = p
        .sensors()
        .map(|s| (s.id.as_str(), s.accepted > 0, s.last_seen.is_some()))
        .collect();
    assert_eq!(
        seen,
        [
            ("radar-1", true, true),
            ("adsb-1", true, true),
            ("cams", false, false),
            ("adsb-gs", false, false)
        ]
    );
    let accepted: u64 = p.sensors().map(|s| s.accepted).sum();
    assert_eq!(accepted, p.stats().accepted);
    let radar = p.sensors().next().expect("radar");
    assert!(radar.messages >= radar.accepted);
    let last = radar.last_seen.expect("seen");
    assert!(last > T0 + 50.0 && last <= T0 + 61.0, "{last}");

    // Which uid is which target, from the event positions.
    let mut by_uid: BTreeMap<String, Vec<(f64, Event)>> = BTreeMap::new();
    for (t, e) in &events {
        if e.kind != "t-x-d-d" {
            by_uid
                .entry(e.uid.clone())
                .or_default()
                .push((*t, e.clone()));
        }
    }
    assert_eq!(by_uid.len(), 3, "one track per target: {:?}", by_uid.keys());
    let mut uid_of = [String::new(), String::new(), String::new()];
    for (uid, evs) in &by_uid {
        let (t, e) = evs.last().unwrap();
        let (i, err) = nearest_target(e, &targets, *t);
        assert!(err < 250.0, "track {uid} is {err} m from target {i}");
        uid_of[i] = uid.clone();
    }
    assert!(uid_of.iter().all(|u| !u.is_empty()), "{uid_of:?}");

    for (i, g) in targets.iter().enumerate() {
        let evs = &by_uid[&uid_of[i]];
        // Once settled (10 s after its first publication), every event is close.
        let first = evs[0].0;
        for (t, e) in evs.iter().filter(|(t, _)| *t > first + 10.0) {
            let (_, err) = nearest_target(e, &targets, *t);
            let tol = if g.air.is_some() { 300.0 } else { 120.0 };
            assert!(err < tol, "target {i} at {t}: {err} m off");
            let speed: f64 = detail_attr(e, "track", "speed").unwrap().parse().unwrap();
            let course: f64 = detail_attr(e, "track", "course").unwrap().parse().unwrap();
            let true_speed = g.vel[0].hypot(g.vel[1]);
            let true_course = g.vel[0].atan2(g.vel[1]).to_degrees().rem_euclid(360.0);
            let dc = (course - true_course + 540.0).rem_euclid(360.0) - 180.0;
            // Ground targets: 4 s radar revisits, 20 m range noise; air: 1 Hz ADS-B.
            let (speed_tol, course_tol) = if g.air.is_some() {
                (10.0, 3.0)
            } else {
                (4.5, 15.0)
            };
            assert!(
                (speed - true_speed).abs() < speed_tol,
                "target {i} at {t}: speed {speed}"
            );
            assert!(dc.abs() < course_tol, "target {i} at {t}: course {course}");
            assert!(e.point.ce > 0.0 && e.point.ce < 600.0, "ce {}", e.point.ce);
            assert_eq!(e.how, "m-f");
            assert_eq!(e.stale.micros() - e.time.micros(), 10_000_000);
            let id = e.uid.rsplit('-').next().unwrap();
            // Known by its flight once ADS-B said it, else by its number.
            let name = detail_attr(e, "_aircot_", "flight")
                .or_else(|| detail_attr(e, "_aircot_", "icao"))
                .map_or(format!("TRK-{id}"), str::to_string);
            assert_eq!(detail_attr(e, "contact", "callsign"), Some(name.as_str()));
        }
        let last = &evs.last().unwrap().1;
        let sensors = detail_attr(last, "__watchfloor_track", "sensors").unwrap();
        if g.air.is_some() {
            assert!(last.kind == "a-u-A", "{}", last.kind);
            assert!(
                sensors.contains("radar-1") && sensors.contains("adsb-1"),
                "{sensors}"
            );
            assert_eq!(
                detail_attr(last, "__watchfloor_track", "icao"),
                Some("3C6444")
            );
            assert_eq!(
                detail_attr(last, "__watchfloor_track", "flight"),
                Some("DLH65A")
            );
            // The standard places: callsign, `_aircot_`, remarks.
            assert_eq!(detail_attr(last, "contact", "callsign"), Some("DLH65A"));
            assert_eq!(detail_attr(last, "_aircot_", "icao"), Some("3C6444"));
            assert_eq!(detail_attr(last, "_aircot_", "flight"), Some("DLH65A"));
            assert_eq!(
                last.detail.remarks().as_deref(),
                Some("ICAO 3C6444, flight DLH65A")
            );
            assert!((last.point.hae - 35_000.0 * 0.3048).abs() < 1.0);
        } else {
            assert!(last.kind.ends_with("-G"), "{}", last.kind);
            assert_eq!(sensors, "radar-1");
            assert_eq!(detail_attr(last, "__watchfloor_track", "icao"), None);
            assert_eq!(detail_attr(last, "_aircot_", "icao"), None);
            assert_eq!(last.point.hae, cot::UNKNOWN);
        }
    }

    // The mark made at 20 s.
    let marked = marked.unwrap();
    assert_eq!(marked, uid_of[0]);
    let g0 = &by_uid[&marked];
    assert!(g0
        .iter()
        .filter(|(t, _)| *t < 20.0)
        .all(|(_, e)| e.kind == "a-u-G"));
    let after: Vec<&Event> = g0
        .iter()
        .filter(|(t, _)| *t > 20.0)
        .map(|(_, e)| e)
        .collect();
    assert!(
        after.len() > 30,
        "published after the mark: {}",
        after.len()
    );
    for e in after {
        assert_eq!(e.kind, "a-h-G");
        assert_eq!(
            e.detail.remarks().as_deref(),
            Some("seen at the fence line")
        );
    }

    // The eastbound target left radar cover at 30 s: its track ends with a delete.
    let gone = &uid_of[1];
    let (t_del, del) = events
        .iter()
        .find(|(_, e)| e.kind == "t-x-d-d" && e.detail.links().iter().any(|l| &l.uid == gone))
        .expect("a delete for the vanished track");
    assert!((35.0..=50.0).contains(t_del), "deleted at {t_del}");
    assert_eq!(del.detail.links()[0].kind.as_deref(), Some("a-u-G"));
    assert!(!events.iter().any(|(t, e)| t > t_del && &e.uid == gone));
    assert_eq!(p.stats().tracks_deleted, 1);
    assert!(!p.track_uids().contains(gone));
}

#[test]
fn marks_need_a_live_track_and_bounded_remarks() {
    let targets = scene();
    let mut p = pipeline();
    run(&mut p, &targets, 15.0, |_, _, _| {});
    let uid = p.track_uids().into_iter().next().unwrap();
    assert!(matches!(
        p.mark("watchfloor-trk-999", Affiliation::Hostile, None),
        Err(FeedsError::UnknownTrack(_))
    ));
    assert!(matches!(
        p.mark("nonsense", Affiliation::Friend, None),
        Err(FeedsError::UnknownTrack(_))
    ));
    assert!(matches!(
        p.mark(&uid, Affiliation::Friend, Some("x".repeat(5000))),
        Err(FeedsError::RemarksTooLong(_))
    ));
    for (aff, letter) in [
        (Affiliation::Friend, 'f'),
        (Affiliation::Neutral, 'n'),
        (Affiliation::Suspect, 's'),
        (Affiliation::Pending, 'p'),
        (Affiliation::Unknown, 'u'),
    ] {
        p.mark(&uid, aff, None).unwrap();
        // A mark republishes the track at once.
        let e = std::iter::from_fn(|| p.poll_event()).last().unwrap();
        assert_eq!(e.uid, uid);
        assert_eq!(e.kind.chars().nth(2), Some(letter));
        // No mark remarks: only the aircraft's identity, if it is one.
        let ident = e.detail.remarks();
        assert!(
            ident.as_deref().is_none_or(|r| r.starts_with("ICAO ")),
            "{ident:?}"
        );
    }
}

#[test]
fn same_input_same_output() {
    let targets = scene();
    let (mut a, mut b) = (pipeline(), pipeline());
    let ea = run(&mut a, &targets, 20.0, |_, _, _| {});
    let eb = run(&mut b, &targets, 20.0, |_, _, _| {});
    assert_eq!(ea, eb);
    assert_eq!(a.stats(), b.stats());
}

#[test]
fn simulated_cat021_adsb_becomes_an_air_track_with_identity() {
    let mut p = pipeline();
    let start = [10_000.0, -15_000.0];
    let vel = [-150.0, 150.0];
    let mut last = None;
    for k in 0..=20 {
        let t = f64::from(k);
        let (lat, lon) = to_latlon(start[0] + vel[0] * t, start[1] + vel[1] * t);
        let rec = cat021_record(t - 0.3, lat, lon, 0x4B1908, 120.0);
        p.ingest_asterix("adsb-gs", &block(21, &[rec]), at(T0 + t));
        p.handle_timeout(at(T0 + t));
        while let Some(e) = p.poll_event() {
            last = Some((t, e));
        }
    }
    let (t, e) = last.expect("a published track");
    assert_eq!(p.stats().accepted, 21);
    assert_eq!(e.kind, "a-u-A");
    assert_eq!(
        detail_attr(&e, "__watchfloor_track", "icao"),
        Some("4B1908")
    );
    assert_eq!(
        detail_attr(&e, "__watchfloor_track", "sensors"),
        Some("adsb-gs")
    );
    assert!((e.point.hae - 12_000.0 * 0.3048).abs() < 1.0);
    let course: f64 = detail_attr(&e, "track", "course").unwrap().parse().unwrap();
    assert!((course - 315.0).abs() < 3.0, "{course}");
    // Published at the step time, extrapolated from the 0.3 s old report.
    let truth = [start[0] + vel[0] * t, start[1] + vel[1] * t];
    let (tl, tn) = to_latlon(truth[0], truth[1]);
    let err_m = ((e.point.lat - tl) * 111_000.0).hypot((e.point.lon - tn) * 95_000.0);
    assert!(err_m < 150.0, "{err_m} m");
}
