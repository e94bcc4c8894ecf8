//! What resolving configuration costs: parsing profile files, building a session, cloning
//! it. Not timed in tests; run with `cargo bench -p session-core`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use session_core::profile::ProfileSet;
use session_core::{Env, Session};

/// A realistic config: a dozen profiles with sub-properties, SSO and services sections.
fn sample_config() -> String {
    let mut s = String::from("[default]\nregion = us-east-1\noutput = json\n");
    for i in 0..12 {
        s.push_str(&format!(
            "\n[profile p{i}]\nregion = eu-west-{}\nretry_mode = adaptive\nmax_attempts = 5\n\
             role_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = default\n\
             s3 =\n  addressing_style = path\n  use_arn_region = true\nservices = svc\n",
            i % 3 + 1
        ));
    }
    s.push_str("\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\n");
    s.push_str("\n[services svc]\ns3 =\n  endpoint_url = http://127.0.0.1:9000\ndynamodb =\n  endpoint_url = http://127.0.0.1:8000\n");
    s
}

const CREDENTIALS: &str =
    "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n";

fn benches(c: &mut Criterion) {
    let config = sample_config();
    c.bench_function("parse 13 profiles", |b| {
        b.iter(|| ProfileSet::parse("config", black_box(&config), "credentials", CREDENTIALS))
    });
    let env = Env::from_vars([("AWS_PROFILE", "p4"), ("AWS_REGION", "us-west-2")]);
    c.bench_function("build session (files given as text)", |b| {
        b.iter(|| {
            Session::builder()
                .env(env.clone())
                .config_file_contents(config.as_str())
                .credentials_file_contents(CREDENTIALS)
                .build()
        })
    });
    let session = Session::builder()
        .env(env.clone())
        .config_file_contents(config.as_str())
        .credentials_file_contents(CREDENTIALS)
        .build()
        .expect("sample config is valid");
    c.bench_function("clone session", |b| b.iter(|| black_box(&session).clone()));
    c.bench_function("endpoint_url lookup", |b| {
        b.iter(|| {
            black_box(&session)
                .settings()
                .endpoint_url(black_box("S3"))
                .is_some()
        })
    });
}

criterion_group!(group, benches);
criterion_main!(group);
