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
use crate::error::{Error, Kind};

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

/// Our own errors pass through a user layer unchanged; its own errors are wrapped.
fn into_error<E: Into<BoxError>>(e: E) -> Error {
    match e.into().downcast::<Error>() {
        Ok(ours) => *ours,
        Err(theirs) => Error::new(Kind::Layer).source_from(theirs),
    }
}

pub(crate) fn erase_layer<L, S, B, E>(layer: L) -> BoxLayer
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
            .map_err(into_error::<E>);
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
    fn our_errors_survive_user_layers() {
        let e = into_error(Error::new(Kind::Connect));
        assert!(e.is_connect());
        let e = into_error(std::io::Error::other("limit"));
        assert!(e.is_layer());
    }
}
