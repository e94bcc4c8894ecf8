//! The exchanges every contender makes, and the server's recorded answers to them.
//!
//! The responses were recorded from moto 5.2.5 (`record/record.py`; see `NOTICE`): the
//! server sends them byte for byte (less `content-length`, which hyper writes from the body).

use bytes::Bytes;

/// Static keys of the example in AWS's SigV4 documentation: the server checks no signature.
pub(crate) const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The secret that goes with [`ACCESS_KEY_ID`].
pub(crate) const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// Region every contender signs for.
pub(crate) const REGION: &str = "us-east-1";

/// The SQS message every contender sends (`record/record.py` has the same text, so the
/// recorded `MD5OfMessageBody` is its digest).
pub(crate) const MESSAGE_BODY: &str = concat!(
    r#"{"event":"order.created","order_id":"ord_8f3a2c91","customer_id":"cus_41d07e","#,
    r#""total_cents":12999,"currency":"EUR","items":3,"created_at":"2026-12-01T09:14:03Z"}"#
);
/// The bucket and key of the 1 KiB object (GetObject and PutObject).
pub(crate) const OBJECT_BUCKET: &str = "bench-bucket";
/// See [`OBJECT_BUCKET`].
pub(crate) const OBJECT_KEY: &str = "objects/report-2026-12-01.bin";
/// The bucket whose first (and only) ListObjectsV2 page holds 100 keys.
pub(crate) const LISTING_BUCKET: &str = "bench-listing";
/// Keys in the recorded page.
pub(crate) const LISTING_KEYS: usize = 100;

/// The queue's URL as SQS gives it (the JSON body carries it; the endpoint is the server).
pub(crate) fn queue_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/123456789012/orders")
}

/// The 1 KiB object's bytes (what `record/record.py` uploaded, so the recorded ETag and
/// CRC32 are its own).
pub(crate) fn object_1k() -> Bytes {
    let line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_\n";
    Bytes::from(line.repeat(16)[..1024].to_vec())
}

/// One recorded response: header lines and body.
pub(crate) struct Recorded {
    /// `(name, value)` pairs in the recorded order, without `content-length`.
    pub(crate) headers: Vec<(&'static str, &'static str)>,
    /// The body.
    pub(crate) body: Bytes,
}

fn recorded(headers: &'static str, body: &'static [u8]) -> Recorded {
    let headers = headers
        .lines()
        .filter_map(|line| line.split_once(": "))
        .filter(|(name, _)| *name != "content-length")
        .collect();
    Recorded {
        headers,
        body: Bytes::from_static(body),
    }
}

/// SQS SendMessage (JSON 1.0).
pub(crate) fn send_message() -> Recorded {
    recorded(
        include_str!("../responses/sqs-send-message.headers"),
        include_bytes!("../responses/sqs-send-message.json"),
    )
}

/// S3 GetObject of the 1 KiB object (moto sends the stored CRC32 whether or not the
/// request asks for checksums).
pub(crate) fn get_object() -> Recorded {
    let mut r = recorded(include_str!("../responses/s3-get-object.headers"), b"");
    r.body = object_1k();
    r
}

/// S3 PutObject of the 1 KiB object.
pub(crate) fn put_object() -> Recorded {
    recorded(include_str!("../responses/s3-put-object.headers"), b"")
}

/// S3 ListObjectsV2: one page of 100 keys.
pub(crate) fn list_objects_v2() -> Recorded {
    recorded(
        include_str!("../responses/s3-list-objects-v2.headers"),
        include_bytes!("../responses/s3-list-objects-v2.xml"),
    )
}

#[cfg(test)]
mod tests {
    use md5::{Digest as _, Md5};

    use super::*;

    #[test]
    fn recorded_digests_are_of_what_the_contenders_send() {
        let sqs: serde_json::Value = serde_json::from_slice(&send_message().body).unwrap();
        let md5 = Md5::digest(MESSAGE_BODY.as_bytes());
        let hex: String = md5.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(sqs["MD5OfMessageBody"], hex.as_str());

        let get = get_object();
        let etag = get.headers.iter().find(|(n, _)| *n == "etag").unwrap().1;
        let md5 = Md5::digest(object_1k());
        let hex: String = md5.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(etag, format!("\"{hex}\""));
        assert_eq!(get.body.len(), 1024);
    }

    #[test]
    fn listing_page_has_100_keys_and_no_encoding_type() {
        let page = std::str::from_utf8(&list_objects_v2().body)
            .unwrap()
            .to_owned();
        assert_eq!(page.matches("<Key>").count(), LISTING_KEYS);
        assert!(page.contains("<KeyCount>100</KeyCount>"));
        assert!(!page.contains("EncodingType"));
    }
}
