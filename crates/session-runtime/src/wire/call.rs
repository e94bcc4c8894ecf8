//! One operation through a client: the request written from the input by the shape
//! tables, sent through the stack (rebuilt for each retry when nothing streams), and the
//! answer read into the output. The same path for typed and dynamic values.

use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::Serialize;
use session_tower::client::ResponseBody;
use session_tower::metrics;
use session_tower::{Client, Error, SdkBody};

use super::request::{self, BuildError, Context};
use super::response;
use crate::shapes::{Operation, OperationFlags, Service};

/// What a call gives back: the output, and the unread body of a streamed payload.
pub type Answer<O> = (O, Option<SdkBody>);

fn request_error(e: BuildError) -> Error {
    let message = e.to_string();
    Error::request(message).with_source(e)
}

/// Calls `op` of `service` through `client` with `input`; `stream` is the operation's
/// streaming payload, if it takes one.
///
/// An operation whose output is an event stream is answered with the raw
/// `application/vnd.amazon.eventstream` body here; [`call_events`](super::eventstream::call_events)
/// decodes it into events (and reads JSON RPC's `initial-response` into the output).
///
/// # Errors
/// An input that does not fit the model (nothing is sent; every problem is listed), the
/// stack's errors (service answers, timeouts, connections), or an answer that does not fit
/// the model.
pub async fn call<I, O>(
    client: &Client,
    service: &'static Service,
    op: &'static Operation,
    input: &I,
    stream: Option<SdkBody>,
) -> Result<Answer<O>, Error>
where
    I: Serialize + Sync + ?Sized,
    O: DeserializeOwned,
{
    let resp = send(client, service, op, input, stream).await?;
    let (parts, body) = resp.into_parts();
    let parse = |bytes: &[u8]| {
        timed(metrics::record_deserialization, service, op, || {
            response::parse(service, op, &parts, bytes).map_err(|e| mismatch(op, e))
        })
    };
    if streams_output(op) {
        return Ok((parse(b"")?, Some(body)));
    }
    // In memory already: the attempt read it (`ResponseBody::Whole`).
    let bytes = body.collect().await?;
    Ok((parse(&bytes)?, None))
}

/// Runs `f`, recording how long it took with `record` (serialization or deserialization
/// time); in a build without metrics nothing is timed.
#[inline]
fn timed<T>(
    record: fn(&'static str, &'static str, std::time::Duration),
    service: &'static Service,
    op: &'static Operation,
    f: impl FnOnce() -> T,
) -> T {
    if !metrics::ENABLED {
        return f();
    }
    let started = std::time::Instant::now();
    let out = f();
    record(service.service_id, op.name, started.elapsed());
    out
}

/// Whether `op`'s input has an idempotency-token member at its top (always sent: one left
/// unset is filled in).
fn carries_idempotency_token(service: &'static Service, op: &Operation) -> bool {
    use crate::shapes::MemberFlags;
    op.input.is_some_and(|id| {
        service
            .shape(id)
            .members()
            .iter()
            .any(|m| m.flags.has(MemberFlags::IDEMPOTENCY_TOKEN))
    })
}

/// Whether `op`'s answer streams to the caller (a blob payload or an event stream).
fn streams_output(op: &Operation) -> bool {
    response_body(op) != ResponseBody::Whole
}

/// How `op`'s answer is read: a blob payload streams to the caller under stall protection,
/// an event stream streams unwatched, any other answer is read whole inside the attempt,
/// so that a body that breaks or stalls is retried.
fn response_body(op: &Operation) -> ResponseBody {
    if op.flags.has(OperationFlags::EVENT_STREAM_OUTPUT) {
        ResponseBody::Events
    } else if op.flags.has(OperationFlags::STREAMING_OUTPUT) {
        ResponseBody::Streamed
    } else {
        ResponseBody::Whole
    }
}

