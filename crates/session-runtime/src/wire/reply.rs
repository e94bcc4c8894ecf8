//! What a service would answer, written by the shape tables: an operation's output as its
//! protocol puts it on the wire, and an error answer. The [`Stubber`](crate::stub::Stubber)
//! replies with these, so that a stubbed answer is read by the same parsers (and the same
//! error classification) as a real one.
//!
//! The same pass that checks inputs checks the output against its shape (unknown
//! members, wrong types, required members), as boto3's stubber does.

use bytes::Bytes;
use indexmap::IndexMap;

use super::ser::cbor::CborSink;
use super::ser::json::JsonSink;
use super::ser::rest::RestSink;
use super::ser::xml::{escape, XmlSink};
use super::ser::{self, Error, Sink, State};
use crate::shapes::{Location, MemberFlags, Operation, OperationFlags, Protocol, Service};
use crate::shapes::{ShapeFlags, ShapeId};
use crate::value::Value;

/// An answer: its status, headers and body.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
}

/// The header carrying the request id, as the protocol's services send it.
fn request_id_header(service: &Service) -> &'static str {
    if service.protocol == Protocol::RestXml {
        "x-amz-request-id"
    } else {
        "x-amzn-requestid"
    }
}

/// The members of a map value (`Null` is an output with nothing set).
fn members(value: &Value) -> Result<IndexMap<String, Value>, Error> {
    match value {
        Value::Null => Ok(IndexMap::new()),
        Value::Map(m) => Ok(m.clone()),
        _ => Err(Error::sink("an output is a map of its members")),
    }
}

fn pass<S: Sink>(
    service: &'static Service,
    sink: &mut S,
    id: ShapeId,
    v: &Value,
) -> Result<(), Error> {
    let token = String::new;
    let mut state = State::new(service, sink, &token, &[]);
    ser::serialize(&mut state, id, v)?;
    state.finish().map(|_| ())
}

/// The answer `op` gives with `output` (a map of the output's members, by model name).
///
/// # Errors
/// The output does not fit its shape (every problem listed), or the operation answers with
/// an event stream (not written here).
pub(crate) fn output(
    service: &'static Service,
    op: &'static Operation,
    output: &Value,
    request_id: &str,
) -> Result<Reply, Error> {
    if op.flags.has(OperationFlags::EVENT_STREAM_OUTPUT) {
        return Err(Error::sink(format!(
            "{}: an answer with an event stream cannot be stubbed",
            op.name
        )));
    }
    let mut reply = Reply {
        status: op.response_code.unwrap_or(200),
        headers: vec![(request_id_header(service).to_owned(), request_id.to_owned())],
        body: Bytes::new(),
    };
    let mut members = members(output)?;
    let Some(id) = op.output else {
        if !members.is_empty() {
            return Err(Error::sink(format!("{} has no output members", op.name)));
        }
        reply.body = empty_body(service, op, request_id);
        return Ok(reply);
    };
    let shape = service.shape(id);
    // What serialization does not write: the status code and a streamed payload.
    for m in shape.members() {
        if m.location == Location::StatusCode {
            if let Some(v) = members.shift_remove(m.name) {
                let code = v.as_i64().and_then(|c| u16::try_from(c).ok());
                reply.status = code.ok_or_else(|| {
                    Error::sink(format!("{}: not an HTTP status code: {v:?}", m.name))
                })?;
            }
        }
    }
    let streamed = op.output_payload(service).filter(|p| {
        shape.member(p).is_some_and(|m| {
            m.flags.has(MemberFlags::STREAMING) || service.shape(m.shape).is(ShapeFlags::STREAMING)
        })
    });
    let mut stream_body = None;
    if let Some(p) = streamed {
        stream_body = match members.shift_remove(p) {
            None | Some(Value::Null) => Some(Bytes::new()),
            Some(Value::Blob(b)) => Some(b),
            Some(Value::String(s)) => Some(Bytes::from(s.into_bytes())),
            Some(other) => {
                return Err(Error::sink(format!("{p}: bytes or text, not {other:?}")));
            }
        };
    }
    let value = Value::Map(members);
    match service.protocol {
        Protocol::Json10 | Protocol::Json11 => {
            let mut sink = JsonSink::with_capacity(128);
            pass(service, &mut sink, id, &value)?;
            let ct = if service.protocol == Protocol::Json11 {
                "application/x-amz-json-1.1"
            } else {
                "application/x-amz-json-1.0"
            };
            reply.headers.push(("content-type".into(), ct.into()));
            reply.body = or_empty_object(sink.out);
        }
        Protocol::Cbor => {
            let mut sink = CborSink::with_capacity(128);
            pass(service, &mut sink, id, &value)?;
            reply
                .headers
                .push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
            reply
                .headers
                .push(("content-type".into(), "application/cbor".into()));
            reply.body = Bytes::from(sink.into_body());
        }
        Protocol::Query | Protocol::Ec2 => {
            let query = service.protocol == Protocol::Query;
            let root: &'static str = if query {
                op.result_wrapper
                    .unwrap_or_else(|| leak(format!("{}Result", op.name)))
            } else {
                leak(format!("{}Response", op.name))
            };
            let mut sink = XmlSink::new(root, None);
            pass(service, &mut sink, id, &value)?;
            reply
                .headers
                .push(("content-type".into(), "text/xml".into()));
            reply.body = Bytes::from(query_envelope(service, op, sink.out, request_id));
        }
        Protocol::RestJson | Protocol::RestXml => {
            rest(service, op, id, &value, &mut reply)?;
        }
    }
    if let Some(body) = stream_body {
        reply.body = body;
    }
    Ok(reply)
}

