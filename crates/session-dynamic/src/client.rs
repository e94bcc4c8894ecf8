//! [`DynClient`]: a client of any service by name, and its builder.

use std::sync::Arc;

use session_core::Session;
use session_runtime::shapes::{Operation, Service};
use session_runtime::value::Value;
use session_tower::{Client, ClientBuilder, ServiceError};

use crate::error::Error;
use crate::registry::{self, ServiceModel};
use crate::source::ModelSource;
use crate::validate;

/// A client of one service, driven by its model at run time: `Clone + Send + Sync` (one
/// `Arc`), with everything a typed client has — the session's connection pool,
/// credentials cache, retries, timeouts, endpoint rules and the builder's layers — because
/// it is the same [`Client`] underneath, and the same interpreter writes its requests and
/// reads its answers.
///
/// ```no_run
/// use session_dynamic::{SessionDynExt as _, Value};
///
/// # async fn run(session: session_core::Session) -> Result<(), session_dynamic::Error> {
/// let lambda = session.dyn_client("lambda")?;
/// let out = lambda.call("ListFunctions", Value::map().with("MaxItems", 10)).await?;
/// for f in out.get("Functions").and_then(Value::as_list).unwrap_or_default() {
///     println!("{:?}", f.get("FunctionName"));
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DynClient {
    inner: Arc<Inner>,
}

struct Inner {
    model: Arc<ServiceModel>,
    client: Client,
    /// The builder's steps, replayed for a dry run's client.
    configure: Vec<Configure>,
    /// The endpoint found by endpoint discovery, for models that use it.
    discovered: crate::discovery::Discovered,
}

impl std::fmt::Debug for DynClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynClient")
            .field("service", &self.inner.model.name)
            .finish_non_exhaustive()
    }
}

type Configure = Arc<dyn Fn(ClientBuilder<Client>) -> ClientBuilder<Client> + Send + Sync>;

/// Sets up a [`DynClient`]: where models come from, and anything a typed client's builder
/// takes (layers, region, retries, timeouts, a transport).
#[must_use]
pub struct DynClientBuilder {
    session: Session,
    name: String,
    source: Option<ModelSource>,
    configure: Vec<Configure>,
}

impl std::fmt::Debug for DynClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynClientBuilder")
            .field("name", &self.name)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl DynClientBuilder {
    /// Reads models from `source` instead of [`ModelSource::from_session`].
    pub fn models(mut self, source: ModelSource) -> Self {
        self.source = Some(source);
        self
    }

    /// Sets the stack up as for a typed client:
    /// `.configure(|b| b.region("eu-west-1").layer(my_layer))`.
    pub fn configure(
        mut self,
        f: impl Fn(ClientBuilder<Client>) -> ClientBuilder<Client> + Send + Sync + 'static,
    ) -> Self {
        self.configure.push(Arc::new(f));
        self
    }

    /// The client. The service's model is read and built on the first client for it in
    /// this process; later clients share the tables.
    ///
    /// # Errors
    /// An unknown service (with the closest names), a model that cannot be read or built,
    /// or what [`ClientBuilder::build`] refuses (no region for a regional service...).
    pub fn build(self) -> Result<DynClient, Error> {
        let source = self
            .source
            .unwrap_or_else(|| ModelSource::from_session(&self.session));
        let model = registry::service(&source, &self.name)?;
        let client = configured(&self.session, &model, &self.configure)
            .build()
            .map_err(|e| Error::stack(&format!("{} client", self.name), e))?;
        Ok(DynClient {
            inner: Arc::new(Inner {
                model,
                client,
                configure: self.configure,
                discovered: crate::discovery::Discovered::default(),
            }),
        })
    }
}

/// A stack builder for `model` with the builder's steps applied.
fn configured(
    session: &Session,
    model: &ServiceModel,
    steps: &[Configure],
) -> ClientBuilder<Client> {
    steps
        .iter()
        .fold(Client::builder(session, model.info), |b, f| f(b))
}

impl DynClient {
    /// A stack builder like this client's (same session, service and steps).
    pub(crate) fn rebuild(&self) -> ClientBuilder<Client> {
        configured(self.raw().session(), self.model(), &self.inner.configure)
    }

