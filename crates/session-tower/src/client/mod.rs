//! Clients: a per-service stack assembled from a session, boxed once at the edge.
//!
//! ```text
//! [your layers around the operation]
//! trace(operation) → operation timeout → retry →
//!     per attempt: trace(attempt) → endpoint → credentials →
//!         [your layers before signing] → signing → [your layers after signing] →
//!         attempt timeout → response errors → transport (pooled hyper)
//! ```
//!
//! A [`Client`] is `Clone + Send + Sync` and cloning it is one `Arc` increment: there is no
//! need to wrap it in an `Arc`. All clients of one session share one connection pool, one
//! credentials cache and one signing-key cache. Building a client does no I/O (the session
//! already read its files; the CA bundle, if any, is read once per session).

mod boxed;
mod builder;
mod runtime;
mod service;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Request, Response};
use session_core::Session;
use tower::ServiceExt;

pub use boxed::BoxedStage;
pub use builder::ClientBuilder;
pub use service::ServiceInfo;

use crate::body::SdkBody;
use crate::endpoint::{EndpointParams, EndpointResolver, ResolvedEndpoint};
use crate::error::{Error, Kind};

/// A client of one service: send requests through its stack.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    service: BoxedStage,
    info: &'static ServiceInfo,
    region: Option<Arc<str>>,
    resolver: Arc<EndpointResolver>,
    runtime: Arc<runtime::SessionRuntime>,
    user_agent: HeaderValue,
    session: Session,
}

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
    /// [`EndpointParams`] as extensions.
    ///
    /// # Errors
    /// Anything the stack reports: see [`Error`]'s predicates.
    pub async fn send(&self, mut req: Request<SdkBody>) -> Result<Response<SdkBody>, Error> {
        req.headers_mut()
            .insert(http::header::USER_AGENT, self.inner.user_agent.clone());
        self.inner.service.clone().oneshot(req).await
    }

    /// A presigned URL for `req` (method, path, query and headers to sign), valid for
    /// `expires_in` (1 s to 7 days). The payload is `UNSIGNED-PAYLOAD`.
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
        let (mut parts, _) = sdk_req.into_parts();
        if !parts.headers.contains_key(http::header::HOST) {
            if let Some(a) = parts.uri.authority() {
                if let Ok(host) = HeaderValue::from_str(a.as_str()) {
                    parts.headers.insert(http::header::HOST, host);
                }
            }
        }
        let fallback = self.fallback_scope();
        let scope = endpoint.signing_scope().unwrap_or(&fallback);
        let mut settings = session_sigv4::SigningSettings::default();
        if !scope.double_encode {
            settings.percent_encoding_mode = session_sigv4::PercentEncodingMode::Single;
            settings.uri_path_normalization = false;
        }
        let mut identity =
            session_sigv4::Identity::new(creds.access_key_id(), creds.secret_access_key());
        if let Some(t) = creds.session_token() {
            identity = identity.with_session_token(t);
        }
        let params = session_sigv4::SigningParams {
            identity,
            region: &scope.region,
            service: &scope.name,
            time: self.inner.runtime.clock.now(),
            payload: session_sigv4::PayloadHash::UnsignedPayload,
            settings: &settings,
        };
        self.inner
            .runtime
            .signer
            .presign(&parts, &params, expires_in)
            .map_err(|e| Error::new(Kind::Signing).source_from(e))
    }

    /// The endpoint a request with these parameters would go to.
    ///
    /// # Errors
    /// The endpoint rules' error.
    pub fn endpoint_for(&self, params: Option<&EndpointParams>) -> Result<ResolvedEndpoint, Error> {
        self.inner.resolver.resolve(params)
    }

    fn fallback_scope(&self) -> crate::endpoint::SigningScope {
        crate::endpoint::SigningScope {
            name: self.inner.info.signing_name.into(),
            region: self
                .inner
                .region
                .clone()
                .unwrap_or_else(|| "us-east-1".into()),
            double_encode: !self.inner.info.s3_signing,
            normalize_path: !self.inner.info.s3_signing,
        }
    }

    /// The region this client signs for and resolves endpoints in.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The service this client calls.
    pub fn service_info(&self) -> &'static ServiceInfo {
        self.inner.info
    }

    /// The session the client was made from.
    pub fn session(&self) -> &Session {
        &self.inner.session
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

/// `session.client::<S>()`, boto3's `session.client('sqs')`.
pub trait SessionClientExt {
    /// A client of service `S` with this session's settings.
    ///
    /// # Errors
    /// See [`ClientBuilder::build`].
    fn client<S: AwsService>(&self) -> Result<S::Client, Error>;
}

impl SessionClientExt for Session {
    fn client<S: AwsService>(&self) -> Result<S::Client, Error> {
        Client::new(self, S::INFO).map(S::Client::from)
    }
}
