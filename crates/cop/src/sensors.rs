//! The sensors as the browser sees them: where each is, what it covers and
//! whether it is talking, and the alert a watch officer gets when one falls
//! silent. Pure: the hub takes a fresh list of views now and then
//! ([`crate::hub::Hub::set_sensors`]) and sends on what changed.

use serde::Serialize;

use crate::view::AlertView;

/// How a sensor is doing, as the page shows it (in words, never by colour
/// alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SensorState {
    /// A message within two periods.
    Reporting,
    /// Quiet for longer, not yet silent.
    Late,
    /// Quiet past its silent threshold, or never heard from.
    Silent,
}

/// One configured sensor, in the JSON shape of `web/PROTOCOL.md`. Unknown
/// values (no site, no coverage, never heard) are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensorView {
    /// Its id from the config (`radar-1`).
    pub id: String,
    /// Its message format: `asterix`, `sbs` or `detections`.
    pub kind: &'static str,
    /// What it can detect: `all` or `cooperative`.
    pub detects: &'static str,
    /// Site latitude, WGS-84 degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Site longitude, WGS-84 degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Inner edge of its coverage, metres from the site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_range_m: Option<f64>,
    /// Outer edge of its coverage, metres from the site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_range_m: Option<f64>,
    /// Seconds between two looks at one target.
    pub period_s: f64,
    /// Its status.
    pub status: SensorState,
    /// Its last message, ms since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<i64>,
    /// Messages per second over the last minute (two decimals).
    pub rate: f64,
    /// Its records or lines that did not decode, so far.
    pub decode_errors: u64,
}

/// The uid prefix of a sensor's silent alert (`…-radar-1`).
pub const SILENT_ALERT_PREFIX: &str = "watchfloor-sensor-silent-";
/// The type of a sensor's silent alert (not a CoT type: it never leaves the
/// web COP).
pub const SILENT_ALERT_TYPE: &str = "x-watchfloor-sensor-silent";

/// The alert raised at `now_ms` for `s` falling silent. Without a site its
/// position is unknown: NaN, which the JSON writes as `null`.
pub(crate) fn silent_alert(s: &SensorView, now_ms: i64) -> AlertView {
    let text = match s.last {
        // To the second, in UTC: the watch officer reads it aloud.
        Some(ms) => {
            let c = cot::Time::from_millis(ms).civil();
            format!(
                "no message since {:02}:{:02}:{:02}Z",
                c.hour, c.minute, c.second
            )
        }
        None => "never heard from".to_string(),
    };
    AlertView {
        uid: format!("{SILENT_ALERT_PREFIX}{}", s.id),
        kind_code: SILENT_ALERT_TYPE.to_string(),
        kind: "Sensor Silent",
        // Not the id itself: an object with the sensor's id as its uid
        // must not be flagged as in emergency.
        from_uid: format!("watchfloor-sensor-{}", s.id),
        from: s.id.clone(),
        lat: s.lat.unwrap_or(f64::NAN),
        lon: s.lon.unwrap_or(f64::NAN),
        time: now_ms,
        text: Some(text),
        // Until the sensor speaks again, however long that takes.
        stale: i64::MAX,
        ack_by: None,
        ack_at: None,
    }
}

/// What a new view of a sensor does to its alert, given the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlertChange {
    /// It fell silent after having been heard: raise.
    Raise,
    /// It speaks again: clear.
    Clear,
    /// Nothing.
    Keep,
}

