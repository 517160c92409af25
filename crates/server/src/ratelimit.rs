//! The limits used by connections: the pace of the events a client may send
//! (the one [`pace::TokenBucket`]), and how often one connection may log.

use std::time::Duration;

use pace::TokenBucket;
use tokio::time::Instant;

/// Seconds of a client's rate it may send at once before it is paced.
const CLIENT_BURST_S: f64 = 5.0;

/// The bucket pacing one TAK connection's events: `rate` a second, bursts
/// of five seconds' worth; `None` when `rate` is 0 (unlimited).
pub(crate) fn client_bucket(rate: u32) -> Option<TokenBucket<std::time::Instant>> {
    TokenBucket::with_burst_seconds(f64::from(rate), CLIENT_BURST_S).ok()
}

/// How long a connection must pause before handling its next event.
pub(crate) fn client_wait(
    bucket: &mut Option<TokenBucket<std::time::Instant>>,
    now: Instant,
) -> Option<Duration> {
    bucket.as_mut()?.reserve(now.into_std())
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
    fn client_bucket_allows_five_seconds_then_paces() {
        let t0 = Instant::now();
        let mut r = client_bucket(10);
        for _ in 0..50 {
            assert_eq!(client_wait(&mut r, t0), None);
        }
        assert_eq!(client_wait(&mut r, t0), Some(Duration::from_millis(100)));
        let mut unlimited = client_bucket(0);
        assert!(unlimited.is_none());
        assert_eq!(client_wait(&mut unlimited, t0), None);
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
