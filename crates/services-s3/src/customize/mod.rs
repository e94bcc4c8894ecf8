//! Hand-written steps after generated operations (session-codegen's `customize` hook).
//!
//! **`encoding-type=url` in listings.** XML 1.0 cannot carry every character an object key
//! may hold (most control characters), so listings accept `encoding-type=url`, and a
//! response that says `<EncodingType>url</EncodingType>` holds its keys and key-like
//! members URL-encoded. The caller wants the keys themselves (to pass back as `Key`,
//! `Marker`, `StartAfter`, ...), so the listing operations decode them here, as the AWS
//! SDKs for Java and Python do. What is decoded, per the S3 API reference for each
//! operation:
//!
//! | operation | members |
//! |---|---|
//! | `ListObjects` | `Delimiter`, `Marker`, `NextMarker`, `Prefix`, `Contents[].Key`, `CommonPrefixes[].Prefix` |
//! | `ListObjectsV2` | `Delimiter`, `Prefix`, `StartAfter`, `Contents[].Key`, `CommonPrefixes[].Prefix` |
//! | `ListObjectVersions` | `Delimiter`, `KeyMarker`, `NextKeyMarker`, `Prefix`, `Versions[].Key`, `DeleteMarkers[].Key`, `CommonPrefixes[].Prefix` |
//! | `ListMultipartUploads` | `Delimiter`, `KeyMarker`, `NextKeyMarker`, `Prefix`, `Uploads[].Key`, `CommonPrefixes[].Prefix` |
//!
//! Continuation tokens, version ids and upload ids are opaque and never encoded.
//!
//! The encoding is the form encoding: `%XX` for a byte, and `+` for a space — S3 writes
//! a space in a key as `+` and a literal `+` as `%2B`, and both SDKs decode `+` as a space
//! (Python's `unquote_plus`, Java's `URLDecoder`). Decoding `+` as a space is also right
//! for a server that writes a space as `%20`, provided it escapes a literal `+`, which any
//! server must for its encoding to be reversible. A malformed escape, or bytes that are
//! not UTF-8 once decoded, is a response error: a key cannot be guessed.

// The hook's signature is fixed by the generated `send()`, which returns this very
// `Result`: the error's size is the operation error's, not a choice made here.
#![allow(clippy::result_large_err)]

mod presign;

use std::fmt;

use session_runtime::OperationError;
use session_tower::Error;

use crate::generated::operations::{
    ListMultipartUploadsError, ListObjectVersionsError, ListObjectsError, ListObjectsV2Error,
};
use crate::generated::types::{
    CommonPrefix, EncodingType, ListMultipartUploadsOutput, ListMultipartUploadsRequest,
    ListObjectVersionsOutput, ListObjectVersionsRequest, ListObjectsOutput, ListObjectsRequest,
    ListObjectsV2Output, ListObjectsV2Request,
};

/// `ListObjects`: decodes the listing when the response says it is URL-encoded.
pub(crate) fn list_objects(
    _input: &ListObjectsRequest,
    mut output: ListObjectsOutput,
) -> Result<ListObjectsOutput, OperationError<ListObjectsError>> {
    if is_url(output.encoding_type.as_ref()) {
        let d = Decoder("ListObjects");
        d.member("Delimiter", &mut output.delimiter)?;
        d.member("Marker", &mut output.marker)?;
        d.member("NextMarker", &mut output.next_marker)?;
        d.member("Prefix", &mut output.prefix)?;
        for (i, o) in output.contents.iter_mut().flatten().enumerate() {
            d.member(format_args!("Contents[{i}].Key"), &mut o.key)?;
        }
        d.common_prefixes(output.common_prefixes.as_deref_mut())?;
    }
    Ok(output)
}

/// `ListObjectsV2`: decodes the listing when the response says it is URL-encoded.
pub(crate) fn list_objects_v2(
    _input: &ListObjectsV2Request,
    mut output: ListObjectsV2Output,
) -> Result<ListObjectsV2Output, OperationError<ListObjectsV2Error>> {
    if is_url(output.encoding_type.as_ref()) {
        let d = Decoder("ListObjectsV2");
        d.member("Delimiter", &mut output.delimiter)?;
        d.member("Prefix", &mut output.prefix)?;
        d.member("StartAfter", &mut output.start_after)?;
        for (i, o) in output.contents.iter_mut().flatten().enumerate() {
            d.member(format_args!("Contents[{i}].Key"), &mut o.key)?;
        }
        d.common_prefixes(output.common_prefixes.as_deref_mut())?;
    }
    Ok(output)
}

