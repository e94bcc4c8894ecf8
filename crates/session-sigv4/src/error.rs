//! The error type returned by every signing entry point.

use std::error::Error as StdError;
use std::fmt;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a request could not be signed.
///
/// The type is opaque: inspect it with the `is_*()` predicates and [`source()`](StdError::source).
/// The `Display` text is meant for humans and may change between releases; it never contains a
/// secret access key, a session token or a signature.
pub struct SigningError {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    detail: &'static str,
    source: Option<BoxError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The signing time is before 1970 or after year 9999.
    Time,
    /// The presigned-URL expiry is outside 1 s ..= 7 days.
    Expiry,
    /// Neither a `Host` header nor a URI authority is present.
    MissingHost,
    /// A header value that would be signed is not valid UTF-8.
    HeaderValue,
    /// The access key id, secret access key or session token is unusable.
    Credentials,
    /// Region (or SigV4a region set), service name or payload hash is unusable.
    Params,
    /// The presigned URI could not be assembled.
    Uri,
    /// The signing key could not be derived.
    KeyDerivation,
    /// The ECDSA signature (SigV4a) could not be computed.
    Signature,
}

impl SigningError {
    fn new(kind: Kind, detail: &'static str) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                detail,
                source: None,
            }),
        }
    }

    fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn time(detail: &'static str) -> Self {
        Self::new(Kind::Time, detail)
    }

    pub(crate) fn expiry(detail: &'static str) -> Self {
        Self::new(Kind::Expiry, detail)
    }

    pub(crate) fn missing_host() -> Self {
        Self::new(
            Kind::MissingHost,
            "request has neither a Host header nor a URI authority",
        )
    }

    pub(crate) fn header_value(detail: &'static str) -> Self {
        Self::new(Kind::HeaderValue, detail)
    }

    pub(crate) fn header_value_from(detail: &'static str, source: impl Into<BoxError>) -> Self {
        Self::new(Kind::HeaderValue, detail).with_source(source)
    }

    pub(crate) fn credentials(detail: &'static str) -> Self {
        Self::new(Kind::Credentials, detail)
    }

    pub(crate) fn params(detail: &'static str) -> Self {
        Self::new(Kind::Params, detail)
    }

    pub(crate) fn uri(detail: &'static str, source: impl Into<BoxError>) -> Self {
        Self::new(Kind::Uri, detail).with_source(source)
    }

    pub(crate) fn key_derivation(detail: &'static str) -> Self {
        Self::new(Kind::KeyDerivation, detail)
    }

    pub(crate) fn signature(detail: &'static str) -> Self {
        Self::new(Kind::Signature, detail)
    }

    /// The signing time cannot be expressed as a SigV4 timestamp (before 1970 or after 9999).
    pub fn is_invalid_time(&self) -> bool {
        self.inner.kind == Kind::Time
    }

    /// The presigned-URL expiry is shorter than 1 second or longer than 7 days (604 800 s).
    pub fn is_invalid_expiry(&self) -> bool {
        self.inner.kind == Kind::Expiry
    }

    /// The request has neither a `Host` header nor an authority in its URI.
    pub fn is_missing_host(&self) -> bool {
        self.inner.kind == Kind::MissingHost
    }

    /// A header value that would be signed (or added) is invalid, e.g. not UTF-8.
    pub fn is_invalid_header_value(&self) -> bool {
        self.inner.kind == Kind::HeaderValue
    }

    /// The access key id, secret access key or session token cannot be used for signing.
    pub fn is_invalid_credentials(&self) -> bool {
        self.inner.kind == Kind::Credentials
    }

    /// The region (or SigV4a region set), service name or payload hash cannot be used for
    /// signing.
    pub fn is_invalid_params(&self) -> bool {
        self.inner.kind == Kind::Params
    }

    /// The presigned URI could not be assembled.
    pub fn is_invalid_uri(&self) -> bool {
        self.inner.kind == Kind::Uri
    }

    /// The signing key could not be derived.
    pub fn is_key_derivation(&self) -> bool {
        self.inner.kind == Kind::KeyDerivation
    }

    /// The SigV4a ECDSA signature could not be computed.
    pub fn is_signature_failure(&self) -> bool {
        self.inner.kind == Kind::Signature
    }
}

impl fmt::Debug for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("SigningError");
        d.field("kind", &self.inner.kind)
            .field("detail", &self.inner.detail);
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.inner.kind {
            Kind::Time => "invalid signing time",
            Kind::Expiry => "invalid presigned URL expiry",
            Kind::MissingHost => "missing host",
            Kind::HeaderValue => "invalid header value",
            Kind::Credentials => "invalid credentials",
            Kind::Params => "invalid signing parameters",
            Kind::Uri => "invalid URI",
            Kind::KeyDerivation => "signing key derivation failed",
            Kind::Signature => "signature computation failed",
        };
        write!(f, "SigV4 signing failed: {what}: {}", self.inner.detail)
    }
}

impl StdError for SigningError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| &**e as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync_and_pointer_sized() {
        assert_send_sync::<SigningError>();
        assert_eq!(
            std::mem::size_of::<SigningError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn predicates_display_and_source() {
        let e = SigningError::expiry("expires_in must be at most 604800 seconds");
        assert!(e.is_invalid_expiry());
        assert!(!e.is_invalid_time());
        assert!(e.to_string().contains("604800"));
        assert!(e.source().is_none());

        let src = http::HeaderValue::from_bytes(b"\n").unwrap_err();
        let e = SigningError::header_value_from("bad", src);
        assert!(e.is_invalid_header_value());
        assert!(e.source().is_some());
        assert!(format!("{e:?}").contains("HeaderValue"));
    }
}
