//! SigV4a through the public API beyond the test vectors: headers added, sensitivity, retries,
//! the key cache, region-set checks, presigning, redaction, one code path with SigV4, and
//! agreement with `aws-sigv4`'s own SigV4a signer. Every signature made here is verified with
//! the public key of the credentials.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign as naive_sign, PayloadChecksumKind, PercentEncodingMode as NaivePercent, SignableBody,
    SignableRequest, SignatureLocation, SigningSettings as NaiveSettings, UriPathNormalizationMode,
};
use aws_smithy_runtime_api::client::identity::Identity as NaiveIdentity;
use http::request::Parts;
use http::HeaderValue;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use proptest::prelude::*;
use session_sigv4::{
    presign_v4a, presign_v4a_explained, sign_headers, sign_headers_v4a, sign_headers_v4a_explained,
    Identity, PayloadHash, SessionTokenMode, Signer, SigningAlgorithm, SigningKeyCache,
    SigningOutput, SigningParams, SigningSettings, V4aKeyCache,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjTOKENTOKENTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQD=";
const HASH: &str = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// 2015-08-30T12:36:00Z
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn sqs() -> Parts {
    http::Request::post("https://sqs.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .header("user-agent", "aws-session-rs/0.1.0")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn mrap_get() -> Parts {
    http::Request::get(
        "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/a%20b/c:d.txt?versionId=1",
    )
    .header("range", "bytes=0-9")
    .body(())
    .unwrap()
    .into_parts()
    .0
}

fn params<'a>(
    identity: Identity<'a>,
    region_set: &'a str,
    service: &'a str,
    payload: PayloadHash<'a>,
    settings: &'a SigningSettings,
) -> SigningParams<'a> {
    SigningParams {
        identity,
        region: region_set,
        service,
        time: t0(),
        payload,
        settings,
    }
}

