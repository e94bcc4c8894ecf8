//! boto3's `Session` idea, done right for tokio and tower.
//!
//! A [`Session`] resolves every setting once (explicit > environment > shared files >
//! default, each with its origin); clients made from it are per-service tower stacks over one
//! pooled hyper transport, `Clone + Send + Sync`, cheap to clone.
//!
//! ```no_run
//! use aws_session::{sqs::Sqs, Session, SessionClientExt};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let session = Session::from_env()?;
//! let sqs = session.client::<Sqs>()?;
//! let queue = sqs.create_queue().queue_name("jobs").send().await?;
//! let url = queue.queue_url.unwrap_or_default();
//! sqs.send_message().queue_url(&url).message_body("hello").send().await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub use session_core::{
    credentials, default_session, profile, set_default_session, settings, Env,
    Error as ConfigError, Fs, Origin, Session, SessionBuilder,
};
pub use session_tower::{
    AwsService, Client, ClientBuilder, Error, ResourceService, SdkBody, ServiceError,
    SessionClientExt,
};

/// The tower layers and their configuration.
pub mod layers {
    pub use session_tower::{credentials, endpoint, errors, future, hedge, retry, signing, trace};
}

/// Client metrics (the `metrics` feature, on by default): names, and the recording calls
/// for serialization and deserialization. Install a `metrics` recorder to collect them.
pub use session_tower::metrics;

/// Amazon S3.
pub mod s3 {
    pub use services_s3::*;
}

/// Amazon SQS.
pub mod sqs {
    pub use services_sqs::*;
}

/// AWS STS.
pub mod sts {
    pub use services_sts::*;
}

/// Amazon DynamoDB.
pub mod dynamodb {
    pub use services_dynamodb::*;
}
