//! The retry loop of one operation and the decision after each attempt.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Request, Response};

use super::adaptive::RateLimiter;
use super::classify::{ClassifyRetry, RetryAction, StandardClassifier};
use super::config::RetryConfig;
use super::ids::{attempt_headers, invocation_header, invocation_id_text};
use super::quota::{self, RetryQuota};
use crate::body::SdkBody;
use crate::clock::Clock;
use crate::endpoint::ResolvedEndpoint;
use crate::error::{Error, Kind};
use crate::metrics;
use crate::redirect::{head_bucket, Followed, Redirect};

/// A client's retry policy: its [`RetryConfig`], the [`ClassifyRetry`] that decides what is
/// retryable, and the state every clone of the client shares (the retry quota, the adaptive
/// rate limiter, and the clock that clock-skew errors correct).
///
/// Clients make their own from the session's settings; give one to
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry) and
/// [`ClientBuilder::retry_classifier`](crate::ClientBuilder::retry_classifier) to change it.
pub struct RetryPolicy {
    config: RetryConfig,
    quota: RetryQuota,
    limiter: Option<RateLimiter>,
    classifier: Arc<dyn ClassifyRetry>,
    clock: Clock,
    attempt_headers: Arc<[HeaderValue]>,
    /// Dropped on expired credentials, so the retry asks the provider anew.
    credentials: Option<crate::credentials::CredentialsCache>,
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("config", &self.config)
            .field("classifier", &self.classifier)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// Retries by `config`, asking `classifier` what is retryable; `clock` is corrected on
    /// clock-skew errors (share it with the signer).
    pub fn new(config: RetryConfig, clock: Clock, classifier: Arc<dyn ClassifyRetry>) -> Self {
        Self {
            limiter: config.adaptive.then(RateLimiter::new),
            attempt_headers: attempt_headers(config.max_attempts),
            config,
            quota: RetryQuota::new(),
            classifier,
            clock,
            credentials: None,
        }
    }

    /// Drops `cache`'s credentials when an attempt fails with expired credentials
    /// ([`RetryAction::ExpiredCredentials`]), so that the one retry such an error gets is
    /// signed with credentials asked of the provider anew. Without a cache the error is
    /// returned.
    #[must_use]
    pub fn with_credentials(mut self, cache: crate::credentials::CredentialsCache) -> Self {
        self.credentials = Some(cache);
        self
    }

    /// Retries by `config` with the AWS SDKs' rules ([`StandardClassifier`]).
    pub fn standard(config: RetryConfig, clock: Clock) -> Self {
        Self::new(config, clock, Arc::new(StandardClassifier))
    }

    /// The configuration.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// Takes the retry quota's price of a hedged request, if the quota is at least half
    /// full: a client whose retries spent more than that is in an outage, and copies of
    /// slow requests would add to it. Give it back with [`hedge_done`](Self::hedge_done).
    pub(crate) fn try_hedge(&self) -> bool {
        self.quota.available() >= quota::INITIAL / 2
            && self.quota.try_acquire(quota::RETRY_COST).is_some()
    }

    /// A hedged request ended: `refund` (it got an answer, or its twin did) returns its
    /// price; a failed one keeps it, as a failed retry does.
    pub(crate) fn hedge_done(&self, refund: bool) {
        if refund {
            self.quota.release(Some(quota::RETRY_COST));
        }
    }

