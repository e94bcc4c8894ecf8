//! The response stage of every attempt: turns non-2xx responses into
//! [`ServiceError`](crate::ServiceError)s.
//!
//! Successful responses pass through untouched and still streaming. An error response's body
//! is read (at most 1 MiB: an error body is small, and an endless one must not exhaust
//! memory) and parsed by the service's [`Protocol`]. Sitting inside the attempt timeout, a
//! slow error body counts against the attempt.

mod future;

use http::Response;

pub(crate) use future::{BodyPlan, Inspected};

use crate::body::SdkBody;
use crate::error::{Error, Kind};
use crate::protocol::Protocol;

/// Marks a request whose operation can fail with HTTP 200 and an `<Error>` body (S3's
/// CopyObject, CompleteMultipartUpload, UploadPartCopy): its success body is read and checked
/// before the response is returned. An empty body counts as a (retryable) `InternalError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorsOnSuccess;

/// Error bodies longer than this are cut off with a response error.
pub(crate) const MAX_ERROR_BODY: usize = 1 << 20;

/// Whether `resp` goes back to the caller as it is: a success, unless the operation can
/// hide an error in a 200 (`check_success`).
pub(crate) fn passes(resp: &Response<SdkBody>, check_success: bool) -> bool {
    resp.status().is_success() && !check_success
}

/// Reads a response that [`passes`] let through: an error status becomes a service error
/// parsed by `protocol`; a 200 that may hide an error is read, checked, and returned with
/// its body in memory.
pub(crate) async fn inspect(
    resp: Response<SdkBody>,
    protocol: Protocol,
) -> Result<Response<SdkBody>, Error> {
    let (parts, body) = resp.into_parts();
    let status = parts.status.as_u16();
    let bytes = body.collect_limited(MAX_ERROR_BODY).await;
    if !parts.status.is_success() {
        return Err(match bytes {
            Ok(bytes) => Error::service(protocol.parse_error(status, &parts.headers, &bytes)),
            Err(e) => Error::with(
                Kind::Io,
                format!("reading the body of an HTTP {status} error response"),
            )
            .source_from(e),
        });
    }
    let bytes =
        bytes.map_err(|e| Error::with(Kind::Io, "reading the response body").source_from(e))?;
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        let empty = crate::error::ServiceError::new(
            status,
            Some("InternalError".to_owned()),
            Some("empty response body".to_owned()),
            None,
        );
        return Err(Error::service(empty));
    }
    if crate::protocol::xml::root_is(trimmed, "Error") {
        return Err(Error::service(protocol.parse_error(
            status,
            &parts.headers,
            trimmed,
        )));
    }
    Ok(Response::from_parts(parts, SdkBody::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(check_success: bool, read_whole: bool) -> BodyPlan {
        BodyPlan {
            check_success,
            read_whole,
            activity: None,
            watch: crate::timeout::StreamWatch::default(),
        }
    }

    /// A response as a query-protocol service would send it, through the response stage.
    struct Answering {
        status: u16,
        body: &'static str,
    }

    fn answering(status: u16, body: &'static str) -> Answering {
        Answering { status, body }
    }

    impl Answering {
        async fn oneshot(self, check_success: bool) -> Result<Response<SdkBody>, Error> {
            let mut r = Response::new(SdkBody::from(self.body));
            *r.status_mut() = http::StatusCode::from_u16(self.status).unwrap();
            r.headers_mut()
                .insert("x-amzn-requestid", http::HeaderValue::from_static("req-9"));
            Inspected::new(
                std::future::ready(Ok(r)),
                Protocol::AwsQuery,
                plan(check_success, false),
            )
            .await
        }
    }

    #[tokio::test]
    async fn errors_inside_200_responses_are_found_when_asked() {
        let body = "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code><Message>try again</Message><RequestId>r2</RequestId></Error>";
        let e = answering(200, body).oneshot(true).await.unwrap_err();
        let s = e.service_error().unwrap();
        assert_eq!(
            (s.status(), s.code(), s.request_id()),
            (200, Some("InternalError"), Some("req-9"))
        );
        assert!(s.is_transient());

        let ok = answering(200, "<CopyObjectResult><ETag>x</ETag></CopyObjectResult>")
            .oneshot(true)
            .await
            .unwrap();
        assert_eq!(
            ok.into_body().collect().await.unwrap(),
            "<CopyObjectResult><ETag>x</ETag></CopyObjectResult>"
        );

        let e = answering(200, "").oneshot(true).await.unwrap_err();
        assert_eq!(e.service_error().unwrap().code(), Some("InternalError"));

        // Without the marker a 200 body is not inspected.
        let ok = answering(200, body).oneshot(false).await;
        assert!(ok.is_ok());
    }

    /// A 200 whose body arrives in frames, the last of which may be a stream error.
    fn framed(frames: Vec<Result<&'static str, &'static str>>) -> Response<SdkBody> {
        use http_body_util::StreamBody;
        let frames = frames.into_iter().map(|f| {
            f.map(|s| http_body::Frame::data(bytes::Bytes::from_static(s.as_bytes())))
                .map_err(|e| -> crate::body::BoxError { e.into() })
        });
        Response::new(SdkBody::from_stream(StreamBody::new(
            futures_util::stream::iter(frames),
        )))
    }

    #[tokio::test]
    async fn a_read_body_arrives_whole_in_memory_or_fails_the_attempt() {
        let whole = framed(vec![Ok("<a>"), Ok("1"), Ok("</a>")]);
        let ok = Inspected::new(
            std::future::ready(Ok(whole)),
            Protocol::AwsQuery,
            plan(false, true),
        )
        .await
        .unwrap();
        // In memory: the caller's read cannot fail any more.
        assert_eq!(ok.body().bytes(), Some(&b"<a>1</a>"[..]));

        let broken = framed(vec![Ok("<a>"), Err("connection reset")]);
        let e = Inspected::new(
            std::future::ready(Ok(broken)),
            Protocol::AwsQuery,
            plan(false, true),
        )
        .await
        .unwrap_err();
        assert!(e.is_io(), "{e:?}");

        // Without the flag the body streams on, unread.
        let streaming = framed(vec![Ok("<a>"), Err("connection reset")]);
        let ok = Inspected::new(
            std::future::ready(Ok(streaming)),
            Protocol::AwsQuery,
            plan(false, false),
        )
        .await
        .unwrap();
        assert_eq!(ok.body().bytes(), None);
    }

    #[tokio::test]
    async fn success_passes_and_errors_are_parsed() {
        let ok = answering(200, "<ok/>").oneshot(false).await.unwrap();
        assert_eq!(ok.into_body().collect().await.unwrap(), "<ok/>");
        let e = answering(400, "<ErrorResponse><Error><Code>InvalidAction</Code><Message>no</Message></Error></ErrorResponse>")
            .oneshot(false)
            .await
            .unwrap_err();
        let s = e.service_error().unwrap();
        assert_eq!(
            (s.status(), s.code(), s.message(), s.request_id()),
            (400, Some("InvalidAction"), Some("no"), Some("req-9"))
        );
    }
}
