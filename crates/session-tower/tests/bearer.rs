//! Bearer auth (`smithy.api#httpBearerAuth`) end to end through the pooled transport, against
//! an in-process loopback STUB (no installable server speaks CodeCatalyst, Bedrock API keys
//! or SSO-OIDC): the stub records every request; at `/token` it plays SSO-OIDC's
//! `CreateToken` (refresh-token grant only), anywhere else a service that answers `{}`.
//!
//! Covered: the explicit token, `AWS_BEARER_TOKEN_<SIGNING NAME>` (and that it moves bearer
//! before SigV4 where both are allowed), the profile's `sso_session` token from the SSO cache
//! file, its refresh through SSO-OIDC (written back to the cache file), the errors that say
//! to run `aws sso login`, and that no token or secret shows in `Debug`, errors or logs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::{BodyExt, Full};
use session_core::credentials::format_rfc3339;
use session_core::{Env, Fs, Session};
use session_tower::client::OperationMeta;
use session_tower::protocol::Protocol;
use session_tower::{AuthScheme, Client, SdkBody, ServiceInfo};

fn sqs_rules() -> &'static session_endpoints::RuleSet {
    static RULES: std::sync::OnceLock<session_endpoints::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        session_endpoints::RuleSet::from_json(include_str!(
            "../../../models/sqs/endpoint-rule-set-1.json"
        ))
        .expect("the vendored rule set compiles")
    })
}

/// A bearer-only service, as CodeCatalyst's model describes it (hand-built: what the
/// generator fills in). Its endpoint is the session's `endpoint_url` (SQS's rules turn that
/// into an endpoint without auth schemes).
static CODECATALYST: ServiceInfo = ServiceInfo {
    service_id: "CodeCatalyst",
    signing_name: "codecatalyst",
    protocol: Protocol::RestJson,
    endpoint_rules: session_tower::client::Rules::Lazy(sqs_rules),
    region_when_unset: Some("us-west-2"),
    s3_signing: false,
    api_version: "2022-09-28",
    auth: &[AuthScheme::Bearer],
    roles: None,
};

/// SigV4 first, bearer allowed: Bedrock with API keys.
static BEDROCK: ServiceInfo = ServiceInfo {
    service_id: "Bedrock Runtime",
    signing_name: "bedrock",
    protocol: Protocol::RestJson,
    endpoint_rules: session_tower::client::Rules::Lazy(sqs_rules),
    region_when_unset: None,
    s3_signing: false,
    api_version: "2023-09-30",
    auth: &[AuthScheme::SigV4, AuthScheme::Bearer],
    roles: None,
};

#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

#[derive(Default)]
struct StubState {
    seen: Vec<Seen>,
    /// Answers for `/token`, in order; when empty, a fresh token.
    token_answers: VecDeque<(u16, String)>,
    refreshes: usize,
}

