//! [`SdkBody`]: the request and response body type of every stack.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// Errors a body can produce while streaming.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type BoxBody = Pin<Box<dyn Body<Data = Bytes, Error = BoxError> + Send>>;

/// A request or response body: in-memory bytes (cheap to clone, so a retry can resend them),
/// or a stream that is read once and never buffered whole.
pub struct SdkBody {
    inner: Inner,
}

enum Inner {
    /// `Some` until the single data frame has been yielded.
    Once(Option<Bytes>),
    /// A response straight from hyper (no extra box per response).
    Incoming(hyper::body::Incoming),
    /// A response on a pooled connection, which goes back to the pool when this ends.
    Pooled(Pooled),
    /// Any other streaming body, e.g. a file upload.
    Stream(BoxBody),
    /// Set after a stream was taken by [`SdkBody::take`].
    Taken,
}

impl SdkBody {
    /// An empty body.
    pub fn empty() -> Self {
        Self {
            inner: Inner::Once(None),
        }
    }

    /// A body of these bytes. Replayable: [`SdkBody::try_clone`] succeeds.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            inner: Inner::Once((!bytes.is_empty()).then_some(bytes)),
        }
    }

    /// A streaming body. Not replayable: a request with it is never retried once sent.
    pub fn from_stream<B>(body: B) -> Self
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        use http_body_util::BodyExt;
        Self {
            inner: Inner::Stream(Box::pin(body.map_err(Into::into))),
        }
    }

    pub(crate) fn from_pooled(
        body: hyper::body::Incoming,
        checkin: crate::transport::pool::Checkin,
    ) -> Self {
        Self {
            inner: Inner::Pooled(Pooled {
                body,
                checkin: Some(checkin),
            }),
        }
    }

    pub(crate) fn from_incoming(body: hyper::body::Incoming) -> Self {
        Self {
            inner: Inner::Incoming(body),
        }
    }

    /// The bytes of an in-memory body; `None` for a stream.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Once(Some(b)) => Some(b),
            Inner::Once(None) => Some(&[]),
            _ => None,
        }
    }

    /// A copy of an in-memory body (cheap: `Bytes` is reference counted); `None` for a
    /// stream, which can be read only once.
    pub fn try_clone(&self) -> Option<SdkBody> {
        match &self.inner {
            Inner::Once(b) => Some(SdkBody {
                inner: Inner::Once(b.clone()),
            }),
            _ => None,
        }
    }

    /// Moves the body out, leaving an exhausted one.
    pub fn take(&mut self) -> SdkBody {
        SdkBody {
            inner: std::mem::replace(&mut self.inner, Inner::Taken),
        }
    }

    /// Reads the whole body into memory.
    ///
    /// # Errors
    /// When the stream fails (for a response: the connection dropped, the body was
    /// truncated): an [`Error`](crate::Error) for which `is_io()` holds.
    pub async fn collect(mut self) -> Result<Bytes, crate::Error> {
        if let Inner::Once(b) = &mut self.inner {
            return Ok(b.take().unwrap_or_default());
        }
        let mut collector = Collector::default();
        std::future::poll_fn(|cx| collector.poll_collect(&mut self, None, cx)).await
    }

    /// Reads at most `limit` bytes; errors if the body is longer. For error responses, whose
    /// size is not under our control.
    pub(crate) async fn collect_limited(self, limit: usize) -> Result<Bytes, BoxError> {
        use http_body_util::BodyExt;
        let limited = http_body_util::Limited::new(self, limit);
        Ok(BodyExt::collect(limited).await?.to_bytes())
    }
}

/// A body's stream error as ours: an error of this crate (a stall) stays what it is, any
/// other is a connection failure while reading the body.
fn body_error(e: BoxError) -> crate::Error {
    match e.downcast::<crate::Error>() {
        Ok(ours) => *ours,
        Err(e) => crate::Error::with(crate::error::Kind::Io, "reading the body").with_source(e),
    }
}

/// The frames of a body read so far, joined only when there are several: most bodies
/// arrive as one frame, and that frame is the answer, without the buffer list (and its
/// allocation) a general collector keeps. Polled by [`SdkBody::collect`] and by the
/// attempt that reads a body inside itself.
#[derive(Default)]
pub(crate) struct Collector {
    first: Option<Bytes>,
    joined: Option<bytes::BytesMut>,
}

