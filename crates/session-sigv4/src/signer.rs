//! The signer handle, header signing and the shared signature computation (SigV4 and SigV4a).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use http::request::Parts;
use http::Uri;
use sha2::{Digest, Sha256};

use crate::algorithm::SigningAlgorithm;
use crate::canonical::{self, HeaderInput, Request, Scratch};
use crate::date::AmzDate;
use crate::error::SigningError;
use crate::key_cache::{SigningKey, SigningKeyCache};
use crate::params::{Identity, PayloadHash, SigningParams};
use crate::settings::{is_never_signed, SessionTokenMode, SigningSettings};
use crate::v4a_key::EcdsaKey;
use crate::v4a_key_cache::V4aKeyCache;

pub(crate) const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
pub(crate) const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
pub(crate) const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
pub(crate) const X_AMZ_REGION_SET: HeaderName = HeaderName::from_static("x-amz-region-set");

/// Signs requests, reusing derived signing keys.
///
/// Cheap to clone (one `Arc`), `Send + Sync`: there is no need to wrap it in an `Arc`. Clones
/// share one [`SigningKeyCache`] (SigV4) and one [`V4aKeyCache`] (SigV4a). Holds no
/// credentials itself; `Debug` shows cache statistics only.
#[derive(Clone, Default)]
pub struct Signer {
    caches: Arc<Caches>,
}

#[derive(Default)]
struct Caches {
    v4: SigningKeyCache,
    v4a: V4aKeyCache,
}

/// The key one signature is computed with; its variant decides the algorithm.
pub(crate) enum Key {
    V4(SigningKey),
    V4a(Arc<EcdsaKey>),
}

impl Key {
    pub(crate) fn algorithm(&self) -> SigningAlgorithm {
        match self {
            Self::V4(_) => SigningAlgorithm::SigV4,
            Self::V4a(_) => SigningAlgorithm::SigV4a,
        }
    }
}

impl Signer {
    /// A signer with default-sized key caches.
    pub fn new() -> Self {
        Self::default()
    }

    /// A signer using `cache` for SigV4 keys (e.g. [`SigningKeyCache::with_capacity`]) and a
    /// default [`V4aKeyCache`].
    pub fn with_cache(cache: SigningKeyCache) -> Self {
        Self::with_caches(cache, V4aKeyCache::default())
    }

    /// A signer using `v4` for SigV4 keys and `v4a` for SigV4a keys.
    pub fn with_caches(v4: SigningKeyCache, v4a: V4aKeyCache) -> Self {
        Self {
            caches: Arc::new(Caches { v4, v4a }),
        }
    }

    /// The SigV4 key cache, for statistics or to [`clear`](SigningKeyCache::clear) it.
    pub fn cache(&self) -> &SigningKeyCache {
        &self.caches.v4
    }

    /// The SigV4a key cache, for statistics or to [`clear`](V4aKeyCache::clear) it.
    pub fn v4a_cache(&self) -> &V4aKeyCache {
        &self.caches.v4a
    }

    /// Same as the free function [`sign_headers`].
    ///
    /// # Errors
    ///
    /// See [`sign_headers`].
    pub fn sign_headers(
        &self,
        parts: &mut Parts,
        params: &SigningParams<'_>,
    ) -> Result<(), SigningError> {
        sign_headers(self, parts, params)
    }

    /// Same as the free function [`presign`](crate::presign()).
    ///
    /// # Errors
    ///
    /// See [`presign`](crate::presign()).
    pub fn presign(
        &self,
        parts: &Parts,
        params: &SigningParams<'_>,
        expires_in: Duration,
    ) -> Result<Uri, SigningError> {
        crate::presign::presign(self, parts, params, expires_in)
    }

    /// Same as the free function [`sign_headers_v4a`].
    ///
    /// # Errors
    ///
    /// See [`sign_headers_v4a`].
    pub fn sign_headers_v4a(
        &self,
        parts: &mut Parts,
        params: &SigningParams<'_>,
    ) -> Result<(), SigningError> {
        sign_headers_v4a(self, parts, params)
    }

    /// Same as the free function [`presign_v4a`](crate::presign_v4a()).
    ///
    /// # Errors
    ///
    /// See [`presign_v4a`](crate::presign_v4a()).
    pub fn presign_v4a(
        &self,
        parts: &Parts,
        params: &SigningParams<'_>,
        expires_in: Duration,
    ) -> Result<Uri, SigningError> {
        crate::presign::presign_v4a(self, parts, params, expires_in)
    }

