//! S3 against moto (signature checking on) and s3s-fs (strict SigV4, payload hashes checked).

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use services_s3::S3Client;
use session_tower::SdkBody;

async fn round_trip(s3: &S3Client, bucket: &str) {
    s3.create_bucket(bucket).await.unwrap();
    let put = s3
        .put_object(
            bucket,
            "dir/hello world.txt",
            SdkBody::from("hello from the stack"),
        )
        .await
        .unwrap();
    assert!(put.e_tag.is_some());

    // A streamed upload of 3 MiB in 64 KiB chunks.
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let frames =
        (0..48).map(move |_| Ok::<_, std::io::Error>(http_body::Frame::data(chunk.clone())));
    let stream = http_body_util::StreamBody::new(futures_util_stream(frames));
    let sized = SizedBody {
        inner: stream,
        len: 48 * 64 * 1024,
    };
    s3.put_object(bucket, "big.bin", SdkBody::from_stream(sized))
        .await
        .unwrap();

    let got = s3.get_object(bucket, "dir/hello world.txt").await.unwrap();
    assert_eq!(got.content_length, Some(20));
    assert_eq!(got.body.collect().await.unwrap(), "hello from the stack");

    let big = s3.get_object(bucket, "big.bin").await.unwrap();
    assert_eq!(big.content_length, Some(48 * 64 * 1024));
    let mut body = big.body;
    let mut total = 0usize;
    while let Some(frame) = http_body_util::BodyExt::frame(&mut body).await {
        total += frame.unwrap().into_data().map(|d| d.len()).unwrap_or(0);
    }
    assert_eq!(total, 48 * 64 * 1024);

    let list = s3
        .list_objects_v2(bucket, Some("dir/"), None)
        .await
        .unwrap();
    let keys: Vec<&str> = list.contents.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["dir/hello world.txt"]);
    assert_eq!(list.contents[0].size, Some(20));

    s3.delete_object(bucket, "dir/hello world.txt")
        .await
        .unwrap();
    let e = s3
        .get_object(bucket, "dir/hello world.txt")
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().code(), Some("NoSuchKey"), "{e}");
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

fn futures_util_stream<I: Iterator + Unpin>(iter: I) -> IterStream<I> {
    IterStream(iter)
}

/// A `Stream` over an iterator, without pulling in a futures crate.
struct IterStream<I>(I);

impl<I: Iterator + Unpin> futures_core::Stream for IterStream<I> {
    type Item = I::Item;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<I::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}

#[test]
fn s3_on_moto_with_signature_checks() {
    let moto = session_testkit::Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s3 = S3Client::new(&moto.session(None)).unwrap();
        round_trip(&s3, "proof-bucket").await;
        let bad = S3Client::new(&moto.session(Some("wrong"))).unwrap();
        let e = bad.create_bucket("other").await.unwrap_err();
        assert_eq!(
            e.service_error().unwrap().code(),
            Some("SignatureDoesNotMatch"),
            "{e}"
        );
    });
}

#[test]
fn s3_on_s3s_fs_strict_sigv4() {
    let server = session_testkit::S3sFs::start().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s3 = S3Client::new(&server.session(None)).unwrap();
        round_trip(&s3, "strict-bucket").await;

        // Presigned URLs: s3s-fs checks their signatures too.
        s3.put_object(
            "strict-bucket",
            "shared/report.txt",
            SdkBody::from("presigned body"),
        )
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
        let e = bad.create_bucket("other").await.unwrap_err();
        assert_eq!(
            e.service_error().unwrap().code(),
            Some("SignatureDoesNotMatch"),
            "{e}"
        );
    });
}
