//! The sensors' status, as the sensor task publishes it, turned into what
//! the page is shown (`cop::sensors::SensorView`).

use std::sync::Arc;

use cop::sensors::{SensorState, SensorView};
use feeds::status::{SensorHealth, Status};
use feeds::{Detects, SensorConfig, SensorKind};
use tokio::sync::watch;

use crate::sensor_status::StatusShared;

/// The feed task's end of the sensors' status, if sensors are configured.
pub(super) type Board = Option<(Arc<StatusShared>, watch::Receiver<Arc<Vec<SensorHealth>>>)>;

/// Subscribes to the status; the first [`changed`] answers at once with
/// what is known now.
pub(super) fn board(sensors: Option<Arc<StatusShared>>) -> Board {
    sensors.map(|s| {
        let mut rx = s.subscribe();
        rx.mark_changed();
        (s, rx)
    })
}

/// The next publication as views; `None` once the sensor task is gone.
/// Without sensors it never answers.
pub(super) async fn changed(board: &mut Board) -> Option<Vec<SensorView>> {
    let Some((shared, rx)) = board else {
        return std::future::pending().await;
    };
    rx.changed().await.ok()?;
    let health = rx.borrow_and_update().clone();
    Some(views(&shared.configs, &health))
}

/// Who sees the sensors (those who see their tracks).
pub(super) fn groups(board: &Board) -> Arc<Vec<String>> {
    board
        .as_ref()
        .map_or_else(|| Arc::new(Vec::new()), |(s, _)| s.groups.clone())
}

/// One view per configured sensor, in config order; a sensor the board
/// has not reported yet is silent and never heard from.
pub(super) fn views(configs: &[SensorConfig], health: &[SensorHealth]) -> Vec<SensorView> {
    configs
        .iter()
        .map(|c| {
            let h = health.iter().find(|h| h.id == c.id);
            SensorView {
                id: c.id.clone(),
                kind: match c.kind {
                    SensorKind::Asterix => "asterix",
                    SensorKind::Sbs => "sbs",
                    SensorKind::Detections => "detections",
                },
                detects: match c.detects() {
                    Detects::All => "all",
                    Detects::Cooperative => "cooperative",
                },
                lat: c.site.map(|s| s.lat),
                lon: c.site.map(|s| s.lon),
                min_range_m: c.coverage.map(|r| r.min_range_m),
                max_range_m: c.coverage.map(|r| r.max_range_m),
                period_s: c.period(),
                status: match h.map_or(Status::Silent, |h| h.status) {
                    Status::Reporting => SensorState::Reporting,
                    Status::Late => SensorState::Late,
                    Status::Silent => SensorState::Silent,
                },
                last: h
                    .and_then(|h| h.last_message)
                    .map(|t| (t * 1000.0).round() as i64),
                rate: h.map_or(0.0, |h| (h.rate_per_s * 100.0).round() / 100.0),
                decode_errors: h.map_or(0, |h| h.decode_errors),
            }
        })
        .collect()
}
