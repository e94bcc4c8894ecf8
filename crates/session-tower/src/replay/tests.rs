// In-process unit tests of recording and replaying: the inner HTTP client is a closure
// (tower's `service_fn`), no socket is opened. The real round trip against moto is
// crates/aws-session/tests/replay.rs.

use bytes::Bytes;
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

fn only(request: RecordedRequest) -> Replayer {
    Replayer::new(Recording {
        exchanges: vec![Exchange {
            request,
            response: RecordedResponse {
                status: 204,
                headers: vec![("x-amzn-requestid".into(), "r1".into())],
                body: Bytes::new(),
            },
        }],
    })
}

fn recorded(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> RecordedRequest {
    RecordedRequest {
        method: method.into(),
        uri: uri.into(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: Bytes::copy_from_slice(body.as_bytes()),
    }
}

async fn attempt(
    replayer: &Replayer,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(), String> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let req = builder.body(SdkBody::from(body.to_owned())).unwrap();
    replayer
        .clone()
        .oneshot(req)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn query_parameters_match_as_a_multiset_without_signatures() {
    let uri = "https://b.s3.amazonaws.com/k?a=1&a=2&list-type=2&X-Amz-Signature=%2A%2A%20redacted%20%2A%2A";
    let r = only(recorded("GET", uri, &[], ""));
    let e = attempt(&r, "GET", "http://other:1/k?a=2&list-type=2&a=3", &[], "").await;
    assert!(e
        .unwrap_err()
        .contains("query parameter \"a\" differs: expected \"1\", got \"3\""));
    let e = attempt(&r, "GET", "http://other:1/k?a=2&a=1", &[], "").await;
    assert!(e
        .unwrap_err()
        .contains("query parameter \"list-type\" missing"));
    let e = attempt(&r, "GET", "http://other:1/k2?a=2&a=1&list-type=2", &[], "").await;
    assert!(e.unwrap_err().contains("path differs"));
    let e = attempt(&r, "PUT", "http://other:1/k", &[], "").await;
    assert!(e
        .unwrap_err()
        .contains("method differs: expected GET, got PUT"));
    attempt(
        &r,
        "GET",
        "http://other:1/k?list-type=2&a=2&a=1&X-Amz-Signature=new&X-Amz-Date=now",
        &[],
        "",
    )
    .await
    .unwrap();
    r.assert_done().unwrap_err();
}

#[tokio::test]
async fn headers_are_compared_except_per_run_and_redacted_ones() {
    let headers = [
        ("content-type", "application/xml"),
        ("x-amz-meta-a", "1"),
        ("x-amz-checksum-crc32", "abc"),
        ("cookie", REDACTED),
        ("host", "127.0.0.1:5000"),
    ];
    let r = only(recorded("PUT", "/b/k", &headers, ""));
    let e = attempt(
        &r,
        "PUT",
        "/b/k",
        &[("content-type", "application/xml")],
        "",
    )
    .await;
    assert!(e.unwrap_err().contains("header \"x-amz-meta-a\" missing"));
    let e = attempt(
        &r,
        "PUT",
        "/b/k",
        &[
            ("content-type", "application/xml"),
            ("x-amz-meta-a", "1"),
            ("x-new", "v"),
        ],
        "",
    )
    .await;
    assert!(e.unwrap_err().contains("unexpected header \"x-new\""));
    let e = attempt(
        &r,
        "PUT",
        "/b/k",
        &[("content-type", "text/plain"), ("x-amz-meta-a", "1")],
        "",
    )
    .await;
    assert!(e.unwrap_err().contains("header \"content-type\" differs"));
    attempt(
        &r,
        "PUT",
        "/b/k",
        &[
            ("Content-Type", "application/xml"),
            ("x-amz-meta-a", "1"),
            ("x-amz-checksum-crc32", "other"),
            ("cookie", "c=other"),
            ("host", "127.0.0.1:1"),
            ("user-agent", "another version"),
        ],
        "",
    )
    .await
    .unwrap();
    // Used, but the failed attempts are still reported.
    assert_eq!(r.remaining(), 0);
    assert!(r.assert_done().unwrap_err().to_string().contains("x-new"));

    let r = only(recorded("GET", "/", &[("x-run", "1")], "")).ignore_header("X-Run");
    attempt(&r, "GET", "/", &[("x-run", "2")], "")
        .await
        .unwrap();
}

#[tokio::test]
async fn bodies_match_by_format_and_redacted_values_match_anything() {
    let json = [("content-type", "application/x-amz-json-1.1")];
    let r = only(recorded(
        "POST",
        "/",
        &json,
        r#"{"A": [1, {"B": "x"}], "Password": "** redacted **"}"#,
    ));
    let e = attempt(
        &r,
        "POST",
        "/",
        &json,
        r#"{"A": [1, {"B": "y"}], "Password": "p"}"#,
    )
    .await;
    assert!(e.unwrap_err().contains("body member \"A[1].B\" differs"));
    let e = attempt(&r, "POST", "/", &json, r#"{"A": [1], "Password": "p"}"#).await;
    assert!(e
        .unwrap_err()
        .contains("body member \"A\" has 1 items, expected 2"));
    let e = attempt(
        &r,
        "POST",
        "/",
        &json,
        r#"{"A": [1, {"B": "x"}], "Password": "p", "C": 1}"#,
    )
    .await;
    assert!(e.unwrap_err().contains("unexpected body member \"C\""));
    let e = attempt(&r, "POST", "/", &json, r#"{"A": [1, {"B": "x"}]}"#).await;
    assert!(e.unwrap_err().contains("body member \"Password\" missing"));
    let e = attempt(&r, "POST", "/", &json, "not json").await;
    assert!(e.unwrap_err().contains("expected JSON"));
    attempt(
        &r,
        "POST",
        "/",
        &json,
        r#"{"Password": "new", "A": [1, {"B": "x"}]}"#,
    )
    .await
    .unwrap();

    let form = [("content-type", "application/x-www-form-urlencoded")];
    let marker = "%2A%2A%20redacted%20%2A%2A";
    let r = only(recorded(
        "POST",
        "/",
        &form,
        &format!("Action=AssumeRole&RoleArn=a%3Ab&Token={marker}"),
    ));
    let e = attempt(
        &r,
        "POST",
        "/",
        &form,
        "Action=AssumeRole&RoleArn=a%3Ac&Token=x",
    )
    .await
    .unwrap_err();
    assert!(e.contains("expected POST / with Action=AssumeRole"), "{e}");
    assert!(
        e.contains("body parameter \"RoleArn\" differs: expected \"a:b\", got \"a:c\""),
        "{e}"
    );
    // A secret's value is never shown, even the caller's.
    let e = attempt(
        &r,
        "POST",
        "/",
        &form,
        "Action=AssumeRole&RoleArn=a%3Ab&Token=x&Token=LEAK",
    )
    .await
    .unwrap_err();
    assert!(e.contains("unexpected body parameter \"Token\""), "{e}");
    assert!(!e.contains("LEAK"), "{e}");
    attempt(
        &r,
        "POST",
        "/",
        &form,
        "Token=t&RoleArn=a:b&Action=AssumeRole",
    )
    .await
    .unwrap();

    let r = only(recorded(
        "PUT",
        "/k",
        &[],
        "<a><Token>** redacted **</Token><b>1</b></a>",
    ));
    let e = attempt(&r, "PUT", "/k", &[], "<a><Token>t</Token><b>2</b></a>")
        .await
        .unwrap_err();
    assert!(
        e.contains("body differs: expected 44 bytes, got 31 (first difference at byte 10)"),
        "{e}"
    );
    attempt(&r, "PUT", "/k", &[], "<a><Token>t</Token><b>1</b></a>")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_replayed_response_is_the_recorded_one() {
    let r = only(recorded("DELETE", "/q", &[], ""));
    let req = Request::builder()
        .method("DELETE")
        .uri("/q")
        .body(SdkBody::empty())
        .unwrap();
    let answer = r.clone().oneshot(req).await.unwrap();
    assert_eq!(answer.status(), 204);
    assert_eq!(answer.headers()["x-amzn-requestid"], "r1");
}

#[tokio::test]
async fn a_recording_built_badly_in_memory_fails_the_call_not_the_process() {
    let r = Replayer::new(Recording {
        exchanges: vec![Exchange {
            request: recorded("GET", "/", &[], ""),
            response: RecordedResponse {
                status: 200,
                headers: vec![("bad name".into(), "v".into())],
                body: Bytes::new(),
            },
        }],
    });
    let e = attempt(&r, "GET", "/", &[], "").await.unwrap_err();
    assert!(e.contains("invalid response header name"), "{e}");
}
