//! `encoding-type=url` listings against moto (signature checking on): keys with spaces, a
//! literal `+`, a `%` and non-ASCII characters come back as stored, whichever of its
//! members the server chose to encode.
//!
//! What moto does (read from the raw XML, kept by a transport wrapper before the client
//! decodes it): `ListObjects` and `ListObjectsV2` answer with
//! `<EncodingType>url</EncodingType>` and keys encoded by Python's `urllib.parse.quote`
//! (a space as `%20`, `+` as `%2B`, `/` left as it is, non-ASCII as UTF-8 `%XX`);
//! `ListObjectsV2` also encodes `Prefix` and `CommonPrefixes`, `ListObjects` does not.
//! `ListObjectVersions` and `ListMultipartUploads` ignore the parameter: no
//! `EncodingType` element, raw keys. Real S3 encodes a space as `+`; the decoding covers
//! both, which is why it is checked here against a second server's choices.

#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use services_s3::types::{BucketVersioningStatus, EncodingType, VersioningConfiguration};
use services_s3::S3Client;
use session_tower::transport::Transport;
use session_tower::SdkBody;

const BUCKET: &str = "listing-bucket";

/// Keys a listing must give back exactly; in byte order, as S3 lists them.
const KEYS: &[&str] = &[
    "100%.csv",
    "dir one/a b.txt",
    "dir one/\u{fc}ber.txt",
    "plus+sign.txt",
    "top.txt",
    "\u{65e5}\u{672c}/\u{8a9e}.txt",
];

/// The transport, keeping a copy of the last response body: the raw XML the server sent,
/// before the client's decoding (the request is signed as usual).
#[derive(Clone)]
struct Peek {
    transport: Transport,
    last: Arc<Mutex<String>>,
}

impl tower_service::Service<http::Request<SdkBody>> for Peek {
    type Response = http::Response<SdkBody>;
    type Error = session_tower::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.transport.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<SdkBody>) -> Self::Future {
        let sent = self.transport.call(req);
        let last = Arc::clone(&self.last);
        Box::pin(async move {
            let (parts, body) = sent.await?.into_parts();
            let bytes = body.collect().await?;
            *last.lock().unwrap() = String::from_utf8_lossy(&bytes).into_owned();
            Ok(http::Response::from_parts(parts, SdkBody::from(bytes)))
        })
    }
}

/// A client whose responses' raw bodies can be read back with the returned handle.
fn peeking_client(session: &session_core::Session) -> (S3Client, Arc<Mutex<String>>) {
    let last = Arc::new(Mutex::new(String::new()));
    let peek = Peek {
        transport: Transport::builder().build().unwrap(),
        last: Arc::clone(&last),
    };
    let s3 = S3Client::builder(session)
        .http_client(peek)
        .build()
        .unwrap();
    (s3, last)
}

#[test]
fn url_encoded_listings_decode_to_the_stored_keys_on_moto() {
    let moto = session_testkit::Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s3 = S3Client::new(&moto.session(None)).unwrap();
        s3.create_bucket().bucket(BUCKET).send().await.unwrap();
        s3.put_bucket_versioning()
            .bucket(BUCKET)
            .versioning_configuration(VersioningConfiguration {
                status: Some(BucketVersioningStatus::Enabled),
                ..Default::default()
            })
            .send()
            .await
            .unwrap();
        for key in KEYS {
            s3.put_object()
                .bucket(BUCKET)
                .key(*key)
                .body("x")
                .send()
                .await
                .unwrap();
        }

        // ListObjectsV2: every key as stored.
        let (s3, raw) = peeking_client(&moto.session(None));
        let v2 = s3
            .list_objects_v2()
            .bucket(BUCKET)
            .encoding_type(EncodingType::Url)
            .send()
            .await
            .unwrap();
        assert_eq!(v2.encoding_type, Some(EncodingType::Url));
        // What moto sent: encoded, and with `%20` for a space (real S3 writes `+`).
        {
            let raw = raw.lock().unwrap();
            assert!(raw.contains("<EncodingType>url</EncodingType>"), "{raw}");
            assert!(raw.contains("<Key>dir%20one/a%20b.txt</Key>"), "{raw}");
            assert!(raw.contains("<Key>plus%2Bsign.txt</Key>"), "{raw}");
            assert!(raw.contains("<Key>100%25.csv</Key>"), "{raw}");
            assert!(raw.contains("<Key>dir%20one/%C3%BCber.txt</Key>"), "{raw}");
        }
        let keys: Vec<String> = v2
            .contents
            .unwrap()
            .into_iter()
            .map(|o| o.key.unwrap())
            .collect();
        assert_eq!(keys, KEYS);

        // With a delimiter and a prefix: common prefixes and the echoed prefix too.
        let v2 = s3
            .list_objects_v2()
            .bucket(BUCKET)
            .encoding_type(EncodingType::Url)
            .delimiter("/")
            .send()
            .await
            .unwrap();
        let prefixes: Vec<String> = v2
            .common_prefixes
            .unwrap()
            .into_iter()
            .map(|p| p.prefix.unwrap())
            .collect();
        assert_eq!(prefixes, ["dir one/", "\u{65e5}\u{672c}/"]);
        let v2 = s3
            .list_objects_v2()
            .bucket(BUCKET)
            .encoding_type(EncodingType::Url)
            .prefix("dir one/")
            .send()
            .await
            .unwrap();
        assert_eq!(v2.prefix.as_deref(), Some("dir one/"));
        assert_eq!(v2.key_count, Some(2));

        // ListObjects (v1): keys decoded; a marker from a decoded key pages on correctly.
        let v1 = s3
            .list_objects()
            .bucket(BUCKET)
            .encoding_type(EncodingType::Url)
            .max_keys(2)
            .send()
            .await
            .unwrap();
        let first: Vec<String> = v1
            .contents
            .unwrap()
            .into_iter()
            .map(|o| o.key.unwrap())
            .collect();
        assert_eq!(first, &KEYS[..2]);
        let rest = s3
            .list_objects()
            .bucket(BUCKET)
            .encoding_type(EncodingType::Url)
            .marker(first[1].clone())
            .send()
            .await
            .unwrap();
        let rest: Vec<String> = rest
            .contents
            .unwrap()
            .into_iter()
            .map(|o| o.key.unwrap())
            .collect();
        assert_eq!(rest, &KEYS[2..]);

        // ListObjectVersions: moto leaves the keys alone (no EncodingType in the answer),
        // so they must come back untouched, `+` included.
        let versions = s3
            .list_object_versions()
            .bucket(BUCKET)
            .encoding_type(EncodingType::Url)
            .send()
            .await
            .unwrap();
        assert_eq!(versions.encoding_type, None);
        assert!(
            raw.lock().unwrap().contains("<Key>plus+sign.txt</Key>"),
            "{}",
            raw.lock().unwrap()
        );
        let mut keys: Vec<String> = versions
            .versions
            .unwrap()
            .into_iter()
            .map(|v| v.key.unwrap())
            .collect();
        keys.sort();
        assert_eq!(keys, KEYS);

        // ListMultipartUploads: the same (moto ignores the parameter).
        s3.create_multipart_upload()
            .bucket(BUCKET)
            .key("upload me+now.bin")
            .send()
            .await
            .unwrap();
        let uploads = s3
            .list_multipart_uploads()
            .bucket(BUCKET)
            .encoding_type(EncodingType::Url)
            .send()
            .await
            .unwrap();
        assert_eq!(uploads.encoding_type, None);
        assert_eq!(
            uploads.uploads.unwrap()[0].key.as_deref(),
            Some("upload me+now.bin")
        );
    });
}
