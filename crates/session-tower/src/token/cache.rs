//! A refresh-ahead cache in front of a token provider, with the credentials cache's rules.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use session_core::credentials::CredentialsError;

use super::{SharedTokenProvider, Token};
use crate::credentials::{ADVISORY_WINDOW, MANDATORY_WINDOW};
use crate::error::{Error, Kind};

/// A provider that takes longer than this fails the call instead of hanging it.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);
/// After a background refresh that failed or gave no fresher token, the next one waits this
/// long (the current token still works), so a provider is not called on every request.
const RETRY_BACKGROUND_AFTER: Duration = Duration::from_secs(10);

/// Caches the token of one provider for a client, as
/// [`CredentialsCache`](crate::credentials::CredentialsCache) caches credentials:
///
/// - a cached token is returned without awaiting anything;
/// - in the [advisory window](ADVISORY_WINDOW) (5 minutes before expiry) it is still served
///   while one background task asks the provider again; if that fails or gives no fresher
///   token, the current one is kept and the refresh is tried again 10 s later;
/// - with none cached, or in the [mandatory window](MANDATORY_WINDOW) (10 s before expiry),
///   callers wait, and only one of them calls the provider: the others share its outcome.
///
/// Tokens without an expiry (API keys, explicit tokens) are kept for the cache's life.
#[derive(Clone)]
pub struct TokenCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: SharedTokenProvider,
    cached: RwLock<Option<Token>>,
    /// Held while the provider is called; the single-flight gate.
    load: tokio::sync::Mutex<()>,
    /// Counts finished loads, so a caller that waited at the gate knows one happened.
    loads: AtomicU64,
    last_failure: Mutex<Option<CredentialsError>>,
    refreshing: AtomicBool,
    background_not_before: Mutex<Option<Instant>>,
}

enum Freshness {
    Fresh,
    RefreshSoon,
    Stale,
}

fn freshness(t: &Token, now: SystemTime) -> Freshness {
    match t.expiry() {
        None => Freshness::Fresh,
        Some(expiry) => match expiry.duration_since(now) {
            Ok(left) if left > ADVISORY_WINDOW => Freshness::Fresh,
            Ok(left) if left > MANDATORY_WINDOW => Freshness::RefreshSoon,
            _ => Freshness::Stale,
        },
    }
}

fn token_error(e: CredentialsError) -> Error {
    Error::with(Kind::Credentials, "no bearer token").source_from(e)
}

impl TokenCache {
    /// A cache in front of `provider`. Nothing is loaded until the first call.
    pub fn new(provider: SharedTokenProvider) -> Self {
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

    fn cached(&self) -> Option<Token> {
        self.inner
            .cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A usable token without waiting, if the cache has one; starts a background refresh
    /// when it is in the advisory window.
    pub fn get_now(&self) -> Option<Token> {
        let token = self.cached()?;
        match freshness(&token, SystemTime::now()) {
            Freshness::Fresh => Some(token),
            Freshness::RefreshSoon => {
                self.refresh_in_background();
                Some(token)
            }
            Freshness::Stale => None,
        }
    }

    /// A token, from the cache or the provider.
    ///
    /// # Errors
    /// A credentials error ([`Error::is_credentials`]) when the provider fails or takes
    /// longer than 30 s; its source says why.
    pub async fn get(&self) -> Result<Token, Error> {
        if let Some(token) = self.get_now() {
            return Ok(token);
        }
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
                return Err(token_error(e));
            }
            if let Some(token) = self.cached() {
                if token.expiry().is_none_or(|e| e > SystemTime::now()) {
                    return Ok(token);
                }
            }
        }
        self.load().await
    }

    /// Calls the provider; the caller holds the gate.
    async fn load(&self) -> Result<Token, Error> {
        let fetch = self.inner.provider.provide_token();
        let outcome = match tokio::time::timeout(PROVIDER_TIMEOUT, fetch).await {
            Ok(outcome) => outcome,
            Err(_) => Err(CredentialsError::provider_failed(
                format!("the token provider did not answer within {PROVIDER_TIMEOUT:?}"),
                "timeout",
            )),
        };
        let mut failure = self
            .inner
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let result = match outcome {
            // A token that is already expired is no token (a provider handing one out is
            // broken; serving it would fail every call).
            Ok(token) if token.expiry().is_some_and(|e| e <= SystemTime::now()) => {
                let e = CredentialsError::provider_failed(
                    format!("the token from {} has already expired", token.source()),
                    "expired token",
                );
                *failure = Some(e.clone());
                Err(token_error(e))
            }
            Ok(token) => {
                *self
                    .inner
                    .cached
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
                *failure = None;
                Ok(token)
            }
            Err(e) => {
                *failure = Some(e.clone());
                Err(token_error(e))
            }
        };
        drop(failure);
        self.inner.loads.fetch_add(1, Ordering::AcqRel);
        result
    }

