//! Clients: a per-service stack assembled from a session, boxed once at the edge.
//!
//! ```text
//! [your layers around the operation]
//! operation span → operation timeout → retry loop →
//!     per attempt: attempt span → endpoint → credentials →
//!         [your layers before signing] → signing → [your layers after signing] →
//!         exchange: attempt timeout → response errors → transport (pooled hyper)
//! ```
//!
//! The order lives in one place, `engine.rs`, which runs the stack's own stages as one
//! future per operation: the retry loop and decision of [`crate::retry`], the endpoint of
//! [`crate::endpoint`], the credentials cache of [`crate::credentials`], the signing of
//! [`crate::signing`], and the exchange (`exchange.rs`). Nested services would cost a
//! boxed clone of the stack, a boxed retry loop and a future per stage on every call; this
//! costs one box of under 1 KiB. With layers inside the attempt, the attempt's signing and
//! exchange run as one boxed segment with your layers around signing; everything before it
//! is the same.
//!
//! A [`Client`] is `Clone + Send + Sync` and cloning it is one `Arc` increment: there is no
//! need to wrap it in an `Arc`. All clients of one session share one connection pool, one
//! credentials cache and one signing-key cache. Building a client does no I/O (the session
//! already read its files; the CA bundle, if any, is read once per session).

mod boxed;
mod builder;
mod engine;
mod exchange;
mod operation;
pub(crate) mod runtime;
mod service;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Request, Response};
use session_core::Session;
use tower::ServiceExt;

pub use boxed::BoxedStage;
pub use builder::ClientBuilder;
pub use operation::{OperationMeta, ResponseBody};
pub use service::{Rules, ServiceInfo};

/// Builds an operation's request (what [`Client::send_rebuilding`] calls for the first
/// attempt and again for each retry).
pub type Rebuild<'a> = dyn Fn() -> Result<Request<SdkBody>, Error> + Sync + 'a;

use crate::body::SdkBody;
use crate::endpoint::{EndpointParams, EndpointResolver, ResolvedEndpoint};
use crate::error::Error;
use crate::hedge::HedgeLayer;

/// A client of one service: send requests through its stack.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Arc<engine::Engine>,
    /// The user's around-operation layers over the engine, if there are any (a hedge
    /// layer innermost when the client hedges).
    wrapped: Option<BoxedStage>,
    /// Without such layers, a hedging client's hedge over the engine, for the calls it may
    /// take.
    hedged: Option<(BoxedStage, HedgeLayer)>,
    /// The client's hedge layer, if it hedges.
    hedge: Option<HedgeLayer>,
    info: &'static ServiceInfo,
    region: Option<Arc<str>>,
    resolver: Arc<EndpointResolver>,
    runtime: Arc<runtime::SessionRuntime>,
    signing: Arc<crate::signing::SigningConfig>,
    user_agent: HeaderValue,
    session: Session,
    /// Makes idempotency tokens (random UUIDs unless the builder was given a provider).
    token: Option<TokenProvider>,
}

/// Makes idempotency tokens for members the caller left unset.
pub type TokenProvider = Arc<dyn Fn() -> String + Send + Sync>;

impl Client {
    /// A client of `info`'s service with the session's settings and no extra layers.
    ///
    /// # Errors
    /// See [`ClientBuilder::build`].
    pub fn new(session: &Session, info: &'static ServiceInfo) -> Result<Self, Error> {
        Self::builder(session, info).build()
    }

    /// A builder, to add layers or override settings for this client.
    pub fn builder(session: &Session, info: &'static ServiceInfo) -> ClientBuilder<Client> {
        ClientBuilder::new(session, info)
    }

