//! Amazon S3 over REST-XML.
//!
//! Holds the operations needed to prove the stack end to end (CreateBucket, PutObject,
//! GetObject with a streamed body, ListObjectsV2, DeleteObject); the full API is generated
//! from the model by a later change. Bucket addressing (virtual-host or path style) comes from
//! the endpoint rules: requests carry the bucket as an endpoint parameter, never in the path.

#![warn(missing_docs)]

mod operations;

use session_core::Session;
use session_tower::protocol::Protocol;
use session_tower::{AwsService, Client, ClientBuilder, Error, ServiceInfo};

pub use operations::{GetObjectOutput, ListObjectsV2Output, Object, PutObjectOutput};

/// The service description. With no region configured, S3 uses `us-east-1`.
pub static INFO: ServiceInfo = ServiceInfo {
    service_id: "S3",
    signing_name: "s3",
    protocol: Protocol::RestXml,
    endpoint_rules: session_endpoints::s3,
    region_when_unset: Some("us-east-1"),
    s3_signing: true,
    api_version: "2006-03-01",
};

/// Marker type: `session.client::<S3>()`.
#[derive(Debug, Clone, Copy)]
pub struct S3;

impl AwsService for S3 {
    const INFO: &'static ServiceInfo = &INFO;
    type Client = S3Client;
}

/// A client of Amazon S3. Cheap to clone.
#[derive(Debug, Clone)]
pub struct S3Client {
    client: Client,
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
