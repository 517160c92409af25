use super::*;

fn at(text: &str) -> Time {
    parse_dtg(text).expect("dtg")
}

fn ext(due: Time, days: i64, authority: &str, reason: &str, now: Time) -> Extension {
    Extension {
        due: plus_days(due, days),
        authority: authority.into(),
        reason: reason.into(),
        by: "cos".into(),
        at: now,
    }
}

#[test]
fn an_extension_needs_an_authority_a_reason_and_a_later_due() {
    let due = at("010000Z FEB 25");
    let mut s = Suspense::new(
        "S1",
        "legal",
        About::Review,
        "A-1",
        due,
        plus_days(due, -10),
    );
    assert!(matches!(
        s.extend(ext(due, 3, "", "why", due)),
        Err(SuspenseError::Unjustified { .. })
    ));
    assert!(matches!(
        s.extend(ext(due, 0, "CoS", "why", due)),
        Err(SuspenseError::NotLater { .. })
    ));
    assert!(s
        .extend(ext(due, 3, "CoS", "awaiting DHS data", due))
        .is_ok());
    assert_eq!(s.status(plus_days(due, 1)), SuspenseStatus::Extended);
    assert_eq!(s.status(plus_days(due, 5)), SuspenseStatus::Late);
    assert_eq!(s.days_late(plus_days(due, 5)), 2);
}

#[test]
fn a_waiver_needs_an_authority_and_a_reason_and_closes_it() {
    let due = at("010000Z FEB 25");
    let mut s = Suspense::new("S1", "J3", About::Other, "x", due, plus_days(due, -10));
    let w = |a: &str, r: &str| Waiver {
        authority: a.into(),
        reason: r.into(),
        by: "cos".into(),
        at: due,
    };
    assert!(matches!(
        s.waive(w("CoS", " ")),
        Err(SuspenseError::Unjustified { .. })
    ));
    assert!(s.waive(w("CoS", "overtaken by FRAGORD 2")).is_ok());
    assert_eq!(s.status(plus_days(due, 9)), SuspenseStatus::Waived);
    assert_eq!(s.days_late(plus_days(due, 9)), 0);
    assert_eq!(
        s.waive(w("CoS", "again")),
        Err(SuspenseError::Closed("S1".into()))
    );
    assert!(matches!(
        s.extend(ext(due, 3, "CoS", "x", due)),
        Err(SuspenseError::Closed(_))
    ));
}

#[test]
fn met_late_is_met_and_counts_its_days() {
    let due = at("010000Z FEB 25");
    let mut s = Suspense::new("S1", "J3", About::Other, "x", due, plus_days(due, -10));
    let now = plus_days(due, 3);
    assert!(matches!(
        s.meet(plus_days(due, -11), "j3", now),
        Err(SuspenseError::MetWhen { .. })
    ));
    assert!(matches!(
        s.meet(plus_days(due, 4), "j3", now),
        Err(SuspenseError::MetWhen { .. })
    ));
    s.meet(plus_days(due, 2), "j3", now).expect("meet");
    assert_eq!(s.status(now), SuspenseStatus::Met);
    assert!(s.is_late(now));
    assert_eq!(s.days_late(plus_days(due, 30)), 2);
    assert_eq!(
        s.take_notice(plus_days(due, 30)),
        None,
        "closed: no notices"
    );
}

#[test]
fn each_threshold_is_sent_once_and_a_coarse_tick_sends_the_most_urgent() {
    let due = at("221200Z APR 25");
    let opened = plus_days(due, -90);
    let mut fine = Suspense::new("S", "J5", About::Order, "O", due, opened);
    let mut sent = Vec::new();
    let mut t = opened;
    while t <= plus_days(due, 3) {
        if let Some(l) = fine.take_notice(t) {
            sent.push((l.label(), t));
        }
        t = t.plus_secs(3_600);
    }
    let labels: Vec<&str> = sent.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["T-7d", "T-1d", "DUE"]);
    assert_eq!(sent[0].1, plus_days(due, -7));
    assert_eq!(sent[2].1, due);

    let mut coarse = Suspense::new("S", "J5", About::Order, "O", due, opened);
    assert_eq!(coarse.take_notice(plus_days(due, -2)), Some(Lead::days(7)));
    assert_eq!(
        coarse.take_notice(plus_days(due, 2)),
        Some(Lead::DUE),
        "T-1d passed over"
    );
    assert_eq!(coarse.take_notice(plus_days(due, 3)), None);
    assert_eq!(coarse.notices.len(), 3);
    assert_eq!(coarse.notices.iter().filter(|n| n.sent).count(), 2);
}

#[test]
fn thresholds_past_when_set_are_not_announced_and_an_extension_rearms() {
    let due = at("221200Z APR 25");
    let mut s = Suspense::new("S", "J5", About::Order, "O", due, plus_days(due, -3));
    assert_eq!(s.next_notice(plus_days(due, -3)), Some(plus_days(due, -1)));
    assert_eq!(
        s.take_notice(plus_days(due, -2)),
        None,
        "T-7d was past when set"
    );
    assert_eq!(s.take_notice(due), Some(Lead::DUE));
    let now = plus_days(due, 1);
    s.extend(ext(due, 10, "CoS", "awaiting data", now))
        .expect("extend");
    assert_eq!(
        s.next_notice(now),
        Some(plus_days(due, 3)),
        "T-7d of the new due"
    );
    assert_eq!(s.take_notice(plus_days(due, 3)), Some(Lead::days(7)));
    assert_eq!(s.take_notice(plus_days(due, 10)), Some(Lead::DUE));
    assert!(s
        .notice_text(Lead::DUE, plus_days(due, 10))
        .contains("DUE NOW"));
    assert!(s
        .notice_text(Lead::DUE, plus_days(due, 11))
        .contains("is LATE and not met"));
}

