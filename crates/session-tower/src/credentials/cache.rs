//! A refresh-ahead cache in front of a credentials provider.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use session_core::credentials::{
    Credentials, CredentialsError, ProvideCredentials as _, SharedCredentialsProvider,
};

use crate::error::{Error, Kind};
use crate::metrics;

/// The advisory window: credentials this close to expiry are still served while one
/// background task refreshes them. A failed refresh here keeps them and is logged.
pub const ADVISORY_WINDOW: Duration = Duration::from_secs(5 * 60);
/// The mandatory window: credentials this close to expiry are not served at all; callers
/// wait for fresh ones, and a failed refresh is their error.
pub const MANDATORY_WINDOW: Duration = Duration::from_secs(10);
/// A provider that takes longer than this fails the call instead of hanging it.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);
/// After a failed background refresh, the next one waits this long (the old credentials
/// are still good), so a broken provider is not called on every request.
const RETRY_BACKGROUND_AFTER: Duration = Duration::from_secs(10);

/// Caches the credentials of one provider for every client of a session.
///
/// - Cached credentials are returned without awaiting anything (a read lock and an `Arc`
///   clone).
/// - In the [advisory window](ADVISORY_WINDOW) (5 minutes before expiry) they are still
///   served while one background task refreshes them; if that fails they are kept, the
///   failure is logged, and the refresh is tried again 10 s later.
/// - With none cached, or in the [mandatory window](MANDATORY_WINDOW) (10 s before
///   expiry), callers wait, and only one of them calls the provider: the others share its
///   outcome, success or failure, so a thousand callers cause one provider call.
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: SharedCredentialsProvider,
    cached: RwLock<Option<Credentials>>,
    /// Held while the provider is called; the single-flight gate.
    load: tokio::sync::Mutex<()>,
    /// Counts finished loads, so a caller that waited at the gate knows one happened.
    loads: AtomicU64,
    /// The outcome of the latest load when it failed.
    last_failure: Mutex<Option<CredentialsError>>,
    refreshing: AtomicBool,
    background_not_before: Mutex<Option<Instant>>,
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
            Ok(left) if left > ADVISORY_WINDOW => Freshness::Fresh,
            Ok(left) if left > MANDATORY_WINDOW => Freshness::RefreshSoon,
            _ => Freshness::Stale,
        },
    }
}

fn credentials_error(e: CredentialsError) -> Error {
    Error::new(Kind::Credentials).source_from(e)
}

