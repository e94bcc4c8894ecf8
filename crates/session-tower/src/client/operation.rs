//! What the stack needs to know about one operation, passed beside its request.

use http::Request;

use crate::body::SdkBody;
use crate::endpoint::{EndpointParams, HostPrefix};
use crate::errors::ErrorsOnSuccess;
use crate::redirect::RegionRedirects;
use crate::signing::{AuthScheme, OperationAuth, UnsignedPayload};
use crate::trace::OperationName;

/// How an operation's success body is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseBody {
    /// Streamed to the caller (a blob payload, S3's `GetObject`), under the client's stall
    /// protection and read timeout while the caller waits on it. The default.
    #[default]
    Streamed,
    /// Read whole inside each attempt (every operation whose output does not stream): a
    /// connection reset, a truncated body, a bad chunk or a silence past the read timeout
    /// while it is read fails the attempt, which is retried and timed like any other. The
    /// response is handed back with the body in memory.
    Whole,
    /// An event stream: streamed to the caller unwatched (events may be minutes apart).
    Events,
}

/// An operation's facts that are not part of its HTTP request: its name (for spans and
/// errors), its endpoint parameters, its host prefix, whether a 200 may hide an error, and
/// how it is authorized (its own auth schemes, an unsigned payload).
///
/// Given to [`Client::send_operation`](super::Client::send_operation) beside the request,
/// they cost nothing per call; [`Client::send`](super::Client::send) reads the same facts
/// from request extensions ([`OperationName`], [`EndpointParams`], [`HostPrefix`],
/// [`ErrorsOnSuccess`], [`OperationAuth`], [`UnsignedPayload`]), which allocates.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationMeta {
    /// The operation's name (`"SendMessage"`). Default: `"unknown"`.
    pub name: &'static str,
    /// Endpoint parameters the operation adds (S3's `Bucket`, `Key`, ...). Default: none.
    pub endpoint_params: Option<EndpointParams>,
    /// Put in front of the endpoint's host (the operation's endpoint trait). Default: none.
    pub host_prefix: Option<String>,
    /// The operation can fail with HTTP 200 and an `<Error>` body. Default: `false`.
    pub errors_on_success: bool,
    /// How the success body is read. Default: [`ResponseBody::Streamed`].
    pub response_body: ResponseBody,
    /// The operation's own auth schemes, most preferred first (the model's per-operation
    /// `auth` list, or `authtype`): `Some(&[AuthScheme::NoAuth])` (or `Some(&[])`) sends it
    /// unsigned without asking for credentials. Default: `None`, the service's
    /// ([`ServiceInfo::auth`](super::ServiceInfo::auth)).
    pub auth: Option<&'static [AuthScheme]>,
    /// Sign with `UNSIGNED-PAYLOAD` instead of the body's SHA-256 (the model's
    /// `authtype: v4-unsigned-body` or `unsignedPayload: true`). Default: `false`.
    pub unsigned_payload: bool,
    /// Follow S3 region redirects (S3's operations set it): an answer saying the bucket is
    /// in another region is sent again, once, to that region, which the client remembers
    /// for the bucket; with a configured endpoint URL the error names the region instead.
    /// See `crate::redirect`. Default: `false`.
    pub region_redirects: bool,
}

impl Default for OperationMeta {
    fn default() -> Self {
        Self::named("unknown")
    }
}

impl OperationMeta {
    /// The facts of operation `name`, everything else at its default.
    pub fn named(name: &'static str) -> Self {
        Self {
            name,
            endpoint_params: None,
            host_prefix: None,
            errors_on_success: false,
            response_body: ResponseBody::Streamed,
            auth: None,
            unsigned_payload: false,
            region_redirects: false,
        }
    }

    /// With these endpoint parameters.
    #[must_use]
    pub fn endpoint_params(mut self, params: EndpointParams) -> Self {
        self.endpoint_params = Some(params);
        self
    }

    /// With this host prefix (`None`: none).
    #[must_use]
    pub fn host_prefix(mut self, prefix: Option<String>) -> Self {
        self.host_prefix = prefix;
        self
    }