    /// Sends one operation's request through the stack. The request's URI holds only the
    /// path and query; the endpoint stage supplies the rest. Attach an
    /// [`OperationName`](crate::trace::OperationName) and, where the operation has any,
    /// [`EndpointParams`] as extensions (or use [`Client::send_operation`], which takes them
    /// beside the request and saves the extensions' allocations). The client is also a
    /// [`tower::Service`] of such requests, so any tower layer can wrap a whole client.
    ///
    /// # Errors
    /// Anything the stack reports: see [`Error`]'s predicates.
    pub fn send(
        &self,
        mut req: Request<SdkBody>,
    ) -> impl Future<Output = Result<Response<SdkBody>, Error>> + Send + '_ {
        let meta = OperationMeta::take_from(&mut req);
        self.send_operation(req, meta)
    }

    /// Sends one operation's request, with the operation's facts beside it rather than in
    /// request extensions. What the service crates use.
    ///
    /// # Errors
    /// Anything the stack reports: see [`Error`]'s predicates.
    pub fn send_operation(
        &self,
        req: Request<SdkBody>,
        meta: OperationMeta,
    ) -> impl Future<Output = Result<Response<SdkBody>, Error>> + Send + '_ {
        self.dispatch(req, meta, None)
    }

    /// Sends the request `build` makes; a retry calls `build` again rather than resending a
    /// copy kept from the start (most operations never retry, so the copy was kept for
    /// nothing). For operations whose request is cheap to make again from their input.
    pub fn send_rebuilding<'a>(
        &'a self,
        build: &'a Rebuild<'a>,
        meta: OperationMeta,
    ) -> impl Future<Output = Result<Response<SdkBody>, Error>> + Send + 'a {
        let first = build();
        let fut: Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send + 'a>> =
            match first {
                Ok(req) => Box::pin(self.dispatch(req, meta, Some(build))),
                Err(e) => Box::pin(std::future::ready(Err(e))),
            };
        fut
    }

    fn dispatch<'a>(
        &'a self,
        mut req: Request<SdkBody>,
        meta: OperationMeta,
        rebuild: Option<&'a Rebuild<'a>>,
    ) -> Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send + 'a>> {
        let user_agent = &self.inner.user_agent;
        req.headers_mut()
            .insert(http::header::USER_AGENT, user_agent.clone());
        // One box per operation, made here rather than in an `async fn` (which would keep
        // the request twice): futures are moved by copying, and every caller's future up to
        // the task would otherwise carry the operation's whole state. The operation's
        // future is kept under 1 KiB, the largest block glibc serves from its per-thread
        // cache without taking an arena lock.
        if let Some((hedged, layer)) = &self.inner.hedged {
            let token = req
                .extensions()
                .get::<crate::hedge::IdempotencyToken>()
                .is_some();
            if crate::hedge::operation_allowed(req.method(), meta.name, token, layer.config()) {
                meta.put_into(&mut req);
                return Box::pin(hedged.clone().oneshot(req));
            }
        }
        match &self.inner.wrapped {
            // The common case: the engine, borrowed (no clone of the stack).
            None => Box::pin(self.inner.engine.run(
                req,
                meta,
                rebuild.map(|b| (b, user_agent)),
                false,
            )),
            // Layers around the operation see one request per operation; retries inside
            // resend copies of it.
            Some(wrapped) => {
                meta.put_into(&mut req);
                Box::pin(wrapped.clone().oneshot(req))
            }
        }
    }

    /// A presigned URL for `req` (method, path, query and headers to sign), valid for
    /// `expires_in` (1 s to 7 days). The payload is `UNSIGNED-PAYLOAD`. SigV4a (with
    /// `X-Amz-Region-Set`) where the endpoint rules ask for it, as for requests.
    ///
    /// # Errors
    /// Credentials, endpoint or signing errors; an expiry out of range.
    pub async fn presign(
        &self,
        req: Request<()>,
        expires_in: Duration,
    ) -> Result<http::Uri, Error> {
        let endpoint = self.endpoint_for(req.extensions().get::<EndpointParams>())?;
        let creds = self.inner.runtime.credentials.get().await?;
        let (parts, ()) = req.into_parts();
        let mut sdk_req = Request::from_parts(parts, SdkBody::empty());
        endpoint.apply(&mut sdk_req)?;
        let (parts, _) = sdk_req.into_parts();
        let own = parts
            .extensions
            .get::<crate::signing::OperationAuth>()
            .map(|a| a.0);
        let v4a = self.inner.engine.auth.for_operation(own) == crate::signing::Auth::SigV4a
            && !endpoint.names_signing_scheme();
        self.inner
            .signing
            .presign(&parts, &creds, endpoint.signing_scope(), v4a, expires_in)
    }

    /// The endpoint a request with these parameters would go to.
    ///
    /// # Errors
    /// The endpoint rules' error.
    pub fn endpoint_for(&self, params: Option<&EndpointParams>) -> Result<ResolvedEndpoint, Error> {
        self.inner.resolver.resolve(params)
    }

    /// The region this client signs for and resolves endpoints in.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The service this client calls.
    pub fn service_info(&self) -> &'static ServiceInfo {
        self.inner.info
    }

    /// What the client's hedge did so far, if it hedges
    /// ([`ClientBuilder::hedge`]).
    pub fn hedge_stats(&self) -> Option<crate::hedge::HedgeStats> {
        self.inner.hedge.as_ref().map(HedgeLayer::stats)
    }

    /// The session the client was made from.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// A token for an idempotency-token member the caller left unset: a random UUID v4,
    /// or what [`ClientBuilder::idempotency_token_provider`] makes.
    pub fn idempotency_token(&self) -> String {
        match &self.inner.token {
            Some(make) => make(),
            None => String::from_utf8_lossy(&crate::retry::uuid_v4()).into_owned(),
        }
    }
}

