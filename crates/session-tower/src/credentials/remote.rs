//! What the providers that fetch credentials over HTTP (container, IMDS, SSO portal) share:
//! one bounded request through the session's transport, and error text that is safe to show.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Limited};
use tower::ServiceExt;

use crate::body::SdkBody;
use crate::protocol::Protocol;
use crate::transport::Transport;

/// Credential documents are a few hundred bytes; anything much larger is not one, and
/// reading it whole would let a confused endpoint fill memory.
const MAX_BODY: usize = 64 * 1024;

/// A complete response.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Why no complete response arrived.
pub(crate) enum NoAnswer {
    /// Nothing within the time limit.
    Timeout(Duration),
    /// Connection refused, reset, or a truncated body.
    Failed(crate::Error),
    /// The body was larger than `MAX_BODY`.
    TooLarge,
}

impl NoAnswer {
    /// A short reason for messages (never holds request headers, so no token).
    pub(crate) fn reason(&self) -> String {
        match self {
            NoAnswer::Timeout(limit) => format!("no answer within {limit:?}"),
            NoAnswer::Failed(e) => e.to_string(),
            NoAnswer::TooLarge => format!("the response is larger than {MAX_BODY} bytes"),
        }
    }
}

/// The credentials document container endpoints and IMDS both send: `AccessKeyId`,
/// `SecretAccessKey`, optional `Token` and RFC 3339 `Expiration` (other fields ignored).
pub(crate) fn credentials_from_document(
    doc: &serde_json::Value,
    source: String,
) -> Result<session_core::credentials::Credentials, String> {
    let field = |name: &str| {
        doc.get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let key = field("AccessKeyId").ok_or("the response has no AccessKeyId")?;
    let secret = field("SecretAccessKey").ok_or("the response has no SecretAccessKey")?;
    let expiry = match field("Expiration") {
        Some(s) => Some(
            session_core::credentials::parse_rfc3339(s)
                .ok_or_else(|| format!("Expiration {:?} is not an RFC 3339 time", clean(s, &[])))?,
        ),
        None => None,
    };
    Ok(session_core::credentials::Credentials::new(
        key,
        secret,
        field("Token").map(str::to_owned),
        expiry,
        source,
    ))
}

/// Sends `req` and reads the whole response, all within `limit`.
pub(crate) async fn fetch(
    transport: &Transport,
    req: Request<SdkBody>,
    limit: Duration,
) -> Result<Answer, NoAnswer> {
    let call = async {
        let resp = transport
            .clone()
            .oneshot(req)
            .await
            .map_err(NoAnswer::Failed)?;
        let (parts, body) = resp.into_parts();
        let body = Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    NoAnswer::TooLarge
                } else {
                    NoAnswer::Failed(crate::Error::response("reading the body").with_source(e))
                }
            })?
            .to_bytes();
        Ok(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    };
    match tokio::time::timeout(limit, call).await {
        Ok(result) => result,
        Err(_) => Err(NoAnswer::Timeout(limit)),
    }
}

/// `HTTP 403 (Code: Message)` from an error response, with every `secret` replaced and
/// control characters removed, cut to a readable length.
pub(crate) fn describe_error(answer: &Answer, secrets: &[&str]) -> String {
    let parsed =
        Protocol::RestJson.parse_error(answer.status.as_u16(), &answer.headers, &answer.body);
    let mut text = format!("HTTP {}", answer.status.as_u16());
    let detail = match (parsed.code(), parsed.message()) {
        (Some(c), Some(m)) => Some(format!("{c}: {m}")),
        (Some(c), None) => Some(c.to_owned()),
        (None, Some(m)) => Some(m.to_owned()),
        (None, None) => None,
    };
    if let Some(detail) = detail {
        text.push_str(" (");
        text.push_str(&clean(&detail, secrets));
        text.push(')');
    }
    text
}

/// Makes service-provided text safe for a message: no secret, no control characters (no
/// forged log lines), at most 300 characters.
pub(crate) fn clean(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "** redacted **");
    }
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}

/// `scheme://authority` of a URL, which is what messages name: a path may carry an id
/// that is nobody's business in a log line.
pub(crate) fn origin_of(uri: &http::Uri) -> String {
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => format!("{scheme}://{authority}"),
        _ => uri.to_string(),
    }
}

/// A time `min..max` from now, spread so that a fleet of processes does not come back at
/// the same instant.
pub(crate) fn jittered_from_now(min: Duration, max: Duration) -> SystemTime {
    let spread = max.saturating_sub(min).as_millis();
    let extra = u64::try_from(spread).map_or(0, |s| fastrand::u64(0..=s));
    SystemTime::now() + min + Duration::from_millis(extra)
}

/// The delay before retry number `retry` (0-based): 100 ms, 200 ms, ... with jitter.
pub(crate) fn backoff(retry: u32) -> Duration {
    let base = 100u64 << retry.min(4);
    Duration::from_millis(base / 2 + fastrand::u64(0..=base / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_redacts_and_flattens() {
        let s = clean("bad token abc123\r\nX-Injected: 1", &["abc123", ""]);
        assert_eq!(s, "bad token ** redacted **  X-Injected: 1");
        let long = "x".repeat(500);
        assert_eq!(clean(&long, &[]).chars().count(), 301);
    }

    #[test]
    fn origin_hides_the_path() {
        let uri: http::Uri = "http://169.254.170.2/v2/credentials/abc?x=y"
            .parse()
            .unwrap();
        assert_eq!(origin_of(&uri), "http://169.254.170.2");
    }

    #[test]
    fn errors_show_status_code_and_message() {
        let answer = Answer {
            status: StatusCode::UNAUTHORIZED,
            headers: HeaderMap::new(),
            body: Bytes::from_static(br#"{"Code":"InvalidToken","Message":"token tok-1 is bad"}"#),
        };
        assert_eq!(
            describe_error(&answer, &["tok-1"]),
            "HTTP 401 (InvalidToken: token ** redacted ** is bad)"
        );
        let answer = Answer {
            status: StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"<html>oops</html>"),
        };
        assert_eq!(describe_error(&answer, &[]), "HTTP 502");
    }

    #[test]
    fn jitter_and_backoff_stay_in_range() {
        for _ in 0..100 {
            let t = jittered_from_now(Duration::from_secs(300), Duration::from_secs(600));
            let d = t.duration_since(SystemTime::now()).unwrap();
            assert!(
                d <= Duration::from_secs(600) && d >= Duration::from_secs(299),
                "{d:?}"
            );
            assert!(backoff(0) <= Duration::from_millis(100));
            assert!(backoff(1) >= Duration::from_millis(100));
        }
    }
}
