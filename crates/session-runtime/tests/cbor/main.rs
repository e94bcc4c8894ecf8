//! Smithy RPC v2 CBOR through a real client stack over real TCP (endpoint rules, SigV4,
//! the hyper transport), with CloudWatch's vendored model, whose first protocol is
//! `smithy-rpc-v2-cbor` (and which is `awsQueryCompatible`).
//!
//! No installable server speaks CBOR: moto (5.2) routes CloudWatch by the query and JSON
//! protocols only and answers the CBOR path with a 404, which
//! [`moto_does_not_answer_cbor`] checks (if moto learns the protocol, that test fails and
//! a round trip against it should replace the stub here). So the answers come from the
//! in-process loopback STUB server of the event-stream tests: a request with its answer,
//! a modeled error, a malformed body, and bodies cut short, each a clear error; and
//! event-stream payloads in CBOR (Kinesis SubscribeToShard's tables built as CBOR), read
//! through the same deserializer, a cut one a decode error.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[allow(dead_code, unreachable_pub)]
#[path = "../eventstream/support.rs"]
mod support;

use bytes::Bytes;
use minicbor::data::{IanaTag, Token};
use session_runtime::value::Value;
use session_runtime::wire::call::call_value;
use support::{client, runtime, Reply, Stub};

/// A CBOR answer of `status` written in pieces of 7 bytes (4 KiB for large bodies).
fn reply(status: u16, body: Vec<u8>, complete: bool) -> Reply {
    let body = Bytes::from(body);
    Reply {
        status,
        headers: vec![
            ("content-type", "application/cbor".to_owned()),
            ("smithy-protocol", "rpc-v2-cbor".to_owned()),
        ],
        pieces: support::pieces(&body, &[if body.len() > 4096 { 4096 } else { 7 }]),
        complete,
    }
}

/// GetMetricData's answer: one result with two timestamps (tag 1, integer and float
/// seconds) and two values, in definite and indefinite lengths mixed.
fn metric_data_answer() -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    e.begin_map().unwrap();
    e.str("MetricDataResults").unwrap().array(1).unwrap();
    e.map(5).unwrap();
    e.str("Id").unwrap().str("m1").unwrap();
    e.str("Label").unwrap().begin_str().unwrap();
    e.str("CPU")
        .unwrap()
        .str("Utilization")
        .unwrap()
        .end()
        .unwrap();
    e.str("Timestamps").unwrap().begin_array().unwrap();
    e.tag(IanaTag::Timestamp)
        .unwrap()
        .u32(1_700_000_000)
        .unwrap();
    e.tag(IanaTag::Timestamp)
        .unwrap()
        .f64(1_700_000_060.5)
        .unwrap();
    e.end().unwrap();
    e.str("Values").unwrap().array(2).unwrap();
    e.f64(12.5).unwrap().f16(0.25).unwrap();
    e.str("StatusCode").unwrap().str("Complete").unwrap();
    e.str("Unmodeled").unwrap().bytes(b"skipped").unwrap();
    e.end().unwrap();
    e.into_writer()
}

fn tokens(body: &[u8]) -> Vec<Token<'_>> {
    minicbor::Decoder::new(body)
        .tokens()
        .collect::<Result<_, _>>()
        .expect("the request body is CBOR")
}

#[test]
fn request_and_answer() {
    runtime().block_on(async {
        let stub = Stub::start(reply(200, metric_data_answer(), true)).await;
        let (cw, service) = client("cloudwatch", &stub.endpoint());
        let op = service.operation("GetMetricData").unwrap();
        assert_eq!(service.protocol, session_runtime::shapes::Protocol::Cbor);
        let input = Value::from_json(&serde_json::json!({
            "StartTime": 1_700_000_000,
            "EndTime": 1_700_003_600.25,
            "MetricDataQueries": [{
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"},
                    "Period": 60,
                    "Stat": "Average"
                }
            }]
        }));
        let (out, _) = call_value(&cw, service, op, &input, None).await.unwrap();

        let seen = stub.seen();
        let req = &seen[0];
        assert_eq!(
            req.line,
            "POST /service/GraniteServiceVersion20100801/operation/GetMetricData"
        );
        assert_eq!(req.header("smithy-protocol"), Some("rpc-v2-cbor"));
        assert_eq!(req.header("content-type"), Some("application/cbor"));
        assert_eq!(req.header("accept"), Some("application/cbor"));
        assert_eq!(req.header("x-amzn-query-mode"), Some("true"));
        assert!(req.header("x-amz-target").is_none());
        assert!(req
            .header("authorization")
            .is_some_and(|a| a.contains("/monitoring/")));
        let toks = tokens(&req.body);
        let after = |key: &str| {
            let i = toks
                .iter()
                .position(|t| *t == Token::String(key))
                .unwrap_or_else(|| panic!("{key} in {toks:?}"));
            toks[i + 1..].iter().take(2).cloned().collect::<Vec<_>>()
        };
        assert_eq!(
            after("StartTime"),
            [
                Token::Tag(IanaTag::Timestamp.into()),
                Token::U32(1_700_000_000)
            ]
        );
        assert_eq!(
            after("EndTime"),
            [
                Token::Tag(IanaTag::Timestamp.into()),
                Token::F64(1_700_003_600.25)
            ]
        );
        assert_eq!(after("Period")[0], Token::U8(60));

        let result = support::at(&out, "MetricDataResults.0");
        assert_eq!(result.get("Label"), Some(&Value::from("CPUUtilization")));
        assert_eq!(
            support::at(result, "Timestamps.1"),
            &Value::Timestamp(session_runtime::Timestamp::from_secs_f64(1_700_000_060.5).unwrap())
        );
        assert_eq!(support::at(result, "Values.1"), &Value::Float(0.25));
        assert!(result.get("Unmodeled").is_none());
    });
}

