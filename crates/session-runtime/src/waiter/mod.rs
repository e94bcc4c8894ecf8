//! Waiters: an operation polled until its answer says a resource reached a state.
//!
//! A waiter (from a model's `waiters-2.json`) is an operation, a first delay, an attempt
//! limit and a list of acceptors. Each attempt's answer (output or error) is checked
//! against the acceptors in order; the first that matches decides: `success` ends the wait
//! with that answer, `failure` ends it with a [`WaiterError`], `retry` polls again. When
//! none matches, an error answer ends the wait (an error nobody expected) and an output
//! polls again.
//!
//! Timing follows the Smithy waiter specification: the first retry comes after the model's
//! delay (the minimum delay); later ones back off exponentially with full jitter between
//! the minimum delay and `min × 2^(attempt-1)`, capped at a maximum delay (120 s by
//! default). Two bounds stop a wait that never settles: the model's attempt limit, and a
//! total wait ([`Waiter::max_wait`]) that defaults to delay × attempts, at most 30 minutes.
//! Unlike Smithy, which skips an attempt that would land within one minimum delay of the
//! deadline, the last attempt is made at the deadline itself: a `max_wait` shorter than the
//! model's delay (2 s against DynamoDB's 20 s) still gets a second look instead of failing
//! after the first. Requests are never cancelled; one already in flight at the deadline is
//! bounded by the client's own timeouts.

pub(crate) mod path;

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use self::path::{json_eq, Path};
use crate::error::{ModeledError, OperationError};

/// What a matching acceptor makes of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    /// The wait is over: the resource is in the wanted state.
    Success,
    /// The wait is over: the resource will never reach the wanted state.
    Failure,
    /// Poll again.
    Retry,
}

/// A value a path matcher compares with (the model's `expected`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expected {
    /// A string.
    String(&'static str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
}

impl Expected {
    fn to_json(self) -> Value {
        match self {
            Self::String(s) => Value::from(s),
            Self::Bool(b) => Value::from(b),
            Self::Int(i) => Value::from(i),
            Self::Float(f) => Value::from(f),
        }
    }
}

