//! The stack against a misbehaving server. The server here is an in-process STUB (a raw TCP
//! listener scripted per test), not a real service: it exists to produce throttling, hangs,
//! dropped connections and truncated or malformed bodies on demand.
//!
//! Every scenario runs twice (see [`on_both_paths!`]): through the engine's in-line attempt
//! (`inline`), and through the layered segment (`layered`), which a client takes as soon as
//! it has a layer inside the attempt — here an identity `layer_before_signing`, so that both
//! paths must behave the same.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{call, INFO};
use session_core::{Env, Session};
use session_tower::retry::RetryConfig;
use session_tower::{Client, ClientBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tower::layer::util::Identity;

/// What the stub answers on the n-th connection (empty: close without answering).
type Script = Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync>;

const OK: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: ok-1\r\ncontent-length: 13\r\nconnection: close\r\n\r\n{\"Done\":true}";
const THROTTLE: &str = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: th-1\r\ncontent-length: 76\r\nconnection: close\r\n\r\n{\"__type\":\"com.amazonaws.sqs#ThrottlingException\",\"message\":\"Rate exceeded\"}";

/// How the stub treats a request it read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Answers with the script's bytes at once.
    AtOnce,
    /// Never answers (holds the connection open until the test ends): a hung server.
    Never,
}

/// Starts the stub; returns its URL and a counter of connections seen.
async fn stub(script: Script, mode: Answer) -> (String, Arc<AtomicUsize>) {
    let (url, seen, _) = recording_stub(script, mode).await;
    (url, seen)
}

/// The requests a stub received, as text (one read each: the tests' requests are small).
type Requests = Arc<std::sync::Mutex<Vec<String>>>;

/// [`stub`], also keeping the requests it received.
async fn recording_stub(script: Script, mode: Answer) -> (String, Arc<AtomicUsize>, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let requests = Requests::default();
    let (count, record) = (seen.clone(), requests.clone());
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let n = count.fetch_add(1, Ordering::SeqCst);
            let answer = script(n);
            let record = record.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let read = sock.read(&mut buf).await.unwrap_or(0);
                record
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[..read]).into_owned());
                if mode == Answer::Never {
                    // Not a timer: the client's own time limits end the exchange.
                    std::future::pending::<()>().await;
                }
                let _ = sock.write_all(&answer).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (url, seen, requests)
}

fn session(url: &str) -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key("stub-secret-value")
        .setting("endpoint_url", url)
        .build()
        .unwrap()
}

/// Which of the engine's two attempt paths a client takes.
#[derive(Debug, Clone, Copy)]
enum Path {
    /// No layers inside the attempt: signing and the exchange run in line.
    Inline,
    /// An identity layer before signing: the attempt after the endpoint and credentials
    /// runs through the boxed segment `[before] → signing → [after] → exchange`.
    Layered,
}

impl Path {
    /// A builder of a client of `INFO` from `session` that takes this path.
    fn builder(self, session: &Session) -> ClientBuilder {
        let builder = Client::builder(session, &INFO);
        match self {
            Path::Inline => builder,
            Path::Layered => builder.layer_before_signing(Identity::new()),
        }
    }
}

/// Runs each named scenario (`async fn name(path: Path)`, or `sync fn` for a plain
/// `#[test]`) once per [`Path`], as the tests `name::inline` and `name::layered`.
macro_rules! on_both_paths {
    (async: $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn inline() {
                super::$name(super::Path::Inline).await;
            }
            #[tokio::test]
            async fn layered() {
                super::$name(super::Path::Layered).await;
            }
        }
    )*};
    (sync: $($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn inline() {
                super::$name(super::Path::Inline);
            }
            #[test]
            fn layered() {
                super::$name(super::Path::Layered);
            }
        }
    )*};
}

on_both_paths!(async:
    throttling_is_retried_then_succeeds,
    throttling_past_max_attempts_is_reported_as_throttling,
    hung_server_hits_the_attempt_timeout,
    operation_timeout_bounds_all_attempts,
    dropped_connections_are_retried_and_reported,
    truncated_and_malformed_bodies_are_errors,
    servers_that_close_every_connection_are_fine,
    regional_services_need_a_region,
    retried_operations_send_the_same_request_again,
);

on_both_paths!(sync:
    tracing_shows_operations_but_never_secrets,
    futures_made_outside_a_runtime_can_be_awaited_inside_one,
);

