//! The canonical query string: parameters decoded, strictly re-encoded and sorted.

use super::uri::{hex_value, is_unreserved, push_escaped};

#[derive(Clone, Copy)]
struct Pair {
    key_start: usize,
    key_end: usize,
    value_end: usize,
}

/// Reusable buffers for one canonical query.
#[derive(Default)]
pub(crate) struct QueryScratch {
    buf: Vec<u8>,
    pairs: Vec<Pair>,
}

impl QueryScratch {
    pub(crate) fn capacity_bytes(&self) -> usize {
        self.buf.capacity() + self.pairs.capacity() * std::mem::size_of::<Pair>()
    }
}

/// Appends the canonical query string for the wire `query` plus `extra` (unencoded) parameters.
///
/// Each `key[=value]` is percent-decoded (`+` means a space, as in form encoding), then every
/// byte except the unreserved characters is percent-encoded with upper-case hex; a missing
/// value is written as `key=`; empty `&&` segments are dropped; pairs sort by encoded key, then
/// encoded value.
pub(crate) fn write_canonical_query(
    query: Option<&str>,
    extra: &[(&str, &str)],
    scratch: &mut QueryScratch,
    out: &mut Vec<u8>,
) {
    let QueryScratch { buf, pairs } = scratch;
    buf.clear();
    pairs.clear();
    for segment in query.unwrap_or("").split('&') {
        if segment.is_empty() {
            continue;
        }
        let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
        push_pair(
            buf,
            pairs,
            |b| decode_encode(key.as_bytes(), b),
            |b| decode_encode(value.as_bytes(), b),
        );
    }
    for (key, value) in extra {
        push_pair(
            buf,
            pairs,
            |b| encode(key.as_bytes(), b),
            |b| encode(value.as_bytes(), b),
        );
    }
    let buf = &*buf;
    pairs.sort_unstable_by(|a, b| {
        buf[a.key_start..a.key_end]
            .cmp(&buf[b.key_start..b.key_end])
            .then_with(|| buf[a.key_end..a.value_end].cmp(&buf[b.key_end..b.value_end]))
    });
    for (i, p) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(&buf[p.key_start..p.key_end]);
        out.push(b'=');
        out.extend_from_slice(&buf[p.key_end..p.value_end]);
    }
}

fn push_pair(
    buf: &mut Vec<u8>,
    pairs: &mut Vec<Pair>,
    key: impl FnOnce(&mut Vec<u8>),
    value: impl FnOnce(&mut Vec<u8>),
) {
    let key_start = buf.len();
    key(buf);
    let key_end = buf.len();
    value(buf);
    pairs.push(Pair {
        key_start,
        key_end,
        value_end: buf.len(),
    });
}

/// Strict SigV4 encoding: everything but unreserved characters becomes `%XX`.
pub(crate) fn encode(raw: &[u8], out: &mut Vec<u8>) {
    for &b in raw {
        if is_unreserved(b) {
            out.push(b);
        } else {
            push_escaped(out, b);
        }
    }
}

/// Decodes `%XX` escapes and `+`, re-encoding each resulting byte strictly. A `%` that does
/// not start a valid escape is taken literally.
fn decode_encode(wire: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < wire.len() {
        let mut b = wire[i];
        if b == b'%' {
            let hi = wire.get(i + 1).copied().and_then(hex_value);
            let lo = wire.get(i + 2).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                b = hi << 4 | lo;
                i += 2;
            }
        } else if b == b'+' {
            b = b' ';
        }
        if is_unreserved(b) {
            out.push(b);
        } else {
            push_escaped(out, b);
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(query: &str) -> String {
        canon_extra(query, &[])
    }

    fn canon_extra(query: &str, extra: &[(&str, &str)]) -> String {
        let mut out = Vec::new();
        write_canonical_query(Some(query), extra, &mut QueryScratch::default(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sorts_by_key_then_value() {
        assert_eq!(
            canon("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(canon("a=2&a=1&b=0"), "a=1&a=2&b=0");
        // Upper-case sorts before lower-case (byte order), `-` before letters.
        assert_eq!(
            canon("b=1&B=2&Param-3=3&Param=4"),
            "B=2&Param=4&Param-3=3&b=1"
        );
        // Keys compare before values: `a` < `a-b` even though `=` > `-`.
        assert_eq!(canon("a-b=1&a=2"), "a=2&a-b=1");
    }

    #[test]
    fn empty_values_and_segments() {
        assert_eq!(canon(""), "");
        assert_eq!(canon("acl"), "acl=");
        assert_eq!(canon("k=&single&x=1"), "k=&single=&x=1");
        assert_eq!(canon("&&a=1&"), "a=1");
        assert_eq!(canon("=v"), "=v");
    }

    #[test]
    fn encoding_is_normalized() {
        assert_eq!(canon("%e1%88%b4=bar"), "%E1%88%B4=bar");
        assert_eq!(canon("\u{1234}=bar"), "%E1%88%B4=bar");
        assert_eq!(canon("a=b+c"), "a=b%20c");
        assert_eq!(canon("a=b%2Bc"), "a=b%2Bc");
        assert_eq!(canon("a=%7E%2D"), "a=~-");
        assert_eq!(canon("a=1/2:3"), "a=1%2F2%3A3");
        assert_eq!(canon("a=100%"), "a=100%25");
        assert_eq!(canon("a=%zz"), "a=%25zz");
        assert_eq!(canon("k=v=w"), "k=v%3Dw");
    }

    #[test]
    fn extra_parameters_are_encoded_and_sorted_in() {
        assert_eq!(
            canon_extra(
                "z=1",
                &[
                    ("X-Amz-Credential", "AK/20150830/r/s/aws4_request"),
                    ("X-Amz-Date", "1")
                ]
            ),
            "X-Amz-Credential=AK%2F20150830%2Fr%2Fs%2Faws4_request&X-Amz-Date=1&z=1"
        );
    }
}
