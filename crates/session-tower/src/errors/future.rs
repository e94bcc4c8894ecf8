use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Response;
use pin_project_lite::pin_project;

use super::{inspect, passes};
use crate::body::{Collector, SdkBody};
use crate::error::Error;
use crate::protocol::Protocol;
use crate::timeout::{Activity, StreamWatch, Touching};

type Inspecting = Pin<Box<dyn Future<Output = Result<Response<SdkBody>, Error>> + Send>>;

/// What an attempt does with the body of its answer.
pub(crate) struct BodyPlan {
    /// A 200 may hide an error: read and look.
    pub(crate) check_success: bool,
    /// Read a success body whole inside the attempt.
    pub(crate) read_whole: bool,
    /// The read timeout's clock, noted as the body's bytes come in.
    pub(crate) activity: Option<Arc<Activity>>,
    /// How a success body handed back streaming is watched.
    pub(crate) watch: StreamWatch,
}

pin_project! {
    /// An attempt's response through the response stage: successes pass (read whole first,
    /// or watched for stalls, as the plan says), error answers become errors.
    pub(crate) struct Inspected<F> {
        #[pin]
        state: State<F>,
        protocol: Protocol,
        plan: BodyPlan,
    }
}

pin_project! {
    #[project = Proj]
    enum State<F> {
        // Waiting for the response head.
        Calling { #[pin] inner: F },
        // Reading a body that is or may be an error (allocates, but only off the happy path).
        Inspecting { body: Inspecting },
        // Reading a success body inside the attempt (an operation whose output does not
        // stream): a reset, a truncation or a stall while reading it fails the attempt,
        // which the retry policy may retry, and the attempt timeout covers it.
        Reading { head: Option<http::response::Parts>, body: SdkBody, collector: Collector },
    }
}

impl<F> Inspected<F> {
    pub(crate) fn new(inner: F, protocol: Protocol, plan: BodyPlan) -> Self {
        Self {
            state: State::Calling { inner },
            protocol,
            plan,
        }
    }
}

impl<F> Future for Inspected<F>
where
    F: Future<Output = Result<Response<SdkBody>, Error>>,
{
    type Output = Result<Response<SdkBody>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                Proj::Calling { inner } => {
                    let resp = match inner.poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Ready(Ok(resp)) => resp,
                    };
                    if let Some(activity) = &this.plan.activity {
                        activity.touch();
                    }
                    if passes(&resp, this.plan.check_success) {
                        if !this.plan.read_whole {
                            let watch = this.plan.watch;
                            return Poll::Ready(Ok(resp.map(|body| watch.wrap(body))));
                        }
                        let (head, body) = resp.into_parts();
                        this.state.set(State::Reading {
                            head: Some(head),
                            body,
                            collector: Collector::default(),
                        });
                        continue;
                    }
                    // The error body's bytes keep the read timeout's clock going too.
                    let resp = match &this.plan.activity {
                        Some(activity) => resp.map(|body| Touching::wrap(body, activity.clone())),
                        None => resp,
                    };
                    this.state.set(State::Inspecting {
                        body: Box::pin(inspect(resp, *this.protocol)),
                    });
                }
                Proj::Inspecting { body } => return body.as_mut().poll(cx),
                Proj::Reading {
                    head,
                    body,
                    collector,
                } => {
                    let activity = this.plan.activity.as_deref();
                    let bytes = match collector.poll_collect(body, activity, cx) {
                        Poll::Pending => return Poll::Pending,
                        // An IO error that says it was reading the body.
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Ready(Ok(bytes)) => bytes,
                    };
                    let head = head
                        .take()
                        .ok_or_else(|| Error::with(crate::error::Kind::Io, "polled after done"))?;
                    return Poll::Ready(Ok(Response::from_parts(head, SdkBody::from(bytes))));
                }
            }
        }
    }
}

impl<F> fmt::Debug for Inspected<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("errors::Inspected")
    }
}
