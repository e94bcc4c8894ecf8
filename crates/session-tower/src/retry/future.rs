use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Response;

use crate::body::SdkBody;
use crate::error::Error;

type Inner = Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send>>;

/// The future of a [`Retry`](super::Retry) call: the whole retry loop of one operation
/// (one allocation per operation).
pub struct ResponseFuture {
    inner: Inner,
}

impl ResponseFuture {
    pub(crate) fn new(inner: Inner) -> Self {
        Self { inner }
    }
}

impl Future for ResponseFuture {
    type Output = Result<Response<SdkBody>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("retry::ResponseFuture")
    }
}
