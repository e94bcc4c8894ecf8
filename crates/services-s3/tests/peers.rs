//! The generated S3 API against moto (signature checking on) and s3s-fs (strict SigV4,
//! payload hashes and Content-MD5 checked).

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use futures_util::TryStreamExt as _;
use services_s3::operations::{GetObjectError, HeadObjectError};
use services_s3::types::{
    BucketVersioningStatus, CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier, Tag,
    Tagging, VersioningConfiguration,
};
use services_s3::S3Client;
use session_tower::SdkBody;

/// Operations both peers support.
async fn round_trip(s3: &S3Client, bucket: &str) {
    s3.create_bucket().bucket(bucket).send().await.unwrap();
    s3.head_bucket().bucket(bucket).send().await.unwrap();
    let buckets = s3.list_buckets().send().await.unwrap();
    assert!(buckets
        .buckets
        .unwrap_or_default()
        .iter()
        .any(|b| b.name.as_deref() == Some(bucket)));

    let put = s3
        .put_object()
        .bucket(bucket)
        .key("dir/hello world.txt")
        .content_type("text/plain")
        .metadata([("owner".to_owned(), "tests".to_owned())])
        .body("hello from the stack")
        .send()
        .await
        .unwrap();
    assert!(put.e_tag.is_some());

    // A streamed upload of 3 MiB in 64 KiB chunks: never buffered.
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let frames =
        (0..48).map(move |_| Ok::<_, std::io::Error>(http_body::Frame::data(chunk.clone())));
    let stream = http_body_util::StreamBody::new(futures_util::stream::iter(frames));
    let sized = SizedBody {
        inner: stream,
        len: 48 * 64 * 1024,
    };
    s3.put_object()
        .bucket(bucket)
        .key("big.bin")
        .body(SdkBody::from_stream(sized))
        .send()
        .await
        .unwrap();

    let head = s3
        .head_object()
        .bucket(bucket)
        .key("dir/hello world.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(20));
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    assert!(head.last_modified.is_some());
    assert_eq!(
        head.metadata
            .unwrap_or_default()
            .get("owner")
            .map(String::as_str),
        Some("tests")
    );

    let got = s3
        .get_object()
        .bucket(bucket)
        .key("dir/hello world.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_length, Some(20));
    assert_eq!(
        got.body.unwrap().collect().await.unwrap(),
        "hello from the stack"
    );

    let big = s3
        .get_object()
        .bucket(bucket)
        .key("big.bin")
        .send()
        .await
        .unwrap();
    assert_eq!(big.content_length, Some(48 * 64 * 1024));
    let mut body = big.body.unwrap().take();
    let mut total = 0usize;
    while let Some(frame) = http_body_util::BodyExt::frame(&mut body).await {
        total += frame.unwrap().into_data().map(|d| d.len()).unwrap_or(0);
    }
    assert_eq!(total, 48 * 64 * 1024);

    // Copy (S3 may answer 200 with an error body; a real copy succeeds).
    let copied = s3
        .copy_object()
        .bucket(bucket)
        .key("dir/copy.txt")
        .copy_source(format!("{bucket}/dir/hello%20world.txt"))
        .send()
        .await
        .unwrap();
    assert!(copied.copy_object_result.unwrap().e_tag.is_some());

    // Listing through the paginator, one key per page.
    let keys: Vec<String> = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix("dir/")
        .max_keys(1)
        .into_paginator()
        .items()
        .map_ok(|o| o.key.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys, ["dir/copy.txt", "dir/hello world.txt"]);

    // DeleteObjects (Content-MD5 required), with a per-key report.
    let deleted = s3
        .delete_objects()
        .bucket(bucket)
        .delete(Delete {
            objects: Some(vec![
                ObjectIdentifier {
                    key: Some("dir/copy.txt".into()),
                    ..Default::default()
                },
                ObjectIdentifier {
                    key: Some("big.bin".into()),
                    ..Default::default()
                },
            ]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.deleted.unwrap_or_default().len(), 2);

    s3.delete_object()
        .bucket(bucket)
        .key("dir/hello world.txt")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_object()
        .bucket(bucket)
        .key("dir/hello world.txt")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e.as_service(), Some(GetObjectError::NoSuchKey(_))),
        "{e:?}"
    );
    // HEAD errors have no body: the status decides.
    let e = s3
        .head_object()
        .bucket(bucket)
        .key("dir/hello world.txt")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().status(), 404, "{e:?}");
    let _: Option<&HeadObjectError> = e.as_service();
}

/// Operations moto supports beyond the round trip: tagging, versioning, multipart.
async fn moto_extras(s3: &S3Client, bucket: &str) {
    s3.create_bucket().bucket(bucket).send().await.unwrap();
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(VersioningConfiguration {
            status: Some(BucketVersioningStatus::Enabled),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let v = s3
        .get_bucket_versioning()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(v.status, Some(BucketVersioningStatus::Enabled));

    s3.put_bucket_tagging()
        .bucket(bucket)
        .tagging(Tagging {
            tag_set: Some(vec![Tag {
                key: Some("team".into()),
                value: Some("core".into()),
            }]),
        })
        .send()
        .await
        .unwrap();
    let tags = s3.get_bucket_tagging().bucket(bucket).send().await.unwrap();
    assert_eq!(tags.tag_set.unwrap()[0].value.as_deref(), Some("core"));

    for body in ["one", "two"] {
        s3.put_object()
            .bucket(bucket)
            .key("versioned")
            .body(body)
            .send()
            .await
            .unwrap();
    }
    let versions = s3
        .list_object_versions()
        .bucket(bucket)
        .prefix("versioned")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions.unwrap_or_default().len(), 2);

    s3.put_object_tagging()
        .bucket(bucket)
        .key("versioned")
        .tagging(Tagging {
            tag_set: Some(vec![Tag {
                key: Some("k".into()),
                value: Some("v".into()),
            }]),
        })
        .send()
        .await
        .unwrap();
    let tags = s3
        .get_object_tagging()
        .bucket(bucket)
        .key("versioned")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tag_set.unwrap().len(), 1);

    // Multipart: two parts (the first at the 5 MiB minimum), completed, read back.
    let upload = s3
        .create_multipart_upload()
        .bucket(bucket)
        .key("multi")
        .send()
        .await
        .unwrap();
    let id = upload.upload_id.unwrap();
    let mut parts = Vec::new();
    for (n, body) in [(1, vec![b'a'; 5 * 1024 * 1024]), (2, b"tail".to_vec())] {
        let part = s3
            .upload_part()
            .bucket(bucket)
            .key("multi")
            .upload_id(&id)
            .part_number(n)
            .body(body)
            .send()
            .await
            .unwrap();
        parts.push(CompletedPart {
            e_tag: part.e_tag,
            part_number: Some(n),
            ..Default::default()
        });
    }
    let listed = s3
        .list_parts()
        .bucket(bucket)
        .key("multi")
        .upload_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.parts.unwrap_or_default().len(), 2);
    s3.complete_multipart_upload()
        .bucket(bucket)
        .key("multi")
        .upload_id(&id)
        .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object()
        .bucket(bucket)
        .key("multi")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_length, Some(5 * 1024 * 1024 + 4));

    // GetBucketLocation answers with a bare `<LocationConstraint>` root.
    s3.create_bucket()
        .bucket("located-bucket")
        .create_bucket_configuration(services_s3::types::CreateBucketConfiguration {
            location_constraint: Some(services_s3::types::BucketLocationConstraint::EuWest1),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let location = s3
        .get_bucket_location()
        .bucket("located-bucket")
        .send()
        .await
        .unwrap();
    assert_eq!(
        location.location_constraint,
        Some(services_s3::types::BucketLocationConstraint::EuWest1)
    );
}

/// Turns an iterator of frames into a body with a known length (as a file upload would be).
struct SizedBody<B> {
    inner: B,
    len: u64,
}

impl<B: http_body::Body + Unpin> http_body::Body for SizedBody<B> {
    type Data = B::Data;
    type Error = B::Error;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }
    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.len)
    }
}

