//! What reading an STS AssumeRole answer (the query protocol's XML) costs, parse alone (no
//! network, no stack): the typed `AssumeRoleResponse` from the same bytes as a floor of a
//! plain quick-xml event loop that keeps the four credential fields. The answer is shaped
//! like the example in the AssumeRole API reference, with a session token of a real
//! token's length.
//!
//! `cargo bench -p services-sts --bench parse`. Figures in docs/performance.md.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quick_xml::events::Event;
use services_sts::types::AssumeRoleResponse;
use services_sts::Sts;
use session_runtime::typed::Modeled;

fn answer() -> Vec<u8> {
    // A made-up token of the length STS gives (about 800 characters of base64).
    let token: String = (0..800)
        .map(|i| {
            char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64])
        })
        .collect();
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>2026-12-02T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#
    )
    .into_bytes()
}

fn parts() -> http::response::Parts {
    let resp = http::Response::builder()
        .status(200)
        .header("content-type", "text/xml")
        .header("x-amzn-requestid", "c6104cbe-af31-11e0-8154-cbc7ccf896c7")
        .body(())
        .unwrap();
    resp.into_parts().0
}

/// The floor: access key id, secret, token and expiration text, from quick-xml's events.
fn floor(body: &[u8]) -> [String; 4] {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut out: [String; 4] = Default::default();
    let mut field = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                field = match e.local_name().as_ref() {
                    b"AccessKeyId" => Some(0),
                    b"SecretAccessKey" => Some(1),
                    b"SessionToken" => Some(2),
                    b"Expiration" => Some(3),
                    _ => None,
                }
            }
            Event::Text(t) => {
                if let Some(i) = field {
                    out[i] = t.decode().unwrap().into_owned();
                }
            }
            Event::End(_) => field = None,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let service = Sts::tables();
    let op = service.operation("AssumeRole").unwrap();
    let parts = parts();
    let body = answer();
    let typed: AssumeRoleResponse =
        session_runtime::wire::response::parse(service, op, &parts, &body).unwrap();
    let credentials = typed.credentials.as_ref().unwrap();
    assert_eq!(
        credentials.access_key_id.as_deref(),
        Some("ASIAIOSFODNN7EXAMPLE")
    );
    assert_eq!(
        credentials.session_token.as_ref().map(String::len),
        Some(800)
    );
    assert_eq!(typed.packed_policy_size, Some(6));
    assert_eq!(floor(&body)[0], "ASIAIOSFODNN7EXAMPLE");
    let mut g = c.benchmark_group("parse AssumeRole");
    g.bench_function("quick-xml floor", |b| b.iter(|| floor(black_box(&body))));
    g.bench_function("typed", |b| {
        b.iter(|| {
            let out: AssumeRoleResponse =
                session_runtime::wire::response::parse(service, op, &parts, black_box(&body))
                    .unwrap();
            out
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
