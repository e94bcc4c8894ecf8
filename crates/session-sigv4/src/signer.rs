//! The signer handle, header signing and the shared signature computation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use http::request::Parts;
use http::Uri;
use sha2::{Digest, Sha256};

use crate::canonical::{self, HeaderInput, Request, Scratch};
use crate::date::AmzDate;
use crate::error::SigningError;
use crate::key_cache::{SigningKey, SigningKeyCache};
use crate::params::{PayloadHash, SigningParams};
use crate::settings::{is_never_signed, SessionTokenMode, SigningSettings};

/// The SigV4 algorithm name.
pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";

pub(crate) const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
pub(crate) const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
pub(crate) const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");

/// Signs requests, reusing derived signing keys.
///
/// Cheap to clone (one `Arc`), `Send + Sync`: there is no need to wrap it in an `Arc`. Clones
/// share one [`SigningKeyCache`]. Holds no credentials itself; `Debug` shows cache statistics
/// only.
#[derive(Clone, Default)]
pub struct Signer {
    cache: Arc<SigningKeyCache>,
}

impl Signer {
    /// A signer with a default-sized key cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// A signer using `cache` (e.g. [`SigningKeyCache::with_capacity`]).
    pub fn with_cache(cache: SigningKeyCache) -> Self {
        Self {
            cache: Arc::new(cache),
        }
    }

    /// The key cache, for statistics or to [`clear`](SigningKeyCache::clear) it.
    pub fn cache(&self) -> &SigningKeyCache {
        &self.cache
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

    pub(crate) fn signing_key(
        &self,
        params: &SigningParams<'_>,
        date: &AmzDate,
    ) -> Result<SigningKey, SigningError> {
        self.cache.signing_key(
            &params.identity,
            date.date_bytes(),
            params.time,
            params.region,
            params.service,
            || params.validate_scope(),
        )
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("cache", &self.cache)
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
/// signature.
pub(crate) fn compute_signature(
    scratch: &mut Scratch,
    key: &SigningKey,
    date: &AmzDate,
    params: &SigningParams<'_>,
) -> Signature {
    let hash = Sha256::digest(&scratch.creq);
    let sts = &mut scratch.sts;
    sts.clear();
    sts.extend_from_slice(ALGORITHM.as_bytes());
    sts.push(b'\n');
    sts.extend_from_slice(date.timestamp().as_bytes());
    sts.push(b'\n');
    push_scope(sts, date, params);
    sts.push(b'\n');
    push_hex(sts, &hash);
    // The signing key comes from aws-sigv4's derivation (cached with its HMAC pads hashed);
    // the final HMAC is computed here so the hex signature is written straight out.
    let tag = key.mac(sts);
    let mut hex = [0u8; 64];
    for (pair, b) in hex.chunks_exact_mut(2).zip(tag.iter()) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xF)];
    }
    Signature(hex)
}

/// A signature in lowercase hex, kept on the stack (one allocation less per request).
pub(crate) struct Signature([u8; 64]);

impl Signature {
    pub(crate) fn as_str(&self) -> &str {
        // Only hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `YYYYMMDD/region/service/aws4_request`.
pub(crate) fn push_scope(out: &mut Vec<u8>, date: &AmzDate, params: &SigningParams<'_>) {
    out.extend_from_slice(date.date().as_bytes());
    out.push(b'/');
    out.extend_from_slice(params.region.as_bytes());
    out.push(b'/');
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
    sign_headers_impl(signer, parts, params, false).map(|_| ())
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
    sign_headers_impl(signer, parts, params, true)?
        .ok_or_else(|| SigningError::params("explanation was not captured"))
}

fn sign_headers_impl(
    signer: &Signer,
    parts: &mut Parts,
    params: &SigningParams<'_>,
    explain: bool,
) -> Result<Option<SigningOutput>, SigningError> {
    // The key, region and service are checked when the signing key is looked up.
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

    let mut synthetic = [("x-amz-date", date.timestamp()), ("", ""), ("", "")];
    let mut n = 1;
    if settings.content_sha256_header {
        synthetic[n] = ("x-amz-content-sha256", payload);
        n += 1;
    }
    if let (Some(t), SessionTokenMode::Include) = (token, settings.session_token_mode) {
        synthetic[n] = ("x-amz-security-token", t);
        n += 1;
    }

    let key = signer.signing_key(params, &date)?;
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
        let signature = compute_signature(s, &key, &date, params);

        let out = &mut s.out;
        out.clear();
        out.extend_from_slice(ALGORITHM.as_bytes());
        out.extend_from_slice(b" Credential=");
        out.extend_from_slice(params.identity.access_key_id().as_bytes());
        out.push(b'/');
        push_scope(out, &date, params);
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
