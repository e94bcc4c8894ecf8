//! Kinesis SubscribeToShard (AWS JSON 1.1): an `initial-response` event, then
//! `SubscribeToShardEvent`s whose payload is the event's structure, errors as modeled
//! exceptions of the union. Against the STUB server: no installable server implements
//! SubscribeToShard (moto does not).

use session_eventstream::Message;
use session_runtime::value::Value;
use session_runtime::wire::eventstream::call_value_events;
use session_runtime::Timestamp;

use crate::support::{at, client, drain, pieces, runtime, wire, Reply, Stub, SPLIT};

fn input() -> Value {
    Value::map()
        .with(
            "ConsumerARN",
            "arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/reader:1",
        )
        .with("ShardId", "shardId-000000000000")
        .with("StartingPosition", Value::map().with("Type", "LATEST"))
}

fn json_event(event_type: &str, json: &str) -> Message {
    Message::event(event_type, json.to_owned()).with_header(":content-type", "application/json")
}

fn records(seq: u32, data: &str) -> Message {
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD.encode(data);
    json_event(
        "SubscribeToShardEvent",
        &format!(
            r#"{{"Records":[{{"SequenceNumber":"{seq}","ApproximateArrivalTimestamp":1700000000.5,"Data":"{data}","PartitionKey":"pk-{seq}"}}],"ContinuationSequenceNumber":"{next}","MillisBehindLatest":{behind}}}"#,
            next = seq + 1,
            behind = 1000 - seq,
        ),
    )
}

#[test]
fn events_split_across_reads_after_the_initial_response() {
    runtime().block_on(async {
        let body = wire(&[
            json_event("initial-response", "{}"),
            records(1, "first record"),
            records(2, "second record"),
            json_event(
                "SubscribeToShardEvent",
                r#"{"Records":[],"ContinuationSequenceNumber":"3","MillisBehindLatest":0,"ChildShards":[{"ShardId":"shardId-000000000001","ParentShards":["shardId-000000000000"],"HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"9"}}]}"#,
            ),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (client, service) = client("kinesis", &stub.endpoint());
        let op = service.operation("SubscribeToShard").unwrap();
        let (output, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        // The initial response held no member; the stream member is the events'.
        assert_eq!(output, Value::map());
        let (got, end) = drain(&mut events).await;
        assert!(end.is_none(), "{end:?}");
        assert_eq!(got.len(), 3);
        let first = at(&got[0], "SubscribeToShardEvent");
        assert_eq!(
            at(first, "Records.0.Data").as_bytes(),
            Some(&b"first record"[..])
        );
        assert_eq!(at(first, "Records.0.PartitionKey").as_str(), Some("pk-1"));
        assert_eq!(
            at(first, "Records.0.ApproximateArrivalTimestamp").as_timestamp(),
            Timestamp::from_secs_f64(1_700_000_000.5)
        );
        assert_eq!(at(first, "MillisBehindLatest").as_i64(), Some(999));
        assert_eq!(
            at(&got[1], "SubscribeToShardEvent.ContinuationSequenceNumber").as_str(),
            Some("3")
        );
        assert_eq!(
            at(
                &got[2],
                "SubscribeToShardEvent.ChildShards.0.HashKeyRange.EndingHashKey"
            )
            .as_str(),
            Some("9")
        );
        assert!(events.is_done());

        let seen = stub.seen();
        assert_eq!(seen[0].line, "POST /");
        assert_eq!(
            seen[0].header("x-amz-target"),
            Some("Kinesis_20131202.SubscribeToShard")
        );
        let sent: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(sent["StartingPosition"]["Type"], "LATEST");
    });
}

#[test]
fn a_modeled_exception_ends_the_stream() {
    runtime().block_on(async {
        let body = wire(&[
            json_event("initial-response", "{}"),
            records(1, "before"),
            Message::exception(
                "ResourceInUseException",
                r#"{"message":"Another subscription is active"}"#,
            )
            .with_header(":content-type", "application/json"),
            records(2, "never read"),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (client, service) = client("kinesis", &stub.endpoint());
        let op = service.operation("SubscribeToShard").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        let e = end.expect("the exception");
        assert!(e.is_exception() && e.is_modeled(), "{e:?}");
        assert!(!e.is_frame() && !e.is_service() && !e.is_transport());
        assert_eq!(e.code(), Some("ResourceInUseException"));
        assert_eq!(e.message(), Some("Another subscription is active"));
        let members: Value = e.exception().unwrap().unwrap();
        assert_eq!(
            members.get("message").and_then(Value::as_str),
            Some("Another subscription is active")
        );
        // Ended: the event after the exception is not read.
        assert!(events.recv().await.unwrap().is_none());
    });
}

#[test]
fn a_bad_crc_is_a_frame_error() {
    runtime().block_on(async {
        let good = wire(&[json_event("initial-response", "{}"), records(1, "fine")]);
        let mut bad = wire(&[records(2, "corrupted")]).to_vec();
        let mid = bad.len() / 2;
        bad[mid] ^= 0x20;
        let body = [good.to_vec(), bad].concat().into();
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (client, service) = client("kinesis", &stub.endpoint());
        let op = service.operation("SubscribeToShard").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1, "the event before the bad frame arrives");
        let e = end.expect("the CRC error");
        assert!(e.is_frame(), "{e:?}");
        let cause = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<session_eventstream::Error>())
            .expect("the framing error as the source");
        assert!(cause.is_message_crc(), "{cause:?}");
        assert!(events.recv().await.unwrap().is_none());
    });
}

#[test]
fn an_unmodeled_error_message_is_a_service_error() {
    runtime().block_on(async {
        let body = wire(&[
            json_event("initial-response", "{}"),
            Message::error("InternalFailure", "try again later"),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (client, service) = client("kinesis", &stub.endpoint());
        let op = service.operation("SubscribeToShard").unwrap();
        let (_, mut events) = call_value_events(&client, service, op, &input())
            .await
            .unwrap();
        let e = events.recv().await.unwrap_err();
        assert!(e.is_service(), "{e:?}");
        assert_eq!(e.code(), Some("InternalFailure"));
        assert_eq!(e.message(), Some("try again later"));
        assert!(e.exception::<Value>().is_none());
        assert!(events.recv().await.unwrap().is_none());
    });
}
