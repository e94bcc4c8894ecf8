//! Per-request signing inputs: who signs, for which region and service, when, and the payload.

use std::fmt;
use std::time::SystemTime;

use crate::error::SigningError;
use crate::settings::SigningSettings;

/// The credentials a request is signed with, borrowed from wherever they live.
///
/// `Debug` shows the access key id only; the secret and the token are redacted.
///
/// ```
/// use session_sigv4::Identity;
///
/// let id = Identity::new("AKIDEXAMPLE", "hunter2").with_session_token("tok-123");
/// let shown = format!("{id:?}");
/// assert!(shown.contains("AKIDEXAMPLE"));
/// assert!(!shown.contains("hunter2") && !shown.contains("tok-123"));
/// ```
#[derive(Clone, Copy)]
pub struct Identity<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: Option<&'a str>,
}

impl<'a> Identity<'a> {
    /// Long-term (or any token-less) credentials.
    pub fn new(access_key_id: &'a str, secret_access_key: &'a str) -> Self {
        Self {
            access_key_id,
            secret_access_key,
            session_token: None,
        }
    }

    /// Adds the session token of temporary credentials.
    #[must_use]
    pub fn with_session_token(mut self, session_token: &'a str) -> Self {
        self.session_token = Some(session_token);
        self
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &'a str {
        self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &'a str {
        self.secret_access_key
    }

