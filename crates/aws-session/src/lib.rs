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

/// The runtime the generated crates share: blobs, timestamps, paginators, waiters, errors.
pub use session_runtime as runtime;

/// The tower layers and their configuration.
pub mod layers {
    pub use session_tower::{credentials, endpoint, errors, future, hedge, retry, signing, trace};
}

/// The pooled HTTP transport (hyper over rustls) every client sends through, to wrap in a
/// [`Recorder`](testing::Recorder) or build with other settings.
pub use session_tower::transport;

/// Client metrics (the `metrics` feature): names, and the recording calls for
/// serialization and deserialization. Install a `metrics` recorder to collect them.
#[cfg(feature = "metrics")]
pub use session_tower::metrics;

/// Amazon S3 (feature `s3`).
#[cfg(feature = "s3")]
pub mod s3 {
    pub use services_s3::*;
}

/// Amazon SQS (feature `sqs`).
#[cfg(feature = "sqs")]
pub mod sqs {
    pub use services_sqs::*;
}

/// AWS STS (always present: the credentials chain assumes roles with it).
pub mod sts {
    pub use services_sts::*;
}

/// Testing code that calls AWS without AWS: the [`Stubber`](testing::Stubber) (boto3's,
/// over the real stack) and record/replay. The guide below is `docs/testing.md`; its
/// examples run as tests.
#[doc = include_str!("../../../docs/testing.md")]
pub mod testing {
    pub use session_runtime::stub::{StubError, StubTransport, Stubber, IDEMPOTENCY_TOKEN};
    pub use session_tower::replay::{
        Exchange, Recorder, Recording, Redactions, ReplayError, Replayer, REDACTED, SECRET_FIELDS,
        SECRET_HEADERS, SECRET_QUERY_PARAMETERS,
    };
}

/// Amazon DynamoDB (feature `dynamodb`).
#[cfg(feature = "dynamodb")]
pub mod dynamodb {
    pub use services_dynamodb::*;
}

/// Any service by name (feature `dynamic`; `dynamic-embed` for the built-in models):
/// `session.dyn_client("lambda")` with [`SessionDynExt`](dynamic::SessionDynExt).
#[cfg(feature = "dynamic")]
pub mod dynamic {
    pub use session_dynamic::*;
}

/// AWS Secrets Manager (feature `secretsmanager`).
#[cfg(feature = "secretsmanager")]
pub mod secretsmanager {
    pub use services_secretsmanager::*;
}

/// AWS KMS (feature `kms`).
#[cfg(feature = "kms")]
pub mod kms {
    pub use services_kms::*;
}

/// Amazon SNS (feature `sns`).
#[cfg(feature = "sns")]
pub mod sns {
    pub use services_sns::*;
}

/// AWS Lambda (feature `lambda`).
#[cfg(feature = "lambda")]
pub mod lambda {
    pub use services_lambda::*;
}

/// AWS Systems Manager (feature `ssm`).
#[cfg(feature = "ssm")]
pub mod ssm {
    pub use services_ssm::*;
}

/// Amazon CloudWatch Logs (feature `logs`).
#[cfg(feature = "logs")]
pub mod logs {
    pub use services_logs::*;
}

/// Amazon EventBridge (feature `eventbridge`).
#[cfg(feature = "eventbridge")]
pub mod eventbridge {
    pub use services_eventbridge::*;
}

/// Amazon Kinesis (feature `kinesis`).
#[cfg(feature = "kinesis")]
pub mod kinesis {
    pub use services_kinesis::*;
}

/// Amazon CloudWatch (feature `cloudwatch`).
#[cfg(feature = "cloudwatch")]
pub mod cloudwatch {
    pub use services_cloudwatch::*;
}

/// AWS IAM (feature `iam`).
#[cfg(feature = "iam")]
pub mod iam {
    pub use services_iam::*;
}

/// Amazon EKS (feature `eks`).
#[cfg(feature = "eks")]
pub mod eks {
    pub use services_eks::*;
}

/// Amazon EC2 (feature `ec2`).
#[cfg(feature = "ec2")]
pub mod ec2 {
    pub use services_ec2::*;
}

/// What most programs import: `use aws_session::prelude::*;`.
///
/// - [`SessionClientExt`] gives `session.client::<S3>()`,
///   `session.resource::<S3>()`;
/// - [`SessionCredentialsExt`] gives `session.credentials()`, the
///   whole chain as clients run it;
/// - the resources' batch-action traits (`objects().delete()` on S3 collections, ...);
/// - `StreamExt` / `TryStreamExt` for paginators' and collections' streams.
///
/// ```no_run
/// use aws_session::prelude::*;
/// use aws_session::{s3::S3, Session};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let session = Session::from_env()?;
/// let creds = session.credentials().await?;          // roles, SSO, IMDS, ... included
/// let s3 = session.client::<S3>()?;
/// let mut keys = s3.list_objects_v2().bucket("b").into_paginator().items();
/// while let Some(object) = keys.try_next().await? {
///     println!("{:?} ({:?})", object.key, creds.access_key_id());
/// }
/// # Ok(()) }
/// ```
pub mod prelude {
    pub use crate::{SessionClientExt, SessionCredentialsExt};
    #[cfg(feature = "dynamic")]
    pub use session_dynamic::SessionDynExt as _;
    pub use session_runtime::futures_util::{StreamExt as _, TryStreamExt as _};

    #[cfg(feature = "s3")]
    pub use services_s3::resources::{
        ObjectBatchActions as _, ObjectSummaryBatchActions as _, ObjectVersionBatchActions as _,
    };
    #[cfg(feature = "sqs")]
    pub use services_sqs::resources::MessageBatchActions as _;
}

/// `session.credentials()`: credentials as the session's clients get them, from the
/// session-wide cache in front of the whole default chain (environment, profiles, roles,
/// web identity, SSO, container, instance metadata). The session's own
/// [`local_credentials`](Session::local_credentials) asks only its local providers.
pub trait SessionCredentialsExt {
    /// The credentials the session's clients sign with, loading them if needed.
    ///
    /// # Errors
    /// The chain's error ([`Error::is_credentials`]): no credentials configured, a role
    /// that cannot be assumed, a provider that timed out.
    fn credentials(
        &self,
    ) -> impl std::future::Future<Output = Result<credentials::Credentials, Error>> + Send;
}

impl SessionCredentialsExt for Session {
    fn credentials(
        &self,
    ) -> impl std::future::Future<Output = Result<credentials::Credentials, Error>> + Send {
        services_sts::credentials::resolve(self)
    }
}
