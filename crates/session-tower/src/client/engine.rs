//! One operation's path through the stack, as one future: the one definition of the
//! stack's order.
//!
//! ```text
//! operation span → operation timeout → retry loop (RetryPolicy::drive)
//!     per attempt: attempt span → endpoint → credentials or token (by the operation's
//!         auth: none for unsigned operations) →
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
use super::operation::ResponseBody;
use crate::body::SdkBody;
use crate::credentials::CredentialsCache;
use crate::endpoint::{EndpointResolver, ResolvedEndpoint, SigningScope};
use crate::error::Error;
use crate::errors::ErrorsOnSuccess;
use crate::future::StageFuture;
use crate::hedge::HedgedCopy;
use crate::metrics::{self, Measured, Stopwatch};
use crate::redirect::{BucketRegions, Redirect};
use crate::retry::{Rebuild, Resend, RetryPolicy};
use crate::signing::{Auth, AuthIdentity, AuthPlan, SigningConfig, Unsigned, UnsignedPayload};
use crate::timeout::{Scope, Timed};
use crate::token::{Token, TokenCache};
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
    /// Which auth each operation gets.
    pub(crate) auth: AuthPlan,
    /// Bearer tokens, for operations whose auth is a token.
    pub(crate) tokens: TokenCache,
    pub(crate) signing: Arc<SigningConfig>,
    pub(crate) exchange: Exchange,
    /// The layered segment (`[before] → signing → [after] → exchange`), for clients with
    /// layers inside the attempt.
    pub(crate) segment: Option<BoxedStage>,
    /// The regions of buckets S3 redirected this client to (shared by its clones).
    pub(crate) bucket_regions: BucketRegions,
    /// Put operations' host prefixes in front of the endpoint's host
    /// ([`ClientBuilder::host_prefix`](super::ClientBuilder::host_prefix)).
    pub(crate) host_prefix: bool,
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
        // S3: a bucket in another region than the client's (see `crate::redirect`).
        let redirect = Redirect::start(&self.bucket_regions, &self.resolver, &meta);
        let operation = match resolved {
            Ok(endpoint) => StageFuture::inline(self.retry.drive(
                req,
                rebuild.map_or(Resend::Copy, |(build, ua)| Resend::Rebuild(build, ua)),
                ops,
                single_attempt,
                redirect,
                move |req, n, in_bucket_region| {
                    // Endpoint and signing run now, inside the attempt's span.
                    let started = Stopwatch::start();
                    ops.attempt_started();
                    let span = trace::attempt_span(n);
                    let endpoint = in_bucket_region.unwrap_or(&*endpoint);
                    let attempt = span.in_scope(|| self.attempt(req, endpoint, &meta, ops));
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
        let prefix = meta.host_prefix.as_deref().filter(|_| self.host_prefix);
        if let Err(e) = endpoint.apply_parts(&mut parts, prefix) {
            return StageFuture::failed(e);
        }
        let req = Request::from_parts(parts, body);
        let auth = self.auth.for_operation(meta.auth);
        let facts = AttemptFacts {
            name: meta.name,
            errors_on_success: meta.errors_on_success,
            response_body: meta.response_body,
            unsigned_payload: meta.unsigned_payload,
            // The model prefers SigV4a; an endpoint that names a scheme decides instead.
            v4a: auth == Auth::SigV4a && !endpoint.names_signing_scheme(),
            ops,
        };
        match auth {
            // Nothing to wait for: no credentials are asked for, so none can be missing.
            Auth::Unsigned => self.send(req, AuthIdentity::None, None, facts, Stopwatch::start()),
            Auth::Bearer => self.with_token(req, facts),
            Auth::SigV4 | Auth::SigV4a => self.with_credentials(req, endpoint, facts),
        }
    }

    /// [`Engine::send`] with the client's credentials (none for an anonymous client).
    fn with_credentials<'a>(
        &'a self,
        req: Request<SdkBody>,
        endpoint: &ResolvedEndpoint,
        facts: AttemptFacts,
    ) -> AttemptFuture<'a> {
        let Some(cache) = &self.credentials else {
            return self.send(req, AuthIdentity::None, None, facts, Stopwatch::start());
        };
        let resolving = Stopwatch::start();
        match cache.get_now() {
            Some(creds) => {
                let signing = facts.ops.identity(resolving);
                self.send(
                    req,
                    AuthIdentity::Credentials(creds),
                    endpoint.signing_scope(),
                    facts,
                    signing,
                )
            }
            // Off the hot path (first call, expiry): the wait for the provider is boxed, and
            // the attempt's timer starts once it has signed.
            None => {
                let scope = endpoint.signing_scope().cloned();
                StageFuture::boxed(Box::pin(async move {
                    let creds = cache.get().await;
                    let signing = facts.ops.identity(resolving);
                    let identity = AuthIdentity::Credentials(creds?);
                    self.send(req, identity, scope.as_ref(), facts, signing)
                        .await
                }))
            }
        }
    }

    /// [`Engine::send`] with the client's bearer token (from the cache without waiting
    /// while it holds a usable one).
    fn with_token<'a>(&'a self, req: Request<SdkBody>, facts: AttemptFacts) -> AttemptFuture<'a> {
        let resolving = Stopwatch::start();
        match self.tokens.get_now() {
            Some(token) => {
                let signing = facts.ops.identity(resolving);
                self.send(req, AuthIdentity::Token(token), None, facts, signing)
            }
            None => StageFuture::boxed(Box::pin(async move {
                let token = self.tokens.get().await;
                let signing = facts.ops.identity(resolving);
                let token: Token = token?;
                self.send(req, AuthIdentity::Token(token), None, facts, signing)
                    .await
            })),
        }
    }

    /// The rest of an attempt once its request points at its endpoint: signed here and
    /// exchanged, or handed to the layered segment with what its signing stage needs.
    /// `signing`: when signing starts, for its metric (the end of the credentials' lookup).
    fn send<'a>(
        &'a self,
        req: Request<SdkBody>,
        identity: AuthIdentity,
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
            if facts.response_body != ResponseBody::Streamed {
                ext.insert(facts.response_body);
            }
            attach_identity(ext, identity, scope, &self.signing, facts);
            return StageFuture::boxed(Box::pin(
                segment.clone().oneshot(Request::from_parts(parts, body)),
            ));
        }
        if !matches!(identity, AuthIdentity::None) {
            let signed = self.signing.authorize(
                &mut parts,
                &body,
                &identity,
                scope,
                facts.v4a,
                facts.unsigned_payload,
            );
            facts.ops.signing(signing);
            if let Err(e) = signed {
                return StageFuture::failed(e);
            }
        }
        StageFuture::inline(self.exchange.start(
            Request::from_parts(parts, body),
            Some(facts.name),
            facts.errors_on_success,
            facts.response_body,
        ))
    }
}

