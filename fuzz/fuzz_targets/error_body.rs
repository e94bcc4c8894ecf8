//! The error-body readers of the response stage (`session_tower::protocol::Protocol::
//! parse_error`, what `session-tower`'s errors layer calls on every non-2xx answer), for
//! each protocol, with the code and request-id headers they consult. Never fails, so the
//! only thing to find is a panic.
//!
//! Input: one byte choosing the protocol, one byte of status, one byte of header flags,
//! then the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use session_tower::protocol::Protocol;

const PROTOCOLS: [Protocol; 7] = [
    Protocol::AwsJson1_0,
    Protocol::AwsJson1_1,
    Protocol::AwsQuery,
    Protocol::RestXml,
    Protocol::RestJson,
    Protocol::Ec2,
    Protocol::RpcV2Cbor,
];

fuzz_target!(|data: &[u8]| {
    let [p, status, flags, body @ ..] = data else {
        return;
    };
    let protocol = PROTOCOLS[usize::from(*p) % PROTOCOLS.len()];
    let mut headers = http::HeaderMap::new();
    // Header values taken from the body's first line, so the fuzzer controls them too.
    let first = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let value = http::HeaderValue::from_bytes(first)
        .unwrap_or_else(|_| http::HeaderValue::from_static("x"));
    for (bit, name) in [
        (1, "x-amzn-errortype"),
        (2, "x-amzn-query-error"),
        (4, "x-amzn-requestid"),
        (8, "x-amz-request-id"),
        (16, "x-amz-id-2"),
        (32, "content-type"),
    ] {
        if flags & bit != 0 {
            headers.insert(name, value.clone());
        }
    }
    let code = 300 + u16::from(*status) * 2;
    let err = protocol.parse_error(code, &headers, body);
    let _ = (err.code(), err.message(), err.request_id(), err.to_string());
});