/// How an acceptor inspects an attempt's answer.
///
/// Path matchers look at a successful output only, serialized to JSON with the model's
/// member names; their paths are the JMESPath subset documented on this module's parser
/// (fields, indexes, projections, filters, comparisons, `length`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Matcher {
    /// `path`: the path's value equals the expected value.
    Path(&'static str, Expected),
    /// `pathAll`: the path gives a non-empty list whose every element equals the value.
    PathAll(&'static str, Expected),
    /// `pathAny`: the path gives a list with at least one element equal to the value.
    PathAny(&'static str, Expected),
    /// `status`: the HTTP status of the answer. A successful output counts as 200: the
    /// generated outputs do not keep their status, and every success status the models'
    /// waiters test for is 200.
    Status(u16),
    /// `error` with a code: the service answered with this error code.
    Error(&'static str),
    /// `error: true`: the service answered with any error.
    AnyError,
    /// `error: false`: the call succeeded.
    NoError,
}

/// One acceptor: a matcher and the state it leads to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Acceptor {
    /// The state when the matcher matches.
    pub state: AcceptorState,
    /// What it matches.
    pub matcher: Matcher,
}

/// A waiter's definition, as generated from `waiters-2.json`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaiterSpec {
    /// The waiter's model name, e.g. `TableExists` (for errors and tracing).
    pub name: &'static str,
    /// The model's `delay` in seconds: the minimum delay between attempts.
    pub delay: u64,
    /// The model's `maxAttempts`.
    pub max_attempts: u32,
    /// Checked in order; the first match decides.
    pub acceptors: &'static [Acceptor],
}

/// The default maximum delay between attempts (Smithy's default).
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(120);

/// The ceiling on the default total wait: delay × attempts of a slow waiter (an export,
/// 20 s × 60) stays under it, while a model with a huge product cannot make a caller that
/// did not ask for it wait for hours.
pub const DEFAULT_MAX_WAIT_CAP: Duration = Duration::from_secs(30 * 60);

type CallFuture<O, E> = Pin<Box<dyn Future<Output = Result<O, OperationError<E>>> + Send>>;

/// A waiter being set up: `C` is the operation's request builder (polled by cloning it),
/// `O` and `E` its output and error types. Set the call's members with
/// [`input`](Self::input), optionally the bounds, then [`wait`](Self::wait).
#[must_use]
pub struct Waiter<C, O, E> {
    spec: &'static WaiterSpec,
    call: C,
    send: fn(C) -> CallFuture<O, E>,
    min_delay: Duration,
    max_delay: Duration,
    max_attempts: u32,
    max_wait: Duration,
}

impl<C, O, E> Waiter<C, O, E>
where
    C: Clone,
    O: Serialize,
    E: ModeledError,
{
    /// A waiter polling `call` (sent with `send`) by the rules of `spec`.
    pub fn new(spec: &'static WaiterSpec, call: C, send: fn(C) -> CallFuture<O, E>) -> Self {
        let min_delay = Duration::from_secs(spec.delay.max(1));
        let max_attempts = spec.max_attempts.max(1);
        let max_wait = min_delay
            .saturating_mul(max_attempts)
            .min(DEFAULT_MAX_WAIT_CAP);
        Self {
            spec,
            call,
            send,
            min_delay,
            max_delay: DEFAULT_MAX_DELAY.max(min_delay),
            max_attempts,
            max_wait,
        }
    }

    /// Sets the polled call's members: `.input(|call| call.table_name("t"))`.
    pub fn input(mut self, set: impl FnOnce(C) -> C) -> Self {
        self.call = set(self.call);
        self
    }

    /// The polled call as set so far.
    pub fn call(&self) -> &C {
        &self.call
    }

    /// Bounds the whole wait: no attempt starts later than `max_wait` after the first.
    /// Defaults to the model's delay × attempts, at most [`DEFAULT_MAX_WAIT_CAP`].
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The shortest delay between attempts (the model's `delay` by default; at least 1 ms).
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay.max(Duration::from_millis(1));
        self.max_delay = self.max_delay.max(self.min_delay);
        self
    }

    /// The longest delay between attempts ([`DEFAULT_MAX_DELAY`] by default; never below
    /// the minimum delay).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay.max(self.min_delay);
        self
    }

    /// The most attempts (the model's `maxAttempts` by default; at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Polls until an acceptor ends the wait or a bound is reached.
    ///
    /// # Errors
    /// A [`WaiterError`]: a failure acceptor matched, an error no acceptor expected, the
    /// attempt limit or the total wait was reached, or the waiter's definition has a path
    /// this runtime cannot evaluate (nothing is sent then).
    pub async fn wait(self) -> Result<Waited<O, E>, WaiterError<O, E>> {
        let spec = self.spec;
        let fail = |kind, last, attempts, elapsed| WaiterError {
            waiter: spec.name,
            kind,
            last,
            attempts,
            elapsed,
            max_wait: self.max_wait,
            max_attempts: self.max_attempts,
        };
        let acceptors = match compile(spec.acceptors) {
            Ok(a) => a,
            Err(why) => return Err(fail(Kind::Invalid(why), None, 0, Duration::ZERO)),
        };
        let needs_json = acceptors.iter().any(|a| a.path.is_some());
        let start = tokio::time::Instant::now();
        let deadline = start + self.max_wait;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let result = (self.send)(self.call.clone()).await;
            let output_json = match (&result, needs_json) {
                // Serializing a generated output cannot fail (string keys only; non-finite
                // floats become null); if it ever did, null makes path matchers not match,
                // which only means another attempt.
                (Ok(output), true) => Some(serde_json::to_value(output).unwrap_or(Value::Null)),
                _ => None,
            };
            let elapsed = start.elapsed();
            let state = decide(&acceptors, &result, output_json.as_ref());
            tracing::debug!(
                waiter = spec.name,
                attempt,
                ?state,
                ok = result.is_ok(),
                "waiter attempt"
            );
            match state {
                Some(AcceptorState::Success) => {
                    return Ok(Waited {
                        result,
                        attempts: attempt,
                        elapsed,
                    })
                }
                Some(AcceptorState::Failure) => {
                    return Err(fail(Kind::Failure, Some(result), attempt, elapsed))
                }
                None if result.is_err() => {
                    return Err(fail(Kind::Unexpected, Some(result), attempt, elapsed))
                }
                Some(AcceptorState::Retry) | None => {}
            }
            if attempt >= self.max_attempts {
                return Err(fail(Kind::MaxAttempts, Some(result), attempt, elapsed));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(fail(Kind::MaxWait, Some(result), attempt, now - start));
            }
            let delay = backoff(attempt, self.min_delay, self.max_delay, fastrand::f64())
                .min(deadline - now);
            tokio::time::sleep(delay).await;
        }
    }
}

