//! The call path of generated operations, and their error type.

use std::error::Error as StdError;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Client;
use crate::error::{Error, ServiceError};
use crate::protocol::rpc::{json_request, read_body};

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
    I: Serialize,
    O: DeserializeOwned,
    E: ModeledError,
{
    let mut req = json_request(client.service_info().protocol, operation, target, input)?;
    if let Some(prefix) = host_prefix {
        req.extensions_mut()
            .insert(crate::endpoint::HostPrefix(prefix));
    }
    let (_, body) = read_body(client.send(req).await?).await?;
    let body: &[u8] = if body.trim_ascii().is_empty() {
        b"{}"
    } else {
        &body
    };
    serde_json::from_slice(body).map_err(|e| {
        OperationError::stack(
            Error::response(format!(
                "{operation}: the response does not match the model"
            ))
            .with_source(e),
        )
    })
}
