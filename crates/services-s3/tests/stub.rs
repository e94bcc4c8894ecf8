//! The stubber with S3 (REST-XML): a streamed upload checked against the expected input
//! (its body included), a streamed download with header members, a listing, a modeled
//! error, and a bucket that differs (the endpoint rules put it in the host). In-process by
//! design: stubbing is what replaces the network in users' own tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use services_s3::operations::GetObjectError;
use services_s3::S3;
use session_runtime::stub::Stubber;
use session_runtime::value::Value;
use session_runtime::Timestamp;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn an_upload_is_checked_body_and_headers_and_a_download_streams_the_stubbed_bytes() {
    let (s3, stubber) = Stubber::for_service::<S3>().unwrap();
    stubber
        .add_response(
            "PutObject",
            &Value::map()
                .with("Bucket", "photos")
                .with("Key", "cat.txt")
                .with("ContentType", "text/plain")
                .with("Body", Bytes::from_static(b"meow")),
            Value::map().with("ETag", "\"e-1\""),
        )
        .unwrap();
    stubber
        .add_response(
            "GetObject",
            &Value::map().with("Bucket", "photos").with("Key", "cat.txt"),
            Value::map()
                .with("Body", Bytes::from_static(b"meow"))
                .with("ContentLength", Value::Integer(4))
                .with("ETag", "\"e-1\"")
                .with("LastModified", Timestamp::from_secs(1_700_000_000)),
        )
        .unwrap();
    rt().block_on(async {
        let put = s3
            .put_object()
            .bucket("photos")
            .key("cat.txt")
            .content_type("text/plain")
            .body("meow")
            .send()
            .await
            .unwrap();
        assert_eq!(put.e_tag.as_deref(), Some("\"e-1\""));
        let got = s3
            .get_object()
            .bucket("photos")
            .key("cat.txt")
            .send()
            .await
            .unwrap();
        assert_eq!(got.content_length, Some(4));
        assert_eq!(got.e_tag.as_deref(), Some("\"e-1\""));
        assert_eq!(got.last_modified.map(|t| t.secs()), Some(1_700_000_000));
        let body = got.body.unwrap().collect().await.unwrap();
        assert_eq!(&body[..], b"meow");
    });
    stubber.assert_no_pending_responses();
}

#[test]
fn an_upload_with_another_body_or_bucket_is_a_mismatch() {
    let (s3, stubber) = Stubber::for_service::<S3>().unwrap();
    let expected = Value::map()
        .with("Bucket", "photos")
        .with("Key", "cat.txt")
        .with("Body", Bytes::from_static(b"meow"));
    stubber
        .add_response("PutObject", &expected, Value::Null)
        .unwrap();
    stubber
        .add_response("PutObject", &expected, Value::Null)
        .unwrap();
    let rt = rt();
    let body = rt
        .block_on(
            s3.put_object()
                .bucket("photos")
                .key("cat.txt")
                .body("woof")
                .send(),
        )
        .expect_err("another body");
    assert!(format!("{body}").contains("body"), "{body}");
    let bucket = rt
        .block_on(
            s3.put_object()
                .bucket("dogs")
                .key("cat.txt")
                .body("meow")
                .send(),
        )
        .expect_err("another bucket");
    assert!(format!("{bucket}").contains("dogs"), "{bucket}");
    assert!(stubber.verify().is_err());
}

#[test]
fn a_listing_is_read_into_the_typed_output() {
    let (s3, stubber) = Stubber::for_service::<S3>().unwrap();
    let object = |key: &str, size: i64| {
        Value::map()
            .with("Key", key)
            .with("Size", Value::Integer(size))
            .with("LastModified", Timestamp::from_secs(1_700_000_000))
    };
    stubber
        .add_response(
            "ListObjectsV2",
            &Value::map().with("Bucket", "photos").with("Prefix", "c"),
            Value::map()
                .with("Name", "photos")
                .with("KeyCount", Value::Integer(2))
                .with("IsTruncated", false)
                .with(
                    "Contents",
                    Value::List(vec![object("cat.txt", 4), object("cow.txt", 3)]),
                ),
        )
        .unwrap();
    let listed = rt()
        .block_on(s3.list_objects_v2().bucket("photos").prefix("c").send())
        .unwrap();
    let keys: Vec<_> = listed
        .contents
        .unwrap_or_default()
        .into_iter()
        .map(|o| (o.key.unwrap_or_default(), o.size.unwrap_or_default()))
        .collect();
    assert_eq!(keys, [("cat.txt".to_owned(), 4), ("cow.txt".to_owned(), 3)]);
    stubber.assert_no_pending_responses();
}

#[test]
fn no_such_key_is_the_modeled_error() {
    let (s3, stubber) = Stubber::for_service::<S3>().unwrap();
    stubber
        .add_client_error(
            "GetObject",
            "NoSuchKey",
            "The specified key does not exist.",
            404,
        )
        .unwrap();
    let e = rt()
        .block_on(s3.get_object().bucket("photos").key("gone").send())
        .expect_err("stubbed error");
    assert!(
        matches!(e.as_service(), Some(GetObjectError::NoSuchKey(_))),
        "{e:?}"
    );
    assert_eq!(e.request_id(), Some("stub-request-1"));
    stubber.assert_no_pending_responses();
}

#[test]
fn a_typed_expected_input_checks_all_but_the_streamed_body_it_cannot_hold() {
    use services_s3::types::PutObjectRequest;
    let (s3, stubber) = Stubber::for_service::<S3>().unwrap();
    let expected = PutObjectRequest {
        bucket: Some("photos".into()),
        key: Some("cat.txt".into()),
        content_type: Some("text/plain".into()),
        ..Default::default()
    };
    stubber
        .add_response("PutObject", &expected, Value::Null)
        .unwrap();
    stubber
        .add_response("PutObject", &expected, Value::Null)
        .unwrap();
    let rt = rt();
    rt.block_on(
        s3.put_object()
            .bucket("photos")
            .key("cat.txt")
            .content_type("text/plain")
            .body("any body")
            .send(),
    )
    .unwrap();
    let e = rt
        .block_on(
            s3.put_object()
                .bucket("photos")
                .key("cat.txt")
                .body("x")
                .send(),
        )
        .expect_err("no content type");
    assert!(format!("{e}").contains("content-type"), "{e}");
}
