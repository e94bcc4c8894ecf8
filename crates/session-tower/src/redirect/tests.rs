use http::HeaderMap;

use super::*;
use crate::protocol::Protocol;

/// An S3 error answer as the response stage parses it.
fn answer(status: u16, headers: &[(&'static str, &'static str)], body: &str) -> ServiceError {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, http::HeaderValue::from_static(value));
    }
    Protocol::RestXml.parse_error(status, &map, body.as_bytes())
}

fn s3_error(code: &str, extra: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>m</Message>{extra}<RequestId>r</RequestId></Error>")
}

const HEADER: (&str, &str) = ("x-amz-bucket-region", "eu-west-1");

#[test]
fn redirects_name_the_bucket_region_from_the_header() {
    for (status, code) in [
        (301, "PermanentRedirect"),
        (307, "TemporaryRedirect"),
        (302, "Found"),
        (400, "AuthorizationHeaderMalformed"),
    ] {
        let e = answer(status, &[HEADER], &s3_error(code, ""));
        assert_eq!(bucket_region(&e).as_deref(), Some("eu-west-1"), "{status}");
    }
    // HEAD answers have no body: the status and the header say it all.
    for status in [301, 400] {
        let e = answer(status, &[HEADER], "");
        assert_eq!(bucket_region(&e).as_deref(), Some("eu-west-1"), "{status}");
    }
}

#[test]
fn the_body_names_the_region_when_the_header_does_not() {
    let body = s3_error(
        "AuthorizationHeaderMalformed",
        "<Region>ap-southeast-2</Region>",
    );
    let e = answer(400, &[], &body);
    assert_eq!(bucket_region(&e).as_deref(), Some("ap-southeast-2"));
    // The header wins over the body.
    let e = answer(400, &[HEADER], &body);
    assert_eq!(bucket_region(&e).as_deref(), Some("eu-west-1"));
}

#[test]
fn other_errors_are_not_redirects() {
    // S3 sends the header on many answers; only a redirect means "go there".
    for (status, code) in [
        (403, "AccessDenied"),
        (404, "NoSuchBucket"),
        (400, "InvalidArgument"),
        (500, "InternalError"),
    ] {
        let e = answer(status, &[HEADER], &s3_error(code, ""));
        assert_eq!(bucket_region(&e), None, "{code}");
    }
    // A redirect that does not say where to: nothing known.
    let e = answer(301, &[], &s3_error("PermanentRedirect", ""));
    assert_eq!(bucket_region(&e), None);
    let e = answer(301, &[("x-amz-bucket-region", " ")], "");
    assert_eq!(bucket_region(&e), None);
}

#[test]
fn a_note_shows_in_the_error_text() {
    let mut e = answer(301, &[HEADER], "");
    e.note = Some("the bucket is in region eu-west-1".into());
    let text = Error::service(e).to_string();
    assert!(
        text.ends_with("HTTP 301 PermanentRedirect; the bucket is in region eu-west-1"),
        "{text}"
    );
}
