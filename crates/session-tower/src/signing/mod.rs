//! The signing stage: SigV4 with the session-sigv4 signer (derived keys cached, canonical
//! request built without per-request churn).
//!
//! Payload hash: the real SHA-256 for in-memory bodies (they are small, and services such as
//! s3s-fs verify it); `UNSIGNED-PAYLOAD` for streaming bodies, which are never buffered. S3
//! also gets `x-amz-content-sha256`. (aws-chunked signed streaming is not used: over TLS the
//! transport already protects the body, which is what the AWS SDKs rely on too.)
//!
//! `authorization` and `x-amz-security-token` are marked sensitive, so hyper and any
//! tracing layer show them redacted.
//!
//! SigV4a (`AWS4-ECDSA-P256-SHA256`) is used where the endpoint's auth scheme is `sigv4a`
//! (S3 Multi-Region Access Points, EventBridge global endpoints) or the model prefers it, in
//! the endpoint's region set unless the client's `sigv4a_signing_region_set` replaces it.
//! Bearer tokens go into `Authorization: Bearer …`, marked sensitive too. Which of these a
//! request gets is decided per operation ([`AuthScheme`]; see `docs/auth.md`).

mod auth;

pub(crate) use auth::{Auth, AuthPlan, Unsigned};
pub use auth::{AuthScheme, OperationAuth, UnsignedPayload};

use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue, Request};
use session_core::credentials::Credentials;
use session_sigv4::{
    Identity, PayloadHash, PercentEncodingMode, SignedHeaderRules, Signer, SigningAlgorithm,
    SigningParams, SigningSettings,
};
use sha2::{Digest, Sha256};
use tower_layer::Layer;
use tower_service::Service;

use crate::body::SdkBody;
use crate::clock::Clock;
use crate::endpoint::SigningScope;
use crate::error::{Error, Kind};
use crate::future::StageFuture;
use crate::token::Token;

const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
const UNSIGNED_PAYLOAD: HeaderValue = HeaderValue::from_static("UNSIGNED-PAYLOAD");

/// What one request is authorized with.
pub(crate) enum AuthIdentity {
    /// Nothing: sent unsigned.
    None,
    /// Signed with SigV4 or SigV4a.
    Credentials(Credentials),
    /// `Authorization: Bearer …`.
    Token(Token),
}

/// Signing configuration of one client.
#[derive(Debug)]
pub struct SigningConfig {
    signer: Signer,
    clock: Clock,
    /// Settings for scopes that double-encode and normalize paths (all but S3).
    standard: SigningSettings,
    /// Settings for scopes that do neither (S3).
    single: SigningSettings,
    fallback: SigningScope,
    /// The fallback for operations whose model prefers SigV4a, at an endpoint that names no
    /// scheme: the client's signing name, its region as the region set.
    fallback_v4a: SigningScope,
    /// `sigv4a_signing_region_set`: replaces every SigV4a region set.
    region_set: Option<Arc<str>>,
    /// The client's service, for the metrics of the layered segment's signing.
    service: &'static str,
}

impl SigningConfig {
    /// Signs with `signer` (share one per session so derived keys are reused), at `clock`'s
    /// time, with `fallback` when the endpoint rules name no scope. `content_sha256_header`
    /// adds `x-amz-content-sha256` (S3).
    pub fn new(
        signer: Signer,
        clock: Clock,
        fallback: SigningScope,
        content_sha256_header: bool,
    ) -> Self {
        let mut standard = SigningSettings::default();
        standard.content_sha256_header = content_sha256_header;
        // Retry bookkeeping, not part of what the request asks: the attempt header changes
        // between attempts, and neither is an `x-amz-*` header that SigV4 requires signed.
        // Leaving them out shortens the canonical request by two lines (two fewer SHA-256
        // blocks per signature).
        standard.signed_headers = SignedHeaderRules::AllExcept(vec![
            crate::headers::AMZ_SDK_INVOCATION_ID,
            crate::headers::AMZ_SDK_REQUEST,
        ]);
        let mut single = standard.clone();
        single.percent_encoding_mode = PercentEncodingMode::Single;
        single.uri_path_normalization = false;
        let fallback_v4a = SigningScope {
            algorithm: SigningAlgorithm::SigV4a,
            ..fallback.clone()
        };
        Self {
            signer,
            clock,
            standard,
            single,
            fallback,
            fallback_v4a,
            region_set: None,
            service: "unknown",
        }
    }

