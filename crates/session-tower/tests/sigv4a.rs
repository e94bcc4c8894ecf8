//! SigV4a where the endpoint rules ask for it: an S3 Multi-Region Access Point through S3's
//! rule set, an EventBridge global endpoint (EndpointId) through EventBridge's, presigned
//! MRAP URLs, the region-set setting, and SigV4a preferred by the model at an endpoint that
//! names no scheme.
//!
//! No installable server checks SigV4a (moto routes by a SigV4 credential scope and does
//! not verify ECDSA), so requests go to a recording HTTP client (a stand-in, not a server)
//! and each signature is verified here: the canonical request is rebuilt from the request
//! as sent and the ECDSA signature checked with the public key derived from the
//! credentials (`auth_support`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth_support;

use auth_support::{session, verify_v4a_presigned, verify_v4a_request, Recorder, AKID};
use http::Request;
use session_tower::endpoint::EndpointParams;
use session_tower::protocol::rpc::json_request;
use session_tower::protocol::Protocol;
use session_tower::{AuthScheme, Client, SdkBody, ServiceInfo};

fn rules(json: &'static str) -> session_endpoints::RuleSet {
    session_endpoints::RuleSet::from_json(json).expect("the vendored rule set compiles")
}

fn s3_rules() -> &'static session_endpoints::RuleSet {
    static RULES: std::sync::OnceLock<session_endpoints::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| rules(include_str!("../../../models/s3/endpoint-rule-set-1.json")))
}

fn events_rules() -> &'static session_endpoints::RuleSet {
    static RULES: std::sync::OnceLock<session_endpoints::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        rules(include_str!(
            "../../../models/events/endpoint-rule-set-1.json"
        ))
    })
}

fn sqs_rules() -> &'static session_endpoints::RuleSet {
    static RULES: std::sync::OnceLock<session_endpoints::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| rules(include_str!("../../../models/sqs/endpoint-rule-set-1.json")))
}

/// S3 as its model describes it (hand-built: what the generator fills in).
static S3: ServiceInfo = ServiceInfo {
    service_id: "S3",
    signing_name: "s3",
    protocol: Protocol::RestXml,
    endpoint_rules: session_tower::client::Rules::Lazy(s3_rules),
    region_when_unset: Some("us-east-1"),
    s3_signing: true,
    api_version: "2006-03-01",
    auth: &[AuthScheme::SigV4],
    roles: None,
};

static EVENTS: ServiceInfo = ServiceInfo {
    service_id: "EventBridge",
    signing_name: "events",
    protocol: Protocol::AwsJson1_1,
    endpoint_rules: session_tower::client::Rules::Lazy(events_rules),
    region_when_unset: None,
    s3_signing: false,
    api_version: "2015-10-07",
    auth: &[AuthScheme::SigV4],
    roles: None,
};

/// A service whose model prefers SigV4a (as CloudFront KeyValueStore's does), at an
/// endpoint whose rules name no auth scheme (a configured endpoint URL through SQS's rules).
static PREFERS_V4A: ServiceInfo = ServiceInfo {
    service_id: "SQS",
    signing_name: "kvs",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: session_tower::client::Rules::Lazy(sqs_rules),
    region_when_unset: None,
    s3_signing: false,
    api_version: "2022-07-26",
    auth: &[AuthScheme::SigV4a, AuthScheme::SigV4],
    roles: None,
};

const MRAP: &str = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap";
const MRAP_HOST: &str = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";

fn get_object() -> Request<SdkBody> {
    let mut req = Request::get("/hello.txt").body(SdkBody::empty()).unwrap();
    req.extensions_mut().insert(
        EndpointParams::new()
            .str("Bucket", MRAP)
            .str("Key", "hello.txt"),
    );
    req
}

/// Both paths through the engine: in line, and the layered segment (a no-op layer before
/// signing moves signing into it).
fn clients(
    env: &[(&str, &str)],
    info: &'static ServiceInfo,
) -> Vec<(&'static str, Client, Recorder)> {
    let session = session(env);
    let inline = Recorder::new("{}");
    let layered = Recorder::new("{}");
    vec![
        (
            "inline",
            Client::builder(&session, info)
                .http_client(inline.clone())
                .build()
                .unwrap(),
            inline,
        ),
        (
            "layered",
            Client::builder(&session, info)
                .http_client(layered.clone())
                .layer_before_signing(tower::layer::util::Identity::new())
                .build()
                .unwrap(),
            layered,
        ),
    ]
}

