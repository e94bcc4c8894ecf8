//! Test stubbing, as boto3's `Stubber` does it: a client whose calls are answered from a
//! queue of stubbed responses, in order, with no network and no configuration.
//!
//! What differs from boto3 is how much of the real client runs. A stubbed call goes through
//! the real stack: the input is validated and serialized, the endpoint resolved, the request
//! signed, and the stubbed answer is written in the service's protocol and read back by the
//! same parsers and error classification a real answer meets. Only the socket is missing.
//! An expected input is checked the same way: it is written into a request by a reference
//! client with the same settings, and the two requests are compared (method, URL, the
//! headers the model binds, the body as data), so an expected input holds exactly when the
//! service would have received the same request.
//!
//! The typed crates' clients come from [`Stubber::for_service`]; the dynamic client's from
//! its `stubbed()`; `aws_session::testing` and `docs/testing.md` show both at work.
//!
//! A stubbed client sends each call once (retries would take the next stubbed answer):
//! give the builder a retry configuration to test retries, and stub one answer per attempt.

mod compare;
mod transport;

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde::Serialize;
use session_core::Session;
use session_tower::retry::RetryConfig;
use session_tower::{Client, ClientBuilder, ServiceInfo};

pub use transport::StubTransport;

use crate::shapes::{Operation, Service};
use crate::value::Value;
use crate::wire::reply::{self, Reply};

/// The idempotency token of every stubbed call (the caller's and the expected input's
/// alike), so that an expected input need not guess one.
pub const IDEMPOTENCY_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// The request id of the stubbed answers (`stub-request-<n>`, from 1).
const REQUEST_ID_PREFIX: &str = "stub-request-";

/// Answers the calls of stubbed clients from a queue, in the order responses were added.
/// Cheap to clone; clones share the queue.
#[derive(Clone)]
pub struct Stubber {
    shared: Arc<Shared>,
}

impl fmt::Debug for Stubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stubber")
            .field("service", &self.shared.service.name)
            .field("pending", &self.pending())
            .finish_non_exhaustive()
    }
}

/// What the queue and the transport share.
struct Shared {
    service: &'static Service,
    queue: Mutex<VecDeque<Expected>>,
    /// What went wrong in calls: an unexpected call, a mismatched input.
    failures: Mutex<Vec<String>>,
    /// Writes expected inputs into requests: the stubbed client's settings, a capturing
    /// transport.
    reference: OnceLock<Client>,
    added: Mutex<u64>,
}

