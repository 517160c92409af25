use proptest::prelude::*;

use super::*;

/// 2024-03-01T00:00:00Z.
const MAR_1: i64 = 1_709_251_200;

fn crossing(at_s: i64, direction: Direction) -> FlowEvent {
    FlowEvent::Crossing {
        direction,
        kind: TrackKind::Ground,
        at_s,
        chainage_m: 0.0,
    }
}

fn turn_back(at_s: i64) -> FlowEvent {
    FlowEvent::TurnBack {
        direction: Direction::Northbound,
        kind: TrackKind::Ground,
        at_s,
        chainage_m: 0.0,
    }
}

#[test]
fn hours_days_and_months_are_sums_of_the_same_bins_zero_filled() {
    let mut c = Counts::new();
    // Two in the first hour, one three hours later, one the next day, one
    // in the last second of February (the month before).
    c.record(&crossing(MAR_1 + 10, Direction::Northbound), "TCA");
    c.record(&crossing(MAR_1 + 3_599, Direction::Northbound), "TCA");
    c.record(&crossing(MAR_1 + 3 * 3_600, Direction::Southbound), "TCA");
    c.record(&crossing(MAR_1 + 86_400 + 5, Direction::Northbound), "RGV");
    c.record(&crossing(MAR_1 - 1, Direction::Northbound), "TCA");

    let all = Filter::crossings();
    let h = c
        .series(&all, Resolution::Hour, MAR_1, MAR_1 + 5 * 3_600)
        .expect("five hours");
    assert_eq!(h.start_s, MAR_1);
    assert_eq!(h.values, vec![2, 0, 0, 1, 0]);

    let d = c
        .series(&all, Resolution::Day, MAR_1 - 86_400, MAR_1 + 2 * 86_400)
        .expect("three days");
    assert_eq!(d.values, vec![1, 3, 1]);
    assert_eq!(d.starts(), vec![MAR_1 - 86_400, MAR_1, MAR_1 + 86_400]);

    let m = c
        .series(&all, Resolution::Month, MAR_1 - 86_400, MAR_1 + 40 * 86_400)
        .expect("three months");
    assert_eq!(m.values, vec![1, 4, 0], "February, March, April");
    assert_eq!(
        m.start_s,
        Month::new(2024, 2).map(Month::start_s).unwrap_or(0)
    );
    assert_eq!(m.total(), 5);

    let tca = c
        .series(
            &Filter::crossings().in_sector("TCA"),
            Resolution::Day,
            MAR_1,
            MAR_1 + 2 * 86_400,
        )
        .expect("tca");
    assert_eq!(tca.values, vec![3, 0]);
    let north = Filter {
        direction: Some(Direction::Northbound),
        ..Filter::crossings()
    };
    let n = c
        .series(&north, Resolution::Day, MAR_1, MAR_1 + 2 * 86_400)
        .expect("north");
    assert_eq!(n.values, vec![2, 1]);
}

#[test]
fn turn_backs_are_counted_apart_and_totals_split_them() {
    let mut c = Counts::new();
    c.record(&crossing(MAR_1, Direction::Northbound), "ELC");
    c.record(&crossing(MAR_1 + 1, Direction::Southbound), "ELC");
    c.record(&turn_back(MAR_1 + 2), "ELC");
    c.record(&turn_back(MAR_1 + 3), "YUM");
    let crossings = c
        .series(&Filter::crossings(), Resolution::Hour, MAR_1, MAR_1 + 3_600)
        .expect("one hour");
    assert_eq!(crossings.values, vec![2]);
    let t = c.totals(&Filter::default(), MAR_1, MAR_1 + 3_600);
    assert_eq!(
        t.get("ELC"),
        Some(&Totals {
            northbound: 1,
            southbound: 1,
            turn_backs: 1
        })
    );
    assert_eq!(t.get("YUM").map(|t| t.turn_backs), Some(1));
    assert!(c
        .totals(&Filter::default(), MAR_1 + 3_600, MAR_1 + 7_200)
        .values()
        .all(|t| *t == Totals::default()));
}

