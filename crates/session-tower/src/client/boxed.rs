//! Boxing at the client edge, and adapting user layers to the stack's types.

use std::any::Any;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response};
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;
use tower_layer::Layer;
use tower_service::Service;

use crate::body::{BoxError, SdkBody};
use crate::error::Error;
use crate::timeout::Scope;

/// A type-erased stage of a client stack: what user layers wrap and what clients hold.
pub type BoxedStage = BoxCloneSyncService<Request<SdkBody>, Response<SdkBody>, Error>;

/// A user layer, erased.
pub(crate) type BoxLayer = Arc<dyn Fn(BoxedStage) -> BoxedStage + Send + Sync>;

/// Converts any body into an [`SdkBody`], without re-boxing one that already is.
fn into_sdk_body<B>(body: B) -> SdkBody
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let mut slot = Some(body);
    if let Some(sdk) = (&mut slot as &mut dyn Any).downcast_mut::<Option<SdkBody>>() {
        return sdk.take().unwrap_or_default();
    }
    match slot {
        Some(body) => SdkBody::from_stream(body),
        None => SdkBody::empty(),
    }
}

/// A user layer, erased: its responses' bodies become [`SdkBody`]s, and its errors are
/// classified like ours ([`Error::from_outside`]): a tower `Timeout` elapsing in a layer
/// inside the attempt is a retryable attempt timeout, one around the operation an operation
/// timeout.
pub(crate) fn erase_layer<L, S, B, E>(layer: L, scope: Scope) -> BoxLayer
where
    L: Layer<BoxedStage, Service = S> + Send + Sync + 'static,
    S: Service<Request<SdkBody>, Response = Response<B>, Error = E> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    E: Into<BoxError> + 'static,
{
    Arc::new(move |inner: BoxedStage| {
        let svc = layer
            .layer(inner)
            .map_response(|r: Response<B>| r.map(into_sdk_body))
            .map_err(move |e: E| Error::from_outside(e.into(), scope));
        BoxCloneSyncService::new(svc)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sdk_bodies_are_not_rewrapped() {
        let b = into_sdk_body(SdkBody::from("abc"));
        assert_eq!(b.bytes(), Some(&b"abc"[..]));
        let full = into_sdk_body(http_body_util::Full::new(Bytes::from_static(b"xyz")));
        assert!(full.bytes().is_none());
        assert_eq!(full.collect().await.unwrap(), "xyz");
    }

    #[test]
    fn errors_from_layers_are_classified_like_ours() {
        let outside = |e: BoxError| Error::from_outside(e, Scope::Attempt);
        assert!(outside(Box::new(Error::connect("refused"))).is_connect());
        let e = outside(Box::new(tower::timeout::error::Elapsed::new()));
        assert!(e.is_timeout());
        let op = Error::from_outside(
            Box::new(tower::timeout::error::Elapsed::new()),
            Scope::Operation,
        );
        assert!(op.is_timeout());
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(outside(Box::new(refused)).is_connect());
        assert!(outside(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset
        )))
        .is_io());
        let e = outside("a limit of the layer's own".into());
        assert!(e.is_layer());
    }
}
