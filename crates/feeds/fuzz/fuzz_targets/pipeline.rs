//! Arbitrary bytes through every pipeline input: the first byte picks the
//! input and the clock step, the rest is the datagram or line.
#![no_main]

use feeds::{FeedsConfig, Pipeline, SensorConfig, SensorKind, Site};
use libfuzzer_sys::fuzz_target;

fn pipeline() -> Option<Pipeline> {
    let origin = Site { lat: 31.5, lon: -110.9, alt: 0.0 };
    let mut cfg = FeedsConfig::new(origin);
    let sensor = |id: &str, kind, site| SensorConfig {
        id: id.into(),
        kind,
        site,
        coverage: None,
        period_s: None,
        detects: None,
        sac: None,
        sic: None,
        noise: feeds::Noise::default(),
        max_rate_per_s: 5000.0,
    };
    cfg.sensors = vec![
        sensor("radar", SensorKind::Asterix, Some(origin)),
        sensor("adsb", SensorKind::Sbs, None),
        sensor("cams", SensorKind::Detections, None),
    ];
    Pipeline::new(cfg).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(mut p) = pipeline() else { return };
    let mut now = cot::Time::from_millis(1_718_000_000_000);
    // Chunks separated by 0xFF bytes, so one input drives several calls.
    for chunk in data.split(|&b| b == 0xff) {
        let Some((&sel, rest)) = chunk.split_first() else { continue };
        now = now.plus_millis(i64::from(sel >> 2) * 100);
        let text = String::from_utf8_lossy(rest);
        match sel & 3 {
            0 => p.ingest_asterix("radar", rest, now),
            1 => p.ingest_sbs_line("adsb", &text, now),
            2 => p.ingest_detection_json("cams", &text, now),
            _ => p.handle_timeout(now),
        }
        while p.poll_event().is_some() {}
    }
});