#[test]
fn modeled_error_with_its_query_code() {
    runtime().block_on(async {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(2).unwrap();
        e.str("__type")
            .unwrap()
            .str("com.amazonaws.cloudwatch#ResourceNotFound:http://internal/")
            .unwrap();
        e.str("message").unwrap().str("no dashboard d1").unwrap();
        let body = e.into_writer();
        let stub = Stub::start(
            reply(404, body, true).header("x-amzn-query-error", "ResourceNotFound;Sender"),
        )
        .await;
        let (cw, service) = client("cloudwatch", &stub.endpoint());
        let op = service.operation("GetDashboard").unwrap();
        let input = Value::from_json(&serde_json::json!({"DashboardName": "d1"}));
        let err = call_value(&cw, service, op, &input, None)
            .await
            .unwrap_err();
        let se = err.service_error().expect("a service error");
        assert_eq!((se.status(), se.code()), (404, Some("ResourceNotFound")));
        assert_eq!(se.message(), Some("no dashboard d1"));
        let id = service
            .shapes
            .iter()
            .position(|s| s.name == "DashboardNotFoundError")
            .unwrap();
        let members: Value = session_runtime::wire::response::parse_error(
            service,
            u32::try_from(id).unwrap(),
            se.status(),
            se.headers(),
            se.body(),
        );
        assert_eq!(
            members.get("message"),
            Some(&Value::from("no dashboard d1"))
        );
    });
}

/// What a call answered with `body` says, as text (it must fail as a response error).
async fn failure(body: Vec<u8>, complete: bool) -> (String, bool) {
    let (text, err) = failure_of(body, complete).await;
    (text, err.is_response())
}

async fn failure_of(body: Vec<u8>, complete: bool) -> (String, session_tower::Error) {
    let stub = Stub::start(reply(200, body, complete)).await;
    let (cw, service) = client("cloudwatch", &stub.endpoint());
    let op = service.operation("ListMetrics").unwrap();
    let err = call_value(&cw, service, op, &Value::map(), None)
        .await
        .expect_err("a bad body is an error");
    let text = format!(
        "{err} ({})",
        std::error::Error::source(&err)
            .map(ToString::to_string)
            .unwrap_or_default()
    );
    (text, err)
}

#[test]
fn malformed_and_truncated_bodies_are_clear_errors() {
    runtime().block_on(async {
        // Not CBOR at all (a stray break, then bytes).
        let (why, response) = failure(b"\xff\xfe<html>".to_vec(), true).await;
        assert!(response && why.contains("malformed CBOR"), "{why}");
        // A map where a list belongs: the model's mismatch.
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(1).unwrap().str("Metrics").unwrap().map(0).unwrap();
        let (why, response) = failure(e.into_writer(), true).await;
        assert!(response && why.contains("ListMetrics"), "{why}");
        // A whole HTTP body holding a CBOR document cut short.
        let whole = metric_data_answer();
        let (why, response) = failure(whole[..whole.len() / 2].to_vec(), true).await;
        assert!(response && why.contains("malformed CBOR"), "{why}");
        // Deeply nested arrays, under a known member and under an unknown one (skipped
        // without recursion; then the body is cut short).
        let mut deep = vec![0xa1, 0x67];
        deep.extend_from_slice(b"Metrics");
        deep.extend(std::iter::repeat_n(0x81, 100_000));
        let (why, response) = failure(deep.clone(), true).await;
        assert!(response, "{why}");
        deep[2] = b'm';
        let (why, response) = failure(deep, true).await;
        assert!(response && why.contains("malformed CBOR"), "{why}");
        // The connection dropped in the middle of the body: the transport says so.
        let (why, err) = failure_of(whole[..whole.len() / 2].to_vec(), false).await;
        assert!(err.is_io(), "{why}");
    });
}