impl<C, O, E> fmt::Debug for Waiter<C, O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("name", &self.spec.name)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("max_attempts", &self.max_attempts)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// The delay before attempt `attempt + 1`: a uniform pick (`unit` in `[0, 1)`) between the
/// minimum delay and `min × 2^(attempt-1)`, that ceiling capped at the maximum delay.
fn backoff(attempt: u32, min: Duration, max: Duration, unit: f64) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    let ceiling = min.saturating_mul(factor).min(max).max(min);
    min + (ceiling - min).mul_f64(unit.clamp(0.0, 1.0))
}

struct Compiled {
    state: AcceptorState,
    matcher: Matcher,
    path: Option<Path>,
}

fn compile(acceptors: &[Acceptor]) -> Result<Vec<Compiled>, String> {
    acceptors
        .iter()
        .map(|a| {
            let path = match a.matcher {
                Matcher::Path(p, _) | Matcher::PathAll(p, _) | Matcher::PathAny(p, _) => {
                    Some(Path::parse(p).map_err(|e| format!("path {p:?}: {e}"))?)
                }
                _ => None,
            };
            Ok(Compiled {
                state: a.state,
                matcher: a.matcher,
                path,
            })
        })
        .collect()
}

/// The state of the first acceptor matching this attempt's answer.
fn decide<O, E: ModeledError>(
    acceptors: &[Compiled],
    result: &Result<O, OperationError<E>>,
    output_json: Option<&Value>,
) -> Option<AcceptorState> {
    acceptors
        .iter()
        .find(|a| matches(a, result, output_json))
        .map(|a| a.state)
}

fn matches<O, E: ModeledError>(
    acceptor: &Compiled,
    result: &Result<O, OperationError<E>>,
    output_json: Option<&Value>,
) -> bool {
    let value_at = || {
        let (Some(path), Some(json)) = (&acceptor.path, output_json) else {
            return None;
        };
        Some(path.eval(json))
    };
    match acceptor.matcher {
        Matcher::Path(_, want) => value_at().is_some_and(|v| json_eq(&v, &want.to_json())),
        Matcher::PathAll(_, want) => match value_at() {
            Some(Value::Array(items)) => {
                let want = want.to_json();
                !items.is_empty() && items.iter().all(|v| json_eq(v, &want))
            }
            _ => false,
        },
        Matcher::PathAny(_, want) => match value_at() {
            Some(Value::Array(items)) => {
                let want = want.to_json();
                items.iter().any(|v| json_eq(v, &want))
            }
            _ => false,
        },
        Matcher::Status(status) => match result {
            Ok(_) => status == 200,
            Err(e) => e.service_error().is_some_and(|s| s.status() == status),
        },
        Matcher::Error(code) => result.as_ref().err().and_then(|e| e.code()) == Some(code),
        Matcher::AnyError => result.as_ref().is_err_and(OperationError::is_service),
        Matcher::NoError => result.is_ok(),
    }
}

/// A wait that reached its success state: the answer that settled it (an output, or the
/// error a "does not exist" waiter waits for) and how long it took.
pub struct Waited<O, E> {
    result: Result<O, OperationError<E>>,
    attempts: u32,
    elapsed: Duration,
}

impl<O, E: ModeledError> Waited<O, E> {
    /// The output of the last attempt, when it succeeded.
    pub fn output(&self) -> Option<&O> {
        self.result.as_ref().ok()
    }

    /// The output of the last attempt, taken out.
    pub fn into_output(self) -> Option<O> {
        self.result.ok()
    }

    /// The error of the last attempt, when the success state is an error.
    pub fn error(&self) -> Option<&OperationError<E>> {
        self.result.as_ref().err()
    }

    /// The last attempt's answer.
    ///
    /// # Errors
    /// The operation error that settled the wait (for waiters whose success is an error).
    pub fn into_result(self) -> Result<O, OperationError<E>> {
        self.result
    }