impl Collector {
    /// Reads `body` to its end, noting each frame in `activity` (the read timeout's clock);
    /// the whole body, or the stream's error (`is_io()`, or our own error as it was, such
    /// as a stall).
    pub(crate) fn poll_collect(
        &mut self,
        body: &mut SdkBody,
        activity: Option<&crate::timeout::Activity>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Bytes, crate::Error>> {
        loop {
            let frame = match Pin::new(&mut *body).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => break,
                Poll::Ready(Some(frame)) => frame,
            };
            let frame = frame.map_err(body_error)?;
            if let Some(activity) = activity {
                activity.touch();
            }
            let Ok(data) = frame.into_data() else {
                continue;
            };
            match (&self.first, &mut self.joined) {
                (None, _) => self.first = Some(data),
                (Some(head), None) => {
                    let mut all = bytes::BytesMut::with_capacity(head.len() + data.len());
                    all.extend_from_slice(head);
                    all.extend_from_slice(&data);
                    self.joined = Some(all);
                }
                (Some(_), Some(all)) => all.extend_from_slice(&data),
            }
        }
        Poll::Ready(Ok(match self.joined.take() {
            Some(all) => all.freeze(),
            None => self.first.take().unwrap_or_default(),
        }))
    }
}

/// A response body whose connection returns to the pool once the body is finished.
struct Pooled {
    body: hyper::body::Incoming,
    checkin: Option<crate::transport::pool::Checkin>,
}

impl Pooled {
    fn release(&mut self) {
        if let Some(c) = self.checkin.take() {
            c.release();
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        // A body read to its end (or empty from the start) leaves the connection clean for
        // the next request; a body dropped half-read does not, and its connection closes.
        if self.body.is_end_stream() {
            self.release();
        }
    }
}

impl Default for SdkBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl From<Bytes> for SdkBody {
    fn from(b: Bytes) -> Self {
        Self::from_bytes(b)
    }
}

impl From<Vec<u8>> for SdkBody {
    fn from(v: Vec<u8>) -> Self {
        Self::from_bytes(v)
    }
}

impl From<String> for SdkBody {
    fn from(s: String) -> Self {
        Self::from_bytes(s)
    }
}

impl From<&'static str> for SdkBody {
    fn from(s: &'static str) -> Self {
        Self::from_bytes(Bytes::from_static(s.as_bytes()))
    }
}

impl Body for SdkBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        // Every variant is Unpin (Option, Incoming, Pin<Box>), so SdkBody is Unpin.
        match &mut self.get_mut().inner {
            Inner::Once(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Inner::Incoming(b) => Pin::new(b).poll_frame(cx).map_err(Into::into),
            Inner::Pooled(p) => {
                let frame = Pin::new(&mut p.body).poll_frame(cx).map_err(Into::into);
                if matches!(frame, Poll::Ready(None)) {
                    p.release();
                }
                frame
            }
            Inner::Stream(b) => b.as_mut().poll_frame(cx),
            Inner::Taken => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Once(b) => b.is_none(),
            Inner::Incoming(b) => b.is_end_stream(),
            Inner::Pooled(p) => p.body.is_end_stream(),
            Inner::Stream(b) => b.is_end_stream(),
            Inner::Taken => true,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Once(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Incoming(b) => b.size_hint(),
            Inner::Pooled(p) => p.body.size_hint(),
            Inner::Stream(b) => b.size_hint(),
            Inner::Taken => SizeHint::with_exact(0),
        }
    }
}

impl fmt::Debug for SdkBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Once(b) => write!(f, "SdkBody({} bytes)", b.as_ref().map_or(0, Bytes::len)),
            Inner::Incoming(_) | Inner::Pooled(_) => f.write_str("SdkBody(incoming)"),
            Inner::Stream(_) => f.write_str("SdkBody(stream)"),
            Inner::Taken => f.write_str("SdkBody(taken)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_bodies_replay_and_streams_do_not() {
        let b = SdkBody::from("hello");
        let c = b.try_clone().unwrap();
        assert_eq!(b.collect().await.unwrap(), "hello");
        assert_eq!(c.collect().await.unwrap(), "hello");
        let s = SdkBody::from_stream(http_body_util::Full::new(Bytes::from_static(b"x")));
        assert!(s.try_clone().is_none());
        assert_eq!(s.collect().await.unwrap(), "x");
    }

    #[tokio::test]
    async fn limited_collect_rejects_long_bodies() {
        let b = SdkBody::from(vec![0u8; 100]);
        assert!(b.collect_limited(10).await.is_err());
        assert_eq!(SdkBody::from("ok").collect_limited(10).await.unwrap(), "ok");
    }

    #[test]
    fn size_hint_is_exact_for_bytes() {
        assert_eq!(SdkBody::from("abc").size_hint().exact(), Some(3));
        assert!(SdkBody::empty().is_end_stream());
    }
}