/// A client of the stub at `url` with `max` attempts and millisecond backoff, on `path`.
fn stub_client(path: Path, url: &str, max: u32) -> Client {
    path.builder(&session(url))
        .retry(fast_retries(max))
        .build()
        .unwrap()
}

fn fast_retries(max: u32) -> RetryConfig {
    RetryConfig::standard()
        .max_attempts(max)
        .initial_backoff(Duration::from_millis(1))
}

async fn throttling_is_retried_then_succeeds(path: Path) {
    let (url, seen) = stub(
        Arc::new(|n| if n < 2 { THROTTLE.into() } else { OK.into() }),
        Answer::AtOnce,
    )
    .await;
    let client = stub_client(path, &url, 3);
    assert_eq!(call(&client).await.unwrap()["Done"], true);
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}

async fn throttling_past_max_attempts_is_reported_as_throttling(path: Path) {
    let (url, seen) = stub(Arc::new(|_| THROTTLE.into()), Answer::AtOnce).await;
    let client = stub_client(path, &url, 2);
    let e = call(&client).await.unwrap_err();
    assert!(e.is_throttling(), "{e:?}");
    let s = e.service_error().unwrap();
    assert_eq!(
        (s.code(), s.message(), s.request_id()),
        (
            Some("ThrottlingException"),
            Some("Rate exceeded"),
            Some("th-1")
        )
    );
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

async fn hung_server_hits_the_attempt_timeout(path: Path) {
    let (url, seen) = stub(Arc::new(|_| OK.into()), Answer::Never).await;
    let client = path
        .builder(&session(&url))
        .retry(fast_retries(2))
        .attempt_timeout(Some(Duration::from_millis(150)))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = call(&client).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "a timed-out attempt is retried"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

async fn operation_timeout_bounds_all_attempts(path: Path) {
    let (url, _) = stub(Arc::new(|_| OK.into()), Answer::Never).await;
    let client = path
        .builder(&session(&url))
        .retry(fast_retries(10))
        .attempt_timeout(Some(Duration::from_millis(100)))
        .operation_timeout(Duration::from_millis(350))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = call(&client).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(started.elapsed() < Duration::from_millis(1500));
}

async fn dropped_connections_are_retried_and_reported(path: Path) {
    // Closes the first connection without answering, then answers.
    let (url, seen) = stub(
        Arc::new(|n| if n == 0 { Vec::new() } else { OK.into() }),
        Answer::AtOnce,
    )
    .await;
    let client = stub_client(path, &url, 3);
    assert_eq!(call(&client).await.unwrap()["Done"], true);
    assert_eq!(seen.load(Ordering::SeqCst), 2);

    let (url, _) = stub(Arc::new(|_| Vec::new()), Answer::AtOnce).await;
    let client = stub_client(path, &url, 2);
    let e = call(&client).await.unwrap_err();
    assert!(e.is_io() || e.is_connect(), "{e:?}");
}

async fn truncated_and_malformed_bodies_are_errors(path: Path) {
    let truncated = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"Done\":";
    let (url, _) = stub(Arc::new(move |_| truncated.into()), Answer::AtOnce).await;
    let client = stub_client(path, &url, 1);
    let e = call(&client).await.unwrap_err();
    assert!(e.is_io(), "{e:?}");

    let malformed = "HTTP/1.1 200 OK\r\ncontent-length: 8\r\nconnection: close\r\n\r\n{\"Done\":";
    let (url, _) = stub(Arc::new(move |_| malformed.into()), Answer::AtOnce).await;
    let client = stub_client(path, &url, 1);
    let e = call(&client).await.unwrap_err();
    assert!(e.is_response(), "{e:?}");

    let garbage = "this is not HTTP at all\r\n\r\n";
    let (url, _) = stub(Arc::new(move |_| garbage.into()), Answer::AtOnce).await;
    let client = stub_client(path, &url, 1);
    assert!(call(&client).await.is_err());
}

async fn servers_that_close_every_connection_are_fine(path: Path) {
    let (url, seen) = stub(Arc::new(|_| OK.into()), Answer::AtOnce).await;
    let client = stub_client(path, &url, 1);
    for _ in 0..50 {
        call(&client).await.unwrap();
    }
    assert_eq!(seen.load(Ordering::SeqCst), 50);
}

async fn regional_services_need_a_region(path: Path) {
    let s = Session::builder()
        .env(Env::from_vars([("X", "y")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .build()
        .unwrap();
    let e = path.builder(&s).build().unwrap_err();
    assert!(e.is_no_region(), "{e:?}");
    let e = path
        .builder(&session("http://127.0.0.1:1"))
        .region("us-east-1.evil.com")
        .build()
        .unwrap_err();
    assert!(e.is_build());
}

fn tracing_shows_operations_but_never_secrets(path: Path) {
    // tracing-core caches each callsite's interest process-wide. While only one dispatcher
    // is alive it computes that interest from whichever thread first reaches the callsite:
    // another test's thread, with no subscriber, would switch the stack's spans off for this
    // one too. A second live dispatcher makes it ask every live one, this test's included.
    let _second_dispatcher = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let capture = session_testkit::LogCapture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (url, _) = stub(
            Arc::new(|n| if n == 0 { THROTTLE.into() } else { OK.into() }),
            Answer::AtOnce,
        )
        .await;
        let s = Session::builder()
            .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id("AKIDEXAMPLE")
            .secret_access_key("stub-secret-value")
            .session_token("stub-session-token")
            .setting("endpoint_url", url.as_str())
            .build()
            .unwrap();
        let client = path.builder(&s).retry(fast_retries(2)).build().unwrap();
        call(&client).await.unwrap();
        tracing::info!(?client, session = ?s, "done");
    });
    let logged = capture.text();
    assert!(logged.contains("operation"), "{logged}");
    assert!(logged.contains("Ping"), "{logged}");
    assert!(logged.contains("retrying"), "{logged}");
    for secret in ["stub-secret-value", "stub-session-token", "Signature="] {
        assert!(!logged.contains(secret), "{secret} leaked: {logged}");
    }
}

/// `Client::send` makes its future at once; one made outside any runtime (where no timer can
/// be set) and awaited inside one later must work, timeouts included.
fn futures_made_outside_a_runtime_can_be_awaited_inside_one(path: Path) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (url, _) = rt.block_on(stub(Arc::new(|_| OK.into()), Answer::AtOnce));
    let client = path
        .builder(&session(&url))
        .operation_timeout(Duration::from_secs(5))
        .attempt_timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    let req = session_tower::protocol::rpc::json_request(
        session_tower::protocol::Protocol::AwsJson1_0,
        "Ping",
        "AmazonSQS.Ping",
        &serde_json::json!({}),
    )
    .unwrap();
    let sending = client.send(req);
    let resp = rt.block_on(sending).unwrap();
    assert_eq!(resp.status(), 200);
}

/// Generated operations rebuild their request for a retry instead of keeping a copy: the
/// retried request must be the same request again, with the same invocation id, the next
/// attempt number, the user agent, and a fresh signature.
async fn retried_operations_send_the_same_request_again(path: Path) {
    let (url, _, requests) = recording_stub(
        Arc::new(|n| if n == 0 { THROTTLE.into() } else { OK.into() }),
        Answer::AtOnce,
    )
    .await;
    let client = stub_client(path, &url, 3);
    // What the generated operations' call path does: a retry calls `build` again.
    let input = serde_json::json!({"QueueUrl": "q", "MessageBody": "same body"});
    let build = || {
        session_tower::protocol::rpc::json_request_bare(
            session_tower::protocol::Protocol::AwsJson1_0,
            "AmazonSQS.SendMessage",
            &input,
        )
    };
    let resp = client
        .send_rebuilding(
            &build,
            session_tower::client::OperationMeta::named("SendMessage"),
        )
        .await
        .unwrap();
    let out: serde_json::Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap()).unwrap();
    assert_eq!(out["Done"], true);
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 2);
    let header = |req: &str, name: &str| {
        req.lines()
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let body = |req: &str| req.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    let (first, second) = (&requests[0], &requests[1]);
    assert_eq!(header(first, "amz-sdk-request"), "attempt=1; max=3");
    assert_eq!(header(second, "amz-sdk-request"), "attempt=2; max=3");
    let id = header(first, "amz-sdk-invocation-id");
    assert_eq!(id.len(), 36);
    assert_eq!(header(second, "amz-sdk-invocation-id"), id);
    for name in [
        "user-agent",
        "x-amz-target",
        "content-type",
        "content-length",
        "host",
    ] {
        assert!(!header(second, name).is_empty(), "{name} missing: {second}");
        assert_eq!(header(first, name), header(second, name), "{name}");
    }
    assert!(header(second, "authorization").starts_with("AWS4-HMAC-SHA256 "));
    assert_eq!(body(first), body(second));
    assert!(body(second).contains("same body"), "{second}");
}
