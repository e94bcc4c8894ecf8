//! Amazon S3 over REST-XML: every operation of the model, generated (`generated/`), on
//! [`S3Client`], plus presigned URLs.
//!
//! Bucket addressing (virtual-host or path style) comes from the endpoint rules: requests
//! carry the bucket as an endpoint parameter, never in the path. Object bodies stream both
//! ways as [`ByteStream`]s.
//!
//! ```no_run
//! # async fn demo(session: &session_core::Session) -> Result<(), Box<dyn std::error::Error>> {
//! let s3 = services_s3::S3Client::new(session)?;
//! s3.put_object().bucket("b").key("k").body("hello").send().await?;
//! let got = s3.get_object().bucket("b").key("k").send().await?;
//! let bytes = got.body.unwrap_or_default().collect().await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod customize;
mod generated;
mod presign;

pub use generated::operations;
pub use generated::resources;
pub use generated::types;
pub use generated::waiters;
pub use session_runtime::{ByteStream, OperationError, Paginator};

use session_core::Session;
use session_tower::protocol::Protocol;
use session_tower::{AwsService, Client, ClientBuilder, Error, ResourceService, ServiceInfo};

/// The service description. With no region configured, S3 uses `us-east-1`.
pub static INFO: ServiceInfo = ServiceInfo {
    service_id: "S3",
    signing_name: "s3",
    protocol: Protocol::RestXml,
    endpoint_rules: session_endpoints::s3,
    region_when_unset: Some("us-east-1"),
    s3_signing: true,
    api_version: "2006-03-01",
    roles: Some(&services_sts::credentials::ROLES),
};

/// Marker type: `session.client::<S3>()`.
#[derive(Debug, Clone, Copy)]
pub struct S3;

impl AwsService for S3 {
    const INFO: &'static ServiceInfo = &INFO;
    type Client = S3Client;
}

impl ResourceService for S3 {
    type Resource = resources::ServiceResource;
}

/// A client of Amazon S3. Cheap to clone.
#[derive(Debug, Clone)]
pub struct S3Client {
    pub(crate) client: Client,
}

impl From<Client> for S3Client {
    fn from(client: Client) -> Self {
        Self { client }
    }
}

impl S3Client {
    /// A client with the session's settings.
    ///
    /// # Errors
    /// The session's CA bundle is unreadable.
    pub fn new(session: &Session) -> Result<Self, Error> {
        Client::new(session, &INFO).map(Self::from)
    }

    /// A builder, to add tower layers or override settings.
    pub fn builder(session: &Session) -> ClientBuilder<S3Client> {
        ClientBuilder::new(session, &INFO)
    }

    /// The underlying stack (for presigning and custom requests).
    pub fn raw(&self) -> &Client {
        &self.client
    }
}

impl S3Client {
    /// The service resource over this client: boto3's `session.resource(...)`. Resources
    /// share this client (its stack and pool); making one does no I/O.
    pub fn resource(&self) -> resources::ServiceResource {
        resources::ServiceResource::new(self.clone())
    }
}