    /// The same, naming the client's service (for the signing time metric).
    pub(crate) fn for_service(mut self, service: &'static str) -> Self {
        self.service = service;
        self
    }

    /// Signs SigV4a requests for `region_set` (comma-joined: `*`, `us-east-1,us-west-2`)
    /// instead of the region set the endpoint names (the `sigv4a_signing_region_set`
    /// setting). `None`: the endpoint's.
    #[must_use]
    pub fn with_sigv4a_region_set(mut self, region_set: Option<Arc<str>>) -> Self {
        self.region_set = region_set;
        self
    }

    /// The client's own scope: SigV4, or SigV4a for operations whose model prefers it.
    pub(crate) fn default_scope(&self, v4a: bool) -> &SigningScope {
        if v4a {
            &self.fallback_v4a
        } else {
            &self.fallback
        }
    }

    /// The signing parameters for `creds` in `scope`: the settings follow the scope's path
    /// encoding (S3 encodes once and does not normalize).
    fn params<'a>(
        &'a self,
        creds: &'a Credentials,
        scope: &'a SigningScope,
        payload: PayloadHash<'a>,
    ) -> SigningParams<'a> {
        let settings = if scope.double_encode {
            &self.standard
        } else {
            &self.single
        };
        let mut identity = Identity::new(creds.access_key_id(), creds.secret_access_key());
        if let Some(token) = creds.session_token() {
            identity = identity.with_session_token(token);
        }
        let region = match (scope.algorithm, &self.region_set) {
            (SigningAlgorithm::SigV4a, Some(set)) => set,
            _ => &scope.region,
        };
        SigningParams {
            identity,
            region,
            service: &scope.name,
            time: self.clock.now(),
            payload,
            settings,
        }
    }

    /// A presigned URL for `parts` (already pointed at its endpoint), `scope` from the
    /// endpoint or this client's own (SigV4a's when `v4a`), with `UNSIGNED-PAYLOAD`; SigV4a
    /// where the scope says so.
    pub(crate) fn presign(
        &self,
        parts: &http::request::Parts,
        creds: &Credentials,
        scope: Option<&SigningScope>,
        v4a: bool,
        expires_in: std::time::Duration,
    ) -> Result<http::Uri, Error> {
        let scope = scope.unwrap_or(self.default_scope(v4a));
        let params = self.params(creds, scope, PayloadHash::UnsignedPayload);
        self.signer
            .presign_with(scope.algorithm, parts, &params, expires_in)
            .map_err(|e| Error::new(Kind::Signing).source_from(e))
    }

    /// The layered segment's signing: what the engine attached to the request's extensions
    /// (a token, the marker of an unsigned request, or credentials and a scope).
    fn sign(&self, mut req: Request<SdkBody>) -> Result<Request<SdkBody>, Error> {
        // Taken out, not cloned: both are reference-counted, and every clone touches a
        // counter that all cores share.
        let ext = req.extensions_mut();
        let unsigned_payload = ext.remove::<UnsignedPayload>().is_some();
        if let Some(token) = ext.remove::<Token>() {
            let (mut parts, body) = req.into_parts();
            bearer(&mut parts, &token)?;
            return Ok(Request::from_parts(parts, body));
        }
        if ext.remove::<Unsigned>().is_some() {
            return Ok(req);
        }
        let creds = ext
            .remove::<Credentials>()
            .ok_or_else(|| Error::with(Kind::Credentials, "no credentials on the request"))?;
        let endpoint_scope = ext.remove::<SigningScope>();
        let (mut parts, body) = req.into_parts();
        let scope = endpoint_scope.as_ref().unwrap_or(&self.fallback);
        self.sign_in(&mut parts, &body, &creds, scope, unsigned_payload)?;
        Ok(Request::from_parts(parts, body))
    }

    /// Authorizes `parts` (with `body`) in place: signed with credentials in the endpoint's
    /// `scope` or, when it names none, this client's own (SigV4a's when `v4a`), with
    /// `UNSIGNED-PAYLOAD` when `unsigned_payload`; a bearer token; or nothing.
    pub(crate) fn authorize(
        &self,
        parts: &mut http::request::Parts,
        body: &SdkBody,
        identity: &AuthIdentity,
        scope: Option<&SigningScope>,
        v4a: bool,
        unsigned_payload: bool,
    ) -> Result<(), Error> {
        match identity {
            AuthIdentity::None => Ok(()),
            AuthIdentity::Token(token) => bearer(parts, token),
            AuthIdentity::Credentials(creds) => {
                let scope = scope.unwrap_or(self.default_scope(v4a));
                self.sign_in(parts, body, creds, scope, unsigned_payload)
            }
        }
    }

    /// Signs `parts` (with `body`) in place with `creds` in `scope`.
    fn sign_in(
        &self,
        parts: &mut http::request::Parts,
        body: &SdkBody,
        creds: &Credentials,
        scope: &SigningScope,
        unsigned_payload: bool,
    ) -> Result<(), Error> {
        if !parts.headers.contains_key(http::header::HOST) {
            let authority = parts
                .uri
                .authority()
                .ok_or_else(|| Error::with(Kind::Signing, "request has no host"))?;
            let host = HeaderValue::from_str(authority.as_str())
                .map_err(|e| Error::with(Kind::Signing, "invalid host").source_from(e))?;
            parts.headers.insert(http::header::HOST, host);
        }
        let hash;
        let payload = match body.bytes() {
            _ if unsigned_payload => {
                // Signed with the rest, so the service knows which hash was signed (S3's
                // settings add it themselves).
                if !parts.headers.contains_key(X_AMZ_CONTENT_SHA256) {
                    parts.headers.insert(X_AMZ_CONTENT_SHA256, UNSIGNED_PAYLOAD);
                }
                PayloadHash::UnsignedPayload
            }
            Some([]) => PayloadHash::Empty,
            Some(bytes) => {
                hash = hex_sha256(bytes);
                // Hex digits are ASCII.
                PayloadHash::Precomputed(std::str::from_utf8(&hash).unwrap_or_default())
            }
            None => PayloadHash::UnsignedPayload,
        };
        let params = self.params(creds, scope, payload);
        self.signer
            .sign_headers_with(scope.algorithm, parts, &params)
            .map_err(|e| Error::new(Kind::Signing).source_from(e))
    }
}

