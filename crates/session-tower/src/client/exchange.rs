//! The exchange: the request out and the response in, under the attempt timeout, with error
//! answers turned into errors. The last step of every attempt, in line or layered.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use tower::ServiceExt;
use tower_service::Service;

use super::boxed::BoxedStage;
use crate::body::SdkBody;
use crate::error::Error;
use crate::errors::{ErrorsOnSuccess, Inspected, ReadBody};
use crate::future::StageFuture;
use crate::protocol::Protocol;
use crate::timeout::{Scope, Timed};
use crate::transport::{Transport, TransportFuture};

/// What sends a signed request and reads the answer: attempt timeout → response errors →
/// transport. Cloned into the layered segment, where it is the innermost service.
#[derive(Clone)]
pub(crate) struct Exchange {
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) protocol: Protocol,
    pub(crate) sender: Sender,
}

/// Where an attempt's request goes.
#[derive(Clone)]
pub(crate) enum Sender {
    /// The session's pooled transport.
    Pooled(Transport),
    /// A user's HTTP client ([`ClientBuilder::http_client`](super::ClientBuilder::http_client)).
    Custom(Arc<BoxedStage>),
}

/// One exchange in flight.
pub(crate) type ExchangeFuture = Timed<Inspected<TransportFuture>>;

impl Exchange {
    /// Starts the exchange; an error response is read and parsed inside the attempt
    /// timeout (a slow error body counts against the attempt), and so is a success body
    /// when `read_body`.
    pub(crate) fn start(
        &self,
        req: Request<SdkBody>,
        errors_on_success: bool,
        read_body: bool,
    ) -> ExchangeFuture {
        let sending = match &self.sender {
            Sender::Pooled(transport) => transport.request(req),
            Sender::Custom(client) => TransportFuture::boxed((**client).clone().oneshot(req)),
        };
        Timed::new(
            Inspected::new(sending, self.protocol, errors_on_success, read_body),
            self.attempt_timeout,
            Scope::Attempt,
        )
    }
}

/// The exchange as the innermost service of the layered segment: whether a 200 may hide an
/// error comes from the request's [`ErrorsOnSuccess`] extension, which the engine sets.
impl Service<Request<SdkBody>> for Exchange {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = StageFuture<'static, ExchangeFuture, Response<SdkBody>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<SdkBody>) -> Self::Future {
        let errors_on_success = req.extensions_mut().remove::<ErrorsOnSuccess>().is_some();
        let read_body = req.extensions_mut().remove::<ReadBody>().is_some();
        StageFuture::inline(self.start(req, errors_on_success, read_body))
    }
}
