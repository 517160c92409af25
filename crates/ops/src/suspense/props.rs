//! Sequences of ticks and requests against the suspense contract: the
//! status is a function of the record and the instant, and each threshold
//! of a due instant is handled exactly once, whatever the ticks.

use proptest::prelude::*;

use super::*;

fn base() -> Time {
    parse_dtg("010000Z JAN 25").expect("dtg")
}

#[derive(Debug, Clone)]
enum Step {
    Tick(i64),
    Extend(i64),
    Meet,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (1i64..(3 * 86_400)).prop_map(Step::Tick),
        1 => (1i64..20).prop_map(Step::Extend),
        1 => Just(Step::Meet),
    ]
}

proptest! {
    #[test]
    fn thresholds_are_handled_once_and_status_follows_the_record(
        due_days in 1i64..40,
        steps in proptest::collection::vec(step(), 1..80),
    ) {
        let opened = base();
        let mut s = Suspense::new("S", "J5", About::Other, "x", plus_days(opened, due_days), opened);
        let mut now = opened;
        for st in steps {
            match st {
                Step::Tick(d) => {
                    now = now.plus_secs(d);
                    let before = s.notices.len();
                    let sent = s.take_notice(now);
                    // What was sent is the most urgent of what was marked.
                    let marked = &s.notices[before..];
                    prop_assert_eq!(sent.is_some(), !marked.is_empty());
                    prop_assert_eq!(marked.iter().filter(|n| n.sent).count(), usize::from(sent.is_some()));
                    if let Some(l) = sent {
                        prop_assert!(marked.iter().all(|n| n.lead >= l));
                    }
                    // After a tick nothing at or before now is left unhandled.
                    prop_assert!(s.next_notice(opened).is_none_or(|t| t > now) || s.is_closed());
                }
                Step::Extend(d) => {
                    let e = Extension {
                        due: plus_days(s.current_due(), d),
                        authority: "CoS".into(),
                        reason: "r".into(),
                        by: "cos".into(),
                        at: now,
                    };
                    let _ = s.extend(e);
                }
                Step::Meet => {
                    let _ = s.meet(now, "j5", now);
                }
            }
            // Handled once: no (due, lead) twice.
            let mut keys: Vec<(i64, i64)> = s.notices.iter().map(|n| (n.due.micros(), n.lead.secs())).collect();
            let n = keys.len();
            keys.sort_unstable();
            keys.dedup();
            prop_assert_eq!(keys.len(), n);
            // The status is a function of the record and the instant.
            let again = s.clone();
            prop_assert_eq!(again.status(now), s.status(now));
            let want = if s.waiver.is_some() {
                SuspenseStatus::Waived
            } else if s.met_at.is_some() {
                SuspenseStatus::Met
            } else if now > s.current_due() {
                SuspenseStatus::Late
            } else if s.extensions.is_empty() {
                SuspenseStatus::Open
            } else {
                SuspenseStatus::Extended
            };
            prop_assert_eq!(s.status(now), want);
        }
    }
}
