//! The floor: hyper-util's pooled client, unsigned, bodies prepared once, responses only
//! counted (the physical limit of the same HTTP/1.1 exchanges).

use std::sync::Arc;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;

use super::{check_len, exchange, http_client, Contender, Http, Urls};
use crate::exchange as ex;

/// See the module docs.
#[derive(Clone)]
pub(crate) struct Raw {
    http: Http,
    urls: Arc<Urls>,
    sqs_body: Bytes,
    object: Bytes,
    sqs_len: usize,
    list_len: usize,
}

impl Raw {
    /// A client of the server at `port`.
    ///
    /// # Errors
    /// Never in practice; the SQS body is serialized once here.
    pub(crate) fn new(port: u16) -> Result<Self, String> {
        let sqs_body = serde_json::to_vec(&serde_json::json!({
            "QueueUrl": ex::queue_url(port),
            "MessageBody": ex::MESSAGE_BODY,
        }))
        .map_err(|e| e.to_string())?;
        Ok(Self {
            http: http_client(),
            urls: Arc::new(Urls::new(port)),
            sqs_body: Bytes::from(sqs_body),
            object: ex::object_1k(),
            sqs_len: ex::send_message().body.len(),
            list_len: ex::list_objects_v2().body.len(),
        })
    }
}

impl Contender for Raw {
    async fn send_message(&self) -> Result<(), String> {
        let req = Request::post(self.urls.sqs.as_str())
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", "AmazonSQS.SendMessage")
            .body(Full::new(self.sqs_body.clone()))
            .map_err(|e| e.to_string())?;
        let body = exchange(&self.http, req).await?;
        check_len("SendMessage response", body.len(), self.sqs_len)
    }

    async fn get_object(&self) -> Result<(), String> {
        let req = Request::get(self.urls.object.as_str())
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        let body = exchange(&self.http, req).await?;
        check_len("GetObject body", body.len(), 1024)
    }

    async fn put_object(&self) -> Result<(), String> {
        let req = Request::put(self.urls.object.as_str())
            .body(Full::new(self.object.clone()))
            .map_err(|e| e.to_string())?;
        exchange(&self.http, req).await.map(drop)
    }

    async fn list_objects_v2(&self) -> Result<(), String> {
        let req = Request::get(self.urls.listing.as_str())
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        let body = exchange(&self.http, req).await?;
        check_len("ListObjectsV2 page", body.len(), self.list_len)
    }
}