#[tokio::test]
async fn s3_multi_region_access_point_is_signed_with_sigv4a() {
    for (path, client, rec) in clients(&[("AWS_REGION", "us-west-2")], &S3) {
        client.send(get_object()).await.unwrap();
        let sent = rec.last();
        assert_eq!(sent.uri.host(), Some(MRAP_HOST), "{path}");
        assert_eq!(sent.headers["host"], MRAP_HOST, "{path}");
        assert_eq!(sent.headers["x-amz-region-set"], "*", "{path}");
        let auth = sent.headers["authorization"].clone();
        assert!(auth.is_sensitive(), "{path}");
        let auth = auth.to_str().unwrap();
        assert!(
            auth.starts_with(&format!("AWS4-ECDSA-P256-SHA256 Credential={AKID}/")),
            "{path}: {auth}"
        );
        let sig = verify_v4a_request(&sent).unwrap_or_else(|e| panic!("{path}: {e}"));
        // SigV4a's scope has no region: date/service/aws4_request.
        assert!(sig.scope().ends_with("/s3/aws4_request"), "{}", sig.scope());
        assert_eq!(sig.scope().split('/').count(), 3);
        assert!(sig.signed_headers.contains(&"x-amz-region-set".to_owned()));
        // S3 signs the payload hash header too.
        assert!(sent.headers.contains_key("x-amz-content-sha256"));

        // The verifier is not a yes-man: a changed signed header fails it.
        let mut tampered = sent.clone();
        tampered
            .headers
            .insert("x-amz-region-set", "us-east-1".parse().unwrap());
        assert!(verify_v4a_request(&tampered).is_err(), "{path}");
    }
}

#[tokio::test]
async fn a_plain_bucket_still_gets_sigv4() {
    let (_, client, rec) = clients(&[("AWS_REGION", "us-west-2")], &S3).remove(0);
    let mut req = Request::get("/k").body(SdkBody::empty()).unwrap();
    req.extensions_mut()
        .insert(EndpointParams::new().str("Bucket", "plain-bucket"));
    client.send(req).await.unwrap();
    let sent = rec.last();
    let auth = sent.headers["authorization"].to_str().unwrap().to_owned();
    assert!(
        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={AKID}/"))
            && auth.contains("/us-west-2/s3/aws4_request"),
        "{auth}"
    );
    assert!(!sent.headers.contains_key("x-amz-region-set"));
}

