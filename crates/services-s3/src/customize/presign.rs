//! Presigned URLs: S3 requests anyone can send until they expire, without credentials.

use http::{Method, Request};
use session_tower::endpoint::EndpointParams;
use session_tower::protocol::rpc::percent_encode;
use session_tower::Error;

use crate::S3Client;

impl S3Client {
    /// A presigned GET URL for an object, valid for `expires_in` (1 s to 7 days). Anyone
    /// holding it can read the object until then, without credentials.
    ///
    /// # Errors
    /// An empty bucket or key; credentials, endpoint or signing errors; an expiry out of
    /// range.
    pub async fn presign_get_object(
        &self,
        bucket: &str,
        key: &str,
        expires_in: std::time::Duration,
    ) -> Result<http::Uri, Error> {
        if bucket.is_empty() || key.is_empty() {
            return Err(Error::request("GetObject: Bucket and Key are required"));
        }
        let path = format!("/{}", percent_encode(key, true));
        let mut req = Request::builder()
            .method(Method::GET)
            .uri(path.as_str())
            .body(())
            .map_err(|e| Error::request("GetObject: invalid request").with_source(e))?;
        req.extensions_mut()
            .insert(EndpointParams::new().str("Bucket", bucket));
        self.client.presign(req, expires_in).await
    }
}
