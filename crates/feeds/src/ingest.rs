//! The input side: sensor bytes and lines in, decoded and converted, every
//! refusal counted by reason.

use sensors::asterix::{data_blocks, decode_block, AsterixError, Record};
use sensors::detection::{parse_detection, DetectionError};
use sensors::sbs::{parse_line, SbsError};

use crate::config::SensorKind;
use crate::convert;
use crate::pipeline::Pipeline;
use crate::stats::Reject;
use crate::timebase::unix_s;

/// How near (metres) a radar plot brought down from an aircraft track's
/// height must fall to that track for the height to be used.
const HINT_RADIUS_M: f64 = 1_000.0;

impl Pipeline {
    /// One UDP datagram of ASTERIX data blocks from `sensor` (an `asterix`
    /// sensor), received at `now`. Records decoded before a corrupt one are
    /// kept; the rest of that block is dropped and counted.
    pub fn ingest_asterix(&mut self, sensor: &str, datagram: &[u8], now: cot::Time) {
        let now = unix_s(now);
        let Some(idx) = self.feed_for(sensor, SensorKind::Asterix) else {
            return;
        };
        if datagram.is_empty() {
            self.decode_error(idx);
        }
        for block in data_blocks(datagram) {
            let block = match block {
                Ok(b) => b,
                Err(e) => {
                    tracing::debug!(sensor, error = %e, "asterix block dropped");
                    self.decode_error(idx);
                    continue;
                }
            };
            for record in decode_block(block) {
                match record {
                    Ok(r) => self.record(idx, &r, now),
                    Err(AsterixError::UnsupportedCategory(_)) => self.stats.ignored += 1,
                    Err(e) => {
                        tracing::debug!(sensor, error = %e, "asterix record dropped");
                        self.decode_error(idx);
                    }
                }
            }
        }
    }

    /// One UDP datagram of ASTERIX data blocks that may mix several sensors
    /// (one port fed by many radars and ADS-B ground stations, as a
    /// surveillance network delivers them): each record goes to the
    /// `asterix` sensor whose configured SAC/SIC match its I010.
    pub fn ingest_asterix_any(&mut self, datagram: &[u8], now: cot::Time) {
        let now = unix_s(now);
        if datagram.is_empty() {
            self.stats.reject(Reject::Decode);
            return;
        }
        for block in data_blocks(datagram) {
            let Ok(block) = block else {
                self.stats.reject(Reject::Decode);
                continue;
            };
            for record in decode_block(block) {
                match record {
                    Ok(r) => match self.feed_by_source(&r) {
                        Some(idx) => self.record(idx, &r, now),
                        None => self.stats.reject(Reject::UnknownSensor),
                    },
                    Err(AsterixError::UnsupportedCategory(_)) => self.stats.ignored += 1,
                    Err(_) => self.stats.reject(Reject::Decode),
                }
            }
        }
    }

    /// The `asterix` feed whose SAC and SIC are both configured and equal
    /// to the record's data source.
    fn feed_by_source(&self, r: &Record) -> Option<u32> {
        let src = r.source()?;
        let idx = self.feeds.iter().position(|f| {
            f.kind == SensorKind::Asterix && f.sac == Some(src.sac) && f.sic == Some(src.sic)
        })?;
        u32::try_from(idx).ok()
    }

    /// One already decoded ASTERIX record from `sensor` (for recordings
    /// replayed through `sensors::recording`), received at `now`.
    pub fn ingest_asterix_record(&mut self, sensor: &str, record: &Record, now: cot::Time) {
        let now = unix_s(now);
        if let Some(idx) = self.feed_for(sensor, SensorKind::Asterix) {
            self.record(idx, record, now);
        }
    }

    /// Counts a [`Reject::Decode`] against the sensor it came from.
    fn decode_error(&mut self, idx: u32) {
        self.stats.reject(Reject::Decode);
        if let Some(f) = self.feeds.get_mut(idx as usize) {
            f.seen.decode_errors += 1;
        }
    }

    fn record(&mut self, idx: u32, r: &Record, now: f64) {
        if !self.take_token(idx, now) {
            return;
        }
        let Some(feed) = self.feeds.get(idx as usize) else {
            return;
        };
        if let Some(src) = r.source() {
            if feed.sac.is_some_and(|s| s != src.sac) || feed.sic.is_some_and(|s| s != src.sic) {
                self.stats.reject(Reject::UnknownSensor);
                return;
            }
        }
        if r.check().is_err() {
            self.stats.reject(Reject::Implausible);
            return;
        }
        let noise = feed.noise;
        let converted = match r {
            Record::Cat048(plot) => match &feed.site {
                Some((site, alt)) => {
                    let noise = (noise.range_sigma(), noise.azimuth_sigma());
                    let flat = convert::cat048(plot, site, *alt, noise, now, None);
                    match (&flat, plot.flight_level) {
                        // Without a height, a plot of an aircraft lies beyond
                        // it by the slant; try the heights of the aircraft
                        // tracks around it.
                        (Ok(Some(m)), None) => {
                            let at = |h: f64| match convert::cat048(
                                plot,
                                site,
                                *alt,
                                noise,
                                now,
                                Some(h),
                            ) {
                                Ok(Some(c)) => Some([c.x, c.y]),
                                _ => None,
                            };
                            match self.height_hint(m, plot.aircraft_address, at) {
                                Some(h) => convert::cat048(plot, site, *alt, noise, now, Some(h)),
                                None => flat,
                            }
                        }
                        _ => flat,
                    }
                }
                None => Err(Reject::UnknownSensor),
            },
            Record::Cat021(adsb) => convert::cat021(
                adsb,
                &self.frame,
                noise.position_sigma(SensorKind::Asterix),
                now,
            ),
            Record::Cat034(_) => Ok(None),
        };
        self.submit(idx, converted, now);
    }

