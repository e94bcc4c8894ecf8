//! Which authorization a request gets: the schemes the model lists (the operation's, else the
//! service's), the first one the client can use. See `docs/auth.md`.

/// One way of authorizing requests, as a service model names it.
///
/// A [`ServiceInfo`](crate::ServiceInfo) lists the service's schemes and an
/// [`OperationMeta`](crate::client::OperationMeta) may list an operation's own, most
/// preferred first; the stack uses the first one the client can use.
///
/// ```
/// use session_tower::signing::AuthScheme;
///
/// // The model's `metadata.auth` / an operation's `auth` list...
/// assert_eq!(AuthScheme::from_model("aws.auth#sigv4a"), Some(AuthScheme::SigV4a));
/// assert_eq!(AuthScheme::from_model("smithy.api#httpBearerAuth"), Some(AuthScheme::Bearer));
/// // ... or the older `signatureVersion` / `authtype` words.
/// assert_eq!(AuthScheme::from_model("v4-unsigned-body"), Some(AuthScheme::SigV4));
/// assert_eq!(AuthScheme::from_model("none"), Some(AuthScheme::NoAuth));
/// assert_eq!(AuthScheme::from_model("v2"), None);
/// assert_eq!(AuthScheme::Bearer.model_id(), "smithy.api#httpBearerAuth");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthScheme {
    /// `aws.auth#sigv4`: SigV4 with the client's credentials (or SigV4a where the endpoint
    /// rules ask for it).
    SigV4,
    /// `aws.auth#sigv4a`: SigV4a with the client's credentials, valid in a region set.
    SigV4a,
    /// `smithy.api#httpBearerAuth`: `Authorization: Bearer <token>` with a token from the
    /// client's token chain (see [`crate::token`]).
    Bearer,
    /// `smithy.api#noAuth`: sent unsigned; no credentials are needed.
    NoAuth,
}

impl AuthScheme {
    /// The scheme a model names: a Smithy shape id from `auth` lists (`aws.auth#sigv4`,
    /// `aws.auth#sigv4a`, `smithy.api#httpBearerAuth`, `smithy.api#noAuth`) or a word of
    /// `signatureVersion` / `authtype` (`v4`, `s3`, `s3v4`, `v4-unsigned-body`, `v4a`,
    /// `bearer`, `none`). `None` for anything else.
    pub fn from_model(id: &str) -> Option<Self> {
        Some(match id {
            "aws.auth#sigv4" | "v4" | "s3" | "s3v4" | "v4-unsigned-body" => Self::SigV4,
            "aws.auth#sigv4a" | "v4a" => Self::SigV4a,
            "smithy.api#httpBearerAuth" | "bearer" => Self::Bearer,
            "smithy.api#noAuth" | "none" => Self::NoAuth,
            _ => return None,
        })
    }

    /// The scheme's Smithy shape id.
    pub const fn model_id(self) -> &'static str {
        match self {
            Self::SigV4 => "aws.auth#sigv4",
            Self::SigV4a => "aws.auth#sigv4a",
            Self::Bearer => "smithy.api#httpBearerAuth",
            Self::NoAuth => "smithy.api#noAuth",
        }
    }
}

/// A request extension: the operation's own auth schemes (what
/// [`OperationMeta::auth`](crate::client::OperationMeta::auth) carries, for requests sent
/// with [`Client::send`](crate::Client::send)). An empty list sends the request unsigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationAuth(pub &'static [AuthScheme]);

/// A request extension: sign the request with `UNSIGNED-PAYLOAD` instead of the body's hash
/// (a model's `authtype: v4-unsigned-body` / `unsignedPayload`). `x-amz-content-sha256:
/// UNSIGNED-PAYLOAD` goes with it, so the service knows which hash was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsignedPayload;

/// A request extension the engine sets for the layered segment's signing stage: this
/// request is sent unsigned on purpose (an operation without auth, an anonymous client).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unsigned;

/// What one operation's requests get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// Nothing: no credentials, no token.
    Unsigned,
    /// SigV4, or what the endpoint's auth scheme says (SigV4a for an MRAP).
    SigV4,
    /// SigV4a, in the client's region set, unless the endpoint names its own scheme.
    SigV4a,
    /// A bearer token.
    Bearer,
}

/// What a client can authorize with, and the service's schemes: decides per operation.
#[derive(Debug, Clone)]
pub(crate) struct AuthPlan {
    service: &'static [AuthScheme],
    /// The client signs with credentials (it is not anonymous).
    credentials: bool,
    /// A token source is configured (explicit, environment, or the profile's SSO session).
    bearer: bool,
    /// The user asked for bearer auth (an explicit token or `AWS_BEARER_TOKEN_*`): where an
    /// operation allows it, it goes first, as the SDKs do for Bedrock API keys.
    prefer_bearer: bool,
    /// The choice for operations without their own list, made once.
    default: Auth,
}

