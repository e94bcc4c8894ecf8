//! The endpoint rules engine over S3's vendored rule set (the largest and the one with
//! the most functions: ARN parsing, host labels, `parseURL`, virtual hosting): random
//! values for its declared parameters, drawn half from a pool of meaningful values and
//! half from the fuzzer. Resolution must give an endpoint or an error, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use session_endpoints::{ParamValue, ParameterType, Params, RuleSet};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::from_json(include_str!("../../models/s3/endpoint-rule-set-1.json"))
            .expect("S3's rule set compiles")
    })
}

const POOL: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "aws-global",
    "cn-north-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "eu-central-1",
    "my-bucket",
    "my.bucket.with.dots",
    "arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint",
    "arn:aws:s3-outposts:us-west-2:123456789012:outpost:op-01234567890123456:accesspoint:ap",
    "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/mybanner",
    "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap",
    "bucket--use1-az1--x-s3",
    "https://example.com",
    "http://127.0.0.1:8080/path",
    "https://[::1]:443",
    "",
    "/key",
    "ListObjects",
];

fn text(u: &mut Unstructured<'_>) -> Result<String> {
    if u.arbitrary::<bool>()? {
        Ok((*u.choose(POOL)?).to_owned())
    } else {
        u.arbitrary::<String>()
    }
}

fn params(u: &mut Unstructured<'_>) -> Result<Params> {
    let mut params = Params::new();
    for p in rules().parameters() {
        if !u.arbitrary::<bool>()? {
            continue;
        }
        let value = match p.kind() {
            ParameterType::String => ParamValue::String(text(u)?),
            ParameterType::Boolean => ParamValue::Bool(u.arbitrary()?),
            ParameterType::StringArray => {
                let n = u.int_in_range(0..=3)?;
                ParamValue::StringArray((0..n).map(|_| text(u)).collect::<Result<_>>()?)
            }
            _ => continue,
        };
        params.set(p.name().to_owned(), value);
    }
    Ok(params)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(params) = params(&mut u) else {
        return;
    };
    if let Ok(endpoint) = rules().resolve(&params) {
        let _ = (
            endpoint.url(),
            endpoint.headers().len(),
            endpoint.properties().len(),
        );
        for scheme in endpoint.auth_schemes() {
            let _ = (
                scheme.name(),
                scheme.signing_name(),
                scheme.signing_region(),
            );
            let _ = scheme.signing_region_set();
        }
    }
});