#[test]
fn moto_does_not_answer_cbor() {
    let moto = session_testkit::Moto::start().unwrap();
    runtime().block_on(async {
        let (cw, service) = client("cloudwatch", moto.endpoint());
        let op = service.operation("ListMetrics").unwrap();
        let err = call_value(&cw, service, op, &Value::map(), None)
            .await
            .expect_err("moto has no CBOR route");
        let se = err.service_error().expect("an HTTP answer");
        assert_eq!(se.status(), 404, "{err}");
    });
}

/// Kinesis SubscribeToShard's tables built as if the model spoke CBOR (no service streams
/// events over CBOR yet that a model here describes), and a client of them.
fn kinesis_as_cbor(
    endpoint: &str,
) -> (
    session_tower::Client,
    &'static session_runtime::shapes::Service,
) {
    let dir = format!("{}/../../models/kinesis", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(format!("{dir}/service-2.json")).unwrap();
    let mut model: serde_json::Value = serde_json::from_str(&text).unwrap();
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor".into();
    model["metadata"]["protocols"] = serde_json::json!(["smithy-rpc-v2-cbor"]);
    let service =
        session_runtime::model::build("kinesis", &model.to_string(), &Default::default()).unwrap();
    let rules = std::fs::read_to_string(format!("{dir}/endpoint-rule-set-1.json")).unwrap();
    let rules: &'static session_endpoints::RuleSet = Box::leak(Box::new(
        session_endpoints::RuleSet::from_json(&rules).unwrap(),
    ));
    let info: &'static session_tower::ServiceInfo =
        Box::leak(Box::new(session_tower::ServiceInfo {
            service_id: service.service_id,
            signing_name: service.signing_name,
            protocol: session_tower::protocol::Protocol::RpcV2Cbor,
            endpoint_rules: session_tower::client::Rules::Ready(rules),
            region_when_unset: None,
            s3_signing: false,
            api_version: service.api_version,
            auth: &[],
            roles: None,
        }));
    let session = session_core::Session::builder()
        .env(session_core::Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDCBORTEST")
        .secret_access_key("cbor-test-secret")
        .setting("endpoint_url", endpoint)
        .setting("max_attempts", "1")
        .build()
        .unwrap();
    (
        session_tower::Client::builder(&session, info)
            .build()
            .unwrap(),
        service,
    )
}

fn cbor_event(event_type: &str, payload: Vec<u8>) -> session_eventstream::Message {
    session_eventstream::Message::event(event_type, payload)
        .with_header(":content-type", "application/cbor")
}

#[test]
fn event_payloads_read_as_cbor() {
    runtime().block_on(async {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.begin_map().unwrap();
        e.str("Records").unwrap().array(1).unwrap();
        e.map(4).unwrap();
        e.str("SequenceNumber").unwrap().str("1").unwrap();
        e.str("ApproximateArrivalTimestamp").unwrap();
        e.tag(IanaTag::Timestamp)
            .unwrap()
            .f64(1_700_000_000.5)
            .unwrap();
        e.str("Data").unwrap().bytes(b"first record").unwrap();
        e.str("PartitionKey").unwrap().str("pk-1").unwrap();
        e.str("ContinuationSequenceNumber")
            .unwrap()
            .str("2")
            .unwrap();
        e.str("MillisBehindLatest").unwrap().u16(999).unwrap();
        e.end().unwrap();
        let mut empty = minicbor::Encoder::new(Vec::new());
        empty.map(0).unwrap();
        let body = support::wire(&[
            cbor_event("initial-response", empty.into_writer()),
            cbor_event("SubscribeToShardEvent", e.into_writer()),
            // Cut inside the map: the event is a decode error, said.
            cbor_event("SubscribeToShardEvent", vec![0xbf, 0x67]),
        ]);
        let stub = Stub::start(Reply::events(support::pieces(&body, support::SPLIT))).await;
        let (client, service) = kinesis_as_cbor(&stub.endpoint());
        let op = service.operation("SubscribeToShard").unwrap();
        let input = Value::from_json(&serde_json::json!({
            "ConsumerARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1",
            "ShardId": "shardId-000000000000",
            "StartingPosition": {"Type": "LATEST"}
        }));
        let (output, mut events) =
            session_runtime::wire::eventstream::call_value_events(&client, service, op, &input)
                .await
                .unwrap();
        assert_eq!(output, Value::map());
        let first = events.recv().await.unwrap().expect("an event");
        let ev = support::at(&first, "SubscribeToShardEvent");
        assert_eq!(
            support::at(ev, "Records.0.Data").as_bytes(),
            Some(&b"first record"[..])
        );
        assert_eq!(
            support::at(ev, "Records.0.ApproximateArrivalTimestamp").as_timestamp(),
            session_runtime::Timestamp::from_secs_f64(1_700_000_000.5)
        );
        assert_eq!(support::at(ev, "MillisBehindLatest").as_i64(), Some(999));
        let err = events.recv().await.expect_err("a cut payload");
        assert!(err.is_decode(), "{err:?}");
        assert!(format!("{err:?}").contains("malformed CBOR"), "{err:?}");
    });
}
