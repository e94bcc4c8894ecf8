//! Support for generated resources: batch actions (grouping, chunking, per-item failure
//! counts), the errors a resource raises when a response lacks an identifier, and the static
//! description of what was generated (`session resources <service> --json`).

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::StreamExt as _;

use crate::error::{ModeledError, OperationError};
use session_tower::Error;

/// The future of one call a batch action sends.
pub type BatchFuture<O, E> = Pin<Box<dyn Future<Output = Result<O, OperationError<E>>> + Send>>;

/// An error for a response that lacks a member the resource model reads an identifier from:
/// the resource cannot be made, and a handle with a made-up identifier would be worse.
pub fn missing_in_response(operation: &str, path: &str) -> Error {
    Error::response(format!(
        "{operation}: the response has no `{path}`, which the resource model needs for an identifier"
    ))
}

/// What a batch action did: every response, how many items were sent, and how many the
/// service reported as failed (S3's `Errors`, SQS's `Failed`). Check [`is_complete`]
/// (or [`failed`]) before assuming every item was acted on: a per-item failure is not an
/// `Err`, since the other items did succeed.
///
/// [`is_complete`]: BatchOutcome::is_complete
/// [`failed`]: BatchOutcome::failed
#[derive(Debug, Clone)]
#[must_use = "per-item failures are reported here, not as an error"]
pub struct BatchOutcome<O> {
    responses: Vec<O>,
    sent: usize,
    failed: usize,
}

impl<O> Default for BatchOutcome<O> {
    fn default() -> Self {
        Self {
            responses: Vec::new(),
            sent: 0,
            failed: 0,
        }
    }
}

impl<O> BatchOutcome<O> {
    /// The responses, one per call, in the order sent.
    pub fn responses(&self) -> &[O] {
        &self.responses
    }

    /// The responses, owned.
    pub fn into_responses(self) -> Vec<O> {
        self.responses
    }

    /// Items sent, in all calls.
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// Items the service reported as not done (their details are in the responses).
    pub fn failed(&self) -> usize {
        self.failed
    }

    /// Whether every item sent was acted on.
    pub fn is_complete(&self) -> bool {
        self.failed == 0
    }

    /// Adds one call's response for `sent` items.
    fn record(&mut self, response: O, sent: usize, failed: usize) {
        self.responses.push(response);
        self.sent += sent;
        self.failed += failed;
    }

    /// Folds in another outcome (the next group of a collection).
    fn extend(&mut self, other: Self) {
        self.responses.extend(other.responses);
        self.sent += other.sent;
        self.failed += other.failed;
    }
}

/// A batch action that stopped on an error: the error, and what was done before it (those
/// calls did reach the service).
pub struct BatchError<E, O> {
    kind: BatchErrorKind<E>,
    done: BatchOutcome<O>,
}

enum BatchErrorKind<E> {
    /// Listing the collection failed.
    Listing(Box<dyn StdError + Send + Sync>),
    /// A batch call failed as a whole.
    Action(OperationError<E>),
}

impl<E: ModeledError, O> BatchError<E, O> {
    /// The failed batch call's error, when it was a batch call that failed.
    pub fn action_error(&self) -> Option<&OperationError<E>> {
        match &self.kind {
            BatchErrorKind::Action(e) => Some(e),
            BatchErrorKind::Listing(_) => None,
        }
    }

    /// Whether listing the collection failed (rather than a batch call).
    pub fn is_listing(&self) -> bool {
        matches!(self.kind, BatchErrorKind::Listing(_))
    }

    /// What was done before the error.
    pub fn done(&self) -> &BatchOutcome<O> {
        &self.done
    }

    /// What was done before the error, owned.
    pub fn into_done(self) -> BatchOutcome<O> {
        self.done
    }

    /// A listing error, with what was done before it.
    pub fn listing<L>(error: L, done: BatchOutcome<O>) -> Self
    where
        L: StdError + Send + Sync + 'static,
    {
        Self {
            kind: BatchErrorKind::Listing(Box::new(error)),
            done,
        }
    }

    /// Folds what an earlier group did into the outcome carried here.
    pub fn after(mut self, mut earlier: BatchOutcome<O>) -> Self {
        earlier.extend(std::mem::take(&mut self.done));
        self.done = earlier;
        self
    }
}

