//! The endpoint stage: resolves each request's URL from the service's endpoint rule set and
//! the session's settings, and records the signing scope the rules ask for.
//!
//! Operations build requests with a relative URI (path and query). This stage prefixes the
//! resolved endpoint (scheme, authority, base path), adds the endpoint's headers, and puts a
//! [`SigningScope`] into the request extensions for the signing stage. Operations that
//! contribute endpoint parameters (S3's `Bucket`, `Key`, ...) attach an [`EndpointParams`]
//! extension; for every other operation the endpoint is resolved once, when the client is
//! built, and reused.

mod builtins;
mod resolved;

use std::sync::Arc;
use std::task::{Context, Poll};

use http::Request;
use session_endpoints::{ParamValue, Params, RuleSet};
use tower_layer::Layer;
use tower_service::Service;

pub use resolved::{HostPrefix, ResolvedEndpoint, SigningScope};

use crate::body::SdkBody;
use crate::error::{Error, Kind};

pub use builtins::base_params;

/// Endpoint parameters an operation adds to the session-wide ones (e.g. S3's `Bucket`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointParams {
    params: Vec<(&'static str, ParamValue)>,
}

impl EndpointParams {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a string parameter.
    #[must_use]
    pub fn str(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.params.push((name, ParamValue::String(value.into())));
        self
    }

    /// Adds a boolean parameter.
    #[must_use]
    pub fn bool(mut self, name: &'static str, value: bool) -> Self {
        self.params.push((name, ParamValue::Bool(value)));
        self
    }
}

/// How a client resolves endpoints: the rule set, the session's parameters, and the
/// endpoint pre-resolved from them alone.
#[derive(Debug)]
pub struct EndpointResolver {
    rules: &'static RuleSet,
    base: Params,
    fixed: Result<ResolvedEndpoint, String>,
    /// Recently resolved endpoints by operation parameters: most programs talk to a few
    /// buckets, and resolving costs microseconds while a lookup costs nanoseconds.
    recent: std::sync::RwLock<Recent>,
    default_scope: Option<SigningScope>,
}

const RECENT: usize = 16;

#[derive(Debug, Default)]
struct Recent {
    entries: Vec<(EndpointParams, Arc<ResolvedEndpoint>)>,
    next: usize,
}

impl EndpointResolver {
    /// Resolves with `rules`, starting from `base` parameters.
    pub fn new(rules: &'static RuleSet, base: Params) -> Self {
        Self::with_default_scope(rules, base, None)
    }

    /// Like [`EndpointResolver::new`]; endpoints whose signing scope equals `default_scope`
    /// (the client's own) do not attach one, so the signing stage uses its copy instead of
    /// receiving a clone with every request.
    pub fn with_default_scope(
        rules: &'static RuleSet,
        base: Params,
        default_scope: Option<SigningScope>,
    ) -> Self {
        let fixed = resolve(rules, &base)
            .map(|e| e.without_scope_if(default_scope.as_ref()).interned())
            .map_err(|e| e.to_string());
        Self {
            rules,
            base,
            fixed,
            recent: std::sync::RwLock::default(),
            default_scope,
        }
    }

    /// The endpoint for a request with these extra parameters.
    ///
    /// # Errors
    /// An endpoint error with the rule set's message.
    pub fn resolve(&self, extra: Option<&EndpointParams>) -> Result<ResolvedEndpoint, Error> {
        self.endpoint(extra).map(|e| (*e).clone())
    }

