//! What is taken out of an exchange before it is kept: secret headers, presigned-URL
//! signatures and credentials, and the values of secret fields in bodies.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

use super::recording::{Exchange, RecordedRequest, RecordedResponse};
use super::scan;
use super::REDACTED;

/// The body fields (JSON members, XML elements, form and query parameters) whose values
/// are redacted by default, compared without regard to case. A form parameter also matches
/// by its last dotted segment (`Credentials.SessionToken`).
pub const SECRET_FIELDS: &[&str] = &[
    "SecretAccessKey",
    "SessionToken",
    "Token",
    "AccessToken",
    "RefreshToken",
    "ClientSecret",
    "Password",
    "SecretString",
    "SecretBinary",
];

/// The headers whose values are redacted by default (besides any header whose name holds
/// `cookie`): credentials and tokens, the instance metadata session token, and S3's
/// customer-provided encryption keys. `authorization` keeps its scheme
/// (`AWS4-HMAC-SHA256 **redacted**`).
pub const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-amz-security-token",
    "x-amz-sso_bearer_token",
    "x-aws-ec2-metadata-token",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key",
];

/// The query parameters of a presigned URL whose values are redacted (besides the
/// [`SECRET_FIELDS`]).
pub const SECRET_QUERY_PARAMETERS: &[&str] = &[
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "X-Amz-Credential",
];

type Hook = Arc<dyn Fn(&mut Exchange) + Send + Sync>;

/// The redaction rules of a [`Recorder`](super::Recorder): the default lists
/// ([`SECRET_HEADERS`], [`SECRET_QUERY_PARAMETERS`], [`SECRET_FIELDS`]), names of your
/// own, and hooks that see each exchange last. Every redacted value becomes [`REDACTED`];
/// bodies keep their format (JSON stays JSON, XML well-formed, forms form-encoded), and
/// a redacted body's `content-length` is corrected.
///
/// Bodies are recognized by their `content-type` (`json`, `xml`,
/// `x-www-form-urlencoded`), else by their first character (`{`, `[`, `<`). Not looked
/// into: compressed bodies, and JSON or XML inside a string value (an SQS message body).
#[derive(Clone)]
pub struct Redactions {
    /// Lower-cased.
    fields: Vec<String>,
    /// Lower-cased.
    headers: Vec<String>,
    hooks: Vec<Hook>,
}

impl Default for Redactions {
    fn default() -> Self {
        Self {
            fields: SECRET_FIELDS
                .iter()
                .map(|f| f.to_ascii_lowercase())
                .collect(),
            headers: SECRET_HEADERS.iter().map(|h| h.to_string()).collect(),
            hooks: Vec::new(),
        }
    }
}

impl fmt::Debug for Redactions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactions")
            .field("fields", &self.fields)
            .field("headers", &self.headers)
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

/// The format of a body, for redaction and for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Xml,
    Form,
    Other,
}

impl Format {
    /// From the `content-type` among `headers`, else from the body's first character.
    pub(super) fn of(headers: &[(String, String)], body: &[u8]) -> Self {
        let content_type = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.to_ascii_lowercase());
        match content_type.as_deref() {
            Some(t) if t.contains("json") => return Format::Json,
            Some(t) if t.contains("xml") => return Format::Xml,
            Some(t) if t.contains("x-www-form-urlencoded") => return Format::Form,
            _ => {}
        }
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => Format::Json,
            Some(b'<') => Format::Xml,
            _ => Format::Other,
        }
    }
}

