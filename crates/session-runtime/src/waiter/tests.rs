// Answers are `Result<_, OperationError<_>>` as the generated operations return them.
#![allow(clippy::unwrap_used, clippy::result_large_err)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::*;
use session_tower::error::{Error, ServiceError};

#[derive(Debug)]
struct TestError(ServiceError);

impl ModeledError for TestError {
    fn from_service_error(service: ServiceError) -> Self {
        Self(service)
    }
    fn service_error(&self) -> &ServiceError {
        &self.0
    }
}

type Answer = Result<Value, OperationError<TestError>>;

fn service_error(status: u16, code: &str) -> OperationError<TestError> {
    OperationError::stack(Error::service(ServiceError::new(
        status,
        Some(code.to_owned()),
        Some("message".to_owned()),
        Some("req-1".to_owned()),
    )))
}

/// A scripted operation: answers in order (the last one repeats), and records when
/// each attempt was made.
#[derive(Clone)]
struct Script {
    answers: Arc<dyn Fn(u32) -> Answer + Send + Sync>,
    calls: Arc<AtomicU32>,
    times: Arc<Mutex<Vec<tokio::time::Instant>>>,
}

impl Script {
    fn new(answers: impl Fn(u32) -> Answer + Send + Sync + 'static) -> Self {
        Self {
            answers: Arc::new(answers),
            calls: Arc::default(),
            times: Arc::default(),
        }
    }

