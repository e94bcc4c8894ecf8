//! Whether a call's request is the one its expected input makes: the same method and URL
//! (query parameters in any order), the same headers where the model binds members or the
//! protocol sets them (never the per-call ones: signature, date, invocation id, user
//! agent), and the same body as data (JSON and XML compared as trees, forms as pairs).

use bytes::Bytes;
use http::{HeaderMap, Request};
use session_tower::SdkBody;

use super::StubError;
use crate::shapes::{Location, Operation, Service};

/// A request as it reached a transport.
#[derive(Debug)]
pub(crate) struct Sent {
    method: http::Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Sent {
    /// Reads `req`, its body whole.
    pub(crate) async fn read(req: Request<SdkBody>) -> Result<Self, StubError> {
        let (parts, body) = req.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| StubError::mismatch(format!("the request body could not be read: {e}")))?;
        Ok(Self {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        })
    }
}

/// The first difference between the request `wanted` (the expected input's) and `sent`,
/// in words; `None` when they match.
pub(crate) fn difference(
    service: &Service,
    op: &Operation,
    wanted: &Sent,
    sent: &Sent,
    compare_body: bool,
) -> Option<String> {
    if wanted.method != sent.method {
        return Some(format!(
            "method {} where {} was expected",
            sent.method, wanted.method
        ));
    }
    let (w, s) = (&wanted.uri, &sent.uri);
    if w.authority() != s.authority() || w.path() != s.path() {
        return Some(format!("URL {s} where {w} was expected"));
    }
    let (wq, sq) = (
        pairs(w.query().unwrap_or("")),
        pairs(s.query().unwrap_or("")),
    );
    if wq != sq {
        return Some(format!("query {sq:?} where {wq:?} was expected"));
    }
    if let Some(d) = headers(service, op, &wanted.headers, &sent.headers) {
        return Some(d);
    }
    if !compare_body {
        return None;
    }
    body(&wanted.headers, &wanted.body, &sent.body)
}

/// Query or form pairs, sorted (the order carries no meaning).
fn pairs(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = text
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (unescape(k), unescape(v))
        })
        .collect();
    out.sort();
    out
}