    /// How many times the operation was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The time from the first attempt until the last answer.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl<O, E: ModeledError> fmt::Debug for Waited<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Waited");
        match &self.result {
            Ok(_) => d.field("result", &"output"),
            Err(e) => d.field("result", e),
        };
        d.field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Failure,
    Unexpected,
    MaxAttempts,
    MaxWait,
    Invalid(String),
}

/// Why a wait ended without reaching its success state. Check with the `is_*` methods;
/// the last attempt's answer is kept where there was one.
pub struct WaiterError<O, E> {
    waiter: &'static str,
    kind: Kind,
    last: Option<Result<O, OperationError<E>>>,
    attempts: u32,
    elapsed: Duration,
    max_wait: Duration,
    max_attempts: u32,
}

impl<O, E: ModeledError> WaiterError<O, E> {
    /// A `failure` acceptor matched: the resource will not reach the wanted state.
    pub fn is_failure_state(&self) -> bool {
        self.kind == Kind::Failure
    }

    /// The operation failed with an error no acceptor expected (see
    /// [`last_error`](Self::last_error)).
    pub fn is_unexpected_error(&self) -> bool {
        self.kind == Kind::Unexpected
    }

    /// The attempt limit was reached without settling.
    pub fn is_max_attempts_exceeded(&self) -> bool {
        self.kind == Kind::MaxAttempts
    }

    /// The total wait ran out without settling.
    pub fn is_max_wait_exceeded(&self) -> bool {
        self.kind == Kind::MaxWait
    }

    /// Either bound (attempts or total wait) was reached: the resource is still not in
    /// the wanted state.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, Kind::MaxAttempts | Kind::MaxWait)
    }

    /// The waiter's definition has a path this runtime cannot evaluate; nothing was sent.
    pub fn is_invalid(&self) -> bool {
        matches!(self.kind, Kind::Invalid(_))
    }

    /// The waiter's model name, e.g. `TableExists`.
    pub fn waiter_name(&self) -> &'static str {
        self.waiter
    }

    /// The output of the last attempt, when it succeeded.
    pub fn last_output(&self) -> Option<&O> {
        self.last.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// The error of the last attempt, when it failed.
    pub fn last_error(&self) -> Option<&OperationError<E>> {
        self.last.as_ref().and_then(|r| r.as_ref().err())
    }

    /// The last attempt's answer, if an attempt was made.
    pub fn into_last_result(self) -> Option<Result<O, OperationError<E>>> {
        self.last
    }

    /// How many times the operation was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The time from the first attempt until the wait ended.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl<O, E: ModeledError> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.waiter;
        let (n, secs) = (self.attempts, self.elapsed.as_secs_f64());
        let tries = if n == 1 { "attempt" } else { "attempts" };
        match &self.kind {
            Kind::Failure => write!(
                f,
                "waiter {name}: reached a failure state after {n} {tries} ({secs:.1}s)"
            )?,
            Kind::Unexpected => write!(
                f,
                "waiter {name}: the operation failed with an unexpected error after {n} {tries} ({secs:.1}s)"
            )?,
            Kind::MaxAttempts => write!(
                f,
                "waiter {name}: still not in the wanted state after its maximum of {} {tries} ({secs:.1}s)",
                self.max_attempts
            )?,
            Kind::MaxWait => write!(
                f,
                "waiter {name}: still not in the wanted state when its max wait of {:.1}s ran out ({n} {tries})",
                self.max_wait.as_secs_f64()
            )?,
            Kind::Invalid(why) => {
                return write!(f, "waiter {name}: its definition cannot be evaluated: {why}")
            }
        }
        if let Some(e) = self.last_error() {
            write!(f, "; last error: {e}")?;
        }
        Ok(())
    }
}

impl<O, E: ModeledError> fmt::Debug for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("WaiterError");
        d.field("waiter", &self.waiter)
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed);
        match &self.last {
            Some(Ok(_)) => d.field("last", &"output"),
            Some(Err(e)) => d.field("last", e),
            None => d.field("last", &"none"),
        };
        d.finish()
    }
}

impl<O, E: ModeledError> StdError for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.last_error().map(|e| e as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests;