    /// Header signing with the algorithm picked at run time, e.g. from the endpoint's auth
    /// scheme with [`SigningAlgorithm::from_auth_scheme`]: [`sign_headers`] or
    /// [`sign_headers_v4a`]. For SigV4a, `params.region` is the region set.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use session_sigv4::{Identity, PayloadHash, Signer, SigningAlgorithm, SigningParams, SigningSettings};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // What endpoint rules say for an S3 Multi-Region Access Point:
    /// // {"name": "sigv4a", "signingName": "s3", "signingRegionSet": ["*"]}
    /// let (scheme, region_set) = ("sigv4a", ["*"]);
    /// let algorithm = SigningAlgorithm::from_auth_scheme(scheme).ok_or("unsupported scheme")?;
    /// let region = region_set.join(",");
    ///
    /// let signer = Signer::new();
    /// let settings = SigningSettings::s3();
    /// let params = SigningParams {
    ///     identity: Identity::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    ///     region: &region,
    ///     service: "s3",
    ///     time: SystemTime::now(),
    ///     payload: PayloadHash::UnsignedPayload,
    ///     settings: &settings,
    /// };
    /// let (mut parts, _) =
    ///     http::Request::get("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key")
    ///         .body(())?
    ///         .into_parts();
    /// signer.sign_headers_with(algorithm, &mut parts, &params)?;
    /// assert_eq!(parts.headers["x-amz-region-set"], "*");
    /// assert!(parts.headers["authorization"]
    ///     .to_str()?
    ///     .starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// See [`sign_headers`] and [`sign_headers_v4a`].
    pub fn sign_headers_with(
        &self,
        algorithm: SigningAlgorithm,
        parts: &mut Parts,
        params: &SigningParams<'_>,
    ) -> Result<(), SigningError> {
        sign_headers_impl(self, parts, params, algorithm, false).map(|_| ())
    }

    /// Query signing with the algorithm picked at run time: [`presign`](crate::presign()) or
    /// [`presign_v4a`](crate::presign_v4a()).
    ///
    /// # Errors
    ///
    /// See [`presign`](crate::presign()) and [`presign_v4a`](crate::presign_v4a()).
    pub fn presign_with(
        &self,
        algorithm: SigningAlgorithm,
        parts: &Parts,
        params: &SigningParams<'_>,
        expires_in: Duration,
    ) -> Result<Uri, SigningError> {
        crate::presign::presign_impl(self, parts, params, algorithm, expires_in, false)
            .map(|(uri, _)| uri)
    }

    /// The SigV4a public key of `identity` as an uncompressed SEC1 point (`04 ‖ X ‖ Y`, 65
    /// bytes), from the SigV4a key cache or freshly derived: what a verifier (or a test)
    /// checks SigV4a signatures with.
    ///
    /// # Errors
    ///
    /// An empty secret or an access key id that cannot go into a credential scope.
    pub fn v4a_public_key(&self, identity: &Identity<'_>) -> Result<[u8; 65], SigningError> {
        let key = self.caches.v4a.key(identity, || identity.validate_keys())?;
        Ok(key.public_key())
    }

    /// The key for one signature: SigV4's per day and scope, SigV4a's per credentials.
    pub(crate) fn key(
        &self,
        algorithm: SigningAlgorithm,
        params: &SigningParams<'_>,
        date: &AmzDate,
    ) -> Result<Key, SigningError> {
        match algorithm {
            SigningAlgorithm::SigV4 => self
                .caches
                .v4
                .signing_key(
                    &params.identity,
                    date.date_bytes(),
                    params.time,
                    params.region,
                    params.service,
                    || params.validate_scope(),
                )
                .map(Key::V4),
            SigningAlgorithm::SigV4a => {
                // The key does not depend on the region set or service, so a cache hit says
                // nothing about them: they are checked on every signature (a few bytes).
                params.validate_v4a_scope()?;
                self.caches
                    .v4a
                    .key(&params.identity, || params.identity.validate_keys())
                    .map(Key::V4a)
            }
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("cache", &self.caches.v4)
            .field("v4a_cache", &self.caches.v4a)
            .finish()
    }
}

/// The intermediate products of one signature, for debugging and conformance tests.
///
/// Produced by [`sign_headers_explained`] and [`presign_explained`](crate::presign_explained)
/// through the same code path as the plain functions. `Debug` redacts the session token, which
/// the canonical request may contain.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
}

impl SigningOutput {
    /// The canonical request.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The hex signature.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    pub(crate) fn capture(scratch: &Scratch, signature: &str) -> Self {
        Self {
            canonical_request: String::from_utf8_lossy(&scratch.creq).into_owned(),
            string_to_sign: String::from_utf8_lossy(&scratch.sts).into_owned(),
            signature: signature.to_owned(),
        }
    }
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("canonical_request", &redact_token(&self.canonical_request))
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .finish()
    }
}

