//! Wire protocols: how each service family frames requests and reports errors.

mod cbor;
mod date;
mod json;
pub mod rpc;
pub mod xml;

use http::HeaderMap;

pub use date::parse_http_date;

use crate::error::ServiceError;

/// A service's wire protocol (from its model's `metadata.protocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    /// AWS JSON 1.0 (`application/x-amz-json-1.0`, `X-Amz-Target`): SQS, DynamoDB.
    AwsJson1_0,
    /// AWS JSON 1.1.
    AwsJson1_1,
    /// AWS query: form-encoded POST, XML responses: STS, SQS (older).
    AwsQuery,
    /// REST with XML bodies: S3.
    RestXml,
    /// REST with JSON bodies.
    RestJson,
    /// EC2's query dialect (XML answers, errors in `<Response><Errors><Error>`).
    Ec2,
    /// Smithy RPC v2 with CBOR bodies.
    RpcV2Cbor,
}

const QUERY_ERROR: http::HeaderName = http::HeaderName::from_static("x-amzn-query-error");

fn header<'a>(headers: &'a HeaderMap, name: &http::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl Protocol {
    /// Reads a service error out of a non-2xx response. Never fails: what cannot be parsed
    /// is left out (a HEAD error has no body at all).
    pub fn parse_error(self, status: u16, headers: &HeaderMap, body: &[u8]) -> ServiceError {
        let trimmed = body.trim_ascii_start();
        // Some servers answer JSON services with an XML body (moto's auth errors), so the
        // body's shape decides, not only the protocol.
        let (code, message, body_request_id) =
            if self == Protocol::RpcV2Cbor && cbor::looks_like_map(body) {
                cbor::error_fields(body)
            } else if trimmed.starts_with(b"<") {
                xml::error_fields(trimmed)
            } else if trimmed.starts_with(b"{") {
                json::error_fields(trimmed)
            } else {
                (None, None, None)
            };
        // A header code wins for JSON protocols (it is the one without a namespace).
        let header_code =
            header(headers, &crate::headers::X_AMZN_ERRORTYPE).map(json::sanitize_code);
        let code = match self {
            Protocol::AwsJson1_0
            | Protocol::AwsJson1_1
            | Protocol::RestJson
            | Protocol::RpcV2Cbor => header_code.or(code),
            _ => code.or(header_code),
        }
        .or_else(|| fallback_code(status));
        // A JSON service compatible with its old query API names the query error code
        // (`x-amzn-query-error: Code;Sender`).
        let (code, error_type) =
            match header(headers, &QUERY_ERROR).and_then(|v| v.split(';').next()) {
                Some(query_code) if !query_code.is_empty() => (Some(query_code.to_owned()), code),
                _ => (code, None),
            };
        let request_id = crate::headers::REQUEST_ID
            .iter()
            .find_map(|h| header(headers, h))
            .map(str::to_owned)
            .or(body_request_id);
        let server_time = header(headers, &http::header::DATE).and_then(parse_http_date);
        ServiceError::new(status, code, message, request_id)
            .with_server_time(server_time)
            .with_body(body)
            .with_headers(headers)
            .with_error_type(error_type)
    }
}

/// What S3 and others mean by a bare status (HEAD responses have no body).
fn fallback_code(status: u16) -> Option<String> {
    let code = match status {
        301 => "PermanentRedirect",
        304 => "NotModified",
        400 => "BadRequest",
        403 => "Forbidden",
        404 => "NotFound",
        412 => "PreconditionFailed",
        _ => return None,
    };
    Some(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn json_errors() {
        let body = br#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The queue does not exist"}"#;
        let e =
            Protocol::AwsJson1_0.parse_error(400, &headers(&[("x-amzn-requestid", "r-1")]), body);
        assert_eq!(e.code(), Some("QueueDoesNotExist"));
        assert_eq!(e.message(), Some("The queue does not exist"));
        assert_eq!(e.request_id(), Some("r-1"));
        let e = Protocol::AwsJson1_1.parse_error(
            400,
            &headers(&[(
                "x-amzn-errortype",
                "ThrottlingException:http://internal.amazon.com/",
            )]),
            br#"{"Message":"slow down"}"#,
        );
        assert_eq!(e.code(), Some("ThrottlingException"));
        assert_eq!(e.message(), Some("slow down"));
    }

    #[test]
    fn xml_errors_including_on_json_services() {
        let body = b"<?xml version='1.0'?><ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>a &amp; b &#34;c&#34;</Message></Error><RequestId>abc</RequestId></ErrorResponse>";
        for p in [Protocol::AwsQuery, Protocol::AwsJson1_0] {
            let e = p.parse_error(403, &HeaderMap::new(), body);
            assert_eq!(e.code(), Some("SignatureDoesNotMatch"));
            assert_eq!(e.message(), Some("a & b \"c\""));
            assert_eq!(e.request_id(), Some("abc"));
        }
        let s3 = b"<Error><Code>NoSuchBucket</Code><Message>nope</Message><RequestId>x1</RequestId></Error>";
        assert_eq!(
            Protocol::RestXml
                .parse_error(404, &HeaderMap::new(), s3)
                .code(),
            Some("NoSuchBucket")
        );
    }

    #[test]
    fn empty_and_garbage_bodies() {
        let e = Protocol::RestXml.parse_error(404, &HeaderMap::new(), b"");
        assert_eq!(e.code(), Some("NotFound"));
        let e = Protocol::AwsJson1_0.parse_error(500, &HeaderMap::new(), b"\xff\xfe garbage");
        assert_eq!((e.code(), e.status()), (None, 500));
        let e = Protocol::RestXml.parse_error(500, &HeaderMap::new(), b"<Error><Code>Internal");
        assert_eq!(e.status(), 500);
    }

    #[test]
    fn date_header_is_kept_for_clock_skew() {
        let e = Protocol::RestXml.parse_error(
            403,
            &headers(&[("date", "Wed, 25 Nov 2026 10:00:00 GMT")]),
            b"<Error><Code>RequestTimeTooSkewed</Code></Error>",
        );
        assert!(e.server_time.is_some());
    }
}