/// The loopback STUB (see the file's doc): not a real service.
struct Stub {
    url: String,
    state: Arc<Mutex<StubState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Stub {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(StubState::default()));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let state = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(answer(&state, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { url, state, task }
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    fn service_calls(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.path != "/token")
            .collect()
    }

    fn refreshes(&self) -> usize {
        self.state.lock().unwrap().refreshes
    }

    fn answer_token_with(&self, status: u16, body: &str) {
        self.state
            .lock()
            .unwrap()
            .token_answers
            .push_back((status, body.to_owned()));
    }
}

async fn answer(
    state: &Mutex<StubState>,
    req: Request<hyper::body::Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    let path = parts.uri.path().to_owned();
    let mut st = state.lock().unwrap();
    st.seen.push(Seen {
        path: path.clone(),
        headers: parts.headers,
        body: body.clone(),
    });
    let (status, text) = if path == "/token" {
        st.refreshes += 1;
        match st.token_answers.pop_front() {
            Some(answer) => answer,
            None => {
                let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(doc["grantType"], "refresh_token");
                let n = st.refreshes;
                (
                    200,
                    serde_json::json!({
                        "accessToken": format!("tok-refreshed-{n}"),
                        "expiresIn": 3600,
                        "refreshToken": format!("refresh-{n}"),
                        "tokenType": "Bearer",
                    })
                    .to_string(),
                )
            }
        }
    } else {
        (200, "{}".to_owned())
    };
    let mut resp = Response::new(Full::new(Bytes::from(text)));
    *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
    resp.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    resp
}

const HOME: &str = "/home/tester";
const SSO_CONFIG: &str = "[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";

/// `~/.aws/sso/cache/<sha1("corp")>.json`: the SHA-1 written out here (`printf corp |
/// sha1sum`), so the test does not take the file name from the code it checks.
fn cache_path() -> PathBuf {
    PathBuf::from(HOME).join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
}

fn cache_file(expires_in: i64, refresh: bool) -> String {
    let at = if expires_in >= 0 {
        SystemTime::now() + Duration::from_secs(expires_in.unsigned_abs())
    } else {
        SystemTime::now() - Duration::from_secs(expires_in.unsigned_abs())
    };
    let mut doc = serde_json::json!({
        "startUrl": "https://corp.awsapps.com/start",
        "region": "us-east-1",
        "accessToken": "tok-sso-cached",
        "expiresAt": format_rfc3339(at),
    });
    if refresh {
        doc["refreshToken"] = "refresh-secret-0".into();
        doc["clientId"] = "client-id-1".into();
        doc["clientSecret"] = "client-secret-shh".into();
        doc["registrationExpiresAt"] =
            format_rfc3339(SystemTime::now() + Duration::from_secs(86_400)).into();
    }
    doc.to_string()
}

/// A session pointed at `stub`, with `env` added, the SSO profile `dev` selected, and
/// `files` as the whole file system. No access keys.
fn stub_session(stub: &Stub, env: &[(&str, &str)], files: Vec<(PathBuf, String)>) -> (Session, Fs) {
    let mut vars: Vec<(String, String)> = vec![
        ("AWS_REGION".into(), "us-west-2".into()),
        ("AWS_ENDPOINT_URL".into(), stub.url.clone()),
        ("HOME".into(), HOME.into()),
        ("AWS_PROFILE".into(), "dev".into()),
    ];
    vars.extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let fs = Fs::from_files(files);
    let session = Session::builder()
        .env(Env::from_vars(vars))
        .fs(fs.clone())
        .config_file_contents(SSO_CONFIG)
        .credentials_file_contents("")
        .build()
        .unwrap();
    (session, fs)
}

async fn call(client: &Client) -> Result<(), session_tower::Error> {
    let req = Request::get("/whoAmI").body(SdkBody::empty()).unwrap();
    client
        .send_operation(req, OperationMeta::named("VerifySession"))
        .await
        .map(drop)
}

fn authorization(seen: &Seen) -> &str {
    seen.headers
        .get("authorization")
        .map_or("", |v| v.to_str().unwrap())
}

fn chain(e: &session_tower::Error) -> String {
    session_testkit::error_chain(e)
}

#[tokio::test]
async fn an_explicit_token_needs_no_credentials_and_is_sensitive() {
    let stub = Stub::start().await;
    let (session, _) = stub_session(&stub, &[], vec![]);
    let after: Arc<Mutex<Vec<HeaderMap>>> = Arc::default();
    let log = after.clone();
    let client = Client::builder(&session, &CODECATALYST)
        .bearer_token("tok-explicit-secret")
        .layer_after_signing(tower::util::MapRequestLayer::new(
            move |req: Request<SdkBody>| {
                log.lock().unwrap().push(req.headers().clone());
                req
            },
        ))
        .build()
        .unwrap();
    call(&client).await.unwrap();
    let seen = stub.service_calls().pop().unwrap();
    assert_eq!(authorization(&seen), "Bearer tok-explicit-secret");
    assert!(
        !seen.headers.contains_key("x-amz-date"),
        "no SigV4 beside it"
    );
    let sent = after.lock().unwrap().pop().unwrap();
    assert!(sent["authorization"].is_sensitive());
    assert!(!format!("{sent:?}").contains("tok-explicit-secret"));
    assert!(!format!("{client:?}").contains("tok-explicit-secret"));

    // In line too, and from an anonymous client (a token is not a credential).
    let client = Client::builder(&session, &CODECATALYST)
        .anonymous()
        .bearer_token("tok-explicit-2")
        .build()
        .unwrap();
    call(&client).await.unwrap();
    assert_eq!(
        authorization(&stub.service_calls().pop().unwrap()),
        "Bearer tok-explicit-2"
    );
}

#[tokio::test]
async fn the_environment_token_is_named_after_the_signing_name() {
    let stub = Stub::start().await;
    let (session, _) = stub_session(
        &stub,
        &[("AWS_BEARER_TOKEN_CODECATALYST", "tok-env")],
        vec![],
    );
    call(&Client::new(&session, &CODECATALYST).unwrap())
        .await
        .unwrap();
    assert_eq!(
        authorization(&stub.service_calls().pop().unwrap()),
        "Bearer tok-env"
    );
}

#[tokio::test]
async fn a_bedrock_api_key_goes_before_sigv4() {
    let stub = Stub::start().await;
    // Keys and no API key: SigV4, the model's first choice.
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID", "AKIDBEDROCK"),
        ("AWS_SECRET_ACCESS_KEY", "s3cr3t"),
    ];
    let (session, _) = stub_session(&stub, &vars, vec![]);
    call(&Client::new(&session, &BEDROCK).unwrap())
        .await
        .unwrap();
    let auth = authorization(&stub.service_calls().pop().unwrap()).to_owned();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDBEDROCK/"),
        "{auth}"
    );
    assert!(auth.contains("/us-west-2/bedrock/aws4_request"), "{auth}");

    // With AWS_BEARER_TOKEN_BEDROCK set: the API key, as the SDKs do.
    vars.push(("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-abc"));
    let (session, _) = stub_session(&stub, &vars, vec![]);
    call(&Client::new(&session, &BEDROCK).unwrap())
        .await
        .unwrap();
    assert_eq!(
        authorization(&stub.service_calls().pop().unwrap()),
        "Bearer bedrock-api-key-abc"
    );
}