    fn gaps(&self) -> Vec<Duration> {
        let times = self.times.lock().unwrap();
        times.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

fn send(script: Script) -> CallFuture<Value, TestError> {
    Box::pin(async move {
        let n = script.calls.fetch_add(1, Ordering::SeqCst);
        script
            .times
            .lock()
            .unwrap()
            .push(tokio::time::Instant::now());
        (script.answers)(n)
    })
}

static TABLE_EXISTS: WaiterSpec = WaiterSpec {
    name: "TableExists",
    delay: 20,
    max_attempts: 25,
    acceptors: &[
        Acceptor {
            state: AcceptorState::Success,
            matcher: Matcher::Path("Table.TableStatus", Expected::String("ACTIVE")),
        },
        Acceptor {
            state: AcceptorState::Retry,
            matcher: Matcher::Error("ResourceNotFoundException"),
        },
    ],
};

static TABLE_NOT_EXISTS: WaiterSpec = WaiterSpec {
    name: "TableNotExists",
    delay: 20,
    max_attempts: 25,
    acceptors: &[Acceptor {
        state: AcceptorState::Success,
        matcher: Matcher::Error("ResourceNotFoundException"),
    }],
};

fn table(status: &str) -> Answer {
    Ok(json!({"Table": {"TableName": "t", "TableStatus": status}}))
}

fn decide_one(matcher: Matcher, answer: &Answer) -> bool {
    let acceptors = compile(&[Acceptor {
        state: AcceptorState::Success,
        matcher,
    }])
    .unwrap();
    let json = answer.as_ref().ok().cloned();
    decide(&acceptors, answer, json.as_ref()) == Some(AcceptorState::Success)
}

#[test]
fn matchers() {
    let active = table("ACTIVE");
    let missing: Answer = Err(service_error(400, "ResourceNotFoundException"));
    let not_found: Answer = Err(service_error(404, "NotFound"));
    let timeout: Answer = Err(OperationError::stack(Error::request("no answer")));
    let s = Expected::String;

    assert!(decide_one(
        Matcher::Path("Table.TableStatus", s("ACTIVE")),
        &active
    ));
    assert!(!decide_one(
        Matcher::Path("Table.TableStatus", s("DELETING")),
        &active
    ));
    // Path matchers never look at errors.
    assert!(!decide_one(Matcher::Path("Table", s("x")), &missing));

    let dests: Answer = Ok(json!({"D": [{"S": "ACTIVE"}, {"S": "DISABLED"}], "E": []}));
    assert!(decide_one(Matcher::PathAny("D[].S", s("ACTIVE")), &dests));
    assert!(!decide_one(Matcher::PathAll("D[].S", s("ACTIVE")), &dests));
    assert!(decide_one(
        Matcher::PathAll("D[?S != 'x'].S", s("ACTIVE")),
        &Ok(json!({"D": [{"S": "ACTIVE"}]}))
    ));
    // pathAll needs at least one element; pathAny on an empty list is false.
    assert!(!decide_one(Matcher::PathAll("E", s("ACTIVE")), &dests));
    assert!(!decide_one(Matcher::PathAny("E", s("ACTIVE")), &dests));
    // A path that gives no list matches neither.
    assert!(!decide_one(Matcher::PathAny("D[0].S", s("ACTIVE")), &dests));
    assert!(decide_one(
        Matcher::Path("length(D) > `1`", Expected::Bool(true)),
        &dests
    ));
    assert!(decide_one(
        Matcher::Path("length(D)", Expected::Int(2)),
        &dests
    ));
    assert!(decide_one(
        Matcher::Path("length(D)", Expected::Float(2.0)),
        &dests
    ));

    assert!(decide_one(Matcher::Status(200), &active));
    assert!(decide_one(Matcher::Status(404), &not_found));
    assert!(!decide_one(Matcher::Status(404), &missing));
    assert!(!decide_one(Matcher::Status(404), &timeout));

    assert!(decide_one(
        Matcher::Error("ResourceNotFoundException"),
        &missing
    ));
    assert!(!decide_one(
        Matcher::Error("ResourceNotFoundException"),
        &not_found
    ));
    assert!(!decide_one(
        Matcher::Error("ResourceNotFoundException"),
        &active
    ));
    assert!(decide_one(Matcher::AnyError, &missing));
    // A stack error (no answer from the service) is not a service error.
    assert!(!decide_one(Matcher::AnyError, &timeout));
    assert!(!decide_one(Matcher::AnyError, &active));
    assert!(decide_one(Matcher::NoError, &active));
    assert!(!decide_one(Matcher::NoError, &missing));
}

#[test]
fn first_matching_acceptor_decides() {
    let acceptors = compile(&[
        Acceptor {
            state: AcceptorState::Failure,
            matcher: Matcher::Path("S", Expected::String("FAILED")),
        },
        Acceptor {
            state: AcceptorState::Success,
            matcher: Matcher::NoError,
        },
    ])
    .unwrap();
    let failed: Answer = Ok(json!({"S": "FAILED"}));
    let json = failed.as_ref().ok().cloned();
    assert_eq!(
        decide(&acceptors, &failed, json.as_ref()),
        Some(AcceptorState::Failure)
    );
    let ok: Answer = Ok(json!({"S": "OK"}));
    let json = ok.as_ref().ok().cloned();
    assert_eq!(
        decide(&acceptors, &ok, json.as_ref()),
        Some(AcceptorState::Success)
    );
}

#[test]
fn backoff_grows_with_jitter_between_min_and_cap() {
    let (min, max) = (Duration::from_secs(20), Duration::from_secs(120));
    assert_eq!(backoff(1, min, max, 0.99), min);
    assert_eq!(backoff(2, min, max, 0.0), min);
    assert_eq!(backoff(2, min, max, 1.0), Duration::from_secs(40));
    assert_eq!(backoff(3, min, max, 1.0), Duration::from_secs(80));
    assert_eq!(backoff(4, min, max, 1.0), max);
    assert_eq!(backoff(40, min, max, 1.0), max);
    assert_eq!(backoff(u32::MAX, min, max, 0.5), Duration::from_secs(70));
    let mid = backoff(3, min, max, 0.5);
    assert_eq!(mid, Duration::from_secs(50));
}

#[test]
fn defaults_come_from_the_model() {
    let w = Waiter::new(&TABLE_EXISTS, Script::new(|_| table("ACTIVE")), send);
    assert_eq!(w.min_delay, Duration::from_secs(20));
    assert_eq!(w.max_delay, DEFAULT_MAX_DELAY);
    assert_eq!(w.max_attempts, 25);
    assert_eq!(w.max_wait, Duration::from_secs(500));
    static SLOW: WaiterSpec = WaiterSpec {
        name: "Slow",
        delay: 300,
        max_attempts: 1000,
        acceptors: &[],
    };
    let w = Waiter::new(&SLOW, Script::new(|_| table("ACTIVE")), send);
    assert_eq!(w.max_wait, DEFAULT_MAX_WAIT_CAP);
    assert_eq!(w.max_delay, Duration::from_secs(300));
}

#[tokio::test(start_paused = true)]
async fn succeeds_after_retries_with_growing_delays() {
    let script = Script::new(|n| match n {
        0 | 1 => Err(service_error(400, "ResourceNotFoundException")),
        2..=4 => table("CREATING"),
        _ => table("ACTIVE"),
    });
    let start = tokio::time::Instant::now();
    let waited = Waiter::new(&TABLE_EXISTS, script.clone(), send)
        .wait()
        .await
        .unwrap();
    assert_eq!(waited.attempts(), 6);
    assert_eq!(
        waited.output().unwrap()["Table"]["TableStatus"],
        json!("ACTIVE")
    );
    let gaps = script.gaps();
    assert_eq!(gaps.len(), 5);
    for (i, gap) in gaps.iter().enumerate() {
        let ceiling = Duration::from_secs(20 << i).min(DEFAULT_MAX_DELAY);
        assert!(
            *gap >= Duration::from_secs(20) && *gap <= ceiling,
            "gap {i}: {gap:?}"
        );
    }
    assert_eq!(waited.elapsed(), start.elapsed());
}

#[tokio::test(start_paused = true)]
async fn fixed_delays_when_min_equals_max() {
    let script = Script::new(|n| {
        if n < 3 {
            table("CREATING")
        } else {
            table("ACTIVE")
        }
    });
    let waited = Waiter::new(&TABLE_EXISTS, script.clone(), send)
        .min_delay(Duration::from_secs(2))
        .max_delay(Duration::from_secs(2))
        .wait()
        .await
        .unwrap();
    assert_eq!(waited.attempts(), 4);
    assert_eq!(script.gaps(), vec![Duration::from_secs(2); 3]);
    assert_eq!(waited.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn max_wait_bounds_the_total_and_makes_a_last_attempt_at_the_deadline() {
    let script = Script::new(|_| table("ACTIVE"));
    let start = tokio::time::Instant::now();
    let e = Waiter::new(&TABLE_NOT_EXISTS, script.clone(), send)
        .max_wait(Duration::from_secs(2))
        .wait()
        .await
        .unwrap_err();
    assert!(e.is_max_wait_exceeded() && e.is_timeout(), "{e:?}");
    assert!(!e.is_max_attempts_exceeded() && !e.is_failure_state());
    assert_eq!(e.attempts(), 2);
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(e.elapsed(), Duration::from_secs(2));
    assert!(e.last_output().is_some());
    assert!(e.last_error().is_none());
    let text = e.to_string();
    assert!(
        text.contains("TableNotExists") && text.contains("max wait of 2.0s"),
        "{text}"
    );

    // A long wait with the model's delays: every attempt starts by the deadline.
    let script = Script::new(|_| table("CREATING"));
    let start = tokio::time::Instant::now();
    let e = Waiter::new(&TABLE_EXISTS, script.clone(), send)
        .max_attempts(1000)
        .wait()
        .await
        .unwrap_err();
    assert!(e.is_max_wait_exceeded(), "{e:?}");
    assert_eq!(start.elapsed(), Duration::from_secs(500));
    let times = script.times.lock().unwrap();
    assert!(times.iter().all(|t| *t - start <= Duration::from_secs(500)));
    assert_eq!(*times.last().unwrap() - start, Duration::from_secs(500));
}

#[tokio::test(start_paused = true)]
async fn max_attempts_ends_the_wait() {
    let script = Script::new(|_| Err(service_error(400, "ResourceNotFoundException")));
    let e = Waiter::new(&TABLE_EXISTS, script.clone(), send)
        .max_attempts(3)
        .min_delay(Duration::from_secs(1))
        .wait()
        .await
        .unwrap_err();
    assert!(e.is_max_attempts_exceeded() && e.is_timeout(), "{e:?}");
    assert_eq!(e.attempts(), 3);
    assert_eq!(script.calls.load(Ordering::SeqCst), 3);
    assert_eq!(
        e.last_error().unwrap().code(),
        Some("ResourceNotFoundException")
    );
    let text = e.to_string();
    assert!(text.contains("maximum of 3 attempts"), "{text}");
    assert!(text.contains("ResourceNotFoundException"), "{text}");
    assert!(e.source().is_some());
}

#[tokio::test(start_paused = true)]
async fn unexpected_errors_and_failure_states_end_the_wait_at_once() {
    let script = Script::new(|_| Err(service_error(400, "AccessDeniedException")));
    let e = Waiter::new(&TABLE_EXISTS, script.clone(), send)
        .wait()
        .await
        .unwrap_err();
    assert!(e.is_unexpected_error(), "{e:?}");
    assert_eq!(e.attempts(), 1);
    assert_eq!(
        e.last_error().unwrap().code(),
        Some("AccessDeniedException")
    );
    assert!(e.to_string().contains("unexpected error"), "{e}");

    static EXPORT: WaiterSpec = WaiterSpec {
        name: "ExportCompleted",
        delay: 20,
        max_attempts: 60,
        acceptors: &[
            Acceptor {
                state: AcceptorState::Success,
                matcher: Matcher::Path("E.S", Expected::String("COMPLETED")),
            },
            Acceptor {
                state: AcceptorState::Failure,
                matcher: Matcher::Path("E.S", Expected::String("FAILED")),
            },
        ],
    };
    let script =
        Script::new(|n| Ok(json!({"E": {"S": if n < 2 { "IN_PROGRESS" } else { "FAILED" }}})));
    let e = Waiter::new(&EXPORT, script, send).wait().await.unwrap_err();
    assert!(e.is_failure_state(), "{e:?}");
    assert_eq!(e.attempts(), 3);
    assert_eq!(e.last_output().unwrap()["E"]["S"], json!("FAILED"));
    assert!(e.to_string().contains("failure state"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn an_error_can_be_the_success_state() {
    let script = Script::new(|n| {
        if n == 0 {
            table("DELETING")
        } else {
            Err(service_error(400, "ResourceNotFoundException"))
        }
    });
    let waited = Waiter::new(&TABLE_NOT_EXISTS, script, send)
        .wait()
        .await
        .unwrap();
    assert_eq!(waited.attempts(), 2);
    assert!(waited.output().is_none());
    assert_eq!(
        waited.error().unwrap().code(),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test(start_paused = true)]
async fn an_invalid_path_sends_nothing() {
    static BAD: WaiterSpec = WaiterSpec {
        name: "Bad",
        delay: 1,
        max_attempts: 2,
        acceptors: &[Acceptor {
            state: AcceptorState::Success,
            matcher: Matcher::Path("a[1:2]", Expected::Bool(true)),
        }],
    };
    let script = Script::new(|_| table("ACTIVE"));
    let e = Waiter::new(&BAD, script.clone(), send)
        .wait()
        .await
        .unwrap_err();
    assert!(e.is_invalid(), "{e:?}");
    assert_eq!(script.calls.load(Ordering::SeqCst), 0);
    assert!(e.to_string().contains("a[1:2]"), "{e}");
}

#[test]
fn input_sets_the_polled_call() {
    let w = Waiter::new(&TABLE_EXISTS, Script::new(|_| table("ACTIVE")), send).input(|s| {
        s.calls.store(7, Ordering::SeqCst);
        s
    });
    assert_eq!(w.call().calls.load(Ordering::SeqCst), 7);
    assert!(format!("{w:?}").contains("TableExists"));
}

/// Every path in the vendored waiter models parses.
#[test]
fn every_model_path_parses() {
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let mut seen = 0;
    for entry in std::fs::read_dir(&models).unwrap() {
        let file = entry.unwrap().path().join("waiters-2.json");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let doc: Value = serde_json::from_str(&text).unwrap();
        for (name, waiter) in doc["waiters"].as_object().unwrap() {
            for acceptor in waiter["acceptors"].as_array().unwrap() {
                if let Some(path) = acceptor.get("argument").and_then(Value::as_str) {
                    Path::parse(path)
                        .unwrap_or_else(|e| panic!("{}: {name}: {path}: {e}", file.display()));
                    seen += 1;
                }
            }
        }
    }
    assert!(seen >= 5, "only {seen} paths found");
}
