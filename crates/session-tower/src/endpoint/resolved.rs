use std::sync::Arc;

use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderName, HeaderValue, Request, Uri};
use session_sigv4::SigningAlgorithm;

use crate::body::SdkBody;
use crate::error::{Error, Kind};

/// What the signing stage needs from the endpoint rules: the algorithm, the signing name and
/// region (or SigV4a region set), and the path-encoding rules of the service (S3 signs its
/// path encoded once, not normalized).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningScope {
    /// The service's signing name (`s3`, `sqs`, ...).
    pub name: Arc<str>,
    /// SigV4: the region of the credential scope. SigV4a: the region set, comma-joined
    /// (`*`, `us-east-1,us-west-2`), sent as `X-Amz-Region-Set` (the client's
    /// `sigv4a_signing_region_set`, when set, replaces it).
    pub region: Arc<str>,
    /// Encode the canonical path twice (everything but S3).
    pub double_encode: bool,
    /// Normalize `.` and `..` in the canonical path (everything but S3).
    pub normalize_path: bool,
    /// SigV4 or SigV4a: the endpoint's auth scheme (`sigv4` or `sigv4a`).
    pub algorithm: SigningAlgorithm,
}

impl SigningScope {
    /// The scope of one of the endpoint's auth schemes, if it is one this stack signs with:
    /// `sigv4` (and `sigv4-s3express`, signed as SigV4 with the client's credentials) with
    /// its `signingRegion`, or `sigv4a` with its `signingRegionSet` (its `signingRegion`,
    /// else `*`, when the set is missing).
    fn from_auth_scheme(s: &session_endpoints::AuthScheme<'_>) -> Option<Self> {
        let (algorithm, region): (_, Arc<str>) = match s.name() {
            "sigv4" | "sigv4-s3express" => (SigningAlgorithm::SigV4, s.signing_region()?.into()),
            "sigv4a" => {
                let set = s.signing_region_set();
                let region = if set.is_empty() {
                    s.signing_region().unwrap_or("*").into()
                } else {
                    set.join(",").into()
                };
                (SigningAlgorithm::SigV4a, region)
            }
            _ => return None,
        };
        Some(SigningScope {
            name: s.signing_name()?.into(),
            region,
            double_encode: !s.disable_double_encoding(),
            normalize_path: !s.disable_normalize_path(),
            algorithm,
        })
    }
}

/// An endpoint, ready to apply to requests: cheap to clone.
#[derive(Debug, Clone)]
pub struct ResolvedEndpoint {
    scheme: Scheme,
    authority: Authority,
    /// The endpoint's path without a trailing `/` (empty for most endpoints).
    base_path: Arc<str>,
    headers: Arc<[(HeaderName, HeaderValue)]>,
    /// The `Host` header, built once (the signature covers it, so it is set here rather
    /// than left to hyper).
    host: HeaderValue,
    signing: Option<SigningScope>,
    /// The rules named a scheme we sign with (its scope may since have been dropped as
    /// equal to the client's own): the endpoint, not the model, then decides the algorithm.
    names_signing_scheme: bool,
}

