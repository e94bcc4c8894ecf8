//! Operations without auth (`authtype: none`) and with an unsigned payload
//! (`v4-unsigned-body`), against moto.
//!
//! - Cognito Identity `GetId` is one of the operations moto lets through unsigned while it
//!   checks every other signature (`Moto::start_with_auth`): sent with no auth by a client
//!   whose credentials provider fails (in line) or never answers (layered), it works, and
//!   the request as sent has no signature; a signed operation of the same client fails on
//!   its credentials, and `CreateIdentityPool` from a client with moto's keys passes moto's
//!   signature check.
//! - STS `AssumeRoleWithWebIdentity`: moto with checking on answers every request without
//!   an `Authorization` header with 500 (a moto quirk), so this one runs against moto with
//!   checking off; the request as sent is checked for having no signature.
//! - An operation signed with `UNSIGNED-PAYLOAD` passes moto's signature check.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderMap, Request};
use session_core::credentials::{
    CredentialsError, ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
};
use session_testkit::Moto;
use session_tower::client::OperationMeta;
use session_tower::protocol::rpc::{json_request_bare, parse_json, read_body};
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

fn sts_rules() -> &'static session_endpoints::RuleSet {
    static RULES: std::sync::OnceLock<session_endpoints::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        session_endpoints::RuleSet::from_json(include_str!(
            "../../../models/sts/endpoint-rule-set-1.json"
        ))
        .expect("the vendored rule set compiles")
    })
}

/// Cognito Identity (hand-built; the endpoint comes from the session's `endpoint_url`, which
/// SQS's rules turn into an endpoint without auth schemes, as Cognito's would).
static COGNITO: ServiceInfo = ServiceInfo {
    service_id: "Cognito Identity",
    signing_name: "cognito-identity",
    protocol: Protocol::AwsJson1_1,
    endpoint_rules: session_tower::client::Rules::Lazy(sqs_rules),
    region_when_unset: None,
    s3_signing: false,
    api_version: "2014-06-30",
    auth: &[AuthScheme::SigV4],
    roles: None,
};

static STS: ServiceInfo = ServiceInfo {
    service_id: "STS",
    signing_name: "sts",
    protocol: Protocol::AwsQuery,
    endpoint_rules: session_tower::client::Rules::Lazy(sts_rules),
    region_when_unset: Some("us-east-1"),
    s3_signing: false,
    api_version: "2011-06-15",
    auth: &[AuthScheme::SigV4, AuthScheme::SigV4a],
    roles: None,
};

static SQS: ServiceInfo = ServiceInfo {
    service_id: "SQS",
    signing_name: "sqs",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: session_tower::client::Rules::Lazy(sqs_rules),
    region_when_unset: None,
    s3_signing: false,
    api_version: "2012-11-05",
    auth: &[AuthScheme::SigV4],
    roles: None,
};

const NO_AUTH: &[AuthScheme] = &[AuthScheme::NoAuth];

/// A stub credentials provider: fails at once, or never answers.
#[derive(Debug)]
struct NoCredentials {
    hang: bool,
}

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let hang = self.hang;
        ProvideCredentialsFuture::new(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            Err(CredentialsError::provider_failed(
                "stub: no credentials here",
                "stub",
            ))
        })
    }
}

fn no_credentials(hang: bool) -> SharedCredentialsProvider {
    Arc::new(NoCredentials { hang })
}

type Log = Arc<Mutex<Vec<HeaderMap>>>;

/// Records the headers of each request as sent (a layer after signing).
fn recording(
    log: &Log,
) -> tower::util::MapRequestLayer<impl Fn(Request<SdkBody>) -> Request<SdkBody> + Clone> {
    let log = log.clone();
    tower::util::MapRequestLayer::new(move |req: Request<SdkBody>| {
        log.lock().unwrap().push(req.headers().clone());
        req
    })
}

async fn json(
    client: &Client,
    op: &'static str,
    target: &'static str,
    body: serde_json::Value,
    auth: Option<&'static [AuthScheme]>,
) -> Result<serde_json::Value, session_tower::Error> {
    let protocol = client.service_info().protocol;
    let req = json_request_bare(protocol, target, &body)?;
    let mut meta = OperationMeta::named(op);
    if let Some(auth) = auth {
        meta = meta.auth(auth);
    }
    let (_, body) = read_body(client.send_operation(req, meta).await?).await?;
    parse_json(&body)
}

