use super::*;

#[path = "../../examples/common/sim.rs"]
mod sim;

use sim::{rhythm, Rng};

const YEAR: usize = 8_760;

/// A year of SIMULATED hourly counts: Poisson around `base × rhythm ×
/// factor(t)`.
fn simulate(seed: u64, base: f64, factor: impl Fn(usize) -> f64) -> Vec<u64> {
    let mut rng = Rng(seed);
    (0..YEAR)
        .map(|t| rng.poisson(base * rhythm(t) * factor(t)))
        .collect()
}

fn by(alerts: &[Anomaly], method: Method) -> Vec<&Anomaly> {
    alerts.iter().filter(|a| a.method == method).collect()
}

#[test]
fn pure_rhythm_raises_no_alert_over_a_year() {
    let cfg = DetectConfig::default();
    for (seed, base) in [(1, 1.0), (2, 4.0), (3, 12.0), (4, 40.0)] {
        let x = simulate(seed, base, |_| 1.0);
        let alerts = detect(&x, Resolution::Hour, &cfg).expect("valid");
        assert!(alerts.is_empty(), "base {base}: {alerts:#?}");
    }
}

#[test]
fn a_six_hour_surge_is_found_by_seasonal() {
    let start = 5_000;
    let x = simulate(11, 10.0, |t| {
        if (start..start + 6).contains(&t) {
            3.0
        } else {
            1.0
        }
    });
    let alerts = detect(&x, Resolution::Hour, &DetectConfig::default()).expect("valid");
    let seasonal = by(&alerts, Method::Seasonal);
    assert!(
        seasonal
            .iter()
            .any(|a| a.shift == Shift::Up && a.overlaps(start, start + 5)),
        "{alerts:#?}"
    );
    // Evidence an analyst can read: a p-value below alpha, counts above
    // expectation.
    let a = seasonal
        .iter()
        .find(|a| a.overlaps(start, start + 5))
        .expect("found");
    assert!(a.p_value.is_some_and(|p| p < a.threshold));
    assert!(a.observed > 1.5 * a.expected, "{a:?}");
    // Nothing else in the year.
    assert!(
        alerts.iter().all(|a| a.overlaps(start, start + 6 + 168)),
        "{alerts:#?}"
    );
}

#[test]
fn a_level_shift_is_found_by_cusum_and_changepoint() {
    let (start, end) = (4_000, 4_000 + 3 * 168);
    let x = simulate(
        21,
        5.0,
        |t| if (start..end).contains(&t) { 1.5 } else { 1.0 },
    );
    let alerts = detect(&x, Resolution::Hour, &DetectConfig::default()).expect("valid");
    for method in [Method::Cusum, Method::ChangePoint] {
        let found: Vec<_> = by(&alerts, method)
            .into_iter()
            .filter(|a| a.shift == Shift::Up && a.overlaps(start, end - 1))
            .collect();
        assert!(!found.is_empty(), "{method:?}: {alerts:#?}");
        // The window begins near the shift (within a day).
        assert!(
            found
                .iter()
                .any(|a| a.window.0.abs_diff(start) <= 24 && a.window.1 >= start),
            "{method:?}: {found:#?}"
        );
    }
    // One excursion, one alert per method and direction.
    let cusum_up = by(&alerts, Method::Cusum)
        .into_iter()
        .filter(|a| a.shift == Shift::Up)
        .count();
    assert_eq!(cusum_up, 1, "{alerts:#?}");
}

#[test]
fn a_drop_is_found_as_down() {
    let (start, end) = (6_000, 6_000 + 2 * 168);
    let x = simulate(
        31,
        8.0,
        |t| if (start..end).contains(&t) { 0.5 } else { 1.0 },
    );
    let alerts = detect(&x, Resolution::Hour, &DetectConfig::default()).expect("valid");
    for method in [Method::Cusum, Method::ChangePoint] {
        assert!(
            by(&alerts, method)
                .iter()
                .any(|a| a.shift == Shift::Down && a.overlaps(start, end - 1)),
            "{method:?}: {alerts:#?}"
        );
    }
    // No Up alert raised before the drop ends (the recovery is one).
    assert!(
        alerts
            .iter()
            .all(|a| a.shift == Shift::Down || a.index >= end),
        "{alerts:#?}"
    );
}