    /// A client of `service` (botocore's name: `lambda`, `logs`, `secretsmanager`) with
    /// the session's settings and models from [`ModelSource::from_session`].
    ///
    /// # Errors
    /// See [`DynClientBuilder::build`].
    pub fn new(session: &Session, service: &str) -> Result<Self, Error> {
        Self::builder(session, service).build()
    }

    /// A builder, to choose the model source or set the stack up.
    pub fn builder(session: &Session, service: &str) -> DynClientBuilder {
        DynClientBuilder {
            session: session.clone(),
            name: service.to_owned(),
            source: None,
            configure: Vec::new(),
        }
    }

    /// This client with `client` as its stack (a stubbed one): the same model and steps,
    /// its own endpoint-discovery cache.
    pub(crate) fn with_raw(&self, client: Client) -> DynClient {
        DynClient {
            inner: Arc::new(Inner {
                model: self.inner.model.clone(),
                client,
                configure: self.inner.configure.clone(),
                discovered: crate::discovery::Discovered::default(),
            }),
        }
    }

    /// botocore's name of the service.
    pub fn service_name(&self) -> &str {
        &self.inner.model.name
    }

    /// The service's shape tables.
    pub fn tables(&self) -> &'static Service {
        self.inner.model.service
    }

    /// The underlying stack.
    pub fn raw(&self) -> &Client {
        &self.inner.client
    }

    /// The service's model: tables, paginators, waiters.
    pub fn model(&self) -> &ServiceModel {
        &self.inner.model
    }

    /// The operations, sorted by name.
    pub fn operation_names(&self) -> impl Iterator<Item = &'static str> {
        self.tables().operations.iter().map(|o| o.name)
    }

    /// The operation `name` of the model.
    ///
    /// # Errors
    /// No such operation (the error lists the closest names).
    pub fn operation(&self, name: &str) -> Result<&'static Operation, Error> {
        operation(self.tables(), self.service_name(), name)
    }

    /// Calls `operation` with `input` (a [`Value`] keyed by the model's member names, or
    /// anything that converts into one, such as `serde_json::Value`), and returns its
    /// output. The input is checked against the model first: nothing is sent when it does
    /// not fit, and the error lists every problem.
    ///
    /// # Errors
    /// [`Error::is_invalid`] (nothing sent), [`Error::is_service`] (the service's answer,
    /// with its modeled members), or the stack's error.
    pub async fn call(&self, operation: &str, input: impl Into<Value>) -> Result<Value, Error> {
        let op = self.operation(operation)?;
        let input = input.into();
        self.send(op, &input).await
    }

    /// [`call`](Self::call) with JSON in and out (blobs as base64, timestamps as RFC 3339).
    ///
    /// # Errors
    /// As [`call`](Self::call).
    pub async fn call_json(
        &self,
        operation: &str,
        input: &serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        Ok(self
            .call(operation, Value::from_json(input))
            .await?
            .to_json())
    }

    /// [`call`](Self::call) with any serializable input, through its JSON form.
    ///
    /// # Errors
    /// An input that cannot be serialized, or as [`call`](Self::call).
    pub async fn call_serialize<T: serde::Serialize + ?Sized>(
        &self,
        operation: &str,
        input: &T,
    ) -> Result<Value, Error> {
        let input = Value::from_serialize(input)
            .map_err(|e| Error::config(format!("{operation}: input: {e}")))?;
        self.call(operation, input).await
    }

    /// Checks `input` for `operation` without sending it: `Ok` with warnings (enum values
    /// the model does not list) or the invalid-input error listing every problem.
    ///
    /// # Errors
    /// An unknown operation, or [`Error::is_invalid`].
    pub fn validate(&self, operation: &str, input: &Value) -> Result<Vec<crate::Problem>, Error> {
        let op = self.operation(operation)?;
        let settings = self.raw().session().settings();
        let token = || String::from("00000000-0000-4000-8000-000000000000");
        let built = session_runtime::wire::request::build(
            self.tables(),
            op,
            input,
            session_runtime::wire::request::Context {
                token: &token,
                settings,
                stream: None,
            },
        );
        if let Err(session_runtime::wire::request::BuildError::Invalid(e)) = &built {
            let problems = e
                .problems()
                .iter()
                .map(|p| crate::Problem {
                    path: p.path.clone(),
                    message: p.message.clone(),
                })
                .collect();
            return Err(Error::invalid(op.name, problems));
        }
        if let Err(e) = built {
            return Err(Error::config(e.to_string()));
        }
        Ok(self.warnings(op, input))
    }

    /// Logs the input's warnings (enum values the model does not list) before a call.
    pub(crate) fn warn(&self, op: &Operation, input: &Value) {
        for w in self.warnings(op, input) {
            tracing::warn!(operation = op.name, "{w}");
        }
    }

    fn warnings(&self, op: &Operation, input: &Value) -> Vec<crate::Problem> {
        match op.input {
            Some(id) => validate::enum_warnings(self.tables(), id, input),
            None => Vec::new(),
        }
    }

    /// Sends one operation (the path every call, page and waiter attempt takes), to a
    /// discovered endpoint where the model and settings ask for one.
    pub(crate) async fn send(&self, op: &'static Operation, input: &Value) -> Result<Value, Error> {
        self.warn(op, input);
        if crate::discovery::wanted(self.raw(), op)? {
            return self.send_discovered(op, input).await;
        }
        self.send_plain(op, input).await
    }

    /// The endpoint discovery state of this client.
    pub(crate) fn discovery(&self) -> &crate::discovery::Discovered {
        &self.inner.discovered
    }

    /// Sends one operation to the endpoint the rules give.
    pub(crate) async fn send_plain(
        &self,
        op: &'static Operation,
        input: &Value,
    ) -> Result<Value, Error> {
        let service = self.tables();
        match session_runtime::wire::call::call_value(self.raw(), service, op, input, None).await {
            // A streamed output (S3's GetObject) is read whole into its payload member;
            // `call_streaming` hands it back unread.
            Ok(answer) => self.output(op, answer).await,
            Err(e) => Err(self.error(op, e)),
        }
    }

    /// The stack's error as ours: invalid input, the service's answer with its modeled
    /// members, or the stack's own.
    pub(crate) fn error(&self, op: &Operation, e: session_tower::Error) -> Error {
        if let Some(invalid) = validate::invalid_input(op.name, &e) {
            return invalid;
        }
        match e.into_service_error() {
            Ok(se) => {
                let members = modeled_members(self.tables(), op, &se);
                Error::service(op.name, se, members)
            }
            Err(e) => Error::stack(op.name, e),
        }
    }
}

