//! The harness of the generated protocol tests (`tests/*.rs`, written by `session-codegen`
//! from `suites/`): a client whose stack is the real one (endpoint, signing, retry, attempt
//! timeout, response errors) except the HTTP client, which a capturing stand-in replaces
//! ([`ClientBuilder::http_client`](session_tower::ClientBuilder::http_client)) — it records
//! the exact request and answers with the case's canned response. This is a stub
//! transport by design: the cases are about bytes on the wire, not about a server.

#![warn(missing_docs)]

pub mod cbor;

use std::future::Ready;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use session_core::{Env, Session};
use session_tower::protocol::Protocol;
use session_tower::{Client, SdkBody, ServiceInfo};

/// The response a case gives.
#[derive(Debug, Clone, Copy)]
pub struct Canned {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: &'static [(&'static str, &'static str)],
    /// Body.
    pub body: &'static str,
}

impl Canned {
    /// `200` with `{}`: what an input case needs back.
    pub fn ok_json() -> Self {
        Self {
            status: 200,
            headers: &[],
            body: "{}",
        }
    }
}

/// The request a case expects.
#[derive(Debug)]
pub struct Expected {
    /// Method (empty: not checked).
    pub method: &'static str,
    /// Path and query.
    pub uri: &'static str,
    /// The host (and base path, when the endpoint has one), if the case says.
    pub host: Option<&'static str>,
    /// Headers that must have these values.
    pub headers: &'static [(&'static str, &'static str)],
    /// Headers that must be absent.
    pub forbid_headers: &'static [&'static str],
    /// Headers that must be present.
    pub require_headers: &'static [&'static str],
    /// The body; JSON bodies compare as JSON values, CBOR bodies (base64 here) as CBOR data.
    pub body: Option<&'static str>,
}

/// The request a client sent.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    slot: Arc<Mutex<Option<(http::request::Parts, Bytes)>>>,
}

impl Captured {
    /// Panics with a precise message where the captured request differs from `want`.
    ///
    /// # Panics
    /// When no request was sent or it differs.
    pub fn check(&self, want: &Expected) {
        if let Err(why) = self.verify(want) {
            panic!("{why}");
        }
    }

    /// Where the captured request differs from `want`, said precisely.
    ///
    /// # Errors
    /// The first difference found (or that no request was sent).
    pub fn verify(&self, want: &Expected) -> Result<(), String> {
        macro_rules! same {
            ($got:expr, $want:expr, $($what:tt)*) => {
                if $got != $want {
                    return Err(format!("{}: got {:?}, expected {:?}", format!($($what)*), $got, $want));
                }
            };
        }
        let guard = self
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some((parts, body)) = guard.as_ref() else {
            return Err("no request was sent".into());
        };
        if !want.method.is_empty() {
            same!(parts.method.as_str(), want.method, "method");
        }
        let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        // The path and query always, whether or not the case also names a host: a case's
        // `uri` already includes the endpoint's base path.
        same!(pq, want.uri, "path and query");
        if let Some(host) = want.host {
            let authority = parts.uri.authority().map_or("", |a| a.as_str());
            match host.split_once('/') {
                // A host with a path: the endpoint's base path prefixes the request's.
                Some((h, base)) => {
                    same!(authority, h, "host");
                    let base = format!("/{base}");
                    if !pq.starts_with(&base) {
                        return Err(format!("path {pq} should start with {base}"));
                    }
                }
                None => same!(authority, host, "host"),
            }
        }
        for (name, value) in want.headers {
            let got = parts.headers.get(*name).and_then(|v| v.to_str().ok());
            same!(got, Some(*value), "header {name}");
        }
        for name in want.forbid_headers {
            if parts.headers.get(*name).is_some() {
                return Err(format!("header {name} must be absent"));
            }
        }
        for name in want.require_headers {
            if parts.headers.get(*name).is_none() {
                return Err(format!("header {name} must be present"));
            }
        }
        let Some(expected) = want.body else {
            return Ok(());
        };
        let got = std::str::from_utf8(body).unwrap_or("<not UTF-8>");
        let form = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let cbor = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/cbor"))
            || parts.headers.contains_key("smithy-protocol");
        if cbor {
            // The suites give CBOR bodies as base64; both compare as decoded data.
            use base64::Engine as _;
            let want_bytes = base64::engine::general_purpose::STANDARD
                .decode(expected.trim())
                .map_err(|e| format!("expected CBOR body is not base64: {e}"))?;
            if want_bytes.is_empty() || body.is_empty() {
                same!(body.as_ref(), want_bytes.as_slice(), "body (CBOR bytes)");
                return Ok(());
            }
            let want = cbor::decode(&want_bytes).map_err(|e| format!("expected body: {e}"))?;
            let have = cbor::decode(body).map_err(|e| format!("body: {e}"))?;
            same!(have, want, "body (as CBOR data)");
            return Ok(());
        }
        if form {
            // Form pairs compare as a set: their order follows the model's member order,
            // which the suites do not pin down.
            same!(
                form_pairs(got),
                form_pairs(expected),
                "body (as form pairs)"
            );
            return Ok(());
        }
        if expected.trim_start().starts_with('<') {
            // XML compares as trees: element names, attributes (namespace declarations
            // aside) and trimmed text, not formatting.
            let want = session_runtime::xml::dom::parse(expected.as_bytes())
                .map_err(|e| format!("expected body is not XML: {e}"))?;
            let have = session_runtime::xml::dom::parse(got.as_bytes())
                .map_err(|e| format!("body is not XML ({e}): {got}"))?;
            let (have, want) = (normalize(have), normalize(want));
            same!(have, want, "body (as XML) {got}");
            return Ok(());
        }
        match (
            serde_json::from_str::<serde_json::Value>(expected),
            serde_json::from_str::<serde_json::Value>(got),
        ) {
            (Ok(e), Ok(g)) => same!(g, e, "body (as JSON)"),
            _ => same!(got, expected, "body"),
        }
        Ok(())
    }
}

