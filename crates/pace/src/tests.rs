//! The bucket's contract checked on examples and on random call sequences.

use super::*;
use proptest::prelude::*;

#[test]
fn starts_full_then_refuses_then_refills() {
    let mut b = TokenBucket::new(10.0, 10.0).expect("valid");
    assert_eq!((0..100).filter(|_| b.try_take(0.0)).count(), 10);
    // Half a second refills five tokens.
    assert_eq!((0..100).filter(|_| b.try_take(0.5)).count(), 5);
    // A long pause refills only up to the burst.
    assert_eq!((0..100).filter(|_| b.try_take(100.0)).count(), 10);
}

#[test]
fn time_that_does_not_move_forward_mints_nothing() {
    let mut b = TokenBucket::new(2.0, 2.0).expect("valid");
    assert!(b.try_take(10.0));
    assert!(b.try_take(10.0));
    assert!(!b.try_take(5.0));
    assert!(!b.try_take(f64::NAN));
    assert!(!b.try_take(f64::INFINITY));
    // Going back did not move the reference: 10.5 is half a second on.
    assert!(b.try_take(10.5));
}

#[test]
fn the_clock_starts_at_the_first_call_even_before_zero() {
    // Found by the property below: the first call may be at any time.
    let mut b = TokenBucket::new(905.0, 1.0).expect("valid");
    assert!(b.try_take(-0.567));
    assert!(b.try_take(-0.552), "0.015 s at 905/s refills the one token");
    assert!(!b.try_take(-0.552));
}

#[test]
fn a_nan_first_call_does_not_start_the_clock() {
    let mut b = TokenBucket::new(1.0, 1.0).expect("valid");
    assert!(b.try_take(f64::NAN));
    assert!(!b.try_take(3.0));
    assert!(b.try_take(4.0));
}

#[test]
fn reserve_grants_a_burst_then_paces() {
    let t0 = Instant::now();
    let mut b = TokenBucket::with_burst_seconds(10.0, 5.0).expect("valid");
    for _ in 0..50 {
        assert_eq!(b.reserve(t0), None);
    }
    let wait = b.reserve(t0).expect("empty bucket");
    assert_eq!(wait, Duration::from_millis(100));
    let wait = b.reserve(t0).expect("deeper in debt");
    assert_eq!(wait, Duration::from_millis(200));
    // After the wait, the debt is paid and the next token waits one period.
    let later = t0 + Duration::from_millis(200);
    assert_eq!(b.reserve(later), Some(Duration::from_millis(100)));
}

#[test]
fn a_debt_refuses_try_take_until_repaid() {
    let mut b = TokenBucket::new(1.0, 1.0).expect("valid");
    assert_eq!(b.reserve(0.0), None);
    assert_eq!(b.reserve(0.0), Some(Duration::from_secs(1)));
    assert!(!b.try_take(1.5));
    assert!(b.try_take(2.0));
}

#[test]
fn bad_rates_and_bursts_are_refused() {
    for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(TokenBucket::<f64>::new(rate, 1.0), Err(BadRate::Rate(_))),
            "{rate}"
        );
    }
    assert_eq!(
        TokenBucket::<f64>::new(1.0, 0.5).err(),
        Some(BadRate::Burst(0.5))
    );
    assert!(matches!(
        TokenBucket::<f64>::new(1.0, f64::NAN),
        Err(BadRate::Burst(_))
    ));
    // Seconds of a tiny rate still hold one token.
    assert_eq!(
        TokenBucket::<f64>::with_burst_seconds(0.1, 1.0).map(|b| b.burst()),
        Ok(1.0)
    );
}

/// One call on a bucket: time moves by `dt` seconds (maybe back), then it
/// is asked for a token.
#[derive(Debug, Clone)]
enum Op {
    Take(f64),
    Reserve(f64),
}

fn op() -> impl Strategy<Value = Op> {
    let dt = prop_oneof![
        4 => 0.0..0.5f64,
        1 => -2.0..0.0f64,
        1 => Just(0.0),
        1 => 0.5..20.0f64,
    ];
    prop_oneof![
        3 => dt.clone().prop_map(Op::Take),
        1 => dt.prop_map(Op::Reserve),
    ]
}

proptest! {
    #[test]
    fn the_contract_holds_for_any_sequence(
        rate in 0.1..1000.0f64,
        burst in 1.0..200.0f64,
        ops in proptest::collection::vec(op(), 1..300),
    ) {
        let mut b = TokenBucket::new(rate, burst).expect("valid");
        let mut now = 0.0f64;
        // The latest time seen: only moving past it refills. The bucket
        // measures from its first call, whatever time that is.
        let mut front: Option<f64> = None;
        let mut forward = 0.0f64;
        let mut granted = 0.0f64;
        for op in ops {
            let (dt, reserve) = match op {
                Op::Take(dt) => (dt, false),
                Op::Reserve(dt) => (dt, true),
            };
            now += dt;
            match front {
                Some(f) if now > f => {
                    forward += now - f;
                    front = Some(now);
                }
                Some(_) => {}
                None => front = Some(now),
            }
            let before = b.tokens();
            if reserve {
                let wait = b.reserve(now);
                granted += 1.0;
                prop_assert_eq!(wait.is_some(), b.tokens() < 0.0);
                if let Some(w) = wait {
                    // The wait repays the debt exactly.
                    let debt = -b.tokens();
                    prop_assert!((w.as_secs_f64() * rate - debt).abs() < 1e-6);
                }
            } else if b.try_take(now) {
                granted += 1.0;
                prop_assert!(b.tokens() >= 0.0, "try_take spent a token it lacked");
            } else {
                prop_assert!(b.tokens() < 1.0);
                prop_assert!(b.tokens() >= before.min(0.0) - 1e-9);
            }
            prop_assert!(b.tokens() <= burst);
            // Every grant is paid by the start, the forward time, or debt.
            let debt = (-b.tokens()).max(0.0);
            prop_assert!(granted <= burst + rate * forward + debt + 1e-6);
        }
    }

    #[test]
    fn refused_callers_get_exactly_the_rate_in_steady_state(
        rate in 1.0..100.0f64,
        seconds in 1u32..30,
    ) {
        // Ask far more often than the rate allows: the bucket grants the
        // burst plus the rate over the time, to within one token.
        let mut b = TokenBucket::new(rate, rate).expect("valid");
        let steps = 50 * seconds;
        let mut granted = 0u32;
        for i in 0..=steps {
            let now = f64::from(i) / 50.0;
            for _ in 0..10 {
                if b.try_take(now) {
                    granted += 1;
                }
            }
        }
        let expected = rate + rate * f64::from(seconds);
        prop_assert!((f64::from(granted) - expected).abs() <= 1.0 + rate / 50.0,
            "granted {} expected {}", granted, expected);
    }
}
