//! Every call's outcome, counted: a soak run must account for each call it started.

use std::sync::atomic::{AtomicU64, Ordering};

/// What happened to the calls so far (shared by the callers; counts only go up).
#[derive(Debug, Default)]
pub struct Tally {
    started: AtomicU64,
    succeeded: AtomicU64,
    service_errors: AtomicU64,
    other_errors: AtomicU64,
}

/// A snapshot of a [`Tally`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Calls started.
    pub started: u64,
    /// Calls that returned their output.
    pub succeeded: u64,
    /// Calls that returned a service error (a 503 past the retries).
    pub service_errors: u64,
    /// Calls that returned any other error (a reset past the retries, a timeout).
    pub other_errors: u64,
}

impl Counts {
    /// Calls that returned an error of any kind.
    pub fn errors(&self) -> u64 {
        self.service_errors + self.other_errors
    }

    /// Calls that finished, one way or the other.
    pub fn finished(&self) -> u64 {
        self.succeeded + self.errors()
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Its output came back.
    Success,
    /// A service error (an error answer the retries did not get past).
    ServiceError,
    /// Any other error.
    OtherError,
}

impl Tally {
    /// Claims the next call's number, or `None` once `limit` calls were started.
    pub fn claim(&self, limit: u64) -> Option<u64> {
        let n = self.started.fetch_add(1, Ordering::Relaxed);
        if n < limit {
            Some(n)
        } else {
            // Undo the overshoot so `started` stays the number of calls made.
            self.started.fetch_sub(1, Ordering::Relaxed);
            None
        }
    }

    /// Records how one claimed call ended.
    pub fn record(&self, ending: Ending) {
        let counter = match ending {
            Ending::Success => &self.succeeded,
            Ending::ServiceError => &self.service_errors,
            Ending::OtherError => &self.other_errors,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts now.
    pub fn counts(&self) -> Counts {
        Counts {
            started: self.started.load(Ordering::Relaxed),
            succeeded: self.succeeded.load(Ordering::Relaxed),
            service_errors: self.service_errors.load(Ordering::Relaxed),
            other_errors: self.other_errors.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_stop_at_the_limit_and_started_stays_exact() {
        let t = Tally::default();
        assert_eq!(t.claim(2), Some(0));
        assert_eq!(t.claim(2), Some(1));
        assert_eq!(t.claim(2), None);
        assert_eq!(t.claim(2), None);
        assert_eq!(t.counts().started, 2);
    }

    #[test]
    fn each_ending_lands_in_its_own_count() {
        let t = Tally::default();
        for e in [
            Ending::Success,
            Ending::Success,
            Ending::ServiceError,
            Ending::OtherError,
        ] {
            t.record(e);
        }
        let c = t.counts();
        assert_eq!((c.succeeded, c.service_errors, c.other_errors), (2, 1, 1));
        assert_eq!(c.errors(), 2);
        assert_eq!(c.finished(), 4);
    }

    #[test]
    fn claims_from_many_threads_are_all_distinct() {
        let t = std::sync::Arc::new(Tally::default());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    while let Some(n) = t.claim(10_000) {
                        mine.push(n);
                    }
                    mine
                })
            })
            .collect();
        let mut all: Vec<u64> = threads
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 10_000);
        assert_eq!(t.counts().started, 10_000);
    }
}