/// Replaces the value of `x-amz-security-token:` lines and `X-Amz-Security-Token=` parameters.
fn redact_token(creq: &str) -> String {
    const REDACTED: &str = "** redacted **";
    let mut out = String::with_capacity(creq.len());
    for (i, line) in creq.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with("x-amz-security-token:") {
            out.push_str("x-amz-security-token:");
            out.push_str(REDACTED);
        } else if let Some(pos) = line.find("X-Amz-Security-Token=") {
            let value_start = pos + "X-Amz-Security-Token=".len();
            let value_end = line[value_start..]
                .find('&')
                .map_or(line.len(), |e| value_start + e);
            out.push_str(&line[..value_start]);
            out.push_str(REDACTED);
            out.push_str(&line[value_end..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Whether a header of the request is signed.
pub(crate) fn should_sign(name: &HeaderName, settings: &SigningSettings, skip_token: bool) -> bool {
    if is_never_signed(name) {
        return false;
    }
    if name == X_AMZ_SECURITY_TOKEN {
        return !skip_token;
    }
    name == HOST
        || name == X_AMZ_DATE
        || name == X_AMZ_CONTENT_SHA256
        || settings.signed_headers.allows(name)
}

/// Hashes `scratch.creq`, writes the string to sign into `scratch.sts` and returns the hex
/// signature: SigV4's HMAC or SigV4a's DER-encoded ECDSA signature, as `key` is.
pub(crate) fn compute_signature(
    scratch: &mut Scratch,
    key: &Key,
    date: &AmzDate,
    params: &SigningParams<'_>,
) -> Result<Signature, SigningError> {
    let algorithm = key.algorithm();
    let hash = Sha256::digest(&scratch.creq);
    let sts = &mut scratch.sts;
    sts.clear();
    sts.extend_from_slice(algorithm.name().as_bytes());
    sts.push(b'\n');
    sts.extend_from_slice(date.timestamp().as_bytes());
    sts.push(b'\n');
    push_scope(sts, date, params, algorithm);
    sts.push(b'\n');
    push_hex(sts, &hash);
    match key {
        // The signing key comes from aws-sigv4's derivation (cached with its HMAC pads
        // hashed); the final HMAC is computed here so the hex signature is written straight
        // out.
        Key::V4(key) => Ok(Signature::from_bytes(&key.mac(sts))),
        Key::V4a(key) => Ok(Signature::from_bytes(key.sign(sts)?.as_bytes())),
    }
}

/// A signature in lowercase hex, kept on the stack (one allocation less per request): 64
/// digits for SigV4, up to 144 for SigV4a (a DER-encoded P-256 signature is at most 72 bytes).
pub(crate) struct Signature {
    hex: [u8; 144],
    len: usize,
}

impl Signature {
    fn from_bytes(bytes: &[u8]) -> Self {
        let mut hex = [0u8; 144];
        let mut len = 0;
        for (pair, b) in hex.chunks_exact_mut(2).zip(bytes) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0xF)];
            len += 2;
        }
        Self { hex, len }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only hex digits are ever written.
        std::str::from_utf8(&self.hex[..self.len]).unwrap_or_default()
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The credential scope: `YYYYMMDD/region/service/aws4_request` for SigV4,
/// `YYYYMMDD/service/aws4_request` for SigV4a (whose regions are in `X-Amz-Region-Set`).
pub(crate) fn push_scope(
    out: &mut Vec<u8>,
    date: &AmzDate,
    params: &SigningParams<'_>,
    algorithm: SigningAlgorithm,
) {
    out.extend_from_slice(date.date().as_bytes());
    out.push(b'/');
    if algorithm == SigningAlgorithm::SigV4 {
        out.extend_from_slice(params.region.as_bytes());
        out.push(b'/');
    }
    out.extend_from_slice(params.service.as_bytes());
    out.extend_from_slice(b"/aws4_request");
}

fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xF)]);
    }
}

fn payload_header_value(payload: &PayloadHash<'_>) -> Result<HeaderValue, SigningError> {
    match payload {
        PayloadHash::Precomputed(hash) => HeaderValue::from_str(hash)
            .map_err(|e| SigningError::header_value_from("invalid payload hash", e)),
        PayloadHash::UnsignedPayload => Ok(HeaderValue::from_static("UNSIGNED-PAYLOAD")),
        PayloadHash::StreamingUnsignedPayloadTrailer => Ok(HeaderValue::from_static(
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        )),
        PayloadHash::Empty => Ok(HeaderValue::from_static(crate::params::EMPTY_SHA256)),
    }
}

