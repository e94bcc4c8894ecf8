//! The public SigV4a test suite (aws-c-auth via smithy-rs; see `tests/data/NOTICE`), run through
//! the crate's public API. For every case, header signing and query signing (presigning) must
//! reproduce the canonical request and string to sign byte for byte, and the signed request in
//! everything but the signature value. ECDSA signatures differ from run to run in the suite
//! (aws-c-auth draws random nonces; this crate uses RFC 6979), so signatures are verified with
//! the case's public key instead of compared: ours, and the suite's own ones. The public key
//! derived from the case's credentials must be the case's public key.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod support;

use std::fs;

use http::request::Parts;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::Value;
use session_sigv4::{
    presign_v4a_explained, sign_headers_v4a_explained, Identity, PercentEncodingMode, Signer,
};
use sha2::{Digest, Sha256};
use support::{
    check, hex, normalized_parts_headers, parse_request, wire_target, Case, Context, Tally,
    RAW_SPACE_CASES,
};

/// Number of case directories in tests/data/v4a.
const CASES: usize = 38;

/// Stands in for a signature value when signed requests are compared.
const SIGNATURE_PLACEHOLDER: &str = "<signature>";

#[derive(Default)]
struct Verified {
    ours: usize,
    suites: usize,
}

struct Run<'a> {
    signer: &'a Signer,
    tally: Tally,
    verified: Verified,
    failures: Vec<String>,
}

