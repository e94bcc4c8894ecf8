//! Per-client signing settings: how the canonical request is built for one service.

use http::header::{HeaderName, AUTHORIZATION, CONNECTION, EXPECT, TRANSFER_ENCODING, USER_AGENT};

/// Headers that are never signed, whatever [`SignedHeaderRules`] say: they are computed by
/// signing itself (`authorization`) or commonly added, changed or dropped by proxies, load
/// balancers and HTTP stacks after signing (the common subset of the AWS SDKs' lists).
pub const NEVER_SIGNED: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "transfer-encoding",
    "user-agent",
    "x-amzn-trace-id",
];

pub(crate) fn is_never_signed(name: &HeaderName) -> bool {
    name == AUTHORIZATION
        || name == USER_AGENT
        || name == EXPECT
        || name == TRANSFER_ENCODING
        || name == CONNECTION
        || name.as_str() == "x-amzn-trace-id"
}

/// How the path of the request URI is encoded into the canonical URI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum PercentEncodingMode {
    /// Percent-encode the (already encoded) request path once more, so `%3A` becomes `%253A`.
    /// What every service except S3 expects.
    #[default]
    Double,
    /// Use the request path exactly as sent (it is already percent-encoded), as the AWS SDKs
    /// do for S3. What S3 expects.
    Single,
}

/// Whether `X-Amz-Security-Token` is part of the signature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Add the token before signing and sign it (the SigV4 default).
    #[default]
    Include,
    /// Add the token after signing, outside the signature (some services require this).
    ExcludeFromSignature,
}

/// Which request headers are signed, in addition to the headers signing adds itself.
///
/// `host`, `x-amz-date`, `x-amz-content-sha256` (when added) and `x-amz-security-token`
/// (in [`SessionTokenMode::Include`]) are always signed; [`NEVER_SIGNED`] headers never are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedHeaderRules {
    /// Sign every header except [`NEVER_SIGNED`] (the SDK convention).
    #[default]
    All,
    /// Sign every header except [`NEVER_SIGNED`] and these.
    AllExcept(Vec<HeaderName>),
    /// Sign only these headers (plus the always-signed ones).
    Only(Vec<HeaderName>),
}

impl SignedHeaderRules {
    pub(crate) fn allows(&self, name: &HeaderName) -> bool {
        match self {
            Self::All => true,
            Self::AllExcept(denied) => !denied.contains(name),
            Self::Only(allowed) => allowed.contains(name),
        }
    }
}

/// How requests of one service are signed. Build it once per client and pass it by reference
/// in each [`SigningParams`](crate::SigningParams).
///
/// The defaults fit most services; [`SigningSettings::s3`] fits S3.
///
/// ```
/// use session_sigv4::{PercentEncodingMode, SigningSettings};
///
/// let mut settings = SigningSettings::default();
/// settings.percent_encoding_mode = PercentEncodingMode::Single;
/// assert!(settings.uri_path_normalization);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Add (and sign) `x-amz-content-sha256` carrying the payload hash (S3 requires it).
    /// Header signing only; presigned URLs never carry it. Default `false`.
    pub content_sha256_header: bool,
    /// Normalize the path (remove `.` and `..` segments, collapse repeated `/`) before
    /// encoding it. Default `true`; S3 needs `false`.
    pub uri_path_normalization: bool,
    /// How the path is percent-encoded. Default [`PercentEncodingMode::Double`].
    pub percent_encoding_mode: PercentEncodingMode,
    /// Whether the session token is signed. Default [`SessionTokenMode::Include`].
    pub session_token_mode: SessionTokenMode,
    /// Which request headers are signed. Default [`SignedHeaderRules::All`].
    pub signed_headers: SignedHeaderRules,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            content_sha256_header: false,
            uri_path_normalization: true,
            percent_encoding_mode: PercentEncodingMode::Double,
            session_token_mode: SessionTokenMode::Include,
            signed_headers: SignedHeaderRules::All,
        }
    }
}

impl SigningSettings {
    /// Settings for S3: single encoding, no path normalization, `x-amz-content-sha256` sent.
    pub fn s3() -> Self {
        Self {
            content_sha256_header: true,
            uri_path_normalization: false,
            percent_encoding_mode: PercentEncodingMode::Single,
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_signed_list_matches_predicate() {
        for name in NEVER_SIGNED {
            assert!(is_never_signed(&HeaderName::from_static(name)), "{name}");
        }
        assert!(!is_never_signed(&http::header::HOST));
        assert!(!is_never_signed(&http::header::CONTENT_TYPE));
    }

    #[test]
    fn rules() {
        let ct = http::header::CONTENT_TYPE;
        assert!(SignedHeaderRules::All.allows(&ct));
        assert!(!SignedHeaderRules::AllExcept(vec![ct.clone()]).allows(&ct));
        assert!(SignedHeaderRules::Only(vec![ct.clone()]).allows(&ct));
        assert!(!SignedHeaderRules::Only(vec![]).allows(&ct));
    }

    #[test]
    fn s3_settings() {
        let s = SigningSettings::s3();
        assert!(s.content_sha256_header);
        assert!(!s.uri_path_normalization);
        assert_eq!(s.percent_encoding_mode, PercentEncodingMode::Single);
    }
}
