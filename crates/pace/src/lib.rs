//! One token bucket for every rate limit in watchfloor.
//!
//! A [`TokenBucket`] holds at most `burst` tokens and gains `rate` tokens a
//! second. It never reads a clock: the caller passes the time of each call,
//! as a [`Moment`] (a std `Instant`, or seconds as `f64` for sensor time).
//! The three limits of the server share it:
//!
//! - a TAK connection [`reserves`](TokenBucket::reserve) a token per event
//!   and pauses its reads for the wait it is told (back-pressure, no loss);
//! - a browser's commands and a sensor's messages
//!   [`try_take`](TokenBucket::try_take) a token and are refused without one.
//!
//! Contract, for any sequence of calls:
//! - the bucket never holds more than `burst` tokens;
//! - a time that does not move forward (earlier, equal, NaN) mints nothing;
//! - `try_take` never spends a token it does not have, so over any span the
//!   calls it allows are at most `burst + rate × (forward time)`;
//! - `reserve` always grants, possibly into debt, and the wait it returns is
//!   exactly the time that repays the debt.

use std::time::{Duration, Instant};

#[cfg(test)]
mod tests;

/// A point in time a bucket can measure from.
pub trait Moment: Copy {
    /// Seconds from `earlier` to `self` when `self` is later; `None` when it
    /// is not (equal, earlier, or not a time at all).
    fn seconds_after(self, earlier: Self) -> Option<f64>;

    /// Whether this is a usable time to start measuring from.
    fn is_time(self) -> bool {
        true
    }
}

impl Moment for Instant {
    fn seconds_after(self, earlier: Self) -> Option<f64> {
        let d = self.checked_duration_since(earlier)?;
        (!d.is_zero()).then_some(d.as_secs_f64())
    }
}

/// Seconds on the caller's clock (sensor time).
impl Moment for f64 {
    fn seconds_after(self, earlier: Self) -> Option<f64> {
        let d = self - earlier;
        (d.is_finite() && d > 0.0).then_some(d)
    }

    fn is_time(self) -> bool {
        self.is_finite()
    }
}

/// A rate or burst a bucket cannot have.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum BadRate {
    /// The rate is zero, negative or not a number.
    #[error("a rate must be a positive number of tokens per second, not {0}")]
    Rate(f64),
    /// The burst cannot hold one token.
    #[error("a burst must hold at least one token, not {0}")]
    Burst(f64),
}

/// A token bucket of `rate` tokens a second holding at most `burst`; it
/// starts full.
#[derive(Debug, Clone)]
pub struct TokenBucket<T: Moment> {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Option<T>,
}

impl<T: Moment> TokenBucket<T> {
    /// A full bucket; refuses a rate that is not positive and finite, and a
    /// burst below one token. `const`, so a limit fixed in the code is
    /// checked when it compiles.
    pub const fn new(rate: f64, burst: f64) -> Result<Self, BadRate> {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(BadRate::Rate(rate));
        }
        if !(burst.is_finite() && burst >= 1.0) {
            return Err(BadRate::Burst(burst));
        }
        Ok(TokenBucket {
            rate,
            burst,
            tokens: burst,
            last: None,
        })
    }

    /// A full bucket holding `seconds` of the rate (at least one token).
    pub fn with_burst_seconds(rate: f64, seconds: f64) -> Result<Self, BadRate> {
        Self::new(rate, (rate * seconds).max(1.0))
    }

    /// Tokens a second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The most tokens the bucket holds.
    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// Tokens held after the last call; negative while `reserve` is in debt.
    pub fn tokens(&self) -> f64 {
        self.tokens
    }

    /// Takes one token at `now` if there is one; `false` refuses the caller.
    pub fn try_take(&mut self, now: T) -> bool {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Takes one token at `now`, into debt if need be; `Some(wait)` is how
    /// long the caller must pause before acting, `None` that it need not.
    pub fn reserve(&mut self, now: T) -> Option<Duration> {
        self.refill(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            None
        } else {
            Some(Duration::from_secs_f64(-self.tokens / self.rate))
        }
    }

    fn refill(&mut self, now: T) {
        match self.last {
            Some(last) => {
                if let Some(dt) = now.seconds_after(last) {
                    self.tokens = (self.tokens + dt * self.rate).min(self.burst);
                    self.last = Some(now);
                }
            }
            None if now.is_time() => self.last = Some(now),
            None => {}
        }
    }
}
