//! Response parsing for every protocol (AWS JSON 1.0/1.1, query, EC2, REST-JSON, REST-XML,
//! Smithy RPC v2 CBOR): `session_runtime::wire::response::parse` into a dynamic `Value`
//! with the model of one protocol-suite case, and `parse_error` for each error the case's
//! operation names. A body that does not fit must give an error, never a panic.
//!
//! The models are the conformance suites' own (crates/protocol-tests/suites/output and
//! legacy/output), built once, as the dynamic client builds botocore's. Input: two bytes
//! choosing the case, one byte of status, one byte counting header lines (`name:value\n`,
//! at most 4), then the body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use session_runtime::shapes::{Operation, Service};
use session_runtime::value::Value;
use session_runtime::wire::response;

/// The suites, in the order `fuzz/seeds.py` numbers their cases.
const SUITES: &[&str] = &[
    include_str!("../../crates/protocol-tests/suites/output/ec2.json"),
    include_str!("../../crates/protocol-tests/suites/output/json.json"),
    include_str!("../../crates/protocol-tests/suites/output/json_1_0-query-compatible.json"),
    include_str!("../../crates/protocol-tests/suites/output/json_1_0.json"),
    include_str!("../../crates/protocol-tests/suites/output/query.json"),
    include_str!("../../crates/protocol-tests/suites/output/rest-json.json"),
    include_str!("../../crates/protocol-tests/suites/output/rest-xml.json"),
    include_str!(
        "../../crates/protocol-tests/suites/output/smithy-rpc-v2-cbor-query-compatible.json"
    ),
    include_str!("../../crates/protocol-tests/suites/output/smithy-rpc-v2-cbor.json"),
    include_str!("../../crates/protocol-tests/suites/legacy/output/ec2.json"),
    include_str!("../../crates/protocol-tests/suites/legacy/output/json.json"),
    include_str!("../../crates/protocol-tests/suites/legacy/output/query.json"),
    include_str!("../../crates/protocol-tests/suites/legacy/output/rest-json.json"),
    include_str!("../../crates/protocol-tests/suites/legacy/output/rest-xml.json"),
];

type Case = Option<(&'static Service, &'static Operation)>;

/// Every case of every suite, in order; `None` where the case's model does not build.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut out = Vec::new();
        for text in SUITES {
            let groups: serde_json::Value = serde_json::from_str(text).expect("a suite is JSON");
            for group in groups.as_array().into_iter().flatten() {
                for case in group["cases"].as_array().into_iter().flatten() {
                    let name = case["given"]["name"].as_str().unwrap_or("Operation");
                    let model = serde_json::json!({
                        "metadata": group["metadata"],
                        "shapes": group["shapes"],
                        "operations": { name: case["given"] },
                    });
                    let built = session_runtime::model::build(
                        "fuzz",
                        &model.to_string(),
                        &Default::default(),
                    )
                    .ok()
                    .and_then(|s| s.operation(name).map(|op| (s, op)));
                    out.push(built);
                }
            }
        }
        out
    })
}

fuzz_target!(|data: &[u8]| {
    let [hi, lo, status, lines, rest @ ..] = data else {
        return;
    };
    let cases = cases();
    let Some((service, op)) = cases[usize::from(u16::from_be_bytes([*hi, *lo])) % cases.len()]
    else {
        return;
    };
    let mut headers = http::HeaderMap::new();
    let mut body = rest;
    for _ in 0..(lines % 5) {
        let Some(end) = body.iter().position(|&b| b == b'\n') else {
            break;
        };
        let line = &body[..end];
        body = &body[end + 1..];
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            if let (Ok(k), Ok(v)) = (
                http::HeaderName::from_bytes(&line[..colon]),
                http::HeaderValue::from_bytes(&line[colon + 1..]),
            ) {
                headers.append(k, v);
            }
        }
    }
    // 200..=255 as success codes, the rest spread over 300..=555.
    let code = if *status >= 200 {
        u16::from(*status)
    } else {
        300 + u16::from(*status) * 2
    };
    let mut resp = http::Response::new(());
    *resp.status_mut() = http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::OK);
    *resp.headers_mut() = headers;
    let (parts, ()) = resp.into_parts();
    let _ = response::parse::<Value>(service, op, &parts, body);
    for &shape in op.errors {
        let _: Value = response::parse_error(service, shape, code, &parts.headers, body);
    }
});
