//! Canonical headers and the signed-headers list.

use http::header::{HeaderMap, HeaderName, HOST};
use http::Uri;

use crate::error::SigningError;

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    name_end: usize,
    end: usize,
}

/// Reusable buffers for one set of canonical headers.
#[derive(Default)]
pub(crate) struct HeaderScratch {
    buf: Vec<u8>,
    lines: Vec<Line>,
}

impl HeaderScratch {
    pub(crate) fn capacity_bytes(&self) -> usize {
        self.buf.capacity() + self.lines.capacity() * std::mem::size_of::<Line>()
    }
}

/// What to canonicalize besides the header map.
pub(crate) struct HeaderInput<'a, F> {
    pub(crate) headers: &'a HeaderMap,
    /// Headers signing adds itself, as `(lower-case name, value)`; same-named map entries are
    /// ignored.
    pub(crate) synthetic: &'a [(&'a str, &'a str)],
    /// Where the `host` value comes from when the map has no `Host` header (its authority).
    pub(crate) fallback_host: Option<&'a Uri>,
    /// Whether a map header is signed.
    pub(crate) sign: F,
}

/// Appends `name:value\n` for every signed header, sorted by name, to `canonical`, and
/// `name;name;...` to `signed`.
///
/// Values are trimmed of surrounding spaces and tabs, inner runs of them become one space;
/// repeated headers are joined with `,` in their original order.
///
/// # Errors
///
/// A signed header value that is not UTF-8, or no host at all.
pub(crate) fn write_canonical_headers<F: Fn(&HeaderName) -> bool>(
    input: &HeaderInput<'_, F>,
    scratch: &mut HeaderScratch,
    canonical: &mut Vec<u8>,
    signed: &mut Vec<u8>,
) -> Result<(), SigningError> {
    let HeaderScratch { buf, lines } = scratch;
    buf.clear();
    lines.clear();

    let mut has_host = false;
    // `HeaderMap::iter` yields every value, with all values of one name next to each other,
    // so repeated headers join without a second lookup per name.
    let mut current: Option<&HeaderName> = None;
    let mut skipping = false;
    for (name, value) in input.headers.iter() {
        if current == Some(name) {
            if !skipping {
                buf.push(b',');
                push_value(value.as_bytes(), buf)?;
                if let Some(last) = lines.last_mut() {
                    last.end = buf.len();
                }
            }
            continue;
        }
        current = Some(name);
        let name_str = name.as_str();
        skipping = input.synthetic.iter().any(|(n, _)| *n == name_str) || !(input.sign)(name);
        if skipping {
            continue;
        }
        has_host |= name == HOST;
        let start = buf.len();
        buf.extend_from_slice(name_str.as_bytes());
        let name_end = buf.len();
        buf.push(b':');
        push_value(value.as_bytes(), buf)?;
        lines.push(Line {
            start,
            name_end,
            end: buf.len(),
        });
    }
    if !has_host {
        let uri = input.fallback_host.ok_or_else(SigningError::missing_host)?;
        let start = buf.len();
        buf.extend_from_slice(b"host:");
        if !super::write_host(uri, buf) {
            return Err(SigningError::missing_host());
        }
        lines.push(Line {
            start,
            name_end: start + 4,
            end: buf.len(),
        });
    }
    for (name, value) in input.synthetic {
        push_line(buf, lines, name, value.as_bytes());
    }

    let buf = &*buf;
    lines.sort_unstable_by(|a, b| buf[a.start..a.name_end].cmp(&buf[b.start..b.name_end]));
    for (i, line) in lines.iter().enumerate() {
        canonical.extend_from_slice(&buf[line.start..line.end]);
        canonical.push(b'\n');
        if i > 0 {
            signed.push(b';');
        }
        signed.extend_from_slice(&buf[line.start..line.name_end]);
    }
    Ok(())
}

fn push_line(buf: &mut Vec<u8>, lines: &mut Vec<Line>, name: &str, value: &[u8]) {
    let start = buf.len();
    buf.extend_from_slice(name.as_bytes());
    let name_end = buf.len();
    buf.push(b':');
    push_folded(value, buf);
    lines.push(Line {
        start,
        name_end,
        end: buf.len(),
    });
}

