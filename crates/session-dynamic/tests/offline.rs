//! What needs no server: model sources, the shared tables, validation before sending
//! (every problem, with member paths and the operation), unknown names with close ones,
//! dry runs (the signed request, never sent: the transport is replaced by a recorder).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use session_core::{Env, Session};
use session_dynamic::{DynClient, ModelSource, Value};
use support::{client, offline_session, pack, PACK};

#[test]
fn clients_share_tables_and_are_send_sync() {
    fn is_send_sync<T: Send + Sync + Clone>() {}
    is_send_sync::<DynClient>();
    let s = offline_session("http://127.0.0.1:9");
    let a = client(&s, "lambda");
    let b = client(&s, "lambda");
    assert!(std::ptr::eq(a.tables(), b.tables()));
    assert_eq!(a.service_name(), "lambda");
    assert!(a.operation_names().any(|o| o == "ListFunctions"));
}

#[test]
fn unknown_service_and_operation_name_close_ones() {
    let s = offline_session("http://127.0.0.1:9");
    let err = DynClient::builder(&s, "lamda")
        .models(pack())
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err}");
    assert!(err.to_string().contains("lambda"), "{err}");
    let lambda = client(&s, "lambda");
    let err = lambda.operation("ListFunction").unwrap_err();
    assert!(err.to_string().contains("ListFunctions"), "{err}");
    assert!(err.is_config());
}

#[test]
fn no_source_means_unknown_and_env_names_the_pack() {
    // A session whose environment names no pack and no folders (and no embedded pack in
    // this build): every service is unknown.
    let bare = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .build()
        .unwrap();
    if !cfg!(feature = "embed") {
        assert_eq!(ModelSource::from_session(&bare), ModelSource::None);
        assert!(DynClient::new(&bare, "sqs").is_err());
    }
    let named = Session::builder()
        .env(Env::from_vars([
            ("AWS_REGION", "us-east-1"),
            ("AWS_SESSION_MODEL_PACK", PACK),
        ]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKID")
        .secret_access_key("secret")
        .build()
        .unwrap();
    assert_eq!(ModelSource::from_session(&named), pack());
    assert_eq!(DynClient::new(&named, "sqs").unwrap().service_name(), "sqs");
    // The profile key works the same way.
    let profile = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents(format!("[default]\nmodel_pack = {PACK}\n"))
        .credentials_file_contents("")
        .build()
        .unwrap();
    assert_eq!(ModelSource::from_session(&profile), pack());
}

#[test]
fn model_folders_come_before_the_pack() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("models/demo/2024-01-01");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("service-2.json"),
        r#"{"metadata":{"protocol":"json","jsonVersion":"1.1","apiVersion":"2024-01-01",
            "serviceId":"Demo","signingName":"demo","endpointPrefix":"demo",
            "targetPrefix":"Demo"},
           "operations":{"Ping":{"name":"Ping","http":{"method":"POST","requestUri":"/"},
             "input":{"shape":"PingIn"}}},
           "shapes":{"PingIn":{"type":"structure","required":["Name"],
             "members":{"Name":{"shape":"S"}}},"S":{"type":"string"}}}"#,
    )
    .unwrap();
    // The rule set comes from the SQS folder of the same pack layout: copy it in.
    let sqs_rules = session_models::Pack::open(PACK)
        .unwrap()
        .service("sqs")
        .unwrap()
        .endpoint_rule_set()
        .unwrap()
        .unwrap();
    std::fs::write(dir.join("endpoint-rule-set-1.json"), sqs_rules).unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    let data_path = tmp.path().join("models");
    let session = Session::builder()
        .env(Env::from_vars([
            ("AWS_REGION", "us-east-1"),
            ("AWS_DATA_PATH", data_path.to_str().unwrap()),
            ("AWS_SESSION_MODEL_PACK", PACK),
            ("HOME", home.to_str().unwrap()),
        ]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKID")
        .secret_access_key("secret")
        .build()
        .unwrap();
    let source = ModelSource::from_session(&session);
    assert!(matches!(source, ModelSource::Dirs { .. }), "{source:?}");
    let services = source.services().unwrap();
    assert!(services.iter().any(|s| s == "demo") && services.iter().any(|s| s == "sqs"));
    let demo = DynClient::new(&session, "demo").unwrap();
    let err = demo.validate("Ping", &Value::map()).unwrap_err();
    assert_eq!(err.problems()[0].message, "missing required member");
}

#[test]
fn validation_lists_every_problem_with_paths() {
    let s = offline_session("http://127.0.0.1:9");
    let lambda = client(&s, "lambda");
    let input = Value::from(serde_json::json!({
        "FunctionName": "f",
        "Environment": {"Variables": "not a map"},
        "Timeout": "soon",
        "Bogus": 1,
    }));
    let err = lambda
        .validate("UpdateFunctionConfiguration", &input)
        .unwrap_err();
    assert!(err.is_invalid() && err.is_config());
    assert_eq!(err.operation(), Some("UpdateFunctionConfiguration"));
    let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert!(paths.contains(&"Environment.Variables"), "{paths:?}");
    assert!(paths.contains(&"Timeout"), "{paths:?}");
    assert!(paths.contains(&"Bogus"), "{paths:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("UpdateFunctionConfiguration: invalid input (3 problems)"),
        "{text}"
    );

    // Missing required members and minimums, in a list.
    let err = lambda
        .validate(
            "CreateFunction",
            &Value::from(serde_json::json!({"FunctionName": ""})),
        )
        .unwrap_err();
    let shown: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert!(
        shown.iter().any(|p| p.starts_with("Role: missing")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|p| p.starts_with("FunctionName: length 0")),
        "{shown:?}"
    );
}

#[test]
fn unknown_enum_values_are_warnings_only() {
    let s = offline_session("http://127.0.0.1:9");
    let lambda = client(&s, "lambda");
    let input = Value::from(serde_json::json!({
        "FunctionName": "f", "Role": "arn:aws:iam::123456789012:role/r",
        "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},
        "Runtime": "cobol85",
        "Architectures": ["x86_64", "riscv"],
    }));
    let warnings = lambda.validate("CreateFunction", &input).unwrap();
    let paths: Vec<&str> = warnings.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["Runtime", "Architectures[1]"], "{warnings:?}");
}