    /// The endpoint for a request with these parameters: the fixed one borrowed (the common
    /// case: no copy, no shared reference count touched), or a recently resolved one shared.
    pub(crate) fn endpoint(
        &self,
        extra: Option<&EndpointParams>,
    ) -> Result<EndpointRef<'_>, Error> {
        match extra {
            Some(extra) if !extra.params.is_empty() => {
                self.with_params(extra).map(EndpointRef::Shared)
            }
            _ => match &self.fixed {
                Ok(endpoint) => Ok(EndpointRef::Fixed(endpoint)),
                Err(message) => Err(Error::with(Kind::Endpoint, message.clone())),
            },
        }
    }

    fn with_params(&self, extra: &EndpointParams) -> Result<Arc<ResolvedEndpoint>, Error> {
        let recent = self
            .recent
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, e)) = recent.entries.iter().find(|(p, _)| p == extra) {
            return Ok(e.clone());
        }
        drop(recent);
        let mut params = self.base.clone();
        for (name, value) in &extra.params {
            params.set(*name, value.clone());
        }
        let endpoint =
            Arc::new(resolve(self.rules, &params)?.without_scope_if(self.default_scope.as_ref()));
        let mut recent = self
            .recent
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = recent.next;
        if recent.entries.len() < RECENT {
            recent.entries.push((extra.clone(), endpoint.clone()));
        } else {
            recent.entries[slot] = (extra.clone(), endpoint.clone());
        }
        recent.next = (slot + 1) % RECENT;
        Ok(endpoint)
    }

    /// Points `req` at its endpoint. The fixed endpoint is applied from here without being
    /// copied first (its pieces are reference-counted, and every copy touches counters that
    /// all cores share).
    pub(crate) fn apply(&self, req: &mut Request<SdkBody>) -> Result<(), Error> {
        match req.extensions_mut().remove::<EndpointParams>() {
            Some(extra) if !extra.params.is_empty() => self.with_params(&extra)?.apply(req),
            _ => match &self.fixed {
                Ok(endpoint) => endpoint.apply(req),
                Err(message) => Err(Error::with(Kind::Endpoint, message.clone())),
            },
        }
    }

    /// The session-wide parameters.
    pub fn base_params(&self) -> &Params {
        &self.base
    }
}

fn resolve(rules: &RuleSet, params: &Params) -> Result<ResolvedEndpoint, Error> {
    let endpoint = rules
        .resolve(params)
        .map_err(|e| Error::with(Kind::Endpoint, e.to_string()).source_from(e))?;
    ResolvedEndpoint::from_rules(&endpoint)
}

/// An endpoint for one operation: the client's fixed one, or one resolved for the
/// operation's parameters and shared with the resolver's cache.
pub(crate) enum EndpointRef<'a> {
    Fixed(&'a ResolvedEndpoint),
    Shared(Arc<ResolvedEndpoint>),
}

impl std::ops::Deref for EndpointRef<'_> {
    type Target = ResolvedEndpoint;

    fn deref(&self) -> &ResolvedEndpoint {
        match self {
            EndpointRef::Fixed(e) => e,
            EndpointRef::Shared(e) => e,
        }
    }
}

/// Adds [`EndpointStage`] to a stack.
#[derive(Debug, Clone)]
pub struct EndpointLayer {
    resolver: Arc<EndpointResolver>,
}

impl EndpointLayer {
    /// Resolves with `resolver`.
    pub fn new(resolver: Arc<EndpointResolver>) -> Self {
        Self { resolver }
    }
}

impl<S> Layer<S> for EndpointLayer {
    type Service = EndpointStage<S>;

    fn layer(&self, inner: S) -> EndpointStage<S> {
        EndpointStage {
            inner,
            resolver: self.resolver.clone(),
        }
    }
}

/// Points each request at its resolved endpoint.
#[derive(Debug, Clone)]
pub struct EndpointStage<S> {
    inner: S,
    resolver: Arc<EndpointResolver>,
}

impl<S, R> Service<Request<SdkBody>> for EndpointStage<S>
where
    S: Service<Request<SdkBody>, Response = R, Error = Error>,
{
    type Response = R;
    type Error = Error;
    type Future = crate::util::Either<S::Future, R>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<SdkBody>) -> Self::Future {
        match self.resolver.apply(&mut req) {
            Ok(()) => crate::util::Either::inner(self.inner.call(req)),
            Err(e) => crate::util::Either::error(e),
        }
    }
}
