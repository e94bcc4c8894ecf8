//! Hedged requests through the whole stack, against an in-process STUB server (raw TCP,
//! HTTP/1.1 keep-alive): no installable server answers late on demand, and these tests
//! need a first byte or a body that arrives late, on the request they choose. The stub
//! also notices a client closing a connection while it waits, which is how the tests see
//! that a hedge's loser is cancelled and its connection closed rather than reused.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::INFO;
use http::{Method, Request};
use session_core::{Env, Session};
use session_tower::hedge::{HedgeConfig, HedgeLayer, IdempotencyToken};
use session_tower::retry::RetryConfig;
use session_tower::trace::OperationName;
use session_tower::{Client, SdkBody};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the stub answers one request.
#[derive(Clone, Copy)]
struct Answer {
    /// Wait before the response head.
    head_after: Duration,
    /// Send the body in four parts this far apart (`None`: at once).
    trickle: Option<Duration>,
    status: u16,
}

const FAST: Answer = Answer {
    head_after: Duration::ZERO,
    trickle: None,
    status: 200,
};

fn slow(ms: u64) -> Answer {
    Answer {
        head_after: Duration::from_millis(ms),
        ..FAST
    }
}

/// What the stub saw.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    /// Requests whose connection the client closed before the answer was due.
    cancelled: AtomicUsize,
}

/// Starts the stub; `plan(n)` says how to answer the n-th request (from 0). Each answer's
/// body is `answer-N`.
async fn stub(plan: impl Fn(usize) -> Answer + Send + Sync + 'static) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let plan = Arc::new(plan);
    let counts = seen.clone();
    tokio::spawn(async move {
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            let _ = sock.set_nodelay(true);
            tokio::spawn(serve(sock, plan.clone(), counts.clone()));
        }
    });
    (url, seen)
}

