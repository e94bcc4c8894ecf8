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
//! let queue = sqs.create_queue("jobs").await?;
//! sqs.send_message(&queue.queue_url, "hello").await?;
//! # Ok(()) }
//! ```
//!
//! This crate holds the operations needed to prove the stack end to end; the full API is
//! generated from the model by a later change.

#![warn(missing_docs)]

mod operations;

use session_core::Session;
use session_tower::protocol::Protocol;
use session_tower::{AwsService, Client, ClientBuilder, Error, ServiceInfo};

pub use operations::{
    CreateQueueOutput, Message, ReceiveMessageInput, ReceiveMessageOutput, SendMessageOutput,
};

/// The service description.
pub static INFO: ServiceInfo = ServiceInfo {
    service_id: "SQS",
    signing_name: "sqs",
    protocol: Protocol::AwsJson1_0,
    endpoint_rules: session_endpoints::sqs,
    region_when_unset: None,
    s3_signing: false,
    api_version: "2012-11-05",
};

/// Marker type: `session.client::<Sqs>()`.
#[derive(Debug, Clone, Copy)]
pub struct Sqs;

impl AwsService for Sqs {
    const INFO: &'static ServiceInfo = &INFO;
    type Client = SqsClient;
}

/// A client of Amazon SQS. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SqsClient {
    client: Client,
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