/// Sends `op` with `input` and hands back the successful answer unread (an error answer
/// is the stack's error).
pub(crate) async fn send<I>(
    client: &Client,
    service: &'static Service,
    op: &'static Operation,
    input: &I,
    stream: Option<SdkBody>,
) -> Result<http::Response<SdkBody>, Error>
where
    I: Serialize + Sync + ?Sized,
{
    if op.flags.has(OperationFlags::EVENT_STREAM_INPUT) {
        // An input event stream needs HTTP/2 and a signature per event.
        return Err(Error::request(format!(
            "{}: input event streams are not sent by this runtime",
            op.name
        )));
    }
    let settings = client.session().settings();
    let token = || client.idempotency_token();
    let streaming_input = stream.is_some();
    // The one way this call's request is written: the first time (timed) and for a retry.
    let build_with = |stream: Option<SdkBody>| {
        request::build(
            service,
            op,
            input,
            Context {
                token: &token,
                settings,
                stream,
            },
        )
    };
    let (mut first, mut meta) = timed(metrics::record_serialization, service, op, || {
        build_with(stream)
    })
    .map_err(request_error)?;
    meta.response_body = response_body(op);
    if carries_idempotency_token(service, op) {
        // The service runs it once however many copies arrive: a hedge may send two.
        first
            .extensions_mut()
            .insert(session_tower::hedge::IdempotencyToken);
    }
    // Whether the answer's checksum is to be checked: the request asked for one.
    let validate = first
        .headers()
        .get("x-amz-checksum-mode")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"enabled"));
    let resp = if streaming_input {
        // A stream is sent once: nothing to rebuild.
        client.send_operation(first, meta).await?
    } else {
        // The first attempt sends the request built above; a retry writes it again from
        // the input rather than keeping a copy from the start.
        let first = Mutex::new(Some(first));
        let build = || -> Result<http::Request<SdkBody>, Error> {
            if let Some(req) = first
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
            {
                return Ok(req);
            }
            build_with(None).map(|(req, _)| req).map_err(request_error)
        };
        client.send_rebuilding(&build, meta).await?
    };
    if !validate || !op.flags.has(OperationFlags::STREAMING_OUTPUT) {
        return Ok(resp);
    }
    // A streamed body is checked as it is read (a body read whole is checked the same way).
    let (parts, body) = resp.into_parts();
    let body = validated(op, &parts.headers, body);
    Ok(http::Response::from_parts(parts, body))
}

/// [`call`] with dynamic values: the output's unset members left out (not nulls).
///
/// # Errors
/// As [`call`].
pub async fn call_value(
    client: &Client,
    service: &'static Service,
    op: &'static Operation,
    input: &crate::value::Value,
    stream: Option<SdkBody>,
) -> Result<Answer<crate::value::Value>, Error> {
    let (mut out, body): Answer<crate::value::Value> =
        call(client, service, op, input, stream).await?;
    if let Some(id) = op.output {
        out.prune_nulls(service, id);
    }
    Ok((out, body))
}

/// A streamed body that fails its last read if it does not match the answer's checksum:
/// the first of the operation's response algorithms whose header came back. Composite
/// checksums of multipart objects (`...-N`) are over parts, not the body, and are not
/// checked.
fn validated(op: &Operation, headers: &http::HeaderMap, body: SdkBody) -> SdkBody {
    use crate::checksum::{Algorithm, Validating};
    let check = op.response_checksums.iter().find_map(|name| {
        let alg = Algorithm::from_name(name)?;
        let value = headers.get(alg.header())?.to_str().ok()?;
        (!value.contains('-')).then(|| (alg, value.to_owned()))
    });
    match check {
        Some((alg, expected)) => SdkBody::from_stream(Validating::new(body, alg, expected)),
        None => body,
    }
}

/// An answer that does not fit the model: one wording for every protocol.
pub(crate) fn mismatch(op: &Operation, cause: super::de::Error) -> Error {
    Error::response(format!(
        "{}: the response does not match the model",
        op.name
    ))
    .with_source(cause)
}
