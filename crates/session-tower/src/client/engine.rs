//! One operation's path through the stack, as one future.
//!
//! The stack's order is the layers' order (operation span → operation timeout → retry → per
//! attempt: span → endpoint → credentials → signing → attempt timeout → response errors →
//! transport), and each step calls the same code its layer does (`retry::Shared::drive`,
//! `ResolvedEndpoint::apply_parts`, `SigningConfig::sign_parts`, `errors::inspect`, the
//! timeout and trace futures). What differs is the plumbing: nesting ten services means ten
//! futures moved into one another, a boxed clone of the stack per call, a boxed retry loop,
//! and request extensions to carry facts from one stage to the next, all paid on every call.
//! Here the attempt borrows the client's pieces, the endpoint is resolved once per operation,
//! the operation's facts travel as a plain struct, and retry copies skip the extensions.
//!
//! User layers inside the attempt (before or after signing) need real services in between;
//! such clients run the attempt through a boxed stage of the layers instead
//! ([`Attempt::Layered`]), with the same operation-level path around it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use pin_project_lite::pin_project;
use tower::ServiceExt;
use tower_service::Service;

use super::boxed::BoxedStage;
use super::operation::OperationMeta;
use crate::body::SdkBody;
use crate::credentials::CredentialsCache;
use crate::endpoint::{EndpointResolver, ResolvedEndpoint};
use crate::error::Error;
use crate::errors::ResponseFuture as ErrorsFuture;
use crate::protocol::Protocol;
use crate::retry::{Rebuild, Resend, Shared as RetryPolicy};
use crate::signing::SigningConfig;
use crate::timeout::{ResponseFuture as Timed, Scope};
use crate::trace::{self, ResponseFuture as Traced};
use crate::transport::{Transport, TransportFuture};

/// Everything below the user's around-operation layers.
pub(crate) struct Engine {
    pub(crate) service_id: &'static str,
    pub(crate) retry: Arc<RetryPolicy>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) attempt: Attempt,
}

/// How one attempt is made.
pub(crate) enum Attempt {
    /// The stack's own stages, called in line.
    Fused(Fused),
    /// A boxed stage of layers (endpoint → credentials → user layers → signing → user layers
    /// → attempt timeout → response errors → transport), for clients with layers inside the
    /// attempt. It reads the operation's facts from request extensions.
    Layered(BoxedStage),
}

/// The pieces of a fused attempt.
pub(crate) struct Fused {
    pub(crate) resolver: Arc<EndpointResolver>,
    /// `None` sends unsigned (an anonymous client).
    pub(crate) credentials: Option<CredentialsCache>,
    pub(crate) signing: Arc<SigningConfig>,
    pub(crate) exchange: Exchange,
}

/// What sends a signed request and reads the answer: cloned into the boxed slow path.
#[derive(Clone)]
pub(crate) struct Exchange {
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) protocol: Protocol,
    pub(crate) sender: Sender,
}

/// Where a fused attempt's request goes.
#[derive(Clone)]
pub(crate) enum Sender {
    /// The session's pooled transport.
    Pooled(Transport),
    /// A user's HTTP client ([`ClientBuilder::http_client`](super::ClientBuilder::http_client)).
    Custom(BoxedStage),
}

impl Engine {
    /// Runs one operation: spans, operation timeout, retries, attempts. The future holds
    /// the request once (see [`RetryPolicy::drive`]). With `rebuild`, a retry builds its
    /// request anew instead of sending a copy kept from the start.
    pub(crate) fn run<'a>(
        &'a self,
        mut req: Request<SdkBody>,
        meta: OperationMeta,
        rebuild: Option<(&'a Rebuild<'a>, &'a http::HeaderValue)>,
    ) -> impl Future<Output = Result<Response<SdkBody>, Error>> + Send + 'a {
        let span = trace::operation_span(self.service_id, meta.name);
        let operation = match &self.attempt {
            Attempt::Fused(fused) => {
                match fused.resolver.endpoint(meta.endpoint_params.as_ref()) {
                    Ok(endpoint) => Stage::Inline {
                        inner: self.retry.drive(
                            req,
                            rebuild.map_or(Resend::CopyWithoutExtensions, |(build, ua)| {
                                Resend::Rebuild(build, ua)
                            }),
                            move |req, n| {
                                // Endpoint and signing run now, inside the attempt's span.
                                let span = trace::attempt_span(n);
                                let attempt =
                                    span.in_scope(|| fused.attempt(req, &endpoint, &meta));
                                Traced::new(attempt, span)
                            },
                        ),
                    },
                    Err(e) => Stage::Failed { error: Some(e) },
                }
            }
            Attempt::Layered(stage) => {
                meta.put_into(&mut req);
                Stage::Boxed {
                    // Layers may change the request; a copy of what they were given
                    // is resent rather than a rebuilt one.
                    inner: Box::pin(self.retry.drive(
                        req,
                        Resend::CopyWithExtensions,
                        move |req, n| {
                            Traced::new(stage.clone().oneshot(req), trace::attempt_span(n))
                        },
                    )),
                }
            }
        };
        Traced::new(
            Timed::new(operation, self.operation_timeout, Scope::Operation),
            span,
        )
    }
}