/// What an empty service list means: the services generated before models listed schemes
/// all sign with SigV4.
const SIGV4_ONLY: &[AuthScheme] = &[AuthScheme::SigV4];

impl AuthPlan {
    pub(crate) fn new(
        service: &'static [AuthScheme],
        credentials: bool,
        bearer: bool,
        prefer_bearer: bool,
    ) -> Self {
        let service = if service.is_empty() {
            SIGV4_ONLY
        } else {
            service
        };
        let mut plan = Self {
            service,
            credentials,
            bearer,
            prefer_bearer,
            default: Auth::Unsigned,
        };
        plan.default = plan.choose(service);
        plan
    }

    /// The auth of an operation with its own list (`None`: the service's).
    pub(crate) fn for_operation(&self, own: Option<&'static [AuthScheme]>) -> Auth {
        match own {
            None => self.default,
            Some(list) if std::ptr::eq(list, self.service) => self.default,
            Some(list) => self.choose(list),
        }
    }

    /// The first scheme of `list` the client can use. When none is usable: unsigned for an
    /// anonymous client (it asked for exactly that), else the first scheme, whose missing
    /// identity then fails the call with a message saying what to configure.
    fn choose(&self, list: &[AuthScheme]) -> Auth {
        if self.prefer_bearer && self.bearer && list.contains(&AuthScheme::Bearer) {
            return Auth::Bearer;
        }
        let usable = |s: &AuthScheme| match s {
            AuthScheme::NoAuth => Some(Auth::Unsigned),
            AuthScheme::SigV4 => self.credentials.then_some(Auth::SigV4),
            AuthScheme::SigV4a => self.credentials.then_some(Auth::SigV4a),
            AuthScheme::Bearer => self.bearer.then_some(Auth::Bearer),
        };
        if let Some(auth) = list.iter().find_map(usable) {
            return auth;
        }
        match list.first() {
            None => Auth::Unsigned,
            Some(AuthScheme::SigV4 | AuthScheme::SigV4a) if !self.credentials => Auth::Unsigned,
            Some(AuthScheme::SigV4) => Auth::SigV4,
            Some(AuthScheme::SigV4a) => Auth::SigV4a,
            Some(AuthScheme::Bearer) => Auth::Bearer,
            Some(AuthScheme::NoAuth) => Auth::Unsigned,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuthScheme::*;

    #[test]
    fn model_names_round_trip() {
        for s in [SigV4, SigV4a, Bearer, NoAuth] {
            assert_eq!(AuthScheme::from_model(s.model_id()), Some(s));
        }
        assert_eq!(AuthScheme::from_model("s3v4"), Some(SigV4));
        assert_eq!(AuthScheme::from_model("bearer"), Some(Bearer));
        assert_eq!(AuthScheme::from_model("aws.auth#sigv5"), None);
    }

    #[test]
    fn the_first_usable_scheme_wins() {
        // A signing client of a SigV4 service; an operation without auth.
        let plan = AuthPlan::new(&[], true, false, false);
        assert_eq!(plan.for_operation(None), Auth::SigV4);
        assert_eq!(plan.for_operation(Some(&[NoAuth])), Auth::Unsigned);
        assert_eq!(plan.for_operation(Some(&[])), Auth::Unsigned);
        // STS lists SigV4 then SigV4a.
        let plan = AuthPlan::new(&[SigV4, SigV4a], true, false, false);
        assert_eq!(plan.for_operation(None), Auth::SigV4);
        let plan = AuthPlan::new(&[SigV4a, SigV4], true, false, false);
        assert_eq!(plan.for_operation(None), Auth::SigV4a);
    }

    #[test]
    fn bearer_services() {
        // CodeCatalyst: bearer only. With a token source, bearer; without, still bearer
        // (the call fails saying how to configure a token).
        for bearer in [true, false] {
            let plan = AuthPlan::new(&[Bearer], true, bearer, false);
            assert_eq!(plan.for_operation(None), Auth::Bearer);
        }
        // Bedrock: SigV4 first, bearer allowed. Credentials win unless a token was given.
        let plan = AuthPlan::new(&[SigV4, Bearer], true, true, false);
        assert_eq!(plan.for_operation(None), Auth::SigV4);
        let plan = AuthPlan::new(&[SigV4, Bearer], true, true, true);
        assert_eq!(plan.for_operation(None), Auth::Bearer);
        // An anonymous client with a token: bearer where allowed, unsigned elsewhere.
        let plan = AuthPlan::new(&[SigV4, Bearer], false, true, false);
        assert_eq!(plan.for_operation(None), Auth::Bearer);
        assert_eq!(plan.for_operation(Some(&[SigV4])), Auth::Unsigned);
    }

    #[test]
    fn anonymous_clients_send_unsigned() {
        let plan = AuthPlan::new(&[SigV4], false, false, false);
        assert_eq!(plan.for_operation(None), Auth::Unsigned);
        assert_eq!(plan.for_operation(Some(&[SigV4a])), Auth::Unsigned);
    }
}
