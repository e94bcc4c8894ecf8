//! Building the canonical request into reusable per-thread buffers.
//!
//! ```text
//! METHOD \n CANONICAL-URI \n CANONICAL-QUERY \n CANONICAL-HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
//! ```

use std::cell::Cell;

use http::header::HeaderName;
use http::Uri;

use crate::settings::PercentEncodingMode;

pub(crate) mod headers;
pub(crate) mod query;
pub(crate) mod uri;

pub(crate) use headers::HeaderInput;

/// Buffers kept per thread so that signing does not allocate once warmed up.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The canonical request.
    pub(crate) creq: Vec<u8>,
    /// `host;x-amz-date;...`.
    pub(crate) signed_headers: Vec<u8>,
    /// The string to sign.
    pub(crate) sts: Vec<u8>,
    /// The `Authorization` value or the presigned query.
    pub(crate) out: Vec<u8>,
    canonical_headers: Vec<u8>,
    path_tmp: Vec<u8>,
    query: query::QueryScratch,
    headers: headers::HeaderScratch,
}

/// Buffers above this size are dropped after use rather than kept for the thread's lifetime.
const KEEP_LIMIT: usize = 64 * 1024;

impl Scratch {
    fn capacity_bytes(&self) -> usize {
        self.creq.capacity()
            + self.signed_headers.capacity()
            + self.sts.capacity()
            + self.out.capacity()
            + self.canonical_headers.capacity()
            + self.path_tmp.capacity()
            + self.query.capacity_bytes()
            + self.headers.capacity_bytes()
    }
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch buffers. The buffers are taken out of the thread-local
/// for the duration (a nested call simply starts from empty buffers) and put back afterwards
/// unless they grew beyond [`KEEP_LIMIT`].
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut scratch = SCRATCH.try_with(Cell::take).unwrap_or_default();
    let result = f(&mut scratch);
    if scratch.capacity_bytes() <= KEEP_LIMIT {
        // Fails only while the thread is being torn down; the buffers are then just dropped.
        let _ = SCRATCH.try_with(|cell| cell.set(scratch));
    }
    result
}

/// The presigning parameters that go into the canonical query.
pub(crate) struct PresignQuery<'a> {
    /// `X-Amz-Algorithm`.
    pub(crate) algorithm: &'a str,
    /// `X-Amz-Region-Set` (SigV4a only).
    pub(crate) region_set: Option<&'a str>,
    pub(crate) credential: &'a str,
    pub(crate) amz_date: &'a str,
    pub(crate) expires: &'a str,
    /// The token, when it is signed.
    pub(crate) token: Option<&'a str>,
}

/// One request to canonicalize.
pub(crate) struct Request<'a, F> {
    pub(crate) method: &'a str,
    pub(crate) uri: &'a Uri,
    pub(crate) headers: HeaderInput<'a, F>,
    pub(crate) normalize: bool,
    pub(crate) mode: PercentEncodingMode,
    pub(crate) payload_hash: &'a str,
    pub(crate) presign: Option<PresignQuery<'a>>,
}

/// Writes the canonical request into `scratch.creq` and the signed headers into
/// `scratch.signed_headers`.
pub(crate) fn build<F: Fn(&HeaderName) -> bool>(
    req: &Request<'_, F>,
    scratch: &mut Scratch,
) -> Result<(), crate::SigningError> {
    let Scratch {
        creq,
        signed_headers,
        canonical_headers,
        path_tmp,
        query,
        headers,
        ..
    } = scratch;
    creq.clear();
    signed_headers.clear();
    canonical_headers.clear();

    headers::write_canonical_headers(&req.headers, headers, canonical_headers, signed_headers)?;

    creq.extend_from_slice(req.method.as_bytes());
    creq.push(b'\n');
    uri::write_canonical_uri(req.uri.path(), req.normalize, req.mode, path_tmp, creq);
    creq.push(b'\n');
    match &req.presign {
        None => query::write_canonical_query(req.uri.query(), &[], query, creq),
        Some(p) => {
            let signed = std::str::from_utf8(signed_headers).unwrap_or("");
            let mut extra = [
                ("X-Amz-Algorithm", p.algorithm),
                ("X-Amz-Credential", p.credential),
                ("X-Amz-Date", p.amz_date),
                ("X-Amz-Expires", p.expires),
                ("X-Amz-SignedHeaders", signed),
                ("", ""),
                ("", ""),
            ];
            // The canonical query is sorted, so the optional parameters go at the end.
            let mut n = 5;
            if let Some(token) = p.token {
                extra[n] = ("X-Amz-Security-Token", token);
                n += 1;
            }
            if let Some(set) = p.region_set {
                extra[n] = ("X-Amz-Region-Set", set);
                n += 1;
            }
            query::write_canonical_query(req.uri.query(), &extra[..n], query, creq);
        }
    }
    creq.push(b'\n');
    creq.extend_from_slice(canonical_headers);
    creq.push(b'\n');
    creq.extend_from_slice(signed_headers);
    creq.push(b'\n');
    creq.extend_from_slice(req.payload_hash.as_bytes());
    Ok(())
}

/// Appends the `Host` value hyper would send for `uri` (the host, plus the port when it is
/// not the scheme's default); `false` when the URI has no authority.
pub(crate) fn write_host(uri: &Uri, out: &mut Vec<u8>) -> bool {
    let Some(authority) = uri.authority() else {
        return false;
    };
    out.extend_from_slice(authority.host().as_bytes());
    if let Some(port) = authority.port_u16() {
        let default = match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        };
        if default != Some(port) {
            out.push(b':');
            let mut digits = [0u8; 5];
            let mut n = port;
            let mut i = digits.len();
            loop {
                i -= 1;
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            out.extend_from_slice(&digits[i..]);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(uri: &str) -> Option<String> {
        let mut s = Vec::new();
        write_host(&uri.parse().unwrap(), &mut s).then(|| String::from_utf8(s).unwrap())
    }

    #[test]
    fn host_drops_default_ports_only() {
        assert_eq!(
            host("https://s3.amazonaws.com/b").as_deref(),
            Some("s3.amazonaws.com")
        );
        assert_eq!(
            host("https://s3.amazonaws.com:443/b").as_deref(),
            Some("s3.amazonaws.com")
        );
        assert_eq!(host("http://localhost:80/").as_deref(), Some("localhost"));
        assert_eq!(
            host("http://localhost:9000/").as_deref(),
            Some("localhost:9000")
        );
        assert_eq!(
            host("https://user@[::1]:8443/").as_deref(),
            Some("[::1]:8443")
        );
        assert_eq!(host("/just/a/path"), None);
    }

    #[test]
    fn scratch_is_reentrant_without_panicking() {
        let v = with_scratch(|a| {
            a.creq.push(1);
            with_scratch(|b| b.creq.len())
        });
        assert_eq!(v, 0);
    }

    #[test]
    fn oversized_scratch_is_not_kept() {
        with_scratch(|s| s.creq.reserve(KEEP_LIMIT * 2));
        assert!(with_scratch(|s| s.creq.capacity()) <= KEEP_LIMIT);
    }
}
