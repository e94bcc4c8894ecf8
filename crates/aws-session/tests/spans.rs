//! The spans of real calls against moto (signature checking on) carry OpenTelemetry's AWS
//! SDK fields, never a secret; and a call logs nothing at the default level.

#![allow(clippy::unwrap_used)]

use aws_session::s3::S3Client;
use aws_session::sqs::SqsClient;
use session_testkit::{LogCapture, Moto};
use tracing_subscriber::fmt::format::FmtSpan;

/// The line closing the operation span of `method`.
fn closing<'a>(text: &'a str, method: &str) -> &'a str {
    text.lines()
        .find(|l| {
            l.contains("operation{")
                && !l.contains("attempt{")
                && l.contains(" close ")
                && l.contains(&format!("rpc.method=\"{method}\""))
        })
        .unwrap_or_else(|| panic!("no {method} operation span closed in:\n{text}"))
}

/// Runs `calls` on a current-thread runtime with a subscriber writing to the capture.
fn captured<F, Fut>(level: tracing::Level, span_events: FmtSpan, calls: F) -> String
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let capture = LogCapture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(level)
        .with_span_events(span_events)
        .with_ansi(false)
        .finish();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || rt.block_on(calls()));
    capture.text()
}

#[test]
fn spans_follow_the_opentelemetry_aws_sdk_conventions() {
    let moto = Moto::start_with_auth().unwrap();
    let session = moto.session(None);
    let secret = moto.credentials().secret_access_key().to_owned();
    let text = captured(tracing::Level::DEBUG, FmtSpan::CLOSE, || async {
        let s3 = S3Client::new(&session).unwrap();
        s3.create_bucket()
            .bucket("spans-proof")
            .send()
            .await
            .unwrap();
        s3.put_object()
            .bucket("spans-proof")
            .key("a/key.txt")
            .body(b"x".to_vec())
            .send()
            .await
            .unwrap();
        let missing = s3
            .get_object()
            .bucket("spans-proof")
            .key("none")
            .send()
            .await;
        assert!(missing.is_err());
    });
    let put = closing(&text, "PutObject");
    for field in [
        "otel.name=S3.PutObject",
        "otel.kind=\"client\"",
        "rpc.system=\"aws-api\"",
        "rpc.service=\"S3\"",
        "aws.s3.bucket=\"spans-proof\"",
        "aws.s3.key=\"a/key.txt\"",
        "http.response.status_code=200",
        "aws.request_id=",
    ] {
        assert!(put.contains(field), "{field} missing from {put}");
    }
    // The attempt span, inside the operation's, numbered.
    assert!(
        text.lines()
            .any(|l| l.contains("attempt{attempt=1 http.request.resend_count=0")),
        "{text}"
    );
    // A failed call: the service's error code as error.type, an error status.
    let get = closing(&text, "GetObject");
    for field in [
        "error.type=\"NoSuchKey\"",
        "otel.status_code=\"ERROR\"",
        "http.response.status_code=404",
    ] {
        assert!(get.contains(field), "{field} missing from {get}");
    }
    assert!(
        !text.contains(&secret),
        "the secret key leaked into the spans"
    );
    assert!(
        !text.contains("Signature="),
        "a signature leaked into the spans"
    );
}

#[test]
fn calls_log_nothing_at_the_default_level() {
    let moto = Moto::start_with_auth().unwrap();
    let session = moto.session(None);
    let text = captured(tracing::Level::INFO, FmtSpan::NONE, || async {
        let sqs = SqsClient::new(&session).unwrap();
        let url = sqs
            .create_queue()
            .queue_name("quiet")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        for _ in 0..5 {
            sqs.send_message()
                .queue_url(&url)
                .message_body("hello")
                .send()
                .await
                .unwrap();
        }
    });
    assert_eq!(text, "", "calls logged at INFO");
}
