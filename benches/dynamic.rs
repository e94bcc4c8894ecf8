//! The dynamic client's costs: a dynamic SQS SendMessage against the typed one (client
//! CPU per call: both through the same stack with the same in-process canned transport, so
//! the figures are serialization, signing, the stack and parsing, no network), the first
//! `dyn_client` of a service (model read from the pack, parsed, tables and rules built)
//! for Lambda and EC2, and a later client of a service already built.
//!
//! Run: `cargo bench -p session-dynamic --bench dynamic`. Figures in docs/performance.md.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::future::Ready;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use criterion::{Criterion, SamplingMode};
use session_core::{Env, Session};
use session_dynamic::{DynClient, ModelSource, Value};
use session_tower::SdkBody;

const PACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/pack/botocore-1.43.67.pack"
);
const SQS_RESPONSE: &str = r#"{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MessageId":"7f9c2ba4-e88f-4ed7-8c7a-6c1a4f2e8f11"}"#;
const QUEUE: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/bench";

/// Answers every request with SQS's SendMessage answer (a stub transport: this bench is
/// about client CPU, not the network).
#[derive(Clone)]
struct Canned;

impl tower_service::Service<http::Request<SdkBody>> for Canned {
    type Response = http::Response<SdkBody>;
    type Error = std::io::Error;
    type Future = Ready<Result<http::Response<SdkBody>, std::io::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), std::io::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: http::Request<SdkBody>) -> Self::Future {
        let mut resp = http::Response::new(SdkBody::from(SQS_RESPONSE));
        resp.headers_mut().insert(
            "content-type",
            "application/x-amz-json-1.0".parse().unwrap(),
        );
        std::future::ready(Ok(resp))
    }
}

fn session() -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDBENCH")
        .secret_access_key("bench-secret")
        .build()
        .unwrap()
}

fn per_call(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let session = session();
    let typed = services_sqs::SqsClient::builder(&session)
        .http_client(Canned)
        .build()
        .unwrap();
    let dynamic = DynClient::builder(&session, "sqs")
        .models(ModelSource::pack(PACK))
        .configure(|b| b.http_client(Canned))
        .build()
        .unwrap();
    let mut g = c.benchmark_group("sqs_send_message");
    g.bench_function("typed", |b| {
        b.iter(|| {
            rt.block_on(async {
                typed
                    .send_message()
                    .queue_url(QUEUE)
                    .message_body("hello")
                    .send()
                    .await
                    .unwrap()
            })
        });
    });
    g.bench_function("dynamic", |b| {
        b.iter(|| {
            rt.block_on(async {
                let input = Value::map()
                    .with("QueueUrl", QUEUE)
                    .with("MessageBody", "hello");
                dynamic.call("SendMessage", input).await.unwrap()
            })
        });
    });
    g.finish();
}

/// A model source no client has used yet (a model folder that does not exist in front of
/// the pack), so that each client is a first one: read, parse, build.
fn fresh_source() -> ModelSource {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    ModelSource::dirs(
        [format!("/nonexistent/session-dynamic-bench/{n}")],
        Some(ModelSource::pack(PACK)),
    )
}

fn first_client(c: &mut Criterion) {
    let session = session();
    let mut g = c.benchmark_group("first_dyn_client");
    // Each iteration leaks a service's tables (they live for the process): few samples.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_millis(500));
    for name in ["lambda", "ec2"] {
        g.bench_function(name, |b| {
            b.iter(|| {
                DynClient::builder(&session, name)
                    .models(fresh_source())
                    .build()
                    .unwrap()
            });
        });
    }
    g.finish();
    let source = ModelSource::pack(PACK);
    DynClient::builder(&session, "lambda")
        .models(source.clone())
        .build()
        .unwrap();
    c.bench_function("later_dyn_client/lambda", |b| {
        b.iter(|| {
            DynClient::builder(&session, "lambda")
                .models(source.clone())
                .build()
                .unwrap()
        });
    });
}

criterion::criterion_group!(benches, per_call, first_client);
criterion::criterion_main!(benches);
