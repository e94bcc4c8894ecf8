//! What the integration tests of this crate share: a JSON service description and one call.

#![allow(dead_code, clippy::unwrap_used)]

use session_tower::protocol::rpc::{json_request, parse_json, read_body};
use session_tower::protocol::Protocol;
use session_tower::{Client, ServiceInfo};

/// SQS's endpoint rule set (from `models/`; the library ships none).
#[allow(clippy::expect_used)]
pub(crate) fn sqs_rules() -> &'static session_endpoints::RuleSet {
    static RULES: std::sync::OnceLock<session_endpoints::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        session_endpoints::RuleSet::from_json(include_str!(
            "../../../../models/sqs/endpoint-rule-set-1.json"
        ))
        .expect("the vendored rule set compiles")
    })
}

/// An SQS-like JSON 1.0 service, for stub servers.
pub(crate) static INFO: ServiceInfo = ServiceInfo {
    service_id: "SQS",
    signing_name: "sqs",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: session_tower::client::Rules::Lazy(sqs_rules),
    region_when_unset: None,
    s3_signing: false,
    api_version: "2012-11-05",
    auth: &[],
    roles: None,
};

/// One `Ping` call through the whole stack, its JSON answer parsed.
pub(crate) async fn call(client: &Client) -> Result<serde_json::Value, session_tower::Error> {
    let req = json_request(
        Protocol::AwsJson1_0,
        "Ping",
        "AmazonSQS.Ping",
        &serde_json::json!({}),
    )?;
    let (_, body) = read_body(client.send(req).await?).await?;
    parse_json(&body)
}