    /// The session token, if any.
    pub fn session_token(&self) -> Option<&'a str> {
        self.session_token
    }

    pub(crate) fn validate_keys(&self) -> Result<(), SigningError> {
        if !is_scope_component(self.access_key_id) {
            return Err(SigningError::credentials(
                "access key id must be non-empty visible ASCII without '/'",
            ));
        }
        if self.secret_access_key.is_empty() {
            return Err(SigningError::credentials("secret access key is empty"));
        }
        Ok(())
    }

    pub(crate) fn validate_token(&self) -> Result<(), SigningError> {
        if let Some(token) = self.session_token {
            if token.is_empty() || !all_visible_ascii(token) {
                return Err(SigningError::credentials(
                    "session token must be non-empty visible ASCII",
                ));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Identity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Whether every byte is visible ASCII (`!` to `~`). Checked on every signature (tokens run
/// to a kilobyte and more), so written without an early exit, which lets the compiler test
/// many bytes per instruction.
pub(crate) fn all_visible_ascii(s: &str) -> bool {
    s.bytes()
        .fold(true, |ok, b| ok & (b.wrapping_sub(b'!') <= b'~' - b'!'))
}

/// A region, service or access key id goes into the credential scope: `/` would make the
/// scope ambiguous and anything but visible ASCII cannot go into a header.
pub(crate) fn is_scope_component(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
}

/// A SigV4a region set: `*`, a region, or regions separated by `,` (no spaces), each as a
/// region must be; wildcards such as `us-*` are left for the service to judge.
pub(crate) fn is_region_set(s: &str) -> bool {
    s.split(',').all(is_scope_component)
}

/// The hash of the request payload, as it goes into the canonical request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadHash<'a> {
    /// The lowercase hex SHA-256 of the body, computed by the caller.
    Precomputed(&'a str),
    /// `UNSIGNED-PAYLOAD` (S3 over TLS, presigned URLs).
    UnsignedPayload,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (S3 aws-chunked uploads with trailing checksums).
    StreamingUnsignedPayloadTrailer,
    /// The hash of an empty body.
    Empty,
}

/// Hex SHA-256 of the empty string.
pub(crate) const EMPTY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

impl<'a> PayloadHash<'a> {
    /// The value that goes into the canonical request and `x-amz-content-sha256`.
    pub fn as_str(&self) -> &'a str {
        match *self {
            Self::Precomputed(hash) => hash,
            Self::UnsignedPayload => "UNSIGNED-PAYLOAD",
            Self::StreamingUnsignedPayloadTrailer => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            Self::Empty => EMPTY_SHA256,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), SigningError> {
        let s = self.as_str();
        if s.is_empty() || !all_visible_ascii(s) {
            return Err(SigningError::params(
                "payload hash must be non-empty visible ASCII",
            ));
        }
        Ok(())
    }
}

/// Everything one signature depends on besides the request itself.
///
/// Cheap to build per request: it only borrows. `Debug` redacts the credentials.
///
/// ```
/// use std::time::SystemTime;
/// use session_sigv4::{Identity, PayloadHash, SigningParams, SigningSettings};
///
/// let settings = SigningSettings::default();
/// let params = SigningParams {
///     identity: Identity::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
///     region: "us-east-1",
///     service: "sqs",
///     time: SystemTime::now(),
///     payload: PayloadHash::Empty,
///     settings: &settings,
/// };
/// assert!(!format!("{params:?}").contains("EXAMPLEKEY"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SigningParams<'a> {
    /// The credentials to sign with.
    pub identity: Identity<'a>,
    /// The signing region, e.g. `us-east-1`.
    ///
    /// For SigV4a ([`sign_headers_v4a`](crate::sign_headers_v4a()),
    /// [`presign_v4a`](crate::presign_v4a())) the region set instead: `us-east-1`,
    /// `us-east-1,us-west-2` or `*` (an endpoint's `signingRegionSet` joined with `,`).
    pub region: &'a str,
    /// The signing name of the service, e.g. `s3`, `sqs`, `execute-api`.
    pub service: &'a str,
    /// The signing time; `x-amz-date` and the credential scope derive from it (UTC).
    pub time: SystemTime,
    /// The payload hash of this request.
    pub payload: PayloadHash<'a>,
    /// The service's signing settings.
    pub settings: &'a SigningSettings,
}

impl SigningParams<'_> {
    /// Checks what goes into the signing key and the credential scope: the access key id,
    /// the secret, the region and the service. The key cache runs it before deriving a key,
    /// so a cached key means these were checked (a hit compares them byte for byte).
    pub(crate) fn validate_scope(&self) -> Result<(), SigningError> {
        self.identity.validate_keys()?;
        if !is_scope_component(self.region) {
            return Err(SigningError::params(
                "region must be non-empty visible ASCII without '/'",
            ));
        }
        if !is_scope_component(self.service) {
            return Err(SigningError::params(
                "service must be non-empty visible ASCII without '/'",
            ));
        }
        Ok(())
    }

    /// The SigV4a counterpart of [`validate_scope`](Self::validate_scope) for what is not
    /// part of the key: the region set and the service.
    pub(crate) fn validate_v4a_scope(&self) -> Result<(), SigningError> {
        if !is_region_set(self.region) {
            return Err(SigningError::params(
                "region set must be comma-separated non-empty regions (or `*`) of visible ASCII without '/'",
            ));
        }
        if !is_scope_component(self.service) {
            return Err(SigningError::params(
                "service must be non-empty visible ASCII without '/'",
            ));
        }
        Ok(())
    }

    /// Checks what changes per request: the session token and the payload hash.
    pub(crate) fn validate_request(&self) -> Result<(), SigningError> {
        self.identity.validate_token()?;
        self.payload.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_ascii_is_bang_to_tilde() {
        for b in 0u8..=127 {
            let s = char::from(b).to_string();
            assert_eq!(all_visible_ascii(&s), b.is_ascii_graphic(), "byte {b}");
        }
        assert!(!all_visible_ascii("tokén"));
        assert!(all_visible_ascii(&"A".repeat(2000)));
        assert!(!all_visible_ascii(&format!("{}\n", "A".repeat(2000))));
    }

    #[test]
    fn region_sets() {
        for ok in ["*", "us-east-1", "us-east-1,us-west-2", "us-*", "a,b,c"] {
            assert!(is_region_set(ok), "{ok}");
        }
        for bad in [
            "",
            ",",
            "us-east-1,",
            ",us-east-1",
            "a,,b",
            "us-east-1, us-west-2",
            "a/b",
            "ü",
        ] {
            assert!(!is_region_set(bad), "{bad:?}");
        }
    }
}
