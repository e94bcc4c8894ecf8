//! aws-session, configured as a user would: `Session::builder()` with region, static keys,
//! `endpoint_url`, empty profile files and `s3.addressing_style = path` (and no process
//! environment, so the machine's own settings cannot change the figures); everything else
//! default. Typed calls, typed (parsed) outputs.

use std::sync::Arc;

use aws_session::s3::{S3Client, S3};
use aws_session::sqs::{Sqs, SqsClient};
use aws_session::{Env, Session, SessionClientExt as _};
use bytes::Bytes;

use super::Contender;
use crate::exchange as ex;

/// See the module docs.
#[derive(Clone)]
pub(crate) struct Ours {
    sqs: SqsClient,
    s3: S3Client,
    queue_url: Arc<str>,
    object: Bytes,
}

/// Extra settings for experiments, `name=value,name=value` (e.g.
/// `response_checksum_validation=when_required`): not part of the standard comparison, and
/// the report says when they were set.
pub(crate) const EXTRA_SETTINGS_ENV: &str = "SIDE_BY_SIDE_OURS_SETTINGS";

/// The session a user would build for the server at `port` (plus [`EXTRA_SETTINGS_ENV`]).
///
/// # Errors
/// The session refuses a setting, or the extra settings are malformed.
pub(crate) fn session(port: u16) -> Result<Session, String> {
    let mut builder = Session::builder();
    if let Ok(extra) = std::env::var(EXTRA_SETTINGS_ENV) {
        for pair in extra.split(',').filter(|p| !p.trim().is_empty()) {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("{EXTRA_SETTINGS_ENV}: {pair:?} is not name=value"))?;
            builder = builder.setting(name.trim(), value.trim());
        }
    }
    builder
        .env(Env::from_vars(std::iter::empty::<(String, String)>()))
        .config_file_contents("")
        .credentials_file_contents("")
        .region(ex::REGION)
        .access_key_id(ex::ACCESS_KEY_ID)
        .secret_access_key(ex::SECRET_ACCESS_KEY)
        .setting("endpoint_url", format!("http://127.0.0.1:{port}"))
        .setting("s3.addressing_style", "path")
        .build()
        .map_err(|e| format!("session: {e}"))
}

impl Ours {
    /// Clients of the server at `port`.
    ///
    /// # Errors
    /// The session or a client cannot be built.
    pub(crate) fn new(port: u16) -> Result<Self, String> {
        let session = session(port)?;
        Ok(Self {
            sqs: session
                .client::<Sqs>()
                .map_err(|e| format!("SQS client: {e}"))?,
            s3: session
                .client::<S3>()
                .map_err(|e| format!("S3 client: {e}"))?,
            queue_url: ex::queue_url(port).into(),
            object: ex::object_1k(),
        })
    }
}

impl Contender for Ours {
    async fn send_message(&self) -> Result<(), String> {
        let out = self
            .sqs
            .send_message()
            .queue_url(&*self.queue_url)
            .message_body(ex::MESSAGE_BODY)
            .send()
            .await
            .map_err(|e| format!("SendMessage: {e}"))?;
        match out.message_id {
            Some(id) if !id.is_empty() => Ok(()),
            _ => Err("SendMessage output without MessageId".into()),
        }
    }

    async fn get_object(&self) -> Result<(), String> {
        let out = self
            .s3
            .get_object()
            .bucket(ex::OBJECT_BUCKET)
            .key(ex::OBJECT_KEY)
            .send()
            .await
            .map_err(|e| format!("GetObject: {e}"))?;
        let body = out
            .body
            .ok_or("GetObject output without a body")?
            .collect()
            .await
            .map_err(|e| format!("GetObject body: {e}"))?;
        super::check_len("GetObject body", body.len(), 1024)
    }

    async fn put_object(&self) -> Result<(), String> {
        let out = self
            .s3
            .put_object()
            .bucket(ex::OBJECT_BUCKET)
            .key(ex::OBJECT_KEY)
            .body(self.object.clone())
            .send()
            .await
            .map_err(|e| format!("PutObject: {e}"))?;
        out.e_tag
            .map(drop)
            .ok_or_else(|| "PutObject output without an ETag".into())
    }

    async fn list_objects_v2(&self) -> Result<(), String> {
        let out = self
            .s3
            .list_objects_v2()
            .bucket(ex::LISTING_BUCKET)
            .send()
            .await
            .map_err(|e| format!("ListObjectsV2: {e}"))?;
        let objects = out.contents.unwrap_or_default();
        let complete = objects
            .iter()
            .all(|o| o.key.is_some() && o.size.is_some() && o.e_tag.is_some());
        if objects.len() == ex::LISTING_KEYS && complete {
            Ok(())
        } else {
            Err(format!("ListObjectsV2: {} objects", objects.len()))
        }
    }
}