/// The body of an answer without output: `{}` for JSON, the query envelope, nothing else.
fn empty_body(service: &Service, op: &Operation, request_id: &str) -> Bytes {
    match service.protocol {
        Protocol::Json10 | Protocol::Json11 => Bytes::from_static(b"{}"),
        Protocol::Query | Protocol::Ec2 => {
            Bytes::from(query_envelope(service, op, String::new(), request_id))
        }
        _ => Bytes::new(),
    }
}

fn or_empty_object(out: Vec<u8>) -> Bytes {
    if out.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        Bytes::from(out)
    }
}

/// Element names built once per stubbed answer (a test's handful): the XML sink keeps
/// `&'static str` names, as the tables do.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// `<OpResponse xmlns=..>{result}<ResponseMetadata>..</OpResponse>` (query), or the EC2
/// answer with its `requestId` (EC2 writes the members straight under the response).
fn query_envelope(service: &Service, op: &Operation, inner: String, request_id: &str) -> String {
    let mut out = String::with_capacity(inner.len() + 160);
    let name = format!("{}Response", op.name);
    out.push('<');
    out.push_str(&name);
    if let Some(ns) = service.xml_namespace {
        out.push_str(" xmlns=\"");
        escape(ns, &mut out);
        out.push('"');
    }
    out.push('>');
    let mut id = String::new();
    escape(request_id, &mut id);
    if service.protocol == Protocol::Ec2 {
        // The sink wrote `<OpResponse ..>..</OpResponse>`: keep what is inside.
        let body = match (inner.find('>'), inner.rfind("</")) {
            (Some(open), Some(close)) if open < close => &inner[open + 1..close],
            _ => "",
        };
        out.push_str("<requestId>");
        out.push_str(&id);
        out.push_str("</requestId>");
        out.push_str(body);
    } else {
        out.push_str(&inner);
        out.push_str("<ResponseMetadata><RequestId>");
        out.push_str(&id);
        out.push_str("</RequestId></ResponseMetadata>");
    }
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
    out
}

/// REST: header members to headers, the payload member (or the body members) to the body.
fn rest(
    service: &'static Service,
    op: &'static Operation,
    id: ShapeId,
    value: &Value,
    reply: &mut Reply,
) -> Result<(), Error> {
    let shape = service.shape(id);
    let payload = op.output_payload(service);
    let (body, bound, ct) = if service.protocol == Protocol::RestXml {
        let root = payload.and_then(|p| shape.member(p)).map_or(
            shape.xml_name.unwrap_or(shape.name),
            |m| {
                let target = service.shape(m.shape);
                if m.flags.has(MemberFlags::NAMED) {
                    m.wire
                } else {
                    target.xml_name.unwrap_or(target.name)
                }
            },
        );
        let ns = shape.xml_namespace;
        let mut sink = RestSink::new(XmlSink::new(root, ns), payload);
        pass(service, &mut sink, id, value)?;
        let written = sink.body_started || sink.structured_payload;
        let body = match sink.raw_payload.take() {
            Some(raw) => Bytes::from(raw),
            None if written => Bytes::from(std::mem::take(&mut sink.body.out).into_bytes()),
            None => Bytes::new(),
        };
        (body, sink.headers, written.then_some("application/xml"))
    } else {
        let mut sink = RestSink::new(JsonSink::with_capacity(128), payload);
        pass(service, &mut sink, id, value)?;
        let written = sink.body_started || sink.structured_payload;
        let body = match sink.raw_payload.take() {
            Some(raw) => Bytes::from(raw),
            None if written => Bytes::from(std::mem::take(&mut sink.body.out)),
            None if payload.is_none() => Bytes::from_static(b"{}"),
            None => Bytes::new(),
        };
        let json = written || payload.is_none();
        (body, sink.headers, json.then_some("application/json"))
    };
    reply.headers.extend(bound);
    if let Some(ct) = ct {
        if !reply
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            reply.headers.push(("content-type".into(), ct.into()));
        }
    }
    reply.body = body;
    Ok(())
}