/// `ListObjectVersions`: decodes the listing when the response says it is URL-encoded.
pub(crate) fn list_object_versions(
    _input: &ListObjectVersionsRequest,
    mut output: ListObjectVersionsOutput,
) -> Result<ListObjectVersionsOutput, OperationError<ListObjectVersionsError>> {
    if is_url(output.encoding_type.as_ref()) {
        let d = Decoder("ListObjectVersions");
        d.member("Delimiter", &mut output.delimiter)?;
        d.member("KeyMarker", &mut output.key_marker)?;
        d.member("NextKeyMarker", &mut output.next_key_marker)?;
        d.member("Prefix", &mut output.prefix)?;
        for (i, v) in output.versions.iter_mut().flatten().enumerate() {
            d.member(format_args!("Versions[{i}].Key"), &mut v.key)?;
        }
        for (i, m) in output.delete_markers.iter_mut().flatten().enumerate() {
            d.member(format_args!("DeleteMarkers[{i}].Key"), &mut m.key)?;
        }
        d.common_prefixes(output.common_prefixes.as_deref_mut())?;
    }
    Ok(output)
}

/// `ListMultipartUploads`: decodes the listing when the response says it is URL-encoded.
pub(crate) fn list_multipart_uploads(
    _input: &ListMultipartUploadsRequest,
    mut output: ListMultipartUploadsOutput,
) -> Result<ListMultipartUploadsOutput, OperationError<ListMultipartUploadsError>> {
    if is_url(output.encoding_type.as_ref()) {
        let d = Decoder("ListMultipartUploads");
        d.member("Delimiter", &mut output.delimiter)?;
        d.member("KeyMarker", &mut output.key_marker)?;
        d.member("NextKeyMarker", &mut output.next_key_marker)?;
        d.member("Prefix", &mut output.prefix)?;
        for (i, u) in output.uploads.iter_mut().flatten().enumerate() {
            d.member(format_args!("Uploads[{i}].Key"), &mut u.key)?;
        }
        d.common_prefixes(output.common_prefixes.as_deref_mut())?;
    }
    Ok(output)
}

/// The response says its keys are URL-encoded. Only `url` is defined; any other value
/// (one this code does not know) leaves the listing as it came rather than guessing.
fn is_url(encoding: Option<&EncodingType>) -> bool {
    matches!(encoding, Some(EncodingType::Url))
}

