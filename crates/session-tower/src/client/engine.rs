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
}

/// One attempt in flight.
type AttemptFuture<'a> = StageFuture<'a, ExchangeFuture, Response<SdkBody>>;

impl Engine {
    /// Runs one operation: spans, operation timeout, retries, attempts. The future holds
    /// the request once (see [`RetryPolicy::drive`]). With `rebuild`, a retry builds its
    /// request anew instead of sending a copy kept from the start.
    pub(crate) fn run<'a>(
        &'a self,
        req: Request<SdkBody>,
        meta: OperationMeta,
        rebuild: Option<(&'a Rebuild<'a>, &'a http::HeaderValue)>,
    ) -> impl Future<Output = Result<Response<SdkBody>, Error>> + Send + 'a {
        let span = trace::operation_span(self.service_id, meta.name);
        let operation = match self.resolver.endpoint(meta.endpoint_params.as_ref()) {
            Ok(endpoint) => StageFuture::inline(self.retry.drive(
                req,
                rebuild.map_or(Resend::Copy, |(build, ua)| Resend::Rebuild(build, ua)),
                move |req, n| {
                    // Endpoint and signing run now, inside the attempt's span.
                    let span = trace::attempt_span(n);
                    let attempt = span.in_scope(|| self.attempt(req, &endpoint, &meta));
                    Traced::new(attempt, span)
                },
            )),
            Err(e) => StageFuture::failed(e),
        };
        Traced::new(
            Timed::new(operation, self.operation_timeout, Scope::Operation),
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
    ) -> AttemptFuture<'a> {
        let (mut parts, body) = req.into_parts();
        if let Err(e) = endpoint.apply_parts(&mut parts, meta.host_prefix.as_deref()) {
            return StageFuture::failed(e);
        }
        let req = Request::from_parts(parts, body);
        let auth = self.auth.for_operation(meta.auth);
        let facts = AttemptFacts {
            name: meta.name,
            errors_on_success: meta.errors_on_success,
            unsigned_payload: meta.unsigned_payload,
            // The model prefers SigV4a; an endpoint that names a scheme decides instead.
            v4a: auth == Auth::SigV4a && !endpoint.names_signing_scheme(),
        };
        match auth {
            // Nothing to wait for: no credentials are asked for, so none can be missing.
            Auth::Unsigned => self.send(req, AuthIdentity::None, None, facts),
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
            return self.send(req, AuthIdentity::None, None, facts);
        };
        match cache.get_now() {
            Some(creds) => self.send(
                req,
                AuthIdentity::Credentials(creds),
                endpoint.signing_scope(),
                facts,
            ),
            // Off the hot path (first call, expiry): the wait for the provider is boxed, and
            // the attempt's timer starts once it has signed.
            None => {
                let scope = endpoint.signing_scope().cloned();
                StageFuture::boxed(Box::pin(async move {
                    let creds = cache.get().await?;
                    self.send(req, AuthIdentity::Credentials(creds), scope.as_ref(), facts)
                        .await
                }))
            }
        }
    }

    /// [`Engine::send`] with the client's bearer token (from the cache without waiting
    /// while it holds a usable one).
    fn with_token<'a>(&'a self, req: Request<SdkBody>, facts: AttemptFacts) -> AttemptFuture<'a> {
        match self.tokens.get_now() {
            Some(token) => self.send(req, AuthIdentity::Token(token), None, facts),
            None => StageFuture::boxed(Box::pin(async move {
                let token: Token = self.tokens.get().await?;
                self.send(req, AuthIdentity::Token(token), None, facts)
                    .await
            })),
        }
    }

    /// The rest of an attempt once its request points at its endpoint: signed here and
    /// exchanged, or handed to the layered segment with what its signing stage needs.
    fn send<'a>(
        &'a self,
        req: Request<SdkBody>,
        identity: AuthIdentity,
        scope: Option<&SigningScope>,
        facts: AttemptFacts,
    ) -> AttemptFuture<'a> {
        let (mut parts, body) = req.into_parts();
        if let Some(segment) = &self.segment {
            // What the user's layers and the segment's own stages read.
            let ext = &mut parts.extensions;
            ext.insert(OperationName(facts.name));
            if facts.errors_on_success {
                ext.insert(ErrorsOnSuccess);
            }
            attach_identity(ext, identity, scope, &self.signing, facts);
            return StageFuture::boxed(Box::pin(
                segment.clone().oneshot(Request::from_parts(parts, body)),
            ));
        }
        if let Err(e) = self.signing.authorize(
            &mut parts,
            &body,
            &identity,
            scope,
            facts.v4a,
            facts.unsigned_payload,
        ) {
            return StageFuture::failed(e);
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
    /// Sign with `UNSIGNED-PAYLOAD`.
    unsigned_payload: bool,
    /// Sign with the client's SigV4a scope when the endpoint names none.
    v4a: bool,
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
        Box::pin(async move {
            let meta = OperationMeta::take_from(&mut req);
            engine.run(req, meta, None).await
        })
    }
}