    /// The retry loop of one operation: `send` makes attempt `n` (from 1) of `req`, and
    /// [`decide`](Self::decide) says after each whether another follows.
    ///
    /// Written as an `async move` block over one copy of the request, with the decisions in
    /// plain functions: an `async fn` would keep its argument and a moved copy of it, and
    /// locals that live across an await (the attempt's copy, the result) would stay in the
    /// future too. The future is boxed per operation and moved on every poll of its callers.
    ///
    /// `single_attempt` (a hedged copy: the original retries) allows one attempt only;
    /// `ops` records throttling and the quota.
    ///
    /// `redirect`: an S3 operation's region redirect state. An answer that the bucket is in
    /// another region is sent again at once to that region's endpoint (which `send` is
    /// given from then on), outside the retry budget: no quota, no delay, and one more
    /// attempt allowed.
    pub(crate) fn drive<'a, F, Fut>(
        &'a self,
        req: Request<SdkBody>,
        resend: Resend<'a>,
        ops: metrics::Operation,
        single_attempt: bool,
        redirect: Option<Redirect<'a>>,
        mut send: F,
    ) -> impl std::future::Future<Output = Result<Response<SdkBody>, Error>> + 'a
    where
        F: FnMut(Request<SdkBody>, u32, Option<&ResolvedEndpoint>) -> Fut + 'a,
        Fut: std::future::Future<Output = Result<Response<SdkBody>, Error>> + 'a,
    {
        let (mut parts, body) = req.into_parts();
        let invocation = invocation_id_text();
        parts.headers.insert(
            crate::headers::AMZ_SDK_INVOCATION_ID,
            invocation_header(&invocation),
        );
        // A stream cannot be replayed: it gets exactly one attempt.
        let replayable = body.try_clone().is_some();
        let max_attempts = if replayable && !single_attempt {
            self.config.max_attempts
        } else {
            1
        };
        let mut state = Attempts {
            parts,
            body,
            resend,
            invocation,
            max_attempts,
            attempt: 0,
            retry_cost: None,
            refreshed: false,
            redirect_may_follow: redirect.is_some() && replayable,
        };
        let mut redirect = redirect;
        async move {
            loop {
                if let Some(limiter) = &self.limiter {
                    match limiter.acquire() {
                        Ok(wait) if !wait.is_zero() => tokio::time::sleep(wait).await,
                        Ok(_) => {}
                        Err(wait) => {
                            return Err(Error::with(
                                Kind::RetryQuota,
                                format!("client-side rate limit would wait {wait:?}"),
                            ))
                        }
                    }
                }
                let endpoint = redirect.as_ref().and_then(|r| r.endpoint());
                let mut result = match state.next(&self.attempt_headers) {
                    Ok(req) => send(req, state.attempt, endpoint).await,
                    Err(e) => Err(e),
                };
                if let Some(r) = redirect.as_mut() {
                    let may = state.redirect_may_follow;
                    let resend = match r.follow(&mut result, may) {
                        Followed::Resend => true,
                        // The redirect named no region: a HeadBucket asks, as boto3 does.
                        Followed::Ask => {
                            let answer = send(head_bucket(), state.attempt, r.endpoint()).await;
                            r.answered(&answer, &mut result, may)
                        }
                        Followed::No => false,
                    };
                    if resend {
                        state.redirected();
                        continue;
                    }
                }
                match self.decide(result, &mut state, ops) {
                    Next::Return(result) => return result,
                    Next::Retry(delay) => tokio::time::sleep(delay).await,
                }
            }
        }
    }

    /// The retry decision: classifies an attempt's result, pays the quota, and says whether
    /// to return it or to retry after a delay.
    fn decide(
        &self,
        result: Result<Response<SdkBody>, Error>,
        state: &mut Attempts<'_>,
        ops: metrics::Operation,
    ) -> Next {
        let attempt = state.attempt;
        let action = self.classifier.classify(&result);
        if action == RetryAction::Throttling {
            ops.throttled();
        }
        if let Some(limiter) = &self.limiter {
            limiter.update(action == RetryAction::Throttling);
        }
        let cost = match action {
            RetryAction::NoRetry => {
                if result.is_ok() {
                    if let Some(left) = self.quota.release(state.retry_cost) {
                        ops.quota(left);
                    }
                }
                return Next::Return(result);
            }
            RetryAction::ClockSkew => {
                let corrected = result
                    .as_ref()
                    .err()
                    .and_then(Error::service_error)
                    .and_then(|s| s.server_time)
                    .is_some_and(|t| self.clock.correct(t));
                if !corrected {
                    return Next::Return(result);
                }
                quota::RETRY_COST
            }
            RetryAction::ExpiredCredentials => {
                // Once per operation: a provider that keeps handing out expired
                // credentials gets no storm of refreshes.
                let Some(cache) = self.credentials.as_ref().filter(|_| !state.refreshed) else {
                    return Next::Return(result);
                };
                tracing::debug!(attempt, "expired credentials: refreshing once");
                cache.invalidate();
                state.refreshed = true;
                quota::RETRY_COST
            }
            RetryAction::Timeout => quota::TIMEOUT_RETRY_COST,
            RetryAction::Transient | RetryAction::Throttling => quota::RETRY_COST,
        };
        if attempt >= state.max_attempts {
            tracing::debug!(attempt, ?action, "not retrying");
            return Next::Return(result);
        }
        let Some(left) = self.quota.try_acquire(cost) else {
            ops.quota_exhausted();
            tracing::debug!(attempt, ?action, "not retrying: the retry quota is spent");
            return Next::Return(result);
        };
        ops.quota(left);
        state.retry_cost = Some(state.retry_cost.unwrap_or(0) + cost);
        let delay = if matches!(
            action,
            RetryAction::ClockSkew | RetryAction::ExpiredCredentials
        ) {
            Duration::ZERO
        } else {
            self.config.backoff(attempt)
        };
        tracing::debug!(attempt, ?action, ?delay, "retrying");
        Next::Retry(delay)
    }
}

