//! CPU time of this process and peak RSS of a finished child, from the kernel's rusage.
//!
//! std has neither `getrusage` nor `wait4`; these are the only `unsafe` calls of the crate.

#![allow(unsafe_code)]

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::Duration;

fn timeval(t: libc::timeval) -> Duration {
    Duration::new(t.tv_sec.unsigned_abs(), (t.tv_usec.max(0) as u32) * 1000)
}

/// User + system CPU time of this process so far, all threads.
pub(crate) fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes only the struct it is given, which is zero-initialised and of
    // the right type; with RUSAGE_SELF it cannot fail.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

/// What a finished child printed and what the kernel says it used.
pub(crate) struct Finished {
    /// Its standard output.
    pub(crate) stdout: String,
    /// Peak resident set size, bytes (`ru_maxrss`).
    pub(crate) max_rss: u64,
}

/// Runs `cmd` to completion (stderr inherited) and reaps it with `wait4`.
///
/// # Errors
/// It cannot be started or waited for, or it exited unsuccessfully.
pub(crate) fn run(cmd: &mut Command) -> Result<Finished, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout)
            .map_err(|e| format!("reading {cmd:?}: {e}"))?;
    }
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `pid` is our own child, not yet reaped (std's `Child` only reaps in `wait`,
    // which is never called on it); status and rusage point to live, writable values.
    let (got, usage) = unsafe {
        let got = libc::wait4(pid, &mut status, 0, usage.as_mut_ptr());
        (got, usage.assume_init())
    };
    if got != pid {
        return Err(format!(
            "wait4 on {cmd:?}: {}",
            std::io::Error::last_os_error()
        ));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{cmd:?} failed (wait status {status})"));
    }
    Ok(Finished {
        stdout,
        // Linux reports ru_maxrss in KiB.
        max_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
    })
}
