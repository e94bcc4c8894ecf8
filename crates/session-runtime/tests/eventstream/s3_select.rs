//! S3 SelectObjectContent (REST-XML): `Records` (a blob payload), `Stats` and `Progress`
//! (an XML structure payload), `Cont` and `End` (no members). Against moto, a real peer that
//! implements it, and against the STUB server for what moto never sends (split writes, a bad
//! CRC, errors mid-stream). The union has no error member: S3 reports failures as `error`
//! messages.

use bytes::Bytes;
use session_eventstream::Message;
use session_runtime::value::Value;
use session_runtime::wire::call::call_value;
use session_runtime::wire::eventstream::call_value_events;
use session_tower::SdkBody;

use crate::support::{at, client, client_with, drain, pieces, runtime, wire, Reply, Stub, SPLIT};

fn select_input(bucket: &str) -> Value {
    Value::map()
        .with("Bucket", bucket)
        .with("Key", "people.csv")
        .with(
            "Expression",
            // Lower case: moto's parser takes the alias only so.
            "SELECT * FROM s3object s WHERE s.city = 'London'",
        )
        .with("ExpressionType", "SQL")
        .with(
            "InputSerialization",
            Value::map().with("CSV", Value::map().with("FileHeaderInfo", "USE")),
        )
        .with(
            "OutputSerialization",
            Value::map().with("JSON", Value::map()),
        )
}

fn xml_event(event_type: &str, xml: &str) -> Message {
    Message::event(event_type, xml.to_owned()).with_header(":content-type", "text/xml")
}

fn records(data: &'static [u8]) -> Message {
    Message::event("Records", Bytes::from_static(data))
        .with_header(":content-type", "application/octet-stream")
}

#[test]
fn select_on_moto() {
    let moto = session_testkit::Moto::start_with_auth().unwrap();
    runtime().block_on(async {
        let (s3, service) = client_with("s3", &moto.session(None));
        let op = |name| service.operation(name).unwrap();
        call_value(
            &s3,
            service,
            op("CreateBucket"),
            &Value::map().with("Bucket", "select-bucket"),
            None,
        )
        .await
        .unwrap();
        let csv = "name,city\nAda,London\nLinus,Helsinki\nGrace,London\n";
        call_value(
            &s3,
            service,
            op("PutObject"),
            &Value::map()
                .with("Bucket", "select-bucket")
                .with("Key", "people.csv"),
            Some(SdkBody::from(csv)),
        )
        .await
        .unwrap();
        let (_, mut events) = call_value_events(
            &s3,
            service,
            op("SelectObjectContent"),
            &select_input("select-bucket"),
        )
        .await
        .unwrap_or_else(|e| {
            let body = e
                .service_error()
                .map(|s| String::from_utf8_lossy(s.body()).into_owned());
            let log = std::fs::read_to_string(moto.log_path()).unwrap_or_default();
            panic!("{e}: {body:?}\n{}", &log[log.len().saturating_sub(3000)..])
        });
        let (got, end) = drain(&mut events).await;
        assert!(end.is_none(), "{end:?}");
        let names: Vec<&str> = got
            .iter()
            .filter_map(|e| e.as_map().and_then(|m| m.keys().next()).map(String::as_str))
            .collect();
        assert_eq!(names, ["Records", "Stats", "End"]);
        let records = at(&got[0], "Records.Payload").as_bytes().unwrap();
        let text = std::str::from_utf8(records).unwrap();
        assert!(text.contains("Ada") && text.contains("Grace"), "{text}");
        assert!(!text.contains("Linus"), "{text}");
        let scanned = at(&got[1], "Stats.Details.BytesScanned").as_i64().unwrap();
        assert!(scanned > 0);
        assert_eq!(
            at(&got[1], "Stats.Details.BytesReturned").as_i64(),
            Some(i64::try_from(records.len()).unwrap())
        );
        assert_eq!(at(&got[2], "End"), &Value::map());
    });
}