/// `Authorization: Bearer <token>`, marked sensitive. The error never holds the token.
fn bearer(parts: &mut http::request::Parts, token: &Token) -> Result<(), Error> {
    let text = zeroize::Zeroizing::new(format!("Bearer {}", token.as_str()));
    let mut value = HeaderValue::from_str(&text).map_err(|_| {
        Error::with(
            Kind::Signing,
            format!(
                "the bearer token from {} is not a valid header value",
                token.source()
            ),
        )
    })?;
    value.set_sensitive(true);
    parts.headers.insert(http::header::AUTHORIZATION, value);
    Ok(())
}

/// The payload hash in hex, on the stack (no allocation per request).
fn hex_sha256(bytes: &[u8]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(digest.iter()) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xf)];
    }
    out
}

/// Adds [`SigningStage`] to a stack.
#[derive(Debug, Clone)]
pub struct SigningLayer {
    config: Arc<SigningConfig>,
}

impl SigningLayer {
    /// Signs by `config`.
    pub fn new(config: Arc<SigningConfig>) -> Self {
        Self { config }
    }
}

impl<S> Layer<S> for SigningLayer {
    type Service = SigningStage<S>;

    fn layer(&self, inner: S) -> SigningStage<S> {
        SigningStage {
            inner,
            config: self.config.clone(),
        }
    }
}

/// Signs each request with the credentials (and, when the endpoint names one, the
/// [`SigningScope`]) the engine attached to its extensions: the signing step of the layered
/// attempt segment, between the user's before- and after-signing layers.
#[derive(Debug, Clone)]
pub struct SigningStage<S> {
    inner: S,
    config: Arc<SigningConfig>,
}