/// The facts of an operation that each attempt needs after the endpoint (copied: an
/// attempt waiting for credentials outlives the borrow of the operation's).
#[derive(Clone, Copy)]
struct AttemptFacts {
    name: &'static str,
    errors_on_success: bool,
    /// How the success body is read.
    response_body: ResponseBody,
    /// Sign with `UNSIGNED-PAYLOAD`.
    unsigned_payload: bool,
    /// Sign with the client's SigV4a scope when the endpoint names none.
    v4a: bool,
    ops: metrics::Operation,
}

/// What the layered segment's signing stage reads: the token, the marker of an unsigned
/// request, or the credentials and the scope (the client's SigV4a scope where the model
/// prefers it and the endpoint names none).
fn attach_identity(
    ext: &mut http::Extensions,
    identity: AuthIdentity,
    scope: Option<&SigningScope>,
    signing: &SigningConfig,
    facts: AttemptFacts,
) {
    if facts.unsigned_payload {
        ext.insert(UnsignedPayload);
    }
    match identity {
        AuthIdentity::None => {
            ext.insert(Unsigned);
        }
        AuthIdentity::Token(token) => {
            ext.insert(token);
        }
        AuthIdentity::Credentials(creds) => {
            ext.insert::<Credentials>(creds);
            match scope {
                Some(scope) => {
                    ext.insert(scope.clone());
                }
                None if facts.v4a => {
                    ext.insert(signing.default_scope(true).clone());
                }
                None => {}
            }
        }
    }
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