fn auth(parts: &Parts) -> &str {
    parts.headers["authorization"].to_str().unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn verifying_key(signer: &Signer, identity: &Identity<'_>) -> VerifyingKey {
    VerifyingKey::from_sec1_bytes(&signer.v4a_public_key(identity).unwrap()).unwrap()
}

/// Whether the explained signature verifies over the explained string to sign.
fn verifies(key: &VerifyingKey, out: &SigningOutput) -> bool {
    let Ok(signature) = Signature::from_der(&unhex(out.signature())) else {
        return false;
    };
    key.verify(out.string_to_sign().as_bytes(), &signature)
        .is_ok()
}

#[test]
fn adds_region_set_and_marks_headers() {
    let signer = Signer::new();
    let settings = SigningSettings::default();
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    let mut parts = sqs();
    let out = sign_headers_v4a_explained(
        &signer,
        &mut parts,
        &params(
            id,
            "us-east-1,us-west-2",
            "sqs",
            PayloadHash::Precomputed(HASH),
            &settings,
        ),
    )
    .unwrap();
    assert_eq!(parts.headers["x-amz-region-set"], "us-east-1,us-west-2");
    assert_eq!(parts.headers["x-amz-date"], "20150830T123600Z");
    assert_eq!(parts.headers["x-amz-security-token"], TOKEN);
    assert!(parts.headers["x-amz-security-token"].is_sensitive());
    assert!(parts.headers["authorization"].is_sensitive());
    assert!(!parts.headers.contains_key("x-amz-content-sha256"));
    let expected_prefix = "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/sqs/aws4_request, \
        SignedHeaders=content-type;host;x-amz-date;x-amz-region-set;x-amz-security-token;x-amz-target, \
        Signature=";
    assert_eq!(
        auth(&parts),
        format!("{expected_prefix}{}", out.signature())
    );
    assert_eq!(
        out.string_to_sign().lines().take(3).collect::<Vec<_>>(),
        [
            "AWS4-ECDSA-P256-SHA256",
            "20150830T123600Z",
            "20150830/sqs/aws4_request"
        ]
    );
    assert!(out
        .canonical_request()
        .contains("\nx-amz-region-set:us-east-1,us-west-2\n"));
    assert!(verifies(&verifying_key(&signer, &id), &out));
}

#[test]
fn resigning_replaces_headers_and_the_key_is_derived_once() {
    let signer = Signer::new();
    let settings = SigningSettings::default();
    let id = Identity::new(AKID, SECRET);
    let mut parts = sqs();
    parts
        .headers
        .insert("x-amz-region-set", HeaderValue::from_static("stale"));
    let mut p = params(id, "*", "sqs", PayloadHash::Empty, &settings);
    sign_headers_v4a(&signer, &mut parts, &p).unwrap();
    assert_eq!(parts.headers["x-amz-region-set"], "*");

    // A retry the next day with another clone of the signer: same key, headers replaced.
    p.time = t0() + Duration::from_secs(86_400);
    let clone = signer.clone();
    let out = sign_headers_v4a_explained(&clone, &mut parts, &p).unwrap();
    assert!(out
        .string_to_sign()
        .contains("\n20150831/sqs/aws4_request\n"));
    for name in ["x-amz-region-set", "x-amz-date", "authorization"] {
        assert_eq!(parts.headers.get_all(name).iter().count(), 1, "{name}");
    }
    assert_eq!(
        signer.v4a_cache().derivations(),
        1,
        "the key depends on the credentials only"
    );
    assert_eq!(signer.cache().derivations(), 0, "no SigV4 key was needed");
    assert!(verifies(&verifying_key(&signer, &id), &out));

    // A rotated secret under the same access key id derives again.
    let rotated = Identity::new(AKID, "rotated-secret");
    sign_headers_v4a(
        &signer,
        &mut parts,
        &params(rotated, "*", "sqs", PayloadHash::Empty, &settings),
    )
    .unwrap();
    assert_eq!(signer.v4a_cache().derivations(), 2);
}

#[test]
fn s3_settings_and_session_token_modes() {
    let signer = Signer::new();
    let settings = SigningSettings::s3();
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    let mut parts = mrap_get();
    let out = sign_headers_v4a_explained(
        &signer,
        &mut parts,
        &params(id, "*", "s3", PayloadHash::UnsignedPayload, &settings),
    )
    .unwrap();
    assert_eq!(parts.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    let lines: Vec<&str> = out.canonical_request().lines().collect();
    assert_eq!(lines[1], "/a%20b/c:d.txt", "S3 encodes the path once");
    assert!(lines.contains(&"x-amz-content-sha256:UNSIGNED-PAYLOAD"));
    assert!(lines.contains(&"x-amz-region-set:*"));
    assert!(verifies(&verifying_key(&signer, &id), &out));

    let mut excluded = SigningSettings::default();
    excluded.session_token_mode = SessionTokenMode::ExcludeFromSignature;
    let mut parts = sqs();
    let out = sign_headers_v4a_explained(
        &signer,
        &mut parts,
        &params(id, "us-east-1", "sqs", PayloadHash::Empty, &excluded),
    )
    .unwrap();
    assert!(!out.canonical_request().contains("x-amz-security-token"));
    assert_eq!(parts.headers["x-amz-security-token"], TOKEN);
    let (uri, out) = presign_v4a_explained(
        &signer,
        &sqs(),
        &params(
            id,
            "us-east-1",
            "sqs",
            PayloadHash::UnsignedPayload,
            &excluded,
        ),
        Duration::from_secs(60),
    )
    .unwrap();
    assert!(!out.canonical_request().contains("X-Amz-Security-Token"));
    assert!(uri.query().unwrap().contains("&X-Amz-Security-Token="));
}

#[test]
fn presigned_query_carries_the_region_set() {
    let signer = Signer::new();
    let settings = SigningSettings::s3();
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    let p = params(
        id,
        "us-east-1,us-west-2",
        "s3",
        PayloadHash::UnsignedPayload,
        &settings,
    );
    let (uri, out) =
        presign_v4a_explained(&signer, &mrap_get(), &p, Duration::from_secs(900)).unwrap();
    let query = uri.query().unwrap();
    let names: Vec<&str> = query
        .split('&')
        .map(|kv| kv.split_once('=').unwrap().0)
        .collect();
    assert_eq!(
        names,
        [
            "versionId",
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-SignedHeaders",
            "X-Amz-Expires",
            "X-Amz-Security-Token",
            "X-Amz-Region-Set",
            "X-Amz-Signature"
        ]
    );
    assert!(query.contains("&X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&"));
    assert!(query.contains("&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fs3%2Faws4_request&"));
    assert!(query.contains("&X-Amz-Region-Set=us-east-1%2Cus-west-2&"));
    assert!(query.ends_with(&format!("&X-Amz-Signature={}", out.signature())));
    assert!(out
        .canonical_request()
        .contains("&X-Amz-Region-Set=us-east-1%2Cus-west-2&X-Amz-Security-Token="));
    assert!(!out.canonical_request().contains("x-amz-content-sha256"));
    assert!(verifies(&verifying_key(&signer, &id), &out));

    // The same expiry bounds as SigV4.
    let err = presign_v4a(&signer, &mrap_get(), &p, Duration::from_secs(604_801)).unwrap_err();
    assert!(err.is_invalid_expiry());
}

#[test]
fn bad_region_sets_and_credentials_are_errors_and_leave_the_request_untouched() {
    let signer = Signer::new();
    let settings = SigningSettings::default();
    let id = Identity::new(AKID, SECRET);
    for bad in [
        "",
        ",",
        "a,,b",
        "us-east-1,",
        "us-east-1, us-west-2",
        "eu/west",
        "ü",
    ] {
        let mut parts = sqs();
        let before = parts.headers.clone();
        let p = params(id, bad, "sqs", PayloadHash::Empty, &settings);
        let err = sign_headers_v4a(&signer, &mut parts, &p).unwrap_err();
        assert!(err.is_invalid_params(), "{bad:?}: {err}");
        assert!(err.to_string().contains("region set"), "{err}");
        assert_eq!(parts.headers, before, "{bad:?}");
        let err = presign_v4a(&signer, &sqs(), &p, Duration::from_secs(60)).unwrap_err();
        assert!(err.is_invalid_params(), "{bad:?}");
    }
    // Validated on every signature, even once the key is cached.
    sign_headers_v4a(
        &signer,
        &mut sqs(),
        &params(id, "*", "sqs", PayloadHash::Empty, &settings),
    )
    .unwrap();
    let err = sign_headers_v4a(
        &signer,
        &mut sqs(),
        &params(id, "*", "bad/service", PayloadHash::Empty, &settings),
    )
    .unwrap_err();
    assert!(err.is_invalid_params());

    for bad in [
        Identity::new("", SECRET),
        Identity::new(AKID, ""),
        Identity::new("AK/ID", SECRET),
    ] {
        let err = sign_headers_v4a(
            &signer,
            &mut sqs(),
            &params(bad, "*", "sqs", PayloadHash::Empty, &settings),
        )
        .unwrap_err();
        assert!(err.is_invalid_credentials(), "{bad:?}");
        assert!(signer
            .v4a_public_key(&bad)
            .unwrap_err()
            .is_invalid_credentials());
    }
    assert_eq!(signer.v4a_cache().len(), 1, "nothing invalid was cached");
}

#[test]
fn signing_with_an_algorithm_is_the_same_code_path() {
    let signer = Signer::new();
    let settings = SigningSettings::default();
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);

    let p = params(
        id,
        "us-east-1",
        "sqs",
        PayloadHash::Precomputed(HASH),
        &settings,
    );
    let (mut a, mut b) = (sqs(), sqs());
    sign_headers(&signer, &mut a, &p).unwrap();
    signer
        .sign_headers_with(SigningAlgorithm::SigV4, &mut b, &p)
        .unwrap();
    assert_eq!(a.headers, b.headers);
    assert!(auth(&a).starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/"));

    // RFC 6979 nonces: the same request, key and time give the same signature.
    let (mut a, mut b) = (sqs(), sqs());
    sign_headers_v4a(&signer, &mut a, &p).unwrap();
    signer
        .sign_headers_with(SigningAlgorithm::SigV4a, &mut b, &p)
        .unwrap();
    assert_eq!(a.headers, b.headers);
    signer.sign_headers_v4a(&mut b, &p).unwrap();
    assert_eq!(a.headers, b.headers);

    let expires = Duration::from_secs(300);
    assert_eq!(
        signer
            .presign_with(SigningAlgorithm::SigV4a, &sqs(), &p, expires)
            .unwrap(),
        presign_v4a(&signer, &sqs(), &p, expires).unwrap()
    );
    assert_eq!(
        signer
            .presign_with(SigningAlgorithm::SigV4, &sqs(), &p, expires)
            .unwrap(),
        signer.presign(&sqs(), &p, expires).unwrap()
    );
    assert_eq!(
        signer.presign_v4a(&sqs(), &p, expires).unwrap(),
        presign_v4a(&signer, &sqs(), &p, expires).unwrap()
    );
}

#[test]
fn debug_output_never_contains_secrets() {
    let signer = Signer::with_caches(SigningKeyCache::new(), V4aKeyCache::with_capacity(2));
    let settings = SigningSettings::default();
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    let out = sign_headers_v4a_explained(
        &signer,
        &mut sqs(),
        &params(id, "*", "sqs", PayloadHash::Empty, &settings),
    )
    .unwrap();
    for shown in [
        format!("{signer:?}"),
        format!("{:?}", signer.v4a_cache()),
        format!("{out:?}"),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    let shown = format!("{signer:?}");
    assert!(
        shown.contains("v4a_cache: V4aKeyCache { entries: 1, capacity: 2, derivations: 1"),
        "{shown}"
    );
}

/// `aws-sigv4`'s SigV4a signer derives the key the same way and also signs with RFC 6979
/// nonces, so for the same request the whole `Authorization` (and the presigned query) must
/// be identical, signature included.
#[test]
fn agrees_with_aws_sigv4() {
    let creds = Credentials::new(AKID, SECRET, Some(TOKEN.to_owned()), None, "test");
    let naive_identity: NaiveIdentity = creds.into();
    let mut s3_naive = NaiveSettings::default();
    s3_naive.percent_encoding_mode = NaivePercent::Single;
    s3_naive.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    s3_naive.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let cases = [
        (
            sqs(),
            "sqs",
            "us-east-1",
            SigningSettings::default(),
            PayloadHash::Precomputed(HASH),
            NaiveSettings::default(),
            SignableBody::Precomputed(HASH.to_owned()),
        ),
        (
            mrap_get(),
            "s3",
            "*",
            SigningSettings::s3(),
            PayloadHash::UnsignedPayload,
            s3_naive,
            SignableBody::UnsignedPayload,
        ),
    ];
    let signer = Signer::new();
    for (parts, service, region_set, settings, payload, naive_settings, body) in cases {
        let p = params(
            Identity::new(AKID, SECRET).with_session_token(TOKEN),
            region_set,
            service,
            payload,
            &settings,
        );
        let mut ours = clone_parts(&parts);
        sign_headers_v4a(&signer, &mut ours, &p).unwrap();
        let theirs = naive(
            &parts,
            &naive_identity,
            region_set,
            service,
            naive_settings.clone(),
            body.clone(),
        );
        for name in [
            "authorization",
            "x-amz-region-set",
            "x-amz-date",
            "x-amz-security-token",
        ] {
            assert_eq!(
                ours.headers[name], theirs.headers[name],
                "{service}: {name}"
            );
        }

        let mut presign_settings = naive_settings;
        presign_settings.signature_location = SignatureLocation::QueryParams;
        presign_settings.expires_in = Some(Duration::from_secs(900));
        presign_settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
        let ours = presign_v4a(&signer, &parts, &p, Duration::from_secs(900)).unwrap();
        let theirs = naive(
            &parts,
            &naive_identity,
            region_set,
            service,
            presign_settings,
            body,
        );
        let sorted = |q: Option<&str>| {
            let mut v: Vec<String> = q.unwrap().split('&').map(str::to_owned).collect();
            v.sort();
            v
        };
        assert_eq!(
            sorted(ours.query()),
            sorted(theirs.uri.query()),
            "{service}"
        );
    }
}

fn naive(
    parts: &Parts,
    identity: &NaiveIdentity,
    region_set: &str,
    service: &str,
    settings: NaiveSettings,
    body: SignableBody<'_>,
) -> Parts {
    let mut request = http::Request::from_parts(clone_parts(parts), ());
    let params = aws_sigv4::sign::v4a::SigningParams::builder()
        .identity(identity)
        .region_set(region_set)
        .name(service)
        .time(t0())
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
        body,
    )
    .unwrap();
    let (instructions, _) = naive_sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    request.into_parts().0
}

fn clone_parts(parts: &Parts) -> Parts {
    let mut builder = http::Request::builder()
        .method(parts.method.clone())
        .uri(parts.uri.clone())
        .version(parts.version);
    for (k, v) in &parts.headers {
        builder = builder.header(k, v);
    }
    builder.body(()).unwrap().into_parts().0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Header and query signatures of arbitrary requests verify under the credentials' public
    /// key, over the string to sign the canonical request hashes to; the `Authorization` and
    /// the presigned query carry exactly that signature.
    #[test]
    fn header_and_query_signatures_verify(
        path in "(/[a-zA-Z0-9%._~:@!$&'()*+,;=-]{0,10}){0,3}",
        query in proptest::option::of("[a-zA-Z0-9%._~=&+-]{0,30}"),
        value in "[ -~]{0,30}",
        secret in "[!-~]{1,40}",
        region_set in prop_oneof![
            Just("*".to_owned()),
            "[a-z]{2}-[a-z]{4,7}-[1-9]",
            "[a-z]{2}-[a-z]{4,7}-[1-9](,[a-z]{2}-[a-z]{4,7}-[1-9]){1,3}",
        ],
        token in proptest::option::of("[A-Za-z0-9+/=]{8,60}"),
        s3 in any::<bool>(),
        secs in 0u64..4_000_000_000,
    ) {
        let target = match &query {
            Some(q) => format!("https://example.amazonaws.com{path}?{q}"),
            None => format!("https://example.amazonaws.com{path}"),
        };
        let Ok(uri) = target.parse::<http::Uri>() else { return Ok(()); };
        let (mut parts, ()) = http::Request::get(uri)
            .header("x-custom", value.as_str())
            .body(())
            .unwrap()
            .into_parts();
        let settings = if s3 { SigningSettings::s3() } else { SigningSettings::default() };
        let mut identity = Identity::new(AKID, &secret);
        if let Some(t) = &token {
            identity = identity.with_session_token(t);
        }
        let p = SigningParams {
            identity,
            region: &region_set,
            service: "s3",
            time: UNIX_EPOCH + Duration::from_secs(secs),
            payload: PayloadHash::UnsignedPayload,
            settings: &settings,
        };
        let signer = Signer::new();
        let key = verifying_key(&signer, &identity);

        let (presigned, out) = presign_v4a_explained(&signer, &parts, &p, Duration::from_secs(60)).unwrap();
        prop_assert!(verifies(&key, &out));
        let presigned_query = presigned.query().unwrap();
        let expected_end = format!("&X-Amz-Signature={}", out.signature());
        prop_assert!(presigned_query.ends_with(&expected_end));

        let out = sign_headers_v4a_explained(&signer, &mut parts, &p).unwrap();
        prop_assert!(verifies(&key, &out));
        let expected_end = format!(", Signature={}", out.signature());
        prop_assert!(auth(&parts).ends_with(&expected_end));
        prop_assert_eq!(parts.headers["x-amz-region-set"].to_str().unwrap(), region_set.as_str());
        prop_assert_eq!(signer.v4a_cache().derivations(), 1);
    }
}