impl Redactions {
    /// The default rules (the same as [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Also redacts the values of body fields (and query parameters) named `name`, compared
    /// without regard to case.
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.fields.push(name.into().to_ascii_lowercase());
        self
    }

    /// Also redacts the values of the request and response header `name`.
    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.headers.push(name.into().to_ascii_lowercase());
        self
    }

    /// Runs `hook` on each exchange after the built-in rules, before it is kept: for
    /// secrets the lists cannot name (use [`REDACTED`] for what you take out, so that a
    /// replayer matches it with anything).
    pub fn with(mut self, hook: impl Fn(&mut Exchange) + Send + Sync + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Whether `name` is a secret body field (or query parameter) under these rules.
    pub fn is_secret_field(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        let last = name.rsplit('.').next().unwrap_or(&name);
        self.fields.iter().any(|f| *f == name || f == last)
    }

    fn is_secret_query(&self, name: &str) -> bool {
        SECRET_QUERY_PARAMETERS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(name))
            || self.is_secret_field(name)
    }

    /// Whether the header `name` is secret under these rules.
    pub fn is_secret_header(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        name.contains("cookie") || self.headers.contains(&name)
    }

    /// Applies every rule to an exchange kept before (to clean an older recording, or one
    /// written by hand).
    pub fn apply(&self, exchange: &mut Exchange) {
        for (name, value) in exchange
            .request
            .headers
            .iter_mut()
            .chain(exchange.response.headers.iter_mut())
        {
            if self.is_secret_header(name) {
                *value = redacted_header(name, value);
            }
        }
        exchange.request.uri = self.uri(&exchange.request.uri);
        self.body(
            Side::Request,
            &mut exchange.request.headers,
            &mut exchange.request.body,
        );
        self.body(
            Side::Response,
            &mut exchange.response.headers,
            &mut exchange.response.body,
        );
        self.run_hooks(exchange);
    }

    /// A request as it is kept: secrets are replaced as the headers and URI are copied, so
    /// the recording never holds them.
    pub(super) fn request(&self, parts: &http::request::Parts, body: &Bytes) -> RecordedRequest {
        let mut headers = self.headers_of(&parts.headers);
        let mut body = body.clone();
        self.body(Side::Request, &mut headers, &mut body);
        RecordedRequest {
            method: parts.method.to_string(),
            uri: self.uri(&parts.uri.to_string()),
            headers,
            body,
        }
    }

    /// A response as it is kept.
    pub(super) fn response(&self, parts: &http::response::Parts, body: &Bytes) -> RecordedResponse {
        let mut headers = self.headers_of(&parts.headers);
        let mut body = body.clone();
        self.body(Side::Response, &mut headers, &mut body);
        RecordedResponse {
            status: parts.status.as_u16(),
            headers,
            body,
        }
    }

    /// Runs the hooks (last, on the whole exchange).
    pub(super) fn run_hooks(&self, exchange: &mut Exchange) {
        for hook in &self.hooks {
            hook(exchange);
        }
    }

    fn headers_of(&self, headers: &http::HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let value = if self.is_secret_header(name.as_str()) {
                    // Only the scheme is read out of a secret value.
                    redacted_header(name.as_str(), value.to_str().unwrap_or_default())
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_owned(), value)
            })
            .collect()
    }

    fn uri(&self, uri: &str) -> String {
        let (head, fragment) = match uri.split_once('#') {
            Some((h, f)) => (h, Some(f)),
            None => (uri, None),
        };
        let Some((path, query)) = head.split_once('?') else {
            return uri.to_owned();
        };
        let secret = |name: &str| self.is_secret_query(name);
        match scan::redact_pairs(query, &secret, REDACTED) {
            Some(query) => match fragment {
                Some(f) => format!("{path}?{query}#{f}"),
                None => format!("{path}?{query}"),
            },
            None => uri.to_owned(),
        }
    }

    /// Redacts the secret fields of `body` in place. Then `content-length` is corrected,
    /// and the digests of the body (`content-md5`, `x-amz-content-sha256`,
    /// `x-amz-checksum-*`), which are digests of the secrets too, are taken out: a
    /// request's replaced by the marker (which the replayer does not compare), a
    /// response's removed (a client checking it would refuse the redacted body).
    fn body(&self, side: Side, headers: &mut Vec<(String, String)>, body: &mut Bytes) {
        if body.is_empty() {
            return;
        }
        let secret = |name: &str| self.is_secret_field(name);
        let redacted = match Format::of(headers, body) {
            Format::Json => scan::redact_json(body, &secret, REDACTED),
            Format::Xml => scan::redact_xml(body, &secret, REDACTED),
            Format::Form => std::str::from_utf8(body)
                .ok()
                .and_then(|text| scan::redact_pairs(text, &secret, REDACTED))
                .map(String::into_bytes),
            Format::Other => None,
        };
        let Some(redacted) = redacted else { return };
        *body = Bytes::from(redacted);
        let digest = |name: &str| {
            let name = name.to_ascii_lowercase();
            name == "content-md5"
                || name == "x-amz-content-sha256"
                || name.starts_with("x-amz-checksum-")
        };
        if side == Side::Response {
            headers.retain(|(name, _)| !digest(name));
        }
        for (name, value) in headers.iter_mut() {
            if name.eq_ignore_ascii_case("content-length") {
                *value = body.len().to_string();
            } else if digest(name) {
                *value = REDACTED.to_owned();
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// A secret header's value as kept: the marker, after the scheme of an `authorization`.
fn redacted_header(name: &str, value: &str) -> String {
    if name.to_ascii_lowercase().ends_with("authorization") {
        if let Some((scheme, _)) = value.split_once(' ') {
            if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_graphic() && b != b'=') {
                return format!("{scheme} {REDACTED}");
            }
        }
    }
    REDACTED.to_owned()
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
