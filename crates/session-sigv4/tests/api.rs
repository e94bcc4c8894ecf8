//! Behaviour of the public API beyond the test vectors: headers added, sensitivity, retries,
//! settings, errors, redaction, and agreement with `aws_sigv4::http_request::sign`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign as naive_sign, PayloadChecksumKind, PercentEncodingMode as NaivePercent, SignableBody,
    SignableRequest, SigningSettings as NaiveSettings, UriPathNormalizationMode,
};
use aws_smithy_runtime_api::client::identity::Identity as NaiveIdentity;
use http::request::Parts;
use http::HeaderValue;
use session_sigv4::{
    presign, sign_headers, sign_headers_explained, Identity, PayloadHash, SessionTokenMode,
    SignedHeaderRules, Signer, SigningKeyCache, SigningParams, SigningSettings,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjTOKENTOKENTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQD=";
const HASH: &str = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

fn t(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// 2015-08-30T12:36:00Z
fn t0() -> SystemTime {
    t(1_440_938_160)
}

fn sqs() -> Parts {
    http::Request::post("https://sqs.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .header("user-agent", "aws-session-rs/0.1.0")
        .header(
            "x-amzn-trace-id",
            "Root=1-5759e988-bd862e3fe1be46a994272793",
        )
        .header("expect", "100-continue")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn s3_get() -> Parts {
    http::Request::get("https://bucket.s3.us-east-1.amazonaws.com/a%20b/c:d.txt?versionId=1&acl")
        .header("range", "bytes=0-9")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn params<'a>(
    identity: Identity<'a>,
    settings: &'a SigningSettings,
    service: &'a str,
    payload: PayloadHash<'a>,
) -> SigningParams<'a> {
    SigningParams {
        identity,
        region: "us-east-1",
        service,
        time: t0(),
        payload,
        settings,
    }
}

fn auth(parts: &Parts) -> &str {
    parts.headers["authorization"].to_str().unwrap()
}

#[test]
fn adds_and_marks_headers() {
    let settings = SigningSettings::default();
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    let mut parts = sqs();
    sign_headers(
        &Signer::new(),
        &mut parts,
        &params(id, &settings, "sqs", PayloadHash::Precomputed(HASH)),
    )
    .unwrap();
    assert_eq!(parts.headers["x-amz-date"], "20150830T123600Z");
    assert_eq!(parts.headers["x-amz-security-token"], TOKEN);
    assert!(parts.headers["x-amz-security-token"].is_sensitive());
    assert!(parts.headers["authorization"].is_sensitive());
    assert!(!parts.headers.contains_key("x-amz-content-sha256"));
    assert!(
        auth(&parts).contains(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"
        ),
        "user-agent, x-amzn-trace-id and expect are never signed: {}",
        auth(&parts)
    );
    assert!(auth(&parts).starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws4_request, "
    ));
}

#[test]
fn resigning_replaces_previous_signature_headers() {
    let settings = SigningSettings::s3();
    let signer = Signer::new();
    let mut once = s3_get();
    let with_token = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    sign_headers(
        &signer,
        &mut once,
        &params(with_token, &settings, "s3", PayloadHash::UnsignedPayload),
    )
    .unwrap();
    // Retry with new, token-less credentials a minute later.
    let mut p = params(
        Identity::new(AKID, SECRET),
        &settings,
        "s3",
        PayloadHash::UnsignedPayload,
    );
    p.time = t0() + Duration::from_secs(60);
    sign_headers(&signer, &mut once, &p).unwrap();
    let mut fresh = s3_get();
    sign_headers(&signer, &mut fresh, &p).unwrap();
    assert_eq!(once.headers, fresh.headers);
    assert!(!once.headers.contains_key("x-amz-security-token"));
    assert_eq!(once.headers.get_all("x-amz-date").iter().count(), 1);
    assert_eq!(once.headers.get_all("authorization").iter().count(), 1);
    assert_eq!(
        signer.cache().derivations(),
        1,
        "same day, same scope: one derivation"
    );
}

#[test]
fn s3_settings_send_content_sha256() {
    let settings = SigningSettings::s3();
    let mut parts = s3_get();
    let out = sign_headers_explained(
        &Signer::new(),
        &mut parts,
        &params(
            Identity::new(AKID, SECRET),
            &settings,
            "s3",
            PayloadHash::UnsignedPayload,
        ),
    )
    .unwrap();
    assert_eq!(parts.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    let lines: Vec<&str> = out.canonical_request().lines().collect();
    assert_eq!(
        lines[1], "/a%20b/c:d.txt",
        "single encoding uses the path as sent"
    );
    assert_eq!(lines[2], "acl=&versionId=1");
    assert!(lines.contains(&"x-amz-content-sha256:UNSIGNED-PAYLOAD"));
    assert_eq!(lines.last(), Some(&"UNSIGNED-PAYLOAD"));
}

#[test]
fn session_token_excluded_from_signature() {
    let mut settings = SigningSettings::default();
    settings.session_token_mode = SessionTokenMode::ExcludeFromSignature;
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    let mut parts = sqs();
    let out = sign_headers_explained(
        &Signer::new(),
        &mut parts,
        &params(id, &settings, "sqs", PayloadHash::Empty),
    )
    .unwrap();
    assert!(!out.canonical_request().contains("x-amz-security-token"));
    assert_eq!(parts.headers["x-amz-security-token"], TOKEN);
    assert!(parts.headers["x-amz-security-token"].is_sensitive());

    let uri = presign(
        &Signer::new(),
        &sqs(),
        &params(id, &settings, "sqs", PayloadHash::UnsignedPayload),
        Duration::from_secs(60),
    )
    .unwrap();
    let q = uri.query().unwrap();
    assert!(q.contains("X-Amz-Security-Token="), "{q}");
    assert!(q.find("X-Amz-Security-Token").unwrap() < q.find("X-Amz-Signature").unwrap());
}

#[test]
fn signed_header_rules() {
    let mut settings = SigningSettings::default();
    settings.signed_headers = SignedHeaderRules::Only(vec![http::header::CONTENT_TYPE]);
    let mut parts = sqs();
    sign_headers(
        &Signer::new(),
        &mut parts,
        &params(
            Identity::new(AKID, SECRET),
            &settings,
            "sqs",
            PayloadHash::Empty,
        ),
    )
    .unwrap();
    assert!(
        auth(&parts).contains("SignedHeaders=content-type;host;x-amz-date,"),
        "{}",
        auth(&parts)
    );

    settings.signed_headers = SignedHeaderRules::AllExcept(vec![http::header::CONTENT_TYPE]);
    let mut parts = sqs();
    sign_headers(
        &Signer::new(),
        &mut parts,
        &params(
            Identity::new(AKID, SECRET),
            &settings,
            "sqs",
            PayloadHash::Empty,
        ),
    )
    .unwrap();
    assert!(
        auth(&parts).contains("SignedHeaders=host;x-amz-date;x-amz-target,"),
        "{}",
        auth(&parts)
    );
}

#[test]
fn presign_expiry_bounds() {
    let settings = SigningSettings::s3();
    let p = params(
        Identity::new(AKID, SECRET),
        &settings,
        "s3",
        PayloadHash::UnsignedPayload,
    );
    let signer = Signer::new();
    for bad in [
        Duration::ZERO,
        Duration::from_millis(999),
        Duration::from_secs(604_801),
    ] {
        let err = presign(&signer, &s3_get(), &p, bad).unwrap_err();
        assert!(err.is_invalid_expiry(), "{bad:?}: {err}");
    }
    for good in [Duration::from_secs(1), Duration::from_secs(604_800)] {
        let uri = presign(&signer, &s3_get(), &p, good).unwrap();
        assert!(uri
            .query()
            .unwrap()
            .contains(&format!("X-Amz-Expires={}", good.as_secs())));
        assert_eq!(uri.host(), Some("bucket.s3.us-east-1.amazonaws.com"));
        assert!(uri
            .query()
            .unwrap()
            .starts_with("versionId=1&acl&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    }
}

#[test]
fn errors_leave_the_request_untouched_and_never_panic() {
    let settings = SigningSettings::default();
    let signer = Signer::new();
    let ok = Identity::new(AKID, SECRET);

    // Non-UTF-8 header value.
    let mut parts = sqs();
    parts
        .headers
        .insert("x-binary", HeaderValue::from_bytes(b"caf\xe9").unwrap());
    let before = parts.headers.clone();
    let err = sign_headers(
        &signer,
        &mut parts,
        &params(ok, &settings, "sqs", PayloadHash::Empty),
    )
    .unwrap_err();
    assert!(err.is_invalid_header_value(), "{err}");
    assert_eq!(parts.headers, before);

    // No host anywhere.
    let mut parts = http::Request::get("/path").body(()).unwrap().into_parts().0;
    let err = sign_headers(
        &signer,
        &mut parts,
        &params(ok, &settings, "sqs", PayloadHash::Empty),
    )
    .unwrap_err();
    assert!(err.is_missing_host());
    assert!(parts.headers.is_empty());

    // Bad inputs.
    let mut p = params(ok, &settings, "sqs", PayloadHash::Empty);
    p.time = UNIX_EPOCH - Duration::from_secs(1);
    assert!(sign_headers(&signer, &mut sqs(), &p)
        .unwrap_err()
        .is_invalid_time());
    let p = params(
        Identity::new("", SECRET),
        &settings,
        "sqs",
        PayloadHash::Empty,
    );
    assert!(sign_headers(&signer, &mut sqs(), &p)
        .unwrap_err()
        .is_invalid_credentials());
    let p = params(
        Identity::new(AKID, SECRET).with_session_token("bad\ntoken"),
        &settings,
        "sqs",
        PayloadHash::Empty,
    );
    assert!(sign_headers(&signer, &mut sqs(), &p)
        .unwrap_err()
        .is_invalid_credentials());
    let p = params(ok, &settings, "s/qs", PayloadHash::Empty);
    assert!(sign_headers(&signer, &mut sqs(), &p)
        .unwrap_err()
        .is_invalid_params());
    let p = params(ok, &settings, "sqs", PayloadHash::Precomputed("not a hash"));
    assert!(sign_headers(&signer, &mut sqs(), &p)
        .unwrap_err()
        .is_invalid_params());
    let mut p = params(ok, &settings, "sqs", PayloadHash::Empty);
    p.region = "";
    assert!(sign_headers(&signer, &mut sqs(), &p)
        .unwrap_err()
        .is_invalid_params());
}

#[test]
fn debug_output_never_contains_secrets() {
    let settings = SigningSettings::default();
    let id = Identity::new(AKID, SECRET).with_session_token(TOKEN);
    let p = params(id, &settings, "sqs", PayloadHash::Empty);
    let signer = Signer::with_cache(SigningKeyCache::with_capacity(2));
    let mut parts = sqs();
    let out = sign_headers_explained(&signer, &mut parts, &p).unwrap();
    assert!(
        out.canonical_request().contains(TOKEN),
        "the token is signed in this mode"
    );
    let (_, presigned) =
        session_sigv4::presign_explained(&signer, &sqs(), &p, Duration::from_secs(60)).unwrap();
    for shown in [
        format!("{id:?}"),
        format!("{p:?}"),
        format!("{signer:?}"),
        format!("{:?}", signer.cache()),
        format!("{out:?}"),
        format!("{presigned:?}"),
        format!("{:?}", parts.headers),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains("TOKENTOKEN"), "{shown}");
    }
}

#[test]
fn shared_signer_across_threads() {
    let signer = Signer::new();
    let settings = SigningSettings::default();
    std::thread::scope(|s| {
        for _ in 0..4 {
            let signer = signer.clone();
            let settings = &settings;
            s.spawn(move || {
                for _ in 0..200 {
                    let mut parts = sqs();
                    sign_headers(
                        &signer,
                        &mut parts,
                        &params(
                            Identity::new(AKID, SECRET),
                            settings,
                            "sqs",
                            PayloadHash::Empty,
                        ),
                    )
                    .unwrap();
                }
            });
        }
    });
    assert!(
        signer.cache().derivations() <= 4,
        "racing misses at most once per thread"
    );
    assert_eq!(signer.cache().len(), 1);
}

/// The same request signed by `aws_sigv4::http_request::sign` gets the same `Authorization`.
#[test]
fn agrees_with_aws_sigv4() {
    let creds = Credentials::new(AKID, SECRET, Some(TOKEN.to_owned()), None, "test");
    let naive_identity: NaiveIdentity = creds.into();
    let cases: Vec<(Parts, &str, SigningSettings, PayloadHash<'_>, NaiveSettings, SignableBody<'_>)> = vec![
        (sqs(), "sqs", SigningSettings::default(), PayloadHash::Precomputed(HASH), NaiveSettings::default(), SignableBody::Precomputed(HASH.to_owned())),
        (s3_get(), "s3", SigningSettings::s3(), PayloadHash::UnsignedPayload, {
            let mut s = NaiveSettings::default();
            s.percent_encoding_mode = NaivePercent::Single;
            s.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            s.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            s
        }, SignableBody::UnsignedPayload),
        (
            http::Request::get("https://execute-api.us-east-1.amazonaws.com/stage/./a/../b//c%3Ad?z=1&a=%7e&a=b+c&empty")
                .header("x-custom", "  spaced   value ")
                .header("x-multi", "one")
                .body(())
                .unwrap()
                .into_parts()
                .0,
            "execute-api",
            SigningSettings::default(),
            PayloadHash::Empty,
            NaiveSettings::default(),
            SignableBody::Bytes(b""),
        ),
    ];
    for (mut parts, service, settings, payload, naive_settings, body) in cases {
        // aws-sigv4 signs `expect`; this crate never does (proxies may strip it).
        parts.headers.remove("expect");
        let mut ours = Parts::clone_without_extensions(&parts);
        let p = SigningParams {
            identity: Identity::new(AKID, SECRET).with_session_token(TOKEN),
            region: "us-east-1",
            service,
            time: t0(),
            payload,
            settings: &settings,
        };
        sign_headers(&Signer::new(), &mut ours, &p).unwrap();

        let mut theirs = http::Request::from_parts(Parts::clone_without_extensions(&parts), ());
        let v4_params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&naive_identity)
            .region("us-east-1")
            .name(service)
            .time(t0())
            .settings(naive_settings)
            .build()
            .unwrap()
            .into();
        let uri = theirs.uri().to_string();
        let signable = SignableRequest::new(
            theirs.method().as_str(),
            uri,
            theirs
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str(), v.to_str().unwrap())),
            body,
        )
        .unwrap();
        let (instructions, _) = naive_sign(signable, &v4_params).unwrap().into_parts();
        instructions.apply_to_request_http1x(&mut theirs);
        assert_eq!(
            auth(&ours),
            theirs.headers()["authorization"].to_str().unwrap(),
            "{service}"
        );
    }
}

trait CloneParts {
    fn clone_without_extensions(&self) -> Parts;
}

impl CloneParts for Parts {
    fn clone_without_extensions(&self) -> Parts {
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(self.uri.clone())
            .version(self.version);
        for (k, v) in &self.headers {
            builder = builder.header(k, v);
        }
        builder.body(()).unwrap().into_parts().0
    }
}