pin_project! {
    /// A stage of the fused path in flight: the common future in line, a boxed one off the
    /// common path, or an error found before anything was sent. One type serves the
    /// operation (in line: the fused retry loop; boxed: the loop over layered attempts) and
    /// the attempt (in line: the exchange; boxed: waiting for credentials first).
    #[project = StageProj]
    enum Stage<'a, F> {
        Inline { #[pin] inner: F },
        Boxed { inner: BoxFuture<'a> },
        Failed { error: Option<Error> },
    }
}

impl<F> Future for Stage<'_, F>
where
    F: Future<Output = Result<Response<SdkBody>, Error>>,
{
    type Output = Result<Response<SdkBody>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            StageProj::Inline { inner } => inner.poll(cx),
            StageProj::Boxed { inner } => inner.as_mut().poll(cx),
            StageProj::Failed { error } => Poll::Ready(Err(error
                .take()
                .unwrap_or_else(|| Error::request("future polled after completion")))),
        }
    }
}

/// One fused attempt in flight.
type AttemptFuture = Stage<'static, Timed<ErrorsFuture<TransportFuture>>>;

impl Fused {
    /// One attempt: endpoint, credentials and signature now, then the exchange under the
    /// attempt timeout. The returned future is small (a few pointers and the timer): every
    /// level of the operation's future holds it, and futures are moved by copying.
    fn attempt(
        &self,
        req: Request<SdkBody>,
        endpoint: &ResolvedEndpoint,
        meta: &OperationMeta,
    ) -> AttemptFuture {
        let (mut parts, body) = req.into_parts();
        if let Err(e) = endpoint.apply_parts(&mut parts, meta.host_prefix.as_deref()) {
            return Stage::Failed { error: Some(e) };
        }
        let Some(cache) = &self.credentials else {
            return self
                .exchange
                .start(Request::from_parts(parts, body), meta.errors_on_success);
        };
        match cache.get_now() {
            Some(creds) => {
                let scope = endpoint.signing_scope();
                if let Err(e) = self.signing.sign_parts(&mut parts, &body, &creds, scope) {
                    return Stage::Failed { error: Some(e) };
                }
                self.exchange
                    .start(Request::from_parts(parts, body), meta.errors_on_success)
            }
            // Off the hot path (first call, expiry): the wait for the provider is boxed, and
            // the attempt's timer starts once it has signed.
            None => {
                let (cache, signing) = (cache.clone(), self.signing.clone());
                let scope = endpoint.signing_scope().cloned();
                let (errors_on_success, exchange) = (meta.errors_on_success, self.exchange.clone());
                Stage::Boxed {
                    inner: Box::pin(async move {
                        let creds = cache.get().await?;
                        signing.sign_parts(&mut parts, &body, &creds, scope.as_ref())?;
                        exchange
                            .start(Request::from_parts(parts, body), errors_on_success)
                            .await
                    }),
                }
            }
        }
    }
}

impl Exchange {
    /// The request out and the response in, under the attempt timeout; an error response
    /// is read and parsed inside it (a slow error body counts against the attempt).
    fn start(&self, req: Request<SdkBody>, errors_on_success: bool) -> AttemptFuture {
        let sending = match &self.sender {
            Sender::Pooled(transport) => transport.request(req),
            Sender::Custom(client) => TransportFuture::boxed(client.clone().oneshot(req)),
        };
        Stage::Inline {
            inner: Timed::new(
                ErrorsFuture::new(sending, self.protocol, errors_on_success),
                self.attempt_timeout,
                Scope::Attempt,
            ),
        }
    }
}

/// The engine as a service, for user layers around the operation. It reads the operation's
/// facts from the request's extensions.
#[derive(Clone)]
pub(crate) struct EngineService {
    pub(crate) engine: Arc<Engine>,
}

type BoxFuture<'a> = Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send + 'a>>;

impl Service<Request<SdkBody>> for EngineService {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = BoxFuture<'static>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<SdkBody>) -> BoxFuture<'static> {
        let engine = self.engine.clone();
        Box::pin(async move {
            let meta = OperationMeta::take_from(&mut req);
            engine.run(req, meta, None).await
        })
    }
}
