//! An operation whose output is an event stream, through a client: the output read from
//! the answer's head (REST) or from the `initial-response` event (the RPC protocols), and
//! the stream of the rest.

use serde::de::DeserializeOwned;
use serde::Serialize;
use session_tower::{Client, Error};

use super::{stream_member, EventStream};
use crate::shapes::{Operation, OperationFlags, Service};
use crate::value::Value;
use crate::wire::call::{mismatch, send};
use crate::wire::response;

/// Calls `op` of `service`, whose output is an event stream, through `client` with
/// `input`, and hands back the output and its events.
///
/// The output holds its other members: for REST protocols those bound to headers and the
/// status; for the RPC protocols (AWS JSON, CBOR) those of the `initial-response` event,
/// when the stream starts with one (the first message is read for it before this returns;
/// any other first message is kept as the stream's first). The stream member itself is left
/// unset in the output: the events come from the [`EventStream`].
///
/// # Errors
/// As [`call`](crate::wire::call::call), and a request error when the operation's output
/// is not an event stream. Errors inside the stream are the stream's items.
pub async fn call_events<I, O, T>(
    client: &Client,
    service: &'static Service,
    op: &'static Operation,
    input: &I,
) -> Result<(O, EventStream<T>), Error>
where
    I: Serialize + Sync + ?Sized,
    O: DeserializeOwned,
{
    let member = match stream_member(service, op) {
        Some(m) if op.flags.has(OperationFlags::EVENT_STREAM_OUTPUT) => m,
        _ => {
            return Err(Error::request(format!(
                "{}: the output is not an event stream",
                op.name
            )))
        }
    };
    let resp = send(client, service, op, input, None).await?;
    let (parts, body) = resp.into_parts();
    let mut events = EventStream::new(service, member.shape, body);
    let initial = if service.protocol.is_rest() {
        None
    } else {
        events.initial_response().await
    };
    let out = response::parse(service, op, &parts, initial.as_deref().unwrap_or_default())
        .map_err(|e| mismatch(op, e))?;
    Ok((out, events))
}

/// [`call_events`] with dynamic values: the output's unset members left out, the events as
/// [`Value`]s (each a one-entry map of the union member the event is).
///
/// # Errors
/// As [`call_events`].
pub async fn call_value_events(
    client: &Client,
    service: &'static Service,
    op: &'static Operation,
    input: &Value,
) -> Result<(Value, EventStream<Value>), Error> {
    let (mut out, events): (Value, EventStream<Value>) =
        call_events(client, service, op, input).await?;
    if let Some(id) = op.output {
        out.prune_nulls(service, id);
    }
    Ok((out, events))
}
