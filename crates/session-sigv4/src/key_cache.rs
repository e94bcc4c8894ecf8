//! A tiny cache of derived SigV4 signing keys.
//!
//! The signing key is `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
//! "aws4_request")`: four HMACs (plus allocations inside `aws-sigv4`) that only change when the
//! UTC date, the credentials, the region or the service change. The cache keeps the last few
//! keys; the hot path takes a read lock, compares a handful of short strings and copies 32 bytes.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::SystemTime;

use zeroize::Zeroizing;

use crate::error::SigningError;
use crate::params::Identity;

/// A derived signing key, wiped on drop, with its HMAC pads already hashed.
#[derive(Clone)]
pub(crate) struct SigningKey {
    bytes: Zeroizing<[u8; 32]>,
    mac: crate::keyed_mac::KeyedMac,
}

impl SigningKey {
    fn new(bytes: Zeroizing<[u8; 32]>) -> Self {
        let mac = crate::keyed_mac::KeyedMac::new(&bytes);
        Self { bytes, mac }
    }

    /// HMAC-SHA256 of `message` under this key.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        self.mac.mac(message)
    }
}

impl std::ops::Deref for SigningKey {
    type Target = [u8; 32];

    fn deref(&self) -> &[u8; 32] {
        &self.bytes
    }
}

/// How many keys a cache keeps unless told otherwise: enough for a client that talks to a few
/// regions (S3 redirects) or services with one set of credentials.
pub const DEFAULT_CAPACITY: usize = 4;

struct Entry {
    date: [u8; 8],
    access_key_id: Box<str>,
    /// Kept to detect rotated secrets under the same access key id; wiped on drop.
    secret: Zeroizing<Box<str>>,
    region: Box<str>,
    service: Box<str>,
    key: SigningKey,
}

impl Entry {
    fn matches(
        &self,
        date: &[u8; 8],
        identity: &Identity<'_>,
        region: &str,
        service: &str,
    ) -> bool {
        self.same_scope(identity, region, service) && &self.date == date
    }

    fn same_scope(&self, identity: &Identity<'_>, region: &str, service: &str) -> bool {
        *self.region == *region
            && *self.service == *service
            && *self.access_key_id == *identity.access_key_id()
            && **self.secret == *identity.secret_access_key()
    }
}

/// Caches derived signing keys per (access key id, secret, date, region, service).
///
/// Thread-safe; lookups share a read lock and never wait for each other. A miss derives the key
/// outside the lock, then briefly takes the write lock to store it, replacing the entry for the
/// same credentials/region/service (yesterday's key) or else the oldest entry.
///
/// `Debug` shows the number of entries and derivations, never key material.
pub struct SigningKeyCache {
    entries: RwLock<Vec<Entry>>,
    capacity: usize,
    derivations: AtomicU64,
}

impl Default for SigningKeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl SigningKeyCache {
    /// A cache holding up to [`DEFAULT_CAPACITY`] keys.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// A cache holding up to `capacity` keys; `0` disables caching (every signature derives).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(Vec::with_capacity(capacity)),
            capacity,
            derivations: AtomicU64::new(0),
        }
    }

    /// How many keys this cache has derived so far (each miss derives one).
    pub fn derivations(&self) -> u64 {
        self.derivations.load(Ordering::Relaxed)
    }

    /// How many keys are cached now.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops (and wipes) every cached key, e.g. after credentials were revoked.
    pub fn clear(&self) {
        self.write().clear();
    }

    // A poisoned lock cannot hold a half-written entry (nothing panics while it is held), so
    // recovering the guard is sound and keeps signing panic-free.
    fn read(&self) -> RwLockReadGuard<'_, Vec<Entry>> {
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Vec<Entry>> {
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The signing key for `date` (`YYYYMMDD` of `time`), from the cache or freshly derived.
    pub(crate) fn signing_key(
        &self,
        identity: &Identity<'_>,
        date: [u8; 8],
        time: SystemTime,
        region: &str,
        service: &str,
        validate: impl FnOnce() -> Result<(), SigningError>,
    ) -> Result<SigningKey, SigningError> {
        {
            let entries = self.read();
            if let Some(e) = entries
                .iter()
                .find(|e| e.matches(&date, identity, region, service))
            {
                return Ok(e.key.clone());
            }
        }
        // Only checked inputs are derived from, so only checked inputs are ever cached.
        validate()?;
        let key = derive(identity.secret_access_key(), time, region, service)?;
        self.derivations.fetch_add(1, Ordering::Relaxed);
        if self.capacity > 0 {
            self.store(identity, date, region, service, &key);
        }
        Ok(key)
    }

    fn store(
        &self,
        identity: &Identity<'_>,
        date: [u8; 8],
        region: &str,
        service: &str,
        key: &SigningKey,
    ) {
        let mut entries = self.write();
        if let Some(e) = entries
            .iter_mut()
            .find(|e| e.same_scope(identity, region, service))
        {
            // Another thread may have stored a newer date meanwhile; keep the newer one.
            if e.date < date {
                e.date = date;
                e.key = key.clone();
            }
            return;
        }
        if entries.len() >= self.capacity {
            entries.remove(0);
        }
        entries.push(Entry {
            date,
            access_key_id: identity.access_key_id().into(),
            secret: Zeroizing::new(identity.secret_access_key().into()),
            region: region.into(),
            service: service.into(),
            key: key.clone(),
        });
    }
}