#[tokio::test]
async fn the_sso_session_token_comes_from_the_cache_file() {
    let stub = Stub::start().await;
    let (session, _) = stub_session(&stub, &[], vec![(cache_path(), cache_file(3600, true))]);
    let client = Client::new(&session, &CODECATALYST).unwrap();
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    let calls = stub.service_calls();
    assert_eq!(calls.len(), 2);
    for c in &calls {
        assert_eq!(authorization(c), "Bearer tok-sso-cached");
    }
    assert_eq!(stub.refreshes(), 0, "an hour left: no refresh");
}

#[tokio::test]
async fn an_expiring_sso_token_is_refreshed_and_written_back() {
    let stub = Stub::start().await;
    // One minute left: inside the five-minute window, so the provider refreshes.
    let (session, fs) = stub_session(&stub, &[], vec![(cache_path(), cache_file(60, true))]);
    let client = Client::new(&session, &CODECATALYST).unwrap();
    call(&client).await.unwrap();
    assert_eq!(stub.refreshes(), 1);
    assert_eq!(
        authorization(&stub.service_calls().pop().unwrap()),
        "Bearer tok-refreshed-1"
    );
    // What SSO-OIDC got: the refresh-token grant with the cached client.
    let token_call = stub
        .seen()
        .into_iter()
        .find(|s| s.path == "/token")
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&token_call.body).unwrap();
    assert_eq!(sent["clientId"], "client-id-1");
    assert_eq!(sent["clientSecret"], "client-secret-shh");
    assert_eq!(sent["refreshToken"], "refresh-secret-0");
    assert!(
        !token_call.headers.contains_key("authorization"),
        "CreateToken takes no auth"
    );
    // Written back, other fields kept.
    let doc: serde_json::Value =
        serde_json::from_slice(&fs.read(&cache_path()).unwrap().unwrap()).unwrap();
    assert_eq!(doc["accessToken"], "tok-refreshed-1");
    assert_eq!(doc["refreshToken"], "refresh-1");
    assert_eq!(doc["clientId"], "client-id-1");
    assert_eq!(doc["startUrl"], "https://corp.awsapps.com/start");
    // Cached: the next call neither reads nor refreshes again.
    call(&client).await.unwrap();
    assert_eq!(stub.refreshes(), 1);
}

