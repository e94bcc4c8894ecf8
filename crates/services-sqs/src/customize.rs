//! Hand-written checks on generated operations (session-codegen's `customize` hook): the
//! MD5 digests SQS returns for what it stored are compared with digests of what was sent
//! (`SendMessage`, `SendMessageBatch`) or of what came back (`ReceiveMessage`), as the AWS
//! SDKs do, so a message corrupted between the caller and the queue is an error rather
//! than silently different data.
//!
//! The digests (see "message metadata" in the SQS developer guide):
//! - a body's is the MD5 of its UTF-8 bytes, as 32 lowercase hex digits;
//! - a set of message attributes' is the MD5 of one buffer holding, for each attribute in
//!   ascending order of name: the name (4-byte big-endian length, then its UTF-8 bytes),
//!   the data type (length, bytes), one transport-type byte (1 for the `String` and
//!   `Number` data types and their custom forms such as `Number.float`, 2 for `Binary`),
//!   then the value (length, then the string's UTF-8 bytes or the raw binary bytes).
//!   Message system attributes (`AWSTraceHeader`) are digested the same way.
//!
//! A digest the service should have returned and did not (the body's; the attributes'
//! when attributes were sent or returned) counts as a mismatch, as in the AWS SDKs for
//! Java and Go. The system attributes' digest is the exception, checked only when present
//! (see `check_sent`). Attributes the documented algorithm does not cover (a data type
//! other than `String`, `Number` or `Binary`) are not checked rather than failed.
//!
//! A mismatch is a response error naming the operation, the message (and batch entry) and
//! the checksum; the body and attribute values never appear in it, since messages may
//! carry data that must not reach logs.

// The hook's signature is fixed by the generated `send()`, which returns this very
// `Result`: the error's size is the operation error's, not a choice made here.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use md5::{Digest as _, Md5};
use session_runtime::OperationError;
use session_tower::Error;

use crate::generated::operations::{ReceiveMessageError, SendMessageBatchError, SendMessageError};
use crate::generated::types::{
    MessageAttributeValue, MessageSystemAttributeNameForSends, MessageSystemAttributeValue,
    ReceiveMessageRequest, ReceiveMessageResult, SendMessageBatchRequest, SendMessageBatchResult,
    SendMessageRequest, SendMessageResult,
};

/// `SendMessage`: the body's digest, the message attributes' when any were sent, and the
/// system attributes' when any were sent and the service reports one.
pub(crate) fn send_message(
    input: &SendMessageRequest,
    output: SendMessageResult,
) -> Result<SendMessageResult, OperationError<SendMessageError>> {
    let sent = Sent {
        body: input.message_body.as_deref(),
        attributes: input.message_attributes.as_ref(),
        system_attributes: input.message_system_attributes.as_ref(),
    };
    let returned = Returned {
        body: output.md5_of_message_body.as_deref(),
        attributes: output.md5_of_message_attributes.as_deref(),
        system_attributes: output.md5_of_message_system_attributes.as_deref(),
    };
    let subject = Subject {
        operation: "SendMessage",
        entry: None,
        message_id: output.message_id.as_deref(),
    };
    check_sent(&subject, &sent, &returned).map_err(OperationError::stack)?;
    Ok(output)
}

/// `SendMessageBatch`: every successful entry against the entry sent under the same `Id`.
/// Failed entries carry no digests; the caller handles them from `Failed`.
pub(crate) fn send_message_batch(
    input: &SendMessageBatchRequest,
    output: SendMessageBatchResult,
) -> Result<SendMessageBatchResult, OperationError<SendMessageBatchError>> {
    let entries = input.entries.as_deref().unwrap_or_default();
    for done in output.successful.iter().flatten() {
        let id = done.id.as_deref().unwrap_or_default();
        let subject = Subject {
            operation: "SendMessageBatch",
            entry: Some(id),
            message_id: done.message_id.as_deref(),
        };
        // Ids are unique within a batch (the service rejects duplicates), so the first
        // match is the entry.
        let Some(entry) = entries.iter().find(|e| e.id.as_deref() == Some(id)) else {
            // A digest with nothing to compare it with: the answer is not about this
            // request, and nothing in it can be trusted to be what was sent.
            return Err(OperationError::stack(Error::response(format!(
                "SendMessageBatch: the response reports entry {id:?} as sent, but the \
                 request has no entry with that Id"
            ))));
        };
        let sent = Sent {
            body: entry.message_body.as_deref(),
            attributes: entry.message_attributes.as_ref(),
            system_attributes: entry.message_system_attributes.as_ref(),
        };
        let returned = Returned {
            body: done.md5_of_message_body.as_deref(),
            attributes: done.md5_of_message_attributes.as_deref(),
            system_attributes: done.md5_of_message_system_attributes.as_deref(),
        };
        check_sent(&subject, &sent, &returned).map_err(OperationError::stack)?;
    }
    Ok(output)
}

