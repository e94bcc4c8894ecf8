//! What bounds a manager's transfers: requests at once, bytes in memory, bytes per second,
//! and a retry quota.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::TransferError;

const UNIT: u64 = 1024;

/// Bytes held in memory, in KiB permits.
#[derive(Debug, Clone)]
pub(crate) struct MemoryBudget {
    permits: Arc<Semaphore>,
    bytes: u64,
}

impl MemoryBudget {
    pub(crate) fn new(bytes: u64) -> Self {
        let units = usize::try_from(bytes / UNIT).unwrap_or(usize::MAX >> 4);
        Self {
            permits: Arc::new(Semaphore::new(units.min(Semaphore::MAX_PERMITS))),
            bytes,
        }
    }

    /// Waits until `bytes` fit.
    pub(crate) async fn acquire(&self, bytes: u64) -> Result<OwnedSemaphorePermit, TransferError> {
        if bytes > self.bytes {
            return Err(TransferError::invalid(format!(
                "a part of {bytes} bytes does not fit the memory budget of {} bytes",
                self.bytes
            )));
        }
        let units = u32::try_from(bytes.div_ceil(UNIT)).unwrap_or(u32::MAX);
        self.permits
            .clone()
            .acquire_many_owned(units)
            .await
            .map_err(|_| TransferError::cancelled())
    }

    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }
}

/// A shared rate: callers take bytes and sleep off any debt.
#[derive(Debug)]
pub(crate) struct Bandwidth {
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bandwidth {
    pub(crate) fn new(bytes_per_second: u64) -> Self {
        Self {
            rate: bytes_per_second as f64,
            // One second's worth may go at once.
            state: Mutex::new((bytes_per_second as f64, Instant::now())),
        }
    }

    pub(crate) async fn take(&self, bytes: u64) {
        let wait = {
            let mut s = self
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let refill = now.duration_since(s.1).as_secs_f64() * self.rate;
            s.0 = (s.0 + refill).min(self.rate) - bytes as f64;
            s.1 = now;
            (s.0 < 0.0).then(|| Duration::from_secs_f64(-s.0 / self.rate))
        };
        if let Some(w) = wait {
            tokio::time::sleep(w).await;
        }
    }
}

/// The standard retry mode's quota, per manager: a retry costs 5 (10 after a timeout),
/// a success after a retry gives it back, a first-try success adds 1 (up to 500).
#[derive(Debug)]
pub(crate) struct RetryQuota {
    left: AtomicU32,
}

pub(crate) const QUOTA: u32 = 500;

impl RetryQuota {
    pub(crate) fn new() -> Self {
        Self {
            left: AtomicU32::new(QUOTA),
        }
    }

    pub(crate) fn try_take(&self, cost: u32) -> bool {
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                l.checked_sub(cost)
            })
            .is_ok()
    }

    pub(crate) fn give(&self, amount: u32) {
        let _ = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some((l + amount).min(QUOTA))
            });
    }
}

/// Attempts and backoff of one part.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub(crate) attempts: u32,
    pub(crate) base: Duration,
}

impl RetryPolicy {
    /// Full jitter: uniform in `[0, base × 2^(retry-1))`, capped at 20 s.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let bound = self
            .base
            .saturating_mul(
                1u32.checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(Duration::from_secs(20));
        bound.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn budget_refuses_what_never_fits_and_bounds_the_rest() {
        let b = MemoryBudget::new(4 * 1024 * 1024);
        assert!(b
            .acquire(5 * 1024 * 1024)
            .await
            .unwrap_err()
            .is_invalid_input());
        let first = b.acquire(3 * 1024 * 1024).await.unwrap();
        let second =
            tokio::time::timeout(Duration::from_millis(20), b.acquire(2 * 1024 * 1024)).await;
        assert!(second.is_err(), "over the budget it waits");
        drop(first);
        let _again = b.acquire(2 * 1024 * 1024).await.unwrap();
    }

    #[test]
    fn quota_runs_out_and_refills() {
        let q = RetryQuota::new();
        let mut n = 0;
        while q.try_take(5) {
            n += 1;
        }
        assert_eq!(n, 100);
        q.give(5);
        assert!(q.try_take(5));
        let p = RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(100),
        };
        assert!(p.backoff(1) < Duration::from_millis(100));
        assert!(p.backoff(40) <= Duration::from_secs(20));
    }

    #[tokio::test]
    async fn bandwidth_sleeps_off_debt() {
        let bw = Bandwidth::new(1_000_000);
        let start = Instant::now();
        bw.take(1_000_000).await;
        bw.take(200_000).await;
        assert!(
            start.elapsed() >= Duration::from_millis(150),
            "{:?}",
            start.elapsed()
        );
    }
}
