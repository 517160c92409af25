//! Login rate limiting for enrollment (HTTP Basic auth): after `max_failures` failed attempts
//! for one user name from one address within a window, that pair is locked out, for twice as
//! long after each further lockout.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Longest lockout, whatever the number of repeated lockouts: one hour.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(3600);

/// Most (name, address) pairs tracked; past that, pairs that are not locked out are forgotten.
pub const MAX_TRACKED: usize = 100_000;

/// Counts failed logins per (user name, client address). Time is passed in, so tests and the
/// server's clock agree.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    entries: HashMap<(String, IpAddr), Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    window_start: Instant,
    failures: u32,
    locked_until: Option<Instant>,
    lockouts: u32,
}

impl LoginLimiter {
    /// `max_failures` failures within `window` lock the pair out for `window`, then 2×, 4×…
    /// up to [`MAX_LOCKOUT`]. A usual setting is 5 per 60 seconds.
    pub fn new(max_failures: u32, window: Duration) -> LoginLimiter {
        LoginLimiter {
            max_failures: max_failures.max(1),
            window,
            entries: HashMap::new(),
        }
    }

    /// `Ok` if an attempt may be checked now; otherwise how long to wait (for `Retry-After`).
    pub fn check(&self, name: &str, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        match self
            .entries
            .get(&(name.to_owned(), ip))
            .and_then(|e| e.locked_until)
        {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Records a failed attempt.
    pub fn record_failure(&mut self, name: &str, ip: IpAddr, now: Instant) {
        if self.entries.len() >= MAX_TRACKED {
            self.entries
                .retain(|_, e| e.locked_until.is_some_and(|u| u > now));
        }
        let window = self.window;
        let entry = self.entries.entry((name.to_owned(), ip)).or_insert(Entry {
            window_start: now,
            failures: 0,
            locked_until: None,
            lockouts: 0,
        });
        if now.saturating_duration_since(entry.window_start) >= window {
            entry.window_start = now;
            entry.failures = 0;
        }
        entry.failures += 1;
        if entry.failures >= self.max_failures {
            let factor = 1u32 << entry.lockouts.min(16);
            let lockout = window.saturating_mul(factor).min(MAX_LOCKOUT);
            entry.locked_until = Some(now + lockout);
            entry.lockouts += 1;
            entry.failures = 0;
            entry.window_start = now + lockout;
        }
    }

    /// Records a successful login: the pair starts afresh.
    pub fn record_success(&mut self, name: &str, ip: IpAddr) {
        self.entries.remove(&(name.to_owned(), ip));
    }

    /// Number of (name, address) pairs tracked.
    pub fn tracked(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_out_then_backs_off() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "::1".parse().unwrap();
        let minute = Duration::from_secs(60);
        let mut lim = LoginLimiter::new(3, minute);
        let t0 = Instant::now();
        for _ in 0..2 {
            lim.record_failure("alice", ip, t0);
        }
        assert!(lim.check("alice", ip, t0).is_ok());
        lim.record_failure("alice", ip, t0);
        assert_eq!(lim.check("alice", ip, t0), Err(minute));
        assert!(
            lim.check("alice", other, t0).is_ok(),
            "other address unaffected"
        );
        assert!(lim.check("bob", ip, t0).is_ok(), "other name unaffected");
        let t1 = t0 + minute;
        assert!(lim.check("alice", ip, t1).is_ok());
        for _ in 0..3 {
            lim.record_failure("alice", ip, t1);
        }
        assert_eq!(
            lim.check("alice", ip, t1),
            Err(2 * minute),
            "second lockout doubles"
        );
        lim.record_success("alice", ip);
        assert!(lim.check("alice", ip, t1).is_ok());
        assert_eq!(lim.tracked(), 0);
    }

    #[test]
    fn failures_spread_over_windows_do_not_lock() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let mut lim = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        lim.record_failure("a", ip, t0);
        lim.record_failure("a", ip, t0 + Duration::from_secs(61));
        assert!(lim.check("a", ip, t0 + Duration::from_secs(61)).is_ok());
    }
}