impl CredentialsCache {
    /// A cache in front of `provider`. Nothing is loaded until the first call.
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        Self {
            inner: Arc::new(Inner {
                provider,
                cached: RwLock::new(None),
                load: tokio::sync::Mutex::new(()),
                loads: AtomicU64::new(0),
                last_failure: Mutex::new(None),
                refreshing: AtomicBool::new(false),
                background_not_before: Mutex::new(None),
            }),
        }
    }

    fn cached(&self) -> Option<Credentials> {
        self.inner
            .cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Usable credentials without waiting, if the cache has them; starts a background
    /// refresh when they are in the advisory window.
    pub fn get_now(&self) -> Option<Credentials> {
        let creds = self.cached()?;
        match freshness(&creds, SystemTime::now()) {
            Freshness::Fresh => {
                metrics::global::cache_hit();
                Some(creds)
            }
            Freshness::RefreshSoon => {
                metrics::global::cache_hit();
                self.refresh_in_background();
                Some(creds)
            }
            Freshness::Stale => None,
        }
    }

    /// Forgets the cached credentials: the next [`get`](Self::get) asks the provider (for
    /// credentials a service said have expired before their stated expiry). Under
    /// concurrency, a call that invalidates after another already reloaded costs one more
    /// provider call, no more.
    pub fn invalidate(&self) {
        *self
            .inner
            .cached
            .write()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Credentials, from the cache or the provider.
    ///
    /// # Errors
    /// A credentials error when the provider fails or takes longer than 30 s.
    pub async fn get(&self) -> Result<Credentials, Error> {
        if let Some(creds) = self.get_now() {
            return Ok(creds);
        }
        metrics::global::cache_miss();
        let before = self.inner.loads.load(Ordering::Acquire);
        let _guard = self.inner.load.lock().await;
        if self.inner.loads.load(Ordering::Acquire) != before {
            // A load finished while we waited at the gate: share its outcome.
            let failure = self
                .inner
                .last_failure
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            if let Some(e) = failure {
                return Err(credentials_error(e));
            }
            // Even credentials already inside the mandatory window are shared if they have
            // not expired: they are the freshest the provider gives.
            if let Some(creds) = self.cached() {
                if creds.expiry().is_none_or(|e| e > SystemTime::now()) {
                    return Ok(creds);
                }
            }
        }
        self.load(false).await
    }

    /// Calls the provider; the caller holds the gate. `background`: a refresh ahead of
    /// expiry, not a caller waiting (for the metrics).
    async fn load(&self, background: bool) -> Result<Credentials, Error> {
        let fetch = self.inner.provider.provide_credentials();
        let outcome = match tokio::time::timeout(PROVIDER_TIMEOUT, fetch).await {
            Ok(outcome) => outcome,
            Err(_) => Err(CredentialsError::provider_failed(
                format!("the credentials provider did not answer within {PROVIDER_TIMEOUT:?}"),
                "timeout",
            )),
        };
        let mut failure = self
            .inner
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let result = match outcome {
            Ok(creds) => {
                *self
                    .inner
                    .cached
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = Some(creds.clone());
                *failure = None;
                Ok(creds)
            }
            Err(e) => {
                *failure = Some(e.clone());
                Err(credentials_error(e))
            }
        };
        drop(failure);
        metrics::global::refreshed(background, result.is_ok());
        self.inner.loads.fetch_add(1, Ordering::AcqRel);
        result
    }

    fn refresh_in_background(&self) {
        {
            let not_before = self
                .inner
                .background_not_before
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if not_before.is_some_and(|t| Instant::now() < t) {
                return;
            }
        }
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
            let still_needed = this
                .cached()
                .is_some_and(|c| !matches!(freshness(&c, SystemTime::now()), Freshness::Fresh));
            if still_needed {
                if let Err(e) = this.load(true).await {
                    // Inside the advisory window the old credentials still work: keep them,
                    // say so, and try again a little later.
                    tracing::warn!(error = %e, "background credentials refresh failed; keeping the current credentials");
                    *this
                        .inner
                        .background_not_before
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) =
                        Some(Instant::now() + RETRY_BACKGROUND_AFTER);
                }
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

    use session_core::credentials::{ProvideCredentials, ProvideCredentialsFuture};

    use super::*;

    /// A stub provider (not a real credential source) that counts calls and hands out
    /// credentials expiring after `ttl`.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        ttl: std::sync::Mutex<Option<Duration>>,
        delay: Duration,
        fail: AtomicBool,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
            ProvideCredentialsFuture::new(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(self.delay).await;
                if self.fail.load(Ordering::SeqCst) {
                    return Err(CredentialsError::provider_failed("nope", "stub failure"));
                }
                Ok(Credentials::new(
                    format!("AKID{n}"),
                    "secret",
                    None,
                    self.ttl.lock().unwrap().map(|t| SystemTime::now() + t),
                    "stub",
                ))
            })
        }
    }

    fn counting(ttl: Option<Duration>, delay: Duration) -> Arc<Counting> {
        Arc::new(Counting {
            calls: AtomicUsize::new(0),
            ttl: std::sync::Mutex::new(ttl),
            delay,
            fail: AtomicBool::new(false),
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
            ttl: std::sync::Mutex::new(None),
            delay: Duration::ZERO,
            fail: AtomicBool::new(true),
        });
        let e = CredentialsCache::new(p).get().await.unwrap_err();
        assert!(e.is_credentials());
        assert!(std::error::Error::source(&e).is_some());
    }

    /// 1,000 callers arrive with the cached credentials expired (inside the mandatory
    /// window); the provider is called once, whether it succeeds or fails.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expired_credentials_one_refresh_for_a_thousand_callers() {
        for fail in [false, true] {
            let p = counting(Some(Duration::from_secs(5)), Duration::from_millis(50));
            let cache = CredentialsCache::new(p.clone());
            cache.get().await.unwrap();
            assert!(
                cache.get_now().is_none(),
                "5 s left is inside the mandatory window"
            );
            p.fail.store(fail, Ordering::SeqCst);
            *p.ttl.lock().unwrap() = Some(Duration::from_secs(3600));
            let tasks: Vec<_> = (0..1000)
                .map(|_| {
                    let c = cache.clone();
                    tokio::spawn(async move { c.get().await.map(|c| c.access_key_id().to_owned()) })
                })
                .collect();
            for t in tasks {
                match t.await.unwrap() {
                    Ok(id) => {
                        assert!(!fail);
                        assert_eq!(id, "AKID2");
                    }
                    Err(e) => {
                        assert!(fail);
                        assert!(e.is_credentials());
                    }
                }
            }
            assert_eq!(p.calls.load(Ordering::SeqCst), 2, "fail = {fail}");
        }
    }

    #[tokio::test]
    async fn failed_refresh_in_advisory_window_keeps_credentials_and_backs_off() {
        let p = counting(Some(Duration::from_secs(120)), Duration::ZERO);
        let cache = CredentialsCache::new(p.clone());
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID1");
        p.fail.store(true, Ordering::SeqCst);
        // The background refresh fails; the old credentials are still served.
        for _ in 0..50 {
            assert_eq!(cache.get_now().unwrap().access_key_id(), "AKID1");
            tokio::task::yield_now().await;
        }
        for _ in 0..100 {
            if !cache.inner.refreshing.load(Ordering::SeqCst) {
                break;
            }
            tokio::task::yield_now().await;
        }
        // One failed attempt, then a pause instead of a call per request.
        assert_eq!(p.calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AKID1");
        assert_eq!(p.calls.load(Ordering::SeqCst), 2);
    }
}