    /// Whether a 200 answer may hide an error.
    #[must_use]
    pub fn errors_on_success(mut self, yes: bool) -> Self {
        self.errors_on_success = yes;
        self
    }

    /// With this way of reading the success body (see [`ResponseBody`]).
    #[must_use]
    pub fn response_body(mut self, how: ResponseBody) -> Self {
        self.response_body = how;
        self
    }

    /// With the operation's own auth schemes, most preferred first (`&[AuthScheme::NoAuth]`
    /// for an operation that takes no credentials).
    #[must_use]
    pub fn auth(mut self, schemes: &'static [AuthScheme]) -> Self {
        self.auth = Some(schemes);
        self
    }

    /// Whether the payload is signed as `UNSIGNED-PAYLOAD`.
    #[must_use]
    pub fn unsigned_payload(mut self, yes: bool) -> Self {
        self.unsigned_payload = yes;
        self
    }

    /// Whether S3 region redirects are followed (see
    /// [`region_redirects`](Self::region_redirects)).
    #[must_use]
    pub fn region_redirects(mut self, yes: bool) -> Self {
        self.region_redirects = yes;
        self
    }

    /// Takes the facts out of `req`'s extensions (what [`OperationMeta::put_into`] puts
    /// there).
    pub(crate) fn take_from(req: &mut Request<SdkBody>) -> Self {
        let ext = req.extensions_mut();
        Self {
            name: ext.get::<OperationName>().map_or("unknown", |o| o.0),
            endpoint_params: ext.remove::<EndpointParams>(),
            host_prefix: ext.remove::<HostPrefix>().map(|p| p.0),
            errors_on_success: ext.remove::<ErrorsOnSuccess>().is_some(),
            response_body: ext.remove::<ResponseBody>().unwrap_or_default(),
            auth: ext.remove::<OperationAuth>().map(|a| a.0),
            unsigned_payload: ext.remove::<UnsignedPayload>().is_some(),
            region_redirects: ext.remove::<RegionRedirects>().is_some(),
        }
    }

    /// Puts the facts into `req`'s extensions, for stages that read them from there (user
    /// layers, the per-attempt layers).
    pub(crate) fn put_into(&self, req: &mut Request<SdkBody>) {
        let ext = req.extensions_mut();
        ext.insert(OperationName(self.name));
        if let Some(params) = &self.endpoint_params {
            ext.insert(params.clone());
        }
        if let Some(prefix) = &self.host_prefix {
            ext.insert(HostPrefix(prefix.clone()));
        }
        if self.errors_on_success {
            ext.insert(ErrorsOnSuccess);
        }
        if self.response_body != ResponseBody::Streamed {
            ext.insert(self.response_body);
        }
        if let Some(schemes) = self.auth {
            ext.insert(OperationAuth(schemes));
        }
        if self.unsigned_payload {
            ext.insert(UnsignedPayload);
        }
        if self.region_redirects {
            ext.insert(RegionRedirects);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_round_trip() {
        let meta = OperationMeta::named("GetObject")
            .endpoint_params(EndpointParams::new().str("Bucket", "b"))
            .host_prefix(Some("data.".into()))
            .errors_on_success(true)
            .auth(&[AuthScheme::NoAuth])
            .unsigned_payload(true)
            .region_redirects(true);
        let mut req = Request::new(SdkBody::empty());
        meta.put_into(&mut req);
        assert_eq!(OperationMeta::take_from(&mut req), meta);
        // Taken, not copied: only the name stays behind.
        assert!(req.extensions().get::<EndpointParams>().is_none());
        assert!(req.extensions().get::<OperationAuth>().is_none());
        assert!(req.extensions().get::<UnsignedPayload>().is_none());
        assert!(req.extensions().get::<RegionRedirects>().is_none());
        assert_eq!(
            OperationMeta::take_from(&mut req),
            OperationMeta::named("GetObject")
        );
        assert_eq!(
            OperationMeta::take_from(&mut Request::new(SdkBody::empty())).name,
            "unknown"
        );
    }
}
