//! Deciding whether a failed attempt is worth another try.

use http::Response;

use crate::body::SdkBody;
use crate::error::{Error, Kind};

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAction {
    /// Success, or a failure that another attempt would not fix.
    NoRetry,
    /// A transient failure (5xx, connection reset, transient error code).
    Transient,
    /// The service asked to slow down; also feeds the adaptive rate limiter.
    Throttling,
    /// The attempt timed out (costs more retry quota).
    Timeout,
    /// The signature's clock was off; retry once the clock offset is corrected.
    ClockSkew,
    /// The credentials expired before the cache expected: retry once with credentials
    /// asked of the provider anew.
    ExpiredCredentials,
}

/// Decides, for each attempt's result, whether to retry. Implement it to change what is
/// retried; [`StandardClassifier`] follows the AWS SDKs' standard mode.
pub trait ClassifyRetry: Send + Sync + std::fmt::Debug {
    /// Classifies one attempt's result.
    fn classify(&self, result: &Result<Response<SdkBody>, Error>) -> RetryAction;
}

/// The AWS SDKs' rules: connection errors, attempt timeouts, HTTP 500/502/503/504, the
/// transient and throttling error codes, and clock-skew errors; and expired credentials
/// (retried once, after a refresh).
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardClassifier;

impl ClassifyRetry for StandardClassifier {
    fn classify(&self, result: &Result<Response<SdkBody>, Error>) -> RetryAction {
        let Err(e) = result else {
            return RetryAction::NoRetry;
        };
        match e.kind() {
            Kind::Connect | Kind::Io => RetryAction::Transient,
            Kind::AttemptTimeout | Kind::ReadTimeout => RetryAction::Timeout,
            Kind::Service => match e.service_error() {
                Some(s) if s.is_throttling() => RetryAction::Throttling,
                Some(s) if s.is_transient() => RetryAction::Transient,
                Some(s) if s.is_clock_skew() && s.server_time.is_some() => RetryAction::ClockSkew,
                Some(s) if s.is_expired_credentials() => RetryAction::ExpiredCredentials,
                _ => RetryAction::NoRetry,
            },
            _ => RetryAction::NoRetry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;

    fn service(status: u16, code: &str) -> Result<Response<SdkBody>, Error> {
        Err(Error::service(ServiceError::new(
            status,
            Some(code.into()),
            None,
            None,
        )))
    }

    #[test]
    fn standard_rules() {
        let c = StandardClassifier;
        assert_eq!(
            c.classify(&service(400, "ThrottlingException")),
            RetryAction::Throttling
        );
        assert_eq!(
            c.classify(&service(503, "SlowDown")),
            RetryAction::Throttling
        );
        assert_eq!(
            c.classify(&service(500, "InternalError")),
            RetryAction::Transient
        );
        assert_eq!(
            c.classify(&service(400, "ValidationError")),
            RetryAction::NoRetry
        );
        assert_eq!(c.classify(&service(404, "NoSuchKey")), RetryAction::NoRetry);
        // Clock skew needs the server's time to correct against.
        assert_eq!(
            c.classify(&service(403, "RequestTimeTooSkewed")),
            RetryAction::NoRetry
        );
        assert_eq!(
            c.classify(&Err(Error::new(Kind::Connect))),
            RetryAction::Transient
        );
        assert_eq!(
            c.classify(&Err(Error::new(Kind::AttemptTimeout))),
            RetryAction::Timeout
        );
        assert_eq!(
            c.classify(&Err(Error::new(Kind::OperationTimeout))),
            RetryAction::NoRetry
        );
        assert_eq!(
            c.classify(&Err(Error::new(Kind::Credentials))),
            RetryAction::NoRetry
        );
        assert_eq!(
            c.classify(&Ok(Response::new(SdkBody::empty()))),
            RetryAction::NoRetry
        );
    }
}