    fn pause_background(&self) {
        *self
            .inner
            .background_not_before
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            Some(Instant::now() + RETRY_BACKGROUND_AFTER);
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
            let old = this.cached();
            let still_needed = old
                .as_ref()
                .is_some_and(|t| !matches!(freshness(t, SystemTime::now()), Freshness::Fresh));
            if still_needed {
                match this.load().await {
                    Err(e) => {
                        tracing::warn!(error = %e, "background token refresh failed; keeping the current token");
                        this.pause_background();
                    }
                    // The provider had nothing newer (an SSO token that cannot be refreshed):
                    // ask again later, not on every request.
                    Ok(new) if new.expiry() <= old.and_then(|t| t.expiry()) => {
                        this.pause_background();
                    }
                    Ok(_) => {}
                }
            }
            this.inner.refreshing.store(false, Ordering::Release);
        });
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("provider", &self.inner.provider)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::super::{ProvideToken, ProvideTokenFuture};
    use super::*;

    /// A stub provider (not a real token source) that counts calls and hands out tokens
    /// expiring after `ttl`.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        ttl: Mutex<Option<Duration>>,
        delay: Duration,
        fail: AtomicBool,
    }

    impl ProvideToken for Counting {
        fn provide_token(&self) -> ProvideTokenFuture<'_> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(self.delay).await;
                if self.fail.load(Ordering::SeqCst) {
                    return Err(CredentialsError::provider_failed("nope", "stub failure"));
                }
                let ttl = *self.ttl.lock().unwrap();
                Ok(Token::new(
                    format!("tok{n}"),
                    ttl.map(|t| SystemTime::now() + t),
                    "stub",
                ))
            })
        }
    }

    fn counting(ttl: Option<Duration>, delay: Duration) -> Arc<Counting> {
        Arc::new(Counting {
            calls: AtomicUsize::new(0),
            ttl: Mutex::new(ttl),
            delay,
            fail: AtomicBool::new(false),
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_load_for_many_concurrent_callers() {
        let p = counting(None, Duration::from_millis(50));
        let cache = TokenCache::new(p.clone());
        let tasks: Vec<_> = (0..500)
            .map(|_| {
                let c = cache.clone();
                tokio::spawn(async move { c.get().await.unwrap().as_str().to_owned() })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), "tok1");
        }
        assert_eq!(p.calls.load(Ordering::SeqCst), 1);
        assert!(cache.get_now().is_some());
    }

    #[tokio::test]
    async fn stale_tokens_are_reloaded_and_failures_are_credentials_errors() {
        let p = counting(Some(Duration::from_secs(5)), Duration::ZERO);
        let cache = TokenCache::new(p.clone());
        assert_eq!(cache.get().await.unwrap().as_str(), "tok1");
        // Five seconds left is inside the mandatory window: never served.
        assert!(cache.get_now().is_none());
        assert_eq!(cache.get().await.unwrap().as_str(), "tok2");
        p.fail.store(true, Ordering::SeqCst);
        let e = cache.get().await.unwrap_err();
        assert!(e.is_credentials());
        assert!(testkit_chain(&e).contains("nope"), "{}", testkit_chain(&e));
    }

    #[tokio::test]
    async fn expired_tokens_from_the_provider_are_refused() {
        let p = counting(Some(Duration::ZERO), Duration::ZERO);
        let e = TokenCache::new(p).get().await.unwrap_err();
        assert!(testkit_chain(&e).contains("already expired"));
    }

    #[tokio::test]
    async fn advisory_window_refreshes_in_the_background_then_pauses() {
        let p = counting(Some(Duration::from_secs(120)), Duration::ZERO);
        let cache = TokenCache::new(p.clone());
        assert_eq!(cache.get().await.unwrap().as_str(), "tok1");
        p.fail.store(true, Ordering::SeqCst);
        for _ in 0..50 {
            assert_eq!(cache.get_now().unwrap().as_str(), "tok1");
            tokio::task::yield_now().await;
        }
        for _ in 0..100 {
            if !cache.inner.refreshing.load(Ordering::SeqCst) {
                break;
            }
            tokio::task::yield_now().await;
        }
        // One failed background attempt, then a pause instead of a call per request.
        assert_eq!(p.calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.get_now().unwrap().as_str(), "tok1");
        assert_eq!(p.calls.load(Ordering::SeqCst), 2);
    }

    fn testkit_chain(e: &(dyn std::error::Error + 'static)) -> String {
        let mut out = e.to_string();
        let mut next = e.source();
        while let Some(s) = next {
            out.push_str(" / ");
            out.push_str(&s.to_string());
            next = s.source();
        }
        out
    }
}
