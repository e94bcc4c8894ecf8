//! Answers whose checksums do not match what they carry: an error, never data handed over.

use std::time::Duration;

use services_s3::types::ChecksumMode;
use session_runtime::checksum::Algorithm;
use session_testkit::faults::{Fault, FaultServer};

use crate::support::fixtures::*;
use crate::support::{assert_one_operation, retries, Clock, Path};

const OBJECT: &[u8] = b"the quarterly report, every byte of it";

fn object_with_crc32(crc32: &str) -> Fault {
    Fault::status(200)
        .header("content-type", "application/octet-stream")
        .header("x-amz-checksum-crc32", crc32)
        .body(OBJECT.to_vec())
}

async fn get_checked(
    path: Path,
    server: &FaultServer,
) -> Result<bytes::Bytes, session_tower::Error> {
    let s3 = crate::support::build(services_s3::S3Client::builder(&server.session()), path);
    let out = s3
        .get_object()
        .bucket(BUCKET)
        .key("report")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    out.body.unwrap().collect().await
}

/// `GetObject` with checksum mode on, answered with the object and its right CRC32: read.
async fn object_with_its_checksum_is_read(path: Path) {
    let server = FaultServer::start(object_with_crc32(&Algorithm::Crc32.checksum(OBJECT)))
        .await
        .unwrap();
    assert_eq!(&get_checked(path, &server).await.unwrap()[..], OBJECT);
}
scenario!(object_with_its_checksum_is_read);

/// The same with a CRC32 of other bytes: the read of the body fails, naming the checksum.
async fn object_with_a_wrong_checksum_fails_the_read(path: Path) {
    let server = FaultServer::start(object_with_crc32(&Algorithm::Crc32.checksum(b"other")))
        .await
        .unwrap();
    let e = get_checked(path, &server).await.unwrap_err();
    let text = format!("{e} {:?}", e);
    assert!(text.to_lowercase().contains("checksum"), "{text}");
    assert_one_operation(&server, 1);
}
scenario!(object_with_a_wrong_checksum_fails_the_read);

/// `SendMessage` answered with an `MD5OfMessageBody` of another message: an error (the
/// message may have been corrupted on the way), not a success.
async fn sqs_md5_mismatch_is_an_error(path: Path) {
    let wrong = r#"{"MD5OfMessageBody":"00000000000000000000000000000000","MessageId":"m-1"}"#;
    let server = FaultServer::start(Fault::json(200, wrong)).await.unwrap();
    let sqs = crate::support::build(
        services_sqs::SqsClient::builder(&server.session()).retry(retries(3)),
        path,
    );
    let clock = Clock::start();
    let e = send(&sqs).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    let text = format!("{e} {e:?}");
    assert!(text.contains("MD5"), "{text}");
    // Not retried: the service did take the message (as in the SDKs, the caller decides).
    assert_one_operation(&server, 1);
}
scenario!(sqs_md5_mismatch_is_an_error);
