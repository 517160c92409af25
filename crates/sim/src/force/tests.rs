use std::collections::HashMap;

use super::*;

/// 2026-01-01T00:00:00Z, an arbitrary start.
const T0: cot::Time = cot::Time::from_millis(1_767_225_600_000);
const TEN_MINUTES_S: i64 = 600;

fn run(seed: u64, secs: i64, step_ms: i64) -> Vec<ForceOutput> {
    let mut s = ForceScenario::new(&ForceConfig::border_sector(), seed);
    (0..=secs * 1000 / step_ms)
        .flat_map(|k| s.step(T0.plus_millis(k * step_ms)))
        .collect()
}

fn secs(t: cot::Time) -> f64 {
    (t.micros() - T0.micros()) as f64 / 1e6
}

/// Metres between two points (equirectangular; exact enough over 100 km).
fn distance_m(a: &cot::Point, b: &cot::Point) -> f64 {
    let lat = ((a.lat + b.lat) / 2.0).to_radians();
    let dn = (b.lat - a.lat).to_radians() * 6_371_000.0;
    let de = (b.lon - a.lon).to_radians() * 6_371_000.0 * lat.cos();
    dn.hypot(de)
}

fn is_position(e: &cot::Event) -> bool {
    e.kind.starts_with("a-f-")
}

#[test]
fn same_seed_same_events_other_seed_other_events() {
    let a = run(7, 120, 250);
    assert_eq!(a, run(7, 120, 250));
    assert_ne!(a, run(8, 120, 250));
    // The step cadence changes the order within a step, never the events.
    let mut xml_a: Vec<Vec<u8>> = a.iter().map(|o| cot::to_xml(&o.event)).collect();
    let mut xml_b: Vec<Vec<u8>> = run(7, 120, 1000)
        .iter()
        .map(|o| cot::to_xml(&o.event))
        .collect();
    xml_a.sort();
    xml_b.sort();
    assert_eq!(xml_a, xml_b);
}

#[test]
fn every_event_round_trips_and_is_labelled_simulation() {
    let out = run(1, TEN_MINUTES_S, 250);
    assert!(out.len() > 2_000, "{}", out.len());
    for o in &out {
        let xml = cot::to_xml(&o.event);
        assert_eq!(cot::parse_event(&xml).unwrap(), o.event);
        let remarks = o.event.detail.remarks().unwrap_or_default();
        assert!(
            remarks == "SIMULATION" || remarks.starts_with("[SIM] "),
            "unlabelled: {}",
            String::from_utf8_lossy(&xml)
        );
    }
}

#[test]
fn units_report_every_2_to_5_s_on_their_own_connection() {
    let config = ForceConfig::border_sector();
    let out = run(2, TEN_MINUTES_S, 250);
    let mut last: HashMap<&str, cot::Time> = HashMap::new();
    for o in out.iter().filter(|o| is_position(&o.event)) {
        let e = &o.event;
        let unit = config.units.get(o.unit).unwrap();
        if e.kind.starts_with("a-f-A") {
            assert_eq!(o.unit, config.air_relay, "aircraft are relayed by AIR OPS");
            assert!(e
                .detail
                .links()
                .iter()
                .any(|l| l.uid == "sim-force-air-ops"));
        } else {
            assert_eq!(e.detail.callsign().as_deref(), Some(unit.callsign.as_str()));
            let c = e.detail.contact().unwrap();
            assert_eq!(c.endpoint.as_deref(), Some("*:-1:stcp"));
            assert_eq!(
                e.detail.takv().unwrap().platform.as_deref(),
                Some("watchfloor-sim")
            );
            assert!(e.detail.team().unwrap().name.is_some());
        }
        assert_eq!(e.stale.micros() - e.time.micros(), 120_000_000);
        if let Some(prev) = last.insert(&e.uid, e.time) {
            let dt = secs(e.time) - secs(prev);
            // Stamps are whole milliseconds.
            assert!((1.999..=5.001).contains(&dt), "{} after {dt} s", e.uid);
        } else {
            assert!(secs(e.time) < 1.0, "{} first seen late", e.uid);
        }
    }
    assert_eq!(last.len(), 15, "12 units and 3 aircraft");
}

