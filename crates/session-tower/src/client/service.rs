use session_endpoints::RuleSet;

use crate::protocol::Protocol;

/// What a service crate tells the stack about its service (from the service's model).
#[derive(Debug)]
pub struct ServiceInfo {
    /// The model's service id: `S3`, `SQS`, `STS`, `DynamoDB`. Used for configured endpoint
    /// URLs (`AWS_ENDPOINT_URL_<ID>`) and spans.
    pub service_id: &'static str,
    /// The SigV4 signing name when the endpoint rules name none.
    pub signing_name: &'static str,
    /// The wire protocol.
    pub protocol: Protocol,
    /// The endpoint rule set.
    pub endpoint_rules: Rules,
    /// The region to use when none is configured. `None` for regional services (building a
    /// client then fails with a no-region error); `Some("us-east-1")` for S3 and STS, whose
    /// rules map it to their global endpoints, as the SDKs do.
    pub region_when_unset: Option<&'static str>,
    /// Sign with S3's rules: `x-amz-content-sha256`, single path encoding, no normalization.
    pub s3_signing: bool,
    /// The API version, for the User-Agent.
    pub api_version: &'static str,
    /// The service's auth schemes, most preferred first (the model's `metadata.auth` list,
    /// else its `signatureVersion`: `v4`/`s3`/`s3v4` → SigV4, `v4a` → SigV4a, `bearer` →
    /// bearer). Each operation uses the first one the client can use, unless its
    /// [`OperationMeta::auth`](super::OperationMeta::auth) lists its own. Empty: SigV4 (what
    /// every service generated before models listed schemes used).
    pub auth: &'static [crate::signing::AuthScheme],
    /// What assumes roles for the credentials chain's role steps: `services-sts`'s `ROLES`
    /// in every generated service (`None`: a role step fails saying so).
    pub roles: Option<&'static dyn crate::credentials::AssumeRoles>,
}

/// Where a service's endpoint rule set comes from.
#[derive(Debug, Clone, Copy)]
pub enum Rules {
    /// Compiled on first use by this function (the typed crates embed their rule sets).
    Lazy(fn() -> &'static RuleSet),
    /// Already compiled (the dynamic client compiles rule sets it loads).
    Ready(&'static RuleSet),
}

impl Rules {
    /// The rule set.
    pub fn get(&self) -> &'static RuleSet {
        match self {
            Rules::Lazy(f) => f(),
            Rules::Ready(r) => r,
        }
    }
}