impl<E: ModeledError, O> fmt::Display for BatchError<E, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            BatchErrorKind::Listing(_) => "listing the collection failed",
            BatchErrorKind::Action(_) => "a batch call failed",
        };
        write!(
            f,
            "batch action stopped: {what} after {} item(s) were sent in {} call(s)",
            self.done.sent,
            self.done.responses.len()
        )
    }
}

impl<E: ModeledError, O> fmt::Debug for BatchError<E, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("BatchError");
        match &self.kind {
            BatchErrorKind::Listing(e) => d.field("listing", e),
            BatchErrorKind::Action(e) => d.field("action", e),
        };
        d.field("sent", &self.done.sent)
            .field("failed", &self.done.failed)
            .finish()
    }
}

impl<E: ModeledError + 'static, O> StdError for BatchError<E, O> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            BatchErrorKind::Listing(e) => Some(&**e),
            BatchErrorKind::Action(e) => Some(e),
        }
    }
}

/// Sends one call of a batch action: the chunk's first item and all of them.
pub type SendChunk<'a, R, O, E> = dyn Fn(&R, &[&R]) -> BatchFuture<O, E> + Sync + 'a;

/// How a generated batch action sends one group of items.
pub struct BatchPlan<'a, R, O, E> {
    /// The most items one call takes (DeleteObjects 1,000, DeleteMessageBatch 10).
    pub max: usize,
    /// The request members every item of one call must share (bucket, queue URL): items
    /// are grouped by them, in the order each group first appears.
    pub key: fn(&R) -> Vec<String>,
    /// Sends one call for a chunk of one group: its first item (for the shared members) and
    /// all of its items.
    pub send: &'a SendChunk<'a, R, O, E>,
    /// Items a response reports as failed.
    pub failed: fn(&O) -> usize,
}

/// Runs a batch action over `items`: groups them by the plan's key, sends each group in
/// chunks of at most `max`, one call after another, and adds up the outcome. Stops at the
/// first call that fails as a whole, returning what was done before it.
///
/// # Errors
/// A call that fails as a whole.
pub async fn batch<R, O, E: ModeledError>(
    items: &[R],
    plan: &BatchPlan<'_, R, O, E>,
) -> Result<BatchOutcome<O>, BatchError<E, O>> {
    let mut groups: Vec<(Vec<String>, Vec<&R>)> = Vec::new();
    for item in items {
        let key = (plan.key)(item);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(item),
            None => groups.push((key, vec![item])),
        }
    }
    let mut outcome = BatchOutcome::default();
    for (_, members) in &groups {
        for chunk in members.chunks(plan.max.max(1)) {
            let Some(head) = chunk.first() else {
                continue;
            };
            match (plan.send)(head, chunk).await {
                Ok(response) => {
                    let failed = (plan.failed)(&response);
                    outcome.record(response, chunk.len(), failed);
                }
                Err(e) => {
                    return Err(BatchError {
                        kind: BatchErrorKind::Action(e),
                        done: outcome,
                    })
                }
            }
        }
    }
    Ok(outcome)
}

/// Runs a batch action over a collection: reads its items (a listing stream) and hands them
/// to `act` in chunks of at most `max`, adding up the outcomes. Stops at the first error,
/// which carries what was done before it.
///
/// # Errors
/// Listing the collection failed, or a batch call did.
pub async fn batch_collection<T, O, E, L, Fut>(
    items: impl Stream<Item = Result<T, L>>,
    max: usize,
    mut act: impl FnMut(Vec<T>) -> Fut,
) -> Result<BatchOutcome<O>, BatchError<E, O>>
where
    E: ModeledError,
    L: StdError + Send + Sync + 'static,
    Fut: Future<Output = Result<BatchOutcome<O>, BatchError<E, O>>>,
{
    let mut items = std::pin::pin!(items);
    let mut done = BatchOutcome::default();
    let mut pending = Vec::new();
    loop {
        let next = match items.next().await {
            Some(Ok(item)) => Some(item),
            Some(Err(e)) => return Err(BatchError::listing(e, done)),
            None => None,
        };
        let end = next.is_none();
        pending.extend(next);
        if pending.len() >= max.max(1) || (end && !pending.is_empty()) {
            match act(std::mem::take(&mut pending)).await {
                Ok(outcome) => done.extend(outcome),
                Err(e) => return Err(e.after(done)),
            }
        }
        if end {
            return Ok(done);
        }
    }
}

