//! Retries: the AWS SDKs' standard mode (exponential backoff with full jitter capped at
//! 20 s, a shared retry quota), and adaptive mode (standard plus a client-side rate limiter
//! that turns on at the first throttling answer).
//!
//! A request is retried only if its body can be replayed ([`SdkBody::try_clone`]): a
//! streaming upload is sent once. Each attempt carries `amz-sdk-invocation-id` (the same for
//! all attempts of one operation) and `amz-sdk-request: attempt=N; max=M`.

mod adaptive;
mod classify;
mod future;
mod quota;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderValue, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

pub use classify::{ClassifyRetry, RetryAction, StandardClassifier};
pub use future::ResponseFuture;

use crate::body::SdkBody;
use crate::clock::Clock;
use crate::error::{Error, Kind};
use adaptive::RateLimiter;
use quota::RetryQuota;

/// How retries behave. Defaults: standard mode, 3 attempts, backoff base 1 s, cap 20 s.
#[derive(Debug, Clone)]
#[must_use]
pub struct RetryConfig {
    adaptive: bool,
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            adaptive: false,
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// Standard mode (the default).
    pub fn standard() -> Self {
        Self::default()
    }

    /// Adaptive mode: standard plus client-side rate limiting after throttling.
    pub fn adaptive() -> Self {
        Self {
            adaptive: true,
            ..Self::default()
        }
    }

    /// Attempts per operation, the first included. Default 3; 1 disables retries.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The backoff base: attempt `i` waits a random time in `[0, base × 2^(i-1))`, capped.
    /// Default 1 s.
    pub fn initial_backoff(mut self, base: Duration) -> Self {
        self.initial_backoff = base;
        self
    }

    /// The backoff cap. Default 20 s.
    pub fn max_backoff(mut self, cap: Duration) -> Self {
        self.max_backoff = cap;
        self
    }

    /// Full jitter: a uniform random delay up to the exponential bound.
    fn backoff(&self, retry: u32) -> Duration {
        let bound = self
            .initial_backoff
            .saturating_mul(
                1u32.checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_backoff);
        bound.mul_f64(fastrand::f64())
    }
}

/// State shared by every clone of one client's retry layer.
#[derive(Debug)]
pub(crate) struct Shared {
    config: RetryConfig,
    quota: RetryQuota,
    limiter: Option<RateLimiter>,
    classifier: Arc<dyn ClassifyRetry>,
    clock: Clock,
    attempt_headers: Vec<HeaderValue>,
}

/// Adds [`Retry`] to a stack.
#[derive(Debug, Clone)]
pub struct RetryLayer {
    shared: Arc<Shared>,
}

impl RetryLayer {
    /// Retries by `config` with the standard classifier; `clock` is corrected on clock-skew
    /// errors (share it with the signing layer).
    pub fn new(config: RetryConfig, clock: Clock) -> Self {
        Self::with_classifier(config, clock, Arc::new(StandardClassifier))
    }

    /// Retries by `config`, asking `classifier` what is retryable.
    pub fn with_classifier(
        config: RetryConfig,
        clock: Clock,
        classifier: Arc<dyn ClassifyRetry>,
    ) -> Self {
        let attempt_headers = attempt_headers(config.max_attempts);
        Self {
            shared: Arc::new(Shared {
                limiter: config.adaptive.then(RateLimiter::new),
                config,
                quota: RetryQuota::new(),
                classifier,
                clock,
                attempt_headers,
            }),
        }
    }
}

impl RetryLayer {
    /// The policy and state behind this layer, for the client's fused operation path.
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// Retries failed attempts of the inner service.
#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> Retry<S> {
    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Unwraps the service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<Request<SdkBody>> for Retry<S>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<SdkBody>) -> ResponseFuture {
        // The ready service goes into the future; this handle keeps a fresh clone
        // (tower-service's clone-then-replace rule).
        let clone = self.inner.clone();
        let ready = std::mem::replace(&mut self.inner, clone);
        ResponseFuture::new(Box::pin(run(ready, self.shared.clone(), req)))
    }
}

