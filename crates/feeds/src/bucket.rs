//! Per-sensor flood control: a token bucket driven by the caller's clock.

/// A token bucket of `rate` tokens per second holding at most one second's worth.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    rate: f64,
    tokens: f64,
    last: Option<f64>,
}

impl TokenBucket {
    /// A full bucket refilling at `rate` tokens per second.
    pub(crate) fn new(rate: f64) -> Self {
        TokenBucket {
            rate,
            tokens: rate,
            last: None,
        }
    }

    /// Takes one token at `now` (seconds) if there is one.
    pub(crate) fn take(&mut self, now: f64) -> bool {
        // A clock that steps back (or NaN) must not mint tokens.
        if let Some(last) = self.last {
            if now > last {
                self.tokens = (self.tokens + (now - last) * self.rate).min(self.rate);
                self.last = Some(now);
            }
        } else if now.is_finite() {
            self.last = Some(now);
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_to_rate_with_one_second_burst() {
        let mut b = TokenBucket::new(10.0);
        let first = (0..100).filter(|_| b.take(0.0)).count();
        assert_eq!(first, 10);
        // Half a second refills five tokens.
        let later = (0..100).filter(|_| b.take(0.5)).count();
        assert_eq!(later, 5);
        // A long pause refills only up to the burst.
        let after_pause = (0..100).filter(|_| b.take(100.0)).count();
        assert_eq!(after_pause, 10);
    }

    #[test]
    fn clock_going_back_or_nan_mints_nothing() {
        let mut b = TokenBucket::new(2.0);
        assert!(b.take(10.0));
        assert!(b.take(10.0));
        assert!(!b.take(5.0));
        assert!(!b.take(f64::NAN));
        assert!(b.take(10.5));
    }
}