/// The case's public key (`public-key.json`: affine X and Y in hex) as an uncompressed SEC1
/// point.
fn public_key_bytes(case: &Case) -> Vec<u8> {
    let json: Value = serde_json::from_str(&case.read("public-key.json").unwrap()).unwrap();
    let coordinate = |name: &str| {
        let s = json[name].as_str().unwrap();
        assert_eq!(s.len(), 64, "{}: {name} is not 32 bytes", case.name);
        (0..32)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<u8>>()
    };
    let mut point = vec![0x04];
    point.extend(coordinate("X"));
    point.extend(coordinate("Y"));
    point
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// Whether `signature_hex` (hex DER) is a valid ECDSA P-256 signature of `message` under `key`.
fn verifies(key: &VerifyingKey, message: &str, signature_hex: &str) -> Result<(), String> {
    let der = unhex(signature_hex).ok_or("signature is not hex")?;
    let signature = Signature::from_der(&der).map_err(|e| format!("not DER: {e}"))?;
    key.verify(message.as_bytes(), &signature)
        .map_err(|e| format!("does not verify: {e}"))
}

/// Replaces the value after `marker` (up to `&`, `,`, `"`, a space or the end) with a
/// placeholder, returning the text and the value.
fn take_signature(text: &str, marker: &str) -> (String, Option<String>) {
    let Some(pos) = text.find(marker) else {
        return (text.to_owned(), None);
    };
    let start = pos + marker.len();
    let end = text[start..]
        .find(['&', ',', '"', ' '])
        .map_or(text.len(), |e| start + e);
    let redacted = format!("{}{SIGNATURE_PLACEHOLDER}{}", &text[..start], &text[end..]);
    (redacted, Some(text[start..end].to_owned()))
}

impl Run<'_> {
    fn check(&mut self, case: &str, what: &str, expected: &str, actual: &str) {
        check(
            &mut self.tally,
            &mut self.failures,
            case,
            what,
            expected,
            actual,
        );
    }

    fn verify(
        &mut self,
        case: &str,
        what: &str,
        key: &VerifyingKey,
        message: &str,
        signature: Option<&str>,
        ours: bool,
    ) {
        let result = match signature {
            Some(signature) => verifies(key, message, signature),
            None => Err("no signature found".to_owned()),
        };
        match result {
            Ok(()) if ours => self.verified.ours += 1,
            Ok(()) => self.verified.suites += 1,
            Err(e) => self.failures.push(format!(
                "{case}: {what}: {e}\n--- signature\n{signature:?}\n--- string to sign\n{message}\n"
            )),
        }
    }

    fn header_case(&mut self, case: &Case, ctx: &Context, key: &VerifyingKey) {
        let name = case.name.as_str();
        let raw = parse_request(&fs::read(case.dir.join("request.txt")).unwrap());
        let payload = hex(&Sha256::digest(&raw.body));
        let mut parts = raw.to_parts();
        let out = sign_headers_v4a_explained(self.signer, &mut parts, &ctx.params(&payload))
            .unwrap_or_else(|e| panic!("{name}: header signing failed: {e}"));

        let expected_creq = case.expect("header-canonical-request.txt").unwrap();
        let expected_sts = case.expect("header-string-to-sign.txt").unwrap();
        self.check(
            name,
            "header canonical request",
            &expected_creq,
            out.canonical_request(),
        );
        self.check(
            name,
            "header string to sign",
            &expected_sts,
            out.string_to_sign(),
        );
        // `get-vanilla` also has these two under their pre-split names.
        if let Some(creq) = case.expect("canonical-request.txt") {
            self.check(name, "canonical request", &creq, out.canonical_request());
        }
        if let Some(sts) = case.expect("string-to-sign.txt") {
            self.check(name, "string to sign", &sts, out.string_to_sign());
        }

        self.verify(
            name,
            "our header signature",
            key,
            out.string_to_sign(),
            Some(out.signature()),
            true,
        );
        let suite_signature = case.expect("header-signature.txt");
        self.verify(
            name,
            "the suite's header-signature.txt",
            key,
            &expected_sts,
            suite_signature.as_deref(),
            false,
        );

        // The signed request: everything but the signature as in the suite, and the suite's
        // signature in it valid too.
        let signed = parse_request(case.read("header-signed-request.txt").unwrap().as_bytes());
        self.check(
            name,
            "header-signed request line",
            &format!("{} {}", signed.method, wire_target(name, &signed.target)),
            &format!("{} {}", parts.method, parts.uri),
        );
        let (expected_headers, suite_sig) =
            take_signature(&format!("{:#?}", signed.normalized_headers()), "Signature=");
        let (actual_headers, our_sig) = take_signature(
            &format!("{:#?}", normalized_parts_headers(&parts)),
            "Signature=",
        );
        self.check(
            name,
            "header-signed request headers",
            &expected_headers,
            &actual_headers,
        );
        self.check(
            name,
            "signature in Authorization",
            out.signature(),
            our_sig.as_deref().unwrap_or_default(),
        );
        self.verify(
            name,
            "the suite's header-signed-request.txt signature",
            key,
            &expected_sts,
            suite_sig.as_deref(),
            false,
        );
        assert!(parts.headers["authorization"].is_sensitive());
        if let Some(token) = parts.headers.get("x-amz-security-token") {
            assert!(token.is_sensitive());
        }
        self.tally.header_cases += 1;
    }

    fn query_case(&mut self, case: &Case, ctx: &Context, key: &VerifyingKey) {
        let name = case.name.as_str();
        let raw = parse_request(&fs::read(case.dir.join("request.txt")).unwrap());
        let payload = hex(&Sha256::digest(&raw.body));
        let parts: Parts = raw.to_parts();
        let (uri, out) =
            presign_v4a_explained(self.signer, &parts, &ctx.params(&payload), ctx.expires_in)
                .unwrap_or_else(|e| panic!("{name}: presigning failed: {e}"));

        let expected_creq = case.expect("query-canonical-request.txt").unwrap();
        let expected_sts = case.expect("query-string-to-sign.txt").unwrap();
        self.check(
            name,
            "query canonical request",
            &expected_creq,
            out.canonical_request(),
        );
        self.check(
            name,
            "query string to sign",
            &expected_sts,
            out.string_to_sign(),
        );
        self.verify(
            name,
            "our query signature",
            key,
            out.string_to_sign(),
            Some(out.signature()),
            true,
        );
        let suite_signature = case.expect("query-signature.txt");
        self.verify(
            name,
            "the suite's query-signature.txt",
            key,
            &expected_sts,
            suite_signature.as_deref(),
            false,
        );

        let signed = parse_request(case.read("query-signed-request.txt").unwrap().as_bytes());
        let (expected_line, suite_sig) = take_signature(
            &format!("{} {}", signed.method, wire_target(name, &signed.target)),
            "X-Amz-Signature=",
        );
        let (actual_line, our_sig) =
            take_signature(&format!("{} {uri}", parts.method), "X-Amz-Signature=");
        self.check(name, "presigned request line", &expected_line, &actual_line);
        self.check(
            name,
            "X-Amz-Signature",
            out.signature(),
            our_sig.as_deref().unwrap_or_default(),
        );
        self.verify(
            name,
            "the suite's query-signed-request.txt signature",
            key,
            &expected_sts,
            suite_sig.as_deref(),
            false,
        );
        self.check(
            name,
            "presigned request headers",
            &format!("{:#?}", signed.normalized_headers()),
            &format!("{:#?}", normalized_parts_headers(&parts)),
        );
        self.tally.query_cases += 1;
    }
}