fn sensitive(value: &str, what: &'static str) -> Result<HeaderValue, SigningError> {
    let mut v =
        HeaderValue::from_str(value).map_err(|e| SigningError::header_value_from(what, e))?;
    v.set_sensitive(true);
    Ok(v)
}

/// Signs `parts` in place with SigV4 header authentication.
///
/// Adds (replacing any existing value) `x-amz-date`, `x-amz-content-sha256` when
/// [`SigningSettings::content_sha256_header`] is set, `x-amz-security-token` when the identity
/// has a session token (removing a stale one when it has none) and `Authorization`. The token
/// and `Authorization` values are marked sensitive. Signing the same `Parts` again (a retry)
/// replaces all of them. The request is left untouched when an error is returned.
///
/// When the request has no `Host` header, the host signed is the URI authority as hyper sends
/// it (the port only when it is not the scheme's default).
///
/// # Errors
///
/// Invalid credentials, region, service or payload hash; a time before 1970 or after 9999; a
/// signed header value that is not UTF-8; neither a `Host` header nor a URI authority.
pub fn sign_headers(
    signer: &Signer,
    parts: &mut Parts,
    params: &SigningParams<'_>,
) -> Result<(), SigningError> {
    sign_headers_impl(signer, parts, params, SigningAlgorithm::SigV4, false).map(|_| ())
}

/// [`sign_headers`], also returning the canonical request, string to sign and signature.
///
/// # Errors
///
/// See [`sign_headers`].
pub fn sign_headers_explained(
    signer: &Signer,
    parts: &mut Parts,
    params: &SigningParams<'_>,
) -> Result<SigningOutput, SigningError> {
    sign_headers_impl(signer, parts, params, SigningAlgorithm::SigV4, true)?
        .ok_or_else(|| SigningError::params("explanation was not captured"))
}

/// Signs `parts` in place with SigV4a (`AWS4-ECDSA-P256-SHA256`) header authentication.
///
/// `params.region` is the region set the signature is valid in: one region (`us-east-1`), a
/// comma-separated list (`us-east-1,us-west-2`) or `*`. It is sent and signed as
/// `X-Amz-Region-Set`; the credential scope is `YYYYMMDD/service/aws4_request`. Everything
/// else is as in [`sign_headers`]: the same canonical request, headers added and replaced on
/// a retry, sensitive values, settings (`x-amz-content-sha256` for S3, session token mode).
///
/// The signature is a hex DER-encoded ECDSA P-256 signature with an RFC 6979 nonce (the same
/// request, key and time always sign the same; SigV4a verifiers accept any valid signature).
/// The P-256 key is derived from the credentials once and kept in the signer's
/// [`V4aKeyCache`].
///
/// ```
/// use std::time::SystemTime;
/// use session_sigv4::{sign_headers_v4a, Identity, PayloadHash, Signer, SigningParams, SigningSettings};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let signer = Signer::new();
/// let settings = SigningSettings::default();
/// let params = SigningParams {
///     identity: Identity::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
///     region: "us-east-1,us-west-2", // the region set
///     service: "service",
///     time: SystemTime::now(),
///     payload: PayloadHash::Empty,
///     settings: &settings,
/// };
/// let (mut parts, _) = http::Request::get("https://example.amazonaws.com/").body(())?.into_parts();
/// sign_headers_v4a(&signer, &mut parts, &params)?;
/// assert_eq!(parts.headers["x-amz-region-set"], "us-east-1,us-west-2");
/// let auth = parts.headers["authorization"].to_str()?;
/// assert!(auth.starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/"));
/// assert!(auth.contains("/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=30"));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// Everything [`sign_headers`] rejects, with the region set instead of the region: an empty
/// set, an empty member (`a,,b`), or a member that is not visible ASCII or contains `/`.
pub fn sign_headers_v4a(
    signer: &Signer,
    parts: &mut Parts,
    params: &SigningParams<'_>,
) -> Result<(), SigningError> {
    sign_headers_impl(signer, parts, params, SigningAlgorithm::SigV4a, false).map(|_| ())
}

/// [`sign_headers_v4a`], also returning the canonical request, string to sign and signature.
///
/// # Errors
///
/// See [`sign_headers_v4a`].
pub fn sign_headers_v4a_explained(
    signer: &Signer,
    parts: &mut Parts,
    params: &SigningParams<'_>,
) -> Result<SigningOutput, SigningError> {
    sign_headers_impl(signer, parts, params, SigningAlgorithm::SigV4a, true)?
        .ok_or_else(|| SigningError::params("explanation was not captured"))
}

