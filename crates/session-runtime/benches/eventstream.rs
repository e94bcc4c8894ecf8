//! Output event streams decoded into values: the framing alone (session-eventstream's
//! decoder, the reference), then whole streams of 64 KiB events read through
//! `EventStream<Value>` (and one typed) from a body arriving in 16 KiB reads: blob payloads
//! (S3 Records, Lambda PayloadChunk), a JSON structure payload (Kinesis
//! SubscribeToShardEvent), and small XML events (S3 Stats) for the per-event cost.
//!
//! `cargo bench -p session-runtime --bench eventstream`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use http_body_util::StreamBody;
use serde::Deserialize;
use session_eventstream::{Decoder, Message};
use session_runtime::shapes::Service;
use session_runtime::value::Value;
use session_runtime::EventStream;
use session_tower::SdkBody;

const PAYLOAD: usize = 64 * 1024;
const EVENTS: usize = 64;
const READ: usize = 16 * 1024;

fn service(name: &str) -> &'static Service {
    let path = format!(
        "{}/../../models/{name}/service-2.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let json = std::fs::read_to_string(path).unwrap();
    session_runtime::model::build(name, &json, &Default::default()).unwrap()
}

fn wire(messages: impl Iterator<Item = Message>) -> Bytes {
    let mut out = BytesMut::new();
    for m in messages {
        m.encode_into(&mut out).unwrap();
    }
    out.freeze()
}

/// The body as the transport hands it over: `READ`-byte pieces of the wire (slices, no
/// copies).
fn body(wire: &Bytes) -> SdkBody {
    let pieces: Vec<Result<http_body::Frame<Bytes>, std::io::Error>> = (0..wire.len())
        .step_by(READ)
        .map(|at| {
            Ok(http_body::Frame::data(
                wire.slice(at..(at + READ).min(wire.len())),
            ))
        })
        .collect();
    SdkBody::from_stream(StreamBody::new(futures_util::stream::iter(pieces)))
}

fn blob_payload(seed: u8) -> Bytes {
    (0..PAYLOAD)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect::<Vec<u8>>()
        .into()
}

/// A SubscribeToShardEvent of about 64 KiB: records of base64 data.
fn kinesis_event() -> Message {
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD.encode(vec![b'x'; 3000]);
    let mut json = String::from("{\"Records\":[");
    let mut n = 0;
    while json.len() < PAYLOAD - 4200 {
        if n > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "{{\"SequenceNumber\":\"4959013215762908000{n:05}\",\"ApproximateArrivalTimestamp\":1700000000.{n:03},\"Data\":\"{data}\",\"PartitionKey\":\"pk-{n}\"}}"
        ));
        n += 1;
    }
    json.push_str("],\"ContinuationSequenceNumber\":\"1\",\"MillisBehindLatest\":0}");
    Message::event("SubscribeToShardEvent", json).with_header(":content-type", "application/json")
}

#[derive(Deserialize)]
#[allow(dead_code)]
enum ShardEvents {
    SubscribeToShardEvent(ShardEvent),
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ShardEvent {
    #[serde(rename = "Records")]
    records: Vec<ShardRecord>,
    #[serde(rename = "MillisBehindLatest")]
    behind: i64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ShardRecord {
    #[serde(rename = "Data")]
    data: session_runtime::Blob,
    #[serde(rename = "ApproximateArrivalTimestamp")]
    arrived: session_runtime::Timestamp,
    #[serde(rename = "PartitionKey")]
    key: String,
}

async fn drain<T: serde::de::DeserializeOwned>(mut events: EventStream<T>) -> usize {
    let mut n = 0;
    while let Some(e) = events.recv().await.unwrap() {
        black_box(e);
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let s3 = service("s3");
    let lambda = service("lambda");
    let kinesis = service("kinesis");
    let select = s3.operation("SelectObjectContent").unwrap();
    let invoke = lambda.operation("InvokeWithResponseStream").unwrap();
    let subscribe = kinesis.operation("SubscribeToShard").unwrap();

    let records = wire((0..EVENTS).map(|i| {
        Message::event("Records", blob_payload(i as u8))
            .with_header(":content-type", "application/octet-stream")
    }));
    let chunks = wire((0..EVENTS).map(|i| {
        Message::event("PayloadChunk", blob_payload(i as u8))
            .with_header(":content-type", "application/octet-stream")
    }));
    let shard = wire((0..EVENTS).map(|_| kinesis_event()));
    let stats = wire((0..4096).map(|_| {
        Message::event(
            "Stats",
            "<Stats><BytesScanned>1048576</BytesScanned><BytesProcessed>1048576</BytesProcessed><BytesReturned>4096</BytesReturned></Stats>",
        )
        .with_header(":content-type", "text/xml")
    }));

    let mut g = c.benchmark_group("eventstream");
    g.sample_size(20);

    g.throughput(Throughput::Bytes(records.len() as u64));
    g.bench_function(BenchmarkId::new("framing only", "64 KiB blobs"), |b| {
        b.iter(|| {
            let mut d = Decoder::new();
            let mut n = 0;
            for at in (0..records.len()).step_by(READ) {
                d.push(records.slice(at..(at + READ).min(records.len())));
                while let Some(m) = d.next_message().unwrap() {
                    black_box(m);
                    n += 1;
                }
            }
            d.finish().unwrap();
            assert_eq!(n, EVENTS);
        });
    });
    g.bench_function(BenchmarkId::new("S3 Records", "64 KiB blobs"), |b| {
        b.to_async(&rt).iter(|| async {
            let events = EventStream::<Value>::of_operation(s3, select, body(&records)).unwrap();
            assert_eq!(drain(events).await, EVENTS);
        });
    });
    g.throughput(Throughput::Bytes(chunks.len() as u64));
    g.bench_function(
        BenchmarkId::new("Lambda PayloadChunk", "64 KiB blobs"),
        |b| {
            b.to_async(&rt).iter(|| async {
                let events =
                    EventStream::<Value>::of_operation(lambda, invoke, body(&chunks)).unwrap();
                assert_eq!(drain(events).await, EVENTS);
            });
        },
    );
    g.throughput(Throughput::Bytes(shard.len() as u64));
    g.bench_function(
        BenchmarkId::new("Kinesis SubscribeToShardEvent", "64 KiB JSON, Value"),
        |b| {
            b.to_async(&rt).iter(|| async {
                let events =
                    EventStream::<Value>::of_operation(kinesis, subscribe, body(&shard)).unwrap();
                assert_eq!(drain(events).await, EVENTS);
            });
        },
    );
    g.bench_function(
        BenchmarkId::new("Kinesis SubscribeToShardEvent", "64 KiB JSON, typed"),
        |b| {
            b.to_async(&rt).iter(|| async {
                let events =
                    EventStream::<ShardEvents>::of_operation(kinesis, subscribe, body(&shard))
                        .unwrap();
                assert_eq!(drain(events).await, EVENTS);
            });
        },
    );
    g.throughput(Throughput::Elements(4096));
    g.bench_function(BenchmarkId::new("S3 Stats", "small XML events"), |b| {
        b.to_async(&rt).iter(|| async {
            let events = EventStream::<Value>::of_operation(s3, select, body(&stats)).unwrap();
            assert_eq!(drain(events).await, 4096);
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
