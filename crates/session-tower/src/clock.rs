//! The signing clock: system time plus the offset learned from a server that said our
//! clock was skewed.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The largest clock offset a server's `Date` is believed for: a day.
pub const MAX_SKEW: Duration = Duration::from_secs(24 * 3600);

/// Shared by every clone of a client; corrected by the retry layer, read by signing.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The current time as the servers see it.
    pub fn now(&self) -> SystemTime {
        let offset = self.offset_ms.load(Ordering::Relaxed);
        let now = SystemTime::now();
        if offset >= 0 {
            now + Duration::from_millis(offset as u64)
        } else {
            now - Duration::from_millis(offset.unsigned_abs())
        }
    }

    /// Learns the offset from a server's `Date`. Returns true when it changed by more than
    /// a few seconds (so retrying the request can help).
    ///
    /// An offset beyond [`MAX_SKEW`] is not adopted (false): a clock hours off is a badly
    /// set machine, one days or years off (a proxy's `Date` of 9999) is a server to
    /// distrust, and adopting it would sign every later request of the session wrongly.
    /// Both cases are logged.
    pub(crate) fn correct(&self, server_time: SystemTime) -> bool {
        let local = SystemTime::now();
        let offset_ms = match server_time.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        let max_ms = i64::try_from(MAX_SKEW.as_millis()).unwrap_or(i64::MAX);
        if offset_ms.unsigned_abs() > max_ms.unsigned_abs() {
            tracing::warn!(
                offset_s = offset_ms / 1000,
                "the server's clock is implausibly far from ours; not adopted"
            );
            return false;
        }
        let previous = self.offset_ms.swap(offset_ms, Ordering::Relaxed);
        let changed = (offset_ms - previous).abs() > 4_000;
        if changed {
            tracing::info!(
                offset_s = offset_ms / 1000,
                "clock skew corrected from a server's Date"
            );
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_offsets_both_ways() {
        let c = Clock::default();
        assert!(c.correct(SystemTime::now() + Duration::from_secs(600)));
        let skew = c.now().duration_since(SystemTime::now()).unwrap();
        assert!(skew > Duration::from_secs(590));
        assert!(!c.correct(SystemTime::now() + Duration::from_secs(601)));
        assert!(c.correct(SystemTime::now() - Duration::from_secs(600)));
        assert!(SystemTime::now().duration_since(c.now()).unwrap() > Duration::from_secs(590));
    }

    #[test]
    fn implausible_offsets_are_not_adopted() {
        let c = Clock::default();
        // Hours are believed (a badly set machine)...
        assert!(c.correct(SystemTime::now() + Duration::from_secs(14 * 3600)));
        // ...days and years are not, and leave the offset as it was.
        assert!(!c.correct(SystemTime::now() + Duration::from_secs(3 * 86_400)));
        assert!(!c.correct(SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799)));
        assert!(!c.correct(SystemTime::now() - MAX_SKEW - Duration::from_secs(60)));
        let skew = c.now().duration_since(SystemTime::now()).unwrap();
        assert!(
            skew > Duration::from_secs(14 * 3600 - 10)
                && skew < Duration::from_secs(14 * 3600 + 10)
        );
    }
}
