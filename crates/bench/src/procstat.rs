//! CPU time and resident memory of a process, from Linux `/proc`.

use std::fs;
use std::time::Duration;

/// Clock ticks per second of `utime`/`stime` in `/proc/PID/stat`.
///
/// The kernel reports these in USER_HZ, which is 100 on every architecture
/// Linux runs on today; reading it through `sysconf` would need `libc` and
/// `unsafe`, which this workspace forbids.
pub const TICKS_PER_SECOND: u64 = 100;

/// Why a `/proc` file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    /// The file is missing or unreadable (usually: the process has exited).
    #[error("cannot read {path}: {source}")]
    Io {
        /// File that was read.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file did not have the expected shape.
    #[error("unexpected contents in {0}")]
    Malformed(String),
}

/// Which process to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proc {
    /// This process.
    SelfProc,
    /// Another process by id.
    Pid(u32),
}

impl Proc {
    fn path(self, file: &str) -> String {
        match self {
            Proc::SelfProc => format!("/proc/self/{file}"),
            Proc::Pid(pid) => format!("/proc/{pid}/{file}"),
        }
    }

    fn read(self, file: &str) -> Result<String, ProcError> {
        let path = self.path(file);
        fs::read_to_string(&path).map_err(|source| ProcError::Io { path, source })
    }

    /// User plus system CPU time consumed so far by all threads.
    pub fn cpu_time(self) -> Result<Duration, ProcError> {
        let text = self.read("stat")?;
        let ticks =
            parse_stat_ticks(&text).ok_or_else(|| ProcError::Malformed(self.path("stat")))?;
        Ok(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
    }

    /// Resident set size (`VmRSS`), KiB.
    pub fn rss_kib(self) -> Result<u64, ProcError> {
        let text = self.read("status")?;
        parse_vmrss_kib(&text).ok_or_else(|| ProcError::Malformed(self.path("status")))
    }
}

/// `utime + stime` in ticks from the text of `/proc/PID/stat`.
///
/// The command name (field 2) is in parentheses and may itself contain
/// spaces and parentheses, so fields are counted from the last `)`.
pub fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_ascii_whitespace();
    // After ")" come state (field 3) ... utime (14) and stime (15).
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// `VmRSS` in KiB from the text of `/proc/PID/status`.
pub fn parse_vmrss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let mut parts = line.split_ascii_whitespace().skip(1);
    let value: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") | None => Some(value),
        Some(_) => None,
    }
}

/// Busy CPU time of the whole machine so far, summed over all cores, from
/// the first line of `/proc/stat` (everything but idle and iowait).
pub fn machine_busy() -> Result<Duration, ProcError> {
    let path = "/proc/stat";
    let text = fs::read_to_string(path).map_err(|source| ProcError::Io {
        path: path.to_owned(),
        source,
    })?;
    let ticks = parse_machine_busy(&text).ok_or_else(|| ProcError::Malformed(path.to_owned()))?;
    Ok(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
}

/// Busy ticks from the text of `/proc/stat`: user, nice, system, irq,
/// softirq and steal of the aggregate `cpu` line.
pub fn parse_machine_busy(stat: &str) -> Option<u64> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_ascii_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // Fields: user nice system idle iowait irq softirq steal [guest guest_nice],
    // guests being already counted in user and nice.
    let field = |i: usize| v.get(i).copied();
    Some(field(0)? + field(1)? + field(2)? + field(5)? + field(6)? + field(7).unwrap_or(0))
}

/// CPU share over an interval, percent of one core (200 % = two cores busy).
pub fn cpu_percent(used: Duration, wall: Duration) -> f64 {
    if wall.is_zero() {
        0.0
    } else {
        100.0 * used.as_secs_f64() / wall.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_awkward_command_name() {
        let stat = "4242 (my (weird) proc) S 1 4242 4242 0 -1 4194560 1234 0 5 0 \
                    250 75 0 0 20 0 9 0 123456 1000000 2000 18446744073709551615";
        assert_eq!(parse_stat_ticks(stat), Some(325));
        assert_eq!(parse_stat_ticks("1 (x) S 1 2"), None);
        assert_eq!(parse_stat_ticks("garbage"), None);
    }

    #[test]
    fn vmrss_found_and_malformed_refused() {
        let status = "Name:\twatchfloor\nVmPeak:\t  99999 kB\nVmRSS:\t   12345 kB\nThreads:\t3\n";
        assert_eq!(parse_vmrss_kib(status), Some(12345));
        assert_eq!(parse_vmrss_kib("Name:\tx\n"), None);
        assert_eq!(parse_vmrss_kib("VmRSS:\tlots kB\n"), None);
        assert_eq!(parse_vmrss_kib("VmRSS:\t12 MB\n"), None);
    }

    #[test]
    fn own_process_is_readable() {
        assert!(Proc::SelfProc.rss_kib().unwrap() > 0);
        assert!(Proc::SelfProc.cpu_time().is_ok());
        assert!(matches!(
            Proc::Pid(u32::MAX).rss_kib(),
            Err(ProcError::Io { .. })
        ));
    }

    #[test]
    fn machine_busy_skips_idle_and_iowait() {
        let stat = "cpu  100 5 50 9000 30 1 2 3 0 0\ncpu0 50 2 25 4500 15 0 1 1 0 0\nintr 1\n";
        assert_eq!(parse_machine_busy(stat), Some(161));
        assert_eq!(parse_machine_busy("cpu  1 2 x\n"), None);
        assert_eq!(parse_machine_busy("intr 1\n"), None);
        assert!(machine_busy().is_ok());
    }

    #[test]
    fn percent_of_one_core() {
        assert_eq!(
            cpu_percent(Duration::from_secs(3), Duration::from_secs(2)),
            150.0
        );
        assert_eq!(cpu_percent(Duration::from_secs(1), Duration::ZERO), 0.0);
    }
}
