//! The one place the shell reads the wall clock. Everything below the shell
//! takes a [`cot::Time`] argument or a [`cot::Clock`]; this is the clock the
//! running server hands them.

use std::time::SystemTime;

use cot::Time;

/// The system's UTC clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct WallClock;

impl cot::Clock for WallClock {
    fn now(&self) -> Time {
        now()
    }
}

/// The current time as CoT sees it, microseconds since the Unix epoch.
pub fn now() -> Time {
    let us = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    Time::from_micros(i64::try_from(us).unwrap_or(i64::MAX))
}