    /// The height (metres above the ellipsoid) to bring a height-less radar
    /// plot `flat` down from: that of the track holding the plot's Mode S
    /// `address`, else that of the airborne track with a known height the
    /// plot, brought down from that height (`at(h)`), falls nearest to, if
    /// within [`HINT_RADIUS_M`] and nearer than any track is to the plot as
    /// measured (a ground mover under an aircraft keeps its flat position).
    fn height_hint(
        &self,
        flat: &convert::Measurement,
        address: Option<u32>,
        at: impl Fn(f64) -> Option<[f64; 2]>,
    ) -> Option<f64> {
        let height = |t: &crate::tracks::TrackState| {
            (t.evidence.airborne != Some(false))
                .then(|| t.evidence.hae_m.or(t.evidence.pressure_alt_m))
                .flatten()
                .filter(|h| h.is_finite())
        };
        if let Some(a) = address {
            if let Some(h) = self
                .tracks
                .values()
                .find(|t| t.evidence.icao == Some(a))
                .and_then(height)
            {
                return Some(h);
            }
        }
        let pos = |t: &crate::tracks::TrackState| {
            let r = &t.report;
            let dt = flat.time - r.time;
            [r.x + r.vx * dt, r.y + r.vy * dt]
        };
        let dist = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
        let z = [flat.x, flat.y];
        let mut as_measured = f64::INFINITY;
        let mut best: Option<(f64, f64)> = None;
        for t in self.tracks.values() {
            let p = pos(t);
            let d0 = dist(z, p);
            as_measured = as_measured.min(d0);
            let Some(h) = height(t) else { continue };
            if d0 > 5.0 * HINT_RADIUS_M {
                continue;
            }
            if let Some(d) = at(h).map(|c| dist(c, p)) {
                if best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, h));
                }
            }
        }
        best.filter(|&(d, _)| d < HINT_RADIUS_M && d < as_measured)
            .map(|(_, h)| h)
    }

    /// One SBS-1 line (without or with its line ending) from `sensor` (an
    /// `sbs` sensor), received at `now`. Lines without a position update the
    /// aircraft's callsign and altitude for later positions.
    pub fn ingest_sbs_line(&mut self, sensor: &str, line: &str, now: cot::Time) {
        let now = unix_s(now);
        let Some(idx) = self.feed_for(sensor, SensorKind::Sbs) else {
            return;
        };
        if !self.take_token(idx, now) {
            return;
        }
        let m = match parse_line(line) {
            Ok(m) => m,
            Err(SbsError::Empty) => {
                self.stats.ignored += 1;
                return;
            }
            Err(SbsError::Implausible(_)) => return self.stats.reject(Reject::Implausible),
            Err(_) => return self.decode_error(idx),
        };
        let sigma = self
            .feeds
            .get(idx as usize)
            .map_or(30.0, |f| f.noise.position_sigma(SensorKind::Sbs));
        let info = self.aircraft.update(&m, now);
        let converted = convert::sbs(&m, info, &self.frame, sigma, now);
        self.submit(idx, converted, now);
    }

    /// One detection JSON line that arrived on the input of `sensor` (a
    /// `detections` sensor), received at `now`.
    ///
    /// A gateway often sends many devices' lines on one input, each naming
    /// its device in its own `sensor` key. A line whose key names another
    /// configured `detections` sensor is that sensor's detection (its rate
    /// limit, noise and counters; the track lists it as the source), so the
    /// tracker knows where it was seen; a line naming no configured sensor
    /// stays with `sensor`; a line naming a sensor of another kind is
    /// refused and counted as [`Reject::UnknownSensor`]. Either way the line
    /// also counts as a message of `sensor`, the input that carried it, so a
    /// gateway that only forwards is not shown as silent.
    pub fn ingest_detection_json(&mut self, sensor: &str, line: &str, now: cot::Time) {
        let now = unix_s(now);
        let Some(input) = self.feed_for(sensor, SensorKind::Detections) else {
            return;
        };
        if !self.take_token(input, now) {
            return;
        }
        let d = match parse_detection(line) {
            Ok(d) => d,
            Err(DetectionError::Implausible(_)) => return self.stats.reject(Reject::Implausible),
            Err(_) => return self.decode_error(input),
        };
        let Some(idx) = self.detection_sensor(input, &d.sensor) else {
            tracing::debug!(sensor, named = %d.sensor, "detection naming a sensor of another kind dropped");
            return self.stats.reject(Reject::UnknownSensor);
        };
        if idx != input && !self.take_token(idx, now) {
            return;
        }
        let sigma = self
            .feeds
            .get(idx as usize)
            .map_or(10.0, |f| f.noise.position_sigma(SensorKind::Detections));
        let converted = convert::detection(&d, &self.frame, sigma);
        self.submit(idx, converted, now);
    }

    /// The sensor a detection line that came in on `input` belongs to: the
    /// configured sensor its `sensor` key names when that is a `detections`
    /// sensor, `input` when it names none, `None` when it names a sensor of
    /// another kind.
    pub(crate) fn detection_sensor(&self, input: u32, named: &str) -> Option<u32> {
        // A handful of sensors: a scan is cheaper than keeping a second index.
        match self.feeds.iter().position(|f| f.id == named) {
            None => Some(input),
            Some(i)
                if self
                    .feeds
                    .get(i)
                    .is_some_and(|f| f.kind == SensorKind::Detections) =>
            {
                u32::try_from(i).ok()
            }
            Some(_) => None,
        }
    }
}