fn all_finite(alerts: &[Anomaly], band: &Band) {
    for a in alerts {
        assert!(a.observed.is_finite() && a.expected.is_finite() && a.score.is_finite());
        assert!(a.window.0 <= a.index && a.index <= a.window.1, "{a:?}");
        let json = serde_json::to_string(a).expect("serializes");
        let back: Anomaly = serde_json::from_str(&json).expect("round trip");
        assert_eq!(&back, a);
    }
    for v in band.expected.iter().chain(&band.low).chain(&band.high) {
        assert!(v.is_finite());
    }
}

#[test]
fn degenerate_series_do_not_panic() {
    let cfg = DetectConfig::default();
    for res in [Resolution::Hour, Resolution::Day, Resolution::Month] {
        assert_eq!(detect(&[], res, &cfg), Err(DetectError::Empty));
        assert_eq!(baseline(&[], res, &cfg), Err(DetectError::Empty));
        for x in [
            vec![0u64; 2_000],
            vec![7u64],
            vec![u64::MAX; 600],
            (0..600)
                .map(|i| if i % 2 == 0 { u64::MAX } else { 0 })
                .collect(),
            (0..400u64)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .collect(),
            vec![1u64 << 60; 3],
        ] {
            let (band, alerts) = analyse(&x, res, &cfg).expect("valid");
            assert_eq!(band.expected.len(), x.len());
            all_finite(&alerts, &band);
            if x.iter().all(|&v| v == 0) {
                assert!(alerts.is_empty(), "{alerts:?}");
            }
        }
    }
}

#[test]
fn bad_config_is_a_typed_error() {
    let x = [1u64, 2, 3];
    for cfg in [
        DetectConfig {
            alpha: 0.5,
            ..DetectConfig::default()
        },
        DetectConfig {
            alpha: f64::NAN,
            ..DetectConfig::default()
        },
        DetectConfig {
            k_periods: 0,
            ..DetectConfig::default()
        },
        DetectConfig {
            min_periods: 9,
            ..DetectConfig::default()
        },
        DetectConfig {
            ewma_lambda: 0.0,
            ..DetectConfig::default()
        },
        DetectConfig {
            cp_threshold: 1.0,
            ..DetectConfig::default()
        },
    ] {
        assert!(
            matches!(
                detect(&x, Resolution::Day, &cfg),
                Err(DetectError::Config { .. })
            ),
            "{cfg:?}"
        );
    }
}

