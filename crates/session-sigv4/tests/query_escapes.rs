//! A query escape whose byte is not UTF-8 (`%aa`) keeps its byte in the canonical query,
//! upper-cased (`%AA`), as the SigV4 rules say (decode, then URI-encode each byte). Found
//! by the `sigv4_diff` fuzz target: `aws-sigv4` signs `%EF%BF%BD` here instead (its query
//! decoding is lossy UTF-8), so the two signers differ on such requests (docs/fuzzing.md).
#![allow(clippy::unwrap_used)]

use std::time::UNIX_EPOCH;

use session_sigv4::{
    sign_headers_explained, Identity, PayloadHash, Signer, SigningParams, SigningSettings,
};

#[test]
fn a_non_utf8_query_escape_keeps_its_byte() {
    let (mut parts, ()) = http::Request::get("https://example.amazonaws.com/&%25?~%aa")
        .body(())
        .unwrap()
        .into_parts();
    let settings = SigningSettings::default();
    let params = SigningParams {
        identity: Identity::new("AKIDEXAMPLE", "secret"),
        region: "us-east-1",
        service: "execute-api",
        time: UNIX_EPOCH,
        payload: PayloadHash::UnsignedPayload,
        settings: &settings,
    };
    let explained = sign_headers_explained(&Signer::new(), &mut parts, &params).unwrap();
    let lines: Vec<&str> = explained.canonical_request().lines().collect();
    assert_eq!(lines[1], "/%26%2525", "{lines:?}");
    assert_eq!(lines[2], "~%AA=", "{lines:?}");
}
