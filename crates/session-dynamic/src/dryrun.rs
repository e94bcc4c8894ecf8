//! Dry runs: the request an operation would send — endpoint resolved, signed — captured
//! at the transport and never sent.

use std::future::Ready;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::Bytes;
use session_runtime::value::Value;
use session_tower::SdkBody;

use crate::client::DynClient;
use crate::error::Error;

/// What stands for a secret in a dry run's headers and URL (as the signer redacts them).
pub const REDACTED: &str = "** redacted **";

/// A signed request, as it would have gone on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The headers, in order; secrets (session tokens, bearer tokens) redacted.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl SignedRequest {
    /// `{"method", "url", "headers", "body"}`: the body as text when it is UTF-8, else
    /// `{"base64": "..."}`.
    pub fn to_json(&self) -> serde_json::Value {
        let headers: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let body = match std::str::from_utf8(&self.body) {
            Ok(text) => serde_json::Value::String(text.to_owned()),
            Err(_) => serde_json::json!({
                "base64": base64::engine::general_purpose::STANDARD.encode(&self.body)
            }),
        };
        serde_json::json!({
            "method": self.method,
            "url": self.url,
            "headers": headers,
            "body": body,
        })
    }
}

fn redact_header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "x-amz-security-token" {
        return REDACTED.to_owned();
    }
    if lower == "authorization" && value.len() > 7 && value[..7].eq_ignore_ascii_case("bearer ") {
        return format!("Bearer {REDACTED}");
    }
    value.to_owned()
}

fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("X-Amz-Security-Token") => {
                format!("{k}={REDACTED}")
            }
            _ => p.to_owned(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

type Slot = Arc<Mutex<Option<SignedRequest>>>;

/// The transport of a dry run: keeps the request and fails the attempt (an error that is
/// not retried).
#[derive(Clone)]
struct Capture(Slot);

#[derive(Debug)]
struct DryRunStop;

impl std::fmt::Display for DryRunStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dry run: not sent")
    }
}

impl std::error::Error for DryRunStop {}

impl tower_service::Service<http::Request<SdkBody>> for Capture {
    type Response = http::Response<SdkBody>;
    type Error = DryRunStop;
    type Future = Ready<Result<http::Response<SdkBody>, DryRunStop>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), DryRunStop>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<SdkBody>) -> Self::Future {
        let (parts, body) = req.into_parts();
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                let v = String::from_utf8_lossy(v.as_bytes());
                (k.as_str().to_owned(), redact_header(k.as_str(), &v))
            })
            .collect();
        let captured = SignedRequest {
            method: parts.method.to_string(),
            url: redact_url(&parts.uri.to_string()),
            headers,
            body: Bytes::copy_from_slice(body.bytes().unwrap_or_default()),
        };
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(captured);
        std::future::ready(Err(DryRunStop))
    }
}

impl DynClient {
    /// The request `operation` would send with `input`: validated, endpoint resolved,
    /// signed with the session's credentials — and not sent, through a stack built like
    /// this client's (the builder's `configure` steps replayed) with a recorder for a
    /// transport.
    ///
    /// # Errors
    /// What a call would fail with before sending: an invalid input, no credentials, no
    /// region, an endpoint the rules refuse.
    pub async fn dry_run(
        &self,
        operation: &str,
        input: impl Into<Value>,
    ) -> Result<SignedRequest, Error> {
        let op = self.operation(operation)?;
        let input = input.into();
        let slot: Slot = Arc::default();
        let client = self
            .rebuild()
            .http_client(Capture(slot.clone()))
            .build()
            .map_err(|e| Error::stack(op.name, e))?;
        let sent =
            session_runtime::wire::call::call_value(&client, self.tables(), op, &input, None).await;
        if let Some(req) = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            return Ok(req);
        }
        match sent {
            Err(e) => Err(self.error(op, e)),
            Ok(_) => Err(Error::config(format!("{}: nothing was captured", op.name))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(redact_header("X-Amz-Security-Token", "tok"), REDACTED);
        assert_eq!(
            redact_header("Authorization", "Bearer abc"),
            format!("Bearer {REDACTED}")
        );
        assert_eq!(
            redact_header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/..."),
            "AWS4-HMAC-SHA256 Credential=AKID/..."
        );
        assert_eq!(
            redact_url("https://h/?a=1&X-Amz-Security-Token=s3cr3t&b=2"),
            format!("https://h/?a=1&X-Amz-Security-Token={REDACTED}&b=2")
        );
    }
}
