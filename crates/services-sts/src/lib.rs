//! AWS STS over the query protocol.
//!
//! Holds the operations needed to prove the stack end to end (GetCallerIdentity); the full
//! API is generated from the model by a later change.

#![warn(missing_docs)]

use session_core::Session;
use session_tower::protocol::rpc::{query_request, read_body};
use session_tower::protocol::{xml, Protocol};
use session_tower::{AwsService, Client, ClientBuilder, Error, ServiceInfo};

/// The service description. With no region configured, STS uses its global endpoint.
pub static INFO: ServiceInfo = ServiceInfo {
    service_id: "STS",
    signing_name: "sts",
    protocol: Protocol::AwsQuery,
    endpoint_rules: session_endpoints::sts,
    region_when_unset: Some("us-east-1"),
    s3_signing: false,
    api_version: "2011-06-15",
};

/// Marker type: `session.client::<Sts>()`.
#[derive(Debug, Clone, Copy)]
pub struct Sts;

impl AwsService for Sts {
    const INFO: &'static ServiceInfo = &INFO;
    type Client = StsClient;
}

/// A client of AWS STS. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StsClient {
    client: Client,
}

impl From<Client> for StsClient {
    fn from(client: Client) -> Self {
        Self { client }
    }
}

/// GetCallerIdentity's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallerIdentity {
    /// The caller's ARN.
    pub arn: Option<String>,
    /// The caller's unique id.
    pub user_id: Option<String>,
    /// The account number.
    pub account: Option<String>,
}

impl StsClient {
    /// A client with the session's settings.
    ///
    /// # Errors
    /// The session's CA bundle is unreadable.
    pub fn new(session: &Session) -> Result<Self, Error> {
        Client::new(session, &INFO).map(Self::from)
    }

    /// A builder, to add tower layers or override settings.
    pub fn builder(session: &Session) -> ClientBuilder<StsClient> {
        ClientBuilder::new(session, &INFO)
    }

    /// Who the credentials belong to.
    ///
    /// # Errors
    /// Service and stack errors; a response without the result element is a response error.
    pub async fn get_caller_identity(&self) -> Result<CallerIdentity, Error> {
        let req = query_request("GetCallerIdentity", INFO.api_version, &[])?;
        let resp = self.client.send(req).await?;
        let (_, body) = read_body(resp).await?;
        if !xml::has_element(&body, "GetCallerIdentityResult") {
            return Err(Error::response(
                "GetCallerIdentity: no GetCallerIdentityResult element",
            ));
        }
        let mut f = xml::texts(&body, &["Arn", "UserId", "Account"]).into_iter();
        Ok(CallerIdentity {
            arn: f.next().flatten(),
            user_id: f.next().flatten(),
            account: f.next().flatten(),
        })
    }
}
