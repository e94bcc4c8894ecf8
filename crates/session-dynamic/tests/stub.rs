//! The stubber with the dynamic client, in the protocols the typed tests do not speak:
//! EC2, REST-JSON (a status code member and a blob payload) and query,
//! each answer read back by the real parser and each expected input checked on the
//! request. In-process by design: stubbing replaces the network in users' own tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use bytes::Bytes;
use session_dynamic::{DynClient, Value};
use session_runtime::stub::Stubber;
use session_runtime::Timestamp;

fn client(service: &str) -> (DynClient, Stubber) {
    DynClient::builder(&Stubber::session(), service)
        .models(support::pack())
        .build()
        .unwrap()
        .stubbed()
        .unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn ec2_lists_and_nested_structures_come_back() {
    let (ec2, stubber) = client("ec2");
    let instance = Value::map()
        .with("InstanceId", "i-1")
        .with(
            "State",
            Value::map()
                .with("Name", "running")
                .with("Code", Value::Integer(16)),
        )
        .with("LaunchTime", Timestamp::from_secs(1_700_000_000))
        .with(
            "Tags",
            Value::List(vec![Value::map().with("Key", "Name").with("Value", "web")]),
        );
    stubber
        .add_response(
            "DescribeInstances",
            &Value::map().with("InstanceIds", Value::List(vec!["i-1".into()])),
            Value::map().with(
                "Reservations",
                Value::List(vec![Value::map()
                    .with("ReservationId", "r-1")
                    .with("Instances", Value::List(vec![instance.clone()]))]),
            ),
        )
        .unwrap();
    let out = rt()
        .block_on(ec2.call(
            "DescribeInstances",
            Value::map().with("InstanceIds", Value::List(vec!["i-1".into()])),
        ))
        .unwrap();
    assert_eq!(out["Reservations"][0]["Instances"][0], instance);
    stubber.assert_no_pending_responses();
}

#[test]
fn rest_json_status_code_and_blob_payload_come_back_and_a_modeled_error_keeps_its_members() {
    let (lambda, stubber) = client("lambda");
    stubber
        .add_response(
            "Invoke",
            &Value::map()
                .with("FunctionName", "f")
                .with("Payload", Bytes::from_static(br#"{"n":1}"#)),
            Value::map()
                .with("StatusCode", Value::Integer(200))
                .with("ExecutedVersion", "$LATEST")
                .with("Payload", Bytes::from_static(br#"{"ok":true}"#)),
        )
        .unwrap();
    stubber
        .add_modeled_error(
            "Invoke",
            "TooManyRequestsException",
            "slow down",
            429,
            Value::map().with("Reason", "ConcurrentInvocationLimitExceeded"),
        )
        .unwrap();
    let rt = rt();
    let input = || {
        Value::map()
            .with("FunctionName", "f")
            .with("Payload", Bytes::from_static(br#"{"n":1}"#))
    };
    let out = rt.block_on(lambda.call("Invoke", input())).unwrap();
    assert_eq!(out["StatusCode"].as_i64(), Some(200));
    assert_eq!(out["ExecutedVersion"].as_str(), Some("$LATEST"));
    assert_eq!(out["Payload"].as_bytes(), Some(&br#"{"ok":true}"#[..]));
    let e = rt
        .block_on(lambda.call("Invoke", input()))
        .expect_err("stubbed error");
    let service = e.service_error().expect("a service error");
    assert_eq!(service.code(), Some("TooManyRequestsException"));
    let members = e.members().expect("modeled members");
    assert_eq!(
        members["Reason"].as_str(),
        Some("ConcurrentInvocationLimitExceeded")
    );
    stubber.assert_no_pending_responses();
}

#[test]
fn query_answers_come_back_and_a_changed_float_is_named() {
    let (sts, stubber) = client("sts");
    stubber
        .add_response_for_any_input(
            "GetCallerIdentity",
            Value::map()
                .with("Account", "123456789012")
                .with("Arn", "arn:aws:iam::123456789012:user/me")
                .with("UserId", "AIDA"),
        )
        .unwrap();
    let rt = rt();
    let me = rt
        .block_on(sts.call("GetCallerIdentity", Value::map()))
        .unwrap();
    assert_eq!(me["Account"].as_str(), Some("123456789012"));
    stubber.assert_no_pending_responses();

    let (cw, stubber) = client("cloudwatch");
    // CloudWatch offers CBOR first and JSON too: the dynamic client speaks JSON (the
    // CBOR answers are checked by the runtime's round-trip tests).
    let datum = |v: f64| {
        Value::map().with(
            "MetricData",
            Value::List(vec![Value::map()
                .with("MetricName", "latency")
                .with("Value", v)
                .with("Timestamp", Timestamp::from_secs(1_700_000_000))]),
        )
    };
    stubber
        .add_response(
            "PutMetricData",
            &datum(1.5).with("Namespace", "app"),
            Value::Null,
        )
        .unwrap();
    stubber
        .add_response(
            "PutMetricData",
            &datum(1.5).with("Namespace", "app"),
            Value::Null,
        )
        .unwrap();
    rt.block_on(cw.call("PutMetricData", datum(1.5).with("Namespace", "app")))
        .unwrap();
    let e = rt
        .block_on(cw.call("PutMetricData", datum(2.5).with("Namespace", "app")))
        .expect_err("another value");
    assert!(e.to_string().contains("body"), "{e}");
    stubber
        .add_response_for_any_input(
            "ListMetrics",
            Value::map().with(
                "Metrics",
                Value::List(vec![Value::map()
                    .with("Namespace", "app")
                    .with("MetricName", "latency")]),
            ),
        )
        .unwrap();
    let listed = rt.block_on(cw.call("ListMetrics", Value::map())).unwrap();
    assert_eq!(listed["Metrics"][0]["MetricName"].as_str(), Some("latency"));
    assert!(stubber.verify().is_err(), "the changed input was reported");
}