fn normalize(mut el: session_runtime::xml::dom::Element) -> session_runtime::xml::dom::Element {
    el.text = el.text.trim().to_owned();
    el.attributes.sort();
    el.children = el.children.into_iter().map(normalize).collect();
    // Map entries have no order; the cases list them in the order their params had.
    // Wrapped maps are `entry` elements; flattened ones repeat the member's name, each
    // with a `key`.
    let is_entry = |c: &session_runtime::xml::dom::Element| {
        c.name == "entry" || c.children.iter().any(|k| k.name == "key")
    };
    if !el.children.is_empty() && el.children.iter().all(is_entry) {
        el.children.sort_by_key(|c| format!("{c:?}"));
    }
    el
}

fn form_pairs(body: &str) -> Vec<String> {
    let mut pairs: Vec<String> = body
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    pairs.sort();
    pairs
}

/// A client for a test service speaking `protocol` (API version `api_version`) at
/// `endpoint`, whose transport is replaced by `canned` (see the crate docs); a CBOR
/// answer's body is the suite's base64 text, decoded.
///
/// # Panics
/// If the session or client cannot be built (a test helper).
pub fn client(
    protocol: Protocol,
    api_version: &'static str,
    endpoint: &str,
    canned: Canned,
) -> (Client, Captured) {
    use base64::Engine as _;
    let body = match protocol {
        // The suites give CBOR answers as base64 text; an input case's placeholder answer
        // (not base64) goes as it is.
        Protocol::RpcV2Cbor => base64::engine::general_purpose::STANDARD
            .decode(canned.body)
            .map_or_else(|_| Bytes::from_static(canned.body.as_bytes()), Bytes::from),
        _ => Bytes::from_static(canned.body.as_bytes()),
    };
    client_with_body(protocol, api_version, endpoint, canned, body)
}

