//! Query-string signing (presigned URLs).

use std::time::Duration;

use http::request::Parts;
use http::uri::PathAndQuery;
use http::Uri;

use crate::algorithm::SigningAlgorithm;
use crate::canonical::{self, query, HeaderInput, PresignQuery, Request};
use crate::date::AmzDate;
use crate::error::SigningError;
use crate::params::SigningParams;
use crate::settings::SessionTokenMode;
use crate::signer::{compute_signature, should_sign, Signer, SigningOutput};

/// The longest expiry SigV4 allows: 7 days.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(604_800);

/// The shortest expiry: 1 second.
pub const MIN_EXPIRES_IN: Duration = Duration::from_secs(1);

/// Returns a presigned URI for the request: its URI with `X-Amz-Algorithm`, `X-Amz-Credential`,
/// `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Expires`, `X-Amz-Security-Token` (with a session
/// token) and `X-Amz-Signature` appended to the query.
///
/// The request headers that are signed (at least `host`) must be sent with the URL. The payload
/// hash is usually [`PayloadHash::UnsignedPayload`](crate::PayloadHash::UnsignedPayload);
/// `x-amz-content-sha256` is never added. Whole seconds of `expires_in` are used.
///
/// The returned URI is a bearer credential: it (and its `Debug` output) carries the signature
/// and any session token.
///
/// # Errors
///
/// `expires_in` shorter than 1 second or longer than 7 days (604 800 s), and everything
/// [`sign_headers`](crate::sign_headers()) rejects.
pub fn presign(
    signer: &Signer,
    parts: &Parts,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<Uri, SigningError> {
    presign_impl(
        signer,
        parts,
        params,
        SigningAlgorithm::SigV4,
        expires_in,
        false,
    )
    .map(|(uri, _)| uri)
}

/// [`presign`](presign()), also returning the canonical request, string to sign and signature.
///
/// # Errors
///
/// See [`presign`](presign()).
pub fn presign_explained(
    signer: &Signer,
    parts: &Parts,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<(Uri, SigningOutput), SigningError> {
    explained(presign_impl(
        signer,
        parts,
        params,
        SigningAlgorithm::SigV4,
        expires_in,
        true,
    )?)
}

/// Returns a SigV4a presigned URI: as [`presign`](presign()), with `X-Amz-Algorithm`
/// `AWS4-ECDSA-P256-SHA256`, the credential scope `YYYYMMDD/service/aws4_request` and
/// `X-Amz-Region-Set` (from `params.region`, the region set: `us-east-1`,
/// `us-east-1,us-west-2` or `*`) in the signed query. `X-Amz-Signature` is the hex
/// DER-encoded ECDSA P-256 signature.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use session_sigv4::{presign_v4a, Identity, PayloadHash, Signer, SigningParams, SigningSettings};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let settings = SigningSettings::s3();
/// let params = SigningParams {
///     identity: Identity::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
///     region: "*",
///     service: "s3",
///     time: SystemTime::now(),
///     payload: PayloadHash::UnsignedPayload,
///     settings: &settings,
/// };
/// let (get, _) = http::Request::get("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key.txt")
///     .body(())?
///     .into_parts();
/// let url = presign_v4a(&Signer::new(), &get, &params, Duration::from_secs(900))?;
/// let query = url.query().unwrap_or_default();
/// assert!(query.starts_with("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&"));
/// assert!(query.contains("&X-Amz-Region-Set=%2A&"));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// Everything [`presign`](presign()) rejects, with the region set checked as
/// [`sign_headers_v4a`](crate::sign_headers_v4a()) checks it.
pub fn presign_v4a(
    signer: &Signer,
    parts: &Parts,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<Uri, SigningError> {
    presign_impl(
        signer,
        parts,
        params,
        SigningAlgorithm::SigV4a,
        expires_in,
        false,
    )
    .map(|(uri, _)| uri)
}

/// [`presign_v4a`](presign_v4a()), also returning the canonical request, string to sign and
/// signature.
///
/// # Errors
///
/// See [`presign_v4a`](presign_v4a()).
pub fn presign_v4a_explained(
    signer: &Signer,
    parts: &Parts,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<(Uri, SigningOutput), SigningError> {
    explained(presign_impl(
        signer,
        parts,
        params,
        SigningAlgorithm::SigV4a,
        expires_in,
        true,
    )?)
}

fn explained(
    (uri, explained): (Uri, Option<SigningOutput>),
) -> Result<(Uri, SigningOutput), SigningError> {
    let explained =
        explained.ok_or_else(|| SigningError::params("explanation was not captured"))?;
    Ok((uri, explained))
}

pub(crate) fn check_expiry(expires_in: Duration) -> Result<u64, SigningError> {
    if expires_in < MIN_EXPIRES_IN {
        return Err(SigningError::expiry("expires_in must be at least 1 second"));
    }
    if expires_in > MAX_EXPIRES_IN {
        return Err(SigningError::expiry(
            "expires_in must be at most 604800 seconds (7 days)",
        ));
    }
    Ok(expires_in.as_secs())
}

pub(crate) fn presign_impl(
    signer: &Signer,
    parts: &Parts,
    params: &SigningParams<'_>,
    algorithm: SigningAlgorithm,
    expires_in: Duration,
    explain: bool,
) -> Result<(Uri, Option<SigningOutput>), SigningError> {
    let expires = check_expiry(expires_in)?.to_string();
    // The key, region (set) and service are checked when the signing key is looked up.
    params.validate_request()?;
    let settings = params.settings;
    let date = AmzDate::from_system_time(params.time)?;
    let token = params.identity.session_token();
    let token_mode = settings.session_token_mode;
    let signed_token = token.filter(|_| token_mode == SessionTokenMode::Include);
    let key = signer.key(algorithm, params, &date)?;
    let region_set = (algorithm == SigningAlgorithm::SigV4a).then_some(params.region);

    let mut credential = Vec::with_capacity(96);
    credential.extend_from_slice(params.identity.access_key_id().as_bytes());
    credential.push(b'/');
    crate::signer::push_scope(&mut credential, &date, params, algorithm);
    // Only visible ASCII went in (validated).
    let credential = String::from_utf8_lossy(&credential);

    canonical::with_scratch(|s| {
        let request = Request {
            method: parts.method.as_str(),
            uri: &parts.uri,
            headers: HeaderInput {
                headers: &parts.headers,
                synthetic: &[],
                fallback_host: Some(&parts.uri),
                sign: |name: &http::HeaderName| {
                    should_sign(name, settings, token_mode != SessionTokenMode::Include)
                },
            },
            normalize: settings.uri_path_normalization,
            mode: settings.percent_encoding_mode,
            payload_hash: params.payload.as_str(),
            presign: Some(PresignQuery {
                algorithm: algorithm.name(),
                region_set,
                credential: &credential,
                amz_date: date.timestamp(),
                expires: &expires,
                token: signed_token,
            }),
        };
        canonical::build(&request, s)?;
        let signature = compute_signature(s, &key, &date, params)?;

        let out = &mut s.out;
        out.clear();
        out.extend_from_slice(parts.uri.path().as_bytes());
        out.push(b'?');
        if let Some(q) = parts.uri.query().filter(|q| !q.is_empty()) {
            out.extend_from_slice(q.as_bytes());
            out.push(b'&');
        }
        let mut add = |name: &str, value: &str, first: bool| {
            if !first {
                out.push(b'&');
            }
            out.extend_from_slice(name.as_bytes());
            out.push(b'=');
            query::encode(value.as_bytes(), out);
        };
        add("X-Amz-Algorithm", algorithm.name(), true);
        add("X-Amz-Credential", &credential, false);
        add("X-Amz-Date", date.timestamp(), false);
        add(
            "X-Amz-SignedHeaders",
            &String::from_utf8_lossy(&s.signed_headers),
            false,
        );
        add("X-Amz-Expires", &expires, false);
        if let Some(t) = token {
            add("X-Amz-Security-Token", t, false);
        }
        if let Some(set) = region_set {
            add("X-Amz-Region-Set", set, false);
        }
        add("X-Amz-Signature", signature.as_str(), false);

        let path_and_query = PathAndQuery::try_from(out.as_slice())
            .map_err(|e| SigningError::uri("presigned path and query are invalid", e))?;
        let mut uri_parts = parts.uri.clone().into_parts();
        uri_parts.path_and_query = Some(path_and_query);
        let uri = Uri::from_parts(uri_parts)
            .map_err(|e| SigningError::uri("presigned URI is invalid", e))?;
        let explained = explain.then(|| SigningOutput::capture(s, signature.as_str()));
        Ok((uri, explained))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_bounds() {
        assert!(check_expiry(Duration::ZERO)
            .unwrap_err()
            .is_invalid_expiry());
        assert!(check_expiry(Duration::from_millis(999))
            .unwrap_err()
            .is_invalid_expiry());
        assert_eq!(check_expiry(Duration::from_secs(1)).unwrap(), 1);
        assert_eq!(check_expiry(Duration::from_millis(1500)).unwrap(), 1);
        assert_eq!(check_expiry(MAX_EXPIRES_IN).unwrap(), 604_800);
        let err = check_expiry(MAX_EXPIRES_IN + Duration::from_secs(1)).unwrap_err();
        assert!(err.is_invalid_expiry());
        assert!(err.to_string().contains("604800"));
        assert!(check_expiry(MAX_EXPIRES_IN + Duration::from_nanos(1)).is_err());
    }
}