#[test]
fn names_serialize_lowercase() {
    let names: Vec<String> = Method::ALL
        .iter()
        .map(|m| serde_json::to_string(m).expect("serializes"))
        .collect();
    assert_eq!(
        names,
        ["\"seasonal\"", "\"cusum\"", "\"ewma\"", "\"changepoint\""]
    );
    assert_eq!(serde_json::to_string(&Shift::Down).expect("ok"), "\"down\"");
    for m in Method::ALL {
        assert_eq!(
            format!("\"{}\"", m.name()),
            serde_json::to_string(&m).expect("ok")
        );
    }
    let cfg: DetectConfig = serde_json::from_str(r#"{"alpha": 1e-4}"#).expect("partial config");
    assert_eq!(cfg.alpha, 1e-4);
    assert_eq!(cfg.k_periods, DetectConfig::default().k_periods);
}

#[test]
fn the_band_brackets_the_expectation_and_nothing_peeks() {
    let x = simulate(41, 6.0, |_| 1.0);
    let cfg = DetectConfig::default();
    let band = baseline(&x, Resolution::Hour, &cfg).expect("valid");
    assert_eq!(band.ready_from, 2 * 24 + 24);
    for t in band.ready_from..x.len() {
        assert!(band.low[t] <= band.expected[t] && band.expected[t] <= band.high[t]);
    }
    // Changing a bin (and everything after it) leaves the expectation of
    // every earlier bin, and of the bin itself, unchanged.
    let mut y = x.clone();
    for v in &mut y[3_000..] {
        *v = v.saturating_mul(5);
    }
    let other = baseline(&y, Resolution::Hour, &cfg).expect("valid");
    let ratio = |b: &Band, t: usize| b.expected[t];
    for t in [100, 1_000, 2_999, 3_000] {
        // The dispersion is fitted to the whole series, the expectation is
        // not: it must be identical.
        assert_eq!(ratio(&band, t), ratio(&other, t), "bin {t}");
    }
}

#[test]
fn spans_map_windows_to_time() {
    let a = Anomaly {
        method: Method::Seasonal,
        shift: Shift::Up,
        index: 2,
        window: (2, 3),
        observed: 1.0,
        expected: 1.0,
        score: 1.0,
        p_value: None,
        threshold: 1.0,
    };
    assert_eq!(a.span_s(0, Resolution::Hour), (7_200, 14_400));
    assert_eq!(a.span_s(0, Resolution::Day), (172_800, 345_600));
    let first = Month::new(1999, 10).expect("month");
    let (from, to) = a.months(first);
    assert_eq!(
        (from.to_string(), to.to_string()),
        ("1999-12".into(), "2000-01".into())
    );
    let (s, e) = a.span_s(first.start_s(), Resolution::Month);
    assert_eq!(s, Month::new(1999, 12).expect("m").start_s());
    assert_eq!(e, Month::new(2000, 2).expect("m").start_s());
}

// ---------------------------------------------------------------------
// Real series: U.S. Border Patrol, "Total Illegal Alien Apprehensions By
// Month", FY2000–FY2016, October → September of each fiscal year. Public
// domain (U.S. federal government), as transcribed from CBP's PDF by the
// University of Washington Center for Human Rights (GitHub UWCHR/cbp),
// shared at /work/shared/data/flows/usbp-monthly/usbp_monthly_fyYYYY.txt:
// the `Southwest Border|…` line and the `Rio Grande Valley` sector's line
// of each year. The twelve months of each year sum to the yearly total in
// the table.

fn monthly() -> DetectConfig {
    DetectConfig::for_resolution(Resolution::Month)
}

/// October 1999, the first month of FY2000.
fn first_month() -> Month {
    Month::new(1999, 10).expect("month")
}

#[rustfmt::skip]
pub(super) const SOUTHWEST: [u64; 204] = [
    91410, 76196, 71252, 185979, 211328, 220063, 180050, 166296, 115093, 113956, 114312, 97744,
    82632, 67709, 55081, 125090, 152229, 170580, 142813, 122927, 89131, 83602, 84648, 59276,
    37812, 32506, 31501, 79793, 95724, 126992, 121921, 97424, 78655, 76661, 82557, 68263,
    61792, 47731, 37824, 86925, 96869, 98399, 75359, 88690, 75530, 79284, 84486, 72176,
    65391, 57894, 43614, 92521, 110669, 154981, 135468, 118726, 94590, 92165, 93246, 80017,
    75913, 65135, 48406, 93020, 113775, 143048, 140062, 115823, 90786, 94954, 96733, 93741,
    83557, 70975, 52673, 101195, 125046, 160696, 126538, 105450, 68366, 59641, 59751, 58084,
    60713, 51594, 40527, 71934, 79268, 114137, 104465, 88504, 71338, 66782, 59795, 49581,
    51339, 42209, 31802, 59028, 73483, 89770, 91566, 69233, 53854, 49472, 48541, 44708,
    42938, 32780, 25947, 44502, 49211, 67342, 58493, 50884, 46044, 43843, 43522, 35359,
    40890, 32815, 25034, 34784, 42790, 61361, 55237, 47045, 32955, 25609, 26415, 22796,
    26165, 22405, 19429, 23926, 28786, 42014, 36251, 31236, 27166, 23170, 24166, 22863,
    25612, 23368, 18983, 25714, 31579, 42218, 40628, 36966, 30669, 26978, 27567, 26591,
    28929, 27636, 23243, 26921, 35042, 47293, 48212, 43856, 34436, 33230, 33797, 31802,
    35312, 31896, 29528, 28668, 36403, 49596, 51502, 60683, 57862, 40708, 31388, 25825,
    26450, 24641, 25019, 21514, 24376, 29791, 29750, 31576, 29303, 28388, 30239, 30286,
    32724, 32838, 37014, 23758, 26072, 33316, 38089, 40337, 34450, 33723, 37048, 39501,
];

#[rustfmt::skip]
pub(super) const RIO_GRANDE_VALLEY: [u64; 204] = [
    8416, 7371, 5808, 15443, 16814, 17995, 15005, 12390, 7764, 9842, 9073, 7322,
    6634, 5975, 4280, 10102, 12298, 12890, 11366, 11204, 8152, 9191, 9426, 6326,
    4784, 3744, 3843, 8035, 8438, 10153, 10310, 9473, 8109, 7523, 8762, 6753,
    6024, 4218, 3814, 7630, 7905, 7498, 6560, 7095, 6153, 7042, 7737, 6073,
    5414, 5053, 4636, 8102, 8732, 10149, 9618, 8916, 7423, 8826, 8542, 7536,
    7813, 7512, 7214, 9136, 10147, 13176, 14635, 14796, 13109, 12208, 12713, 11727,
    10060, 9111, 7128, 9533, 10444, 13080, 11264, 11649, 7516, 7109, 7020, 6614,
    5772, 4549, 3649, 5798, 6172, 8431, 7645, 7736, 5791, 6225, 6331, 5331,
    5989, 4695, 3974, 5216, 6880, 8543, 9417, 7967, 6308, 5562, 6103, 4819,
    5092, 4259, 3341, 4575, 5207, 5479, 6107, 5293, 5094, 5509, 6025, 5008,
    4236, 3688, 2987, 3658, 4845, 7141, 7139, 7477, 5595, 3832, 5329, 3839,
    3628, 3625, 3349, 3485, 4233, 6806, 6502, 5953, 5409, 5276, 5973, 5004,
    6201, 5513, 4285, 5514, 6709, 9622, 11160, 11583, 10112, 9023, 9295, 8745,
    8869, 8352, 6587, 7190, 10828, 16115, 18455, 17522, 14275, 15217, 16253, 14790,
    15192, 14170, 13540, 12255, 16808, 25398, 28624, 37510, 38446, 24938, 17273, 12239,
    12031, 11466, 11035, 8425, 9557, 11817, 12602, 14103, 13750, 13719, 14750, 14002,
    15036, 15297, 17736, 9398, 9660, 13325, 16688, 18291, 15972, 16519, 19155, 19753,
];

/// The alerts as "method shift first..last" lines, for failure messages.
fn listing(alerts: &[Anomaly]) -> String {
    alerts
        .iter()
        .map(|a| {
            let (from, to) = a.months(first_month());
            format!(
                "{} {:?} {from}..{to} obs {:.0} exp {:.0} score {:.3}",
                a.method.name(),
                a.shift,
                a.observed,
                a.expected,
                a.score
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn southwest_fy2000_fy2016_flags_the_fy2000_peak_area_and_few_others() {
    let alerts = detect(&SOUTHWEST, Resolution::Month, &monthly()).expect("valid");
    let list = listing(&alerts);
    println!("{list}");
    // The peak area: the end of the FY2000–FY2001 level is found by
    // September 2001 (bin 23), as a fall from a level above 100,000 a
    // month (FY2000 averaged 137,000).
    assert!(
        alerts
            .iter()
            .any(|a| a.shift == Shift::Down && a.window.0 <= 23 && a.expected > 100_000.0),
        "{list}"
    );
    // Few alerts: at most a dozen over seventeen years, all methods.
    assert!(alerts.len() <= 12, "{list}");
    // The FY2016 autumn rise (October – December 2015, bins 192..=194).
    assert!(
        alerts
            .iter()
            .any(|a| a.shift == Shift::Up && a.overlaps(192, 194)),
        "{list}"
    );
}

#[test]
fn rio_grande_valley_flags_spring_and_summer_2014() {
    let alerts = detect(&RIO_GRANDE_VALLEY, Resolution::Month, &monthly()).expect("valid");
    let list = listing(&alerts);
    println!("{list}");
    // A rise that begins after September 2013 (bin 167) and covers some of
    // March – July 2014 (bins 173..=177) ...
    assert!(
        alerts
            .iter()
            .any(|a| a.shift == Shift::Up && a.window.0 > 167 && a.overlaps(173, 177)),
        "{list}"
    );
    // ... and its end: a fall found by the end of FY2015 (bins 178..=191).
    assert!(
        alerts
            .iter()
            .any(|a| a.shift == Shift::Down && (178..=191).contains(&a.window.0)),
        "{list}"
    );
    assert!(alerts.len() <= 12, "{list}");
}
