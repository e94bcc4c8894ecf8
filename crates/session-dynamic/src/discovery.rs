//! Endpoint discovery, where a model asks for it (Timestream's `endpointdiscovery` with
//! `required: true`; DynamoDB's optional one): the service's endpoint operation
//! (`DescribeEndpoints`) is called once, its first address is used for the discovering
//! operations until `CachePeriodInMinutes` has passed, and an `InvalidEndpointException`
//! drops the cached address and sends the call once more through a fresh one.
//!
//! The address is applied by a before-signing layer on a client built like the caller's
//! (same session and builder steps): the endpoint rules run as usual, then the request's
//! scheme and authority become the discovered ones, so the signature covers the host the
//! request goes to.
//!
//! `endpoint_discovery_enabled` (`AWS_ENDPOINT_DISCOVERY_ENABLED`) says when: unset, only
//! for operations that require it; `true`, also for the optional ones; `false`, never (an
//! operation that requires it is then an error, as in botocore). A configured endpoint URL
//! turns discovery off: the request goes where the user said.
//!
//! Not done: the cache is per client and keyed by nothing else (no model today that
//! requires discovery names `endpointdiscoveryid` members), and concurrent first calls may
//! each ask for the endpoints.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::uri::{Authority, Scheme};
use http::{Request, Uri};
use session_runtime::shapes::{Operation, OperationFlags, Service};
use session_tower::{Client, SdkBody};
use tokio::time::Instant;

use crate::{DynClient, Error, Value};

/// The error code that says a discovered endpoint is no longer valid.
const INVALID_ENDPOINT: &str = "InvalidEndpointException";
/// How long an address is kept when the answer gives no period (botocore's default).
const DEFAULT_PERIOD: Duration = Duration::from_secs(60);

/// A client's discovered endpoint, if any yet.
#[derive(Default)]
pub(crate) struct Discovered {
    cached: Mutex<Option<Cached>>,
}

#[derive(Clone)]
struct Cached {
    address: String,
    expires: Instant,
    client: Client,
}

/// Whether `op` is sent to a discovered endpoint by `client`, or an error when the model
/// requires discovery and the settings turned it off.
pub(crate) fn wanted(client: &Client, op: &Operation) -> Result<bool, Error> {
    let required = op.flags.has(OperationFlags::ENDPOINT_DISCOVERY_REQUIRED);
    if !required && !op.flags.has(OperationFlags::ENDPOINT_DISCOVERY) {
        return Ok(false);
    }
    let settings = client.session().settings();
    if settings
        .endpoint_url(client.service_info().service_id)
        .is_some()
    {
        return Ok(false);
    }
    match settings.flag("endpoint_discovery_enabled") {
        Some(false) if required => Err(Error::config(format!(
            "{}: the operation requires endpoint discovery, and endpoint_discovery_enabled \
             is false",
            op.name
        ))),
        Some(enabled) => Ok(enabled),
        None => Ok(required),
    }
}

