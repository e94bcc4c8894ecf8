//! The retry quota: a shared budget that stops retry storms when a service is down.

use std::sync::atomic::{AtomicU32, Ordering};

/// Initial and maximum quota.
pub(crate) const INITIAL: u32 = 500;
/// Cost of a retry after an ordinary failure.
pub(crate) const RETRY_COST: u32 = 5;
/// Cost of a retry after a timeout.
pub(crate) const TIMEOUT_RETRY_COST: u32 = 10;
/// Refill after an operation that succeeded on the first attempt.
const NO_RETRY_INCREMENT: u32 = 1;

/// A token bucket shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct RetryQuota {
    available: AtomicU32,
}

impl RetryQuota {
    pub(crate) fn new() -> Self {
        Self {
            available: AtomicU32::new(INITIAL),
        }
    }

    /// Takes `cost` if that much is left; `Some` with what is left then.
    pub(crate) fn try_acquire(&self, cost: u32) -> Option<u32> {
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |a| a.checked_sub(cost))
            .ok()
            .map(|before| before - cost)
    }

    /// Gives back what a successful retried operation cost, or the small first-try
    /// increment, never above the initial amount. `Some` with the new amount when it
    /// changed.
    pub(crate) fn release(&self, amount: Option<u32>) -> Option<u32> {
        // The common case is a full quota and a first-try success: a plain load keeps the
        // cache line shared between cores instead of bouncing it on every call.
        if amount.is_none() && self.available.load(Ordering::Relaxed) >= INITIAL {
            return None;
        }
        let amount = amount.unwrap_or(NO_RETRY_INCREMENT);
        let new = |a: u32| a.saturating_add(amount).min(INITIAL);
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |a| Some(new(a)))
            .ok()
            .map(new)
    }

    pub(crate) fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_and_refills_without_exceeding_the_cap() {
        let q = RetryQuota::new();
        let mut retries = 0;
        while q.try_acquire(RETRY_COST).is_some() {
            retries += 1;
        }
        assert_eq!(retries, 100);
        assert!(q.try_acquire(TIMEOUT_RETRY_COST).is_none());
        q.release(Some(RETRY_COST));
        assert_eq!(q.available(), 5);
        for _ in 0..1000 {
            q.release(None);
        }
        assert_eq!(q.available(), INITIAL);
    }
}
