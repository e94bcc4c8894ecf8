// In-process unit tests of the matching rules, through a replayer of one exchange built in
// memory: no socket is opened.

use bytes::Bytes;
use http::Request;
use tower::ServiceExt as _;

use super::super::*;
use crate::body::SdkBody;

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
    let uri =
        "https://b.s3.amazonaws.com/k?a=1&a=2&list-type=2&X-Amz-Signature=%2A%2Aredacted%2A%2A";
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
        r#"{"A": [1, {"B": "x"}], "Password": "**redacted**"}"#,
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
    let marker = "%2A%2Aredacted%2A%2A";
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
        "<a><Token>**redacted**</Token><b>1</b></a>",
    ));
    let e = attempt(&r, "PUT", "/k", &[], "<a><Token>t</Token><b>2</b></a>")
        .await
        .unwrap_err();
    assert!(
        e.contains("body differs: expected 42 bytes, got 31 (first difference at byte 10)"),
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

#[tokio::test]
async fn values_under_a_secret_member_are_never_shown() {
    let json = [("content-type", "application/json")];
    let r = only(recorded(
        "POST",
        "/",
        &json,
        r#"{"Password": {"Inner": "old"}}"#,
    ));
    let e = attempt(&r, "POST", "/", &json, r#"{"Password": {"Inner": "LEAK"}}"#)
        .await
        .unwrap_err();
    assert!(e.contains("body member \"Password.Inner\" differs"), "{e}");
    assert!(!e.contains("LEAK") && !e.contains("old"), "{e}");
}
