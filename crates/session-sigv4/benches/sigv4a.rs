//! SigV4a signing cost per request next to SigV4, on the same SQS JSON POST: one header
//! signature with a warm key cache for each algorithm, SigV4a with its key derived on every
//! signature (cold cache), and `aws-sigv4`'s own SigV4a path (`http_request::sign`, which
//! derives the key on every call).
//!
//! `cargo bench -p session-sigv4 --bench sigv4a`
#![allow(missing_docs, clippy::unwrap_used)]

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign as naive_sign, SignableBody, SignableRequest, SigningSettings as NaiveSettings,
};
use aws_smithy_runtime_api::client::identity::Identity as NaiveIdentity;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use http::request::Parts;
use session_sigv4::{
    sign_headers, sign_headers_v4a, Identity, PayloadHash, Signer, SigningKeyCache, SigningParams,
    SigningSettings, V4aKeyCache,
};

const AKID: &str = "ASIAEXAMPLEEXAMPLE01";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQDEXAMPLE=";
const SQS_BODY_SHA256: &str = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// A SendMessage request as an SDK-style client builds it (no Host header: hyper adds it);
/// the same request as the SigV4 bench's.
fn sqs_parts() -> Parts {
    http::Request::post("https://sqs.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .header("content-length", "112")
        .header("user-agent", "aws-session-rs/0.1.0")
        .header("x-amz-user-agent", "aws-session-rs/0.1.0 api/sqs#0.1.0")
        .header(
            "amz-sdk-invocation-id",
            "2b7c6e1a-5f2e-4f6a-9a9e-6b1d3c0e9f11",
        )
        .header("amz-sdk-request", "attempt=1; max=3")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn bench(c: &mut Criterion) {
    let settings = SigningSettings::default();
    let params = |region| SigningParams {
        identity: Identity::new(AKID, SECRET).with_session_token(TOKEN),
        region,
        service: "sqs",
        time: SystemTime::now(),
        payload: PayloadHash::Precomputed(SQS_BODY_SHA256),
        settings: &settings,
    };
    let mut group = c.benchmark_group("sqs_json_post");

    let warm = Signer::new();
    group.bench_function("sigv4_warm_cache", |b| {
        b.iter_batched(
            sqs_parts,
            |mut parts| {
                sign_headers(&warm, &mut parts, &params("us-east-1")).unwrap();
                parts
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("sigv4a_warm_cache", |b| {
        b.iter_batched(
            sqs_parts,
            |mut parts| {
                sign_headers_v4a(&warm, &mut parts, &params("us-east-1,us-west-2")).unwrap();
                parts
            },
            BatchSize::SmallInput,
        )
    });

    let cold = Signer::with_caches(SigningKeyCache::new(), V4aKeyCache::with_capacity(0));
    group.bench_function("sigv4a_cold_cache", |b| {
        b.iter_batched(
            sqs_parts,
            |mut parts| {
                sign_headers_v4a(&cold, &mut parts, &params("us-east-1,us-west-2")).unwrap();
                parts
            },
            BatchSize::SmallInput,
        )
    });

    let naive_identity: NaiveIdentity =
        Credentials::new(AKID, SECRET, Some(TOKEN.to_owned()), None, "bench").into();
    group.bench_function("aws_sigv4_v4a_http_request_sign", |b| {
        b.iter_batched(
            || http::Request::from_parts(sqs_parts(), ()),
            |mut request| {
                let params = aws_sigv4::sign::v4a::SigningParams::builder()
                    .identity(&naive_identity)
                    .region_set("us-east-1,us-west-2")
                    .name("sqs")
                    .time(SystemTime::now())
                    .settings(NaiveSettings::default())
                    .build()
                    .unwrap()
                    .into();
                let uri = request.uri().to_string();
                let signable = SignableRequest::new(
                    request.method().as_str(),
                    uri,
                    request
                        .headers()
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.to_str().unwrap())),
                    SignableBody::Precomputed(SQS_BODY_SHA256.to_owned()),
                )
                .unwrap();
                let (instructions, _signature) =
                    naive_sign(signable, &params).unwrap().into_parts();
                instructions.apply_to_request_http1x(&mut request);
                request
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
