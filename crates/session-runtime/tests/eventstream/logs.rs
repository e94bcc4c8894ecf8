//! CloudWatch Logs StartLiveTail (AWS JSON 1.1): `sessionStart` and `sessionUpdate` events,
//! modeled exceptions of the union. Against moto, a real peer that implements it (it sends
//! both events from the log events it holds, after an `initial-response`), and against the
//! STUB server for split writes, exceptions and a bad CRC.

use session_eventstream::Message;
use session_runtime::value::Value;
use session_runtime::wire::call::call_value;
use session_runtime::wire::eventstream::call_value_events;

use crate::support::{at, client, client_with, drain, pieces, runtime, wire, Reply, Stub, SPLIT};

fn event(event_type: &str, json: &str) -> Message {
    Message::event(event_type, json.to_owned()).with_header(":content-type", "application/json")
}

fn tail(group: &str) -> Value {
    Value::map().with("logGroupIdentifiers", Value::List(vec![group.into()]))
}

#[test]
fn live_tail_on_moto() {
    let moto = session_testkit::Moto::start_with_auth().unwrap();
    runtime().block_on(async {
        let (logs, service) = client_with("logs", &moto.session(None));
        let op = |name| service.operation(name).unwrap();
        let group = Value::map().with("logGroupName", "app");
        call_value(&logs, service, op("CreateLogGroup"), &group, None)
            .await
            .unwrap();
        let stream = group.clone().with("logStreamName", "web");
        call_value(&logs, service, op("CreateLogStream"), &stream, None)
            .await
            .unwrap();
        // The service (and moto) refuses log events far from its clock.
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap();
        let entry = |t: i64, m: &str| Value::map().with("timestamp", t).with("message", m);
        let put = stream.with(
            "logEvents",
            Value::List(vec![entry(now, "started"), entry(now + 5, "ready")]),
        );
        call_value(&logs, service, op("PutLogEvents"), &put, None)
            .await
            .unwrap();
        let (described, _) =
            call_value(&logs, service, op("DescribeLogGroups"), &Value::map(), None)
                .await
                .unwrap();
        let arn = at(&described, "logGroups.0.logGroupArn")
            .as_str()
            .unwrap()
            .trim_end_matches(":*")
            .to_owned();

        let (output, mut events) =
            call_value_events(&logs, service, op("StartLiveTail"), &tail(&arn))
                .await
                .unwrap();
        assert_eq!(output, Value::map());
        let (got, end) = drain(&mut events).await;
        assert!(end.is_none(), "{end:?}");
        assert_eq!(got.len(), 2);
        assert!(at(&got[0], "sessionStart.sessionId").as_str().is_some());
        assert_eq!(
            at(&got[0], "sessionStart.logGroupIdentifiers.0").as_str(),
            Some(arn.as_str())
        );
        let results = at(&got[1], "sessionUpdate.sessionResults");
        assert_eq!(at(results, "0.message").as_str(), Some("started"));
        assert_eq!(at(results, "1.message").as_str(), Some("ready"));
        assert_eq!(at(results, "1.timestamp").as_i64(), Some(now + 5));
        assert_eq!(
            at(&got[1], "sessionUpdate.sessionMetadata.sampled").as_bool(),
            Some(false)
        );
    });
}

#[test]
fn updates_split_across_reads_then_a_modeled_exception() {
    runtime().block_on(async {
        let update = |n: u32| {
            event(
                "sessionUpdate",
                &format!(
                    r#"{{"sessionMetadata":{{"sampled":false}},"sessionResults":[{{"logStreamName":"web","message":"line {n}","timestamp":{n},"ingestionTime":{n}}}]}}"#
                ),
            )
        };
        let body = wire(&[
            event("initial-response", "{}"),
            event(
                "sessionStart",
                r#"{"requestId":"r-1","sessionId":"s-1","logGroupIdentifiers":["app"]}"#,
            ),
            update(1),
            update(2),
            update(3),
            Message::exception(
                "SessionTimeoutException",
                r#"{"message":"The session timed out after 3 hours"}"#,
            ),
            update(4),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (logs, service) = client("logs", &stub.endpoint());
        let op = service.operation("StartLiveTail").unwrap();
        let (_, mut events) = call_value_events(&logs, service, op, &tail("app"))
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 4);
        assert_eq!(at(&got[0], "sessionStart.sessionId").as_str(), Some("s-1"));
        let lines: Vec<&str> = got[1..]
            .iter()
            .filter_map(|e| at(e, "sessionUpdate.sessionResults.0.message").as_str())
            .collect();
        assert_eq!(lines, ["line 1", "line 2", "line 3"]);
        let e = end.expect("the exception");
        assert!(e.is_exception() && e.is_modeled(), "{e:?}");
        assert_eq!(e.code(), Some("SessionTimeoutException"));
        assert_eq!(e.message(), Some("The session timed out after 3 hours"));
        assert!(events.recv().await.unwrap().is_none());

        let seen = stub.seen();
        assert_eq!(
            seen[0].header("x-amz-target"),
            Some("Logs_20140328.StartLiveTail")
        );
    });
}

#[test]
fn a_bad_crc_is_a_frame_error() {
    runtime().block_on(async {
        let mut body = wire(&[
            event("sessionStart", r#"{"sessionId":"s-1"}"#),
            event("sessionStart", r#"{"sessionId":"s-2"}"#),
        ])
        .to_vec();
        let last = body.len() - 3;
        body[last] ^= 0x01;
        let stub = Stub::start(Reply::events(pieces(&body.into(), SPLIT))).await;
        let (logs, service) = client("logs", &stub.endpoint());
        let op = service.operation("StartLiveTail").unwrap();
        // No initial-response here: the first event stays the stream's first.
        let (_, mut events) = call_value_events(&logs, service, op, &tail("app"))
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        assert_eq!(at(&got[0], "sessionStart.sessionId").as_str(), Some("s-1"));
        assert!(end.expect("the CRC error").is_frame());
    });
}
