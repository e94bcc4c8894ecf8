//! Whether a request is the one an exchange recorded, and if not, the first difference in
//! words.

use bytes::Bytes;

use super::recording::RecordedRequest;
use super::redact::{Format, Redactions};
use super::scan;
use super::REDACTED;

/// Headers that change from run to run (signatures, dates, ids, the client's version) or
/// that follow from what is compared anyway (the body's length, encoding, hash and
/// checksums; the endpoint's authority), never compared. `x-amz-checksum-*` is matched by
/// prefix. [`is_ignored_header`] is the rule; the stubber compares requests by it too.
pub const IGNORED_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
    "user-agent",
    "x-amz-user-agent",
    "content-length",
    "x-amz-decoded-content-length",
    "content-encoding",
    "transfer-encoding",
    "host",
    "x-amzn-trace-id",
    "x-amz-checksum-*",
];

/// Whether header `name` (lower case) is one of [`IGNORED_HEADERS`]: one that differs from
/// call to call or follows from the body, and so says nothing of whether two requests ask
/// the same.
pub fn is_ignored_header(name: &str) -> bool {
    name.starts_with("x-amz-checksum-") || IGNORED_HEADERS.contains(&name)
}

/// Query parameters that change per run (a presigned URL's date and signature), never
/// compared.
pub const IGNORED_QUERY_PARAMETERS: &[&str] = &[
    "X-Amz-Date",
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
];

/// A request to match, as plain data.
pub(super) struct Incoming {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) query: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Bytes,
}

impl Incoming {
    pub(super) fn of(parts: &http::request::Parts, body: Bytes) -> Self {
        Self {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body,
        }
    }

    pub(super) fn of_recorded(recorded: &RecordedRequest) -> Self {
        let (path, query) = split_uri(&recorded.uri);
        Self {
            method: recorded.method.clone(),
            path,
            query,
            headers: recorded.headers.clone(),
            body: recorded.body.clone(),
        }
    }

    /// `POST / with X-Amz-Target=AmazonSQS.SendMessage`: the method, the path and the
    /// operation where the request names one (its target header or `Action` parameter).
    pub(super) fn describe(&self) -> String {
        let mut out = format!("{} {}", self.method, self.path);
        let target = self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
            .map(|(_, v)| format!("X-Amz-Target={v}"));
        let action = || {
            let form = (Format::of(&self.headers, &self.body) == Format::Form)
                .then(|| std::str::from_utf8(&self.body).ok())
                .flatten()
                .unwrap_or_default();
            [self.query.as_str(), form].into_iter().find_map(|text| {
                scan::pairs(text)
                    .find(|(k, _)| *k == "Action")
                    .map(|(_, v)| format!("Action={}", scan::decode(v)))
            })
        };
        if let Some(op) = target.or_else(action) {
            out.push_str(" with ");
            out.push_str(&op);
        }
        out
    }
}

/// The path and query of a recorded URI (absolute, or a path as written by hand).
fn split_uri(uri: &str) -> (String, String) {
    match uri.parse::<http::Uri>() {
        Ok(u) => (
            u.path().to_owned(),
            u.query().unwrap_or_default().to_owned(),
        ),
        Err(_) => match uri.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (uri.to_owned(), String::new()),
        },
    }
}

/// What decides a match beyond the fixed rules.
#[derive(Debug, Clone, Default)]
pub(super) struct Rules {
    /// Lower-cased names of more headers to ignore.
    pub(super) ignored_headers: Vec<String>,
    /// Which values are never shown in a message.
    pub(super) secrets: Redactions,
}

impl Rules {
    fn ignores_header(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        is_ignored_header(&name) || self.ignored_headers.contains(&name)
    }