#[test]
fn cognito_get_id_goes_unsigned_and_needs_no_credentials() {
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let session = moto.session(None);
        let signed = Client::new(&session, &COGNITO).unwrap();
        let pool = json(
            &signed,
            "CreateIdentityPool",
            "AWSCognitoIdentityService.CreateIdentityPool",
            serde_json::json!({"IdentityPoolName": "auth_none", "AllowUnauthenticatedIdentities": true}),
            None,
        )
        .await
        .expect("signed with moto's keys, CreateIdentityPool passes its signature check");
        let pool_id = pool["IdentityPoolId"].as_str().unwrap().to_owned();
        let get_id = serde_json::json!({"IdentityPoolId": pool_id, "AccountId": "123456789012"});

        // In line, credentials that fail: GetId never asks for them.
        let failing = Client::builder(&session, &COGNITO)
            .credentials_provider(no_credentials(false))
            .build()
            .unwrap();
        let id = json(&failing, "GetId", "AWSCognitoIdentityService.GetId", get_id.clone(), Some(NO_AUTH))
            .await
            .unwrap();
        assert!(id["IdentityId"].as_str().is_some_and(|s| !s.is_empty()), "{id}");
        // The control: the same operation signed needs the credentials, and fails.
        let e = json(&failing, "GetId", "AWSCognitoIdentityService.GetId", get_id.clone(), None)
            .await
            .unwrap_err();
        assert!(e.is_credentials(), "{e}");

        // Layered, credentials that never come: GetId does not wait for them, and goes out
        // without any signature.
        let log = Log::default();
        let hanging = Client::builder(&session, &COGNITO)
            .credentials_provider(no_credentials(true))
            .operation_timeout(Duration::from_secs(3))
            .layer_after_signing(recording(&log))
            .build()
            .unwrap();
        let id = json(&hanging, "GetId", "AWSCognitoIdentityService.GetId", get_id.clone(), Some(NO_AUTH))
            .await
            .unwrap();
        assert!(id["IdentityId"].as_str().is_some(), "{id}");
        let sent = log.lock().unwrap().pop().unwrap();
        for header in ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"] {
            assert!(!sent.contains_key(header), "{header} sent: {sent:?}");
        }
        // The same client's signed operations wait for the credentials (until the
        // operation timeout here).
        let e = json(&hanging, "GetId", "AWSCognitoIdentityService.GetId", get_id, None)
            .await
            .unwrap_err();
        assert!(e.is_timeout(), "{e}");
        assert_eq!(log.lock().unwrap().len(), 0, "nothing was sent unsigned instead");
    });
}

#[test]
fn moto_refuses_unsigned_calls_of_signed_operations() {
    // What makes the GetId test mean something: with checking on, an unsigned call of an
    // operation that needs a signature is refused.
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = Client::new(&moto.session(None), &COGNITO).unwrap();
        let e = json(
            &client,
            "ListIdentityPools",
            "AWSCognitoIdentityService.ListIdentityPools",
            serde_json::json!({"MaxResults": 10}),
            Some(NO_AUTH),
        )
        .await
        .unwrap_err();
        assert!(e.is_service(), "{e}");
    });
}

fn query_request(body: &'static str) -> Request<SdkBody> {
    let mut req = Request::post("/").body(SdkBody::from(body)).unwrap();
    req.headers_mut().insert(
        http::header::CONTENT_TYPE,
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    req
}

#[test]
fn sts_assume_role_with_web_identity_goes_unsigned() {
    let moto = Moto::shared();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let session = moto.session(None);
        for layered in [false, true] {
            let log = Log::default();
            let mut builder = Client::builder(&session, &STS)
                .credentials_provider(no_credentials(true))
                .operation_timeout(Duration::from_secs(3));
            if layered {
                builder = builder.layer_after_signing(recording(&log));
            }
            let client = builder.build().unwrap();
            let req = query_request(
                "Action=AssumeRoleWithWebIdentity&Version=2011-06-15\
                 &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb\
                 &RoleSessionName=auth-none&WebIdentityToken=header.payload.signature",
            );
            let meta = OperationMeta::named("AssumeRoleWithWebIdentity").auth(NO_AUTH);
            let resp = client.send_operation(req, meta).await.unwrap();
            let (_, body) = read_body(resp).await.unwrap();
            let text = String::from_utf8_lossy(&body);
            assert!(text.contains("<AccessKeyId>"), "{text}");
            if layered {
                let sent = log.lock().unwrap().pop().unwrap();
                assert!(!sent.contains_key("authorization"), "{sent:?}");
                assert!(!sent.contains_key("x-amz-date"), "{sent:?}");
            }
        }
    });
}

#[test]
fn unsigned_payload_signatures_pass_motos_check() {
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let log = Log::default();
        let client = Client::builder(&moto.session(None), &SQS)
            .layer_after_signing(recording(&log))
            .build()
            .unwrap();
        let inline = Client::new(&moto.session(None), &SQS).unwrap();
        for (c, name) in [
            (&client, "auth-none-layered"),
            (&inline, "auth-none-inline"),
        ] {
            let req = json_request_bare(
                Protocol::AwsJson1_0,
                "AmazonSQS.CreateQueue",
                &serde_json::json!({"QueueName": name}),
            )
            .unwrap();
            let meta = OperationMeta::named("CreateQueue").unsigned_payload(true);
            let (_, body) = read_body(c.send_operation(req, meta).await.unwrap())
                .await
                .unwrap();
            let out: serde_json::Value = parse_json(&body).unwrap();
            assert!(out["QueueUrl"].as_str().unwrap().ends_with(name), "{out}");
        }
        let sent = log.lock().unwrap().pop().unwrap();
        assert_eq!(sent["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
        let auth = sent["authorization"].to_str().unwrap();
        assert!(auth.contains("x-amz-content-sha256"), "{auth}");

        // The control: a wrong secret with the same unsigned payload is refused.
        let wrong = Client::new(&moto.session(Some("not-the-secret")), &SQS).unwrap();
        let req = json_request_bare(
            Protocol::AwsJson1_0,
            "AmazonSQS.ListQueues",
            &serde_json::json!({}),
        )
        .unwrap();
        let meta = OperationMeta::named("ListQueues").unsigned_payload(true);
        let e = wrong.send_operation(req, meta).await.unwrap_err();
        assert!(e.is_service(), "{e}");
    });
}