/// Decodes the members of one operation's response, naming it in errors.
struct Decoder(&'static str);

impl Decoder {
    /// Decodes `value` in place; `member` names it in the error.
    fn member(&self, member: impl fmt::Display, value: &mut Option<String>) -> Result<(), Error> {
        let Some(v) = value.as_mut() else {
            return Ok(());
        };
        match url_decode(v) {
            Ok(None) => Ok(()),
            Ok(Some(decoded)) => {
                *v = decoded;
                Ok(())
            }
            Err(why) => Err(Error::response(format!(
                "{}: {member} is not valid URL encoding, though the response says \
                 EncodingType is url: {why}",
                self.0
            ))),
        }
    }

    fn common_prefixes(&self, prefixes: Option<&mut [CommonPrefix]>) -> Result<(), Error> {
        for (i, p) in prefixes.unwrap_or_default().iter_mut().enumerate() {
            self.member(format_args!("CommonPrefixes[{i}].Prefix"), &mut p.prefix)?;
        }
        Ok(())
    }
}

/// Decodes form-encoded text: `%XX` is the byte `XX` (hex, either case), `+` a space,
/// anything else itself. `Ok(None)` when there is nothing to decode (most keys), so the
/// common case allocates nothing.
///
/// # Errors
/// A `%` not followed by two hex digits, or a result that is not UTF-8; the message shows
/// the offending escape and its byte offset, not the whole value.
fn url_decode(s: &str) -> Result<Option<String>, String> {
    if !s.bytes().any(|b| b == b'%' || b == b'+') {
        return Ok(None);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let escape = bytes.get(i + 1..i + 3);
                let byte = escape.and_then(|h| Some((hex_digit(h[0])? << 4) | hex_digit(h[1])?));
                let Some(byte) = byte else {
                    // Show at most the `%` and the two bytes after it, cut at a character
                    // boundary.
                    let shown: String = s[i..].chars().take(3).collect();
                    return Err(format!("{shown:?} at byte {i} is not a %XX escape"));
                };
                out.push(byte);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map(Some).map_err(|e| {
        format!(
            "the decoded bytes are not UTF-8 (at decoded byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {

    use session_core::{Env, Session};

    use super::*;
    use crate::S3Client;

    #[test]
    fn decodes_escapes_and_plus() {
        let d = |s: &str| url_decode(s).unwrap();
        assert_eq!(d("plain/key.txt"), None);
        assert_eq!(d("a+b.txt").as_deref(), Some("a b.txt"));
        assert_eq!(d("a%2Bb.txt").as_deref(), Some("a+b.txt"));
        assert_eq!(d("100%25.csv").as_deref(), Some("100%.csv"));
        assert_eq!(d("a%20b").as_deref(), Some("a b"));
        assert_eq!(
            d("%ED%95%9C%ea%b8%80/x").as_deref(),
            Some("\u{d55c}\u{ae00}/x")
        );
        // A control character XML 1.0 cannot carry: the reason the encoding exists.
        assert_eq!(d("bell%07").as_deref(), Some("bell\u{7}"));
        // Characters S3 leaves as they are pass through.
        assert_eq!(d("caf\u{e9}+%C3%A9").as_deref(), Some("caf\u{e9} \u{e9}"));
    }

    #[test]
    fn rejects_malformed_escapes_and_non_utf8() {
        for bad in ["abc%", "abc%2", "abc%zz", "%g0", "x%\u{e9}\u{e9}"] {
            let e = url_decode(bad).unwrap_err();
            assert!(e.contains("is not a %XX escape"), "{bad}: {e}");
        }
        let e = url_decode("abc%2").unwrap_err();
        assert!(e.contains("\"%2\" at byte 3"), "{e}");
        let e = url_decode("ok%FF").unwrap_err();
        assert!(e.contains("not UTF-8"), "{e}");
    }

    fn client(body: &'static str) -> S3Client {
        let session = Session::builder()
            .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id("AKIDLISTINGTEST")
            .secret_access_key("listing-test-secret")
            .setting("max_attempts", "1")
            .build()
            .unwrap();
        S3Client::builder(&session)
            .http_client(session_testkit::stubs::CannedHttp::ok(
                "application/xml",
                body,
            ))
            .build()
            .unwrap()
    }

    const V2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>run+books%2F</Prefix><StartAfter>a%2Bb.txt</StartAfter>
  <Delimiter>%2F</Delimiter><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>
  <KeyCount>3</KeyCount><IsTruncated>true</IsTruncated>
  <NextContinuationToken>1a%2B+opaque</NextContinuationToken>
  <Contents><Key>a+b.txt</Key><Size>1</Size></Contents>
  <Contents><Key>a%2Bb.txt</Key><Size>2</Size></Contents>
  <Contents><Key>100%25.csv</Key><Size>3</Size></Contents>
  <CommonPrefixes><Prefix>run+books/</Prefix></CommonPrefixes>
  <CommonPrefixes><Prefix>%ED%95%9C%EA%B8%80/</Prefix></CommonPrefixes>
</ListBucketResult>"#;

    #[tokio::test]
    async fn list_objects_v2_decodes_keys_prefixes_and_markers() {
        let out = client(V2)
            .list_objects_v2()
            .bucket("b")
            .encoding_type(EncodingType::Url)
            .send()
            .await
            .unwrap();
        let keys: Vec<_> = out
            .contents
            .unwrap()
            .into_iter()
            .map(|o| o.key.unwrap())
            .collect();
        assert_eq!(keys, ["a b.txt", "a+b.txt", "100%.csv"]);
        let prefixes: Vec<_> = out
            .common_prefixes
            .unwrap()
            .into_iter()
            .map(|p| p.prefix.unwrap())
            .collect();
        assert_eq!(prefixes, ["run books/", "\u{d55c}\u{ae00}/"]);
        assert_eq!(out.prefix.as_deref(), Some("run books/"));
        assert_eq!(out.start_after.as_deref(), Some("a+b.txt"));
        assert_eq!(out.delimiter.as_deref(), Some("/"));
        // Opaque: passed back as it came.
        assert_eq!(out.next_continuation_token.as_deref(), Some("1a%2B+opaque"));
    }

    #[tokio::test]
    async fn without_encoding_type_nothing_is_decoded() {
        // The same keys, but the response does not say they are encoded: a `+` or `%25`
        // is then part of the key.
        let body: &'static str = Box::leak(
            V2.replace("<EncodingType>url</EncodingType>", "")
                .into_boxed_str(),
        );
        let out = client(body)
            .list_objects_v2()
            .bucket("b")
            .send()
            .await
            .unwrap();
        let contents = out.contents.unwrap();
        assert_eq!(contents[0].key.as_deref(), Some("a+b.txt"));
        assert_eq!(contents[2].key.as_deref(), Some("100%25.csv"));
        assert_eq!(out.prefix.as_deref(), Some("run+books%2F"));
    }

    #[tokio::test]
    async fn list_objects_decodes_markers() {
        let out = client(
            r#"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>p%2F</Prefix><Marker>m+1</Marker><NextMarker>n%3F2</NextMarker>
  <Delimiter>%2F</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
  <Contents><Key>p/%E2%9C%93+done</Key></Contents>
  <CommonPrefixes><Prefix>p/sub+dir/</Prefix></CommonPrefixes>
</ListBucketResult>"#,
        )
        .list_objects()
        .bucket("b")
        .encoding_type(EncodingType::Url)
        .send()
        .await
        .unwrap();
        assert_eq!(out.prefix.as_deref(), Some("p/"));
        assert_eq!(out.marker.as_deref(), Some("m 1"));
        assert_eq!(out.next_marker.as_deref(), Some("n?2"));
        assert_eq!(out.delimiter.as_deref(), Some("/"));
        assert_eq!(
            out.contents.unwrap()[0].key.as_deref(),
            Some("p/\u{2713} done")
        );
        assert_eq!(
            out.common_prefixes.unwrap()[0].prefix.as_deref(),
            Some("p/sub dir/")
        );
    }

    #[tokio::test]
    async fn list_object_versions_decodes_versions_and_delete_markers() {
        let out = client(
            r#"<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix></Prefix><KeyMarker>k+0</KeyMarker>
  <NextKeyMarker>k%2B9</NextKeyMarker><NextVersionIdMarker>v+1</NextVersionIdMarker>
  <EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
  <Version><Key>a+b</Key><VersionId>v+1</VersionId><IsLatest>true</IsLatest></Version>
  <DeleteMarker><Key>c%25d</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest></DeleteMarker>
  <CommonPrefixes><Prefix>e+f/</Prefix></CommonPrefixes>
</ListVersionsResult>"#,
        )
        .list_object_versions()
        .bucket("b")
        .encoding_type(EncodingType::Url)
        .send()
        .await
        .unwrap();
        assert_eq!(out.key_marker.as_deref(), Some("k 0"));
        assert_eq!(out.next_key_marker.as_deref(), Some("k+9"));
        // Version ids are opaque.
        assert_eq!(out.next_version_id_marker.as_deref(), Some("v+1"));
        let version = &out.versions.unwrap()[0];
        assert_eq!(version.key.as_deref(), Some("a b"));
        assert_eq!(version.version_id.as_deref(), Some("v+1"));
        assert_eq!(out.delete_markers.unwrap()[0].key.as_deref(), Some("c%d"));
        assert_eq!(
            out.common_prefixes.unwrap()[0].prefix.as_deref(),
            Some("e f/")
        );
    }

    #[tokio::test]
    async fn list_multipart_uploads_decodes_upload_keys() {
        let out = client(
            r#"<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>b</Bucket><KeyMarker>x+y</KeyMarker><UploadIdMarker>u+1</UploadIdMarker>
  <NextKeyMarker>big%20file</NextKeyMarker><Prefix>big</Prefix>
  <EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>
  <Upload><Key>big+file</Key><UploadId>u+1</UploadId></Upload>
</ListMultipartUploadsResult>"#,
        )
        .list_multipart_uploads()
        .bucket("b")
        .encoding_type(EncodingType::Url)
        .send()
        .await
        .unwrap();
        assert_eq!(out.key_marker.as_deref(), Some("x y"));
        assert_eq!(out.next_key_marker.as_deref(), Some("big file"));
        assert_eq!(out.prefix.as_deref(), Some("big"));
        assert_eq!(out.upload_id_marker.as_deref(), Some("u+1"));
        let upload = &out.uploads.unwrap()[0];
        assert_eq!(upload.key.as_deref(), Some("big file"));
        assert_eq!(upload.upload_id.as_deref(), Some("u+1"));
    }

    #[tokio::test]
    async fn a_malformed_escape_is_a_response_error_naming_the_member() {
        let e = client(
            r#"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>
  <Contents><Key>fine</Key></Contents>
  <Contents><Key>broken%zzkey</Key></Contents>
</ListBucketResult>"#,
        )
        .list_objects_v2()
        .bucket("b")
        .encoding_type(EncodingType::Url)
        .send()
        .await
        .unwrap_err();
        let stack = e.as_stack().unwrap_or_else(|| panic!("{e:?}"));
        assert!(stack.is_response(), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("ListObjectsV2"), "{text}");
        assert!(text.contains("Contents[1].Key"), "{text}");
        assert!(text.contains("\"%zz\" at byte 6"), "{text}");
    }
}