#[test]
fn changes_are_the_increments_since_the_last_take_and_stored_bins_are_not() {
    let mut c = Counts::new();
    c.add_bin(&Bin {
        hour: MAR_1 / 3_600,
        key: CountKey {
            sector: "SDC".into(),
            direction: Direction::Northbound,
            kind: TrackKind::Ground,
            event: EventKind::Crossing,
        },
        n: 7,
    });
    c.record(&crossing(MAR_1 + 60, Direction::Northbound), "SDC");
    c.record(&crossing(MAR_1 + 120, Direction::Northbound), "SDC");
    c.observe(MAR_1 + 60, "radar-1");
    c.observe(MAR_1 + 61, "radar-1");
    let (bins, cov) = c.take_changes();
    assert_eq!(bins.len(), 1);
    assert_eq!(bins[0].n, 2, "the stored 7 is not a change");
    assert_eq!(cov.len(), 1);
    assert_eq!(cov[0].updates, 2);
    let (bins, cov) = c.take_changes();
    assert!(bins.is_empty() && cov.is_empty(), "taken once");
    let s = c
        .series(&Filter::crossings(), Resolution::Hour, MAR_1, MAR_1 + 3_600)
        .expect("one hour");
    assert_eq!(s.values, vec![9]);
}

#[test]
fn coverage_names_the_sources_and_the_hours_nobody_watched() {
    let mut c = Counts::new();
    c.observe(MAR_1 + 5, "radar-1");
    c.observe(MAR_1 + 3_600 + 5, "radar-1");
    c.observe(MAR_1 + 3_600 + 6, "tower-2");
    c.observe(MAR_1 + 4 * 3_600, "tower-2");
    let cov = c.coverage(MAR_1, MAR_1 + 6 * 3_600);
    assert_eq!(cov.hours, 6);
    assert_eq!(cov.covered_hours, 3);
    assert_eq!(
        cov.gaps,
        vec![
            (MAR_1 + 2 * 3_600, MAR_1 + 4 * 3_600),
            (MAR_1 + 5 * 3_600, MAR_1 + 6 * 3_600)
        ]
    );
    let names: Vec<&str> = cov.sources.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(names, vec!["radar-1", "tower-2"]);
    assert_eq!(cov.sources[1].first_s, MAR_1 + 3_600);
    assert_eq!(cov.sources[1].last_s, MAR_1 + 5 * 3_600);
    let none = Counts::new().coverage(MAR_1, MAR_1 + 3_600);
    assert_eq!(none.gaps, vec![(MAR_1, MAR_1 + 3_600)]);
    assert_eq!(none.covered_hours, 0);
}

#[test]
fn bad_windows_are_refused_with_a_reason() {
    let c = Counts::new();
    assert!(matches!(
        c.series(&Filter::default(), Resolution::Hour, 10, 5),
        Err(CountsError::Window { .. })
    ));
    assert!(matches!(
        c.series(&Filter::default(), Resolution::Hour, 0, 20 * 365 * 86_400),
        Err(CountsError::TooLong { .. })
    ));
    let empty = c
        .series(&Filter::default(), Resolution::Day, MAR_1, MAR_1)
        .expect("an empty window is an empty series");
    assert!(empty.values.is_empty());
    assert_eq!("Daily".parse::<Resolution>(), Ok(Resolution::Day));
    assert!("weekly".parse::<Resolution>().is_err());
}

proptest! {
    /// Whatever the events, a rebuild from the stored bins gives the same
    /// series, and days and months are the sums of their hours.
    #[test]
    fn rebuilds_and_coarser_bins_agree(
        events in proptest::collection::vec((0i64..90 * 86_400, any::<bool>(), 0usize..3), 0..300)
    ) {
        let sectors = ["SDC", "TCA", "RGV"];
        let mut c = Counts::new();
        for (dt, north, s) in &events {
            let d = if *north { Direction::Northbound } else { Direction::Southbound };
            c.record(&crossing(MAR_1 + dt, d), sectors[*s]);
        }
        let mut rebuilt = Counts::new();
        for b in c.bins() {
            rebuilt.add_bin(&b);
        }
        let (from, to) = (MAR_1, MAR_1 + 90 * 86_400);
        let f = Filter::crossings();
        let hours = c.series(&f, Resolution::Hour, from, to).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again = rebuilt.series(&f, Resolution::Hour, from, to).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&hours, &again);
        prop_assert_eq!(hours.total(), events.len() as u64);
        let days = c.series(&f, Resolution::Day, from, to).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let summed: Vec<u64> = hours.values.chunks(24).map(|d| d.iter().sum()).collect();
        prop_assert_eq!(days.values, summed);
        let months = c.series(&f, Resolution::Month, from, to).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(months.total(), events.len() as u64);
        let by_sector: u64 = c.totals(&f, from, to).values().map(|t| t.northbound + t.southbound).sum();
        prop_assert_eq!(by_sector, events.len() as u64);
    }
}