/// The client as a tower service of raw requests (what [`Client::send`] takes), so that any
/// tower layer (buffer, hedge, rate limit, ...) can wrap a whole client, as reqwest's client
/// is a service. Always ready: the stack has no back-pressure of its own (add a
/// concurrency limit as a layer).
impl tower::Service<Request<SdkBody>> for Client {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = crate::future::BoxFuture<'static, Response<SdkBody>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let client = self.clone();
        Box::pin(async move { client.send(req).await })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.inner.info.service_id)
            .field("region", &self.inner.region)
            .finish_non_exhaustive()
    }
}

/// A service crate's marker type: names the service and its typed client, so that
/// `session.client::<Sqs>()` works (see [`SessionClientExt`]).
pub trait AwsService {
    /// The service's description.
    const INFO: &'static ServiceInfo;
    /// The typed client of the service.
    type Client: From<Client>;
}

/// A service with resources (boto3's resource model): names its service resource, so that
/// `session.resource::<S3>()` works.
pub trait ResourceService: AwsService {
    /// The service resource, the entry point to the service's resources.
    type Resource: From<Self::Client>;
}

/// `session.client::<S>()` and `session.resource::<S>()`, boto3's `session.client('sqs')`
/// and `session.resource('sqs')`.
pub trait SessionClientExt {
    /// A client of service `S` with this session's settings.
    ///
    /// # Errors
    /// See [`ClientBuilder::build`].
    fn client<S: AwsService>(&self) -> Result<S::Client, Error>;

    /// The service resource of `S` over a new client of it (resources made from it share
    /// that client: one stack, the session's pool and credentials cache).
    ///
    /// # Errors
    /// See [`ClientBuilder::build`].
    fn resource<S: ResourceService>(&self) -> Result<S::Resource, Error>;
}

impl SessionClientExt for Session {
    fn client<S: AwsService>(&self) -> Result<S::Client, Error> {
        Client::new(self, S::INFO).map(S::Client::from)
    }

    fn resource<S: ResourceService>(&self) -> Result<S::Resource, Error> {
        self.client::<S>().map(S::Resource::from)
    }
}
