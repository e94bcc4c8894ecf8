//! The error of a generated operation: the service refused it (the operation's error enum,
//! where modeled errors can be matched) or the call never got an answer (a stack error).

use std::error::Error as StdError;
use std::fmt;

use session_tower::error::{Error, ServiceError};

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
