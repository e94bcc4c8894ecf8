//! `parseURL` and `isValidHostLabel`.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// Where the parts of a URL accepted by `parseURL` are, as byte ranges of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts {
    pub(crate) scheme: Range<usize>,
    /// Host and optional port, as written.
    pub(crate) authority: Range<usize>,
    /// Everything from the first `/` after the authority; empty when there is none.
    pub(crate) path: Range<usize>,
    /// The host is an IPv4 address or a bracketed IPv6 address.
    pub(crate) is_ip: bool,
}

/// `parseURL(value)`: splits an `http` or `https` URL into scheme, authority and path.
///
/// Unset (`None`) for anything an endpoint cannot be: another scheme, no host, a query
/// string or fragment, user info, a malformed port, spaces or control characters.
/// Parts are kept as written (no case folding, default ports kept), because the rule sets
/// paste them back into the URL they build.
pub(crate) fn parse_url(value: &str) -> Option<UrlParts> {
    let scheme_end = value.find("://")?;
    let scheme = &value[..scheme_end];
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let rest_start = scheme_end + 3;
    let rest = &value[rest_start..];
    if rest
        .bytes()
        .any(|b| matches!(b, b'?' | b'#' | b'@' | b'\\') || b <= b' ' || b == 0x7f)
    {
        return None;
    }
    let authority_len = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let is_ip = check_authority(authority)?;
    Some(UrlParts {
        scheme: 0..scheme_end,
        authority: rest_start..rest_start + authority_len,
        path: rest_start + authority_len..value.len(),
        is_ip,
    })
}

/// Validates `host[:port]`; returns whether the host is an IP address.
fn check_authority(authority: &str) -> Option<bool> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let close = bracketed.find(']')?;
        let after = &bracketed[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        bracketed[..close].parse::<Ipv6Addr>().ok()?;
        (None, port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(authority), None),
        }
    };
    if let Some(port) = port {
        let valid = !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
        if !valid || port.parse::<u32>().ok()? > 65535 {
            return None;
        }
    }
    match host {
        None => Some(true),
        Some(host) => {
            let host_chars =
                |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'%');
            if host.is_empty() || !host.bytes().all(host_chars) {
                return None;
            }
            Some(host.parse::<Ipv4Addr>().is_ok())
        }
    }
}

/// `normalizedPath`: the path with a `/` at both ends (`/` for an empty path). `None` means
/// the path already has that form and can be borrowed.
pub(crate) fn normalized_path(path: &str) -> Option<String> {
    if path.starts_with('/') && path.ends_with('/') {
        return None;
    }
    let mut out = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(path);
    if !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// `isValidHostLabel(value, allowSubDomains)`: whether `value` can be one label of a host
/// name (RFC 1123: 1 to 63 letters, digits and hyphens, not starting with a hyphen), or,
/// with `allow_sub_domains`, a dot-separated sequence of such labels.
pub(crate) fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        value.split('.').all(is_one_label)
    } else {
        is_one_label(value)
    }
}

fn is_one_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && !label.starts_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(value: &str) -> Option<(&str, &str, &str, bool)> {
        let p = parse_url(value)?;
        Some((
            &value[p.scheme],
            &value[p.authority],
            &value[p.path],
            p.is_ip,
        ))
    }

    #[test]
    fn parse_url_accepts_endpoints() {
        assert_eq!(
            parts("https://example.com"),
            Some(("https", "example.com", "", false))
        );
        assert_eq!(
            parts("http://beta.example.com:1234/path"),
            Some(("http", "beta.example.com:1234", "/path", false))
        );
        assert_eq!(
            parts("http://127.0.0.1/"),
            Some(("http", "127.0.0.1", "/", true))
        );
        assert_eq!(
            parts("https://10.0.1.12:433"),
            Some(("https", "10.0.1.12:433", "", true))
        );
        assert_eq!(
            parts("http://[::1]:8080/a/b"),
            Some(("http", "[::1]:8080", "/a/b", true))
        );
        assert_eq!(
            parts("HTTPS://Example.COM/X"),
            Some(("HTTPS", "Example.COM", "/X", false))
        );
        assert_eq!(
            parts("http://a.b/c/../d/"),
            Some(("http", "a.b", "/c/../d/", false))
        );
    }

    #[test]
    fn parse_url_rejects_non_endpoints() {
        for bad in [
            "abcde://nota#url",
            "ftp://example.com",
            "example.com",
            "https://",
            "https:///path",
            "https://example.com?x=1",
            "https://example.com/p#frag",
            "https://user@example.com",
            "https://example.com:",
            "https://example.com:port",
            "https://example.com:123456",
            "https://example.com:70000",
            "https://exa mple.com",
            "https://[::1",
            "https://[not-ip]",
            "https://[::1]x",
            "",
        ] {
            assert_eq!(parse_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn normalized_paths() {
        assert_eq!(normalized_path(""), Some("/".to_owned()));
        assert_eq!(normalized_path("/"), None);
        assert_eq!(normalized_path("/foo"), Some("/foo/".to_owned()));
        assert_eq!(normalized_path("/foo/"), None);
    }

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("a", false));
        assert!(is_valid_host_label("9abc", false));
        assert!(is_valid_host_label("abc-", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("-abc", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(!is_valid_host_label("a_b", false));
        assert!(!is_valid_host_label("a b", false));
        assert!(is_valid_host_label("a.b.c", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_valid_host_label(".a", true));
        assert!(!is_valid_host_label("a.", true));
        assert!(!is_valid_host_label("a.-b", true));
    }
}
