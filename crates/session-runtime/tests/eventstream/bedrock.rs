//! Bedrock Runtime ConverseStream (REST-JSON, the model from the vendored pack): events
//! whose JSON payload is the event's structure (a union inside `contentBlockDelta`, a
//! document in `messageStop`, the padding member `p` the service adds and the model does
//! not know), modeled exceptions of the union with lower-camel member names. Against the
//! STUB server: no installable server implements Bedrock.

use session_eventstream::Message;
use session_runtime::value::Value;
use session_runtime::wire::eventstream::call_value_events;

use crate::support::{at, client, drain, pieces, runtime, wire, Reply, Stub, SPLIT};

const MODEL_ID: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn event(event_type: &str, json: &str) -> Message {
    Message::event(event_type, json.to_owned()).with_header(":content-type", "application/json")
}

fn input() -> Value {
    let text = Value::map().with("text", "Say hello");
    let message = Value::map()
        .with("role", "user")
        .with("content", Value::List(vec![text]));
    Value::map()
        .with("modelId", MODEL_ID)
        .with("messages", Value::List(vec![message]))
}

fn conversation() -> Vec<Message> {
    vec![
        event("messageStart", r#"{"p":"abcdefgh","role":"assistant"}"#),
        event(
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"abcd"}"#,
        ),
        event(
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"lo!"},"p":"ab"}"#,
        ),
        event(
            "contentBlockStop",
            r#"{"contentBlockIndex":0,"p":"abcdef"}"#,
        ),
        event(
            "messageStop",
            r#"{"p":"a","stopReason":"end_turn","additionalModelResponseFields":{"stop_sequence":null,"n":[1,2]}}"#,
        ),
        event(
            "metadata",
            r#"{"metrics":{"latencyMs":412},"p":"abc","usage":{"inputTokens":9,"outputTokens":3,"totalTokens":12}}"#,
        ),
    ]
}

#[test]
fn a_conversation_split_across_reads() {
    runtime().block_on(async {
        let body = wire(&conversation());
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (client, service) = client("bedrock-runtime", &stub.endpoint());
        let op = service.operation("ConverseStream").unwrap();
        let (output, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        assert_eq!(output, Value::map());
        let (got, end) = drain(&mut events).await;
        assert!(end.is_none(), "{end:?}");
        assert_eq!(got.len(), 6);
        assert_eq!(at(&got[0], "messageStart.role").as_str(), Some("assistant"));
        assert!(
            at(&got[0], "messageStart.p").is_null(),
            "unknown members skipped"
        );
        let text: String = got
            .iter()
            .filter_map(|e| at(e, "contentBlockDelta.delta.text").as_str())
            .collect();
        assert_eq!(text, "Hello!");
        assert_eq!(
            at(&got[3], "contentBlockStop.contentBlockIndex").as_i64(),
            Some(0)
        );
        assert_eq!(
            at(&got[4], "messageStop.stopReason").as_str(),
            Some("end_turn")
        );
        assert_eq!(
            at(&got[4], "messageStop.additionalModelResponseFields.n.1").as_i64(),
            Some(2)
        );
        assert_eq!(at(&got[5], "metadata.usage.totalTokens").as_i64(), Some(12));
        assert_eq!(
            at(&got[5], "metadata.metrics.latencyMs").as_i64(),
            Some(412)
        );

        let seen = stub.seen();
        assert_eq!(
            seen[0].line,
            "POST /model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream"
        );
        let sent: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(sent["messages"][0]["content"][0]["text"], "Say hello");
        assert!(seen[0]
            .header("authorization")
            .is_some_and(|a| a.contains("/bedrock/aws4_request")));
    });
}

#[test]
fn a_modeled_exception_ends_the_stream() {
    runtime().block_on(async {
        let mut messages = conversation();
        messages.truncate(2);
        messages.push(
            Message::exception(
                "modelStreamErrorException",
                r#"{"message":"The model stopped","originalStatusCode":500,"originalMessage":"overloaded"}"#,
            )
            .with_header(":content-type", "application/json"),
        );
        messages.extend(conversation());
        let body = wire(&messages);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (client, service) = client("bedrock-runtime", &stub.endpoint());
        let op = service.operation("ConverseStream").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 2);
        let e = end.expect("the exception");
        assert!(e.is_exception() && e.is_modeled(), "{e:?}");
        assert_eq!(e.code(), Some("modelStreamErrorException"));
        assert_eq!(e.message(), Some("The model stopped"));
        let members: Value = e.exception().unwrap().unwrap();
        assert_eq!(at(&members, "originalStatusCode").as_i64(), Some(500));
        assert_eq!(at(&members, "originalMessage").as_str(), Some("overloaded"));
        assert!(events.recv().await.unwrap().is_none());
    });
}

#[test]
fn a_bad_crc_is_a_frame_error_and_a_bad_payload_is_not_fatal() {
    runtime().block_on(async {
        let mut messages = conversation();
        // A payload that does not read (JSON cut short): an error for that event, and the
        // stream goes on.
        messages.insert(1, event("contentBlockStop", r#"{"contentBlockIndex":0"#));
        let mut body = wire(&messages).to_vec();
        let at_end = body.len() - 1;
        body[at_end] ^= 0x80; // the last frame's message CRC
        let stub = Stub::start(Reply::events(pieces(&body.into(), SPLIT))).await;
        let (client, service) = client("bedrock-runtime", &stub.endpoint());
        let op = service.operation("ConverseStream").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        assert!(events.recv().await.unwrap().is_some());
        let e = events.recv().await.unwrap_err();
        assert!(e.is_decode(), "{e:?}");
        assert!(e.to_string().contains("contentBlockStop"), "{e}");
        let mut good = 0;
        let e = loop {
            match events.recv().await {
                Ok(Some(_)) => good += 1,
                Ok(None) => panic!("the bad CRC went unnoticed"),
                Err(e) => break e,
            }
        };
        assert_eq!(good, 4, "every event up to the corrupted one");
        assert!(e.is_frame(), "{e:?}");
        assert!(events.recv().await.unwrap().is_none());
    });
}

#[test]
fn an_operation_with_an_input_stream_is_refused_before_sending() {
    runtime().block_on(async {
        let stub = Stub::start(Reply::events(Vec::new())).await;
        let (client, service) = client("bedrock-runtime", &stub.endpoint());
        let op = service
            .operation("InvokeModelWithBidirectionalStream")
            .unwrap();
        let input = Value::map().with("modelId", MODEL_ID);
        let e = call_value_events(&client, service, op, &input)
            .await
            .unwrap_err();
        assert!(e.is_request(), "{e:?}");
        assert!(e.to_string().contains("input event streams"), "{e}");
        assert!(stub.seen().is_empty(), "nothing was sent");
    });
}