/// Trims spaces and tabs at both ends and folds inner runs of them into one space.
/// A signed header value must be text.
fn push_value(bytes: &[u8], buf: &mut Vec<u8>) -> Result<(), SigningError> {
    if !bytes.is_ascii() && std::str::from_utf8(bytes).is_err() {
        return Err(SigningError::header_value(
            "a signed header value is not UTF-8",
        ));
    }
    if bytes.iter().any(|&b| b == b' ' || b == b'\t') {
        push_folded(bytes, buf);
    } else {
        // The common case: nothing to trim or fold.
        buf.extend_from_slice(bytes);
    }
    Ok(())
}

pub(crate) fn push_folded(value: &[u8], out: &mut Vec<u8>) {
    // Runs of spaces and tabs fold into one space; leading and trailing ones go. Copying
    // whole runs keeps the common case (no whitespace at all) a single copy.
    let mut first = true;
    for word in value
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty())
    {
        if !first {
            out.push(b' ');
        }
        out.extend_from_slice(word);
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn fold(v: &str) -> String {
        let mut out = Vec::new();
        push_folded(v.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    fn canon(
        headers: &HeaderMap,
        synthetic: &[(&str, &str)],
    ) -> Result<(String, String), SigningError> {
        let uri = Uri::from_static("https://example.com/");
        let input = HeaderInput {
            headers,
            synthetic,
            fallback_host: Some(&uri),
            sign: |n: &HeaderName| n.as_str() != "user-agent",
        };
        let (mut c, mut s) = (Vec::new(), Vec::new());
        write_canonical_headers(&input, &mut HeaderScratch::default(), &mut c, &mut s)?;
        Ok((String::from_utf8(c).unwrap(), String::from_utf8(s).unwrap()))
    }

    #[test]
    fn values_are_trimmed_and_folded() {
        assert_eq!(fold("  value1  "), "value1");
        assert_eq!(fold("a   b \t c"), "a b c");
        assert_eq!(fold("value1  value2     value3"), "value1 value2 value3");
        assert_eq!(fold("\"a   b\""), "\"a b\"");
        assert_eq!(fold("   "), "");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn names_sort_and_repeated_values_join_in_order() {
        let mut h = HeaderMap::new();
        h.insert("x-b", HeaderValue::from_static("2"));
        h.append("My-Header1", HeaderValue::from_static("value2"));
        h.append("my-header1", HeaderValue::from_static(" value1 "));
        h.insert("user-agent", HeaderValue::from_static("ua"));
        h.insert("Host", HeaderValue::from_static("h.example"));
        h.insert("x-amz-date", HeaderValue::from_static("stale"));
        let (c, s) = canon(&h, &[("x-amz-date", "20150830T123600Z")]).unwrap();
        assert_eq!(
            c,
            "host:h.example\nmy-header1:value2,value1\nx-amz-date:20150830T123600Z\nx-b:2\n"
        );
        assert_eq!(s, "host;my-header1;x-amz-date;x-b");
    }

    #[test]
    fn host_falls_back_to_the_authority() {
        let (c, s) = canon(&HeaderMap::new(), &[]).unwrap();
        assert_eq!((c.as_str(), s.as_str()), ("host:example.com\n", "host"));
        let origin_form = Uri::from_static("/path");
        let input = HeaderInput {
            headers: &HeaderMap::new(),
            synthetic: &[],
            fallback_host: Some(&origin_form),
            sign: |_: &HeaderName| true,
        };
        let err = write_canonical_headers(
            &input,
            &mut HeaderScratch::default(),
            &mut Vec::new(),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(err.is_missing_host());
    }

    #[test]
    fn non_utf8_values_are_errors_not_panics() {
        let mut h = HeaderMap::new();
        h.insert("x-bin", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
        assert!(canon(&h, &[]).unwrap_err().is_invalid_header_value());
        // Excluded headers are never inspected.
        let mut h = HeaderMap::new();
        h.insert("user-agent", HeaderValue::from_bytes(b"\xff").unwrap());
        assert!(canon(&h, &[]).is_ok());
    }
}