/// The operation `name` of `service`, or an error naming the closest ones.
pub(crate) fn operation(
    service: &'static Service,
    service_name: &str,
    name: &str,
) -> Result<&'static Operation, Error> {
    if let Some(op) = service.operation(name) {
        return Ok(op);
    }
    let lower = name.to_ascii_lowercase();
    let mut close: Vec<&str> = service
        .operations
        .iter()
        .map(|o| o.name)
        .filter(|o| {
            let l = o.to_ascii_lowercase();
            l == lower || l.contains(&lower) || (lower.len() > 3 && lower.contains(&l))
        })
        .take(5)
        .collect();
    if close.is_empty() {
        close = service
            .operations
            .iter()
            .map(|o| o.name)
            .filter(|o| o.as_bytes().first() == name.as_bytes().first())
            .take(5)
            .collect();
    }
    let mut message = format!(
        "{service_name} has no operation {name:?} ({} operations)",
        service.operations.len()
    );
    if !close.is_empty() {
        message.push_str(&format!("; close names: {}", close.join(", ")));
    }
    Err(Error::config(message))
}

/// The members of the modeled error the code names: one of the operation's errors, else
/// any error shape of the service with that code.
fn modeled_members(service: &'static Service, op: &Operation, se: &ServiceError) -> Option<Value> {
    let code = se.code()?;
    let is = |id: &u32| {
        let s = service.shape(*id);
        s.error_code == Some(code) || s.name == code
    };
    let id = op.errors.iter().copied().find(is).or_else(|| {
        (0..service.shapes.len())
            .filter_map(|i| u32::try_from(i).ok())
            .find(|i| service.shape(*i).error_code.is_some() && is(i))
    })?;
    let mut members: Value = session_runtime::wire::response::parse_error(
        service,
        id,
        se.status(),
        se.headers(),
        se.body(),
    );
    members.prune_nulls(service, id);
    Some(members)
}