#[tokio::test]
async fn invalid_input_is_not_sent() {
    // Port 9 (discard) on loopback: a request sent would fail with a connection error,
    // not an invalid-input one.
    let s = offline_session("http://127.0.0.1:9");
    let sqs = client(&s, "sqs");
    let err = sqs
        .call("SendMessage", Value::map().with("QueueUrl", 5))
        .await
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert_eq!(err.problems().len(), 2, "{err}"); // wrong type + missing MessageBody
}

#[tokio::test]
async fn dry_run_shows_the_signed_request() {
    let s = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "eu-west-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDDRYRUN")
        .secret_access_key("dry-run-secret")
        .session_token("session-token-secret")
        .build()
        .unwrap();
    let sqs = client(&s, "sqs");
    let req = sqs
        .dry_run("ListQueues", Value::map().with("MaxResults", 5))
        .await
        .unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://sqs.eu-west-1.amazonaws.com/");
    let json = req.to_json();
    assert_eq!(json["body"], serde_json::json!("{\"MaxResults\":5}"));
    assert_eq!(json["headers"]["x-amz-target"], "AmazonSQS.ListQueues");
    assert_eq!(
        json["headers"]["x-amz-security-token"],
        session_dynamic::REDACTED
    );
    let auth = json["headers"]["authorization"].as_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDDRYRUN/"),
        "{auth}"
    );
    assert!(!json.to_string().contains("session-token-secret"));
    assert!(!json.to_string().contains("dry-run-secret"));

    // Every protocol: query (IAM, global), EC2, rest-json, rest-xml.
    let iam = client(&s, "iam")
        .dry_run("ListUsers", Value::map())
        .await
        .unwrap();
    assert_eq!(iam.url, "https://iam.amazonaws.com/");
    assert!(std::str::from_utf8(&iam.body)
        .unwrap()
        .contains("Action=ListUsers"));
    let ec2 = client(&s, "ec2")
        .dry_run(
            "DescribeInstances",
            Value::from(serde_json::json!({"InstanceIds": ["i-1"]})),
        )
        .await
        .unwrap();
    assert!(std::str::from_utf8(&ec2.body)
        .unwrap()
        .contains("InstanceId.1=i-1"));
    let lambda = client(&s, "lambda")
        .dry_run("GetFunction", Value::map().with("FunctionName", "my fn"))
        .await
        .unwrap();
    assert_eq!(lambda.method, "GET");
    assert_eq!(
        lambda.url,
        "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/my%20fn"
    );
    let r53 = client(&s, "route53")
        .dry_run("ListHostedZones", Value::map())
        .await
        .unwrap();
    assert!(
        r53.url
            .starts_with("https://route53.amazonaws.com/2013-04-01/hostedzone"),
        "{}",
        r53.url
    );
}

#[test]
fn paginators_and_waiters_are_listed() {
    let s = offline_session("http://127.0.0.1:9");
    let lambda = client(&s, "lambda");
    assert!(lambda
        .paginator_names()
        .unwrap()
        .contains(&"ListFunctions".to_owned()));
    assert!(lambda
        .waiter_names()
        .unwrap()
        .contains(&"FunctionActive".to_owned()));
}

#[tokio::test]
async fn unknown_waiter_and_paginator_are_errors() {
    use futures_util::StreamExt as _;
    let s = offline_session("http://127.0.0.1:9");
    let lambda = client(&s, "lambda");
    let err = lambda
        .wait("FunctionHappy", Value::map())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("FunctionActive"), "{err}");
    let mut pages = lambda.paginate("GetFunction", Value::map());
    let first = pages.next().await.unwrap().unwrap_err();
    assert!(first.to_string().contains("no paginator"), "{first}");
    assert!(pages.next().await.is_none());
}