/// One stubbed answer and what the call that takes it must be.
struct Expected {
    op: &'static Operation,
    /// The input the call must send; `None`: any.
    input: Option<Value>,
    reply: Reply,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Stubber {
    /// A stubber for `service` (its shape tables). Attach it to a client with
    /// [`attach`](Self::attach); the typed crates' [`for_service`](Self::for_service) and
    /// the dynamic client's `stubbed()` do that for you.
    pub fn new(service: &'static Service) -> Self {
        Self {
            shared: Arc::new(Shared {
                service,
                queue: Mutex::new(VecDeque::new()),
                failures: Mutex::new(Vec::new()),
                reference: OnceLock::new(),
                added: Mutex::new(0),
            }),
        }
    }

    /// A session that needs nothing from the machine: region `us-east-1`, fixed test
    /// credentials, no environment, empty config files.
    ///
    /// # Panics
    /// Never: the settings are fixed and valid.
    pub fn session() -> Session {
        Session::builder()
            .env(session_core::Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id("AKIDSTUBBED")
            .secret_access_key("stubbed-secret-key")
            .build()
            .unwrap_or_else(|e| unreachable!("the stub session's fixed settings: {e}"))
    }

    /// A client of typed service `S` answered by a new stubber, over [`Stubber::session`].
    ///
    /// # Errors
    /// The client cannot be built (see [`ClientBuilder::build`]).
    pub fn for_service<S: crate::typed::Modeled>(
    ) -> Result<(S::Client, Stubber), session_tower::Error> {
        Self::for_service_with::<S>(&Self::session(), |b| b)
    }

    /// A client of typed service `S` over `session`, answered by a new stubber; `configure`
    /// adds layers or settings to the client's builder.
    ///
    /// # Errors
    /// The client cannot be built (no region for a regional service, ...).
    pub fn for_service_with<S: crate::typed::Modeled>(
        session: &Session,
        configure: impl FnOnce(ClientBuilder<S::Client>) -> ClientBuilder<S::Client>,
    ) -> Result<(S::Client, Stubber), session_tower::Error> {
        let stubber = Stubber::new(S::tables());
        let client = stubber.attach(session, S::INFO, configure)?;
        Ok((client, stubber))
    }

    /// Builds a client of `info` over `session` that this stubber answers (and the
    /// reference client that writes expected inputs). The builder comes with the stub
    /// transport, one attempt per call and the fixed [`IDEMPOTENCY_TOKEN`]; `configure`
    /// may change any of that but the transport.
    ///
    /// # Errors
    /// Either client cannot be built; attaching a second client of another session or
    /// service is refused (expected inputs are written with the first one's settings).
    pub fn attach<C: From<Client>>(
        &self,
        session: &Session,
        info: &'static ServiceInfo,
        configure: impl FnOnce(ClientBuilder<C>) -> ClientBuilder<C>,
    ) -> Result<C, session_tower::Error> {
        self.install(ClientBuilder::new(session, info))?;
        configure(prepared(ClientBuilder::new(session, info)))
            .http_client(StubTransport::new(self.shared.clone()))
            .build()
    }

    /// [`attach`](Self::attach) for builders you made (the dynamic client's): `client`
    /// becomes the stubbed client, with the settings of [`attach`](Self::attach) put over
    /// its own, and `reference`, a builder with the same settings, the reference client.
    ///
    /// # Errors
    /// As [`attach`](Self::attach).
    pub fn attach_builders<C: From<Client>>(
        &self,
        client: ClientBuilder<C>,
        reference: ClientBuilder<Client>,
    ) -> Result<C, session_tower::Error> {
        self.install(reference)?;
        prepared(client)
            .http_client(StubTransport::new(self.shared.clone()))
            .build()
    }

    /// Builds the reference client from `reference`: the stubbed client's settings with a
    /// transport that captures requests instead of sending them.
    fn install(&self, reference: ClientBuilder<Client>) -> Result<(), session_tower::Error> {
        let reference = prepared(reference)
            .http_client(transport::Capture)
            .build()?;
        self.shared.reference.set(reference).map_err(|_| {
            session_tower::Error::request(
                "stubber: a stubber answers one client (and its clones); make another",
            )
        })
    }

    fn operation(&self, name: &str) -> Result<&'static Operation, StubError> {
        self.shared.service.operation(name).ok_or_else(|| {
            StubError::invalid(format!(
                "{} has no operation {name:?}",
                self.shared.service.service_id
            ))
        })
    }

    fn next_request_id(&self) -> String {
        let mut n = lock(&self.shared.added);
        *n += 1;
        format!("{REQUEST_ID_PREFIX}{n}")
    }

    fn push(&self, op: &'static Operation, input: Option<Value>, reply: Reply) {
        lock(&self.shared.queue).push_back(Expected { op, input, reply });
    }

    /// Queues `output` as the answer to the next call, which must be of `operation` with
    /// `expected_input` (a [`Value`] by model member names, or a typed crate's request
    /// struct). The output is a [`Value`] of the output's members by model name
    /// (`serde_json::json!` works too); a streamed payload (S3's `Body`) is its bytes.
    ///
    /// # Errors
    /// No such operation, an input that cannot be read as a value, or an output that does
    /// not fit the operation's output shape (every problem listed: unknown members, wrong
    /// types, required members left out).
    pub fn add_response<I: Serialize + std::any::Any>(
        &self,
        operation: &str,
        expected_input: &I,
        output: impl Into<Value>,
    ) -> Result<(), StubError> {
        let op = self.operation(operation)?;
        // A value is taken as it is (its blobs stay bytes); anything else through its
        // serialized form, which the model reads.
        let input = match (expected_input as &dyn std::any::Any).downcast_ref::<Value>() {
            Some(v) => v.clone(),
            None => Value::from_serialize(expected_input)
                .map_err(|e| StubError::invalid(format!("{operation}: the expected input: {e}")))?,
        };
        let reply = self.output_reply(op, &output.into())?;
        self.push(op, Some(input), reply);
        Ok(())
    }

    /// Queues `output` as the answer to the next call, which must be of `operation`, with
    /// any input.
    ///
    /// # Errors
    /// As [`add_response`](Self::add_response).
    pub fn add_response_for_any_input(
        &self,
        operation: &str,
        output: impl Into<Value>,
    ) -> Result<(), StubError> {
        let op = self.operation(operation)?;
        let reply = self.output_reply(op, &output.into())?;
        self.push(op, None, reply);
        Ok(())
    }

    fn output_reply(&self, op: &'static Operation, output: &Value) -> Result<Reply, StubError> {
        let id = self.next_request_id();
        reply::output(self.shared.service, op, output, &id)
            .map_err(|e| StubError::invalid(format!("{}: the stubbed output: {e}", op.name)))
    }

    /// Queues an error answer to the next call, which must be of `operation` (any input):
    /// the service's error `code` with `message` and HTTP `status` (boto3's
    /// `add_client_error`; 400 is its default). The call fails as it would against the
    /// service: a modeled code is its typed error, a 5xx or throttling code is retryable.
    ///
    /// # Errors
    /// No such operation.
    pub fn add_client_error(
        &self,
        operation: &str,
        code: &str,
        message: &str,
        status: u16,
    ) -> Result<(), StubError> {
        self.add_modeled_error(operation, code, message, status, Value::Null)
    }

    /// [`add_client_error`](Self::add_client_error) with members of the error's modeled
    /// shape (`fields`, by model name), as boto3's `modeled_fields`.
    ///
    /// # Errors
    /// No such operation, a code the service does not model, or fields that do not fit
    /// the error's shape.
    pub fn add_modeled_error(
        &self,
        operation: &str,
        code: &str,
        message: &str,
        status: u16,
        fields: impl Into<Value>,
    ) -> Result<(), StubError> {
        let op = self.operation(operation)?;
        let id = self.next_request_id();
        let reply = reply::error(
            self.shared.service,
            code,
            message,
            status,
            &fields.into(),
            &id,
        )
        .map_err(|e| StubError::invalid(format!("{operation}: the stubbed error: {e}")))?;
        self.push(op, None, reply);
        Ok(())
    }

    /// How many stubbed answers no call has taken yet.
    pub fn pending(&self) -> usize {
        lock(&self.shared.queue).len()
    }

    /// `Ok` when every stubbed answer was taken and no call went wrong (an unexpected
    /// operation, a mismatched input, a call with nothing stubbed); else an error listing
    /// all of it.
    ///
    /// # Errors
    /// As said.
    pub fn verify(&self) -> Result<(), StubError> {
        let mut problems: Vec<String> = lock(&self.shared.failures).clone();
        for e in lock(&self.shared.queue).iter() {
            problems.push(format!("{}: a stubbed answer no call took", e.op.name));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StubError::unmet(problems))
        }
    }