/// `ReceiveMessage`: each message's body against `MD5OfBody`, and its message attributes
/// (those returned, i.e. those asked for) against `MD5OfMessageAttributes`.
pub(crate) fn receive_message(
    _input: &ReceiveMessageRequest,
    output: ReceiveMessageResult,
) -> Result<ReceiveMessageResult, OperationError<ReceiveMessageError>> {
    for message in output.messages.iter().flatten() {
        let subject = Subject {
            operation: "ReceiveMessage",
            entry: None,
            message_id: message.message_id.as_deref(),
        };
        if let Some(body) = &message.body {
            compare(
                &subject,
                "MD5OfBody",
                &body_md5(body),
                message.md5_of_body.as_deref(),
            )
            .map_err(OperationError::stack)?;
        }
        // No attributes returned (none asked for, or the message has none): nothing to
        // digest, whatever MD5OfMessageAttributes says.
        if let Some(attributes) = message
            .message_attributes
            .as_ref()
            .filter(|a| !a.is_empty())
        {
            if let Some(ours) = message_attributes_md5(attributes) {
                compare(
                    &subject,
                    "MD5OfMessageAttributes",
                    &ours,
                    message.md5_of_message_attributes.as_deref(),
                )
                .map_err(OperationError::stack)?;
            }
        }
    }
    Ok(output)
}

/// What a message was sent with.
struct Sent<'a> {
    body: Option<&'a str>,
    attributes: Option<&'a HashMap<String, MessageAttributeValue>>,
    system_attributes:
        Option<&'a HashMap<MessageSystemAttributeNameForSends, MessageSystemAttributeValue>>,
}

/// The digests the service returned for it.
struct Returned<'a> {
    body: Option<&'a str>,
    attributes: Option<&'a str>,
    system_attributes: Option<&'a str>,
}

/// Which message a check is about, for the error.
struct Subject<'a> {
    operation: &'static str,
    entry: Option<&'a str>,
    message_id: Option<&'a str>,
}

fn check_sent(
    subject: &Subject<'_>,
    sent: &Sent<'_>,
    returned: &Returned<'_>,
) -> Result<(), Error> {
    // The body is required (checked before sending), so the service always digests one.
    if let Some(body) = sent.body {
        compare(subject, "MD5OfMessageBody", &body_md5(body), returned.body)?;
    }
    if let Some(attributes) = sent.attributes.filter(|a| !a.is_empty()) {
        if let Some(ours) = message_attributes_md5(attributes) {
            compare(
                subject,
                "MD5OfMessageAttributes",
                &ours,
                returned.attributes,
            )?;
        }
    }
    // Unlike the two above, this one is compared only when the service returns it: SQS
    // does, but emulators (moto among them) store system attributes without digesting
    // them, and a missing digest there says nothing about corruption.
    if let (Some(attributes), Some(theirs)) = (
        sent.system_attributes.filter(|a| !a.is_empty()),
        returned.system_attributes,
    ) {
        if let Some(ours) = system_attributes_md5(attributes) {
            compare(subject, "MD5OfMessageSystemAttributes", &ours, Some(theirs))?;
        }
    }
    Ok(())
}