/// A collection's pages, cut so that they hold at most `limit` items in all; no page is
/// requested once the limit is reached. Boxed, so the stream is `Unpin` and callers can
/// use `try_next()` on it directly.
pub fn limit_pages<T, E>(
    pages: impl Stream<Item = Result<Vec<T>, E>> + Send + 'static,
    limit: Option<usize>,
) -> Pin<Box<dyn Stream<Item = Result<Vec<T>, E>> + Send>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let pages: Pin<Box<dyn Stream<Item = Result<Vec<T>, E>> + Send>> = Box::pin(pages);
    Box::pin(futures_util::stream::unfold(
        (pages, limit.unwrap_or(usize::MAX)),
        |(mut pages, left)| async move {
            if left == 0 {
                return None;
            }
            let page = pages.next().await?;
            let (page, left) = match page {
                Ok(mut items) => {
                    items.truncate(left);
                    let left = left - items.len();
                    (Ok(items), left)
                }
                // An error ends the stream after it is yielded.
                Err(e) => (Err(e), 0),
            };
            Some((page, (pages, left)))
        },
    ))
}

/// What the code generator made for one resource (or the service resource), with boto3's
/// names: printed by `session resources <service> --json`.
#[derive(Debug, Clone, Copy)]
pub struct ResourceNode {
    /// The identifiers, in order.
    pub identifiers: &'static [&'static str],
    /// The operation `load` calls, if the resource has one.
    pub load: Option<&'static str>,
    /// Actions.
    pub actions: &'static [&'static str],
    /// Batch actions (on collections and slices of the resource).
    pub batch_actions: &'static [&'static str],
    /// Waiters.
    pub waiters: &'static [&'static str],
    /// Sub-resources and references.
    pub has: &'static [&'static str],
    /// Collections.
    pub collections: &'static [&'static str],
}

/// The generated resource tree of one service.
#[derive(Debug, Clone, Copy)]
pub struct ResourceModel {
    /// The service resource.
    pub service: ResourceNode,
    /// Each resource type by its boto3 name.
    pub resources: &'static [(&'static str, ResourceNode)],
}

