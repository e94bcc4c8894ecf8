//! The signing clock: system time plus the offset learned from a server that said our
//! clock was skewed.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

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
    pub(crate) fn correct(&self, server_time: SystemTime) -> bool {
        let local = SystemTime::now();
        let offset_ms = match server_time.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        let previous = self.offset_ms.swap(offset_ms, Ordering::Relaxed);
        (offset_ms - previous).abs() > 4_000
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
}