async fn serve(
    mut sock: TcpStream,
    plan: Arc<impl Fn(usize) -> Answer + Send + Sync>,
    seen: Arc<Seen>,
) {
    let mut buf = Vec::new();
    loop {
        // One request: its head, then as many body bytes as its content-length says.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        let n = seen.requests.fetch_add(1, Ordering::SeqCst);
        let answer = plan(n);
        if !answer.head_after.is_zero() {
            // Wait, watching for the client giving up on this connection.
            let mut probe = [0u8; 1];
            tokio::select! {
                () = tokio::time::sleep(answer.head_after) => {}
                _ = sock.read(&mut probe) => {
                    seen.cancelled.fetch_add(1, Ordering::SeqCst);
                    return;
                }
            }
        }
        let body = format!("answer-{n}");
        let head = format!(
            "HTTP/1.1 {} X\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: req-{n}\r\ncontent-length: {}\r\n\r\n",
            answer.status,
            body.len()
        );
        if sock.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let sent = match answer.trickle {
            None => sock.write_all(body.as_bytes()).await,
            Some(gap) => {
                let mut result = Ok(());
                for part in body.as_bytes().chunks(body.len().div_ceil(4)) {
                    tokio::time::sleep(gap).await;
                    result = sock.write_all(part).await;
                }
                result
            }
        };
        if sent.is_err() {
            return;
        }
    }
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

/// Hedges after 50 ms (no latencies yet), with no budget limit.
fn eager() -> HedgeConfig {
    HedgeConfig::new()
        .cold_start(Duration::from_millis(50))
        .floor(Duration::from_millis(1))
        .max_extra(1.0)
}

fn hedging_client(url: &str, config: HedgeConfig) -> Client {
    Client::builder(&session(url), &INFO)
        .hedge(config)
        .retry(
            RetryConfig::standard()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap()
}

fn request(method: Method, operation: &'static str) -> Request<SdkBody> {
    let mut req = Request::builder()
        .method(method)
        .uri("/object")
        .body(SdkBody::empty())
        .unwrap();
    req.extensions_mut().insert(OperationName(operation));
    req
}

async fn body_of(client: &Client, req: Request<SdkBody>) -> Result<String, session_tower::Error> {
    let resp = client.send(req).await?;
    let bytes = resp.into_body().collect().await?;
    Ok(String::from_utf8(bytes.to_vec()).unwrap())
}

async fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test]
async fn a_slow_first_byte_is_hedged_the_first_answer_wins_and_the_loser_is_closed() {
    let (url, seen) = stub(|n| if n == 0 { slow(10_000) } else { FAST }).await;
    let client = hedging_client(&url, eager());
    let started = Instant::now();
    let body = body_of(&client, request(Method::GET, "GetObject"))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(body, "answer-1", "the copy's answer");
    let stats = client.hedge_stats().unwrap();
    assert_eq!(
        (stats.calls, stats.hedges_sent, stats.hedges_won),
        (1, 1, 1)
    );
    // The original was cancelled: the client closed its connection while the stub waited.
    eventually("the loser's connection closed", || {
        seen.cancelled.load(Ordering::SeqCst) == 1
    })
    .await;
    // And no connection carries a stale answer: each later call gets its own.
    for _ in 0..20 {
        let before = seen.requests.load(Ordering::SeqCst);
        let body = body_of(&client, request(Method::GET, "GetObject"))
            .await
            .unwrap();
        assert_eq!(body, format!("answer-{before}"));
    }
    assert_eq!(client.hedge_stats().unwrap().hedges_sent, 1);
}

#[tokio::test]
async fn a_slow_body_is_not_hedged_only_a_slow_first_byte_is() {
    let trickling = Answer {
        trickle: Some(Duration::from_millis(100)),
        ..FAST
    };
    let (url, seen) = stub(move |_| trickling).await;
    let client = hedging_client(&url, eager());
    let started = Instant::now();
    let body = body_of(&client, request(Method::GET, "GetObject"))
        .await
        .unwrap();
    assert_eq!(body, "answer-0");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(client.hedge_stats().unwrap().hedges_sent, 0);
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn only_calls_safe_to_repeat_are_hedged() {
    let (url, seen) = stub(|_| slow(300)).await;
    let client = hedging_client(&url, eager());
    // Writes: a POST that is not read-only, a PUT upload part even with a token.
    body_of(&client, request(Method::POST, "PutItem"))
        .await
        .unwrap();
    let mut part = request(Method::PUT, "UploadPart");
    part.extensions_mut().insert(IdempotencyToken);
    body_of(&client, part).await.unwrap();
    assert_eq!(client.hedge_stats().unwrap().calls, 0);
    assert_eq!(seen.requests.load(Ordering::SeqCst), 2);
    // A read-only POST and a PUT with an idempotency token are.
    body_of(&client, request(Method::POST, "GetItem"))
        .await
        .unwrap();
    let mut put = request(Method::PUT, "RenameObject");
    put.extensions_mut().insert(IdempotencyToken);
    body_of(&client, put).await.unwrap();
    let stats = client.hedge_stats().unwrap();
    assert_eq!((stats.calls, stats.hedges_sent), (2, 2));
}

#[tokio::test]
async fn the_budget_caps_the_extra_requests() {
    let (url, seen) = stub(|_| slow(15)).await;
    // Every call outlasts the 1 ms delay; the percentile never takes over.
    let config = HedgeConfig::new()
        .cold_start(Duration::from_millis(1))
        .floor(Duration::from_millis(1))
        .min_samples(1000)
        .max_extra(0.1);
    let client = hedging_client(&url, config);
    for _ in 0..50 {
        body_of(&client, request(Method::GET, "GetObject"))
            .await
            .unwrap();
    }
    let stats = client.hedge_stats().unwrap();
    assert_eq!(stats.calls, 50);
    assert_eq!(stats.hedges_sent, 5, "{stats:?}");
    assert_eq!(stats.skipped_budget, 45, "{stats:?}");
    assert_eq!(seen.requests.load(Ordering::SeqCst), 55);
}

#[tokio::test]
async fn no_hedges_while_the_retry_quota_shows_an_outage() {
    // 120 failures (60 calls of two attempts: 300 of the quota's 500 spent on retries),
    // then a slow answer.
    let (url, seen) = stub(|n| {
        if n < 120 {
            Answer {
                status: 500,
                ..FAST
            }
        } else {
            slow(300)
        }
    })
    .await;
    let client = hedging_client(&url, eager().floor(Duration::from_millis(50)));
    for _ in 0..60 {
        let e = body_of(&client, request(Method::GET, "GetObject"))
            .await
            .unwrap_err();
        assert_eq!(e.service_error().unwrap().status(), 500);
    }
    assert_eq!(client.hedge_stats().unwrap().hedges_sent, 0);
    let body = body_of(&client, request(Method::GET, "GetObject"))
        .await
        .unwrap();
    assert_eq!(body, "answer-120");
    let stats = client.hedge_stats().unwrap();
    assert_eq!(
        (stats.hedges_sent, stats.skipped_quota),
        (0, 1),
        "{stats:?}"
    );
    assert_eq!(seen.requests.load(Ordering::SeqCst), 121);
}

#[tokio::test]
async fn a_hedge_layer_around_the_operation_hedges_too() {
    let (url, _seen) = stub(|n| if n == 0 { slow(10_000) } else { FAST }).await;
    let hedge = HedgeLayer::new(eager()).unwrap();
    let client = Client::builder(&session(&url), &INFO)
        .layer_around_operation(hedge.clone())
        .build()
        .unwrap();
    let body = body_of(&client, request(Method::GET, "GetObject"))
        .await
        .unwrap();
    assert_eq!(body, "answer-1");
    assert_eq!(hedge.stats().hedges_won, 1);
    assert!(
        client.hedge_stats().is_none(),
        "the client itself does not hedge"
    );
}

#[test]
fn a_bad_hedge_config_is_a_build_error() {
    let e = Client::builder(&session("http://127.0.0.1:1"), &INFO)
        .hedge(HedgeConfig::new().percentile(2.0))
        .build()
        .unwrap_err();
    assert!(e.is_build(), "{e}");
}

/// The pool's gauges and the hedge counters over a keep-alive server (moto closes most
/// connections, so the metrics test against it cannot check reuse).
#[cfg(feature = "metrics")]
#[test]
fn the_pool_and_hedge_metrics_add_up() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    use session_tower::metrics::names;

    let recorder = DebuggingRecorder::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Everything runs on this thread, where the recorder is in force.
    metrics::with_local_recorder(&recorder, || {
        rt.block_on(async {
            let (url, seen) = stub(|n| if n == 5 { slow(10_000) } else { FAST }).await;
            let client = hedging_client(&url, eager());
            for _ in 0..5 {
                body_of(&client, request(Method::GET, "GetObject"))
                    .await
                    .unwrap();
            }
            // The sixth call is slow: hedged, the copy wins, the original's connection closes.
            body_of(&client, request(Method::GET, "GetObject"))
                .await
                .unwrap();
            eventually("the loser's connection closed", || {
                seen.cancelled.load(Ordering::SeqCst) == 1
            })
            .await;
        });
    });
    let snapshot = recorder.snapshotter().snapshot().into_vec();
    let value = |name: &str, label: Option<&str>| {
        snapshot
            .iter()
            .filter(|(k, ..)| k.key().name() == name)
            .filter(|(k, ..)| label.is_none_or(|l| k.key().labels().any(|x| x.value() == l)))
            .map(|(.., v)| match v {
                DebugValue::Counter(n) => *n as f64,
                DebugValue::Gauge(g) => g.0,
                DebugValue::Histogram(h) => h.len() as f64,
            })
            .sum::<f64>()
    };
    assert_eq!(
        value(names::CONNECTIONS_OPENED, None),
        2.0,
        "one reused, one for the copy"
    );
    assert_eq!(value(names::CONNECTIONS_USAGE, Some(names::ACQUIRED)), 0.0);
    assert_eq!(
        value(names::CONNECTIONS_USAGE, Some(names::IDLE)),
        1.0,
        "the loser's is gone"
    );
    assert_eq!(
        value(names::CONNECTIONS_ACQUIRE_DURATION, None),
        7.0,
        "6 calls + 1 copy"
    );
    assert_eq!(
        value(names::TIME_TO_FIRST_BYTE, None),
        6.0,
        "the loser had none"
    );
    assert_eq!(value(names::HEDGE_SENT, None), 1.0);
    assert_eq!(value(names::HEDGE_WON, None), 1.0);
    assert_eq!(value(names::CALL_ATTEMPTS, None), 7.0);
}