#[test]
fn every_event_kind_split_across_reads() {
    runtime().block_on(async {
        let body = wire(&[
            records(b"{\"name\":\"Ada\"}\n"),
            records(b"{\"name\":\"Grace\"}\n"),
            Message::event("Cont", Bytes::new()),
            xml_event(
                "Progress",
                "<Progress><BytesScanned>512</BytesScanned><BytesProcessed>512</BytesProcessed><BytesReturned>32</BytesReturned></Progress>",
            ),
            xml_event(
                "Stats",
                "<Stats xmlns=\"\"><BytesScanned>1024</BytesScanned><BytesProcessed>1024</BytesProcessed><BytesReturned>34</BytesReturned></Stats>",
            ),
            Message::event("End", Bytes::new()),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (s3, service) = client("s3", &stub.endpoint());
        let op = service.operation("SelectObjectContent").unwrap();
        let (output, mut events) = call_value_events(&s3, service, op, &select_input("stub-bucket"))
            .await
            .unwrap();
        assert_eq!(output, Value::map());
        let (got, end) = drain(&mut events).await;
        assert!(end.is_none(), "{end:?}");
        assert_eq!(got.len(), 6);
        assert_eq!(
            at(&got[1], "Records.Payload").as_bytes(),
            Some(&b"{\"name\":\"Grace\"}\n"[..])
        );
        assert_eq!(at(&got[2], "Cont"), &Value::map());
        assert_eq!(at(&got[3], "Progress.Details.BytesReturned").as_i64(), Some(32));
        assert_eq!(at(&got[4], "Stats.Details.BytesScanned").as_i64(), Some(1024));
        assert_eq!(at(&got[5], "End"), &Value::map());

        let seen = stub.seen();
        assert_eq!(seen[0].line, "POST /stub-bucket/people.csv?select&select-type=2");
        let sent = String::from_utf8_lossy(&seen[0].body);
        assert!(sent.contains("<ExpressionType>SQL</ExpressionType>"), "{sent}");
    });
}

#[test]
fn an_error_message_ends_the_stream() {
    runtime().block_on(async {
        let body = wire(&[
            records(b"1\n"),
            Message::error("CSVParsingError", "bad quote in line 3"),
            records(b"never read\n"),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (s3, service) = client("s3", &stub.endpoint());
        let op = service.operation("SelectObjectContent").unwrap();
        let (_, mut events) = call_value_events(&s3, service, op, &select_input("stub-bucket"))
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        let e = end.expect("the error");
        assert!(e.is_service(), "{e:?}");
        assert_eq!(e.code(), Some("CSVParsingError"));
        assert_eq!(e.message(), Some("bad quote in line 3"));
        assert!(e.to_string().contains("CSVParsingError"));
    });
}

#[test]
fn an_exception_ends_the_stream_and_a_bad_crc_is_a_frame_error() {
    runtime().block_on(async {
        let body = wire(&[
            records(b"1\n"),
            Message::exception("InternalError", "<Error><Message>boom</Message></Error>"),
        ]);
        let stub = Stub::start(Reply::events(pieces(&body, SPLIT))).await;
        let (s3, service) = client("s3", &stub.endpoint());
        let op = service.operation("SelectObjectContent").unwrap();
        let (_, mut events) = call_value_events(&s3, service, op, &select_input("stub-bucket"))
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        let e = end.expect("the exception");
        assert!(e.is_exception() && !e.is_modeled(), "{e:?}");
        assert_eq!(e.code(), Some("InternalError"));

        // A prelude CRC broken: the framing is lost, the stream ends.
        let mut bad = wire(&[records(b"1\n"), records(b"2\n")]).to_vec();
        let second = bad.len() / 2;
        bad[second + 9] ^= 0xff;
        let stub = Stub::start(Reply::events(pieces(&bad.into(), SPLIT))).await;
        let (s3, _) = client("s3", &stub.endpoint());
        let (_, mut events) = call_value_events(&s3, service, op, &select_input("stub-bucket"))
            .await
            .unwrap();
        let (got, end) = drain(&mut events).await;
        assert_eq!(got.len(), 1);
        let e = end.expect("the CRC error");
        assert!(e.is_frame(), "{e:?}");
        let cause = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<session_eventstream::Error>())
            .unwrap();
        assert!(cause.is_prelude_crc(), "{cause:?}");
    });
}