/// A random version-4 UUID, the SDKs' invocation id format, as a header value.
#[cfg(test)]
fn invocation_id() -> HeaderValue {
    invocation_header(&invocation_id_text())
}

fn invocation_header(text: &[u8; 36]) -> HeaderValue {
    HeaderValue::from_bytes(text).unwrap_or(HeaderValue::from_static(
        "00000000-0000-4000-8000-000000000000",
    ))
}

/// A random version-4 UUID in text, written without `format!`.
fn invocation_id_text() -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = fastrand::u128(..);
    // Version 4, variant 10xx.
    let b = (bits & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    // Where each of the 16 bytes' two hex digits go in `8-4-4-4-12` form.
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let mut out = *b"00000000-0000-0000-0000-000000000000";
    for (byte, at) in b.to_be_bytes().into_iter().zip(AT) {
        out[at] = HEX[usize::from(byte >> 4)];
        out[at + 1] = HEX[usize::from(byte & 0xf)];
    }
    out
}

/// `attempt=N; max=M` for every attempt, built once per client.
fn attempt_headers(max: u32) -> Vec<HeaderValue> {
    (1..=max)
        .map(|n| {
            crate::intern::header_value(
                HeaderValue::from_str(&format!("attempt={n}; max={max}"))
                    .unwrap_or(HeaderValue::from_static("attempt=1")),
            )
        })
        .collect()
}

/// Where a retry's request comes from.
#[derive(Clone, Copy)]
pub(crate) enum Resend<'a> {
    /// A copy of the original with everything, extensions included (layers after the retry
    /// read them).
    CopyWithExtensions,
    /// A copy of the method, URI, version and headers only: the caller took what it needs
    /// out of the extensions already, and copying them would allocate for nothing.
    CopyWithoutExtensions,
    /// The caller builds the request again (its operation serializes the input anew), so no
    /// copy is kept while the first attempt is in flight: most operations never retry. The
    /// header value is the client's `User-Agent`, which the original was given on its way in.
    Rebuild(&'a Rebuild<'a>, &'a HeaderValue),
}

/// Builds an operation's request (what [`Resend::Rebuild`] calls for each retry).
pub(crate) type Rebuild<'a> = dyn Fn() -> Result<Request<SdkBody>, Error> + Sync + 'a;

/// A copy for a retry (`with_extensions`: all of it; else no extensions).
fn copy_parts(parts: &http::request::Parts, with_extensions: bool) -> http::request::Parts {
    if with_extensions {
        return parts.clone();
    }
    let (mut copy, ()) = Request::new(()).into_parts();
    copy.method = parts.method.clone();
    copy.uri = parts.uri.clone();
    copy.version = parts.version;
    copy.headers = parts.headers.clone();
    copy
}

/// The retry loop of [`Retry`]: the first attempt goes to `ready` (the service `poll_ready`
/// said yes to, so whatever it reserved is used, not dropped); later ones to fresh clones,
/// each made ready first.
async fn run<S>(
    ready: S,
    shared: Arc<Shared>,
    req: Request<SdkBody>,
) -> Result<Response<SdkBody>, Error>
where
    S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = Error>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    use tower::ServiceExt;

    type Attempt = Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send>>;
    let template = ready.clone();
    let mut ready = Some(ready);
    shared
        .drive(req, Resend::CopyWithExtensions, move |req, _attempt| {
            let attempt: Attempt = match ready.take() {
                Some(mut svc) => Box::pin(svc.call(req)),
                None => Box::pin(template.clone().oneshot(req)),
            };
            attempt
        })
        .await
}

/// What the retry loop does after an attempt.
enum Next {
    /// Hand this result to the caller.
    Return(Result<Response<SdkBody>, Error>),
    /// Wait this long, then make the next attempt.
    Retry(Duration),
}

