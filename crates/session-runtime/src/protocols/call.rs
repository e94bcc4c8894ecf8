//! The call path of generated operations, and their error type.

use std::error::Error as StdError;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use session_tower::client::OperationMeta;
use session_tower::error::{Error, ServiceError};
use session_tower::protocol::rpc::json_request_bare;
use session_tower::Client;

/// An operation's error enum (generated): its modeled errors plus `Unhandled`.
pub trait ModeledError: Sized + fmt::Debug + Send + Sync + 'static {
    /// The modeled error `service` names (its fields parsed from the body), else
    /// `Unhandled`.
    fn from_service_error(service: ServiceError) -> Self;

    /// The service's answer behind this error: status, code, message, request id.
    fn service_error(&self) -> &ServiceError;
}

/// Why an operation failed: the service refused it (`E`, the operation's error enum, where
/// modeled errors can be matched), or the call never got an answer (a stack [`Error`]:
/// credentials, endpoint, timeout, connection, an invalid or missing input member, a
/// malformed response).
pub struct OperationError<E> {
    kind: Kind<E>,
}

enum Kind<E> {
    Service(E),
    Stack(Error),
}

impl<E: ModeledError> OperationError<E> {
    /// A failure before or outside the service's answer.
    pub fn stack(error: Error) -> Self {
        match error.into_service_error() {
            Ok(service) => Self {
                kind: Kind::Service(E::from_service_error(service)),
            },
            Err(error) => Self {
                kind: Kind::Stack(error),
            },
        }
    }

    /// The operation's error enum, when the service answered with an error.
    pub fn as_service(&self) -> Option<&E> {
        match &self.kind {
            Kind::Service(e) => Some(e),
            Kind::Stack(_) => None,
        }
    }

    /// The operation's error enum, taken out.
    ///
    /// # Errors
    /// `self` when the service never answered.
    pub fn into_service(self) -> Result<E, Self> {
        match self.kind {
            Kind::Service(e) => Ok(e),
            Kind::Stack(_) => Err(self),
        }
    }

    /// The stack error, when the service never answered.
    pub fn as_stack(&self) -> Option<&Error> {
        match &self.kind {
            Kind::Stack(e) => Some(e),
            Kind::Service(_) => None,
        }
    }

    /// The service's answer (status, code, message, request id), modeled or not.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.as_service().map(ModeledError::service_error)
    }

    /// The service's error code.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::code)
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::message)
    }

    /// The request id of the service's answer.
    pub fn request_id(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::request_id)
    }

    /// The service answered with an error.
    pub fn is_service(&self) -> bool {
        self.as_service().is_some()
    }

    /// An input member was missing or invalid; nothing was sent.
    pub fn is_request(&self) -> bool {
        self.as_stack().is_some_and(Error::is_request)
    }

    /// A timeout (attempt or operation).
    pub fn is_timeout(&self) -> bool {
        self.as_stack().is_some_and(Error::is_timeout)
    }

    /// A throttling answer (after retries).
    pub fn is_throttling(&self) -> bool {
        self.service_error()
            .is_some_and(ServiceError::is_throttling)
    }
}

impl<E: ModeledError> From<Error> for OperationError<E> {
    fn from(e: Error) -> Self {
        Self::stack(e)
    }
}

impl<E: ModeledError> fmt::Display for OperationError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Service(e) => write!(f, "service error: {}", e.service_error()),
            Kind::Stack(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: ModeledError> fmt::Debug for OperationError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Service(e) => f.debug_tuple("Service").field(e).finish(),
            Kind::Stack(e) => f.debug_tuple("Stack").field(e).finish(),
        }
    }
}

impl<E: ModeledError> StdError for OperationError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            Kind::Service(e) => Some(e.service_error()),
            Kind::Stack(e) => e.source(),
        }
    }
}

/// The error for a required member left unset: names it; nothing is sent.
pub fn missing_member(operation: &str, member: &str) -> Error {
    Error::request(format!(
        "{operation}: the required member {member} is not set"
    ))
}

/// Checks a value for a host label of an operation's host prefix: a DNS label (letters,
/// digits, hyphens; 1 to 63 characters, not starting or ending with a hyphen).
///
/// # Errors
/// An unset or invalid value, named; nothing is sent.
pub fn host_label<'a>(
    operation: &str,
    label: &str,
    value: Option<&'a str>,
) -> Result<&'a str, Error> {
    let value = value.ok_or_else(|| missing_member(operation, label))?;
    let ok = (1..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if ok {
        Ok(value)
    } else {
        Err(Error::request(format!(
            "{operation}: {label} = {value:?} cannot be part of a host name"
        )))
    }
}

/// Sends one AWS JSON operation through `client` and reads its output (an empty body is
/// an empty output). `host_prefix` (the operation's endpoint trait, labels filled in) is
/// put in front of the endpoint's host.
///
/// # Errors
/// The service's error as `E`, or a stack error.
pub async fn json_call<I, O, E>(
    client: &Client,
    operation: &'static str,
    target: &'static str,
    input: &I,
    host_prefix: Option<String>,
) -> Result<O, OperationError<E>>
where
    I: Serialize + Sync,
    O: DeserializeOwned,
    E: ModeledError,
{
    let protocol = client.service_info().protocol;
    // A retry serializes the input again rather than resending a copy kept from the start.
    let build = || json_request_bare(protocol, target, input);
    let meta = OperationMeta::named(operation).host_prefix(host_prefix);
    let body = exchange(client, &build, meta).await?;
    let body: &[u8] = if body.trim_ascii().is_empty() {
        b"{}"
    } else {
        &body
    };
    serde_json::from_slice(body).map_err(|e| malformed(operation, e))
}