/// The service's endpoint operation (`DescribeEndpoints`).
fn endpoint_operation(service: &'static Service) -> Option<&'static Operation> {
    service
        .operations
        .iter()
        .find(|op| op.flags.has(OperationFlags::ENDPOINT_OPERATION))
}

impl DynClient {
    /// Sends `op` through the discovered endpoint (discovering it first when none is
    /// cached or it expired), once more through a fresh one if the service says the
    /// endpoint is invalid.
    pub(crate) async fn send_discovered(
        &self,
        op: &'static Operation,
        input: &Value,
    ) -> Result<Value, Error> {
        let mut fresh = false;
        loop {
            let client = self.discovered_client().await?;
            let service = self.tables();
            match session_runtime::wire::call::call_value(&client, service, op, input, None).await {
                Ok(answer) => return self.output(op, answer).await,
                Err(e) => {
                    let e = self.error(op, e);
                    if fresh || e.code() != Some(INVALID_ENDPOINT) {
                        return Err(e);
                    }
                    tracing::debug!(operation = op.name, "discovered endpoint invalid");
                    self.discovery().forget();
                    fresh = true;
                }
            }
        }
    }

    /// The client for the current discovered endpoint.
    async fn discovered_client(&self) -> Result<Client, Error> {
        if let Some(c) = self.discovery().current() {
            return Ok(c.client);
        }
        let service = self.tables();
        let describe = endpoint_operation(service).ok_or_else(|| {
            Error::config(format!(
                "{}: the model asks for endpoint discovery but has no endpoint operation",
                self.service_name()
            ))
        })?;
        let answer = self.send_plain(describe, &Value::map()).await?;
        let first = answer
            .get("Endpoints")
            .and_then(|e| e.at(0))
            .ok_or_else(|| {
                Error::config(format!("{}: the answer lists no endpoint", describe.name))
            })?;
        let address = first
            .get("Address")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Error::config(format!("{}: an endpoint without an address", describe.name))
            })?
            .to_owned();
        let period = first
            .get("CachePeriodInMinutes")
            .and_then(Value::as_i64)
            .and_then(|m| u64::try_from(m).ok())
            .map_or(DEFAULT_PERIOD, |m| {
                Duration::from_secs(m.saturating_mul(60))
            });
        let (scheme, authority) = parse_address(&address).ok_or_else(|| {
            Error::config(format!(
                "{}: the endpoint address {address:?} is not a host",
                describe.name
            ))
        })?;
        let client = self
            .rebuild()
            .layer_before_signing(tower::util::MapRequestLayer::new(
                move |req: Request<SdkBody>| redirect(req, &scheme, &authority),
            ))
            .build()
            .map_err(|e| Error::stack(describe.name, e))?;
        tracing::debug!(address = %address, ?period, "endpoint discovered");
        let cached = Cached {
            address,
            expires: Instant::now() + period,
            client: client.clone(),
        };
        *self.discovery().lock() = Some(cached);
        Ok(client)
    }

    /// The address in use, if one was discovered and has not expired (for tests and the
    /// CLI's explanations).
    pub fn discovered_endpoint(&self) -> Option<String> {
        self.discovery().current().map(|c| c.address)
    }
}

impl Discovered {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.cached.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn current(&self) -> Option<Cached> {
        let mut cached = self.lock();
        if cached.as_ref().is_some_and(|c| c.expires <= Instant::now()) {
            *cached = None;
        }
        cached.clone()
    }

    fn forget(&self) {
        *self.lock() = None;
    }
}

/// `host`, `host:port` or `scheme://host[:port]` (https unless said otherwise).
fn parse_address(address: &str) -> Option<(Scheme, Authority)> {
    let (scheme, rest) = match address.split_once("://") {
        Some((s, rest)) => (s.parse().ok()?, rest),
        None => (Scheme::HTTPS, address),
    };
    let authority: Authority = rest.trim_end_matches('/').parse().ok()?;
    Some((scheme, authority))
}

/// The request sent to the discovered endpoint: its scheme and authority (and `Host`, if
/// the stack set one) replaced, path and query kept.
fn redirect(mut req: Request<SdkBody>, scheme: &Scheme, authority: &Authority) -> Request<SdkBody> {
    let mut parts = req.uri().clone().into_parts();
    parts.scheme = Some(scheme.clone());
    parts.authority = Some(authority.clone());
    if let Ok(uri) = Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
    if req.headers().contains_key(http::header::HOST) {
        if let Ok(v) = http::HeaderValue::from_str(authority.as_str()) {
            req.headers_mut().insert(http::header::HOST, v);
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let (s, a) = parse_address("ingest-cell2.timestream.us-east-1.amazonaws.com").unwrap();
        assert_eq!(
            (s.as_str(), a.as_str()),
            ("https", "ingest-cell2.timestream.us-east-1.amazonaws.com")
        );
        let (s, a) = parse_address("http://127.0.0.1:8080/").unwrap();
        assert_eq!((s.as_str(), a.as_str()), ("http", "127.0.0.1:8080"));
        assert!(parse_address("not a host").is_none());
        assert!(parse_address("").is_none());
    }

    #[test]
    fn redirect_keeps_path_and_query() {
        let req = Request::builder()
            .uri("https://query.timestream.us-east-1.amazonaws.com/a/b?x=1")
            .header("host", "query.timestream.us-east-1.amazonaws.com")
            .body(SdkBody::empty())
            .unwrap();
        let (s, a) = parse_address("cell1.example.com:444").unwrap();
        let req = redirect(req, &s, &a);
        assert_eq!(
            req.uri().to_string(),
            "https://cell1.example.com:444/a/b?x=1"
        );
        assert_eq!(req.headers()["host"], "cell1.example.com:444");
    }
}
