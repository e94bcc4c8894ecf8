//! One operation's path through the stack, as one future: the one definition of the
//! stack's order.
//!
//! ```text
//! operation span → operation timeout → retry loop (RetryPolicy::drive)
//!     per attempt: attempt span → endpoint → credentials →
//!         signing → exchange                                   (in line: no user layers)
//!         [before] → signing → [after] → exchange              (the layered segment)
//! exchange = attempt timeout → response errors → transport
//! ```
//!
//! Metrics (`crate::metrics`, feature `metrics`) are recorded at the same points: the
//! endpoint, credentials and signing where they happen, the call and each attempt by a
//! [`Measured`] future around them; without the feature they compile to nothing.
//!
//! The endpoint is resolved once per operation and applied to each attempt; credentials
//! come from the cache without awaiting while it holds usable ones. Both run in line on
//! every path. Only when the user added layers inside the attempt (before or after signing)
//! is the rest of the attempt handed to one boxed segment, which is exactly what those
//! layers wrap; its signing stage reads the credentials and scope the engine attached to
//! the request's extensions. Everything else passes beside the request, never through its
//! extensions.
//!
//! Nesting a service per stage would cost, on every call, a boxed clone of the stack, a
//! boxed retry loop, a future moved into another per stage and extensions to carry facts
//! between stages. Here the attempt borrows the client's pieces and the operation's facts
//! travel as a plain struct ([`OperationMeta`]).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use tower::ServiceExt;

use super::boxed::BoxedStage;
use super::exchange::{Exchange, ExchangeFuture};
use super::operation::OperationMeta;
use crate::body::SdkBody;
use crate::credentials::CredentialsCache;
use crate::endpoint::{EndpointResolver, ResolvedEndpoint, SigningScope};
use crate::error::Error;
use crate::errors::ErrorsOnSuccess;
use crate::future::StageFuture;
use crate::hedge::HedgedCopy;
use crate::metrics::{self, Measured, Stopwatch};
use crate::retry::{Rebuild, Resend, RetryPolicy};
use crate::signing::SigningConfig;
use crate::timeout::{Scope, Timed};
use crate::trace::{self, OperationName, Traced};
use session_core::credentials::Credentials;

/// Everything below the user's around-operation layers.
pub(crate) struct Engine {
    pub(crate) service_id: &'static str,
    pub(crate) retry: Arc<RetryPolicy>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) resolver: Arc<EndpointResolver>,
    /// `None` sends unsigned (an anonymous client).
    pub(crate) credentials: Option<CredentialsCache>,
    pub(crate) signing: Arc<SigningConfig>,
    pub(crate) exchange: Exchange,
    /// The layered segment (`[before] → signing → [after] → exchange`), for clients with
    /// layers inside the attempt.
    pub(crate) segment: Option<BoxedStage>,
}

/// One attempt in flight.
type AttemptFuture<'a> = StageFuture<'a, ExchangeFuture, Response<SdkBody>>;