/// The alert rule: a sensor that was heard and is silent now gets an alert
/// (once: while it stays silent nothing more), one that speaks loses it; a
/// sensor never heard from gets none.
pub(crate) fn alert_change(old: Option<&SensorView>, new: &SensorView) -> AlertChange {
    let was_silent = old.is_some_and(|o| o.status == SensorState::Silent);
    match new.status {
        SensorState::Silent if new.last.is_some() && !was_silent => AlertChange::Raise,
        SensorState::Silent if new.last.is_some() => AlertChange::Keep,
        SensorState::Reporting | SensorState::Late if was_silent => AlertChange::Clear,
        _ => AlertChange::Keep,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use std::sync::Arc;

    use picture::Identity;

    use super::*;
    use crate::hub::{Hub, HubLimits, Viewer};

    fn sensor(id: &str, status: SensorState, last: Option<i64>) -> SensorView {
        SensorView {
            id: id.into(),
            kind: "asterix",
            detects: "all",
            lat: Some(31.3),
            lon: Some(-109.2),
            min_range_m: None,
            max_range_m: Some(60_000.0),
            period_s: 5.0,
            status,
            last,
            rate: 1.0,
            decode_errors: 0,
        }
    }

    fn viewer(groups: &[&str]) -> Viewer {
        let g: Vec<String> = groups.iter().map(|s| s.to_string()).collect();
        Viewer {
            identity: Identity::both(&g),
            uid: "web".into(),
            team: "Cyan".into(),
        }
    }

    fn delta(hub: &mut Hub, v: &Viewer, now: i64) -> serde_json::Value {
        let b = hub.take_batch(now).unwrap();
        let part = b.object_part(v);
        serde_json::from_str(&b.frame(v, &part, 0)).unwrap()
    }

    fn snapshot(hub: &Hub, v: &Viewer) -> serde_json::Value {
        serde_json::from_str(&hub.snapshot(v, 0).2).unwrap()
    }

    #[test]
    fn sensors_go_out_when_they_change_and_only_to_those_who_see_their_tracks() {
        let mut hub = Hub::new(HubLimits::default());
        let blue = Arc::new(vec!["blue".to_string()]);
        let (b, r) = (viewer(&["blue"]), viewer(&["red"]));
        hub.set_sensors(vec![sensor("r1", SensorState::Silent, None)], &blue, 1);
        let d = delta(&mut hub, &b, 1);
        assert_eq!(d["sensors"][0]["id"], "r1");
        assert_eq!(d["sensors"][0]["status"], "silent");
        assert!(
            d["sensors"][0].get("last").is_none(),
            "never heard: no last"
        );
        assert!(
            d["alerts"].as_array().unwrap().is_empty(),
            "never heard: no alert"
        );
        assert_eq!(snapshot(&hub, &r)["sensors"], serde_json::json!([]));
        assert_eq!(snapshot(&hub, &b)["sensors"][0]["max_range_m"], 60_000.0);
        // The same view again: nothing to send.
        hub.set_sensors(vec![sensor("r1", SensorState::Silent, None)], &blue, 2);
        assert!(hub.take_batch(2).is_none());
        // A delta without sensor changes has no sensors key.
        hub.set_sensors(
            vec![sensor("r1", SensorState::Reporting, Some(3))],
            &blue,
            3,
        );
        let d = delta(&mut hub, &r, 3);
        assert!(d.get("sensors").is_none(), "{d}");
    }

    #[test]
    fn a_sensor_falling_silent_raises_one_alert_until_it_speaks() {
        let mut hub = Hub::new(HubLimits::default());
        let anon = Arc::new(Vec::new());
        let v = viewer(&[]);
        hub.set_sensors(
            vec![sensor("r1", SensorState::Reporting, Some(1_000))],
            &anon,
            1_000,
        );
        let _ = hub.take_batch(1_000);
        hub.set_sensors(
            vec![sensor("r1", SensorState::Late, Some(1_000))],
            &anon,
            12_000,
        );
        assert!(delta(&mut hub, &v, 12_000)["alerts"]
            .as_array()
            .unwrap()
            .is_empty());
        hub.set_sensors(
            vec![sensor("r1", SensorState::Silent, Some(1_000))],
            &anon,
            31_000,
        );
        let d = delta(&mut hub, &v, 31_000);
        let alert = &d["alerts"][0];
        assert_eq!(alert["uid"], "watchfloor-sensor-silent-r1");
        assert_eq!(alert["type"], SILENT_ALERT_TYPE);
        assert_eq!(alert["from"], "r1");
        assert_eq!(alert["kind"], "Sensor Silent");
        assert_eq!(alert["lat"], 31.3);
        // Still silent, a new rate: no second alert, and it stays for late joiners.
        let mut quiet = sensor("r1", SensorState::Silent, Some(1_000));
        quiet.rate = 0.0;
        hub.set_sensors(vec![quiet], &anon, 40_000);
        assert!(delta(&mut hub, &v, 40_000)["alerts"]
            .as_array()
            .unwrap()
            .is_empty());
        hub.sweep(i64::MAX - 1);
        assert_eq!(snapshot(&hub, &v)["alerts"].as_array().unwrap().len(), 1);
        // It speaks: the alert clears.
        hub.set_sensors(
            vec![sensor("r1", SensorState::Reporting, Some(50_000))],
            &anon,
            50_000,
        );
        let d = delta(&mut hub, &v, 50_000);
        assert_eq!(
            d["cleared"],
            serde_json::json!(["watchfloor-sensor-silent-r1"])
        );
        assert!(snapshot(&hub, &v)["alerts"].as_array().unwrap().is_empty());
    }

    #[test]
    fn a_sensor_without_a_site_has_an_alert_without_a_position() {
        let mut s = sensor("cam", SensorState::Silent, Some(5));
        s.lat = None;
        s.lon = None;
        let a = serde_json::to_value(silent_alert(&s, 9)).unwrap();
        assert!(a["lat"].is_null() && a["lon"].is_null(), "{a}");
        assert_eq!(a["text"], "no message since 00:00:00Z");
    }
}
