//! The stubbed client's transport, which answers from the queue, and the reference
//! client's, which captures the request an expected input makes.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use session_tower::trace::OperationName;
use session_tower::SdkBody;

use super::compare::{self, Sent};
use super::{lock, Expected, Shared, StubError};
use crate::shapes::{MemberFlags, OperationFlags, ShapeFlags};
use crate::value::Value;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The transport of a stubbed client: each request takes the next stubbed answer, after
/// its operation and (when one was given) its input are checked. Made by
/// [`Stubber::attach`](super::Stubber::attach).
#[derive(Clone)]
pub struct StubTransport {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for StubTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StubTransport")
    }
}

impl StubTransport {
    pub(super) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl tower_service::Service<Request<SdkBody>> for StubTransport {
    type Response = Response<SdkBody>;
    type Error = session_tower::Error;
    type Future = BoxFuture<Result<Response<SdkBody>, session_tower::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let shared = self.shared.clone();
        Box::pin(async move {
            answer(&shared, req).await.map_err(|e| {
                lock(&shared.failures).push(e.to_string());
                session_tower::Error::request(format!("stubber: {e}")).with_source(e)
            })
        })
    }
}

async fn answer(shared: &Shared, req: Request<SdkBody>) -> Result<Response<SdkBody>, StubError> {
    let called = req
        .extensions()
        .get::<OperationName>()
        .map_or("an unknown operation", |o| o.0);
    let Some(expected) = lock(&shared.queue).pop_front() else {
        return Err(StubError::unexpected(format!(
            "{called}: called with no stubbed answer left"
        )));
    };
    if expected.op.name != called {
        return Err(StubError::mismatch(format!(
            "{called}: called where {} was expected",
            expected.op.name
        )));
    }
    if let Some(input) = &expected.input {
        let sent = Sent::read(req).await?;
        // A streamed payload left out of the expected input (a typed request cannot hold
        // one) is not compared.
        let body_given = !streams_input(shared, expected.op)
            .is_some_and(|name| input.get(name).is_none_or(Value::is_null));
        let wanted = reference_request(shared, &expected, input).await?;
        let found = compare::difference(shared.service, expected.op, &wanted, &sent, body_given);
        if let Some(difference) = found {
            return Err(StubError::mismatch(format!(
                "{called}: the request is not the one the expected input makes: {difference}"
            )));
        }
    }
    let reply = &expected.reply;
    let mut resp = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        resp = resp.header(name.as_str(), value.as_str());
    }
    resp.body(SdkBody::from(reply.body.clone()))
        .map_err(|e| StubError::mismatch(format!("{called}: the stubbed answer: {e}")))
}

/// The request the reference client makes of the expected input (a streamed payload
/// member, given as bytes, sent as the stream).
async fn reference_request(
    shared: &Shared,
    expected: &Expected,
    input: &Value,
) -> Result<Sent, StubError> {
    let op = expected.op;
    let Some(reference) = shared.reference.get() else {
        return Err(StubError::mismatch(format!(
            "{}: the stubber is attached to no client",
            op.name
        )));
    };
    let mut input = input.clone();
    let stream = streamed_member(shared, op, &mut input);
    let result = crate::wire::call::call_value(reference, shared.service, op, &input, stream).await;
    let error = match result {
        Err(e) => e,
        Ok(_) => {
            return Err(StubError::mismatch(format!(
                "{}: the reference client sent nothing",
                op.name
            )))
        }
    };
    // The capturing transport fails every attempt with the request inside.
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&error);
    while let Some(e) = source {
        if let Some(c) = e.downcast_ref::<Captured>() {
            if let Some(sent) = lock(&c.0).take() {
                return Ok(sent);
            }
        }
        source = e.source();
    }
    Err(StubError::mismatch(format!(
        "{}: the expected input cannot be sent: {error}",
        op.name
    )))
}

/// The input's streamed payload member, if the operation has one.
fn streams_input(shared: &Shared, op: &'static crate::shapes::Operation) -> Option<&'static str> {
    if !op.flags.has(OperationFlags::STREAMING_INPUT) {
        return None;
    }
    let service = shared.service;
    let name = op.input_payload(service)?;
    let member = service.shape(op.input?).member(name)?;
    let streams = member.flags.has(MemberFlags::STREAMING)
        || service.shape(member.shape).is(ShapeFlags::STREAMING);
    streams.then_some(name)
}

/// Takes the streamed payload member out of `input` as the body to stream.
fn streamed_member(
    shared: &Shared,
    op: &'static crate::shapes::Operation,
    input: &mut Value,
) -> Option<SdkBody> {
    let name = streams_input(shared, op)?;
    let Value::Map(members) = input else {
        return None;
    };
    match members.shift_remove(name)? {
        Value::Blob(b) => Some(SdkBody::from(b)),
        Value::String(s) => Some(SdkBody::from(Bytes::from(s.into_bytes()))),
        _ => None,
    }
}

/// The reference client's transport: keeps the request in the error it fails with (an
/// error that is not retried), so that concurrent expected inputs never share a slot.
#[derive(Clone, Copy, Debug)]
pub(super) struct Capture;

/// The request a capture kept.
#[derive(Debug)]
pub(super) struct Captured(Mutex<Option<Sent>>);

impl std::fmt::Display for Captured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("captured by the stubber's reference client (not sent)")
    }
}

impl std::error::Error for Captured {}

impl tower_service::Service<Request<SdkBody>> for Capture {
    type Response = Response<SdkBody>;
    type Error = session_tower::Error;
    type Future = BoxFuture<Result<Response<SdkBody>, session_tower::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        Box::pin(async move {
            let sent = Sent::read(req)
                .await
                .map_err(|e| session_tower::Error::request(e.to_string()))?;
            Err(session_tower::Error::request("stubber: reference request")
                .with_source(Captured(Mutex::new(Some(sent)))))
        })
    }
}