fn sign_headers_impl(
    signer: &Signer,
    parts: &mut Parts,
    params: &SigningParams<'_>,
    algorithm: SigningAlgorithm,
    explain: bool,
) -> Result<Option<SigningOutput>, SigningError> {
    // The key, region (set) and service are checked when the signing key is looked up.
    params.validate_request()?;
    let settings = params.settings;
    let date = AmzDate::from_system_time(params.time)?;
    let payload = params.payload.as_str();
    let token = params.identity.session_token();

    let date_value = HeaderValue::from_str(date.timestamp())
        .map_err(|e| SigningError::header_value_from("invalid x-amz-date", e))?;
    let sha_value = if settings.content_sha256_header {
        Some(payload_header_value(&params.payload)?)
    } else {
        None
    };
    let token_value = token
        .map(|t| sensitive(t, "invalid session token"))
        .transpose()?;

    // Checked before anything is built: the region set is validated with the key.
    let key = signer.key(algorithm, params, &date)?;
    let region_set_value = match algorithm {
        SigningAlgorithm::SigV4 => None,
        SigningAlgorithm::SigV4a => Some(
            HeaderValue::from_str(params.region)
                .map_err(|e| SigningError::header_value_from("invalid region set", e))?,
        ),
    };

    let mut synthetic = [
        ("x-amz-date", date.timestamp()),
        ("", ""),
        ("", ""),
        ("", ""),
    ];
    let mut n = 1;
    if settings.content_sha256_header {
        synthetic[n] = ("x-amz-content-sha256", payload);
        n += 1;
    }
    if region_set_value.is_some() {
        synthetic[n] = ("x-amz-region-set", params.region);
        n += 1;
    }
    if let (Some(t), SessionTokenMode::Include) = (token, settings.session_token_mode) {
        synthetic[n] = ("x-amz-security-token", t);
        n += 1;
    }

    let (authorization, explained) = canonical::with_scratch(|s| {
        let request = Request {
            method: parts.method.as_str(),
            uri: &parts.uri,
            headers: HeaderInput {
                headers: &parts.headers,
                synthetic: &synthetic[..n],
                fallback_host: Some(&parts.uri),
                // The token header is managed here: re-added below, never taken from the map.
                sign: |name: &HeaderName| should_sign(name, settings, true),
            },
            normalize: settings.uri_path_normalization,
            mode: settings.percent_encoding_mode,
            payload_hash: payload,
            presign: None,
        };
        canonical::build(&request, s)?;
        let signature = compute_signature(s, &key, &date, params)?;

        let out = &mut s.out;
        out.clear();
        out.extend_from_slice(algorithm.name().as_bytes());
        out.extend_from_slice(b" Credential=");
        out.extend_from_slice(params.identity.access_key_id().as_bytes());
        out.push(b'/');
        push_scope(out, &date, params, algorithm);
        out.extend_from_slice(b", SignedHeaders=");
        out.extend_from_slice(&s.signed_headers);
        out.extend_from_slice(b", Signature=");
        out.extend_from_slice(signature.as_str().as_bytes());
        let mut authorization = HeaderValue::from_bytes(out)
            .map_err(|e| SigningError::header_value_from("invalid Authorization value", e))?;
        authorization.set_sensitive(true);
        let explained = explain.then(|| SigningOutput::capture(s, signature.as_str()));
        Ok::<_, SigningError>((authorization, explained))
    })?;

    let headers = &mut parts.headers;
    headers.insert(X_AMZ_DATE, date_value);
    if let Some(v) = sha_value {
        headers.insert(X_AMZ_CONTENT_SHA256, v);
    }
    if let Some(v) = region_set_value {
        headers.insert(X_AMZ_REGION_SET, v);
    }
    match token_value {
        Some(v) => {
            headers.insert(X_AMZ_SECURITY_TOKEN, v);
        }
        None => {
            headers.remove(X_AMZ_SECURITY_TOKEN);
        }
    }
    headers.insert(AUTHORIZATION, authorization);
    Ok(explained)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_covers_header_and_query_forms() {
        let creq = "GET\n/\na=1&X-Amz-Security-Token=SECRET%2FTOKEN&X-Amz-SignedHeaders=host\nhost:h\nx-amz-security-token:SECRETTOKEN\n\nhost\nUNSIGNED-PAYLOAD";
        let shown = redact_token(creq);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("a=1&X-Amz-Security-Token=** redacted **&X-Amz-SignedHeaders=host"));
        assert!(shown.contains("x-amz-security-token:** redacted **\n"));
    }

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn signer_is_send_sync() {
        assert_send_sync::<Signer>();
        assert_send_sync::<SigningOutput>();
    }
}