impl ResolvedEndpoint {
    pub(crate) fn from_rules(endpoint: &session_endpoints::Endpoint) -> Result<Self, Error> {
        let bad = |what: &str| Error::with(Kind::Endpoint, format!("{what}: {}", endpoint.url()));
        let uri: Uri = endpoint
            .url()
            .parse()
            .map_err(|_| bad("invalid endpoint URL"))?;
        let scheme = uri
            .scheme()
            .cloned()
            .ok_or_else(|| bad("endpoint URL has no scheme"))?;
        if scheme != Scheme::HTTP && scheme != Scheme::HTTPS {
            return Err(bad("endpoint URL must be http or https"));
        }
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| bad("endpoint URL has no host"))?;
        let base_path = uri.path().trim_end_matches('/').into();
        let host = HeaderValue::from_str(authority.as_str()).map_err(|_| bad("invalid host"))?;
        let mut headers = Vec::new();
        for (name, values) in endpoint.headers() {
            let name =
                HeaderName::try_from(name.as_str()).map_err(|_| bad("invalid header name"))?;
            for v in values {
                let value =
                    HeaderValue::try_from(v.as_str()).map_err(|_| bad("invalid header value"))?;
                headers.push((name.clone(), value));
            }
        }
        // The first scheme we sign with, in the rules' order of preference (an S3
        // Multi-Region Access Point names `sigv4a` first, then `sigv4`).
        let signing = endpoint
            .auth_schemes()
            .find_map(|s| SigningScope::from_auth_scheme(&s));
        let names_signing_scheme = signing.is_some();
        Ok(Self {
            scheme,
            authority,
            base_path,
            headers: headers.into(),
            host,
            signing,
            names_signing_scheme,
        })
    }

    /// The same endpoint with its host and authority made from process-wide copies (see
    /// `crate::intern`): for a client's fixed endpoint, which every request carries.
    pub(crate) fn interned(mut self) -> Self {
        if let Some(text) = crate::intern::intern(self.authority.as_str()) {
            self.authority = Authority::from_static(text);
        }
        self.host = crate::intern::header_value(self.host);
        self
    }

    /// Drops the signing scope when it is `default` (the client already has it).
    pub(crate) fn without_scope_if(mut self, default: Option<&SigningScope>) -> Self {
        if default.is_some() && self.signing.as_ref() == default {
            self.signing = None;
        }
        self
    }

    /// The endpoint as a URL (without a trailing `/`).
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority, self.base_path)
    }

    /// The signing scope the rules give, if they name one (and it is not the client's own).
    pub fn signing_scope(&self) -> Option<&SigningScope> {
        self.signing.as_ref()
    }

    /// Whether the rules named an auth scheme this stack signs with (`sigv4`, `sigv4a`):
    /// then the endpoint's scheme, not the model's preference, decides SigV4 or SigV4a.
    pub fn names_signing_scheme(&self) -> bool {
        self.names_signing_scheme
    }

    /// Points `req` (whose URI holds only a path and query) at this endpoint, with the
    /// request's [`HostPrefix`], if any, in front of the host.
    pub(crate) fn apply(&self, req: &mut Request<SdkBody>) -> Result<(), Error> {
        let prefix = req.extensions_mut().remove::<HostPrefix>();
        let (mut parts, body) = std::mem::take(req).into_parts();
        let applied = self.apply_parts(&mut parts, prefix.as_ref().map(|p| p.0.as_str()));
        if applied.is_ok() {
            if let Some(scope) = &self.signing {
                parts.extensions.insert(scope.clone());
            }
        }
        *req = Request::from_parts(parts, body);
        applied
    }

    /// Points `parts` (whose URI holds only a path and query) at this endpoint, with
    /// `prefix` (an operation's [`HostPrefix`]) in front of the host. The signing scope is
    /// left to the caller ([`ResolvedEndpoint::signing_scope`]).
    pub(crate) fn apply_parts(
        &self,
        parts: &mut http::request::Parts,
        prefix: Option<&str>,
    ) -> Result<(), Error> {
        let pq = parts.uri.path_and_query().map_or("/", PathAndQuery::as_str);
        let path_and_query: PathAndQuery = if self.base_path.is_empty() {
            match parts.uri.path_and_query() {
                Some(pq) => pq.clone(),
                None => PathAndQuery::from_static("/"),
            }
        } else {
            // `/` and `/?query` on a path-style endpoint address the base itself
            // (`/bucket`, `/bucket?list-type=2`), not `/bucket/`.
            let rest = if pq == "/" || pq.starts_with("/?") {
                &pq[1..]
            } else {
                pq
            };
            format!("{}{rest}", self.base_path)
                .parse()
                .map_err(|_| Error::request("request path does not fit the endpoint"))?
        };
        // An operation's endpoint trait puts a prefix in front of the host.
        let authority = match prefix {
            None => self.authority.clone(),
            Some(prefix) => format!("{prefix}{}", self.authority).parse().map_err(|_| {
                Error::request(format!("host prefix {prefix:?} makes an invalid host"))
            })?,
        };
        let uri = Uri::builder()
            .scheme(self.scheme.clone())
            .authority(authority)
            .path_and_query(path_and_query)
            .build()
            .map_err(|e| {
                Error::with(Kind::Endpoint, "could not build the request URL").source_from(e)
            })?;
        parts.uri = uri;
        let host = match prefix {
            None => self.host.clone(),
            Some(prefix) => http::HeaderValue::from_str(&format!(
                "{prefix}{}",
                self.host.to_str().unwrap_or_default()
            ))
            .map_err(|_| Error::request("host prefix makes an invalid Host header"))?,
        };
        parts.headers.insert(http::header::HOST, host);
        for (name, value) in self.headers.iter() {
            parts.headers.append(name.clone(), value.clone());
        }
        Ok(())
    }
}

/// A request extension: put this in front of the endpoint's host (an operation's endpoint
/// trait, e.g. `data.` or `{AccountId}.`). Checked by the caller to be DNS-safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPrefix(pub String);
