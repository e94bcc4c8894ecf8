//! Finding the values of named fields in JSON, XML and form-encoded text, and replacing
//! them in place.
//!
//! Text-level scanners rather than parse-and-reserialize: every byte outside a replaced
//! value stays as it was (numbers keep their digits, members their order, XML its
//! whitespace), and a body that does not parse is still scanned as far as it can be, so a
//! malformed body never slips through unredacted.

/// `body` with the value of each JSON member whose name `secret` accepts replaced by the
/// string `marker`; `None` when nothing was replaced.
pub(super) fn redact_json(
    body: &[u8],
    secret: &dyn Fn(&str) -> bool,
    marker: &str,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'"' {
            i += 1;
            continue;
        }
        let Some(end) = string_end(body, i) else {
            break;
        };
        let after = skip_ws(body, end);
        if body.get(after) != Some(&b':') || !secret(&json_key(&body[i..end])) {
            i = end;
            continue;
        }
        let start = skip_ws(body, after + 1);
        let stop = json_value_end(body, start);
        out.extend_from_slice(&body[copied..start]);
        out.push(b'"');
        out.extend_from_slice(marker.as_bytes());
        out.push(b'"');
        copied = stop;
        i = stop;
    }
    if copied == 0 {
        return None;
    }
    out.extend_from_slice(&body[copied..]);
    Some(out)
}

/// The index after the JSON string that starts (with its quote) at `start`.
fn string_end(body: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_ws(body: &[u8], mut i: usize) -> usize {
    while body.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// A member name, unescaped (`"Pass\u0077ord"` is `Password`); as written if it does not
/// decode.
fn json_key(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(quoted).trim_matches('"').to_owned())
}

/// The end of the JSON value at `start`: a string, a balanced object or array, or a scalar
/// up to the next delimiter. Unbalanced input ends at the end of the body.
fn json_value_end(body: &[u8], start: usize) -> usize {
    match body.get(start) {
        Some(b'"') => string_end(body, start).unwrap_or(body.len()),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = start;
            while i < body.len() {
                match body[i] {
                    b'"' => {
                        i = string_end(body, i).unwrap_or(body.len());
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            body.len()
        }
        _ => {
            let mut i = start;
            while i < body.len() && !matches!(body[i], b',' | b'}' | b']') {
                i += 1;
            }
            // Trailing whitespace belongs between the value and the delimiter.
            while i > start && body[i - 1].is_ascii_whitespace() {
                i -= 1;
            }
            i
        }
    }
}

/// One piece of XML markup found by [`next_tag`].
struct Tag<'a> {
    /// Where the markup starts (its `<`) and the index after its `>`.
    start: usize,
    end: usize,
    /// The qualified name of an element's start or end tag; `None` for comments, CDATA,
    /// declarations and processing instructions.
    name: Option<&'a [u8]>,
    closing: bool,
    self_closing: bool,
}

/// The next markup at or after `from`, or `None` at the end (or in unterminated markup).
fn next_tag(body: &[u8], from: usize) -> Option<Tag<'_>> {
    let start = from + body.get(from..)?.iter().position(|&b| b == b'<')?;
    let rest = &body[start..];
    let other = |terminator: &[u8]| {
        find(body, start, terminator).map(|at| Tag {
            start,
            end: at + terminator.len(),
            name: None,
            closing: false,
            self_closing: false,
        })
    };
    if rest.starts_with(b"<!--") {
        return other(b"-->");
    }
    if rest.starts_with(b"<![CDATA[") {
        return other(b"]]>");
    }
    if rest.starts_with(b"<?") {
        return other(b"?>");
    }
    if rest.starts_with(b"<!") {
        return other(b">");
    }
    let closing = rest.get(1) == Some(&b'/');
    let name_start = start + 1 + usize::from(closing);
    let mut i = name_start;
    while i < body.len() && !matches!(body[i], b'>' | b'/') && !body[i].is_ascii_whitespace() {
        i += 1;
    }
    let name = &body[name_start..i];
    // The tag ends at the first `>` outside a quoted attribute value.
    let mut quote = None;
    while i < body.len() {
        match (quote, body[i]) {
            (None, b'"' | b'\'') => quote = Some(body[i]),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => {
                return Some(Tag {
                    start,
                    end: i + 1,
                    name: Some(name),
                    closing,
                    self_closing: body[i - 1] == b'/',
                })
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn find(body: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    body.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| from + at)
}

/// The local part of a qualified XML name (`Token` of `sts:Token`).
fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(at) => &name[at + 1..],
        None => name,
    }
}

/// `body` with the content of each XML element whose local name `secret` accepts replaced
/// by the text `marker` (children included); `None` when nothing was replaced. An element
/// that never closes has the rest of the body replaced.
pub(super) fn redact_xml(
    body: &[u8],
    secret: &dyn Fn(&str) -> bool,
    marker: &str,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(tag) = next_tag(body, at) {
        at = tag.end;
        let Some(name) = tag.name else { continue };
        if tag.closing || tag.self_closing {
            continue;
        }
        if !secret(&String::from_utf8_lossy(local_name(name))) {
            continue;
        }
        let content = tag.end;
        let (stop, resume) =
            matching_close(body, content, name).unwrap_or((body.len(), body.len()));
        out.extend_from_slice(&body[copied..content]);
        out.extend_from_slice(marker.as_bytes());
        copied = stop;
        at = resume;
    }
    if out.is_empty() {
        return None;
    }
    out.extend_from_slice(&body[copied..]);
    Some(out)
}

/// Where the end tag of the element `name` whose content starts at `from` starts, and the
/// index after it (same-named elements nested inside are counted).
fn matching_close(body: &[u8], from: usize, name: &[u8]) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut at = from;
    while let Some(tag) = next_tag(body, at) {
        at = tag.end;
        if tag.name != Some(name) || tag.self_closing {
            continue;
        }
        if !tag.closing {
            depth += 1;
        } else if depth == 0 {
            return Some((tag.start, tag.end));
        } else {
            depth -= 1;
        }
    }
    None
}

/// The `&`-separated pairs of a query string or form body, split but not decoded (a pair
/// without `=` has an empty value).
pub(super) fn pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// `text` with the value of each pair whose decoded name `secret` accepts replaced by
/// `marker`, encoded; `None` when nothing was replaced.
pub(super) fn redact_pairs(
    text: &str,
    secret: &dyn Fn(&str) -> bool,
    marker: &str,
) -> Option<String> {
    let mut hit = false;
    // Every segment kept as it was (empty ones too), so only a secret's value changes.
    let segments: Vec<String> = text
        .split('&')
        .map(|segment| {
            let name = segment.split_once('=').map_or(segment, |(k, _)| k);
            if !segment.is_empty() && secret(&decode(name)) {
                hit = true;
                format!("{name}={}", encode(marker))
            } else {
                segment.to_owned()
            }
        })
        .collect();
    hit.then(|| segments.join("&"))
}

/// Percent-decoding of a query or form component (`+` is a space); invalid escapes and
/// invalid UTF-8 are kept as they are.
pub(super) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match bytes.get(i + 1..i + 3) {
                Some(&[h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    out.push(hex_value(h) << 4 | hex_value(l));
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit.to_ascii_uppercase().saturating_sub(b'A') + 10,
    }
}

/// Percent-encoding of everything but RFC 3986's unreserved characters (as SigV4 encodes).
pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
