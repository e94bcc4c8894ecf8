//! The string functions of the standard library: `substring` and `uriEncode`.

use std::borrow::Cow;
use std::ops::Range;

/// `substring(input, start, stop, reverse)`: the byte range `start..stop` of `input`, counted
/// from the end when `reverse` is true.
///
/// The result is unset (`None`) when `input` is not all ASCII (indices count characters,
/// and ASCII makes characters and bytes the same), when `start >= stop`, or when `stop`
/// is past the end. Returns a range so that callers can borrow from their own string.
pub(crate) fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<Range<usize>> {
    let start = usize::try_from(start).ok()?;
    let stop = usize::try_from(stop).ok()?;
    let len = input.len();
    if start >= stop || stop > len || !input.is_ascii() {
        return None;
    }
    Some(if reverse {
        len - stop..len - start
    } else {
        start..stop
    })
}

/// `uriEncode(value)`: percent-encodes every byte except the RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - _ . ~`), with upper-case hex digits. Borrows when nothing needs encoding.
pub(crate) fn uri_encode(value: &str) -> Cow<'_, str> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    let Some(first) = value.bytes().position(|b| !unreserved(b)) else {
        return Cow::Borrowed(value);
    };
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len() + 8);
    out.push_str(&value[..first]);
    for b in value[first..].bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(input: &str, start: i64, stop: i64, reverse: bool) -> Option<&str> {
        substring(input, start, stop, reverse).map(|r| &input[r])
    }

    #[test]
    fn substring_forward_and_reverse() {
        assert_eq!(sub("abcdefg", 0, 4, false), Some("abcd"));
        assert_eq!(sub("abcdefg", 0, 4, true), Some("defg"));
        assert_eq!(sub("abcdefg", 1, 7, false), Some("bcdefg"));
        assert_eq!(sub("abcdefg", 0, 7, true), Some("abcdefg"));
        assert_eq!(sub("bucket--x-s3", 0, 6, true), Some("--x-s3"));
    }

    #[test]
    fn substring_edge_cases_are_unset() {
        assert_eq!(sub("abc", 0, 4, false), None, "stop past the end");
        assert_eq!(sub("abc", 2, 2, false), None, "empty range");
        assert_eq!(sub("abc", 2, 1, false), None, "start after stop");
        assert_eq!(sub("abc", -1, 2, false), None, "negative start");
        assert_eq!(sub("abc", 0, -2, true), None, "negative stop");
        assert_eq!(sub("", 0, 1, false), None, "empty input");
        assert_eq!(sub("ab\u{e9}cd", 0, 2, false), None, "non-ASCII input");
        assert_eq!(sub("abc", 0, 3, false), Some("abc"), "whole string");
    }

    #[test]
    fn uri_encode_reserved_and_unicode() {
        assert_eq!(uri_encode("abc-_.~XYZ09"), Cow::Borrowed("abc-_.~XYZ09"));
        assert_eq!(uri_encode("a b/c"), "a%20b%2Fc");
        assert_eq!(uri_encode("bucket!"), "bucket%21");
        assert_eq!(
            uri_encode("?#[]@!$&'()*+,;=%:"),
            "%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25%3A"
        );
        assert_eq!(uri_encode("\u{e9}"), "%C3%A9");
        assert_eq!(uri_encode(""), "");
    }
}
