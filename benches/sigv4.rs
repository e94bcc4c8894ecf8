//! SigV4 signing cost per request: `session-sigv4` with a warm and a cold key cache against
//! the straightforward `aws_sigv4::http_request::sign` path (build `SigningParams` and a
//! `SignableRequest`, sign, apply the instructions), on an SQS JSON POST and an S3 GET.
//!
//! `cargo bench -p session-sigv4 --bench sigv4`
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign as naive_sign, PayloadChecksumKind, PercentEncodingMode as NaivePercent, SignableBody,
    SignableRequest, SigningSettings as NaiveSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity as NaiveIdentity;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use http::request::Parts;
use session_sigv4::{sign_headers, Identity, PayloadHash, Signer, SigningParams, SigningSettings};

const AKID: &str = "ASIAEXAMPLEEXAMPLE01";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQDEXAMPLE=";
const SQS_BODY_SHA256: &str = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// A SendMessage request as an SDK-style client builds it (no Host header: hyper adds it).
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

/// A GetObject request.
fn s3_parts() -> Parts {
    http::Request::get("https://my-bucket.s3.us-east-1.amazonaws.com/photos/2024/cat%20picture.jpg")
        .header("user-agent", "aws-session-rs/0.1.0")
        .header("x-amz-user-agent", "aws-session-rs/0.1.0 api/s3#0.1.0")
        .header(
            "amz-sdk-invocation-id",
            "2b7c6e1a-5f2e-4f6a-9a9e-6b1d3c0e9f11",
        )
        .header("amz-sdk-request", "attempt=1; max=3")
        .header("range", "bytes=0-1023")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

struct Scenario {
    name: &'static str,
    parts: fn() -> Parts,
    service: &'static str,
    payload: PayloadHash<'static>,
    settings: SigningSettings,
    naive_body: fn() -> SignableBody<'static>,
    naive_settings: fn() -> NaiveSettings,
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "sqs_json_post",
            parts: sqs_parts,
            service: "sqs",
            payload: PayloadHash::Precomputed(SQS_BODY_SHA256),
            settings: SigningSettings::default(),
            naive_body: || SignableBody::Precomputed(SQS_BODY_SHA256.to_owned()),
            naive_settings: NaiveSettings::default,
        },
        Scenario {
            name: "s3_get_unsigned_payload",
            parts: s3_parts,
            service: "s3",
            payload: PayloadHash::UnsignedPayload,
            settings: SigningSettings::s3(),
            naive_body: || SignableBody::UnsignedPayload,
            naive_settings: || {
                let mut s = NaiveSettings::default();
                s.percent_encoding_mode = NaivePercent::Single;
                s.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
                s.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
                s
            },
        },
    ]
}

fn bench(c: &mut Criterion) {
    let naive_identity: NaiveIdentity =
        Credentials::new(AKID, SECRET, Some(TOKEN.to_owned()), None, "bench").into();
    for sc in scenarios() {
        let mut group = c.benchmark_group(sc.name);
        let params = |time| SigningParams {
            identity: Identity::new(AKID, SECRET).with_session_token(TOKEN),
            region: "us-east-1",
            service: sc.service,
            time,
            payload: sc.payload,
            settings: &sc.settings,
        };

        let warm = Signer::new();
        group.bench_function("session_sigv4_warm_cache", |b| {
            b.iter_batched(
                sc.parts,
                |mut parts| {
                    sign_headers(&warm, &mut parts, &params(SystemTime::now())).unwrap();
                    parts
                },
                BatchSize::SmallInput,
            )
        });

        let cold = Signer::new();
        group.bench_function("session_sigv4_cold_cache", |b| {
            b.iter_batched(
                sc.parts,
                |mut parts| {
                    cold.cache().clear();
                    sign_headers(&cold, &mut parts, &params(SystemTime::now())).unwrap();
                    parts
                },
                BatchSize::SmallInput,
            )
        });

        group.bench_function("aws_sigv4_http_request_sign", |b| {
            b.iter_batched(
                || http::Request::from_parts((sc.parts)(), ()),
                |mut request| {
                    let settings = (sc.naive_settings)();
                    let params = v4::SigningParams::builder()
                        .identity(&naive_identity)
                        .region("us-east-1")
                        .name(sc.service)
                        .time(SystemTime::now())
                        .settings(settings)
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
                        (sc.naive_body)(),
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
    // Keep the optimizer honest about the shared constants.
    black_box(Duration::ZERO);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
