//! AWS STS over the query protocol: every operation of the model, generated
//! (`generated/`), on [`StsClient`].
//!
//! ```no_run
//! # async fn demo(session: &session_core::Session) -> Result<(), Box<dyn std::error::Error>> {
//! let sts = services_sts::StsClient::new(session)?;
//! let me = sts.get_caller_identity().send().await?;
//! println!("{:?}", me.arn);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod credentials;
mod generated;

pub use generated::operations;
pub use generated::types;
pub use session_runtime::OperationError;

use session_core::Session;
use session_tower::protocol::Protocol;
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
    roles: Some(&credentials::ROLES),
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
    pub(crate) client: Client,
}

impl From<Client> for StsClient {
    fn from(client: Client) -> Self {
        Self { client }
    }
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
}
