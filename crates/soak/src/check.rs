//! The checks a soak run must pass: every call accounted for, memory and descriptors flat
//! once warmed up.

use crate::sample::Sample;
use crate::tally::Counts;

/// How much the last sample may exceed the reference one (taken at 20% of the calls).
pub const GROWTH_LIMIT: f64 = 0.10;
/// Descriptors the last sample may have above the reference beyond [`GROWTH_LIMIT`]: the
/// pool's connections come and go (each reset closes one, the next call opens another).
pub const FD_SLACK: u64 = 4;

/// One check's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What was checked.
    pub name: &'static str,
    /// Whether it held.
    pub passed: bool,
    /// The figures behind it.
    pub detail: String,
}

/// Every call started finished, and successes + errors == `calls`.
pub fn accounted(counts: &Counts, calls: u64) -> Verdict {
    let passed = counts.started == calls && counts.finished() == calls;
    Verdict {
        name: "every call accounted for",
        passed,
        detail: format!(
            "{} started, {} succeeded + {} errors = {} of {calls}",
            counts.started,
            counts.succeeded,
            counts.errors(),
            counts.finished()
        ),
    }
}

/// The sample the flatness checks compare against: the first one taken at or after 20% of
/// `calls` (warm-up done: pools, caches and allocator arenas at their working size).
pub fn reference(samples: &[Sample], calls: u64) -> Option<&Sample> {
    samples.iter().find(|s| s.calls * 5 >= calls)
}

fn within(last: u64, base: u64, slack: u64) -> bool {
    #[allow(clippy::cast_precision_loss)]
    let limit = base as f64 * (1.0 + GROWTH_LIMIT) + slack as f64;
    #[allow(clippy::cast_precision_loss)]
    let last = last as f64;
    last <= limit
}

/// RSS of the last sample within [`GROWTH_LIMIT`] of the reference.
pub fn rss_flat(samples: &[Sample], calls: u64) -> Verdict {
    flat(
        "RSS flat after warm-up",
        samples,
        calls,
        |s| s.rss_kib,
        0,
        "KiB",
    )
}

/// Open fds of the last sample within [`GROWTH_LIMIT`] (plus [`FD_SLACK`]) of the reference.
pub fn fds_flat(samples: &[Sample], calls: u64) -> Verdict {
    flat(
        "open fds flat after warm-up",
        samples,
        calls,
        |s| s.fds,
        FD_SLACK,
        "fds",
    )
}

fn flat(
    name: &'static str,
    samples: &[Sample],
    calls: u64,
    of: impl Fn(&Sample) -> u64,
    slack: u64,
    unit: &str,
) -> Verdict {
    match (reference(samples, calls), samples.last()) {
        (Some(base), Some(last)) => Verdict {
            name,
            passed: within(of(last), of(base), slack),
            detail: format!(
                "{} {unit} at {} calls, {} {unit} at the end",
                of(base),
                base.calls,
                of(last)
            ),
        },
        _ => Verdict {
            name,
            passed: false,
            detail: "no sample at or after 20% of the calls".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn s(calls: u64, rss_kib: u64, fds: u64) -> Sample {
        Sample {
            elapsed: Duration::from_secs(calls),
            calls,
            rss_kib,
            fds,
        }
    }

    #[test]
    fn accounting_needs_every_call_finished() {
        let good = Counts {
            started: 10,
            succeeded: 8,
            service_errors: 1,
            other_errors: 1,
        };
        assert!(accounted(&good, 10).passed);
        let lost = Counts {
            succeeded: 7,
            ..good
        };
        assert!(!accounted(&lost, 10).passed, "a call that never finished");
        let short = Counts {
            started: 9,
            succeeded: 7,
            ..good
        };
        assert!(!accounted(&short, 10).passed, "a call never started");
        let extra = Counts {
            started: 11,
            succeeded: 9,
            ..good
        };
        assert!(!accounted(&extra, 10).passed, "more calls than asked");
    }

    #[test]
    fn the_reference_is_the_first_sample_past_a_fifth() {
        let samples = [s(0, 1, 1), s(19, 2, 2), s(20, 3, 3), s(60, 4, 4)];
        assert_eq!(reference(&samples, 100).map(|r| r.calls), Some(20));
        assert!(reference(&samples[..2], 100).is_none());
    }

    #[test]
    fn growth_past_ten_percent_fails() {
        let flat = [s(0, 500, 10), s(20, 1000, 20), s(100, 1099, 26)];
        assert!(rss_flat(&flat, 100).passed);
        assert!(fds_flat(&flat, 100).passed, "22 + 4 slack");
        let leaking = [s(20, 1000, 20), s(100, 1101, 27)];
        assert!(!rss_flat(&leaking, 100).passed);
        assert!(!fds_flat(&leaking, 100).passed);
        assert!(!rss_flat(&[], 100).passed, "no samples proves nothing");
    }
}
