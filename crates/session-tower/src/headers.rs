//! Header names used on the hot path, built at compile time: naming a header with a `&str`
//! parses and validates it on every call.

use http::HeaderName;

pub(crate) const AMZ_SDK_INVOCATION_ID: HeaderName =
    HeaderName::from_static("amz-sdk-invocation-id");
pub(crate) const AMZ_SDK_REQUEST: HeaderName = HeaderName::from_static("amz-sdk-request");
pub(crate) const X_AMZN_REQUESTID: HeaderName = HeaderName::from_static("x-amzn-requestid");
pub(crate) const X_AMZ_REQUEST_ID: HeaderName = HeaderName::from_static("x-amz-request-id");
pub(crate) const X_AMZN_REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-request-id");
pub(crate) const X_AMZN_ERRORTYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");

/// The request id headers services use, in order of preference.
pub(crate) const REQUEST_ID: [HeaderName; 3] =
    [X_AMZN_REQUESTID, X_AMZ_REQUEST_ID, X_AMZN_REQUEST_ID];