#[test]
fn sigv4a_suite() {
    let cases = support::cases("v4a");
    assert_eq!(
        cases.len(),
        CASES,
        "tests/data/v4a should hold {CASES} cases"
    );
    let signer = Signer::new();
    let mut run = Run {
        signer: &signer,
        tally: Tally::default(),
        verified: Verified::default(),
        failures: Vec::new(),
    };
    let mut public_keys_checked = 0;
    for case in &cases {
        let mut ctx =
            Context::from_json(&serde_json::from_str(&case.read("context.json").unwrap()).unwrap());
        if RAW_SPACE_CASES.contains(&case.name.as_str()) {
            ctx.settings.percent_encoding_mode = PercentEncodingMode::Single;
        }
        let expected_key = public_key_bytes(case);
        let derived = signer
            .v4a_public_key(&Identity::new(&ctx.access_key_id, &ctx.secret_access_key))
            .unwrap();
        run.check(
            &case.name,
            "derived public key",
            &hex(&expected_key),
            &hex(&derived),
        );
        public_keys_checked += 1;
        let key = VerifyingKey::from_sec1_bytes(&expected_key).unwrap();
        run.header_case(case, &ctx, &key);
        run.query_case(case, &ctx, &key);
    }
    println!(
        "SigV4a suite: {} header cases, {} query cases, {} comparisons, {} of our signatures and {} of the suite's verified, {} public keys checked, {} failures",
        run.tally.header_cases,
        run.tally.query_cases,
        run.tally.comparisons,
        run.verified.ours,
        run.verified.suites,
        public_keys_checked,
        run.failures.len()
    );
    assert!(
        run.failures.is_empty(),
        "{} mismatches:\n{}",
        run.failures.len(),
        run.failures.join("\n")
    );
    assert_eq!(run.tally.header_cases, CASES);
    assert_eq!(run.tally.query_cases, CASES);
    // Per case: ours for headers and query, and the suite's four (two `*-signature.txt`, two
    // signed requests).
    assert_eq!(run.verified.ours, 2 * CASES);
    assert_eq!(run.verified.suites, 4 * CASES);
    assert_eq!(
        signer.v4a_cache().derivations(),
        1,
        "one set of credentials"
    );
}

/// A signature that was not made with the case's key, or over another string, must fail the
/// verification the suite relies on: otherwise the checks above could not fail.
#[test]
fn verification_rejects_wrong_messages_and_keys() {
    let case = support::cases("v4a")
        .into_iter()
        .find(|c| c.name == "get-vanilla")
        .unwrap();
    let key = VerifyingKey::from_sec1_bytes(&public_key_bytes(&case)).unwrap();
    let sts = case.expect("header-string-to-sign.txt").unwrap();
    let signature = case.expect("header-signature.txt").unwrap();
    assert!(verifies(&key, &sts, &signature).is_ok());
    assert!(verifies(&key, &format!("{sts}0"), &signature).is_err());
    let other = Signer::new()
        .v4a_public_key(&Identity::new("AKIDEXAMPLE", "another secret"))
        .unwrap();
    let other = VerifyingKey::from_sec1_bytes(&other).unwrap();
    assert!(verifies(&other, &sts, &signature).is_err());
    assert!(verifies(&key, &sts, "30").is_err());
}