#[test]
fn bad_warning_thresholds_are_refused() {
    let due = at("221200Z APR 25");
    let spec = |w: Vec<&str>| SuspenseSpec {
        id: "S".into(),
        owner: "J5".into(),
        about: About::Other,
        subject: String::new(),
        title: String::new(),
        due,
        warnings: Some(
            w.into_iter()
                .map(|l| Lead::parse(l).expect("lead"))
                .collect(),
        ),
        order: None,
    };
    assert!(spec(vec!["1d", "7d"]).open(due).is_ok());
    assert_eq!(
        spec(vec!["1d", "7d"]).open(due).map(|s| s.warnings),
        Ok(vec![Lead::days(7), Lead::days(1)])
    );
    for bad in [vec!["1d", "24h"], vec!["0s"], vec!["1h"; 9]] {
        assert!(
            matches!(
                spec(bad.clone()).open(due),
                Err(SuspenseError::Warnings { .. })
            ),
            "{bad:?}"
        );
    }
    let mut blank = spec(vec![]);
    blank.owner = " ".into();
    assert!(matches!(
        blank.open(due),
        Err(SuspenseError::Blank { field: "owner", .. })
    ));
}

#[test]
fn a_daily_perstat_opens_one_instance_a_day_from_the_time_alone() {
    let def = Recurring {
        id: "PERSTAT".into(),
        owner: "MP-CO".into(),
        about: About::Report,
        subject: "PERSTAT".into(),
        title: "daily PERSTAT".into(),
        first_due: at("230600Z JAN 25"),
        every: Lead::days(1),
        opens_before: None,
        until: Some(at("300600Z JAN 25")),
        warnings: None,
        order: None,
        since: None,
    };
    let created = at("222000Z JAN 25");
    let mut series = Series::new(def.clone(), created).expect("series");
    assert_eq!(series.next_open(), Some(created), "the first opens at once");
    let first = series.take_due(created);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id, "PERSTAT@20250123T0600Z");
    assert_eq!(first[0].warnings, vec![Lead::hours(1)]);
    assert_eq!(series.next_open(), Some(at("231800Z JAN 25")));
    // One coarse tick after the end makes what hourly ticks make.
    let mut hourly = series.clone();
    let mut a = Vec::new();
    let mut t = created;
    while t <= at("010000Z FEB 25") {
        a.extend(hourly.take_due(t));
        t = t.plus_secs(3_600);
    }
    let b = series.take_due(at("010000Z FEB 25"));
    assert_eq!(a, b);
    assert_eq!(b.len(), 7, "24 JAN .. 30 JAN");
    assert_eq!(b[6].due, at("300600Z JAN 25"));
    assert_eq!(series.next_open(), None, "until reached");

    let mut bad = def;
    bad.every = Lead::parse("30m").expect("lead");
    assert!(Series::new(bad.clone(), created).is_err());
    bad.every = Lead::days(1);
    bad.warnings = Some(vec![Lead::days(7)]);
    assert!(
        Series::new(bad, created).is_err(),
        "a warning before the instance opens"
    );
}

#[test]
fn metrics_count_open_late_days_late_and_time_to_complete() {
    let now = at("011200Z MAR 25");
    let mk = |id: &str, owner: &str, due_days: i64| {
        Suspense::new(
            id,
            owner,
            About::Other,
            "x",
            plus_days(now, due_days),
            plus_days(now, -20),
        )
    };
    let mut met = mk("met", "J3", -5);
    met.meet(plus_days(now, -3), "j3", now).expect("meet");
    let list = vec![
        mk("soon", "J3", 3),
        mk("later", "J3", 30),
        mk("late", "J5", -4),
        met,
    ];
    let r = metrics(&list, now);
    assert_eq!(r.overall.open, 3);
    assert_eq!(r.overall.due_7d, 1);
    assert_eq!(r.overall.late, 1);
    assert_eq!(r.overall.met_late, 1);
    assert_eq!(r.overall.days_late, 4 + 2);
    assert_eq!(r.overall.days_late_max, 4);
    assert_eq!(r.overall.hours_to_complete_mean, Some(17.0 * 24.0));
    assert_eq!(r.by_owner["J5"].late, 1);
    assert_eq!(r.by_owner["J3"].open, 2);
}

#[test]
fn a_series_entered_late_opens_the_instances_owed_since_it_began() {
    let def = Recurring {
        id: "PERSTAT".into(),
        owner: "MP-CO".into(),
        about: About::Report,
        subject: "PERSTAT".into(),
        title: String::new(),
        first_due: at("200600Z JAN 25"),
        every: Lead::days(1),
        opens_before: None,
        until: None,
        warnings: None,
        order: None,
        since: Some(at("200000Z JAN 25")),
    };
    let created = at("221200Z JAN 25");
    let mut series = Series::new(def, created).expect("series");
    let made = series.take_due(created);
    let ids: Vec<&str> = made.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "PERSTAT@20250120T0600Z",
            "PERSTAT@20250121T0600Z",
            "PERSTAT@20250122T0600Z"
        ]
    );
    assert_eq!(
        made[0].opened,
        at("200000Z JAN 25"),
        "opened when the requirement began"
    );
    assert_eq!(made[1].opened, at("201800Z JAN 25"));
    assert!(made
        .iter()
        .all(|s| s.status(created) == SuspenseStatus::Late));
}
