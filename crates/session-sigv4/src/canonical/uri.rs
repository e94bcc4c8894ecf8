//! The canonical URI: the request path, optionally normalized, percent-encoded per mode.

use crate::settings::PercentEncodingMode;

/// RFC 3986 unreserved characters: never percent-encoded.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

pub(crate) fn push_escaped(out: &mut Vec<u8>, b: u8) {
    out.extend_from_slice(&[
        b'%',
        HEX_UPPER[usize::from(b >> 4)],
        HEX_UPPER[usize::from(b & 0xF)],
    ]);
}

pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Appends the canonical URI for `path` to `out`; `tmp` is scratch space for normalization.
pub(crate) fn write_canonical_uri(
    path: &str,
    normalize: bool,
    mode: PercentEncodingMode,
    tmp: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    let path: &[u8] = if path.is_empty() {
        b"/"
    } else if normalize {
        normalize_path(path, tmp);
        tmp
    } else {
        path.as_bytes()
    };
    match mode {
        PercentEncodingMode::Double => encode_path(path, out),
        // As sent, like the AWS SDKs do for S3: the path is already encoded.
        PercentEncodingMode::Single => out.extend_from_slice(path),
    }
}

/// Removes `.` and `..` segments (RFC 3986 §5.2.4) and empty segments (`//`), keeping a trailing
/// slash when the path ends in one (or in `.`/`..`). The result always starts with `/`.
pub(crate) fn normalize_path(path: &str, out: &mut Vec<u8>) {
    out.clear();
    let mut trailing_slash = false;
    for segment in path.split('/') {
        match segment {
            "" | "." => trailing_slash = true,
            ".." => {
                let cut = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(cut);
                trailing_slash = true;
            }
            s => {
                out.push(b'/');
                out.extend_from_slice(s.as_bytes());
                trailing_slash = false;
            }
        }
    }
    if out.is_empty() || trailing_slash {
        out.push(b'/');
    }
}

/// Double mode: percent-encode every byte of the (already encoded) path except unreserved
/// characters and `/`, so existing escapes are encoded again (`%3A` -> `%253A`).
fn encode_path(path: &[u8], out: &mut Vec<u8>) {
    for &b in path {
        if is_unreserved(b) || b == b'/' {
            out.push(b);
        } else {
            push_escaped(out, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(path: &str, normalize: bool, mode: PercentEncodingMode) -> String {
        let (mut tmp, mut out) = (Vec::new(), Vec::new());
        write_canonical_uri(path, normalize, mode, &mut tmp, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn norm(path: &str) -> String {
        canon(path, true, PercentEncodingMode::Single)
    }

    #[test]
    fn normalization_removes_dot_segments_and_empty_segments() {
        assert_eq!(norm("/"), "/");
        assert_eq!(norm(""), "/");
        assert_eq!(norm("//"), "/");
        assert_eq!(norm("/./"), "/");
        assert_eq!(norm("/./example"), "/example");
        assert_eq!(norm("/example/.."), "/");
        assert_eq!(norm("/example1/example2/../.."), "/");
        assert_eq!(norm("/a/b/../c"), "/a/c");
        assert_eq!(norm("/a/b/.."), "/a/");
        assert_eq!(norm("/a/b/."), "/a/b/");
        assert_eq!(norm("//example//"), "/example/");
        assert_eq!(norm("/../../a"), "/a");
        assert_eq!(norm("/a/.../b"), "/a/.../b");
    }

    #[test]
    fn without_normalization_the_path_is_kept() {
        let single = PercentEncodingMode::Single;
        assert_eq!(canon("//example//", false, single), "//example//");
        assert_eq!(canon("/a/./b/../c", false, single), "/a/./b/../c");
    }

    #[test]
    fn double_mode_encodes_escapes_again() {
        let double = PercentEncodingMode::Double;
        assert_eq!(canon("/a%3Ab", true, double), "/a%253Ab");
        assert_eq!(
            canon("/example%20space/", true, double),
            "/example%2520space/"
        );
        assert_eq!(canon("/-._~AZaz09", true, double), "/-._~AZaz09");
        assert_eq!(canon("/a:b@c$d", true, double), "/a%3Ab%40c%24d");
        assert_eq!(canon("/\u{1234}", true, double), "/%E1%88%B4");
    }

    #[test]
    fn single_mode_uses_the_path_as_sent() {
        let single = PercentEncodingMode::Single;
        assert_eq!(canon("/a%3Ab", false, single), "/a%3Ab");
        assert_eq!(
            canon("/example%20space/", false, single),
            "/example%20space/"
        );
        assert_eq!(
            canon("/photos/2024/a%2Bb.jpg", false, single),
            "/photos/2024/a%2Bb.jpg"
        );
        assert_eq!(canon("/a:b", false, single), "/a:b");
        // Normalization still applies when asked for.
        assert_eq!(canon("/a/./b/../c%20d", true, single), "/a/c%20d");
    }
}
