//! One operation through a client: the request written from the input by the shape
//! tables, sent through the stack (rebuilt for each retry when nothing streams), and the
//! answer read into the output. The same path for typed and dynamic values.

use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::Serialize;
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
    let settings = client.session().settings();
    let token = || client.idempotency_token();
    let streaming_input = stream.is_some();
    let (first, meta) = request::build(
        service,
        op,
        input,
        Context {
            token: &token,
            settings,
            stream,
        },
    )
    .map_err(request_error)?;
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
            request::build(
                service,
                op,
                input,
                Context {
                    token: &token,
                    settings,
                    stream: None,
                },
            )
            .map(|(req, _)| req)
            .map_err(request_error)
        };
        client.send_rebuilding(&build, meta).await?
    };
    let streams_output = op.flags.has(OperationFlags::STREAMING_OUTPUT)
        || op.flags.has(OperationFlags::EVENT_STREAM_OUTPUT);
    let (parts, body) = resp.into_parts();
    if streams_output {
        let out = response::parse(service, op, &parts, b"").map_err(|e| mismatch(op, e))?;
        return Ok((out, Some(body)));
    }
    let bytes = body.collect().await?;
    let out = response::parse(service, op, &parts, &bytes).map_err(|e| mismatch(op, e))?;
    Ok((out, None))
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

/// An answer that does not fit the model: one wording for every protocol.
fn mismatch(op: &Operation, cause: super::de::Error) -> Error {
    Error::response(format!(
        "{}: the response does not match the model",
        op.name
    ))
    .with_source(cause)
}
