//! Arbitrary bytes, lines and clocks never panic the pipeline, and every
//! input lands in exactly one counter.

use proptest::prelude::*;

use super::sim::*;

#[derive(Debug, Clone)]
enum Op {
    Asterix(String, Vec<u8>),
    Sbs(String),
    Json(String),
    Tick,
}

fn op() -> impl Strategy<Value = Op> {
    let sensor = prop_oneof![
        Just("radar-1".to_owned()),
        Just("adsb-gs".to_owned()),
        Just("x".to_owned())
    ];
    prop_oneof![
        (sensor, proptest::collection::vec(any::<u8>(), 0..300))
            .prop_map(|(s, b)| Op::Asterix(s, b)),
        // Mostly asterix-looking: a CAT048/021 header in front of random bytes.
        (
            prop_oneof![Just(21u8), Just(48u8)],
            proptest::collection::vec(any::<u8>(), 0..120)
        )
            .prop_map(|(cat, body)| {
                let mut b = vec![cat];
                b.extend_from_slice(&((body.len() + 3) as u16).to_be_bytes());
                b.extend(body);
                Op::Asterix("radar-1".to_owned(), b)
            }),
        "MSG,[1-8],1,1,[0-9A-F]{6},1,,,,,,[-0-9.]{0,6},,,[-0-9.NaN]{0,8},[-0-9.inf]{0,9},,,0,0,0,0"
            .prop_map(Op::Sbs),
        any::<String>().prop_map(Op::Sbs),
        r#"\{"sensor":"c","time":[-0-9.e]{1,12},"lat":[-0-9.e]{1,8},"lon":[-0-9.e]{1,8}\}"#
            .prop_map(Op::Json),
        any::<String>().prop_map(Op::Json),
        Just(Op::Tick),
    ]
}

fn clock() -> impl Strategy<Value = cot::Time> {
    prop_oneof![
        8 => (0.0..120.0f64).prop_map(|d| at(T0 + d)),
        2 => any::<i64>().prop_map(cot::Time::from_micros),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_counts_everything(ops in proptest::collection::vec((op(), clock()), 0..40)) {
        let mut p = pipeline();
        let mut lines = 0u64;
        for (op, now) in &ops {
            match op {
                Op::Asterix(s, b) => p.ingest_asterix(s, b, *now),
                Op::Sbs(l) => { lines += 1; p.ingest_sbs_line("adsb-1", l, *now) }
                Op::Json(l) => { lines += 1; p.ingest_detection_json("cams", l, *now) }
                Op::Tick => p.handle_timeout(*now),
            }
            while let Some(e) = p.poll_event() {
                prop_assert!(e.point.lat.abs() <= 90.0);
            }
            let _ = p.poll_timeout();
        }
        let s = p.stats();
        // Each line is one unit: accepted, ignored or rejected.
        let json_and_sbs_units = s.accepted + s.ignored + s.rejected();
        prop_assert!(json_and_sbs_units >= lines);
    }
}
