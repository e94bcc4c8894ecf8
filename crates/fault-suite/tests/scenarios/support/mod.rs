//! What every scenario shares: the two client paths, fast retries, the hang guard, time
//! bounds, and the checks on what the server saw.

pub(crate) mod attempts;
pub(crate) mod fixtures;

use std::future::Future;
use std::time::{Duration, Instant};

use session_testkit::faults::{FaultServer, SeenRequest};
use session_tower::retry::RetryConfig;
use session_tower::{Client, ClientBuilder};

/// A scenario that runs longer than this has hung; it fails instead of blocking the suite
/// (the ignored scenarios of engine gaps hang without the fix).
const HANG_GUARD: Duration = Duration::from_secs(15);

/// Which of the engine's two attempt paths a client takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    /// No user layers: the fused attempt.
    Plain,
    /// An identity layer before signing: the boxed, layered attempt.
    Layered,
}

/// Defines a scenario's two tests, `plain` and `layered`, in a module named after it;
/// attributes (`#[ignore = "engine gap: ..."]`) go on both.
macro_rules! scenario {
    ($(#[$attr:meta])* $name:ident) => {
        mod $name {
            $(#[$attr])*
            #[tokio::test]
            async fn plain() {
                $crate::support::run(super::$name($crate::support::Path::Plain)).await;
            }

            $(#[$attr])*
            #[tokio::test]
            async fn layered() {
                $crate::support::run(super::$name($crate::support::Path::Layered)).await;
            }
        }
    };
}

/// Runs a scenario under the hang guard.
///
/// # Panics
/// When the scenario takes longer than the guard.
pub(crate) async fn run(scenario: impl Future<Output = ()>) {
    if tokio::time::timeout(HANG_GUARD, scenario).await.is_err() {
        panic!("scenario hung: no outcome after {HANG_GUARD:?}");
    }
}

/// Builds the client for `path`.
///
/// # Panics
/// If the client cannot be built (the scenarios' settings are valid).
pub(crate) fn build<C: From<Client>>(builder: ClientBuilder<C>, path: Path) -> C {
    let builder = match path {
        Path::Plain => builder,
        Path::Layered => builder.layer_before_signing(tower::layer::util::Identity::new()),
    };
    builder.build().expect("client")
}

/// Standard retries, `max` attempts, with a 5 ms backoff base so scenarios stay fast.
pub(crate) fn retries(max: u32) -> RetryConfig {
    RetryConfig::standard()
        .max_attempts(max)
        .initial_backoff(Duration::from_millis(5))
}

/// When a scenario started, to bound its duration.
pub(crate) struct Clock(Instant);

impl Clock {
    pub(crate) fn start() -> Self {
        Self(Instant::now())
    }

    /// Asserts the scenario so far took less than `max`.
    #[track_caller]
    pub(crate) fn within(&self, max: Duration) {
        let took = self.0.elapsed();
        assert!(took < max, "took {took:?}, more than {max:?}");
    }

    /// Asserts the scenario so far took at least `min` (a timeout, not something else,
    /// ended it).
    #[track_caller]
    pub(crate) fn at_least(&self, min: Duration) {
        let took = self.0.elapsed();
        assert!(took >= min, "took {took:?}, less than {min:?}");
    }
}

/// Asserts the server saw one operation made of `attempts` attempts, and returns them:
/// - one `amz-sdk-invocation-id` for all of them, and `amz-sdk-request: attempt=N` counting
///   up (a server can tell retries from new operations);
/// - the same method, path and body every time (a retry is the same request again);
/// - at most one attempt was answered with a whole 2xx response, and none followed it: an
///   effect the server confirmed was never requested again.
#[track_caller]
pub(crate) fn assert_one_operation(server: &FaultServer, attempts: usize) -> Vec<SeenRequest> {
    let seen = assert_same_request_sent(server, attempts);
    assert_no_attempt_after_a_confirmation(&seen);
    seen
}

/// [`assert_one_operation`] without the confirmation rule, for answers that are 200s
/// with an error inside (S3's `CopyObject`, `CompleteMultipartUpload`): the status alone
/// does not say whether the server confirmed the effect.
#[track_caller]
pub(crate) fn assert_same_request_sent(server: &FaultServer, attempts: usize) -> Vec<SeenRequest> {
    let seen = server.requests();
    assert_eq!(
        seen.len(),
        attempts,
        "attempts the server saw: {:?}",
        summary(&seen)
    );
    assert_attempts_of_one_request(&seen);
    seen
}

/// The checks of [`assert_one_operation`] on a group of requests.
#[track_caller]
pub(crate) fn assert_attempts_of_one_operation(seen: &[SeenRequest]) {
    assert_attempts_of_one_request(seen);
    assert_no_attempt_after_a_confirmation(seen);
}

#[track_caller]
fn assert_attempts_of_one_request(seen: &[SeenRequest]) {
    let Some(first) = seen.first() else {
        return;
    };
    let id = first.header("amz-sdk-invocation-id").unwrap_or_default();
    assert_eq!(id.len(), 36, "invocation id {id:?}");
    for (n, req) in seen.iter().enumerate() {
        assert_eq!(
            req.header("amz-sdk-invocation-id"),
            Some(id),
            "attempt {}",
            n + 1
        );
        let attempt = req.header("amz-sdk-request").unwrap_or_default();
        assert!(
            attempt.starts_with(&format!("attempt={}; max=", n + 1)),
            "attempt {}: amz-sdk-request {attempt:?}",
            n + 1
        );
        assert_eq!(
            (&req.method, req.path(), &req.body),
            (&first.method, first.path(), &first.body),
            "attempt {} is not the same request",
            n + 1
        );
    }
}

#[track_caller]
fn assert_no_attempt_after_a_confirmation(seen: &[SeenRequest]) {
    let confirmed: Vec<usize> = seen
        .iter()
        .enumerate()
        .filter(|(_, r)| r.answered.is_some_and(|s| (200..300).contains(&s)))
        .map(|(i, _)| i)
        .collect();
    assert!(
        confirmed.is_empty() || confirmed == [seen.len() - 1],
        "a confirmed effect was requested again: {:?}",
        summary(seen)
    );
}

/// The server's requests grouped by operation (invocation id), in order of first arrival.
pub(crate) fn operations(server: &FaultServer) -> Vec<Vec<SeenRequest>> {
    let mut groups: Vec<Vec<SeenRequest>> = Vec::new();
    for req in server.requests() {
        let id = req.header("amz-sdk-invocation-id").map(str::to_owned);
        match groups
            .iter_mut()
            .find(|g| g[0].header("amz-sdk-invocation-id").map(str::to_owned) == id)
        {
            Some(group) => group.push(req),
            None => groups.push(vec![req]),
        }
    }
    groups
}

/// One line per request, for assertion messages.
pub(crate) fn summary(seen: &[SeenRequest]) -> Vec<String> {
    seen.iter()
        .map(|r| {
            format!(
                "#{} conn {} {} {} at {:?} answered {:?}",
                r.index, r.connection, r.method, r.uri, r.since_start, r.answered
            )
        })
        .collect()
}

/// The year of a SigV4 `x-amz-date` (`20260102T030405Z`).
pub(crate) fn signing_year(req: &SeenRequest) -> u32 {
    req.header("x-amz-date")
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok())
        .unwrap_or(0)
}

/// An SQS client of `session` with `max` fast attempts.
pub(crate) fn sqs(
    session: &session_core::Session,
    path: Path,
    max: u32,
) -> services_sqs::SqsClient {
    build(
        services_sqs::SqsClient::builder(session).retry(retries(max)),
        path,
    )
}

/// An STS client of `session` with `max` fast attempts.
pub(crate) fn sts(
    session: &session_core::Session,
    path: Path,
    max: u32,
) -> services_sts::StsClient {
    build(
        services_sts::StsClient::builder(session).retry(retries(max)),
        path,
    )
}

/// An S3 client of `session` with `max` fast attempts.
pub(crate) fn s3(session: &session_core::Session, path: Path, max: u32) -> services_s3::S3Client {
    build(
        services_s3::S3Client::builder(session).retry(retries(max)),
        path,
    )
}