fn unescape(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether header `name` is one the model binds to an input member (a header, or under a
/// prefix).
fn bound(service: &Service, op: &Operation, name: &str) -> bool {
    let Some(input) = op.input.map(|id| service.shape(id)) else {
        return false;
    };
    input.members().iter().any(|m| match m.location {
        Location::Header => m.wire.eq_ignore_ascii_case(name),
        Location::Headers => name
            .get(..m.wire.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(m.wire)),
        _ => false,
    })
}

/// Every header of `wanted` (but the per-call ones) has its value in `sent`, and every
/// header of `sent` that the model binds is in `wanted` (headers your own layers add are
/// not the input's business).
fn headers(
    service: &Service,
    op: &Operation,
    wanted: &HeaderMap,
    sent: &HeaderMap,
) -> Option<String> {
    // Per-call headers (signature, date, ids, lengths) are replay's list: one rule.
    let compared = |name: &str| !session_tower::replay::is_ignored_header(name);
    for name in wanted
        .keys()
        .map(http::HeaderName::as_str)
        .filter(|n| compared(n))
    {
        let w: Vec<_> = wanted.get_all(name).iter().collect();
        let s: Vec<_> = sent.get_all(name).iter().collect();
        if w != s {
            return Some(if s.is_empty() {
                format!("header {name} missing (expected {w:?})")
            } else {
                format!("header {name} is {s:?} where {w:?} was expected")
            });
        }
    }
    for name in sent.keys().map(http::HeaderName::as_str) {
        if compared(name) && !wanted.contains_key(name) && bound(service, op, name) {
            let s: Vec<_> = sent.get_all(name).iter().collect();
            return Some(format!("header {name} is {s:?} where none was expected"));
        }
    }
    None
}

/// The bodies as data, by the expected request's content type.
fn body(headers: &HeaderMap, wanted: &Bytes, sent: &Bytes) -> Option<String> {
    if wanted == sent {
        return None;
    }
    let ct = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.contains("json") {
        if let (Ok(w), Ok(s)) = (
            serde_json::from_slice::<serde_json::Value>(wanted),
            serde_json::from_slice::<serde_json::Value>(sent),
        ) {
            return json(&w, &s, "body");
        }
    } else if ct.contains("x-www-form-urlencoded") {
        let (w, s) = (
            pairs(&String::from_utf8_lossy(wanted)),
            pairs(&String::from_utf8_lossy(sent)),
        );
        if w == s {
            return None;
        }
        let first = w.iter().zip(&s).find(|(a, b)| a != b).map_or_else(
            || format!("{} pairs where {} were expected", s.len(), w.len()),
            |(a, b)| format!("{}={:?} where {}={:?} was expected", b.0, b.1, a.0, a.1),
        );
        return Some(format!("body (form): {first}"));
    } else if ct.contains("xml") {
        if let (Ok(w), Ok(s)) = (crate::xml::dom::parse(wanted), crate::xml::dom::parse(sent)) {
            return xml(&w, &s, &w.name);
        }
    }
    Some(format!(
        "body of {} bytes where {} bytes were expected (they differ)",
        sent.len(),
        wanted.len()
    ))
}

/// The first place two JSON values differ, by path.
fn json(w: &serde_json::Value, s: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value as J;
    match (w, s) {
        (J::Object(wm), J::Object(sm)) => {
            for (k, wv) in wm {
                let p = format!("{path}.{k}");
                match sm.get(k) {
                    None => return Some(format!("{p} missing (expected {wv})")),
                    Some(sv) => {
                        if let Some(d) = json(wv, sv, &p) {
                            return Some(d);
                        }
                    }
                }
            }
            sm.iter()
                .find(|(k, _)| !wm.contains_key(*k))
                .map(|(k, v)| format!("{path}.{k} is {v} where nothing was expected"))
        }
        (J::Array(wa), J::Array(sa)) if wa.len() == sa.len() => wa
            .iter()
            .zip(sa)
            .enumerate()
            .find_map(|(i, (a, b))| json(a, b, &format!("{path}[{i}]"))),
        _ if w == s => None,
        _ => Some(format!("{path} is {s} where {w} was expected")),
    }
}

/// The first place two XML trees differ; children are compared by name in order (members
/// in any order, list elements in theirs).
fn xml(w: &crate::xml::dom::Element, s: &crate::xml::dom::Element, path: &str) -> Option<String> {
    if w.name != s.name {
        return Some(format!(
            "{path}: element <{}> where <{}> was expected",
            s.name, w.name
        ));
    }
    if w.text.trim() != s.text.trim() {
        return Some(format!(
            "{path} is {:?} where {:?} was expected",
            s.text, w.text
        ));
    }
    let mut wa = w.attributes.clone();
    let mut sa = s.attributes.clone();
    wa.sort();
    sa.sort();
    if wa != sa {
        return Some(format!(
            "{path}: attributes {sa:?} where {wa:?} were expected"
        ));
    }
    fn sorted(e: &crate::xml::dom::Element) -> Vec<&crate::xml::dom::Element> {
        let mut c: Vec<&crate::xml::dom::Element> = e.children.iter().collect();
        c.sort_by(|a, b| a.name.cmp(&b.name));
        c
    }
    let (wc, sc) = (sorted(w), sorted(s));
    for (a, b) in wc.iter().zip(&sc) {
        if let Some(d) = xml(a, b, &format!("{path}.{}", a.name)) {
            return Some(d);
        }
    }
    (wc.len() != sc.len()).then(|| {
        format!(
            "{path}: {} child elements where {} were expected",
            sc.len(),
            wc.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_queries_compare_as_pairs_in_any_order() {
        assert_eq!(pairs("b=2&a=1%20x"), pairs("a=1+x&b=2"));
        assert_ne!(pairs("a=1"), pairs("a=2"));
    }

    #[test]
    fn json_differences_name_their_path() {
        let w = serde_json::json!({"A": {"B": [1, 2]}, "C": "x"});
        let same = serde_json::json!({"C": "x", "A": {"B": [1, 2]}});
        assert_eq!(json(&w, &same, "body"), None);
        let s = serde_json::json!({"A": {"B": [1, 3]}, "C": "x"});
        assert_eq!(
            json(&w, &s, "body").as_deref(),
            Some("body.A.B[1] is 3 where 2 was expected")
        );
        let extra = serde_json::json!({"A": {"B": [1, 2]}, "C": "x", "D": true});
        assert!(json(&w, &extra, "body").is_some_and(|d| d.contains("body.D")));
    }

    #[test]
    fn xml_members_in_any_order_match_and_text_differences_are_named() {
        let w = crate::xml::dom::parse(b"<R><A>1</A><B>2</B></R>").expect("xml");
        let s = crate::xml::dom::parse(b"<R><B>2</B><A>1</A></R>").expect("xml");
        assert_eq!(xml(&w, &s, "R"), None);
        let d = crate::xml::dom::parse(b"<R><B>3</B><A>1</A></R>").expect("xml");
        assert!(xml(&w, &d, "R").is_some_and(|m| m.contains("R.B")));
    }
}