/// Derives the key with `aws-sigv4`'s `generate_signing_key`.
fn derive(
    secret: &str,
    time: SystemTime,
    region: &str,
    service: &str,
) -> Result<SigningKey, SigningError> {
    let derived = aws_sigv4::sign::v4::generate_signing_key(secret, time, region, service);
    let bytes = derived.as_ref();
    let mut key = Zeroizing::new([0u8; 32]);
    if bytes.len() != key.len() {
        return Err(SigningError::key_derivation(
            "aws-sigv4 returned a signing key that is not 32 bytes",
        ));
    }
    key.copy_from_slice(bytes);
    Ok(SigningKey::new(key))
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("entries", &self.len())
            .field("capacity", &self.capacity)
            .field("derivations", &self.derivations())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::AmzDate;
    use std::time::{Duration, UNIX_EPOCH};

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn key_at(
        cache: &SigningKeyCache,
        id: &Identity<'_>,
        t: SystemTime,
        region: &str,
    ) -> SigningKey {
        let date = AmzDate::from_system_time(t).unwrap().date_bytes();
        cache
            .signing_key(id, date, t, region, "service", || Ok(()))
            .unwrap()
    }

    #[test]
    fn derived_key_matches_the_documented_example() {
        // The AWS documentation's example: 20150830 / us-east-1 / iam.
        let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let key = derive(SECRET, t, "us-east-1", "iam").unwrap();
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn same_day_reuses_new_day_rederives() {
        let cache = SigningKeyCache::new();
        let id = Identity::new("AKIDEXAMPLE", SECRET);
        let morning = UNIX_EPOCH + Duration::from_secs(1_440_892_800 + 60); // 2015-08-30 00:01
        let evening = morning + Duration::from_secs(23 * 3600); // 2015-08-30 23:01
        let next_day = morning + Duration::from_secs(24 * 3600); // 2015-08-31 00:01

        let k1 = key_at(&cache, &id, morning, "us-east-1");
        assert_eq!(cache.derivations(), 1);
        let k2 = key_at(&cache, &id, evening, "us-east-1");
        assert_eq!(cache.derivations(), 1, "same UTC day must reuse the key");
        assert_eq!(*k1, *k2);

        let k3 = key_at(&cache, &id, next_day, "us-east-1");
        assert_eq!(
            cache.derivations(),
            2,
            "a new UTC day must derive a new key"
        );
        assert_ne!(*k1, *k3);
        assert_eq!(cache.len(), 1, "yesterday's key is replaced, not kept");
        key_at(&cache, &id, next_day, "us-east-1");
        assert_eq!(cache.derivations(), 2);
    }

    #[test]
    fn keyed_by_region_service_and_credentials() {
        let cache = SigningKeyCache::with_capacity(2);
        let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let id = Identity::new("AKIDEXAMPLE", SECRET);
        let rotated = Identity::new("AKIDEXAMPLE", "another-secret");
        let a = key_at(&cache, &id, t, "us-east-1");
        let b = key_at(&cache, &id, t, "eu-west-1");
        assert_ne!(*a, *b);
        assert_eq!(cache.derivations(), 2);
        let c = key_at(&cache, &rotated, t, "us-east-1");
        assert_ne!(*a, *c, "a different secret must not reuse the key");
        assert_eq!(cache.derivations(), 3);
        assert_eq!(cache.len(), 2, "capacity bounds the cache");
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn zero_capacity_always_derives() {
        let cache = SigningKeyCache::with_capacity(0);
        let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let id = Identity::new("AKIDEXAMPLE", SECRET);
        key_at(&cache, &id, t, "us-east-1");
        key_at(&cache, &id, t, "us-east-1");
        assert_eq!(cache.derivations(), 2);
        assert!(cache.is_empty());
    }

    #[test]
    fn debug_has_no_key_material() {
        let cache = SigningKeyCache::new();
        let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        key_at(
            &cache,
            &Identity::new("AKIDEXAMPLE", SECRET),
            t,
            "us-east-1",
        );
        let shown = format!("{cache:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("AKIDEXAMPLE"),
            "{shown}"
        );
    }
}