impl ResourceModel {
    /// The tree as JSON: `{"service": {...}, "resources": {"Bucket": {...}}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let list = |items: &[&str]| serde_json::Value::from(items.to_vec());
        let mut service = serde_json::Map::new();
        service.insert("actions".into(), list(self.service.actions));
        service.insert("has".into(), list(self.service.has));
        service.insert("collections".into(), list(self.service.collections));
        let mut resources = serde_json::Map::new();
        for (name, node) in self.resources {
            let mut r = serde_json::Map::new();
            r.insert("identifiers".into(), list(node.identifiers));
            r.insert(
                "load".into(),
                node.load.map_or(serde_json::Value::Null, Into::into),
            );
            r.insert("actions".into(), list(node.actions));
            r.insert("batch_actions".into(), list(node.batch_actions));
            r.insert("waiters".into(), list(node.waiters));
            r.insert("has".into(), list(node.has));
            r.insert("collections".into(), list(node.collections));
            resources.insert((*name).to_owned(), r.into());
        }
        serde_json::json!({ "service": service, "resources": resources })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct NoErrors(session_tower::ServiceError);
    impl ModeledError for NoErrors {
        fn from_service_error(service: session_tower::ServiceError) -> Self {
            NoErrors(service)
        }
        fn service_error(&self) -> &session_tower::ServiceError {
            &self.0
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn run(items: &[(&'static str, u32)], max: usize) -> BatchOutcome<Vec<u32>> {
        let send = |_: &(&'static str, u32),
                    chunk: &[&(&'static str, u32)]|
         -> BatchFuture<Vec<u32>, NoErrors> {
            let sent: Vec<u32> = chunk.iter().map(|(_, n)| *n).collect();
            Box::pin(async move { Ok(sent) })
        };
        let plan = BatchPlan {
            max,
            key: |(group, _): &(&'static str, u32)| vec![(*group).to_owned()],
            send: &send,
            // Odd numbers "fail" at the service.
            failed: |r: &Vec<u32>| r.iter().filter(|n| *n % 2 == 1).count(),
        };
        block_on(batch(items, &plan)).unwrap()
    }

    #[test]
    fn groups_by_key_and_chunks_by_max() {
        let items = [("a", 2), ("b", 4), ("a", 6), ("a", 8), ("b", 1)];
        let outcome = run(&items, 2);
        assert_eq!(outcome.responses(), &[vec![2, 6], vec![8], vec![4, 1]]);
        assert_eq!(outcome.sent(), 5);
        assert_eq!(outcome.failed(), 1);
        assert!(!outcome.is_complete());
    }

    #[test]
    fn a_failed_call_returns_what_was_done_before_it() {
        let send = |head: &u32, _: &[&u32]| -> BatchFuture<u32, NoErrors> {
            let first = *head;
            Box::pin(async move {
                if first >= 3 {
                    Err(OperationError::stack(Error::response("boom")))
                } else {
                    Ok(first)
                }
            })
        };
        let plan = BatchPlan {
            max: 2,
            key: |_: &u32| Vec::new(),
            send: &send,
            failed: |_: &u32| 0,
        };
        let err = block_on(batch(&[1, 2, 3, 4], &plan)).unwrap_err();
        assert_eq!(err.done().sent(), 2);
        assert!(err.action_error().is_some());
        assert!(!err.is_listing());
        assert!(err.to_string().contains("after 2 item(s)"), "{err}");
    }

    #[test]
    fn the_description_prints_as_the_cli_documents() {
        static MODEL: ResourceModel = ResourceModel {
            service: ResourceNode {
                identifiers: &[],
                load: None,
                actions: &["CreateBucket"],
                batch_actions: &[],
                waiters: &[],
                has: &["Bucket"],
                collections: &["buckets"],
            },
            resources: &[(
                "Bucket",
                ResourceNode {
                    identifiers: &["Name"],
                    load: None,
                    actions: &["Create"],
                    batch_actions: &[],
                    waiters: &["Exists"],
                    has: &[],
                    collections: &["objects"],
                },
            )],
        };
        let json = MODEL.to_json();
        assert_eq!(json["service"]["actions"][0], "CreateBucket");
        assert_eq!(json["resources"]["Bucket"]["load"], serde_json::Value::Null);
        assert_eq!(json["resources"]["Bucket"]["waiters"][0], "Exists");
    }

    #[test]
    fn limited_pages_stop_asking_once_the_limit_is_reached() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        let pages = futures_util::stream::iter(0..10).map(move |i| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(vec![i; 3])
        });
        let got: Vec<_> = block_on(limit_pages(pages, Some(7)).collect::<Vec<_>>());
        let sizes: Vec<usize> = got.iter().map(|p| p.as_ref().unwrap().len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
        assert_eq!(asked.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_collection_batch_chunks_its_items_and_keeps_going() {
        let items = futures_util::stream::iter((0..7).map(Ok::<u32, std::io::Error>));
        let outcome = block_on(batch_collection(items, 3, |chunk: Vec<u32>| async move {
            let mut o = BatchOutcome::<Vec<u32>>::default();
            let n = chunk.len();
            o.record(chunk, n, 0);
            Ok::<_, BatchError<NoErrors, Vec<u32>>>(o)
        }))
        .unwrap();
        assert_eq!(
            outcome.responses(),
            &[vec![0, 1, 2], vec![3, 4, 5], vec![6]]
        );
        assert_eq!(outcome.sent(), 7);
    }

    #[test]
    fn nothing_to_do_sends_nothing() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = AtomicUsize::new(0);
        let send = |_: &u32, _: &[&u32]| -> BatchFuture<u32, NoErrors> {
            calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(0) })
        };
        let plan = BatchPlan {
            max: 10,
            key: |_: &u32| Vec::new(),
            send: &send,
            failed: |_: &u32| 0,
        };
        let outcome = block_on(batch(&[], &plan)).unwrap();
        assert_eq!((outcome.sent(), outcome.responses().len()), (0, 0));
        assert!(outcome.is_complete());
        let none = futures_util::stream::iter(Vec::<Result<u32, std::io::Error>>::new());
        let outcome = block_on(batch_collection(none, 10, |chunk: Vec<u32>| {
            let chunk: Vec<u32> = chunk;
            async move {
                let _ = chunk;
                Ok::<_, BatchError<NoErrors, u32>>(BatchOutcome::default())
            }
        }))
        .unwrap();
        assert_eq!(outcome.sent(), 0);
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        // A limit of zero asks for no page at all.
        let asked = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        let pages = futures_util::stream::iter(0..3).map(move |i| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(vec![i])
        });
        let got: Vec<_> = block_on(limit_pages(pages, Some(0)).collect::<Vec<_>>());
        assert!(got.is_empty());
        assert_eq!(asked.load(Ordering::SeqCst), 0);
    }
}