    /// The first difference between the recorded request and `incoming`; `None` when they
    /// match.
    pub(super) fn difference(
        &self,
        recorded: &RecordedRequest,
        incoming: &Incoming,
    ) -> Option<String> {
        let expected = Incoming::of_recorded(recorded);
        if expected.method != incoming.method {
            return Some(format!(
                "method differs: expected {}, got {}",
                expected.method, incoming.method
            ));
        }
        if expected.path != incoming.path {
            return Some(format!(
                "path differs: expected {:?}, got {:?}",
                expected.path, incoming.path
            ));
        }
        let query = |text: &str| -> Vec<(String, String)> {
            scan::pairs(text)
                .map(|(k, v)| (scan::decode(k), scan::decode(v)))
                .filter(|(k, _)| {
                    !IGNORED_QUERY_PARAMETERS
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(k))
                })
                .collect()
        };
        self.pairs_difference(
            "query parameter",
            query(&expected.query),
            query(&incoming.query),
        )
        .or_else(|| self.headers_difference(&expected.headers, &incoming.headers))
        .or_else(|| self.body_difference(&expected, incoming))
    }

    fn headers_difference(
        &self,
        expected: &[(String, String)],
        got: &[(String, String)],
    ) -> Option<String> {
        // A header the recording redacted is not compared at all: its value is not known.
        let redacted: Vec<String> = expected
            .iter()
            .filter(|(_, v)| v.contains(REDACTED))
            .map(|(k, _)| k.to_ascii_lowercase())
            .collect();
        let kept = |headers: &[(String, String)]| -> Vec<(String, String)> {
            headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .filter(|(k, _)| !self.ignores_header(k) && !redacted.contains(k))
                .collect()
        };
        let (expected, got) = (kept(expected), kept(got));
        let mut names: Vec<&String> = expected.iter().chain(got.iter()).map(|(k, _)| k).collect();
        names.sort();
        names.dedup();
        for name in names {
            let values = |list: &[(String, String)]| -> Vec<String> {
                list.iter()
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            let (want, have) = (values(&expected), values(&got));
            if want == have {
                continue;
            }
            let hide = self.secrets.is_secret_header(name);
            return Some(match (want.is_empty(), have.is_empty()) {
                (true, _) => format!("unexpected header {name:?}"),
                (_, true) => format!("header {name:?} missing"),
                _ => format!(
                    "header {name:?} differs: expected {}, got {}",
                    shown(&want.join(", "), hide),
                    shown(&have.join(", "), hide)
                ),
            });
        }
        None
    }

    /// Pairs compared as multisets; a recorded [`REDACTED`] value matches any value.
    fn pairs_difference(
        &self,
        what: &str,
        mut expected: Vec<(String, String)>,
        mut got: Vec<(String, String)>,
    ) -> Option<String> {
        expected.sort();
        got.sort();
        let mut names: Vec<String> = expected
            .iter()
            .chain(got.iter())
            .map(|(k, _)| k.clone())
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            let values = |list: &[(String, String)]| -> Vec<String> {
                list.iter()
                    .filter(|(k, _)| *k == name)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            let (mut want, mut have) = (values(&expected), values(&got));
            want.retain(|w| match have.iter().position(|h| h == w) {
                Some(at) => {
                    have.remove(at);
                    false
                }
                None => true,
            });
            let wildcards = want.iter().filter(|w| *w == REDACTED).count();
            want.retain(|w| w != REDACTED);
            have.drain(..wildcards.min(have.len()));
            let hide = self.secrets.is_secret_field(&name);
            let message = match (want.first(), have.first()) {
                (None, None) => continue,
                (Some(w), Some(h)) => format!(
                    "{what} {name:?} differs: expected {}, got {}",
                    shown(w, hide),
                    shown(h, hide)
                ),
                (Some(_), None) => format!("{what} {name:?} missing"),
                (None, Some(_)) => format!("unexpected {what} {name:?}"),
            };
            return Some(message);
        }
        None
    }

    fn body_difference(&self, expected: &Incoming, got: &Incoming) -> Option<String> {
        if expected.body == got.body {
            return None;
        }
        match Format::of(&expected.headers, &expected.body) {
            Format::Json => {
                let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).ok();
                match (parse(&expected.body), parse(&got.body)) {
                    (Some(want), Some(have)) => self.json_difference("", &want, &have),
                    (None, _) => self.bytes_difference(&expected.body, &got.body),
                    (Some(_), None) => {
                        Some("body differs: expected JSON, got a body that is not".into())
                    }
                }
            }
            Format::Form => {
                let form = |b: &[u8]| -> Vec<(String, String)> {
                    scan::pairs(std::str::from_utf8(b).unwrap_or_default())
                        .map(|(k, v)| (scan::decode(k), scan::decode(v)))
                        .collect()
                };
                self.pairs_difference("body parameter", form(&expected.body), form(&got.body))
            }
            Format::Xml | Format::Other => self.bytes_difference(&expected.body, &got.body),
        }
    }

    /// JSON compared parsed: members by name, arrays in order, a recorded [`REDACTED`]
    /// string matching any value.
    fn json_difference(
        &self,
        path: &str,
        want: &serde_json::Value,
        have: &serde_json::Value,
    ) -> Option<String> {
        use serde_json::Value;
        if want.as_str() == Some(REDACTED) {
            return None;
        }
        let member = |name: &str| {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        match (want, have) {
            (Value::Object(w), Value::Object(h)) => {
                for (name, value) in w {
                    match h.get(name) {
                        None => return Some(format!("body member {:?} missing", member(name))),
                        Some(got) => {
                            if let Some(d) = self.json_difference(&member(name), value, got) {
                                return Some(d);
                            }
                        }
                    }
                }
                h.keys()
                    .find(|name| !w.contains_key(*name))
                    .map(|name| format!("unexpected body member {:?}", member(name)))
            }
            (Value::Array(w), Value::Array(h)) if w.len() != h.len() => Some(format!(
                "body member {:?} has {} items, expected {}",
                path,
                h.len(),
                w.len()
            )),
            (Value::Array(w), Value::Array(h)) => w
                .iter()
                .zip(h)
                .enumerate()
                .find_map(|(i, (w, h))| self.json_difference(&format!("{path}[{i}]"), w, h)),
            _ if want == have => None,
            _ => {
                // Nothing under a secret member is shown, however deep.
                let hide = path
                    .split(['.', '['])
                    .any(|segment| self.secrets.is_secret_field(segment));
                let what = if path.is_empty() {
                    "body".to_owned()
                } else {
                    format!("body member {path:?}")
                };
                Some(format!(
                    "{what} differs: expected {}, got {}",
                    shown_json(want, hide),
                    shown_json(have, hide)
                ))
            }
        }
    }

    /// Bytes compared exactly, except that each [`REDACTED`] of the recording stands for
    /// any run of bytes.
    fn bytes_difference(&self, want: &[u8], have: &[u8]) -> Option<String> {
        let parts: Vec<&[u8]> = split_marker(want);
        if parts.len() > 1 && glob_matches(&parts, have) {
            return None;
        }
        let at = want
            .iter()
            .zip(have)
            .position(|(a, b)| a != b)
            .unwrap_or(want.len().min(have.len()));
        Some(format!(
            "body differs: expected {} bytes, got {} (first difference at byte {at})",
            want.len(),
            have.len()
        ))
    }
}

