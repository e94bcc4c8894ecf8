//! The process's resident memory and open file descriptors, read from `/proc/self`.

use std::time::Duration;

/// One sample of the process, taken during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Time since the run started.
    pub elapsed: Duration,
    /// Calls finished by then.
    pub calls: u64,
    /// Resident set size (`VmRSS`), KiB.
    pub rss_kib: u64,
    /// Open file descriptors (entries of `/proc/self/fd`).
    pub fds: u64,
}

/// `VmRSS` from the text of a `/proc/<pid>/status` file, in KiB.
pub fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// This process's `VmRSS`, KiB (0 where `/proc` is not there).
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .as_deref()
        .and_then(parse_vm_rss)
        .unwrap_or(0)
}

/// This process's open file descriptors (0 where `/proc` is not there). The directory
/// handle used to count them is one of them; it is left out.
pub fn open_fds() -> u64 {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count().saturating_sub(1) as u64)
}

/// A sample of this process now.
pub fn take(elapsed: Duration, calls: u64) -> Sample {
    Sample {
        elapsed,
        calls,
        rss_kib: rss_kib(),
        fds: open_fds(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_rss_is_read_from_status_text() {
        let text = "Name:\tsoak\nVmPeak:\t  9000 kB\nVmRSS:\t   12345 kB\nThreads:\t3\n";
        assert_eq!(parse_vm_rss(text), Some(12345));
        assert_eq!(parse_vm_rss("Name:\tsoak\n"), None);
    }

    #[test]
    fn this_process_has_memory_and_fds() {
        assert!(rss_kib() > 0);
        let before = open_fds();
        let f = std::fs::File::open("/proc/self/status");
        assert!(f.is_ok());
        assert_eq!(open_fds(), before + 1);
    }
}