impl Shared {
    /// The retry loop of one operation: `send` makes attempt `n` (from 1) of `req`. Shared by
    /// [`Retry`] and the client's fused operation path, so both retry alike.
    ///
    /// Written as an `async move` block over one copy of the request, with the decisions in
    /// plain functions: an `async fn` would keep its argument and a moved copy of it, and
    /// locals that live across an await (the attempt's copy, the result) would stay in the
    /// future too. The future is boxed per operation and moved on every poll of its callers.
    pub(crate) fn drive<'a, F, Fut>(
        &'a self,
        req: Request<SdkBody>,
        resend: Resend<'a>,
        mut send: F,
    ) -> impl std::future::Future<Output = Result<Response<SdkBody>, Error>> + 'a
    where
        F: FnMut(Request<SdkBody>, u32) -> Fut + 'a,
        Fut: std::future::Future<Output = Result<Response<SdkBody>, Error>> + 'a,
    {
        let (mut parts, body) = req.into_parts();
        let invocation = invocation_id_text();
        parts.headers.insert(
            crate::headers::AMZ_SDK_INVOCATION_ID,
            invocation_header(&invocation),
        );
        // A stream cannot be replayed: it gets exactly one attempt.
        let max_attempts = if body.try_clone().is_some() {
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
        };
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
                let result = match state.next(&self.attempt_headers) {
                    Ok(req) => send(req, state.attempt).await,
                    Err(e) => Err(e),
                };
                match self.after(result, &mut state) {
                    Next::Return(result) => return result,
                    Next::Retry(delay) => tokio::time::sleep(delay).await,
                }
            }
        }
    }

    /// Classifies an attempt's result and decides: return it, or retry after a delay.
    fn after(&self, result: Result<Response<SdkBody>, Error>, state: &mut Attempts<'_>) -> Next {
        let attempt = state.attempt;
        let action = self.classifier.classify(&result);
        if let Some(limiter) = &self.limiter {
            limiter.update(action == RetryAction::Throttling);
        }
        let cost = match action {
            RetryAction::NoRetry => {
                if result.is_ok() {
                    self.quota.release(state.retry_cost);
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
            RetryAction::Timeout => quota::TIMEOUT_RETRY_COST,
            RetryAction::Transient | RetryAction::Throttling => quota::RETRY_COST,
        };
        if attempt >= state.max_attempts || !self.quota.try_acquire(cost) {
            tracing::debug!(attempt, ?action, "not retrying");
            return Next::Return(result);
        }
        state.retry_cost = Some(state.retry_cost.unwrap_or(0) + cost);
        let delay = if action == RetryAction::ClockSkew {
            Duration::ZERO
        } else {
            self.config.backoff(attempt)
        };
        tracing::debug!(attempt, ?action, ?delay, "retrying");
        Next::Retry(delay)
    }
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
}

impl Attempts<'_> {
    /// The next attempt's request: the original for the first attempt when retries rebuild
    /// it, and for the last possible attempt; else a copy is kept for a retry, or the request
    /// is rebuilt.
    fn next(&mut self, attempt_headers: &[HeaderValue]) -> Result<Request<SdkBody>, Error> {
        self.attempt += 1;
        let retry_may_follow = self.attempt < self.max_attempts;
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
            Resend::CopyWithExtensions | Resend::CopyWithoutExtensions if retry_may_follow => {
                // The original goes out and the copy stays: the original's header map was
                // sized for the headers the stack adds, a clone is sized to fit exactly and
                // would grow (rehashing) on the first insert.
                let with_extensions = matches!(self.resend, Resend::CopyWithExtensions);
                let copy = copy_parts(&self.parts, with_extensions);
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

    /// `parts` and `body` with this attempt's `amz-sdk-request` header.
    fn stamp(
        &self,
        mut parts: http::request::Parts,
        body: SdkBody,
        attempt_headers: &[HeaderValue],
    ) -> Request<SdkBody> {
        let index = (self.attempt as usize - 1).min(attempt_headers.len() - 1);
        parts.headers.insert(
            crate::headers::AMZ_SDK_REQUEST,
            attempt_headers[index].clone(),
        );
        Request::from_parts(parts, body)
    }
}

#[cfg(test)]
mod tests;