/// An error answer: code, message and status, and the members of the error's modeled
/// shape (`fields`, a map by model name; `Null` for none).
///
/// # Errors
/// `fields` given for a code the service does not model, or not fitting its shape.
pub(crate) fn error(
    service: &'static Service,
    code: &str,
    message: &str,
    status: u16,
    fields: &Value,
    request_id: &str,
) -> Result<Reply, Error> {
    let mut reply = Reply {
        status,
        headers: vec![(request_id_header(service).to_owned(), request_id.to_owned())],
        body: Bytes::new(),
    };
    let fields = members(fields)?;
    let shape = if fields.is_empty() {
        None
    } else {
        Some(error_shape(service, code).ok_or_else(|| {
            Error::sink(format!(
                "{code} is not an error {} models",
                service.service_id
            ))
        })?)
    };
    let fields = Value::Map(fields);
    match service.protocol {
        Protocol::Json10 | Protocol::Json11 | Protocol::RestJson | Protocol::Cbor => {
            let mut body = serde_json::Map::new();
            if let Some(id) = shape {
                let mut sink = JsonSink::with_capacity(64);
                pass(service, &mut sink, id, &fields)?;
                if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(&sink.out) {
                    body = m;
                }
            }
            body.insert("__type".into(), code.into());
            body.insert("message".into(), message.into());
            if service.protocol == Protocol::Cbor {
                // The members as CBOR: the JSON form read back by the error parser's
                // rules (strings, numbers, booleans, nested maps).
                reply.body = Bytes::from(cbor_of(&serde_json::Value::Object(body)));
                reply
                    .headers
                    .push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
                reply
                    .headers
                    .push(("content-type".into(), "application/cbor".into()));
            } else {
                if service.protocol == Protocol::RestJson {
                    reply.headers.push(("x-amzn-errortype".into(), code.into()));
                }
                if service.query_compatible {
                    let fault = if status >= 500 { "Receiver" } else { "Sender" };
                    reply
                        .headers
                        .push(("x-amzn-query-error".into(), format!("{code};{fault}")));
                }
                reply
                    .headers
                    .push(("content-type".into(), "application/json".into()));
                reply.body = Bytes::from(serde_json::Value::Object(body).to_string());
            }
        }
        Protocol::Query | Protocol::Ec2 | Protocol::RestXml => {
            let mut extra = String::new();
            if let Some(id) = shape {
                let mut sink = XmlSink::new("Error", None);
                pass(service, &mut sink, id, &fields)?;
                extra = sink
                    .out
                    .strip_prefix("<Error>")
                    .and_then(|s| s.strip_suffix("</Error>"))
                    .unwrap_or("")
                    .to_owned();
            }
            let text = |s: &str| {
                let mut out = String::new();
                escape(s, &mut out);
                out
            };
            let (code, message, id) = (text(code), text(message), text(request_id));
            let error = format!("<Code>{code}</Code><Message>{message}</Message>{extra}");
            let body = match service.protocol {
                Protocol::Ec2 => format!(
                    "<Response><Errors><Error>{error}</Error></Errors><RequestID>{id}</RequestID></Response>"
                ),
                Protocol::RestXml if service.name == "s3" => {
                    format!("<Error>{error}<RequestId>{id}</RequestId></Error>")
                }
                _ => {
                    let fault = if status >= 500 { "Receiver" } else { "Sender" };
                    format!(
                        "<ErrorResponse><Error><Type>{fault}</Type>{error}</Error><RequestId>{id}</RequestId></ErrorResponse>"
                    )
                }
            };
            reply
                .headers
                .push(("content-type".into(), "text/xml".into()));
            reply.body = Bytes::from(body);
        }
    }
    Ok(reply)
}

/// The error shape with code `code` (its modeled code, or its name).
fn error_shape(service: &Service, code: &str) -> Option<ShapeId> {
    service
        .shapes
        .iter()
        .position(|s| s.is(ShapeFlags::ERROR) && (s.error_code == Some(code) || s.name == code))
        .and_then(|i| ShapeId::try_from(i).ok())
}

/// A JSON value as CBOR.
fn cbor_of(v: &serde_json::Value) -> Vec<u8> {
    fn put(e: &mut minicbor::Encoder<Vec<u8>>, v: &serde_json::Value) {
        // Writes into a `Vec` do not fail.
        let _ = match v {
            serde_json::Value::Null => e.null().map(|_| ()),
            serde_json::Value::Bool(b) => e.bool(*b).map(|_| ()),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => e.i64(i).map(|_| ()),
                (None, Some(f)) => e.f64(f).map(|_| ()),
                _ => e.null().map(|_| ()),
            },
            serde_json::Value::String(s) => e.str(s).map(|_| ()),
            serde_json::Value::Array(a) => {
                let _ = e.array(a.len() as u64);
                a.iter().for_each(|x| put(e, x));
                Ok(())
            }
            serde_json::Value::Object(m) => {
                let _ = e.map(m.len() as u64);
                for (k, x) in m {
                    let _ = e.str(k);
                    put(e, x);
                }
                Ok(())
            }
        };
    }
    let mut e = minicbor::Encoder::new(Vec::new());
    put(&mut e, v);
    e.into_writer()
}

#[cfg(test)]
mod tests;