impl<S, R> Service<Request<SdkBody>> for SigningStage<S>
where
    S: Service<Request<SdkBody>, Response = R, Error = Error>,
{
    type Response = R;
    type Error = Error;
    type Future = StageFuture<'static, S::Future, R>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let signing = crate::metrics::Stopwatch::start();
        let op = req
            .extensions()
            .get::<crate::trace::OperationName>()
            .map_or("unknown", |o| o.0);
        let signed = self.config.sign(req);
        crate::metrics::Operation::of(self.config.service, op).signing(signing);
        match signed {
            Ok(req) => StageFuture::inline(self.inner.call(req)),
            Err(e) => StageFuture::failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SigningConfig {
        let scope = SigningScope {
            name: "sqs".into(),
            region: "us-east-1".into(),
            double_encode: true,
            normalize_path: true,
            algorithm: SigningAlgorithm::SigV4,
        };
        SigningConfig::new(Signer::new(), Clock::default(), scope, false)
    }

    fn request(body: SdkBody, token: Option<&str>) -> Request<SdkBody> {
        let mut req = Request::post("https://sqs.us-east-1.amazonaws.com/")
            .body(body)
            .unwrap();
        req.extensions_mut().insert(Credentials::new(
            "AKIDEXAMPLE",
            "very-secret-key",
            token.map(str::to_owned),
            None,
            "test",
        ));
        req
    }

    #[test]
    fn signs_and_marks_sensitive_headers() {
        let signed = config()
            .sign(request(SdkBody::from("{}"), Some("tok-123")))
            .unwrap();
        let auth = signed.headers().get("authorization").unwrap();
        assert!(auth.is_sensitive());
        assert!(auth
            .to_str()
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
        assert!(signed
            .headers()
            .get("x-amz-security-token")
            .unwrap()
            .is_sensitive());
        assert_eq!(signed.headers()["host"], "sqs.us-east-1.amazonaws.com");
        let dbg = format!("{:?}", signed.headers());
        assert!(
            !dbg.contains("very-secret-key") && !dbg.contains("tok-123"),
            "{dbg}"
        );
    }

    #[test]
    fn missing_credentials_is_an_error() {
        let req = Request::post("https://x.amazonaws.com/")
            .body(SdkBody::empty())
            .unwrap();
        assert!(config().sign(req).unwrap_err().is_credentials());
    }

    #[test]
    fn bearer_tokens_are_sensitive_and_bad_ones_are_not_echoed() {
        let config = config();
        let (mut parts, body) = Request::post("https://x.amazonaws.com/")
            .body(SdkBody::empty())
            .unwrap()
            .into_parts();
        let token = AuthIdentity::Token(Token::new("tok-abc", None, "test"));
        config
            .authorize(&mut parts, &body, &token, None, false, false)
            .unwrap();
        let auth = &parts.headers["authorization"];
        assert!(auth.is_sensitive());
        assert_eq!(auth, "Bearer tok-abc");
        assert!(!parts.headers.contains_key("x-amz-date"));

        let bad = AuthIdentity::Token(Token::new("tok-\r\nx: y", None, "test"));
        let e = config
            .authorize(&mut parts, &body, &bad, None, false, false)
            .unwrap_err();
        assert!(e.is_signing());
        assert!(!format!("{e} {e:?}").contains("tok-"), "{e:?}");
    }

    #[test]
    fn unsigned_payloads_say_so_in_a_signed_header() {
        let config = config();
        let req = request(SdkBody::from("{\"a\":1}"), None);
        let (mut parts, body) = req.into_parts();
        let creds = parts.extensions.remove::<Credentials>().unwrap();
        config
            .authorize(
                &mut parts,
                &body,
                &AuthIdentity::Credentials(creds),
                None,
                false,
                true,
            )
            .unwrap();
        assert_eq!(parts.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
        let auth = parts.headers["authorization"].to_str().unwrap();
        assert!(auth.contains("x-amz-content-sha256"), "{auth}");
    }

    #[test]
    fn the_region_set_setting_applies_to_sigv4a_only() {
        let config = config().with_sigv4a_region_set(Some("us-east-1,us-west-2".into()));
        let sign = |v4a: bool| {
            let (mut parts, body) = request(SdkBody::empty(), None).into_parts();
            let creds = parts.extensions.remove::<Credentials>().unwrap();
            config
                .authorize(
                    &mut parts,
                    &body,
                    &AuthIdentity::Credentials(creds),
                    None,
                    v4a,
                    false,
                )
                .unwrap();
            parts.headers
        };
        let v4a = sign(true);
        assert_eq!(v4a["x-amz-region-set"], "us-east-1,us-west-2");
        assert!(v4a["authorization"]
            .to_str()
            .unwrap()
            .starts_with("AWS4-ECDSA-P256-SHA256 "));
        let v4 = sign(false);
        assert!(!v4.contains_key("x-amz-region-set"));
        assert!(v4["authorization"]
            .to_str()
            .unwrap()
            .contains("/us-east-1/sqs/aws4_request"));
    }

    #[test]
    fn unsigned_requests_pass_the_layered_signing_stage() {
        let mut req = Request::post("https://x.amazonaws.com/")
            .body(SdkBody::empty())
            .unwrap();
        req.extensions_mut().insert(Unsigned);
        let out = config().sign(req).unwrap();
        assert!(!out.headers().contains_key("authorization"));
    }

    #[test]
    fn sha256_hex() {
        assert_eq!(
            &hex_sha256(b"")[..],
            b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
