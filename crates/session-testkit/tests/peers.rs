//! Installs and starts every peer for real and checks that it answers, and that signature
//! checking is on where it should be. The first run installs the peers (moto ~30 s, s3s-fs
//! ~2 min, SeaweedFS ~10 s); later runs only start them.

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use session_testkit::http::{send, Request, Response};
use session_testkit::{Moto, S3sFs, Seaweed};

/// A syntactically valid SigV4 header whose signature is wrong.
fn bogus_authorization(access_key_id: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key_id}/20261125/us-east-1/s3/aws4_request, \
         SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={}",
        "0".repeat(64)
    )
}

/// S3 ListBuckets (`GET /`), signed with a wrong signature for `access_key_id`.
fn list_buckets_badly_signed(addr: SocketAddr, access_key_id: &str) -> Response {
    let authorization = bogus_authorization(access_key_id);
    let request = Request::new("GET", "/")
        .header("x-amz-date", "20261125T000000Z")
        .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
        .header("Authorization", &authorization);
    send(addr, &request).expect("ListBuckets answered")
}

fn list_buckets_unsigned(addr: SocketAddr) -> Response {
    send(addr, &Request::new("GET", "/")).expect("ListBuckets answered")
}

fn error_code(response: &Response) -> String {
    let text = response.text();
    text.split("<Code>")
        .nth(1)
        .and_then(|rest| rest.split("</Code>").next())
        .unwrap_or_default()
        .to_owned()
}

fn refuses_connections(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err()
}

#[test]
fn moto_starts_answers_and_dies_on_drop() {
    let t = Instant::now();
    Moto::install().expect("install moto");
    let installed = t.elapsed();
    let t = Instant::now();
    let moto = Moto::start().expect("start moto");
    eprintln!("moto: install check {installed:?}, start {:?}", t.elapsed());
    assert!(moto.endpoint().starts_with("http://127.0.0.1:"));
    assert_eq!(moto.region(), "us-east-1");
    assert!(!moto.auth_enabled());

    let data = send(moto.addr(), &Request::new("GET", "/moto-api/data.json")).expect("data.json");
    assert_eq!(data.status, 200);
    assert!(data.text().starts_with('{'), "{}", data.text());

    let addr = moto.addr();
    drop(moto);
    assert!(refuses_connections(addr), "moto still listening after drop");
}

#[test]
fn moto_without_auth_accepts_anything_and_resets() {
    let moto = Moto::start().expect("start moto");
    let unsigned = list_buckets_unsigned(moto.addr());
    assert_eq!(unsigned.status, 200, "{}", unsigned.text());
    assert!(unsigned.text().contains("ListAllMyBucketsResult"));
    let bad = list_buckets_badly_signed(moto.addr(), "whoever");
    assert_eq!(bad.status, 200, "{}", bad.text());

    let created = send(moto.addr(), &Request::new("PUT", "/testkit-bucket")).expect("put");
    assert_eq!(created.status, 200, "{}", created.text());
    assert!(list_buckets_unsigned(moto.addr())
        .text()
        .contains("testkit-bucket"));
    moto.reset().expect("reset");
    assert!(!list_buckets_unsigned(moto.addr())
        .text()
        .contains("testkit-bucket"));
}

#[test]
fn moto_with_auth_rejects_bad_and_missing_signatures() {
    let t = Instant::now();
    let moto = Moto::start_with_auth().expect("start moto with auth");
    eprintln!("moto with auth: start + bootstrap {:?}", t.elapsed());
    assert!(moto.auth_enabled());
    let creds = moto.credentials().clone();
    assert_eq!(creds.access_key_id().len(), 20, "{creds:?}");
    assert_eq!(creds.secret_access_key().len(), 40);

    let bad = list_buckets_badly_signed(moto.addr(), creds.access_key_id());
    assert_eq!(bad.status, 403, "{}", bad.text());
    assert_eq!(error_code(&bad), "SignatureDoesNotMatch");

    let unknown = list_buckets_badly_signed(moto.addr(), "AKIAUNKNOWNKEY000000");
    assert_eq!(unknown.status, 403, "{}", unknown.text());
    assert_eq!(error_code(&unknown), "InvalidAccessKeyId");

    // moto answers a request without any Authorization header with a 500 (it crashes
    // looking the header up) rather than 403; either way it is not served.
    let unsigned = list_buckets_unsigned(moto.addr());
    assert_eq!(unsigned.status, 500, "{}", unsigned.text());

    // After a reset the same key pair is valid again (a wrong signature is still judged
    // against a known key, not answered InvalidAccessKeyId).
    moto.reset().expect("reset with auth");
    assert_eq!(moto.credentials(), &creds);
    let bad = list_buckets_badly_signed(moto.addr(), creds.access_key_id());
    assert_eq!(error_code(&bad), "SignatureDoesNotMatch", "{}", bad.text());
}

#[test]
fn moto_shared_is_one_instance() {
    let a = Moto::shared();
    let b = Moto::shared();
    assert_eq!(a.addr(), b.addr());
    let data = send(a.addr(), &Request::new("GET", "/moto-api/data.json")).expect("data.json");
    assert_eq!(data.status, 200);
}

#[test]
fn s3s_fs_starts_and_requires_signatures() {
    let t = Instant::now();
    S3sFs::install().expect("install s3s-fs");
    let installed = t.elapsed();
    let t = Instant::now();
    let s3 = S3sFs::start().expect("start s3s-fs");
    eprintln!(
        "s3s-fs: install check {installed:?}, start {:?}",
        t.elapsed()
    );
    assert!(s3.data_dir().is_dir());

    let unsigned = list_buckets_unsigned(s3.addr());
    assert_eq!(unsigned.status, 403, "{}", unsigned.text());
    assert_eq!(error_code(&unsigned), "AccessDenied");

    let bad = list_buckets_badly_signed(s3.addr(), s3.credentials().access_key_id());
    assert_eq!(bad.status, 403, "{}", bad.text());

    let addr = s3.addr();
    drop(s3);
    assert!(
        refuses_connections(addr),
        "s3s-fs still listening after drop"
    );
}

#[test]
fn seaweed_starts_and_requires_signatures() {
    let t = Instant::now();
    Seaweed::install().expect("install seaweedfs");
    let installed = t.elapsed();
    let t = Instant::now();
    let weed = Seaweed::start().expect("start weed mini");
    eprintln!(
        "weed mini: install check {installed:?}, start {:?}",
        t.elapsed()
    );

    let health = send(weed.addr(), &Request::new("GET", "/healthz")).expect("healthz");
    assert_eq!(health.status, 200);
    let unsigned = list_buckets_unsigned(weed.addr());
    assert_eq!(unsigned.status, 403, "{}", unsigned.text());
    assert_eq!(error_code(&unsigned), "AccessDenied");
    let status =
        send(weed.master_addr(), &Request::new("GET", "/cluster/status")).expect("master status");
    assert_eq!(status.status, 200, "{}", status.text());

    let addr = weed.addr();
    drop(weed);
    assert!(refuses_connections(addr), "weed still listening after drop");

    let shared = Seaweed::shared();
    assert_eq!(shared.addr(), Seaweed::shared().addr());
    assert_eq!(list_buckets_unsigned(shared.addr()).status, 403);
}