#[test]
fn s3_on_moto_with_signature_checks() {
    let moto = session_testkit::Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s3 = S3Client::new(&moto.session(None)).unwrap();
        round_trip(&s3, "proof-bucket").await;
        moto_extras(&s3, "extras-bucket").await;
        let bad = S3Client::new(&moto.session(Some("wrong"))).unwrap();
        let e = bad
            .create_bucket()
            .bucket("other")
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("SignatureDoesNotMatch"), "{e:?}");
    });
}

#[test]
fn s3_on_s3s_fs_strict_sigv4() {
    let server = session_testkit::S3sFs::start().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s3 = S3Client::new(&server.session(None)).unwrap();
        round_trip(&s3, "strict-bucket").await;

        // Flexible checksums: s3s-fs checks them on upload and returns them on download,
        // where the client validates the streamed body against them.
        let put = s3
            .put_object()
            .bucket("strict-bucket")
            .key("summed")
            .checksum_algorithm(services_s3::types::ChecksumAlgorithm::Sha256)
            .body("checksummed body")
            .send()
            .await
            .unwrap();
        let want = session_runtime::checksum::Algorithm::Sha256.checksum(b"checksummed body");
        assert_eq!(put.checksum_sha256.as_deref(), Some(want.as_str()));
        let got = s3
            .get_object()
            .bucket("strict-bucket")
            .key("summed")
            .send()
            .await
            .unwrap();
        assert_eq!(got.checksum_sha256.as_deref(), Some(want.as_str()));
        assert_eq!(
            got.body.unwrap().collect().await.unwrap(),
            "checksummed body"
        );

        // Presigned URLs: s3s-fs checks their signatures too.
        s3.put_object()
            .bucket("strict-bucket")
            .key("shared/report.txt")
            .body("presigned body")
            .send()
            .await
            .unwrap();
        let url = s3
            .presign_get_object(
                "strict-bucket",
                "shared/report.txt",
                std::time::Duration::from_secs(300),
            )
            .await
            .unwrap();
        assert!(url.query().unwrap().contains("X-Amz-Signature="));
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http::<http_body_util::Empty<Bytes>>();
        let resp = http.get(url.clone()).await.unwrap();
        assert_eq!(resp.status(), 200);
        let body = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert_eq!(body, "presigned body");
        // Tampering with the URL breaks the signature.
        let tampered: http::Uri = url
            .to_string()
            .replace("report.txt", "other.txt")
            .parse()
            .unwrap();
        assert_eq!(http.get(tampered).await.unwrap().status(), 403);
        let e = s3
            .presign_get_object(
                "strict-bucket",
                "k",
                std::time::Duration::from_secs(8 * 24 * 3600),
            )
            .await
            .unwrap_err();
        assert!(e.is_signing(), "{e:?}");
        let bad = S3Client::new(&server.session(Some("wrong"))).unwrap();
        let e = bad
            .create_bucket()
            .bucket("other")
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("SignatureDoesNotMatch"), "{e:?}");
    });
}
