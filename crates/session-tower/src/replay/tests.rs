// In-process unit tests of recording and replaying: the inner HTTP client is a closure
// (tower's `service_fn`), no socket is opened. The real round trip against moto is
// crates/aws-session/tests/replay.rs.

use http::{Request, Response};
use tower::ServiceExt as _;

use super::*;
use crate::body::SdkBody;

fn sqs_request(target: &str, body: &str) -> Request<SdkBody> {
    Request::builder()
        .method("POST")
        .uri("http://127.0.0.1:5000/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", target)
        .header("x-amz-date", "20260101T000000Z")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=SIG-SECRET",
        )
        .header("x-amz-security-token", "TOKEN-SECRET")
        .header("amz-sdk-invocation-id", fastrand::u64(..).to_string())
        .header("content-length", body.len().to_string())
        .body(SdkBody::from(body.to_owned()))
        .unwrap()
}

/// An inner client answering every request with JSON naming its target (and a secret),
/// or with a connection error for a target ending in `Fail`.
fn echo() -> impl tower::Service<
    Request<SdkBody>,
    Response = Response<SdkBody>,
    Error = crate::Error,
    Future = impl Send,
> + Clone
       + Send {
    tower::service_fn(|req: Request<SdkBody>| async move {
        let target = req
            .headers()
            .get("x-amz-target")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        if target.ends_with("Fail") {
            return Err(crate::Error::connect(std::io::Error::other("refused")));
        }
        let body = format!("{{\"Target\": \"{target}\", \"SessionToken\": \"ANSWER-SECRET\"}}");
        Ok(Response::builder()
            .status(200)
            .header("content-type", "application/x-amz-json-1.0")
            .header("content-length", body.len().to_string())
            .header("set-cookie", "a=COOKIE-SECRET")
            .body(SdkBody::from(body))
            .unwrap())
    })
}

async fn text(response: Response<SdkBody>) -> String {
    String::from_utf8(response.into_body().collect().await.unwrap().to_vec()).unwrap()
}

async fn recorded_pair() -> Recording {
    let recorder = Recorder::new(echo());
    let first = recorder
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.CreateQueue",
            r#"{"QueueName": "a"}"#,
        ))
        .await
        .unwrap();
    // The caller gets the answer as it came, secrets and all.
    assert!(text(first).await.contains("ANSWER-SECRET"));
    recorder
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.SendMessage",
            r#"{"QueueUrl": "http://q/a", "MessageBody": "hi"}"#,
        ))
        .await
        .unwrap();
    recorder.recording()
}

#[tokio::test]
async fn the_recorder_keeps_redacted_exchanges_in_order() {
    let recording = recorded_pair().await;
    assert_eq!(recording.len(), 2);
    let json = recording.to_json();
    for secret in [
        "SIG-SECRET",
        "TOKEN-SECRET",
        "ANSWER-SECRET",
        "COOKIE-SECRET",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    let response = &recording.exchanges[0].response;
    let length = response
        .headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .unwrap();
    assert_eq!(length.1, response.body.len().to_string());
    assert_eq!(
        recording.exchanges[1].request.body,
        r#"{"QueueUrl": "http://q/a", "MessageBody": "hi"}"#
    );
}

#[tokio::test]
async fn inner_errors_pass_through_unchanged_and_are_not_kept() {
    let recorder = Recorder::new(echo());
    let e = recorder
        .clone()
        .oneshot(sqs_request("AmazonSQS.Fail", "{}"))
        .await
        .unwrap_err();
    // The same error the client would classify without the recorder: retryable.
    let ours = crate::Error::from_outside(e, crate::timeout::Scope::Attempt);
    assert!(ours.is_connect(), "{ours:?}");
    assert!(recorder.recording().is_empty());
}

#[tokio::test]
async fn hooks_and_added_fields_run_before_keeping() {
    let recorder = Recorder::new(echo())
        .redact_field("MessageBody")
        .redact_with(|exchange| exchange.request.uri = "http://scrubbed/".into());
    recorder
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.SendMessage",
            r#"{"MessageBody": "private"}"#,
        ))
        .await
        .unwrap();
    let json = recorder.recording().to_json();
    assert!(!json.contains("private"), "{json}");
    assert!(json.contains("http://scrubbed/"), "{json}");
}