#[test]
fn everyone_stays_in_the_sector_on_the_us_side() {
    let c = ForceConfig::border_sector();
    let m_per_deg_lat = 111_000.0;
    let m_per_deg_lon = 111_320.0 * c.origin_lat_deg.to_radians().cos();
    let half_width_deg = c.half_width_m / m_per_deg_lon;
    for o in run(3, TEN_MINUTES_S, 500) {
        let p = o.event.point;
        let north_m = (p.lat - c.origin_lat_deg) * m_per_deg_lat;
        assert!(
            (p.lon - c.origin_lon_deg).abs() <= half_width_deg + 1e-4,
            "{p:?}"
        );
        if o.event.kind.starts_with("a-f-A") {
            assert!(
                north_m > 200.0 && north_m < c.air_max_north_m + 100.0,
                "{p:?}"
            );
            assert!(p.hae > c.terrain_height_m + 200.0);
        } else {
            // Ground units patrol within a few km of the border, on the US side.
            assert!(
                north_m > 200.0 && north_m < c.max_north_m + 100.0,
                "{} {p:?}",
                o.event.uid
            );
            assert_eq!(p.hae, c.terrain_height_m);
        }
    }
}

#[test]
fn speeds_are_those_of_people_vehicles_and_aircraft() {
    let mut prev: HashMap<String, cot::Event> = HashMap::new();
    let mut moving = HashMap::new();
    for o in run(4, TEN_MINUTES_S, 250)
        .into_iter()
        .filter(|o| is_position(&o.event))
    {
        let e = o.event;
        let speed = e.detail.track().and_then(|t| t.speed).unwrap();
        let (lo, hi) = match e.kind.as_str() {
            "a-f-A-M-H" => (30.0, 70.0),
            "a-f-A-M-F-Q" => (30.0, 80.0),
            "a-f-G-E-V" | "a-f-G-U-C" | "a-f-G-U-S-M" => (8.0, 15.0),
            _ if speed == 0.0 => (0.0, 0.0),
            _ => (1.0, 1.5),
        };
        assert!((lo..=hi).contains(&speed), "{} at {speed} m/s", e.uid);
        if let Some(p) = prev.get(&e.uid) {
            // The straight line between two reports is never longer than
            // the path at the reported speed.
            let moved = distance_m(&p.point, &e.point);
            let dt = secs(e.time) - secs(p.time);
            assert!(
                moved <= speed * dt * 1.01 + 0.5,
                "{} moved {moved} m in {dt} s",
                e.uid
            );
            *moving.entry(e.uid.clone()).or_insert(0.0) += moved;
        }
        prev.insert(e.uid.clone(), e);
    }
    // Patrols and aircraft really move; posts really stay.
    assert!(moving["sim-force-bravo-2"] > 5_000.0);
    assert!(moving["sim-force-alpha-1-1"] > 500.0);
    assert!(moving["sim-force-sentry-05"] > 25_000.0);
    assert_eq!(moving["sim-force-op-san-pedro"], 0.0);
}

#[test]
fn chat_comes_soon_and_then_every_40_to_90_s() {
    for seed in 10..15 {
        check_chat(&run(seed, TEN_MINUTES_S, 250));
    }
}