/// Where a retry's request comes from.
#[derive(Clone, Copy)]
pub(crate) enum Resend<'a> {
    /// A copy of the method, URI, version and headers, kept while the first attempt is in
    /// flight (extensions are not copied: nothing before the attempt puts any there).
    Copy,
    /// The caller builds the request again (its operation serializes the input anew), so no
    /// copy is kept while the first attempt is in flight: most operations never retry. The
    /// header value is the client's `User-Agent`, which the original was given on its way in.
    Rebuild(&'a Rebuild<'a>, &'a HeaderValue),
}

pub(crate) use crate::client::Rebuild;

/// A copy of the method, URI, version and headers of `parts`, for a retry.
fn copy_parts(parts: &http::request::Parts) -> http::request::Parts {
    let (mut copy, ()) = Request::new(()).into_parts();
    copy.method = parts.method.clone();
    copy.uri = parts.uri.clone();
    copy.version = parts.version;
    copy.headers = parts.headers.clone();
    copy
}

/// What the retry loop does after an attempt.
enum Next {
    /// Hand this result to the caller.
    Return(Result<Response<SdkBody>, Error>),
    /// Wait this long, then make the next attempt.
    Retry(Duration),
}

/// The original request of an operation and where its attempts stand.
struct Attempts<'a> {
    parts: http::request::Parts,
    body: SdkBody,
    resend: Resend<'a>,
    /// The operation's invocation id, for rebuilt requests.
    invocation: [u8; 36],
    max_attempts: u32,
    /// The attempt last made (0 before the first).
    attempt: u32,
    retry_cost: Option<u32>,
    /// The credentials were refreshed after an expired-credentials error.
    refreshed: bool,
    /// An S3 region redirect may still be followed (once per operation, with a body that
    /// replays): a copy of the request is kept for it.
    redirect_may_follow: bool,
}

impl Attempts<'_> {
    /// The next attempt's request: the original for the first attempt when retries rebuild
    /// it, and for the last possible attempt; else a copy is kept for a retry, or the request
    /// is rebuilt.
    fn next(&mut self, attempt_headers: &[HeaderValue]) -> Result<Request<SdkBody>, Error> {
        self.attempt += 1;
        let retry_may_follow = self.attempt < self.max_attempts || self.redirect_may_follow;
        let (parts, body) = match self.resend {
            Resend::Rebuild(build, user_agent) if self.attempt > 1 => {
                let (mut parts, body) = build()?.into_parts();
                parts.headers.insert(
                    crate::headers::AMZ_SDK_INVOCATION_ID,
                    invocation_header(&self.invocation),
                );
                parts
                    .headers
                    .insert(http::header::USER_AGENT, user_agent.clone());
                (parts, body)
            }
            Resend::Copy if retry_may_follow => {
                // The original goes out and the copy stays: the original's header map was
                // sized for the headers the stack adds, a clone is sized to fit exactly and
                // would grow (rehashing) on the first insert.
                let copy = copy_parts(&self.parts);
                let body = self.body.try_clone().unwrap_or_default();
                (std::mem::replace(&mut self.parts, copy), body)
            }
            // The first attempt of a rebuilt operation, or the last possible attempt.
            _ => {
                let parts = std::mem::replace(&mut self.parts, Request::new(()).into_parts().0);
                (parts, self.body.take())
            }
        };
        Ok(self.stamp(parts, body, attempt_headers))
    }

    /// A region redirect is followed: the resend is one more attempt, outside the retry
    /// budget, and no other redirect follows.
    fn redirected(&mut self) {
        self.max_attempts += 1;
        self.redirect_may_follow = false;
    }

    /// `parts` and `body` with this attempt's `amz-sdk-request` header.
    fn stamp(
        &self,
        mut parts: http::request::Parts,
        body: SdkBody,
        attempt_headers: &[HeaderValue],
    ) -> Request<SdkBody> {
        let index = self.attempt as usize - 1;
        let header = match attempt_headers.get(index) {
            Some(h) => h.clone(),
            // Past the configured maximum (a region redirect added an attempt): made now.
            None => HeaderValue::from_str(&format!(
                "attempt={}; max={}",
                self.attempt, self.max_attempts
            ))
            .unwrap_or(HeaderValue::from_static("attempt=1")),
        };
        parts
            .headers
            .insert(crate::headers::AMZ_SDK_REQUEST, header);
        Request::from_parts(parts, body)
    }
}