/// [`client`], answering with `body` instead of `canned.body` (binary bodies: the legacy
/// suites give event streams as base64).
///
/// # Panics
/// If the session or client cannot be built (a test helper).
pub fn client_with_body(
    protocol: Protocol,
    api_version: &'static str,
    endpoint: &str,
    canned: Canned,
    body: Bytes,
) -> (Client, Captured) {
    let info: &'static ServiceInfo = Box::leak(Box::new(ServiceInfo {
        service_id: "ProtocolTest",
        signing_name: "protocoltest",
        protocol,
        endpoint_rules: session_tower::client::Rules::Lazy(sqs_rules),
        region_when_unset: None,
        s3_signing: false,
        api_version,
        auth: &[],
        roles: None,
    }));
    let session = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDPROTOCOLTEST")
        .secret_access_key("protocol-test-secret")
        .setting("endpoint_url", endpoint)
        .setting("max_attempts", "1")
        .build()
        .unwrap_or_else(|e| panic!("test session: {e}"));
    let captured = Captured::default();
    let client = Client::builder(&session, info)
        .http_client(Capture {
            captured: captured.clone(),
            canned,
            body,
        })
        // The suites expect Smithy's fixed token where an idempotency token is filled.
        .idempotency_token_provider(|| "00000000-0000-4000-8000-000000000000".to_owned())
        .build()
        .unwrap_or_else(|e| panic!("test client: {e}"));
    (client, captured)
}

/// Records the request and answers with the canned response; never calls the transport.
#[derive(Clone)]
struct Capture {
    captured: Captured,
    canned: Canned,
    body: Bytes,
}

impl tower_service::Service<Request<SdkBody>> for Capture {
    type Response = Response<SdkBody>;
    type Error = session_tower::Error;
    type Future = Ready<Result<Response<SdkBody>, session_tower::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), session_tower::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::copy_from_slice(body.bytes().unwrap_or_default());
        *self
            .captured
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((parts, bytes));
        let mut resp = Response::new(SdkBody::from(self.body.clone()));
        *resp.status_mut() =
            http::StatusCode::from_u16(self.canned.status).unwrap_or(http::StatusCode::OK);
        for (name, value) in self.canned.headers {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                resp.headers_mut().append(n, v);
            }
        }
        std::future::ready(Ok(resp))
    }
}

/// SQS's endpoint rule set, which every test service resolves with (its endpoint is
/// overridden by the configured URL anyway).
#[allow(clippy::expect_used)]
fn sqs_rules() -> &'static session_endpoints::RuleSet {
    static RULES: std::sync::OnceLock<session_endpoints::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        session_endpoints::RuleSet::from_json(include_str!(
            "../../../models/sqs/endpoint-rule-set-1.json"
        ))
        .expect("the vendored rule set compiles")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A captured request for `uri`, as a client would have sent it.
    fn captured(uri: &str) -> Captured {
        let (parts, ()) = Request::post(uri)
            .body(())
            .unwrap_or_else(|e| panic!("{e}"))
            .into_parts();
        let captured = Captured::default();
        *captured
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((parts, Bytes::new()));
        captured
    }

    fn expect(uri: &'static str, host: Option<&'static str>) -> Expected {
        Expected {
            method: "POST",
            uri,
            host,
            headers: &[],
            forbid_headers: &[],
            require_headers: &[],
            body: None,
        }
    }

    #[test]
    fn host_and_path_both_match() {
        captured("https://foo.example.com/a?b=c").check(&expect("/a?b=c", Some("foo.example.com")));
        captured("https://example.com/custom/")
            .check(&expect("/custom/", Some("example.com/custom")));
        captured("https://example.com/a").check(&expect("/a", None));
    }

    #[test]
    #[should_panic(expected = "path and query")]
    fn a_wrong_path_fails_even_when_the_host_is_right() {
        captured("https://foo.example.com/wrong").check(&expect("/", Some("foo.example.com")));
    }

    #[test]
    #[should_panic(expected = "path and query")]
    fn a_wrong_query_fails_even_when_the_host_is_right() {
        captured("https://foo.example.com/?x=1").check(&expect("/?x=2", Some("foo.example.com")));
    }

    #[test]
    #[should_panic(expected = "path and query")]
    fn a_path_below_the_base_path_must_match_too() {
        captured("https://example.com/custom/other")
            .check(&expect("/custom/", Some("example.com/custom")));
    }

    #[test]
    #[should_panic(expected = "host")]
    fn a_wrong_host_fails() {
        captured("https://bar.example.com/").check(&expect("/", Some("foo.example.com")));
    }
}
