//! The public SigV4 test suite (aws-c-auth via smithy-rs; see `tests/data/NOTICE`), run through
//! the crate's public API: for every case, header signing and query signing (presigning) must
//! reproduce the canonical request, string to sign, signature and signed request.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod support;

use std::fs;

use http::Uri;
use session_sigv4::{
    presign_explained, sign_headers_explained, PercentEncodingMode, Signer, SigningOutput,
};
use sha2::{Digest, Sha256};
use support::{
    check, hex, normalized_parts_headers, parse_request, parse_timestamp, wire_target, Case,
    Context, Tally, RAW_SPACE_CASES,
};

/// Number of case directories in tests/data/v4.
const CASES: usize = 40;

// ---------------------------------------------------------------------------------------------
// Running a case.

fn context_for(case: &Case) -> Context {
    match case.read("context.json") {
        Some(json) => Context::from_json(&serde_json::from_str(&json).unwrap()),
        None => match case.name.as_str() {
            // smithy-rs signs this one with `Credentials::for_tests()` for the signed request
            // (at the suite's usual 2015 time) and checks the canonical request at 2021-05-11.
            "double-encode-path" => Context::smithy_rs_default(
                "us-east-1",
                "service",
                "ANOTREAL",
                "notrealrnrELgWzOk3IfjzDKtFBhDby",
                "2015-08-30T12:36:00Z",
            ),
            "double-url-encode" => Context::smithy_rs_default(
                "us-east-2",
                "lambda",
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "2021-05-11T15:40:45Z",
            ),
            other => panic!("case {other} has no context.json"),
        },
    }
}

fn run_header_case(
    case: &Case,
    ctx: &Context,
    signer: &Signer,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) {
    let raw = parse_request(&fs::read(case.dir.join("request.txt")).unwrap());
    let payload = hex(&Sha256::digest(&raw.body));
    let name = case.name.as_str();

    // Canonical request (and string to sign) as specified.
    if let Some(expected_creq) = case.expect("header-canonical-request.txt") {
        let mut ctx_time = ctx.time;
        if name == "double-encode-path" {
            // Its canonical request was generated at 2021-05-11T15:40:45Z.
            ctx_time = parse_timestamp("2021-05-11T15:40:45Z");
        }
        let mut params = ctx.params(&payload);
        params.time = ctx_time;
        let mut parts = raw.to_parts();
        let out = sign_headers_explained(signer, &mut parts, &params).unwrap();
        check(
            tally,
            failures,
            name,
            "header canonical request",
            &expected_creq,
            out.canonical_request(),
        );
        if let Some(sts) = case.expect("header-string-to-sign.txt") {
            check(
                tally,
                failures,
                name,
                "header string to sign",
                &sts,
                out.string_to_sign(),
            );
        }
        if let Some(sig) = case.expect("header-signature.txt") {
            check(
                tally,
                failures,
                name,
                "header signature",
                &sig,
                out.signature(),
            );
        }
    }

    // The signed request, with the case's own context.
    if let Some(signed) = case.read("header-signed-request.txt") {
        let mut parts = raw.to_parts();
        sign_headers_explained(signer, &mut parts, &ctx.params(&payload)).unwrap();
        let expected = parse_request(signed.as_bytes());
        let expected_target = wire_target(name, &expected.target);
        check(
            tally,
            failures,
            name,
            "header-signed request line",
            &format!("{} {expected_target}", expected.method),
            &format!("{} {}", parts.method, parts.uri),
        );
        check(
            tally,
            failures,
            name,
            "header-signed request headers",
            &format!("{:#?}", expected.normalized_headers()),
            &format!("{:#?}", normalized_parts_headers(&parts)),
        );
        assert!(parts.headers["authorization"].is_sensitive());
        if let Some(token) = parts.headers.get("x-amz-security-token") {
            assert!(token.is_sensitive());
        }
    }
    tally.header_cases += 1;
}

fn run_query_case(
    case: &Case,
    ctx: &Context,
    signer: &Signer,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) -> bool {
    let Some(expected_creq) = case.expect("query-canonical-request.txt") else {
        return false;
    };
    let name = case.name.as_str();
    let raw = parse_request(&fs::read(case.dir.join("request.txt")).unwrap());
    let payload = hex(&Sha256::digest(&raw.body));
    let parts = raw.to_parts();
    let (uri, out): (Uri, SigningOutput) =
        presign_explained(signer, &parts, &ctx.params(&payload), ctx.expires_in).unwrap();
    check(
        tally,
        failures,
        name,
        "query canonical request",
        &expected_creq,
        out.canonical_request(),
    );
    if let Some(sts) = case.expect("query-string-to-sign.txt") {
        check(
            tally,
            failures,
            name,
            "query string to sign",
            &sts,
            out.string_to_sign(),
        );
    }
    if let Some(sig) = case.expect("query-signature.txt") {
        check(
            tally,
            failures,
            name,
            "query signature",
            &sig,
            out.signature(),
        );
    }
    if let Some(signed) = case.read("query-signed-request.txt") {
        let expected = parse_request(signed.as_bytes());
        let expected_target = wire_target(name, &expected.target);
        check(
            tally,
            failures,
            name,
            "presigned request line",
            &format!("{} {}", expected.method, expected_target),
            &format!("{} {}", parts.method, uri),
        );
        check(
            tally,
            failures,
            name,
            "presigned request headers",
            &format!("{:#?}", expected.normalized_headers()),
            &format!("{:#?}", normalized_parts_headers(&parts)),
        );
    }
    tally.query_cases += 1;
    true
}

#[test]
fn sigv4_suite() {
    let cases = support::cases("v4");
    assert_eq!(
        cases.len(),
        CASES,
        "tests/data/v4 should hold {CASES} cases"
    );
    let signer = Signer::new();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut query_cases = Vec::new();
    for case in &cases {
        let mut ctx = context_for(case);
        if RAW_SPACE_CASES.contains(&case.name.as_str()) {
            ctx.settings.percent_encoding_mode = PercentEncodingMode::Single;
        }
        run_header_case(case, &ctx, &signer, &mut tally, &mut failures);
        if run_query_case(case, &ctx, &signer, &mut tally, &mut failures) {
            query_cases.push(case.name.clone());
        }
    }
    println!(
        "SigV4 suite: {} header cases, {} query cases, {} comparisons, {} failures",
        tally.header_cases,
        tally.query_cases,
        tally.comparisons,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(tally.header_cases, CASES);
    // Every case except the two smithy-rs additions has query-signing vectors.
    assert_eq!(tally.query_cases, CASES - 2, "{query_cases:?}");
}

/// What the default (double) encoding does with the `get-space-*` requests as written:
/// the wire path `%20` is encoded again, exactly as `%3A` is in `double-url-encode`.
#[test]
fn space_in_path_double_encodes_the_wire_form() {
    let case = support::cases("v4")
        .into_iter()
        .find(|c| c.name == "get-space-normalized")
        .unwrap();
    let ctx = context_for(&case);
    let raw = parse_request(&fs::read(case.dir.join("request.txt")).unwrap());
    let payload = hex(&Sha256::digest(&raw.body));
    let mut parts = raw.to_parts();
    let out = sign_headers_explained(&Signer::new(), &mut parts, &ctx.params(&payload)).unwrap();
    assert_eq!(
        out.canonical_request().lines().nth(1),
        Some("/example%2520space/")
    );
}