#[tokio::test]
async fn replay_answers_in_order_ignoring_per_run_headers() {
    let replayer = Replayer::new(recorded_pair().await);
    let answer = replayer
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.CreateQueue",
            r#"{ "QueueName" : "a" }"#,
        ))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(text(answer).await.contains("AmazonSQS.CreateQueue"));
    assert_eq!(replayer.remaining(), 1);
    assert!(replayer.assert_done().unwrap_err().is_unfinished());
    // Members in another order: JSON is compared parsed.
    replayer
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.SendMessage",
            r#"{"MessageBody": "hi", "QueueUrl": "http://q/a"}"#,
        ))
        .await
        .unwrap();
    replayer.assert_done().unwrap();

    let past = replayer
        .clone()
        .oneshot(sqs_request("AmazonSQS.ListQueues", "{}"))
        .await
        .unwrap_err();
    assert!(past.is_exhausted(), "{past}");
    assert_eq!(past.index(), Some(2));
    assert!(
        past.to_string()
            .contains("X-Amz-Target=AmazonSQS.ListQueues"),
        "{past}"
    );
    let done = replayer.assert_done().unwrap_err();
    assert!(done.to_string().contains("has only 2 exchanges"), "{done}");
}

#[tokio::test]
async fn a_mismatch_names_the_exchange_and_the_first_difference() {
    let replayer = Replayer::new(recorded_pair().await);
    replayer
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.CreateQueue",
            r#"{"QueueName": "a"}"#,
        ))
        .await
        .unwrap();
    let e = replayer
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.SendMessage",
            r#"{"QueueUrl": "http://q/other", "MessageBody": "hi"}"#,
        ))
        .await
        .unwrap_err();
    assert!(e.is_mismatch());
    assert_eq!(e.index(), Some(1));
    assert_eq!(
        e.to_string(),
        "replay: exchange 1 expected POST / with X-Amz-Target=AmazonSQS.SendMessage, got POST / \
         with X-Amz-Target=AmazonSQS.SendMessage: body member \"QueueUrl\" differs: expected \
         \"http://q/a\", got \"http://q/other\""
    );
    // Through a client: a layer error, which the standard classifier does not retry.
    let through = crate::Error::from_outside(Box::new(e), crate::timeout::Scope::Attempt);
    assert!(through.is_layer());
    use crate::retry::ClassifyRetry as _;
    assert_eq!(
        crate::retry::StandardClassifier.classify(&Err(through)),
        crate::retry::RetryAction::NoRetry
    );
    // The mismatched request used nothing: the right one still matches.
    replayer
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.SendMessage",
            r#"{"QueueUrl": "http://q/a", "MessageBody": "hi"}"#,
        ))
        .await
        .unwrap();
    let done = replayer.assert_done().unwrap_err();
    assert!(
        done.to_string()
            .contains("body member \"QueueUrl\" differs"),
        "{done}"
    );
}

#[tokio::test]
async fn any_order_takes_the_first_unused_match() {
    let replayer = Replayer::new(recorded_pair().await).any_order();
    let send = || {
        sqs_request(
            "AmazonSQS.SendMessage",
            r#"{"QueueUrl": "http://q/a", "MessageBody": "hi"}"#,
        )
    };
    replayer.clone().oneshot(send()).await.unwrap();
    let again = replayer.clone().oneshot(send()).await.unwrap_err();
    assert!(again.is_mismatch(), "{again}");
    assert!(
        again.to_string().contains("closest is exchange 0"),
        "{again}"
    );
    replayer
        .clone()
        .oneshot(sqs_request(
            "AmazonSQS.CreateQueue",
            r#"{"QueueName": "a"}"#,
        ))
        .await
        .unwrap();
    let none = replayer.clone().oneshot(send()).await.unwrap_err();
    assert!(none.is_exhausted(), "{none}");
}

#[tokio::test]
async fn a_streamed_request_body_is_recorded_and_still_sent() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let inner = {
        let seen = seen.clone();
        tower::service_fn(move |req: Request<SdkBody>| {
            let seen = seen.clone();
            async move {
                let body = req.into_body().collect().await?;
                seen.lock().unwrap().push(body);
                Ok::<_, crate::Error>(Response::new(SdkBody::from("done")))
            }
        })
    };
    let recorder = Recorder::new(inner);
    let stream = http_body_util::Full::new(bytes::Bytes::from_static(b"streamed bytes"));
    let req = Request::builder()
        .method("PUT")
        .uri("http://127.0.0.1:5000/b/k")
        .body(SdkBody::from_stream(stream))
        .unwrap();
    let answer = recorder.clone().oneshot(req).await.unwrap();
    assert_eq!(text(answer).await, "done");
    assert_eq!(seen.lock().unwrap()[0], "streamed bytes");
    let recording = recorder.recording();
    assert_eq!(recording.exchanges[0].request.body, "streamed bytes");
    assert_eq!(recording.exchanges[0].response.body, "done");
    recorder.clear();
    assert!(recorder.recording().is_empty());
}
