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

use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, Request};
use session_core::credentials::Credentials;
use session_sigv4::{
    Identity, PayloadHash, PercentEncodingMode, SignedHeaderRules, Signer, SigningParams,
    SigningSettings,
};
use sha2::{Digest, Sha256};
use tower_layer::Layer;
use tower_service::Service;

use crate::body::SdkBody;
use crate::clock::Clock;
use crate::endpoint::SigningScope;
use crate::error::{Error, Kind};
use crate::future::StageFuture;

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
        Self {
            signer,
            clock,
            standard,
            single,
            fallback,
            service: "unknown",
        }
    }

    /// The same, naming the client's service (for the signing time metric).
    pub(crate) fn for_service(mut self, service: &'static str) -> Self {
        self.service = service;
        self
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
        SigningParams {
            identity,
            region: &scope.region,
            service: &scope.name,
            time: self.clock.now(),
            payload,
            settings,
        }
    }

    /// A presigned URL for `parts` (already pointed at its endpoint), `scope` from the
    /// endpoint or this client's own, with `UNSIGNED-PAYLOAD`.
    pub(crate) fn presign(
        &self,
        parts: &http::request::Parts,
        creds: &Credentials,
        scope: Option<&SigningScope>,
        expires_in: std::time::Duration,
    ) -> Result<http::Uri, Error> {
        let scope = scope.unwrap_or(&self.fallback);
        let params = self.params(creds, scope, PayloadHash::UnsignedPayload);
        self.signer
            .presign(parts, &params, expires_in)
            .map_err(|e| Error::new(Kind::Signing).source_from(e))
    }

    fn sign(&self, mut req: Request<SdkBody>) -> Result<Request<SdkBody>, Error> {
        // Taken out, not cloned: both are reference-counted, and every clone touches a
        // counter that all cores share.
        let creds = req
            .extensions_mut()
            .remove::<Credentials>()
            .ok_or_else(|| Error::with(Kind::Credentials, "no credentials on the request"))?;
        let endpoint_scope = req.extensions_mut().remove::<SigningScope>();
        let (mut parts, body) = req.into_parts();
        self.sign_parts(&mut parts, &body, &creds, endpoint_scope.as_ref())?;
        Ok(Request::from_parts(parts, body))
    }

    /// Signs `parts` (with `body`) in place with `creds`, in the endpoint's `scope` or, when
    /// it names none, this client's own.
    pub(crate) fn sign_parts(
        &self,
        parts: &mut http::request::Parts,
        body: &SdkBody,
        creds: &Credentials,
        scope: Option<&SigningScope>,
    ) -> Result<(), Error> {
        let scope = scope.unwrap_or(&self.fallback);
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
            .sign_headers(parts, &params)
            .map_err(|e| Error::new(Kind::Signing).source_from(e))
    }
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
    fn sha256_hex() {
        assert_eq!(
            &hex_sha256(b"")[..],
            b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
