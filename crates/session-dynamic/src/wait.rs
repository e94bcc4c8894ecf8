//! Waiters by name: `client.wait("FunctionActive", input).await` polls the model's
//! operation with its acceptors and delays (`waiters-2.json`), through the runtime's
//! waiter — the one the typed crates use — bounded by attempts and total time.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use session_runtime::shapes::Operation;
use session_runtime::value::Value;
use session_runtime::{ModeledError, OperationError, Waiter};
use session_tower::ServiceError;

use crate::client::DynClient;
use crate::error::Error;

/// A wait being set up; `.await` it. Bounds default to the model's (delay × attempts, at
/// most 30 minutes in all).
#[must_use = "a wait does nothing until awaited"]
pub struct Wait {
    client: DynClient,
    name: String,
    input: Value,
    max_wait: Option<Duration>,
    min_delay: Option<Duration>,
    max_delay: Option<Duration>,
    max_attempts: Option<u32>,
}

impl std::fmt::Debug for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("name", &self.name)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

impl DynClient {
    /// Waits with the model's waiter `name` (`FunctionActive`, `InstanceRunning`), polling
    /// its operation with `input`. Resolves to the answer that settled it: the output, or
    /// `Value::Null` for a waiter whose success is an error (`...NotExists`).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use session_dynamic::{SessionDynExt as _, Value};
    ///
    /// # async fn run(session: session_core::Session) -> Result<(), session_dynamic::Error> {
    /// let lambda = session.dyn_client("lambda")?;
    /// lambda
    ///     .wait("FunctionActive", Value::map().with("FunctionName", "f"))
    ///     .max_wait(Duration::from_secs(60))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn wait(&self, name: &str, input: impl Into<Value>) -> Wait {
        Wait {
            client: self.clone(),
            name: name.to_owned(),
            input: input.into(),
            max_wait: None,
            min_delay: None,
            max_delay: None,
            max_attempts: None,
        }
    }

    /// The model's waiter names, sorted.
    ///
    /// # Errors
    /// A waiters file that cannot be read.
    pub fn waiter_names(&self) -> Result<Vec<String>, Error> {
        Ok(self.model().specs()?.waiters.keys().cloned().collect())
    }

    /// The model's paginated operations, sorted.
    ///
    /// # Errors
    /// A paginators file that cannot be read.
    pub fn paginator_names(&self) -> Result<Vec<String>, Error> {
        Ok(self.model().specs()?.paginators.keys().cloned().collect())
    }
}

impl Wait {
    /// Bounds the whole wait.
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.max_wait = Some(d);
        self
    }

    /// The shortest delay between attempts (the model's `delay` by default).
    pub fn min_delay(mut self, d: Duration) -> Self {
        self.min_delay = Some(d);
        self
    }

    /// The longest delay between attempts.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = Some(d);
        self
    }

    /// The most attempts (the model's `maxAttempts` by default).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n);
        self
    }

    async fn run(self) -> Result<Value, Error> {
        let model = self.client.model();
        let specs = model.specs()?;
        let Some(waiter) = specs.waiters.get(&self.name) else {
            let names: Vec<&str> = specs.waiters.keys().map(String::as_str).collect();
            return Err(Error::config(format!(
                "{} has no waiter {:?} (waiters: {})",
                self.client.service_name(),
                self.name,
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            )));
        };
        let op = self.client.operation(&waiter.operation)?;
        let slot = Arc::new(Mutex::new(None));
        let call = Call {
            client: self.client.clone(),
            op,
            input: self.input,
            stack_error: slot.clone(),
        };
        let mut w = Waiter::new(waiter.spec, call, send_once);
        if let Some(d) = self.min_delay {
            w = w.min_delay(d);
        }
        if let Some(d) = self.max_delay {
            w = w.max_delay(d);
        }
        if let Some(n) = self.max_attempts {
            w = w.max_attempts(n);
        }
        if let Some(d) = self.max_wait {
            w = w.max_wait(d);
        }
        match w.wait().await {
            Ok(done) => Ok(done.into_output().unwrap_or(Value::Null)),
            Err(e) => {
                let message = e.to_string();
                let last = match e.into_last_result() {
                    Some(Err(oe)) => match oe.into_service() {
                        Ok(Raw(se)) => {
                            Some(self.client.error(op, session_tower::Error::service(se)))
                        }
                        Err(_) => slot
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .take(),
                    },
                    _ => None,
                };
                Err(Error::waiter(message, last))
            }
        }
    }
}

impl IntoFuture for Wait {
    type Output = Result<Value, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// One attempt's call: cloned for each attempt.
#[derive(Clone)]
struct Call {
    client: DynClient,
    op: &'static Operation,
    input: Value,
    /// The last attempt's error when the service did not answer (the waiter only sees
    /// that there was one).
    stack_error: Arc<Mutex<Option<Error>>>,
}

/// A service error as the waiter sees it: its code and status (members are parsed from
/// it afterwards, for the error the wait ends with).
#[derive(Debug)]
struct Raw(ServiceError);

impl ModeledError for Raw {
    fn from_service_error(service: ServiceError) -> Self {
        Raw(service)
    }

    fn service_error(&self) -> &ServiceError {
        &self.0
    }
}

type Attempt = Pin<Box<dyn Future<Output = Result<Value, OperationError<Raw>>> + Send>>;

fn send_once(call: Call) -> Attempt {
    Box::pin(async move {
        let service = call.client.tables();
        match session_runtime::wire::call::call_value(
            call.client.raw(),
            service,
            call.op,
            &call.input,
            None,
        )
        .await
        {
            Ok((out, _)) => Ok(out),
            Err(e) if e.is_service() => Err(OperationError::stack(e)),
            Err(e) => {
                let message = e.to_string();
                let ours = call.client.error(call.op, e);
                *call
                    .stack_error
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(ours);
                Err(OperationError::stack(session_tower::Error::request(
                    message,
                )))
            }
        }
    })
}