#[tokio::test]
async fn a_failed_refresh_keeps_a_token_that_still_works() {
    let stub = Stub::start().await;
    let logs = Logs::capture();
    stub.answer_token_with(
        400,
        r#"{"error":"invalid_grant","error_description":"refresh-secret-0 is revoked"}"#,
    );
    let (session, _) = stub_session(&stub, &[], vec![(cache_path(), cache_file(120, true))]);
    call(&Client::new(&session, &CODECATALYST).unwrap())
        .await
        .unwrap();
    assert_eq!(stub.refreshes(), 1);
    assert_eq!(
        authorization(&stub.service_calls().pop().unwrap()),
        "Bearer tok-sso-cached"
    );
    // Logged, with the service's reason, without the secret it quoted.
    let text = logs.text();
    assert!(text.contains("refreshing the SSO token failed"), "{text}");
    assert!(
        text.contains("invalid_grant") && text.contains("** redacted ** is revoked"),
        "{text}"
    );
    assert_no_secret("the logs", &text);
}

/// Collects what `tracing` logs while it is held (this thread only).
struct Logs {
    buf: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl Logs {
    fn capture() -> Self {
        let buf: Arc<Mutex<Vec<u8>>> = Arc::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || LogWriter(writer.clone()))
            .finish();
        Self {
            buf,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf.lock().unwrap()).into_owned()
    }
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const SECRETS: [&str; 4] = [
    "tok-sso-cached",
    "refresh-secret-0",
    "client-secret-shh",
    "tok-explicit-secret",
];

fn assert_no_secret(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} shows {s}: {text}");
    }
}

#[tokio::test]
async fn an_expired_token_that_cannot_be_refreshed_says_to_log_in() {
    let stub = Stub::start().await;
    stub.answer_token_with(
        400,
        r#"{"error":"invalid_grant","error_description":"refresh-secret-0 and client-secret-shh are no good"}"#,
    );
    // Expired, and the refresh fails.
    let (session, _) = stub_session(&stub, &[], vec![(cache_path(), cache_file(-60, true))]);
    let client = Client::new(&session, &CODECATALYST).unwrap();
    let e = call(&client).await.unwrap_err();
    assert!(e.is_credentials(), "{e}");
    let text = chain(&e);
    assert!(text.contains("aws sso login --sso-session corp"), "{text}");
    assert!(
        text.contains("could not be refreshed") && text.contains("invalid_grant"),
        "{text}"
    );
    assert_no_secret("the error", &text);
    assert_no_secret("the error's Debug", &format!("{e:?}"));
    assert_eq!(
        stub.service_calls().len(),
        0,
        "nothing sent without a token"
    );

    // Expired, nothing to refresh with.
    let (session, _) = stub_session(&stub, &[], vec![(cache_path(), cache_file(-60, false))]);
    let e = call(&Client::new(&session, &CODECATALYST).unwrap())
        .await
        .unwrap_err();
    let text = chain(&e);
    assert!(
        text.contains("no usable refresh token")
            && text.contains("aws sso login --sso-session corp"),
        "{text}"
    );

    // No cache file at all.
    let (session, _) = stub_session(&stub, &[], vec![]);
    let e = call(&Client::new(&session, &CODECATALYST).unwrap())
        .await
        .unwrap_err();
    let text = chain(&e);
    assert!(
        text.contains("does not exist") && text.contains("aws sso login --sso-session corp"),
        "{text}"
    );
}

#[tokio::test]
async fn without_any_token_source_the_error_says_what_to_set() {
    let stub = Stub::start().await;
    let session = Session::builder()
        .env(Env::from_vars([
            ("AWS_REGION", "us-west-2"),
            ("AWS_ENDPOINT_URL", stub.url.as_str()),
        ]))
        .config_file_contents("")
        .credentials_file_contents("")
        .build()
        .unwrap();
    let e = call(&Client::new(&session, &CODECATALYST).unwrap())
        .await
        .unwrap_err();
    assert!(e.is_credentials(), "{e}");
    let text = chain(&e);
    assert!(
        text.contains("AWS_BEARER_TOKEN_CODECATALYST is not set"),
        "{text}"
    );
    assert!(text.contains("bearer_token"), "{text}");
    assert!(stub.seen().is_empty());
}
