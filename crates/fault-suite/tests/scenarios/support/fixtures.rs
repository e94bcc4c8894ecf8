//! Answers in each protocol's shape (AWS JSON 1.0 for SQS, AWS query for STS, REST-XML for
//! S3), as the services document them, and the calls the scenarios make.

use md5::{Digest as _, Md5};
use services_s3::operations::{CompleteMultipartUploadError, CopyObjectError, ListObjectsV2Error};
use services_s3::types::{CompletedMultipartUpload, CompletedPart};
use services_s3::S3Client;
use services_sqs::operations::{ListQueuesError, SendMessageError};
use services_sqs::SqsClient;
use services_sts::operations::GetCallerIdentityError;
use services_sts::StsClient;
use session_runtime::OperationError;
use session_testkit::faults::Fault;

pub(crate) const QUEUE_URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";
pub(crate) const MESSAGE: &str = "charge the card once";
pub(crate) const BUCKET: &str = "fault-bucket";

// --- SQS (AWS JSON 1.0) ---

/// The body of a successful `SendMessage` of [`MESSAGE`].
pub(crate) fn sqs_sent_body() -> String {
    let md5: String = Md5::digest(MESSAGE.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(r#"{{"MD5OfMessageBody":"{md5}","MessageId":"m-1"}}"#)
}

/// A `ListQueues` answer.
pub(crate) fn sqs_queues() -> Fault {
    Fault::json(200, sqs_queues_body())
}

pub(crate) fn sqs_queues_body() -> String {
    format!(r#"{{"QueueUrls":["{QUEUE_URL}"]}}"#)
}

/// An SQS error (`code` without its namespace), as `__type` and `message`.
pub(crate) fn sqs_error(status: u16, code: &str, message: &str) -> Fault {
    Fault::json(
        status,
        format!(r#"{{"__type":"com.amazonaws.sqs#{code}","message":"{message}"}}"#),
    )
}

pub(crate) fn sqs_throttled() -> Fault {
    sqs_error(400, "ThrottlingException", "Rate exceeded")
}

pub(crate) fn sqs_internal() -> Fault {
    sqs_error(500, "InternalError", "We encountered an internal error")
}

/// `SendMessage` of [`MESSAGE`] (its effect must happen once).
pub(crate) async fn send(sqs: &SqsClient) -> Result<(), OperationError<SendMessageError>> {
    let out = sqs
        .send_message()
        .queue_url(QUEUE_URL)
        .message_body(MESSAGE)
        .send()
        .await?;
    assert!(out.message_id.is_some(), "{out:?}");
    Ok(())
}

/// `ListQueues`, checked against [`sqs_queues`].
pub(crate) async fn queues(sqs: &SqsClient) -> Result<(), OperationError<ListQueuesError>> {
    let out = sqs.list_queues().send().await?;
    assert_eq!(out.queue_urls.unwrap_or_default(), [QUEUE_URL]);
    Ok(())
}

// --- STS (AWS query) ---

pub(crate) fn sts_identity() -> Fault {
    Fault::xml(200, sts_identity_body())
}

pub(crate) fn sts_identity_body() -> String {
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/fault</Arn><UserId>AIDAFAULT</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>sts-ok</RequestId></ResponseMetadata></GetCallerIdentityResponse>".to_owned()
}

/// An STS error in the query protocol's `<ErrorResponse>`.
pub(crate) fn sts_error(status: u16, code: &str, message: &str) -> Fault {
    Fault::xml(
        status,
        format!("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>sts-err</RequestId></ErrorResponse>"),
    )
}

/// `GetCallerIdentity`, checked against [`sts_identity`].
pub(crate) async fn identity(
    sts: &StsClient,
) -> Result<(), OperationError<GetCallerIdentityError>> {
    let out = sts.get_caller_identity().send().await?;
    assert_eq!(out.account.as_deref(), Some("123456789012"), "{out:?}");
    Ok(())
}

// --- S3 (REST-XML) ---

pub(crate) fn s3_listing() -> Fault {
    Fault::xml(200, s3_listing_body()).header("content-type", "application/xml")
}

pub(crate) fn s3_listing_body() -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>{BUCKET}</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>report.csv</Key><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>")
}

/// An S3 `<Error>` document.
pub(crate) fn s3_error(status: u16, code: &str, message: &str) -> Fault {
    Fault::xml(status, s3_error_body(code, message)).header("content-type", "application/xml")
}

pub(crate) fn s3_error_body(code: &str, message: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>s3-err</RequestId><HostId>h</HostId></Error>")
}

pub(crate) fn s3_copied() -> Fault {
    Fault::xml(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>\"9b2cf535f27731c974343645a3985328\"</ETag></CopyObjectResult>")
}

/// `CompleteMultipartUpload` succeeding as S3 sends it: the 200 head at once, whitespace
/// while it assembles the parts, then the result.
pub(crate) fn s3_completed() -> Fault {
    Fault::xml(200, format!("{}{}", " \n".repeat(8), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult><Location>https://fault-bucket.s3.amazonaws.com/big</Location><Bucket>fault-bucket</Bucket><Key>big</Key><ETag>\"3858f62230ac3c915f300c664312c11f-2\"</ETag></CompleteMultipartUploadResult>"))
}

/// A 200 whose body is an S3 `<Error>`, after S3's whitespace.
pub(crate) fn s3_error_in_200(code: &str) -> Fault {
    Fault::xml(
        200,
        format!("{}{}", " \n".repeat(8), s3_error_body(code, "inside a 200")),
    )
}

/// `ListObjectsV2`, checked against [`s3_listing`].
pub(crate) async fn list(s3: &S3Client) -> Result<(), OperationError<ListObjectsV2Error>> {
    let out = s3.list_objects_v2().bucket(BUCKET).send().await?;
    let keys: Vec<_> = out
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(keys, ["report.csv"]);
    Ok(())
}

/// `CompleteMultipartUpload` of two parts (its effect must happen once).
pub(crate) async fn complete(
    s3: &S3Client,
) -> Result<(), OperationError<CompleteMultipartUploadError>> {
    let parts = (1..=2)
        .map(|n| CompletedPart {
            part_number: Some(n),
            e_tag: Some(format!("\"etag-{n}\"")),
            ..Default::default()
        })
        .collect();
    let out = s3
        .complete_multipart_upload()
        .bucket(BUCKET)
        .key("big")
        .upload_id("upload-1")
        .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
        .send()
        .await?;
    assert_eq!(out.key.as_deref(), Some("big"), "{out:?}");
    Ok(())
}

/// `CopyObject` (its effect must happen once).
pub(crate) async fn copy(s3: &S3Client) -> Result<(), OperationError<CopyObjectError>> {
    let out = s3
        .copy_object()
        .bucket(BUCKET)
        .key("copy")
        .copy_source(format!("{BUCKET}/report.csv"))
        .send()
        .await?;
    assert!(out.copy_object_result.is_some(), "{out:?}");
    Ok(())
}
