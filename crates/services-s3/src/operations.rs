//! Hand-written S3 operations.

use http::{Method, Request};
use http_body::Body as _;
use session_tower::endpoint::EndpointParams;
use session_tower::errors::ErrorsOnSuccess;
use session_tower::protocol::rpc::{percent_encode, read_body};
use session_tower::protocol::xml;
use session_tower::trace::OperationName;
use session_tower::{Error, SdkBody};

use crate::S3Client;

/// PutObject's answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PutObjectOutput {
    /// The object's ETag.
    pub e_tag: Option<String>,
}

/// GetObject's answer; the body streams from the connection.
#[derive(Debug)]
#[non_exhaustive]
pub struct GetObjectOutput {
    /// `Content-Length`.
    pub content_length: Option<u64>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// The ETag.
    pub e_tag: Option<String>,
    /// The object's bytes, read as they arrive.
    pub body: SdkBody,
}

/// One object of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Object {
    /// The key.
    pub key: String,
    /// The size in bytes.
    pub size: Option<u64>,
    /// The ETag.
    pub e_tag: Option<String>,
}

/// ListObjectsV2's answer (one page).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ListObjectsV2Output {
    /// The objects of this page.
    pub contents: Vec<Object>,
    /// More pages follow.
    pub is_truncated: bool,
    /// Pass to the next call to get the next page.
    pub next_continuation_token: Option<String>,
}