/// Sends a request and reads the whole answer: the part of every call that does not
/// depend on its types, so it is compiled once rather than per operation.
///
/// An `async move` block, not an `async fn`: the request is held once, not twice.
fn exchange<'a>(
    client: &'a Client,
    build: &'a session_tower::client::Rebuild<'a>,
    meta: OperationMeta,
) -> impl std::future::Future<Output = Result<bytes::Bytes, Error>> + Send + 'a {
    let sending = client.send_rebuilding(build, meta);
    async move { sending.await?.into_body().collect().await }
}

/// What the query call path needs to know about an operation.
#[derive(Debug)]
pub struct QueryOp {
    /// The operation (the `Action`).
    pub name: &'static str,
    /// The input shape in the service's table.
    pub input: Option<crate::schema::ShapeId>,
    /// The output shape in the service's table.
    pub output: Option<crate::schema::ShapeId>,
    /// The element wrapping the output (`<OpResult>`).
    pub result_wrapper: Option<&'static str>,
}

/// Sends one AWS query operation: the input flattened into a form body by the shape table,
/// the XML answer read back into the output type.
///
/// # Errors
/// The service's error as `E`, or a stack error (a response that is not the XML the model
/// describes is a response error).
pub async fn query_call<I, O, E>(
    client: &Client,
    op: &QueryOp,
    shapes: &'static [crate::schema::Shape],
    input: &I,
    host_prefix: Option<String>,
) -> Result<O, OperationError<E>>
where
    I: Serialize,
    O: DeserializeOwned,
    E: ModeledError,
{
    let value = serde_json::to_value(input)
        .map_err(|e| Error::request("could not serialize the input").with_source(e))?;
    let out = send_query(client, op, shapes, &value, host_prefix).await?;
    serde_json::from_value(out).map_err(|e| malformed(op.name, e))
}

/// The type-independent part of [`query_call`]: the form body out, the output's value in.
async fn send_query(
    client: &Client,
    op: &QueryOp,
    shapes: &'static [crate::schema::Shape],
    value: &serde_json::Value,
    host_prefix: Option<String>,
) -> Result<serde_json::Value, Error> {
    let bad = |cause: String| mismatch(op.name, cause);
    let mut pairs = Vec::new();
    if let Some(id) = op.input {
        super::query::serialize(shapes, id, "", value, &mut pairs);
    }
    let body = bytes::Bytes::from(super::query::form_body(
        op.name,
        client.service_info().api_version,
        &pairs,
    ));
    let build = || {
        let mut req = http::Request::new(session_tower::body::SdkBody::from(body.clone()));
        *req.method_mut() = http::Method::POST;
        *req.uri_mut() = http::Uri::from_static("/");
        let headers = req.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from(body.len()),
        );
        Ok(req)
    };
    let meta = OperationMeta::named(op.name).host_prefix(host_prefix);
    let body = exchange(client, &build, meta).await?;
    let empty = serde_json::Value::Object(Default::default());
    let Some(output) = op.output else {
        return Ok(empty);
    };
    if body.trim_ascii().is_empty() {
        return Ok(empty);
    }
    let root = crate::xml::dom::parse(&body).map_err(bad)?;
    let wrapper = op
        .result_wrapper
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}Result", op.name));
    let el = root.child(&wrapper).unwrap_or(&root);
    Ok(crate::xml::read::read(shapes, output, el))
}

fn malformed<E: ModeledError>(
    operation: &str,
    cause: impl Into<session_tower::body::BoxError>,
) -> OperationError<E> {
    OperationError::stack(mismatch(operation, cause))
}

/// A response that does not fit the operation's model: one wording for every protocol.
pub(crate) fn mismatch(operation: &str, cause: impl Into<session_tower::body::BoxError>) -> Error {
    Error::response(format!(
        "{operation}: the response does not match the model"
    ))
    .with_source(cause)
}

/// A modeled error's members from an XML error answer: the body's `<Error>` element (or
/// the root) read by the shape table, plus members bound to headers. What does not parse
/// leaves them unset.
pub fn parse_xml_error<T: DeserializeOwned + Default>(
    shapes: &'static [crate::schema::Shape],
    shape: crate::schema::ShapeId,
    service: &ServiceError,
) -> T {
    fn find(el: &crate::xml::dom::Element) -> Option<&crate::xml::dom::Element> {
        if el.name == "Error" {
            return Some(el);
        }
        el.children.iter().find_map(find)
    }
    let mut value = match crate::xml::dom::parse(service.body()) {
        Ok(root) => crate::xml::read::read(shapes, shape, find(&root).unwrap_or(&root)),
        Err(_) => serde_json::Value::Object(Default::default()),
    };
    if let (serde_json::Value::Object(map), Some(crate::schema::Shape::Structure(members))) =
        (&mut value, shapes.get(usize::from(shape)))
    {
        super::rest::read_headers(shapes, members, service.headers(), service.status(), map);
    }
    serde_json::from_value(value).unwrap_or_default()
}
