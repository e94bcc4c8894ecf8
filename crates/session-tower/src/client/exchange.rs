//! The exchange: the request out and the response in, under the attempt timeout and the
//! read (idle) timeout, with error answers turned into errors and a success body read in
//! memory or watched for stalls. The last step of every attempt, in line or layered.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use tower::ServiceExt;
use tower_service::Service;

use super::boxed::BoxedStage;
use super::operation::ResponseBody;
use crate::body::SdkBody;
use crate::error::Error;
use crate::errors::{BodyPlan, ErrorsOnSuccess, Inspected};
use crate::future::StageFuture;
use crate::protocol::Protocol;
use crate::timeout::{Activity, Idle, Scope, StallProtection, StreamWatch, Timed, Touching};
use crate::trace::OperationName;
use crate::transport::{Transport, TransportFuture};

/// What sends a signed request and reads the answer: read timeout → attempt timeout →
/// response errors → transport. Cloned into the layered segment, where it is the innermost
/// service.
#[derive(Clone)]
pub(crate) struct Exchange {
    pub(crate) attempt_timeout: Option<Duration>,
    /// The idle timeout of the attempt and of a streamed body while it is waited on.
    pub(crate) read_timeout: Option<Duration>,
    /// The throughput rule of streamed bodies.
    pub(crate) stall: Option<StallProtection>,
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
pub(crate) type ExchangeFuture = Idle<Timed<Inspected<TransportFuture>>>;

impl Exchange {
    /// Starts the exchange. An error response is read and parsed inside the attempt (a slow
    /// error body counts against it), and so is a success body read [`ResponseBody::Whole`];
    /// a streamed one is handed back watched for stalls (not an event stream's).
    /// `operation` is the operation's name, which a user's HTTP client finds in the
    /// request's [`OperationName`] (the pooled transport has no use for it).
    pub(crate) fn start(
        &self,
        mut req: Request<SdkBody>,
        operation: Option<&'static str>,
        errors_on_success: bool,
        response_body: ResponseBody,
    ) -> ExchangeFuture {
        let activity = self.read_timeout.map(|_| Activity::new());
        if let Some(activity) = &activity {
            // A streamed upload moves bytes as hyper takes them; an in-memory body is sent
            // at once, so the idle clock's start covers it.
            if req.body().bytes().is_none() && !http_body::Body::is_end_stream(req.body()) {
                let body = std::mem::take(req.body_mut());
                *req.body_mut() = Touching::wrap(body, activity.clone());
            }
        }
        let watch = match response_body {
            ResponseBody::Streamed => StreamWatch {
                idle: self.read_timeout,
                rule: self.stall,
            },
            ResponseBody::Whole | ResponseBody::Events => StreamWatch::default(),
        };
        let plan = BodyPlan {
            check_success: errors_on_success,
            read_whole: response_body == ResponseBody::Whole,
            activity: activity.clone(),
            watch,
        };
        let sending = match &self.sender {
            Sender::Pooled(transport) => transport.request(req),
            Sender::Custom(client) => {
                // Test doubles and recorders tell operations apart by it; on the layered
                // path the engine has set it already.
                if let Some(name) = operation {
                    req.extensions_mut().insert(OperationName(name));
                }
                TransportFuture::boxed((**client).clone().oneshot(req))
            }
        };
        Idle::new(
            Timed::new(
                Inspected::new(sending, self.protocol, plan),
                self.attempt_timeout,
                Scope::Attempt,
            ),
            self.read_timeout.zip(activity),
        )
    }
}

/// The exchange as the innermost service of the layered segment: whether a 200 may hide an
/// error and how its body is read come from the request's [`ErrorsOnSuccess`] and
/// [`ResponseBody`] extensions, which the engine sets.
impl Service<Request<SdkBody>> for Exchange {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = StageFuture<'static, ExchangeFuture, Response<SdkBody>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<SdkBody>) -> Self::Future {
        let errors_on_success = req.extensions_mut().remove::<ErrorsOnSuccess>().is_some();
        let response_body = req
            .extensions_mut()
            .remove::<ResponseBody>()
            .unwrap_or_default();
        StageFuture::inline(self.start(req, None, errors_on_success, response_body))
    }
}
