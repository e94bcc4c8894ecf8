//! The typed path: `EventStream<T>` with serde types of the kind the service crates carry
//! (a union as a struct of optional members, as `services-s3` generates, and as a Rust
//! enum), read by the same shaped parsers as dynamic values. Against the STUB server.

use bytes::Bytes;
use serde::Deserialize;
use session_eventstream::Message;
use session_runtime::value::Value;
use session_runtime::wire::eventstream::call_events;
use session_runtime::{Blob, EventStream};

use crate::support::{client, pieces, runtime, wire, Reply, Stub, SPLIT};

/// As `services-s3` generates `SelectObjectContentEventStream`: every member optional.
#[derive(Debug, Default, Deserialize, PartialEq)]
struct SelectEvents {
    #[serde(rename = "Records", default)]
    records: Option<RecordsEvent>,
    #[serde(rename = "Stats", default)]
    stats: Option<StatsEvent>,
    #[serde(rename = "End", default)]
    end: Option<EndEvent>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct RecordsEvent {
    #[serde(rename = "Payload", default)]
    payload: Option<Blob>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct StatsEvent {
    #[serde(rename = "Details", default)]
    details: Option<Stats>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Stats {
    #[serde(rename = "BytesScanned", default)]
    bytes_scanned: Option<i64>,
    #[serde(rename = "BytesReturned", default)]
    bytes_returned: Option<i64>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct EndEvent {}

#[derive(Debug, Default, Deserialize)]
struct SelectOutput {}

#[test]
fn s3_select_into_a_struct_of_options() {
    runtime().block_on(async {
        let body = wire(&[
            Message::event("Records", Bytes::from_static(b"a,b\n")),
            Message::event(
                "Stats",
                "<Stats><BytesScanned>9</BytesScanned><BytesReturned>4</BytesReturned></Stats>",
            ),
            Message::event("End", Bytes::new()),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (s3, service) = client("s3", &stub.endpoint());
        let op = service.operation("SelectObjectContent").unwrap();
        let input = Value::map()
            .with("Bucket", "typed-bucket")
            .with("Key", "k")
            .with("Expression", "SELECT * FROM S3Object")
            .with("ExpressionType", "SQL")
            .with("InputSerialization", Value::map().with("CSV", Value::map()))
            .with(
                "OutputSerialization",
                Value::map().with("CSV", Value::map()),
            );
        let (_, mut events): (SelectOutput, EventStream<SelectEvents>) =
            call_events(&s3, service, op, &input).await.unwrap();
        let mut got = Vec::new();
        while let Some(e) = events.recv().await.unwrap() {
            got.push(e);
        }
        assert_eq!(
            got,
            [
                SelectEvents {
                    records: Some(RecordsEvent {
                        payload: Some(Blob::from("a,b\n"))
                    }),
                    ..Default::default()
                },
                SelectEvents {
                    stats: Some(StatsEvent {
                        details: Some(Stats {
                            bytes_scanned: Some(9),
                            bytes_returned: Some(4)
                        })
                    }),
                    ..Default::default()
                },
                SelectEvents {
                    end: Some(EndEvent {}),
                    ..Default::default()
                },
            ]
        );
    });
}

/// A union as an enum.
#[derive(Debug, Deserialize, PartialEq)]
enum LiveTail {
    #[serde(rename = "sessionStart")]
    Start(SessionStart),
    #[serde(rename = "sessionUpdate")]
    Update(SessionUpdate),
}

#[derive(Debug, Deserialize, PartialEq)]
struct SessionStart {
    #[serde(rename = "sessionId")]
    session_id: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct SessionUpdate {
    #[serde(rename = "sessionResults", default)]
    results: Vec<LogEvent>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct LogEvent {
    message: String,
    timestamp: i64,
}

#[derive(Debug, Default, Deserialize)]
struct SessionTimeoutException {
    message: Option<String>,
}

#[test]
fn live_tail_into_an_enum_and_a_typed_exception() {
    runtime().block_on(async {
        let json = |t: &str, p: &str| {
            Message::event(t, p.to_owned()).with_header(":content-type", "application/json")
        };
        let body = wire(&[
            json("initial-response", "{}"),
            json("sessionStart", r#"{"sessionId":"s-9","requestId":"r"}"#),
            json(
                "sessionUpdate",
                r#"{"sessionResults":[{"message":"hi","timestamp":5,"logStreamName":"w"}]}"#,
            ),
            Message::exception("SessionTimeoutException", r#"{"message":"over"}"#),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (logs, service) = client("logs", &stub.endpoint());
        let op = service.operation("StartLiveTail").unwrap();
        let input = Value::map().with("logGroupIdentifiers", Value::List(vec!["app".into()]));
        let (_, mut events): (Value, EventStream<LiveTail>) =
            call_events(&logs, service, op, &input).await.unwrap();
        assert_eq!(
            events.recv().await.unwrap(),
            Some(LiveTail::Start(SessionStart {
                session_id: "s-9".into()
            }))
        );
        assert_eq!(
            events.recv().await.unwrap(),
            Some(LiveTail::Update(SessionUpdate {
                results: vec![LogEvent {
                    message: "hi".into(),
                    timestamp: 5
                }]
            }))
        );
        let e = events.recv().await.unwrap_err();
        let typed: SessionTimeoutException = e.exception().unwrap().unwrap();
        assert_eq!(typed.message.as_deref(), Some("over"));
        assert!(events.recv().await.unwrap().is_none());
    });
}

#[test]
fn calling_an_operation_without_an_event_stream_is_refused() {
    runtime().block_on(async {
        let stub = Stub::start(Reply::events(Vec::new())).await;
        let (logs, service) = client("logs", &stub.endpoint());
        let op = service.operation("DescribeLogGroups").unwrap();
        let e = call_events::<_, Value, Value>(&logs, service, op, &Value::map())
            .await
            .unwrap_err();
        assert!(e.is_request(), "{e:?}");
        assert!(stub.seen().is_empty(), "nothing was sent");
    });
}
