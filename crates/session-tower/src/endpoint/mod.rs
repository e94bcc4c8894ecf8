//! The endpoint stage: resolves each operation's URL from the service's endpoint rule set
//! and the session's settings, and the signing scope the rules ask for.
//!
//! Operations build requests with a relative URI (path and query). The engine resolves the
//! endpoint once per operation and, for each attempt, prefixes it (scheme, authority, base
//! path), adds the endpoint's headers and signs in its scope ([`SigningScope`]). Operations
//! that contribute endpoint parameters (S3's `Bucket`, `Key`, ...) pass [`EndpointParams`]
//! in their [`OperationMeta`](crate::client::OperationMeta); for every other operation the
//! endpoint is resolved once, when the client is built, and reused.

mod builtins;
mod resolved;

use std::sync::Arc;

use session_endpoints::{ParamValue, Params, RuleSet};

pub use resolved::{HostPrefix, ResolvedEndpoint, SigningScope};

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

    /// Adds a string-array parameter (DynamoDB's `ResourceArnList`).
    #[must_use]
    pub fn strings(mut self, name: &'static str, values: Vec<String>) -> Self {
        self.params.push((name, ParamValue::StringArray(values)));
        self
    }

    /// Adds a boolean parameter.
    #[must_use]
    pub fn bool(mut self, name: &'static str, value: bool) -> Self {
        self.params.push((name, ParamValue::Bool(value)));
        self
    }

    /// The same parameters with `Region` set to `region` (an S3 region redirect resolves
    /// the bucket's endpoint in its region).
    pub(crate) fn with_region(&self, region: &str) -> Self {
        let mut params = self.clone();
        params.params.retain(|(n, _)| *n != "Region");
        params.str("Region", region)
    }

    /// The string parameter `name`, if given (spans show S3's `Bucket` and `Key`).
    pub(crate) fn string(&self, name: &str) -> Option<&str> {
        self.params.iter().find_map(|(n, v)| match v {
            ParamValue::String(s) if *n == name => Some(s.as_str()),
            _ => None,
        })
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

    /// The endpoint for these parameters, shared with the resolver's recent ones.
    pub(crate) fn shared(&self, extra: &EndpointParams) -> Result<Arc<ResolvedEndpoint>, Error> {
        self.with_params(extra)
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