    /// boto3's `assert_no_pending_responses`, also failing on calls that went wrong.
    ///
    /// # Panics
    /// When [`verify`](Self::verify) fails, with its list.
    #[track_caller]
    pub fn assert_no_pending_responses(&self) {
        if let Err(e) = self.verify() {
            panic!("{e}");
        }
    }
}

/// The builder settings every stubbed client starts from.
fn prepared<C: From<Client>>(builder: ClientBuilder<C>) -> ClientBuilder<C> {
    builder
        .retry(RetryConfig::standard().max_attempts(1))
        .idempotency_token_provider(|| IDEMPOTENCY_TOKEN.to_owned())
}

/// What went wrong with stubbing: a stub that cannot be made, a call that did not match,
/// or answers left over.
#[derive(Debug, Clone)]
pub struct StubError {
    kind: StubErrorKind,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StubErrorKind {
    Invalid,
    Mismatch,
    Unexpected,
    Unmet,
}

impl StubError {
    fn invalid(message: String) -> Self {
        Self {
            kind: StubErrorKind::Invalid,
            message,
        }
    }

    pub(crate) fn mismatch(message: String) -> Self {
        Self {
            kind: StubErrorKind::Mismatch,
            message,
        }
    }

    pub(crate) fn unexpected(message: String) -> Self {
        Self {
            kind: StubErrorKind::Unexpected,
            message,
        }
    }

    fn unmet(problems: Vec<String>) -> Self {
        let mut message = format!("stubber: {} problem(s):", problems.len());
        for p in problems {
            message.push_str("\n  - ");
            message.push_str(&p);
        }
        Self {
            kind: StubErrorKind::Unmet,
            message,
        }
    }

    /// The stub could not be made: no such operation, an output or error that does not
    /// fit the model.
    pub fn is_invalid(&self) -> bool {
        self.kind == StubErrorKind::Invalid
    }

    /// A call's request did not match the expected operation or input.
    pub fn is_mismatch(&self) -> bool {
        self.kind == StubErrorKind::Mismatch
    }

    /// A call came with no stubbed answer left.
    pub fn is_unexpected(&self) -> bool {
        self.kind == StubErrorKind::Unexpected
    }

    /// [`Stubber::verify`] found answers left over or calls that went wrong.
    pub fn is_unmet(&self) -> bool {
        self.kind == StubErrorKind::Unmet
    }
}

impl fmt::Display for StubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StubError {}
