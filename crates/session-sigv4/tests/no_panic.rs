//! Arbitrary paths, queries, header values and parameters: signing returns `Ok` or `Err`,
//! never panics, and an `Ok` signature is always a 64-character hex string (SigV4) or the hex
//! of a DER-encoded P-256 signature, at most 144 characters (SigV4a).
#![allow(clippy::unwrap_used)]

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderValue, Uri};
use proptest::prelude::*;
use session_sigv4::{
    presign, presign_v4a, sign_headers_explained, sign_headers_v4a_explained, Identity,
    PayloadHash, PercentEncodingMode, Signer, SigningParams, SigningSettings,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics(
        path in "(/[a-zA-Z0-9%._~:@!$&'()*+,;=\u{80}-\u{10ffff}-]{0,12}){0,4}",
        query in proptest::option::of("[a-zA-Z0-9%._~=&+/?:\u{80}-\u{3000}-]{0,40}"),
        value in proptest::collection::vec(any::<u8>(), 0..40),
        region in "[ -~]{0,12}",
        secs in any::<u64>(),
        normalize in any::<bool>(),
        single in any::<bool>(),
        expires in 0u64..700_000,
    ) {
        let target = match &query {
            Some(q) => format!("https://example.com{path}?{q}"),
            None => format!("https://example.com{path}"),
        };
        let Ok(uri) = target.parse::<Uri>() else { return Ok(()); };
        let mut builder = http::Request::get(uri);
        if let Ok(v) = HeaderValue::from_bytes(&value) {
            builder = builder.header("x-fuzz", v);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        let mut settings = SigningSettings::default();
        settings.uri_path_normalization = normalize;
        if single {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
        }
        let params = SigningParams {
            identity: Identity::new("AKIDEXAMPLE", "secret"),
            region: &region,
            service: "service",
            time: UNIX_EPOCH.checked_add(Duration::from_secs(secs % 400_000_000_000)).unwrap_or(UNIX_EPOCH),
            payload: PayloadHash::UnsignedPayload,
            settings: &settings,
        };
        let signer = Signer::new();
        let _ = presign(&signer, &parts, &params, Duration::from_secs(expires));
        if let Ok(out) = sign_headers_explained(&signer, &mut parts, &params) {
            prop_assert_eq!(out.signature().len(), 64);
            prop_assert!(out.signature().bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn v4a_never_panics(
        path in "(/[a-zA-Z0-9%._~:@!$&'()*+,;=\u{80}-\u{10ffff}-]{0,12}){0,4}",
        value in proptest::collection::vec(any::<u8>(), 0..40),
        region_set in "[ -~]{0,20}",
        access_key_id in "[ -~]{0,12}",
        secret in "[ -~]{0,12}",
        secs in any::<u64>(),
        expires in 0u64..700_000,
    ) {
        let Ok(uri) = format!("https://example.com{path}").parse::<Uri>() else { return Ok(()); };
        let mut builder = http::Request::get(uri);
        if let Ok(v) = HeaderValue::from_bytes(&value) {
            builder = builder.header("x-fuzz", v);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        let settings = SigningSettings::default();
        let params = SigningParams {
            identity: Identity::new(&access_key_id, &secret),
            region: &region_set,
            service: "service",
            time: UNIX_EPOCH.checked_add(Duration::from_secs(secs % 400_000_000_000)).unwrap_or(UNIX_EPOCH),
            payload: PayloadHash::UnsignedPayload,
            settings: &settings,
        };
        let signer = Signer::new();
        let _ = presign_v4a(&signer, &parts, &params, Duration::from_secs(expires));
        if let Ok(out) = sign_headers_v4a_explained(&signer, &mut parts, &params) {
            let signature = out.signature();
            prop_assert!(signature.len().is_multiple_of(2) && signature.len() <= 144, "{}", signature);
            prop_assert!(signature.starts_with("30"), "{}", signature);
            prop_assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}
