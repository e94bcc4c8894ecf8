//! Request builders and response readers for the RPC-style protocols (AWS JSON, query).

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Protocol;

const X_AMZ_TARGET: http::HeaderName = http::HeaderName::from_static("x-amz-target");
use crate::body::SdkBody;
use crate::error::Error;
use crate::trace::OperationName;

/// Characters left as they are in form and URI encoding (RFC 3986 unreserved).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes everything but unreserved characters (and `/` when `keep_slash`).
pub fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(
                char::from_digit(u32::from(b >> 4), 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase(),
            );
            out.push(
                char::from_digit(u32::from(b & 0xf), 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase(),
            );
        }
    }
    out
}

/// Headers a signed request ends up with: the protocol's three, then host, invocation
/// id, attempt, user agent, date, authorization and a session token.
const REQUEST_HEADERS: usize = 12;

/// An AWS JSON request: `POST /` with `X-Amz-Target: <target>`.
///
/// # Errors
/// When `input` cannot be serialized.
pub fn json_request<I: Serialize>(
    protocol: Protocol,
    operation: &'static str,
    target: &'static str,
    input: &I,
) -> Result<Request<SdkBody>, Error> {
    let mut req = json_request_bare(protocol, target, input)?;
    req.extensions_mut().insert(OperationName(operation));
    Ok(req)
}

/// [`json_request`] without the operation name extension, for callers that pass an
/// [`OperationMeta`](crate::client::OperationMeta) instead.
///
/// # Errors
/// When `input` cannot be serialized.
pub fn json_request_bare<I: Serialize>(
    protocol: Protocol,
    target: &'static str,
    input: &I,
) -> Result<Request<SdkBody>, Error> {
    let body = serde_json::to_vec(input)
        .map_err(|e| Error::request("could not serialize the input").source_from(e))?;
    let content_type = match protocol {
        Protocol::AwsJson1_1 => HeaderValue::from_static("application/x-amz-json-1.1"),
        _ => HeaderValue::from_static("application/x-amz-json-1.0"),
    };
    // Built field by field: the request builder would parse each header name again.
    let length = HeaderValue::from(body.len());
    let mut req = Request::new(SdkBody::from(body));
    *req.method_mut() = Method::POST;
    *req.uri_mut() = http::Uri::from_static("/");
    // Room for every header the stack adds (host, invocation id, attempt, date,
    // authorization, token, user agent): growing the map twice per call costs more.
    *req.headers_mut() = http::HeaderMap::with_capacity(REQUEST_HEADERS);
    let headers = req.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, content_type);
    // Set before signing, as the SDKs do (hyper would add it after).
    headers.insert(http::header::CONTENT_LENGTH, length);
    headers.insert(X_AMZ_TARGET, HeaderValue::from_static(target));
    Ok(req)
}

/// An AWS query request: a form-encoded `POST /` of `Action`, `Version` and `params`.
///
/// # Errors
/// Never in practice; kept fallible like the other builders.
pub fn query_request(
    operation: &'static str,
    version: &str,
    params: &[(&str, &str)],
) -> Result<Request<SdkBody>, Error> {
    let mut body = format!(
        "Action={}&Version={}",
        percent_encode(operation, false),
        percent_encode(version, false)
    );
    for (k, v) in params {
        body.push('&');
        body.push_str(&percent_encode(k, false));
        body.push('=');
        body.push_str(&percent_encode(v, false));
    }
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/")
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header(http::header::CONTENT_LENGTH, body.len())
        .body(SdkBody::from(body))
        .map_err(|e| Error::request("could not build the request").source_from(e))?;
    req.extensions_mut().insert(OperationName(operation));
    Ok(req)
}

/// Reads a whole successful response body.
///
/// # Errors
/// A truncated or failed body ([`Error::is_io`]).
pub async fn read_body(resp: Response<SdkBody>) -> Result<(http::response::Parts, Bytes), Error> {
    let (parts, body) = resp.into_parts();
    Ok((parts, body.collect().await?))
}

/// Parses a JSON response body (an empty body reads as `{}`).
///
/// # Errors
/// Malformed or truncated JSON ([`Error::is_response`]).
pub fn parse_json<O: DeserializeOwned>(body: &[u8]) -> Result<O, Error> {
    let body = if body.trim_ascii().is_empty() {
        &b"{}"[..]
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| Error::response("malformed JSON response").source_from(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_rfc3986() {
        assert_eq!(percent_encode("a b/c~d*é", false), "a%20b%2Fc~d%2A%C3%A9");
        assert_eq!(percent_encode("dir/file name", true), "dir/file%20name");
    }

    #[test]
    fn query_bodies() {
        let r = query_request("GetCallerIdentity", "2011-06-15", &[("X", "a&b")]).unwrap();
        assert_eq!(
            r.body().bytes().unwrap(),
            b"Action=GetCallerIdentity&Version=2011-06-15&X=a%26b"
        );
    }

    #[test]
    fn json_parse_errors_are_response_errors() {
        assert!(parse_json::<serde_json::Value>(b"{\"a\":")
            .unwrap_err()
            .is_response());
        assert_eq!(
            parse_json::<serde_json::Value>(b"").unwrap(),
            serde_json::json!({})
        );
    }
}
