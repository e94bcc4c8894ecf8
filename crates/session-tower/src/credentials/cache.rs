//! A refresh-ahead cache in front of a credentials provider.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use session_core::credentials::{Credentials, ProvideCredentials as _, SharedCredentialsProvider};

use crate::error::{Error, Kind};

/// Credentials this close to expiry are refreshed in the background while still served.
const REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);
/// Credentials this close to expiry are not served at all: callers wait for fresh ones.
const MIN_REMAINING: Duration = Duration::from_secs(10);
/// A provider that takes longer than this fails the call instead of hanging it.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);

/// Caches the credentials of one provider for every client of a session.
///
/// - Cached credentials are returned without awaiting anything (a read lock and an `Arc`
///   clone).
/// - Within 5 minutes of expiry they are still served while one background task refreshes
///   them.
/// - When there are none (or they are about to expire), callers wait, and only one of them
///   calls the provider: the others wait for its answer.
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: SharedCredentialsProvider,
    cached: RwLock<Option<Credentials>>,
    load: tokio::sync::Mutex<()>,
    refreshing: AtomicBool,
}

enum Freshness {
    Fresh,
    RefreshSoon,
    Stale,
}

fn freshness(c: &Credentials, now: SystemTime) -> Freshness {
    match c.expiry() {
        None => Freshness::Fresh,
        Some(expiry) => match expiry.duration_since(now) {
            Ok(left) if left > REFRESH_AHEAD => Freshness::Fresh,
            Ok(left) if left > MIN_REMAINING => Freshness::RefreshSoon,
            _ => Freshness::Stale,
        },
    }
}

impl CredentialsCache {
    /// A cache in front of `provider`. Nothing is loaded until the first call.
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        Self {
            inner: Arc::new(Inner {
                provider,
                cached: RwLock::new(None),
                load: tokio::sync::Mutex::new(()),
                refreshing: AtomicBool::new(false),
            }),
        }
    }

    fn cached(&self) -> Option<Credentials> {
        self.inner
            .cached
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Usable credentials without waiting, if the cache has them; starts a background
    /// refresh when they expire soon.
    pub fn get_now(&self) -> Option<Credentials> {
        let creds = self.cached()?;
        match freshness(&creds, SystemTime::now()) {
            Freshness::Fresh => Some(creds),
            Freshness::RefreshSoon => {
                self.refresh_in_background();
                Some(creds)
            }
            Freshness::Stale => None,
        }
    }

    /// Credentials, from the cache or the provider.
    ///
    /// # Errors
    /// A credentials error when the provider fails or takes longer than 30 s.
    pub async fn get(&self) -> Result<Credentials, Error> {
        if let Some(creds) = self.get_now() {
            return Ok(creds);
        }
        let _guard = self.inner.load.lock().await;
        // Another caller may have loaded them while we waited.
        if let Some(creds) = self.cached() {
            if !matches!(freshness(&creds, SystemTime::now()), Freshness::Stale) {
                return Ok(creds);
            }
        }
        self.load().await
    }

    async fn load(&self) -> Result<Credentials, Error> {
        let fetch = self.inner.provider.provide_credentials();
        let creds = match tokio::time::timeout(PROVIDER_TIMEOUT, fetch).await {
            Ok(Ok(creds)) => creds,
            Ok(Err(e)) => return Err(Error::new(Kind::Credentials).source_from(e)),
            Err(_) => {
                return Err(Error::with(
                    Kind::Credentials,
                    format!("the credentials provider did not answer within {PROVIDER_TIMEOUT:?}"),
                ))
            }
        };
        *self
            .inner
            .cached
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(creds.clone());
        Ok(creds)
    }

    fn refresh_in_background(&self) {
        if self.inner.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.inner.refreshing.store(false, Ordering::Release);
            return;
        };
        let this = self.clone();
        handle.spawn(async move {
            let _guard = this.inner.load.lock().await;
            if let Err(e) = this.load().await {
                // The old credentials are still valid for a while; the next call retries.
                tracing::warn!(error = %e, "background credentials refresh failed");
            }
            this.inner.refreshing.store(false, Ordering::Release);
        });
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use session_core::credentials::{
        CredentialsError, ProvideCredentials, ProvideCredentialsFuture,
    };

    use super::*;

    /// A stub provider (not a real credential source) that counts calls and hands out
    /// credentials expiring after `ttl`.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        ttl: Option<Duration>,
        delay: Duration,
        fail: bool,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
            ProvideCredentialsFuture::new(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(self.delay).await;
                if self.fail {
                    return Err(CredentialsError::provider_failed("nope", "stub failure"));
                }
                Ok(Credentials::new(
                    format!("AKID{n}"),
                    "secret",
                    None,
                    self.ttl.map(|t| SystemTime::now() + t),
                    "stub",
                ))
            })
        }
    }

    fn counting(ttl: Option<Duration>, delay: Duration) -> Arc<Counting> {
        Arc::new(Counting {
            calls: AtomicUsize::new(0),
            ttl,
            delay,
            fail: false,
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_load_for_a_thousand_concurrent_callers() {
        let p = counting(None, Duration::from_millis(50));
        let cache = CredentialsCache::new(p.clone());
        let tasks: Vec<_> = (0..1000)
            .map(|_| {
                let c = cache.clone();
                tokio::spawn(async move { c.get().await.unwrap().access_key_id().to_owned() })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), "AKID1");
        }
        assert_eq!(p.calls.load(Ordering::SeqCst), 1);
        assert!(cache.get_now().is_some());
    }

    #[tokio::test]
    async fn refresh_ahead_serves_old_credentials_while_refreshing() {
        let p = counting(Some(Duration::from_secs(120)), Duration::ZERO);
        let cache = CredentialsCache::new(p.clone());
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID1");
        // Two minutes left: inside the refresh-ahead window, still served.
        assert_eq!(cache.get_now().unwrap().access_key_id(), "AKID1");
        for _ in 0..100 {
            tokio::task::yield_now().await;
            if p.calls.load(Ordering::SeqCst) >= 2 {
                break;
            }
        }
        assert!(
            p.calls.load(Ordering::SeqCst) >= 2,
            "background refresh ran"
        );
        assert_eq!(cache.get().await.unwrap().access_key_id()[..4], *"AKID");
    }

    #[tokio::test]
    async fn expired_credentials_are_never_served() {
        let p = counting(Some(Duration::from_secs(5)), Duration::ZERO);
        let cache = CredentialsCache::new(p.clone());
        cache.get().await.unwrap();
        assert!(cache.get_now().is_none());
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID2");
    }

    #[tokio::test]
    async fn provider_errors_become_credentials_errors() {
        let p = Arc::new(Counting {
            calls: AtomicUsize::new(0),
            ttl: None,
            delay: Duration::ZERO,
            fail: true,
        });
        let e = CredentialsCache::new(p).get().await.unwrap_err();
        assert!(e.is_credentials());
        assert!(std::error::Error::source(&e).is_some());
    }
}
