//! Smithy RPC v2 CBOR beside AWS JSON 1.0 for the same shapes: CloudWatch's model (whose
//! first protocol is CBOR) built twice, once as is and once with its metadata saying JSON
//! 1.0, so both run the same tables through the same interpreter and only the body format
//! differs. Serialize: a PutMetricData input of 10 metrics (dimensions, a timestamp, 10
//! values and counts each) into a whole request. Parse: a GetMetricData answer of 10
//! results of 100 timestamps and values each, read into a dynamic `Value`.
//!
//! `cargo bench -p session-runtime --bench cbor`

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use minicbor::data::IanaTag;
use session_runtime::shapes::{Protocol, Service};
use session_runtime::value::Value;
use session_runtime::wire::{request, response};

const METRICS: usize = 10;
const RESULTS: usize = 10;
const POINTS: usize = 100;
const T0: i64 = 1_700_000_000;

fn services() -> (&'static Service, &'static Service) {
    let path = format!(
        "{}/../../models/cloudwatch/service-2.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let cbor = session_runtime::model::build("cloudwatch", &text, &Default::default()).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["metadata"]["protocol"] = "json".into();
    json["metadata"]["protocols"] = serde_json::json!(["json"]);
    let json = session_runtime::model::build("cloudwatch", &json.to_string(), &Default::default())
        .unwrap();
    assert_eq!(cbor.protocol, Protocol::Cbor);
    assert_eq!(json.protocol, Protocol::Json10);
    (cbor, json)
}

fn put_metric_data() -> Value {
    let metrics: Vec<serde_json::Value> = (0..METRICS)
        .map(|i| {
            serde_json::json!({
                "MetricName": format!("RequestLatency{i}"),
                "Dimensions": [
                    {"Name": "Service", "Value": "checkout"},
                    {"Name": "Region", "Value": "eu-west-1"},
                    {"Name": "Host", "Value": format!("host-{i:03}.internal")}
                ],
                "Timestamp": T0 + i as i64,
                "Values": (0..10).map(|v| f64::from(v) * 1.25 + i as f64).collect::<Vec<_>>(),
                "Counts": (0..10).map(|v| f64::from(v + 1)).collect::<Vec<_>>(),
                "Unit": "Milliseconds",
                "StorageResolution": 60
            })
        })
        .collect();
    Value::from_json(&serde_json::json!({
        "Namespace": "Shop/Checkout",
        "MetricData": metrics
    }))
}

#[allow(clippy::cast_precision_loss)]
fn point(r: usize, p: usize) -> (i64, f64) {
    (T0 + (p as i64) * 60, (r * 1000 + p) as f64 / 7.0)
}

fn answer_json() -> Vec<u8> {
    let results: Vec<serde_json::Value> = (0..RESULTS)
        .map(|r| {
            serde_json::json!({
                "Id": format!("m{r}"),
                "Label": format!("RequestLatency{r}"),
                "Timestamps": (0..POINTS).map(|p| point(r, p).0).collect::<Vec<_>>(),
                "Values": (0..POINTS).map(|p| point(r, p).1).collect::<Vec<_>>(),
                "StatusCode": "Complete"
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"MetricDataResults": results, "Messages": []})).unwrap()
}

fn answer_cbor() -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    e.map(2).unwrap();
    e.str("MetricDataResults")
        .unwrap()
        .array(RESULTS as u64)
        .unwrap();
    for r in 0..RESULTS {
        e.map(5).unwrap();
        e.str("Id").unwrap().str(&format!("m{r}")).unwrap();
        e.str("Label")
            .unwrap()
            .str(&format!("RequestLatency{r}"))
            .unwrap();
        e.str("Timestamps").unwrap().array(POINTS as u64).unwrap();
        for p in 0..POINTS {
            e.tag(IanaTag::Timestamp)
                .unwrap()
                .i64(point(r, p).0)
                .unwrap();
        }
        e.str("Values").unwrap().array(POINTS as u64).unwrap();
        for p in 0..POINTS {
            e.f64(point(r, p).1).unwrap();
        }
        e.str("StatusCode").unwrap().str("Complete").unwrap();
    }
    e.str("Messages").unwrap().array(0).unwrap();
    e.into_writer()
}

fn build(service: &'static Service, input: &Value) -> http::Request<session_tower::SdkBody> {
    let op = service.operation("PutMetricData").unwrap();
    let settings = session_core::settings::Settings::default();
    let token = String::new;
    let (req, _) = request::build(
        service,
        op,
        input,
        request::Context {
            token: &token,
            settings: &settings,
            stream: None,
        },
    )
    .unwrap();
    req
}

fn bench(c: &mut Criterion) {
    let (cbor, json) = services();
    let input = put_metric_data();
    let mut g = c.benchmark_group("serialize PutMetricData");
    for (name, service) in [("json 1.0", json), ("cbor", cbor)] {
        let len = build(service, &input).body().bytes().unwrap().len();
        println!("PutMetricData body, {name}: {len} bytes");
        g.throughput(Throughput::Elements(1));
        g.bench_with_input(BenchmarkId::from_parameter(name), &service, |b, s| {
            b.iter(|| black_box(build(s, black_box(&input))));
        });
    }
    g.finish();

    let mut g = c.benchmark_group("parse GetMetricData");
    let parts = http::Response::new(()).into_parts().0;
    for (name, service, body) in [
        ("json 1.0", json, answer_json()),
        ("cbor", cbor, answer_cbor()),
    ] {
        println!("GetMetricData body, {name}: {} bytes", body.len());
        let op = service.operation("GetMetricData").unwrap();
        let check: Value = response::parse(service, op, &parts, &body).unwrap();
        assert!(check
            .get("MetricDataResults")
            .and_then(|r| r.at(RESULTS - 1))
            .is_some());
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let v: Value = response::parse(service, op, &parts, black_box(&body)).unwrap();
                black_box(v)
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