fn split_marker(body: &[u8]) -> Vec<&[u8]> {
    let marker = REDACTED.as_bytes();
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.windows(marker.len()).position(|w| w == marker) {
        parts.push(&rest[..at]);
        rest = &rest[at + marker.len()..];
    }
    parts.push(rest);
    parts
}

/// Whether `have` is `parts` joined by any runs of bytes (the first part a prefix, the last
/// a suffix, the others in order between them).
fn glob_matches(parts: &[&[u8]], have: &[u8]) -> bool {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    if !have.starts_with(first) || have.len() < first.len() + last.len() || !have.ends_with(last) {
        return false;
    }
    let mut rest = &have[first.len()..have.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        if part.is_empty() {
            continue;
        }
        match rest.windows(part.len()).position(|w| w == *part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// A value for a message: quoted, cut at 80 characters, or the marker for a secret.
fn shown(value: &str, secret: bool) -> String {
    if secret {
        return REDACTED.to_owned();
    }
    format!("{:?}", cut(value))
}

/// A JSON value for a message: a string as [`shown`], anything else as JSON text.
fn shown_json(value: &serde_json::Value, secret: bool) -> String {
    match value {
        serde_json::Value::String(s) => shown(s, secret),
        _ if secret => REDACTED.to_owned(),
        other => cut(&other.to_string()),
    }
}

fn cut(value: &str) -> String {
    let mut cut: String = value.chars().take(80).collect();
    if cut.len() < value.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