fn check_chat(out: &[ForceOutput]) {
    let chats: Vec<&ForceOutput> = out.iter().filter(|o| o.event.is_chat()).collect();
    assert!((7..=15).contains(&chats.len()), "{} chats", chats.len());
    assert!(secs(chats[0].event.time) <= 15.0);
    for w in chats.windows(2) {
        let gap = secs(w[1].event.time) - secs(w[0].event.time);
        assert!((40.0..=90.0).contains(&gap), "{gap}");
    }
    for o in chats {
        let e = &o.event;
        assert!(e.uid.starts_with("GeoChat.sim-force-"), "{}", e.uid);
        let chat = e.detail.chat().unwrap();
        let uid0 = chat.members.first().unwrap().clone();
        assert!(e
            .uid
            .starts_with(&format!("GeoChat.{uid0}.All Chat Rooms.")));
        assert_eq!(chat.chatroom.as_deref(), Some("All Chat Rooms"));
        assert_eq!(chat.id.as_deref(), Some("All Chat Rooms"));
        assert_eq!(
            chat.members,
            vec![uid0.clone(), "All Chat Rooms".to_string()]
        );
        assert!(chat.sender_callsign.is_some());
        assert_eq!(
            e.detail.links().first().map(|l| l.uid.clone()),
            Some(uid0.clone())
        );
        let remarks = e.detail.child("remarks").unwrap();
        assert_eq!(
            remarks.attr("source"),
            Some(format!("BAO.F.ATAK.{uid0}").as_str())
        );
        assert_eq!(remarks.attr("to"), Some("All Chat Rooms"));
        assert_eq!(remarks.attr("time"), Some(e.time.to_string().as_str()));
        assert!(e.detail.child("__serverdestination").is_some());
        assert!(e.detail.remarks().unwrap().len() > "[SIM] ".len());
    }
}

#[test]
fn alerts_come_soon_then_every_3_to_5_min_each_cancelled() {
    for seed in 20..25 {
        check_alerts(&run(seed, TEN_MINUTES_S, 250));
    }
}

fn check_alerts(out: &[ForceOutput]) {
    let alerts: Vec<&cot::Event> = out
        .iter()
        .map(|o| &o.event)
        .filter(|e| e.is_emergency())
        .collect();
    let raised: Vec<&&cot::Event> = alerts.iter().filter(|e| !e.is_emergency_cancel()).collect();
    assert!((2..=4).contains(&raised.len()), "{} alerts", raised.len());
    assert!(secs(raised[0].time) <= 60.0);
    for w in raised.windows(2) {
        let gap = secs(w[1].time) - secs(w[0].time);
        assert!((180.0..=300.0).contains(&gap), "{gap}");
    }
    for a in &raised {
        assert!(matches!(a.kind.as_str(), "b-a-o-opn" | "b-a-o-tbl"));
        let em = a.detail.emergency().unwrap();
        let label = if a.kind == "b-a-o-opn" {
            "Troops In Contact"
        } else {
            "911 Alert"
        };
        assert_eq!(em.kind.as_deref(), Some(label));
        let unit = a.detail.links().first().unwrap().uid.clone();
        assert_eq!(a.uid, format!("{unit}-9-1-1"));
        assert!(!em.text.is_empty());
        // Its cancel: same uid, 45-90 s later, if the run lasted that long.
        let cancel = alerts
            .iter()
            .find(|c| c.uid == a.uid && c.is_emergency_cancel() && c.time > a.time);
        match cancel {
            Some(c) => {
                assert_eq!(c.kind, "b-a-o-can");
                assert!(c.detail.emergency().unwrap().cancel);
                let after = secs(c.time) - secs(a.time);
                assert!((45.0..=90.0).contains(&after), "{after}");
            }
            None => assert!(
                secs(a.time) > (TEN_MINUTES_S - 90) as f64,
                "never cancelled"
            ),
        }
    }
}

#[test]
fn a_clock_going_back_sends_nothing_and_a_pause_does_not_burst() {
    let mut s = ForceScenario::new(&ForceConfig::border_sector(), 9);
    assert_eq!(
        s.step(T0).len(),
        0,
        "first reports come within the first second"
    );
    assert_eq!(s.step(T0.plus_secs(1)).len(), 12 + 3);
    assert!(s.step(T0).is_empty());
    // An hour's pause: one report per unit, not an hour of them.
    let after = s.step(T0.plus_secs(3_600));
    let positions = after.iter().filter(|o| is_position(&o.event)).count();
    assert!(positions <= 2 * 15, "{positions}");
}
