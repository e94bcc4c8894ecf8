//! The dynamic client's error: what went wrong before, during or after a call, with the
//! service's answer (code, message, request id, modeled members) when there is one.

use std::error::Error as StdError;
use std::fmt;

use session_runtime::value::Value;
use session_tower::ServiceError;

/// One problem of an input, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `Functions[0].Environment.Variables` (empty for the input itself).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Why a dynamic call (or building a dynamic client) failed.
///
/// ```
/// # fn check(err: session_dynamic::Error) {
/// if err.is_error("ResourceNotFoundException") {
///     println!("{:?} ({:?})", err.message(), err.request_id());
/// }
/// for problem in err.problems() {
///     println!("{problem}"); // `Functions[0].Environment.Variables: expected a map, got a string`
/// }
/// # }
/// ```
pub struct Error {
    kind: Box<Kind>,
}

// Boxed in `Error`: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Kind {
    /// A configuration or usage problem: unknown service or operation, unreadable model.
    Config(String),
    /// The input does not fit the model.
    Invalid {
        operation: String,
        problems: Vec<Problem>,
    },
    /// The service answered with an error.
    Service {
        operation: String,
        error: ServiceError,
        members: Option<Value>,
    },
    /// The stack failed (credentials, endpoint, timeout, connection, response).
    Stack {
        operation: String,
        error: session_tower::Error,
    },
    /// A model source failed.
    Models(session_models::Error),
    /// A waiter ended without success.
    Waiter {
        message: String,
        last: Option<Box<Error>>,
    },
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self {
            kind: Box::new(Kind::Config(message.into())),
        }
    }

    pub(crate) fn models(e: session_models::Error) -> Self {
        Self {
            kind: Box::new(Kind::Models(e)),
        }
    }

    pub(crate) fn invalid(operation: &str, problems: Vec<Problem>) -> Self {
        Self {
            kind: Box::new(Kind::Invalid {
                operation: operation.to_owned(),
                problems,
            }),
        }
    }

    pub(crate) fn service(operation: &str, error: ServiceError, members: Option<Value>) -> Self {
        Self {
            kind: Box::new(Kind::Service {
                operation: operation.to_owned(),
                error,
                members,
            }),
        }
    }

    pub(crate) fn stack(operation: &str, error: session_tower::Error) -> Self {
        Self {
            kind: Box::new(Kind::Stack {
                operation: operation.to_owned(),
                error,
            }),
        }
    }

    pub(crate) fn waiter(message: String, last: Option<Error>) -> Self {
        Self {
            kind: Box::new(Kind::Waiter {
                message,
                last: last.map(Box::new),
            }),
        }
    }

    /// The service answered with an error.
    pub fn is_service(&self) -> bool {
        matches!(*self.kind, Kind::Service { .. })
    }

    /// The service answered with this error code (boto3's
    /// `e.response['Error']['Code'] == code`).
    pub fn is_error(&self, code: &str) -> bool {
        self.code() == Some(code)
    }

    /// The input did not fit the model; nothing was sent. See [`problems`](Self::problems).
    pub fn is_invalid(&self) -> bool {
        matches!(*self.kind, Kind::Invalid { .. })
    }

    /// A usage or configuration error: an unknown service or operation, a model or model
    /// source that cannot be read, an invalid input, a client that cannot be built (no
    /// region, say). The CLI exits with 2 for these, 1 for the others.
    pub fn is_config(&self) -> bool {
        match &*self.kind {
            Kind::Config(_) | Kind::Models(_) | Kind::Invalid { .. } => true,
            Kind::Stack { error, .. } => error.is_build() || error.is_no_region(),
            _ => false,
        }
    }

    /// A waiter ended without reaching its success state.
    pub fn is_waiter(&self) -> bool {
        matches!(*self.kind, Kind::Waiter { .. })
    }

    /// The problems of an invalid input, all of them (empty otherwise).
    pub fn problems(&self) -> &[Problem] {
        match &*self.kind {
            Kind::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The service's answer: status, code, message, request id, headers, body.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match &*self.kind {
            Kind::Service { error, .. } => Some(error),
            Kind::Waiter { last: Some(e), .. } => e.service_error(),
            _ => None,
        }
    }

    /// The service's error code.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::code)
    }

    /// The service's error message.
    pub fn message(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::message)
    }

    /// The request id of the service's answer.
    pub fn request_id(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::request_id)
    }

    /// The modeled error's members (by model name), when the code is a modeled error of
    /// the operation or the service.
    pub fn members(&self) -> Option<&Value> {
        match &*self.kind {
            Kind::Service { members, .. } => members.as_ref(),
            _ => None,
        }
    }

    /// The operation the error is about, if any.
    pub fn operation(&self) -> Option<&str> {
        match &*self.kind {
            Kind::Invalid { operation, .. }
            | Kind::Service { operation, .. }
            | Kind::Stack { operation, .. } => Some(operation),
            _ => None,
        }
    }

    /// The stack's error, when the call failed before or outside the service's answer.
    pub fn as_stack(&self) -> Option<&session_tower::Error> {
        match &*self.kind {
            Kind::Stack { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            Kind::Config(m) | Kind::Waiter { message: m, .. } => f.write_str(m),
            Kind::Models(e) => fmt::Display::fmt(e, f),
            Kind::Invalid {
                operation,
                problems,
            } => match problems.as_slice() {
                [one] => write!(f, "{operation}: invalid input: {one}"),
                many => {
                    write!(f, "{operation}: invalid input ({} problems):", many.len())?;
                    for p in many {
                        write!(f, "\n  - {p}")?;
                    }
                    Ok(())
                }
            },
            Kind::Service {
                operation, error, ..
            } => write!(
                f,
                "{operation}: {} ({}): {} [request id {}]",
                error.code().unwrap_or("unknown error"),
                error.status(),
                error.message().unwrap_or("no message"),
                error.request_id().unwrap_or("none")
            ),
            Kind::Stack { operation, error } => write!(f, "{operation}: {error}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Display already says everything (no secrets: service errors carry no request
        // headers, stack errors redact their own).
        write!(f, "session_dynamic::Error({self})")
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &*self.kind {
            Kind::Service { error, .. } => Some(error),
            Kind::Stack { error, .. } => Some(error),
            Kind::Models(e) => Some(e),
            Kind::Waiter { last: Some(e), .. } => Some(&**e),
            _ => None,
        }
    }
}
