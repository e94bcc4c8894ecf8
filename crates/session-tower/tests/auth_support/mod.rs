//! What the auth tests share: a recording HTTP client, sessions with injected environment
//! and files, and an independent SigV4a verifier (canonical request rebuilt here from the
//! request as sent, signature checked with the P-256 public key derived from the
//! credentials).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http::{HeaderMap, Request, Response, StatusCode};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use session_core::{Env, Fs, Session};
use session_tower::{Error, SdkBody};
use sha2::{Digest, Sha256};

/// One request as the HTTP client received it.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) method: http::Method,
    pub(crate) uri: http::Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// A stand-in HTTP client (not a server: nothing goes on the network) that records every
/// request and answers `200` with `body` (JSON).
#[derive(Clone)]
pub(crate) struct Recorder {
    sent: Arc<Mutex<Vec<Sent>>>,
    body: &'static str,
}

impl Recorder {
    pub(crate) fn new(body: &'static str) -> Self {
        Self {
            sent: Arc::default(),
            body,
        }
    }

    pub(crate) fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    pub(crate) fn last(&self) -> Sent {
        self.sent().pop().expect("a request was sent")
    }
}

impl tower_service::Service<Request<SdkBody>> for Recorder {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Response<SdkBody>, Error>> + Send>,
    >;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let sent = self.sent.clone();
        let body = self.body;
        Box::pin(async move {
            let (parts, b) = req.into_parts();
            let bytes = b.collect().await?;
            sent.lock().unwrap().push(Sent {
                method: parts.method,
                uri: parts.uri,
                headers: parts.headers,
                body: bytes.to_vec(),
            });
            let mut resp = Response::new(SdkBody::from(body));
            *resp.status_mut() = StatusCode::OK;
            resp.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            Ok(resp)
        })
    }
}

pub(crate) const AKID: &str = "AKIDAUTHTEST";
pub(crate) const SECRET: &str = "auth-test-secret-key";

/// A session with static keys, `env` as its whole environment and no files.
pub(crate) fn session(env: &[(&str, &str)]) -> Session {
    Session::builder()
        .env(Env::from_vars(env.iter().copied()))
        .fs(Fs::from_files(Vec::<(String, Vec<u8>)>::new()))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id(AKID)
        .secret_access_key(SECRET)
        .build()
        .unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The pieces of a SigV4a signature, from the `Authorization` header or a presigned URL.
#[derive(Debug)]
pub(crate) struct V4aSignature {
    pub(crate) credential: String,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
    pub(crate) amz_date: String,
    pub(crate) region_set: String,
}

impl V4aSignature {
    pub(crate) fn scope(&self) -> &str {
        self.credential.split_once('/').unwrap().1
    }
}

fn canonical_request(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    signed: &[String],
    payload: &str,
) -> String {
    // The test requests use unreserved characters only, so single and double encoding
    // agree and the path is taken as sent.
    assert!(
        path.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b)),
        "verifier handles unreserved paths only: {path}"
    );
    let mut query = query.to_vec();
    query.sort();
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = format!("{method}\n{path}\n{}\n", query.join("&"));
    for name in signed {
        let values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| {
                v.to_str()
                    .unwrap()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert!(!values.is_empty(), "signed header {name} was not sent");
        out.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    out.push_str(&format!("\n{}\n{payload}", signed.join(";")));
    out
}

fn check(sig: &V4aSignature, creq: &str) -> Result<(), String> {
    let sts = format!(
        "AWS4-ECDSA-P256-SHA256\n{}\n{}\n{}",
        sig.amz_date,
        sig.scope(),
        hex(&Sha256::digest(creq.as_bytes()))
    );
    let identity = session_sigv4::Identity::new(AKID, SECRET);
    let public = session_sigv4::Signer::new()
        .v4a_public_key(&identity)
        .map_err(|e| e.to_string())?;
    let key = VerifyingKey::from_sec1_bytes(&public).map_err(|e| e.to_string())?;
    let signature = Signature::from_der(&unhex(&sig.signature)).map_err(|e| e.to_string())?;
    key.verify(sts.as_bytes(), &signature)
        .map_err(|e| format!("signature does not verify: {e}\n{creq}"))
}

/// Checks the SigV4a `Authorization` of `sent` with the public key of the test
/// credentials; the payload hash is `x-amz-content-sha256` when sent, else the body's.
pub(crate) fn verify_v4a_request(sent: &Sent) -> Result<V4aSignature, String> {
    let auth = sent
        .headers
        .get("authorization")
        .ok_or("no authorization header")?
        .to_str()
        .unwrap();
    let rest = auth
        .strip_prefix("AWS4-ECDSA-P256-SHA256 ")
        .ok_or_else(|| format!("not a SigV4a authorization: {auth}"))?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(", ") {
        let (k, v) = part.split_once('=').unwrap();
        match k {
            "Credential" => credential = Some(v.to_owned()),
            "SignedHeaders" => signed = Some(v.split(';').map(str::to_owned).collect()),
            "Signature" => signature = Some(v.to_owned()),
            other => return Err(format!("unexpected field {other}")),
        }
    }
    let header = |n: &str| {
        sent.headers
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
            .ok_or_else(|| format!("no {n} header"))
    };
    let sig = V4aSignature {
        credential: credential.ok_or("no Credential")?,
        signed_headers: signed.ok_or("no SignedHeaders")?,
        signature: signature.ok_or("no Signature")?,
        amz_date: header("x-amz-date")?,
        region_set: header("x-amz-region-set")?,
    };
    let payload = match sent.headers.get("x-amz-content-sha256") {
        Some(v) => v.to_str().unwrap().to_owned(),
        None => hex(&Sha256::digest(&sent.body)),
    };
    let query: Vec<(String, String)> = sent
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let creq = canonical_request(
        sent.method.as_str(),
        sent.uri.path(),
        &query,
        &sent.headers,
        &sig.signed_headers,
        &payload,
    );
    check(&sig, &creq)?;
    Ok(sig)
}

/// Checks a SigV4a presigned URL (its only signed header is `host`) with the public key of
/// the test credentials.
pub(crate) fn verify_v4a_presigned(method: &str, url: &http::Uri) -> Result<V4aSignature, String> {
    let mut query: Vec<(String, String)> = Vec::new();
    let mut get = std::collections::BTreeMap::new();
    for p in url.query().unwrap_or("").split('&') {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        get.insert(k.to_owned(), percent_decode(v));
        if k != "X-Amz-Signature" {
            query.push((k.to_owned(), v.to_owned()));
        }
    }
    let field = |k: &str| get.get(k).cloned().ok_or_else(|| format!("no {k}"));
    if field("X-Amz-Algorithm")? != "AWS4-ECDSA-P256-SHA256" {
        return Err(format!("algorithm {}", field("X-Amz-Algorithm")?));
    }
    let sig = V4aSignature {
        credential: field("X-Amz-Credential")?,
        signed_headers: field("X-Amz-SignedHeaders")?
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: field("X-Amz-Signature")?,
        amz_date: field("X-Amz-Date")?,
        region_set: field("X-Amz-Region-Set")?,
    };
    let mut headers = HeaderMap::new();
    headers.insert("host", url.authority().unwrap().as_str().parse().unwrap());
    let creq = canonical_request(
        method,
        url.path(),
        &query,
        &headers,
        &sig.signed_headers,
        "UNSIGNED-PAYLOAD",
    );
    check(&sig, &creq)?;
    Ok(sig)
}
