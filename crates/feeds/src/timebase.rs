//! Times: ASTERIX time of day onto the caller's date, and conversions to
//! CoT time.

const DAY_S: f64 = 86_400.0;

/// The Unix time (seconds) of a time of day `tod_s` (seconds since midnight
/// UTC) nearest to `now` (Unix seconds): a report stamped 23:59:59 received
/// at 00:00:01 belongs to yesterday, and the other way round. `None` when
/// `tod_s` is not within one day or either value is not finite.
pub fn time_of_day_to_unix(tod_s: f64, now: f64) -> Option<f64> {
    if !tod_s.is_finite() || !now.is_finite() || !(0.0..DAY_S).contains(&tod_s) {
        return None;
    }
    let midnight = (now / DAY_S).floor() * DAY_S;
    let t = midnight + tod_s;
    let wrapped = if t - now > DAY_S / 2.0 {
        t - DAY_S
    } else if now - t > DAY_S / 2.0 {
        t + DAY_S
    } else {
        t
    };
    Some(wrapped)
}

/// A caller's time as Unix seconds, the unit of the tracker and of every
/// time inside the pipeline.
pub(crate) fn unix_s(t: cot::Time) -> f64 {
    t.micros() as f64 / 1e6
}

/// Unix seconds to a CoT time (microseconds); saturates far outside the
/// representable range rather than wrapping.
pub(crate) fn cot_time(unix_s: f64) -> cot::Time {
    let us = (unix_s * 1e6).round();
    // `as` saturates on overflow and maps NaN to 0.
    cot::Time::from_micros(us as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_718_000_000.0; // 2024-06-10T06:13:20Z

    #[test]
    fn same_day() {
        let tod = NOW % DAY_S;
        assert_eq!(time_of_day_to_unix(tod - 1.5, NOW), Some(NOW - 1.5));
        assert_eq!(time_of_day_to_unix(tod + 2.0, NOW), Some(NOW + 2.0));
    }

    #[test]
    fn midnight_wraps_both_ways() {
        let midnight = 1_718_064_000.0; // 2024-06-11T00:00:00Z
        assert_eq!(
            time_of_day_to_unix(86_399.0, midnight + 1.0),
            Some(midnight - 1.0)
        );
        assert_eq!(
            time_of_day_to_unix(0.5, midnight - 0.5),
            Some(midnight + 0.5)
        );
    }

    #[test]
    fn rejects_out_of_range() {
        assert_eq!(time_of_day_to_unix(86_400.0, NOW), None);
        assert_eq!(time_of_day_to_unix(-1.0, NOW), None);
        assert_eq!(time_of_day_to_unix(f64::NAN, NOW), None);
        assert_eq!(time_of_day_to_unix(10.0, f64::INFINITY), None);
    }

    #[test]
    fn cot_time_is_microseconds() {
        assert_eq!(cot_time(1.5).micros(), 1_500_000);
        assert_eq!(cot_time(f64::NAN).micros(), 0);
        let t = cot::Time::from_micros(1_718_000_000_250_000);
        assert_eq!(unix_s(t), 1_718_000_000.25);
        assert_eq!(cot_time(unix_s(t)), t);
    }
}
