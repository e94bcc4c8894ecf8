//! The middle contender: hyper-util's client with each request signed the simple way with
//! the `aws-sigv4` crate (build `SigningParams` and a `SignableRequest`, sign, apply the
//! instructions: what shared/PERF.md measured), JSON in and out with serde_json, and the
//! listing read with [`listing::parse`].

use std::sync::Arc;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use serde::{Deserialize, Serialize};

use super::{check_len, exchange, http_client, listing, Contender, Http, Urls};
use crate::exchange as ex;

/// See the module docs.
#[derive(Clone)]
pub(crate) struct Signed {
    http: Http,
    identity: Identity,
    urls: Arc<Urls>,
    queue_url: Arc<str>,
    object: Bytes,
}

/// The static keys as `aws-sigv4` takes them.
pub(crate) fn identity() -> Identity {
    Credentials::new(
        ex::ACCESS_KEY_ID,
        ex::SECRET_ACCESS_KEY,
        None,
        None,
        "side-by-side",
    )
    .into()
}

#[derive(Serialize)]
struct SendMessageInput<'a> {
    #[serde(rename = "QueueUrl")]
    queue_url: &'a str,
    #[serde(rename = "MessageBody")]
    message_body: &'a str,
}

#[derive(Deserialize)]
struct SendMessageOutput {
    #[serde(rename = "MD5OfMessageBody")]
    md5_of_message_body: Option<String>,
    #[serde(rename = "MessageId")]
    message_id: Option<String>,
}

impl Signed {
    /// A client of the server at `port`.
    pub(crate) fn new(port: u16) -> Self {
        Self {
            http: http_client(),
            identity: identity(),
            urls: Arc::new(Urls::new(port)),
            queue_url: ex::queue_url(port).into(),
            object: ex::object_1k(),
        }
    }

    /// Signs `req` (headers), hashing `body`; S3 takes its own settings.
    fn sign(&self, req: &mut Request<Full<Bytes>>, s3: bool, body: &[u8]) -> Result<(), String> {
        let mut settings = SigningSettings::default();
        if s3 {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(ex::REGION)
            .name(if s3 { "s3" } else { "sqs" })
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| format!("signing params: {e}"))?
            .into();
        let uri = req.uri().to_string();
        let headers: Result<Vec<(&str, &str)>, String> = req
            .headers()
            .iter()
            .map(|(k, v)| Ok((k.as_str(), v.to_str().map_err(|e| e.to_string())?)))
            .collect();
        let signable = SignableRequest::new(
            req.method().as_str(),
            uri,
            headers?.into_iter(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| format!("signable request: {e}"))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| format!("sign: {e}"))?
            .into_parts();
        instructions.apply_to_request_http1x(req);
        Ok(())
    }
}

impl Contender for Signed {
    async fn send_message(&self) -> Result<(), String> {
        let body = serde_json::to_vec(&SendMessageInput {
            queue_url: &self.queue_url,
            message_body: ex::MESSAGE_BODY,
        })
        .map_err(|e| e.to_string())?;
        let body = Bytes::from(body);
        let mut req = Request::post(self.urls.sqs.as_str())
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", "AmazonSQS.SendMessage")
            .body(Full::new(body.clone()))
            .map_err(|e| e.to_string())?;
        self.sign(&mut req, false, &body)?;
        let resp = exchange(&self.http, req).await?;
        let out: SendMessageOutput =
            serde_json::from_slice(&resp).map_err(|e| format!("SendMessage response: {e}"))?;
        match (out.message_id, out.md5_of_message_body) {
            (Some(id), Some(_)) if !id.is_empty() => Ok(()),
            _ => Err("SendMessage response without MessageId or MD5OfMessageBody".into()),
        }
    }

    async fn get_object(&self) -> Result<(), String> {
        let mut req = Request::get(self.urls.object.as_str())
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        self.sign(&mut req, true, b"")?;
        let body = exchange(&self.http, req).await?;
        check_len("GetObject body", body.len(), 1024)
    }

    async fn put_object(&self) -> Result<(), String> {
        let mut req = Request::put(self.urls.object.as_str())
            .body(Full::new(self.object.clone()))
            .map_err(|e| e.to_string())?;
        self.sign(&mut req, true, &self.object)?;
        exchange(&self.http, req).await.map(drop)
    }

    async fn list_objects_v2(&self) -> Result<(), String> {
        let mut req = Request::get(self.urls.listing.as_str())
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        self.sign(&mut req, true, b"")?;
        let body = exchange(&self.http, req).await?;
        let objects = listing::parse(&body)?;
        if objects.len() == ex::LISTING_KEYS && objects.iter().all(|o| !o.key.is_empty()) {
            Ok(())
        } else {
            Err(format!("ListObjectsV2: {} objects", objects.len()))
        }
    }
}