impl Engine {
    /// Runs one operation: spans, operation timeout, retries, attempts. The future holds
    /// the request once (see [`RetryPolicy::drive`]). With `rebuild`, a retry builds its
    /// request anew instead of sending a copy kept from the start. `single_attempt`: no
    /// retries (a hedged copy; its original retries).
    pub(crate) fn run<'a>(
        &'a self,
        req: Request<SdkBody>,
        meta: OperationMeta,
        rebuild: Option<(&'a Rebuild<'a>, &'a http::HeaderValue)>,
        single_attempt: bool,
    ) -> impl Future<Output = Result<Response<SdkBody>, Error>> + Send + 'a {
        let ops = metrics::Operation::of(self.service_id, meta.name);
        // The call's start is the endpoint's too (one clock read for both).
        let started = Stopwatch::start();
        let resolved = self.resolver.endpoint(meta.endpoint_params.as_ref());
        let _ = ops.endpoint(started);
        let span = trace::operation_span(self.service_id, meta.name, meta.endpoint_params.as_ref());
        let operation = match resolved {
            Ok(endpoint) => StageFuture::inline(self.retry.drive(
                req,
                rebuild.map_or(Resend::Copy, |(build, ua)| Resend::Rebuild(build, ua)),
                ops,
                single_attempt,
                move |req, n| {
                    // Endpoint and signing run now, inside the attempt's span.
                    let started = Stopwatch::start();
                    ops.attempt_started();
                    let span = trace::attempt_span(n);
                    let attempt = span.in_scope(|| self.attempt(req, &endpoint, &meta, ops));
                    Traced::new(
                        Measured::<_, metrics::Attempt>::new(attempt, ops, started),
                        span,
                    )
                },
            )),
            Err(e) => StageFuture::failed(e),
        };
        Traced::new(
            Measured::<_, metrics::Call>::new(
                Timed::new(operation, self.operation_timeout, Scope::Operation),
                ops,
                started,
            ),
            span,
        )
    }

    /// One attempt: endpoint and credentials now, then [`Engine::send`]. The returned future
    /// is small (a few pointers and the timer): every level of the operation's future holds
    /// it, and futures are moved by copying.
    fn attempt<'a>(
        &'a self,
        req: Request<SdkBody>,
        endpoint: &ResolvedEndpoint,
        meta: &OperationMeta,
        ops: metrics::Operation,
    ) -> AttemptFuture<'a> {
        let (mut parts, body) = req.into_parts();
        if let Err(e) = endpoint.apply_parts(&mut parts, meta.host_prefix.as_deref()) {
            return StageFuture::failed(e);
        }
        let req = Request::from_parts(parts, body);
        let facts = AttemptFacts {
            name: meta.name,
            errors_on_success: meta.errors_on_success,
            ops,
        };
        let Some(cache) = &self.credentials else {
            return self.send(
                req,
                None,
                endpoint.signing_scope(),
                facts,
                Stopwatch::start(),
            );
        };
        let resolving = Stopwatch::start();
        match cache.get_now() {
            Some(creds) => {
                let signing = ops.identity(resolving);
                self.send(req, Some(creds), endpoint.signing_scope(), facts, signing)
            }
            // Off the hot path (first call, expiry): the wait for the provider is boxed, and
            // the attempt's timer starts once it has signed.
            None => {
                let scope = endpoint.signing_scope().cloned();
                StageFuture::boxed(Box::pin(async move {
                    let creds = cache.get().await;
                    let signing = ops.identity(resolving);
                    self.send(req, Some(creds?), scope.as_ref(), facts, signing)
                        .await
                }))
            }
        }
    }

    /// The rest of an attempt once its request points at its endpoint: signed here and
    /// exchanged, or handed to the layered segment with what its signing stage needs.
    /// `signing`: when signing starts, for its metric (the end of the credentials' lookup).
    fn send<'a>(
        &'a self,
        req: Request<SdkBody>,
        creds: Option<Credentials>,
        scope: Option<&SigningScope>,
        facts: AttemptFacts,
        signing: Stopwatch,
    ) -> AttemptFuture<'a> {
        let (mut parts, body) = req.into_parts();
        if let Some(segment) = &self.segment {
            // What the user's layers and the segment's own stages read.
            let ext = &mut parts.extensions;
            ext.insert(OperationName(facts.name));
            if facts.errors_on_success {
                ext.insert(ErrorsOnSuccess);
            }
            if let Some(creds) = creds {
                ext.insert(creds);
                if let Some(scope) = scope {
                    ext.insert(scope.clone());
                }
            }
            return StageFuture::boxed(Box::pin(
                segment.clone().oneshot(Request::from_parts(parts, body)),
            ));
        }
        if let Some(creds) = &creds {
            let signed = self.signing.sign_parts(&mut parts, &body, creds, scope);
            facts.ops.signing(signing);
            if let Err(e) = signed {
                return StageFuture::failed(e);
            }
        }
        StageFuture::inline(
            self.exchange
                .start(Request::from_parts(parts, body), facts.errors_on_success),
        )
    }
}

/// The facts of an operation that each attempt needs after the endpoint (copied: an
/// attempt waiting for credentials outlives the borrow of the operation's).
#[derive(Clone, Copy)]
struct AttemptFacts {
    name: &'static str,
    errors_on_success: bool,
    ops: metrics::Operation,
}

/// The engine as a service, for user layers around the operation. It reads the operation's
/// facts from the request's extensions (where [`Client::send_operation`] put them for those
/// layers).
///
/// [`Client::send_operation`]: super::Client::send_operation
#[derive(Clone)]
pub(crate) struct EngineService {
    pub(crate) engine: Arc<Engine>,
}

impl tower_service::Service<Request<SdkBody>> for EngineService {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = crate::future::BoxFuture<'static, Response<SdkBody>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<SdkBody>) -> Self::Future {
        let engine = self.engine.clone();
        // A hedge layer's copy of a slow call: it pays the retry quota's price (none while
        // the quota shows an outage) and gets one attempt, the original having retries.
        let hedged = req.extensions_mut().remove::<HedgedCopy>().is_some();
        Box::pin(async move {
            let meta = OperationMeta::take_from(&mut req);
            if !hedged {
                return engine.run(req, meta, None, false).await;
            }
            if !engine.retry.try_hedge() {
                return Err(crate::hedge::quota_refused());
            }
            let mut price = HedgePrice {
                retry: &engine.retry,
                refund: true,
            };
            let result = engine.run(req, meta, None, true).await;
            // Kept when the copy failed without an answer from the service, as a failed
            // retry's is; an answer, or being cancelled because the original answered,
            // gives it back.
            price.refund = match &result {
                Ok(_) => true,
                Err(e) => e.is_service() && !e.is_throttling(),
            };
            result
        })
    }
}

#[cfg(test)]
mod tests;

/// The retry quota's price of a hedged copy, given back on drop (a copy cancelled because
/// its original answered first) unless the copy failed.
struct HedgePrice<'a> {
    retry: &'a RetryPolicy,
    refund: bool,
}

impl Drop for HedgePrice<'_> {
    fn drop(&mut self) {
        self.retry.hedge_done(self.refund);
    }
}
