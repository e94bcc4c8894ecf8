//! Amazon SQS over AWS JSON 1.0.
//!
//! ```no_run
//! use services_sqs::Sqs;
//! use session_core::Session;
//! use session_tower::SessionClientExt;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let session = Session::from_env()?;
//! let sqs = session.client::<Sqs>()?;
//! let queue = sqs.create_queue().queue_name("jobs").send().await?;
//! let url = queue.queue_url.unwrap_or_default();
//! sqs.send_message().queue_url(&url).message_body("hello").send().await?;
//! # Ok(()) }
//! ```
//!
//! Every operation of the model is generated (`generated/`) onto [`SqsClient`].

#![warn(missing_docs)]

mod customize;
mod generated;

pub use generated::operations;
pub use generated::resources;
pub use generated::types;
pub use session_runtime::{OperationError, Paginator};

use session_core::Session;
use session_tower::protocol::Protocol;
use session_tower::{AwsService, Client, ClientBuilder, Error, ResourceService, ServiceInfo};

/// The service description.
pub static INFO: ServiceInfo = ServiceInfo {
    service_id: "SQS",
    signing_name: "sqs",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: session_endpoints::sqs,
    region_when_unset: None,
    s3_signing: false,
    api_version: "2012-11-05",
    roles: Some(&services_sts::credentials::ROLES),
};

/// Marker type: `session.client::<Sqs>()`.
#[derive(Debug, Clone, Copy)]
pub struct Sqs;

impl AwsService for Sqs {
    const INFO: &'static ServiceInfo = &INFO;
    type Client = SqsClient;
}

impl ResourceService for Sqs {
    type Resource = resources::ServiceResource;
}

/// A client of Amazon SQS. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SqsClient {
    pub(crate) client: Client,
}

impl From<Client> for SqsClient {
    fn from(client: Client) -> Self {
        Self { client }
    }
}

impl SqsClient {
    /// A client with the session's settings.
    ///
    /// # Errors
    /// No region configured, or the session's CA bundle is unreadable.
    pub fn new(session: &Session) -> Result<Self, Error> {
        Client::new(session, &INFO).map(Self::from)
    }

    /// A builder, to add tower layers or override settings.
    pub fn builder(session: &Session) -> ClientBuilder<SqsClient> {
        ClientBuilder::new(session, &INFO)
    }

    /// The underlying stack.
    pub fn raw(&self) -> &Client {
        &self.client
    }
}

impl SqsClient {
    /// The service resource over this client: boto3's `session.resource(...)`. Resources
    /// share this client (its stack and pool); making one does no I/O.
    pub fn resource(&self) -> resources::ServiceResource {
        resources::ServiceResource::new(self.clone())
    }
}
