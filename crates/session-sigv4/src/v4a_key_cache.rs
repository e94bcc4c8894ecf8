//! A tiny cache of derived SigV4a keys.
//!
//! A SigV4a key depends on the access key id and the secret only (not on the date, region or
//! service), and deriving it costs an HMAC plus a P-256 scalar multiplication (the public key,
//! computed once by `p256`), which is many times a SigV4 signature. The cache keeps the last
//! few keys; the hot path takes a read lock, compares two short strings and clones an `Arc`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use zeroize::Zeroizing;

use crate::error::SigningError;
use crate::params::Identity;
use crate::v4a_key::{self, EcdsaKey};

/// How many SigV4a keys a cache keeps unless told otherwise: one per set of credentials a
/// client signs with, and room for a rotation.
pub const DEFAULT_V4A_CAPACITY: usize = 4;

struct Entry {
    access_key_id: Box<str>,
    /// Kept to detect rotated secrets under the same access key id; wiped on drop.
    secret: Zeroizing<Box<str>>,
    key: Arc<EcdsaKey>,
}

impl Entry {
    fn matches(&self, identity: &Identity<'_>) -> bool {
        *self.access_key_id == *identity.access_key_id()
            && **self.secret == *identity.secret_access_key()
    }
}

/// Caches derived SigV4a keys per (access key id, secret).
///
/// Thread-safe; lookups share a read lock. A miss derives the key outside the lock, then
/// briefly takes the write lock to store it, replacing the oldest entry when full. Shared by
/// clones of a [`Signer`](crate::Signer), like the [`SigningKeyCache`](crate::SigningKeyCache).
///
/// `Debug` shows the number of entries and derivations, never key material.
pub struct V4aKeyCache {
    entries: RwLock<Vec<Entry>>,
    capacity: usize,
    derivations: AtomicU64,
}

impl Default for V4aKeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl V4aKeyCache {
    /// A cache holding up to [`DEFAULT_V4A_CAPACITY`] keys.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_V4A_CAPACITY)
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

    /// Drops every cached key (each is wiped once the last signature using it is done).
    pub fn clear(&self) {
        self.write().clear();
    }

    // As in the SigV4 cache: nothing panics while the lock is held, so a poisoned lock holds
    // no half-written entry and recovering the guard keeps signing panic-free.
    fn read(&self) -> RwLockReadGuard<'_, Vec<Entry>> {
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Vec<Entry>> {
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The key for `identity`, from the cache or freshly derived after `validate` passes.
    pub(crate) fn key(
        &self,
        identity: &Identity<'_>,
        validate: impl FnOnce() -> Result<(), SigningError>,
    ) -> Result<Arc<EcdsaKey>, SigningError> {
        if let Some(e) = self.read().iter().find(|e| e.matches(identity)) {
            return Ok(Arc::clone(&e.key));
        }
        // Only checked credentials are derived from, so only checked credentials are cached.
        validate()?;
        let key = Arc::new(v4a_key::derive(
            identity.access_key_id(),
            identity.secret_access_key(),
        )?);
        self.derivations.fetch_add(1, Ordering::Relaxed);
        if self.capacity > 0 {
            let mut entries = self.write();
            // Another thread may have stored the same key meanwhile.
            if !entries.iter().any(|e| e.matches(identity)) {
                if entries.len() >= self.capacity {
                    entries.remove(0);
                }
                entries.push(Entry {
                    access_key_id: identity.access_key_id().into(),
                    secret: Zeroizing::new(identity.secret_access_key().into()),
                    key: Arc::clone(&key),
                });
            }
        }
        Ok(key)
    }
}

impl fmt::Debug for V4aKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V4aKeyCache")
            .field("entries", &self.len())
            .field("capacity", &self.capacity)
            .field("derivations", &self.derivations())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn public(cache: &V4aKeyCache, id: &Identity<'_>) -> [u8; 65] {
        cache.key(id, || Ok(())).unwrap().public_key()
    }

    #[test]
    fn reuses_per_credentials_and_detects_rotation() {
        let cache = V4aKeyCache::with_capacity(2);
        let id = Identity::new("AKIDEXAMPLE", SECRET);
        let a = public(&cache, &id);
        assert_eq!(public(&cache, &id), a);
        assert_eq!(cache.derivations(), 1, "same credentials: one derivation");

        let rotated = Identity::new("AKIDEXAMPLE", "another-secret");
        assert_ne!(
            public(&cache, &rotated),
            a,
            "a new secret derives a new key"
        );
        let other = Identity::new("AKIDOTHER", SECRET);
        assert_ne!(public(&cache, &other), a);
        assert_eq!(cache.derivations(), 3);
        assert_eq!(cache.len(), 2, "capacity bounds the cache");
        // The oldest (the first identity) was evicted.
        public(&cache, &id);
        assert_eq!(cache.derivations(), 4);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn validation_runs_before_derivation_only() {
        let cache = V4aKeyCache::new();
        let id = Identity::new("AKIDEXAMPLE", SECRET);
        let err = cache
            .key(&id, || Err(SigningError::credentials("no")))
            .unwrap_err();
        assert!(err.is_invalid_credentials());
        assert_eq!(cache.derivations(), 0);
        assert!(cache.is_empty());
        public(&cache, &id);
        // A hit does not validate again.
        cache
            .key(&id, || Err(SigningError::credentials("no")))
            .unwrap();
    }

    #[test]
    fn zero_capacity_always_derives() {
        let cache = V4aKeyCache::with_capacity(0);
        let id = Identity::new("AKIDEXAMPLE", SECRET);
        public(&cache, &id);
        public(&cache, &id);
        assert_eq!(cache.derivations(), 2);
        assert!(cache.is_empty());
    }

    #[test]
    fn debug_has_no_key_material() {
        let cache = V4aKeyCache::new();
        public(&cache, &Identity::new("AKIDEXAMPLE", SECRET));
        let shown = format!("{cache:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("AKIDEXAMPLE"),
            "{shown}"
        );
        assert!(shown.contains("entries: 1"), "{shown}");
    }
}
