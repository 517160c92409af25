//! Small rate limits used by connections: a token bucket for the events a
//! client may send, and a limit on how often one connection may log.

use std::time::Duration;

use tokio::time::Instant;

/// A token bucket: `rate` events per second, bursts of five seconds' worth.
#[derive(Debug)]
pub(crate) struct RateLimit {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    /// A full bucket for `rate` events per second (0 means unlimited).
    pub(crate) fn new(rate: u32, now: Instant) -> Self {
        let rate = f64::from(rate);
        RateLimit {
            rate,
            burst: rate * 5.0,
            tokens: rate * 5.0,
            last: now,
        }
    }

    /// Takes one token; `Some(wait)` when the caller must pause first.
    pub(crate) fn take(&mut self, now: Instant) -> Option<Duration> {
        if self.rate <= 0.0 {
            return None;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst) - 1.0;
        if self.tokens >= 0.0 {
            None
        } else {
            Some(Duration::from_secs_f64(-self.tokens / self.rate))
        }
    }
}

/// Allows one log line per period, so a peer sending garbage cannot
/// flood the log.
#[derive(Debug)]
pub(crate) struct WarnLimit {
    period: Duration,
    next: Option<Instant>,
}

impl WarnLimit {
    /// One line per `period`.
    pub(crate) fn new(period: Duration) -> Self {
        WarnLimit { period, next: None }
    }

    /// Whether a line may be logged now.
    pub(crate) fn allow(&mut self, now: Instant) -> bool {
        match self.next {
            Some(t) if now < t => false,
            _ => {
                self.next = Some(now + self.period);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_paces() {
        let t0 = Instant::now();
        let mut r = RateLimit::new(10, t0);
        for _ in 0..50 {
            assert_eq!(r.take(t0), None);
        }
        let wait = r.take(t0).expect("empty bucket");
        assert!(
            wait > Duration::from_millis(90) && wait < Duration::from_millis(110),
            "{wait:?}"
        );
        assert_eq!(RateLimit::new(0, t0).take(t0), None);
    }

    #[test]
    fn warn_limit_once_per_period() {
        let t0 = Instant::now();
        let mut w = WarnLimit::new(Duration::from_secs(10));
        assert!(w.allow(t0));
        assert!(!w.allow(t0 + Duration::from_secs(5)));
        assert!(w.allow(t0 + Duration::from_secs(11)));
    }
}