/// `Ok` when the service's digest is the one computed here. Hex digits compare without
/// regard to case: the digest is a number, whatever case the service writes it in.
fn compare(
    subject: &Subject<'_>,
    checksum: &str,
    ours: &str,
    theirs: Option<&str>,
) -> Result<(), Error> {
    if theirs.is_some_and(|t| t.eq_ignore_ascii_case(ours)) {
        return Ok(());
    }
    let mut which = String::new();
    if let Some(entry) = subject.entry {
        which.push_str(&format!("entry {entry:?}, "));
    }
    match subject.message_id {
        Some(id) => which.push_str(&format!("message {id}")),
        None => which.push_str("a message without MessageId"),
    }
    let problem = match theirs {
        Some(t) => format!("is {t:?}, expected {ours:?}"),
        None => format!("is missing from the response, expected {ours:?}"),
    };
    Err(Error::response(format!(
        "{}: {which}: {checksum} {problem}; the message was altered in transit or the \
         response does not belong to the request",
        subject.operation
    )))
}

/// The hex MD5 of a message body.
fn body_md5(body: &str) -> Md5Hex {
    let digest = Md5::digest(body.as_bytes());
    let mut out = [0u8; 32];
    for (pair, b) in out.chunks_exact_mut(2).zip(digest.iter()) {
        pair[0] = HEX_DIGITS[usize::from(b >> 4)];
        pair[1] = HEX_DIGITS[usize::from(b & 0x0f)];
    }
    Md5Hex(out)
}

/// An MD5 digest in lowercase hex, on the stack (one per message sent or received).
struct Md5Hex([u8; 32]);

impl std::ops::Deref for Md5Hex {
    type Target = str;

    fn deref(&self) -> &str {
        // Only hex digits are written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// One attribute as the digest sees it.
struct AttributeRef<'a> {
    name: &'a str,
    data_type: Option<&'a str>,
    string_value: Option<&'a str>,
    binary_value: Option<&'a [u8]>,
}

/// The digest of message attributes, or `None` when one of them is outside what the
/// documented algorithm covers (an unknown data type, or a value missing for its type:
/// the service refuses such attributes on send, so they can only come from a service
/// newer than this code, and a false alarm would be worse than no check).
fn message_attributes_md5(attributes: &HashMap<String, MessageAttributeValue>) -> Option<String> {
    attributes_md5(attributes.iter().map(|(name, v)| AttributeRef {
        name,
        data_type: v.data_type.as_deref(),
        string_value: v.string_value.as_deref(),
        binary_value: v.binary_value.as_ref().map(|b| b.as_bytes()),
    }))
}

/// The digest of message system attributes: the same algorithm over their names.
fn system_attributes_md5(
    attributes: &HashMap<MessageSystemAttributeNameForSends, MessageSystemAttributeValue>,
) -> Option<String> {
    attributes_md5(attributes.iter().map(|(name, v)| AttributeRef {
        name: name.as_str(),
        data_type: v.data_type.as_deref(),
        string_value: v.string_value.as_deref(),
        binary_value: v.binary_value.as_ref().map(|b| b.as_bytes()),
    }))
}

/// The documented attribute digest (see the module docs).
fn attributes_md5<'a>(attributes: impl Iterator<Item = AttributeRef<'a>>) -> Option<String> {
    let mut attributes: Vec<AttributeRef<'a>> = attributes.collect();
    // Byte order of the UTF-8 names is code-point order, which is what the SDKs sort by
    // (attribute names are ASCII anyway).
    attributes.sort_unstable_by(|a, b| a.name.cmp(b.name));
    let mut md5 = Md5::new();
    for a in &attributes {
        let data_type = a.data_type?;
        // The transport type follows the data type's base, the part before any `.`
        // (`Number.float` travels as a string).
        let base = data_type
            .split_once('.')
            .map_or(data_type, |(base, _)| base);
        let (transport, value): (u8, &[u8]) = match base {
            "String" | "Number" => (1, a.string_value?.as_bytes()),
            "Binary" => (2, a.binary_value?),
            _ => return None,
        };
        length_prefixed(&mut md5, a.name.as_bytes())?;
        length_prefixed(&mut md5, data_type.as_bytes())?;
        md5.update([transport]);
        length_prefixed(&mut md5, value)?;
    }
    Some(hex(&md5.finalize()))
}