fn header(resp: &http::response::Parts, name: &str) -> Option<String> {
    resp.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn request(
    operation: &'static str,
    method: Method,
    bucket: &str,
    path_and_query: &str,
    body: SdkBody,
) -> Result<Request<SdkBody>, Error> {
    if bucket.is_empty() {
        return Err(Error::request(format!("{operation}: Bucket is required")));
    }
    let mut req = Request::builder()
        .method(method)
        .uri(path_and_query)
        .body(body)
        .map_err(|e| Error::request(format!("{operation}: invalid request")).with_source(e))?;
    req.extensions_mut().insert(OperationName(operation));
    req.extensions_mut()
        .insert(EndpointParams::new().str("Bucket", bucket));
    Ok(req)
}

fn key_path(operation: &str, key: &str) -> Result<String, Error> {
    if key.is_empty() {
        return Err(Error::request(format!("{operation}: Key is required")));
    }
    Ok(format!("/{}", percent_encode(key, true)))
}

impl S3Client {
    /// Creates a bucket (with a location constraint outside `us-east-1`).
    ///
    /// # Errors
    /// Service errors (`BucketAlreadyExists`, ...) and stack errors.
    pub async fn create_bucket(&self, bucket: &str) -> Result<(), Error> {
        let region = self.client.region().unwrap_or("us-east-1");
        let body = if region == "us-east-1" {
            SdkBody::empty()
        } else {
            SdkBody::from(format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>{region}</LocationConstraint></CreateBucketConfiguration>"
            ))
        };
        let req = request("CreateBucket", Method::PUT, bucket, "/", body)?;
        let resp = self.client.send(req).await?;
        read_body(resp).await.map(drop)
    }

    /// Uploads an object. A streaming body must know its length (S3 needs
    /// `Content-Length`); it is sent once, never buffered.
    ///
    /// # Errors
    /// A stream of unknown length; service and stack errors.
    pub async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: SdkBody,
    ) -> Result<PutObjectOutput, Error> {
        let path = key_path("PutObject", key)?;
        let length = body
            .size_hint()
            .exact()
            .ok_or_else(|| Error::request("PutObject: the body's length must be known"))?;
        let mut req = request("PutObject", Method::PUT, bucket, &path, body)?;
        req.headers_mut().insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from(length),
        );
        let resp = self.client.send(req).await?;
        let (parts, _) = read_body(resp).await?;
        Ok(PutObjectOutput {
            e_tag: header(&parts, "etag"),
        })
    }

    /// Downloads an object; the body streams.
    ///
    /// # Errors
    /// Service errors (`NoSuchKey`, ...) and stack errors.
    pub async fn get_object(&self, bucket: &str, key: &str) -> Result<GetObjectOutput, Error> {
        let path = key_path("GetObject", key)?;
        let req = request("GetObject", Method::GET, bucket, &path, SdkBody::empty())?;
        let resp = self.client.send(req).await?;
        let (parts, body) = resp.into_parts();
        Ok(GetObjectOutput {
            content_length: header(&parts, "content-length").and_then(|v| v.parse().ok()),
            content_type: header(&parts, "content-type"),
            e_tag: header(&parts, "etag"),
            body,
        })
    }

    /// Copies an object (within or across buckets). S3 can answer this with HTTP 200 and an
    /// error body; that is reported as the error it is.
    ///
    /// # Errors
    /// Service errors (`NoSuchKey` for the source, ...) and stack errors.
    pub async fn copy_object(
        &self,
        source_bucket: &str,
        source_key: &str,
        bucket: &str,
        key: &str,
    ) -> Result<PutObjectOutput, Error> {
        let path = key_path("CopyObject", key)?;
        if source_bucket.is_empty() || source_key.is_empty() {
            return Err(Error::request("CopyObject: CopySource is required"));
        }
        let source = format!("{source_bucket}/{}", percent_encode(source_key, true));
        let mut req = request("CopyObject", Method::PUT, bucket, &path, SdkBody::empty())?;
        req.headers_mut().insert(
            "x-amz-copy-source",
            http::HeaderValue::from_str(&source)
                .map_err(|e| Error::request("CopyObject: invalid CopySource").with_source(e))?,
        );
        req.extensions_mut().insert(ErrorsOnSuccess);
        let resp = self.client.send(req).await?;
        let (_, body) = read_body(resp).await?;
        Ok(PutObjectOutput {
            e_tag: xml::first_text(&body, "ETag"),
        })
    }

    /// A presigned GET URL for an object, valid for `expires_in` (1 s to 7 days). Anyone
    /// holding it can read the object until then, without credentials.
    ///
    /// # Errors
    /// Credentials, endpoint or signing errors; an expiry out of range.
    pub async fn presign_get_object(
        &self,
        bucket: &str,
        key: &str,
        expires_in: std::time::Duration,
    ) -> Result<http::Uri, Error> {
        let path = key_path("GetObject", key)?;
        let mut req = Request::builder()
            .method(Method::GET)
            .uri(path.as_str())
            .body(())
            .map_err(|e| Error::request("GetObject: invalid request").with_source(e))?;
        req.extensions_mut()
            .insert(EndpointParams::new().str("Bucket", bucket));
        self.client.presign(req, expires_in).await
    }

    /// Deletes an object.
    ///
    /// # Errors
    /// Service and stack errors.
    pub async fn delete_object(&self, bucket: &str, key: &str) -> Result<(), Error> {
        let path = key_path("DeleteObject", key)?;
        let req = request(
            "DeleteObject",
            Method::DELETE,
            bucket,
            &path,
            SdkBody::empty(),
        )?;
        let resp = self.client.send(req).await?;
        read_body(resp).await.map(drop)
    }

    /// Lists one page of objects.
    ///
    /// # Errors
    /// Service and stack errors; a malformed listing.
    pub async fn list_objects_v2(
        &self,
        bucket: &str,
        prefix: Option<&str>,
        continuation_token: Option<&str>,
    ) -> Result<ListObjectsV2Output, Error> {
        let mut pq = String::from("/?list-type=2");
        if let Some(p) = prefix {
            pq.push_str("&prefix=");
            pq.push_str(&percent_encode(p, false));
        }
        if let Some(t) = continuation_token {
            pq.push_str("&continuation-token=");
            pq.push_str(&percent_encode(t, false));
        }
        let req = request("ListObjectsV2", Method::GET, bucket, &pq, SdkBody::empty())?;
        let resp = self.client.send(req).await?;
        let (_, body) = read_body(resp).await?;
        if !xml::has_element(&body, "ListBucketResult") {
            return Err(Error::response(
                "ListObjectsV2: no ListBucketResult element",
            ));
        }
        let contents = xml::records(&body, "Contents", &["Key", "Size", "ETag"])
            .into_iter()
            .filter_map(|mut r| {
                Some(Object {
                    key: r[0].take()?,
                    size: r[1].take().and_then(|s| s.parse().ok()),
                    e_tag: r[2].take(),
                })
            })
            .collect();
        let mut top = xml::texts(&body, &["IsTruncated", "NextContinuationToken"]).into_iter();
        Ok(ListObjectsV2Output {
            contents,
            is_truncated: top.next().flatten().as_deref() == Some("true"),
            next_continuation_token: top.next().flatten(),
        })
    }
}
