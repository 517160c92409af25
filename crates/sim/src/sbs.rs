//! SBS-1 BaseStation lines as readsb writes them on port 30003: 22 comma
//! separated fields, session/aircraft/flight ids `1`, generated and logged
//! date/time filled with the report time, flags `0`.

use std::fmt::Write as _;

/// The fields of one `MSG` line; `None` leaves a field empty.
#[derive(Debug, Default)]
pub(crate) struct SbsLine<'a> {
    /// Transmission type: 1 identification, 3 airborne position, 4 velocity.
    pub(crate) kind: u8,
    pub(crate) icao: u32,
    /// Report time, seconds since the Unix epoch.
    pub(crate) unix_s: f64,
    pub(crate) callsign: Option<&'a str>,
    pub(crate) altitude_ft: Option<f64>,
    pub(crate) ground_speed_kt: Option<f64>,
    pub(crate) track_deg: Option<f64>,
    pub(crate) lat_lon: Option<(f64, f64)>,
    pub(crate) vertical_rate_ft_min: Option<f64>,
}

/// `2026/01/01,00:00:01.250` for a Unix time (milliseconds truncated).
pub(crate) fn date_time(unix_s: f64) -> String {
    let c = cot::Time::from_millis((unix_s * 1000.0).floor() as i64).civil();
    format!(
        "{:04}/{:02}/{:02},{:02}:{:02}:{:02}.{:03}",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.micros / 1000
    )
}

fn opt(out: &mut String, v: Option<String>) {
    out.push(',');
    if let Some(v) = v {
        out.push_str(&v);
    }
}

impl SbsLine<'_> {
    /// The line without a line ending.
    pub(crate) fn render(&self) -> String {
        let when = date_time(self.unix_s);
        let mut s = format!(
            "MSG,{},1,1,{:06X},1,{when},{when}",
            self.kind,
            self.icao & 0xff_ffff
        );
        opt(&mut s, self.callsign.map(str::to_owned));
        opt(
            &mut s,
            self.altitude_ft.map(|a| format!("{}", a.round() as i64)),
        );
        opt(&mut s, self.ground_speed_kt.map(|v| format!("{v:.1}")));
        opt(&mut s, self.track_deg.map(|v| format!("{v:.1}")));
        let (lat, lon) = self.lat_lon.unzip();
        opt(&mut s, lat.map(|v| format!("{v:.5}")));
        opt(&mut s, lon.map(|v| format!("{v:.5}")));
        opt(
            &mut s,
            self.vertical_rate_ft_min
                .map(|v| format!("{}", v.round() as i64)),
        );
        // Squawk left empty; alert, emergency, SPI and on-ground flags all clear.
        let _ = write!(s, ",,0,0,0,0");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sensors::sbs::{parse_line, SbsKind};

    #[test]
    fn dates_match_known_instants() {
        assert_eq!(date_time(0.0), "1970/01/01,00:00:00.000");
        assert_eq!(date_time(1_767_225_601.25), "2026/01/01,00:00:01.250");
        assert_eq!(
            date_time(951_782_400.0 + 86_399.999),
            "2000/02/29,23:59:59.999"
        );
    }

    #[test]
    fn lines_have_22_fields_and_parse() {
        let line = SbsLine {
            kind: 3,
            icao: 0xFE0001,
            unix_s: 1_767_225_601.25,
            altitude_ft: Some(35_000.0),
            lat_lon: Some((31.33, -109.2)),
            ..SbsLine::default()
        }
        .render();
        assert_eq!(line.split(',').count(), 22, "{line}");
        let m = parse_line(&line).unwrap();
        assert_eq!(m.kind, Some(SbsKind::Msg(3)));
        assert_eq!(m.hex_ident, Some(0xFE0001));
        assert_eq!(m.altitude_ft, Some(35_000.0));
        assert_eq!((m.lat, m.lon), (Some(31.33), Some(-109.2)));
        let g = m.generated.unwrap();
        assert_eq!((g.date, g.ms_of_day), ((2026, 1, 1), 1250));
        assert_eq!(m.on_ground, Some(false));
    }
}