#[tokio::test]
async fn multi_region_access_points_can_be_turned_off() {
    let env = [
        ("AWS_REGION", "us-west-2"),
        ("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "true"),
    ];
    let (_, client, rec) = clients(&env, &S3).remove(0);
    let e = client.send(get_object()).await.unwrap_err();
    assert!(e.is_endpoint(), "{e}");
    assert!(rec.sent().is_empty());
}

#[tokio::test]
async fn the_region_set_setting_replaces_the_endpoints() {
    let env = [
        ("AWS_REGION", "us-west-2"),
        ("AWS_SIGV4A_SIGNING_REGION_SET", "us-east-1, us-west-2"),
    ];
    for (path, client, rec) in clients(&env, &S3) {
        client.send(get_object()).await.unwrap();
        let sent = rec.last();
        assert_eq!(
            sent.headers["x-amz-region-set"], "us-east-1,us-west-2",
            "{path}"
        );
        let sig = verify_v4a_request(&sent).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(sig.region_set, "us-east-1,us-west-2");
    }

    // The client builder's value wins over the session's.
    let rec = Recorder::new("{}");
    let client = Client::builder(&session(&env), &S3)
        .sigv4a_signing_region_set("eu-*")
        .http_client(rec.clone())
        .build()
        .unwrap();
    client.send(get_object()).await.unwrap();
    assert_eq!(rec.last().headers["x-amz-region-set"], "eu-*");
    verify_v4a_request(&rec.last()).unwrap();

    // SigV4 requests do not use it.
    let mut req = Request::get("/k").body(SdkBody::empty()).unwrap();
    req.extensions_mut()
        .insert(EndpointParams::new().str("Bucket", "plain-bucket"));
    client.send(req).await.unwrap();
    assert!(rec.last().headers["authorization"]
        .to_str()
        .unwrap()
        .contains("/us-west-2/s3/aws4_request"));
}

#[test]
fn a_bad_region_set_fails_the_build() {
    for bad in [
        "us-east-1,,us-west-2",
        "us-east-1;x",
        " ",
        "us-east-1\r\nx: y",
    ] {
        let e = Client::builder(&session(&[("AWS_REGION", "us-west-2")]), &S3)
            .sigv4a_signing_region_set(bad)
            .build()
            .unwrap_err();
        assert!(e.is_build(), "{bad:?}: {e}");
        assert!(e.to_string().contains("sigv4a_signing_region_set"), "{e}");
    }
    let env = [
        ("AWS_REGION", "us-west-2"),
        ("AWS_SIGV4A_SIGNING_REGION_SET", "us-east-1,"),
    ];
    let e = Client::new(&session(&env), &S3).unwrap_err();
    assert!(
        e.to_string().contains("AWS_SIGV4A_SIGNING_REGION_SET"),
        "{e}"
    );
}

#[tokio::test]
async fn presigned_multi_region_access_point_urls_are_sigv4a() {
    let session = session(&[("AWS_REGION", "us-west-2")]);
    let client = Client::new(&session, &S3).unwrap();
    let mut req = Request::get("/hello.txt").body(()).unwrap();
    req.extensions_mut().insert(
        EndpointParams::new()
            .str("Bucket", MRAP)
            .str("Key", "hello.txt"),
    );
    let url = client
        .presign(req, std::time::Duration::from_secs(900))
        .await
        .unwrap();
    assert_eq!(url.host(), Some(MRAP_HOST));
    let sig = verify_v4a_presigned("GET", &url).unwrap();
    assert_eq!(sig.region_set, "*");
    assert!(sig.scope().ends_with("/s3/aws4_request"));
    // A different path does not verify under the same signature.
    let other: http::Uri = url
        .to_string()
        .replace("/hello.txt", "/other.txt")
        .parse()
        .unwrap();
    assert!(verify_v4a_presigned("GET", &other).is_err());
}

#[tokio::test]
async fn eventbridge_global_endpoints_are_signed_with_sigv4a() {
    let body = serde_json::json!({"Entries": [{"Source": "test", "DetailType": "t", "Detail": "{}"}], "EndpointId": "abcde.veo"});
    for (path, client, rec) in clients(&[("AWS_REGION", "us-east-1")], &EVENTS) {
        let mut req = json_request(
            Protocol::AwsJson1_1,
            "PutEvents",
            "AWSEvents.PutEvents",
            &body,
        )
        .unwrap();
        req.extensions_mut()
            .insert(EndpointParams::new().str("EndpointId", "abcde.veo"));
        client.send(req).await.unwrap();
        let sent = rec.last();
        assert_eq!(
            sent.uri.host(),
            Some("abcde.veo.endpoint.events.amazonaws.com"),
            "{path}"
        );
        assert_eq!(sent.headers["x-amz-region-set"], "*", "{path}");
        assert!(!sent.headers.contains_key("x-amz-content-sha256"), "{path}");
        let sig = verify_v4a_request(&sent).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            sig.scope().ends_with("/events/aws4_request"),
            "{}",
            sig.scope()
        );

        // Without an EndpointId: the regional endpoint, SigV4.
        let req = json_request(
            Protocol::AwsJson1_1,
            "PutEvents",
            "AWSEvents.PutEvents",
            &body,
        )
        .unwrap();
        client.send(req).await.unwrap();
        let sent = rec.last();
        assert_eq!(sent.uri.host(), Some("events.us-east-1.amazonaws.com"));
        assert!(sent.headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256 "));
    }
}

#[tokio::test]
async fn a_model_that_prefers_sigv4a_signs_in_the_clients_region() {
    let env = [
        ("AWS_REGION", "us-west-2"),
        ("AWS_ENDPOINT_URL", "https://kvs.example.com"),
    ];
    for (path, client, rec) in clients(&env, &PREFERS_V4A) {
        let req = json_request(
            Protocol::AwsJson1_0,
            "DescribeKeyValueStore",
            "KVS.Describe",
            &serde_json::json!({}),
        )
        .unwrap();
        client.send(req).await.unwrap();
        let sent = rec.last();
        assert_eq!(sent.headers["x-amz-region-set"], "us-west-2", "{path}");
        let sig = verify_v4a_request(&sent).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(sig.scope().ends_with("/kvs/aws4_request"));
        // An operation that lists SigV4 only gets SigV4.
        let req = json_request(
            Protocol::AwsJson1_0,
            "Other",
            "KVS.Other",
            &serde_json::json!({}),
        )
        .unwrap();
        let meta = session_tower::client::OperationMeta::named("Other").auth(&[AuthScheme::SigV4]);
        client.send_operation(req, meta).await.unwrap();
        let auth = rec.last().headers["authorization"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 ") && auth.contains("/us-west-2/kvs/"),
            "{auth}"
        );
    }
}