/// A 4-byte big-endian length, then the bytes; `None` past 4 GiB, which no SQS message
/// (at most 1 MiB) comes near.
fn length_prefixed(md5: &mut Md5, bytes: &[u8]) -> Option<()> {
    let len = u32::try_from(bytes.len()).ok()?;
    md5.update(len.to_be_bytes());
    md5.update(bytes);
    Some(())
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        s.push(char::from(HEX_DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use session_core::{Env, Session};
    use session_runtime::Blob;

    use super::*;
    use crate::generated::types::{SendMessageBatchRequestEntry, SendMessageBatchResultEntry};
    use crate::SqsClient;

    fn string(data_type: &str, value: &str) -> MessageAttributeValue {
        MessageAttributeValue {
            data_type: Some(data_type.to_owned()),
            string_value: Some(value.to_owned()),
            ..Default::default()
        }
    }

    fn binary(value: &[u8]) -> MessageAttributeValue {
        MessageAttributeValue {
            data_type: Some("Binary".to_owned()),
            binary_value: Some(Blob::from(value)),
            ..Default::default()
        }
    }

    /// The vector was assembled by hand from the documented layout, attributes in byte
    /// order of their names (`Count` < `city` < `raw`: upper case sorts first), each as
    /// name length + name, type length + type, transport byte, value length + value:
    ///
    /// ```text
    /// 00000005 "Count" 00000006 "Number" 01 00000002 "42"
    /// 00000004 "city"  00000006 "String" 01 00000007 5a c3 bc 72 69 63 68   ("Zürich")
    /// 00000003 "raw"   00000006 "Binary" 02 00000003 00 ff 10
    /// ```
    ///
    /// and digested with a plain MD5 tool over those bytes (Python's
    /// `hashlib.md5(bytes.fromhex("00000005436f756e74...00ff10")).hexdigest()`), not with
    /// any SDK's implementation.
    #[test]
    fn attribute_digest_matches_the_hand_assembled_vector() {
        let attributes = HashMap::from([
            ("raw".to_owned(), binary(&[0x00, 0xff, 0x10])),
            ("city".to_owned(), string("String", "Zürich")),
            ("Count".to_owned(), string("Number", "42")),
        ]);
        assert_eq!(
            message_attributes_md5(&attributes).as_deref(),
            Some("0cc3b85c3b0ab5ea14c099b0c9732b0e")
        );
    }

    /// A custom type keeps its full name in the digest and travels as a string:
    /// `00000004 "unit" 0000000b "String.unit" 01 00000002 "kg"`, digested as above.
    #[test]
    fn custom_data_types_are_digested_under_their_full_name() {
        let attributes = HashMap::from([("unit".to_owned(), string("String.unit", "kg"))]);
        assert_eq!(
            message_attributes_md5(&attributes).as_deref(),
            Some("aa174244461d5f1c5297ddf2c9c90421")
        );
    }

    #[test]
    fn attributes_outside_the_algorithm_are_not_checked() {
        let unknown = HashMap::from([("x".to_owned(), string("Decimal", "1"))]);
        assert_eq!(message_attributes_md5(&unknown), None);
        let no_value = HashMap::from([(
            "x".to_owned(),
            MessageAttributeValue {
                data_type: Some("String".to_owned()),
                ..Default::default()
            },
        )]);
        assert_eq!(message_attributes_md5(&no_value), None);
    }

    #[test]
    fn body_digest_is_lowercase_hex() {
        assert_eq!(&*body_md5("hello"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(&*body_md5(""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn system_attributes_use_the_same_digest() {
        let system = HashMap::from([(
            MessageSystemAttributeNameForSends::AwsTraceHeader,
            MessageSystemAttributeValue {
                data_type: Some("String".to_owned()),
                string_value: Some("Root=1".to_owned()),
                ..Default::default()
            },
        )]);
        let same = HashMap::from([("AWSTraceHeader".to_owned(), string("String", "Root=1"))]);
        assert_eq!(
            system_attributes_md5(&system),
            message_attributes_md5(&same)
        );
        assert!(system_attributes_md5(&system).is_some());
    }

    #[test]
    fn system_attribute_digest_is_checked_when_returned() {
        let input = SendMessageRequest {
            queue_url: Some(URL.to_owned()),
            message_body: Some("hello".to_owned()),
            message_system_attributes: Some(HashMap::from([(
                MessageSystemAttributeNameForSends::AwsTraceHeader,
                MessageSystemAttributeValue {
                    data_type: Some("String".to_owned()),
                    string_value: Some("Root=1".to_owned()),
                    ..Default::default()
                },
            )])),
            ..Default::default()
        };
        let output = |system: Option<&str>| SendMessageResult {
            message_id: Some("m-s".to_owned()),
            md5_of_message_body: Some(body_md5("hello").to_string()),
            md5_of_message_system_attributes: system.map(str::to_owned),
            ..Default::default()
        };
        // Absent (as from moto): not checked.
        assert!(send_message(&input, output(None)).is_ok());
        let good = system_attributes_md5(input.message_system_attributes.as_ref().unwrap());
        assert!(send_message(&input, output(good.as_deref())).is_ok());
        let e = send_message(&input, output(Some("0123456789abcdef0123456789abcdef"))).unwrap_err();
        let text = response_error(&e);
        assert!(
            text.contains("message m-s: MD5OfMessageSystemAttributes"),
            "{text}"
        );
        assert!(!text.contains("Root=1"), "{text}");
    }

    fn client(body: &'static str) -> SqsClient {
        let session = Session::builder()
            .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id("AKIDMD5TEST")
            .secret_access_key("md5-test-secret")
            .setting("max_attempts", "1")
            .build()
            .unwrap();
        SqsClient::builder(&session)
            .http_client(session_testkit::stubs::CannedHttp::ok(
                "application/x-amz-json-1.0",
                body,
            ))
            .build()
            .unwrap()
    }

    const URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/q";

    fn response_error<E: session_runtime::ModeledError>(e: &OperationError<E>) -> String {
        let stack = e
            .as_stack()
            .unwrap_or_else(|| panic!("not a stack error: {e:?}"));
        assert!(stack.is_response(), "{e:?}");
        e.to_string()
    }

    #[tokio::test]
    async fn send_message_accepts_matching_digests() {
        // "hello" and the hand-assembled attribute vector above.
        let sqs = client(
            r#"{"MessageId":"m-1","MD5OfMessageBody":"5D41402ABC4B2A76B9719D911017C592",
                "MD5OfMessageAttributes":"aa174244461d5f1c5297ddf2c9c90421"}"#,
        );
        let out = sqs
            .send_message()
            .queue_url(URL)
            .message_body("hello")
            .message_attributes(HashMap::from([(
                "unit".to_owned(),
                string("String.unit", "kg"),
            )]))
            .send()
            .await
            .unwrap();
        assert_eq!(out.message_id.as_deref(), Some("m-1"));
    }

    #[tokio::test]
    async fn send_message_with_a_wrong_body_digest_is_a_response_error() {
        let sqs =
            client(r#"{"MessageId":"m-1","MD5OfMessageBody":"00000000000000000000000000000000"}"#);
        let e = sqs
            .send_message()
            .queue_url(URL)
            .message_body("secret payload")
            .send()
            .await
            .unwrap_err();
        let text = response_error(&e);
        assert!(text.contains("SendMessage"), "{text}");
        assert!(text.contains("message m-1"), "{text}");
        assert!(text.contains("MD5OfMessageBody"), "{text}");
        assert!(!text.contains("secret payload"), "{text}");
    }

    #[tokio::test]
    async fn send_message_with_attributes_but_no_attribute_digest_is_an_error() {
        let sqs =
            client(r#"{"MessageId":"m-2","MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592"}"#);
        let e = sqs
            .send_message()
            .queue_url(URL)
            .message_body("hello")
            .message_attributes(HashMap::from([("n".to_owned(), string("Number", "1"))]))
            .send()
            .await
            .unwrap_err();
        let text = response_error(&e);
        assert!(text.contains("MD5OfMessageAttributes is missing"), "{text}");
    }

    #[tokio::test]
    async fn send_message_batch_checks_each_entry_by_id() {
        // Entry "b" answers with the digest of "hello" but was sent "bye".
        let sqs = client(
            r#"{"Successful":[
                {"Id":"a","MessageId":"m-a","MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592"},
                {"Id":"b","MessageId":"m-b","MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592"}
            ],"Failed":[]}"#,
        );
        let entry = |id: &str, body: &str| SendMessageBatchRequestEntry {
            id: Some(id.to_owned()),
            message_body: Some(body.to_owned()),
            ..Default::default()
        };
        let e = sqs
            .send_message_batch()
            .queue_url(URL)
            .entries(vec![entry("b", "bye"), entry("a", "hello")])
            .send()
            .await
            .unwrap_err();
        let text = response_error(&e);
        assert!(text.contains("SendMessageBatch"), "{text}");
        assert!(text.contains("entry \"b\", message m-b"), "{text}");
        assert!(text.contains("MD5OfMessageBody"), "{text}");
        assert!(!text.contains("bye"), "{text}");
    }

    #[test]
    fn send_message_batch_rejects_an_entry_it_did_not_send() {
        let input = SendMessageBatchRequest {
            entries: Some(vec![SendMessageBatchRequestEntry {
                id: Some("a".to_owned()),
                message_body: Some("hello".to_owned()),
                ..Default::default()
            }]),
            queue_url: Some(URL.to_owned()),
        };
        let output = SendMessageBatchResult {
            successful: Some(vec![SendMessageBatchResultEntry {
                id: Some("zz".to_owned()),
                message_id: Some("m".to_owned()),
                md5_of_message_body: Some(body_md5("hello").to_string()),
                ..Default::default()
            }]),
            failed: None,
        };
        let e = send_message_batch(&input, output).unwrap_err();
        assert!(e.to_string().contains("\"zz\""), "{e}");
    }

    #[tokio::test]
    async fn receive_message_checks_body_and_attribute_digests() {
        // Body "hello" with its digest; attributes {"unit": String.unit "kg"} with the
        // digest of something else.
        let sqs = client(
            r#"{"Messages":[
                {"MessageId":"ok","Body":"hello","MD5OfBody":"5d41402abc4b2a76b9719d911017c592"},
                {"MessageId":"bad-attrs","Body":"hello","MD5OfBody":"5d41402abc4b2a76b9719d911017c592",
                 "MessageAttributes":{"unit":{"DataType":"String.unit","StringValue":"kg"}},
                 "MD5OfMessageAttributes":"0cc3b85c3b0ab5ea14c099b0c9732b0e"}
            ]}"#,
        );
        let e = sqs
            .receive_message()
            .queue_url(URL)
            .send()
            .await
            .unwrap_err();
        let text = response_error(&e);
        assert!(text.contains("ReceiveMessage"), "{text}");
        assert!(text.contains("message bad-attrs"), "{text}");
        assert!(text.contains("MD5OfMessageAttributes"), "{text}");
        assert!(!text.contains("kg"), "{text}");
    }

    #[tokio::test]
    async fn receive_message_with_a_wrong_body_digest_is_an_error() {
        let sqs = client(
            r#"{"Messages":[{"MessageId":"m-9","Body":"hello","MD5OfBody":"d41d8cd98f00b204e9800998ecf8427e"}]}"#,
        );
        let e = sqs
            .receive_message()
            .queue_url(URL)
            .send()
            .await
            .unwrap_err();
        let text = response_error(&e);
        assert!(text.contains("message m-9: MD5OfBody"), "{text}");
    }

    #[tokio::test]
    async fn receive_message_accepts_matching_digests() {
        let sqs = client(
            r#"{"Messages":[{"MessageId":"m-1","Body":"hello","MD5OfBody":"5d41402abc4b2a76b9719d911017c592",
                "MessageAttributes":{"unit":{"DataType":"String.unit","StringValue":"kg"}},
                "MD5OfMessageAttributes":"aa174244461d5f1c5297ddf2c9c90421"}]}"#,
        );
        let out = sqs.receive_message().queue_url(URL).send().await.unwrap();
        assert_eq!(out.messages.unwrap().len(), 1);
    }
}
