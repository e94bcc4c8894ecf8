//! Streaming payloads: an object's bytes, in or out, passed through untouched.

use std::fmt;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use session_tower::body::SdkBody;
use session_tower::error::Error;

/// A streaming payload (an object's bytes, in or out). Cheap to clone: clones share the
/// one body, which the first [`take`](ByteStream::take) or [`collect`](ByteStream::collect)
/// consumes.
#[derive(Clone, Default)]
pub struct ByteStream {
    body: Arc<Mutex<Option<SdkBody>>>,
}

impl ByteStream {
    /// Wraps a body.
    pub fn new(body: SdkBody) -> Self {
        Self {
            body: Arc::new(Mutex::new(Some(body))),
        }
    }

    /// The body, taken out (empty if already taken).
    pub fn take(&self) -> SdkBody {
        self.body
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .unwrap_or_default()
    }

    /// Reads the whole body.
    ///
    /// # Errors
    /// The connection failed or the body was cut short.
    pub async fn collect(&self) -> Result<Bytes, Error> {
        self.take().collect().await
    }
}

impl From<Bytes> for ByteStream {
    fn from(b: Bytes) -> Self {
        Self::new(SdkBody::from(b))
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(b: Vec<u8>) -> Self {
        Self::new(SdkBody::from(b))
    }
}

impl From<&'static str> for ByteStream {
    fn from(s: &'static str) -> Self {
        Self::new(SdkBody::from(s))
    }
}

impl From<String> for ByteStream {
    fn from(s: String) -> Self {
        Self::new(SdkBody::from(s))
    }
}

impl From<SdkBody> for ByteStream {
    fn from(b: SdkBody) -> Self {
        Self::new(b)
    }
}

impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.body, &other.body)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}
