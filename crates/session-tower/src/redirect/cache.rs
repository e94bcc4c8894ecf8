//! The bucket → region cache of one client.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// How many buckets' regions a client remembers: a program talks to a few buckets, and a
/// program that walks thousands must not grow the cache without end.
pub(crate) const CAPACITY: usize = 256;

/// The regions of the buckets a client was redirected for, least recently used forgotten
/// first when full. Clones share the entries (one `Arc`).
#[derive(Debug, Clone, Default)]
pub(crate) struct BucketRegions {
    inner: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    /// Whether anything was ever remembered: most clients are never redirected, and their
    /// lookups then take no lock.
    used: AtomicBool,
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// Bucket → (region, when last used).
    map: HashMap<Box<str>, (Arc<str>, u64)>,
    tick: u64,
}

impl BucketRegions {
    /// The region remembered for `bucket`, marked as just used.
    pub(crate) fn get(&self, bucket: &str) -> Option<Arc<str>> {
        if !self.inner.used.load(Ordering::Acquire) {
            return None;
        }
        let mut e = self.lock();
        e.tick += 1;
        let tick = e.tick;
        let (region, used) = e.map.get_mut(bucket)?;
        *used = tick;
        Some(region.clone())
    }

    /// Remembers that `bucket` is in `region`, forgetting the least recently used bucket
    /// when the cache is full. Inserts are rare (one per redirect), so the scan for the
    /// oldest entry costs nothing that matters.
    pub(crate) fn insert(&self, bucket: &str, region: Arc<str>) {
        let mut e = self.lock();
        e.tick += 1;
        let tick = e.tick;
        if !e.map.contains_key(bucket) && e.map.len() >= CAPACITY {
            let oldest = e
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(b, _)| b.clone());
            if let Some(oldest) = oldest {
                e.map.remove(&oldest);
            }
        }
        e.map.insert(bucket.into(), (region, tick));
        self.inner.used.store(true, Ordering::Release);
    }

    /// How many buckets are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().map.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.inner
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_shares_between_clones() {
        let regions = BucketRegions::default();
        assert_eq!(regions.get("b"), None);
        let clone = regions.clone();
        clone.insert("b", "eu-west-1".into());
        assert_eq!(regions.get("b").as_deref(), Some("eu-west-1"));
        // A later redirect (the bucket was recreated elsewhere) replaces the region.
        regions.insert("b", "us-west-2".into());
        assert_eq!(clone.get("b").as_deref(), Some("us-west-2"));
        assert_eq!(regions.len(), 1);
        assert_eq!(regions.get("other"), None);
    }

    #[test]
    fn is_bounded_and_forgets_the_least_recently_used() {
        let regions = BucketRegions::default();
        for n in 0..CAPACITY {
            regions.insert(&format!("b{n}"), "eu-west-1".into());
        }
        // `b0` is used again, so `b1` is now the oldest.
        assert!(regions.get("b0").is_some());
        regions.insert("new", "us-west-2".into());
        assert_eq!(regions.len(), CAPACITY);
        assert!(regions.get("b0").is_some());
        assert_eq!(regions.get("b1"), None);
        assert_eq!(regions.get("new").as_deref(), Some("us-west-2"));
        // Updating a bucket already remembered evicts nobody.
        regions.insert("b2", "ap-south-1".into());
        assert_eq!(regions.len(), CAPACITY);
        assert!(regions.get("b3").is_some());
    }
}
