//! The rest-xml call path: members bound to the URI, query string, headers and body by
//! the shape table; streaming payloads passed through untouched in both directions.

use std::fmt;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request};
use md5::Digest as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map as JsonMap, Value};

use super::call::{ModeledError, OperationError};
use crate::checksum::{Algorithm, Validating};
use crate::schema::{Location, Member, Shape, ShapeId, TimestampFormat};
use session_tower::body::SdkBody;
use session_tower::endpoint::EndpointParams;
use session_tower::error::Error;
use session_tower::protocol::rpc::{percent_encode, read_body};
use session_tower::Client;

/// A streaming payload (an object's bytes, in or out). Cheap to clone: clones share the
/// one body, which the first [`take`](ByteStream::take) or [`collect`](ByteStream::collect)
/// consumes.
#[derive(Clone, Default)]
pub struct ByteStream {
    body: Arc<Mutex<Option<SdkBody>>>,
}

impl ByteStream {
    /// Wraps a body.
    pub fn new(body: SdkBody) -> Self {
        Self {
            body: Arc::new(Mutex::new(Some(body))),
        }
    }

    /// The body, taken out (empty if already taken).
    pub fn take(&self) -> SdkBody {
        self.body
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .unwrap_or_default()
    }

    /// Reads the whole body.
    ///
    /// # Errors
    /// The connection failed or the body was cut short.
    pub async fn collect(&self) -> Result<Bytes, Error> {
        self.take().collect().await
    }
}

impl From<Bytes> for ByteStream {
    fn from(b: Bytes) -> Self {
        Self::new(SdkBody::from(b))
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(b: Vec<u8>) -> Self {
        Self::new(SdkBody::from(b))
    }
}

impl From<&'static str> for ByteStream {
    fn from(s: &'static str) -> Self {
        Self::new(SdkBody::from(s))
    }
}

impl From<String> for ByteStream {
    fn from(s: String) -> Self {
        Self::new(SdkBody::from(s))
    }
}

impl From<SdkBody> for ByteStream {
    fn from(b: SdkBody) -> Self {
        Self::new(b)
    }
}

impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.body, &other.body)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

/// What the REST call path needs to know about an operation.
#[derive(Debug)]
pub struct RestOp {
    /// The operation's name.
    pub name: &'static str,
    /// `GET`, `PUT`, ...
    pub method: &'static str,
    /// The URI template, e.g. `/{Bucket}/{Key+}?x-id=GetObject`.
    pub uri: &'static str,
    /// The input shape.
    pub input: Option<ShapeId>,
    /// The output shape.
    pub output: Option<ShapeId>,
    /// The input member that is the whole body, if any.
    pub input_payload: Option<&'static str>,
    /// The output member that is the whole body, if any.
    pub output_payload: Option<&'static str>,
    /// The output payload streams (it is handed back unread).
    pub output_streaming: bool,
    /// The body's root element when the input has body members but no payload member.
    pub input_root: Option<&'static str>,
    /// The root element of a structure payload (the member's name on the wire, else its
    /// shape's).
    pub payload_root: Option<&'static str>,
    /// The namespace of the body's root element.
    pub xml_namespace: Option<&'static str>,
    /// The service may answer 200 with an error body (S3 copies and completions).
    pub errors_on_success: bool,
    /// The body must carry a checksum (sent as `Content-MD5`, and CRC32 unless another
    /// algorithm is chosen).
    pub checksum_required: bool,
    /// The operation takes a flexible checksum: the input member naming its algorithm.
    pub checksum_member: Option<&'static str>,
    /// The input member that asks the service for response checksums (`ChecksumMode`).
    pub validation_member: Option<&'static str>,
    /// The response checksum algorithms, in order of preference.
    pub response_algorithms: &'static [&'static str],
    /// Endpoint rule parameters taken from input members: (parameter, member).
    pub context_params: &'static [(&'static str, &'static str)],
    /// Endpoint rule parameters fixed for the operation.
    pub static_params: &'static [(&'static str, bool)],
    /// Drop the `/{Bucket}` label from the path: S3's endpoint rules place the bucket
    /// (in the host or as the endpoint's base path).
    pub bucket_in_endpoint: bool,
}

fn request_error(op: &RestOp, what: impl fmt::Display) -> Error {
    Error::request(format!("{}: {what}", op.name))
}

/// A member's value as text. Timestamps take the member's format, else their shape's,
/// else `default` (the location's: ISO 8601 in URIs and query strings, HTTP dates in
/// headers).
fn member_text(shapes: &[Shape], m: &Member, v: &Value, default: TimestampFormat) -> String {
    let shape_format = match shapes.get(usize::from(m.shape)) {
        Some(Shape::Timestamp(f)) => *f,
        _ => TimestampFormat::Default,
    };
    let format = [m.format, shape_format, default]
        .into_iter()
        .find(|f| *f != TimestampFormat::Default)
        .unwrap_or(default);
    crate::xml::write::text(shapes, m.shape, v, format)
}

/// An element's text with `default` as the timestamp format unless the shape has one.
fn element_text(shapes: &[Shape], id: ShapeId, v: &Value, default: TimestampFormat) -> String {
    let format = match shapes.get(usize::from(id)) {
        Some(Shape::Timestamp(f)) if *f != TimestampFormat::Default => *f,
        _ => default,
    };
    crate::xml::write::text(shapes, id, v, format)
}

/// The path and query of the request.
fn path_and_query(
    shapes: &[Shape],
    op: &RestOp,
    members: &[Member],
    input: &JsonMap<String, Value>,
) -> Result<String, Error> {
    let mut template = op.uri;
    let stripped;
    if op.bucket_in_endpoint {
        if let Some(rest) = template.strip_prefix("/{Bucket}") {
            stripped = if rest.is_empty() || rest.starts_with('?') {
                format!("/{rest}")
            } else {
                rest.to_owned()
            };
            template = &stripped;
        }
    }
    let (path_t, static_query) = template.split_once('?').unwrap_or((template, ""));
    let mut path = String::with_capacity(path_t.len() + 32);
    let mut rest = path_t;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| request_error(op, "bad URI template"))?;
        let label = &rest[open + 1..close];
        let (name, greedy) = match label.strip_suffix('+') {
            Some(n) => (n, true),
            None => (label, false),
        };
        let m = members
            .iter()
            .find(|m| m.location == Location::Uri && m.wire == name)
            .ok_or_else(|| request_error(op, format_args!("no member for URI label {name}")))?;
        let value = input
            .get(m.name)
            .filter(|v| !v.is_null())
            .map(|v| member_text(shapes, m, v, TimestampFormat::Iso8601))
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                request_error(
                    op,
                    format_args!("the required member {} is not set", m.name),
                )
            })?;
        path.push_str(&percent_encode(&value, greedy));
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    let mut query: Vec<String> = static_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let enc = |s: &str| percent_encode(s, false);
    let mut from_maps = Vec::new();
    for m in members.iter().filter(|m| m.location == Location::Query) {
        let Some(v) = input.get(m.name).filter(|v| !v.is_null()) else {
            continue;
        };
        match (shapes.get(usize::from(m.shape)), v) {
            (Some(Shape::List(list)), Value::Array(items)) => {
                for item in items {
                    let t = element_text(shapes, list.member, item, TimestampFormat::Iso8601);
                    query.push(format!("{}={}", enc(m.wire), enc(&t)));
                }
            }
            // A map spreads into parameters of its own; they go after the named ones, and a
            // name the operation binds itself wins.
            (Some(Shape::Map(map_shape)), Value::Object(entries)) => {
                for (k, item) in entries {
                    if members
                        .iter()
                        .any(|o| o.location == Location::Query && o.wire == k)
                    {
                        continue;
                    }
                    let texts = match (shapes.get(usize::from(map_shape.value)), item) {
                        (Some(Shape::List(list)), Value::Array(items)) => items
                            .iter()
                            .map(|i| element_text(shapes, list.member, i, TimestampFormat::Iso8601))
                            .collect(),
                        _ => vec![element_text(
                            shapes,
                            map_shape.value,
                            item,
                            TimestampFormat::Iso8601,
                        )],
                    };
                    for t in texts {
                        from_maps.push(format!("{}={}", enc(k), enc(&t)));
                    }
                }
            }
            _ => {
                let t = member_text(shapes, m, v, TimestampFormat::Iso8601);
                query.push(format!("{}={}", enc(m.wire), enc(&t)));
            }
        }
    }
    query.extend(from_maps);
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    Ok(path)
}

/// Sends one rest-xml operation. `payload` is the streaming input body, when the operation
/// has one. Returns the output and, for a streaming output payload, the unread body.
///
/// # Errors
/// A required URI member left unset or invalid (nothing is sent), the service's error as
/// `E`, a stack error, or a response that does not fit the model.
pub async fn rest_call<I, O, E>(
    client: &Client,
    op: &RestOp,
    shapes: &'static [Shape],
    input: &I,
    payload: Option<SdkBody>,
    host_prefix: Option<String>,
) -> Result<(O, Option<SdkBody>), OperationError<E>>
where
    I: Serialize,
    O: DeserializeOwned,
    E: ModeledError,
{
    // Only the serde conversions are generic; the exchange itself is compiled once.
    let value = serde_json::to_value(input)
        .map_err(|e| Error::request("could not serialize the input").with_source(e))?;
    let (out, stream) = send_rest(client, op, shapes, value, payload, host_prefix).await?;
    let output = serde_json::from_value(out).map_err(|e| super::call::mismatch(op.name, e))?;
    Ok((output, stream))
}

async fn send_rest(
    client: &Client,
    op: &RestOp,
    shapes: &'static [Shape],
    value: Value,
    payload: Option<SdkBody>,
    host_prefix: Option<String>,
) -> Result<(Value, Option<SdkBody>), Error> {
    let empty = JsonMap::new();
    let input_map = value.as_object().unwrap_or(&empty);
    let members: &[Member] = match op.input.and_then(|i| shapes.get(usize::from(i))) {
        Some(Shape::Structure(m)) => m,
        _ => &[],
    };

    let pq = path_and_query(shapes, op, members, input_map)?;
    let mut req = Request::new(SdkBody::empty());
    // Room for the stack's own headers (host, invocation id, attempt, user agent, date,
    // content hash, authorization, token, checksum mode) besides the operation's.
    *req.headers_mut() = http::HeaderMap::with_capacity(16);
    *req.method_mut() =
        Method::from_bytes(op.method.as_bytes()).map_err(|e| request_error(op, e))?;
    *req.uri_mut() = pq
        .parse()
        .map_err(|e| request_error(op, format_args!("invalid path ({e})")))?;

    // Headers.
    for m in members {
        let Some(v) = input_map.get(m.name).filter(|v| !v.is_null()) else {
            continue;
        };
        match m.location {
            Location::Header => {
                let text = match (shapes.get(usize::from(m.shape)), v) {
                    (Some(Shape::List(list)), Value::Array(items)) => items
                        .iter()
                        .map(|i| element_text(shapes, list.member, i, TimestampFormat::HttpDate))
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => member_text(shapes, m, v, TimestampFormat::HttpDate),
                };
                let name =
                    HeaderName::from_bytes(m.wire.as_bytes()).map_err(|e| request_error(op, e))?;
                let value = HeaderValue::from_str(&text).map_err(|_| {
                    request_error(op, format_args!("{} cannot be sent as a header", m.name))
                })?;
                req.headers_mut().insert(name, value);
            }
            Location::PrefixHeaders => {
                for (k, item) in v.as_object().into_iter().flatten() {
                    let name = HeaderName::from_bytes(format!("{}{k}", m.wire).as_bytes())
                        .map_err(|e| request_error(op, e))?;
                    let text = item.as_str().unwrap_or_default();
                    let value = HeaderValue::from_str(text).map_err(|_| {
                        request_error(
                            op,
                            format_args!("{}[{k}] cannot be sent as a header", m.name),
                        )
                    })?;
                    req.headers_mut().insert(name, value);
                }
            }
            _ => {}
        }
    }

    // Body.
    let mut xml = false;
    let body = match (op.input_payload, payload) {
        (_, Some(stream)) => stream,
        (Some(name), None) => match members.iter().find(|m| m.name == name) {
            Some(m) => match (shapes.get(usize::from(m.shape)), input_map.get(m.name)) {
                (_, None | Some(Value::Null)) => SdkBody::empty(),
                (Some(Shape::Structure(_) | Shape::List(_) | Shape::Map(_)), Some(v)) => {
                    let mut out = String::new();
                    let root = op.payload_root.unwrap_or(m.wire);
                    crate::xml::write::write(shapes, m.shape, root, op.xml_namespace, v, &mut out);
                    xml = true;
                    SdkBody::from(out)
                }
                (Some(Shape::Blob), Some(Value::String(b64))) => {
                    default_content_type(&mut req, "application/octet-stream");
                    SdkBody::from(
                        base64::engine::general_purpose::STANDARD
                            .decode(b64)
                            .map_err(|e| request_error(op, e))?,
                    )
                }
                (_, Some(v)) => {
                    default_content_type(&mut req, "text/plain");
                    SdkBody::from(member_text(shapes, m, v, TimestampFormat::Iso8601))
                }
            },
            None => SdkBody::empty(),
        },
        (None, None) => {
            let has_body = members.iter().any(|m| {
                m.location == Location::Body && input_map.get(m.name).is_some_and(|v| !v.is_null())
            });
            match (has_body, op.input, op.input_root) {
                (true, Some(id), Some(root)) => {
                    let mut out = String::new();
                    crate::xml::write::write(shapes, id, root, op.xml_namespace, &value, &mut out);
                    xml = true;
                    SdkBody::from(out)
                }
                _ => SdkBody::empty(),
            }
        }
    };
    // Flexible checksums: the caller's algorithm, else CRC32 when the operation supports
    // one and `request_checksum_calculation` is `when_supported` (the default) or the
    // operation requires one.
    let settings = client.session().settings();
    let chosen = op
        .checksum_member
        .and_then(|m| input_map.get(m))
        .and_then(Value::as_str)
        .map(|name| {
            Algorithm::from_name(name).ok_or_else(|| {
                request_error(
                    op,
                    format_args!("checksum algorithm {name} is not supported"),
                )
            })
        })
        .transpose()?;
    let automatic = op.checksum_required
        || (op.checksum_member.is_some()
            && settings.text("request_checksum_calculation") != Some("when_required"));
    let algorithm = chosen.or(automatic.then_some(Algorithm::Crc32));
    if let Some(alg) = algorithm {
        if !req.headers().contains_key(alg.header()) {
            match body.bytes() {
                Some(bytes) => {
                    let value = HeaderValue::from_str(&alg.checksum(bytes)).map_err(|e| request_error(op, e))?;
                    req.headers_mut().insert(HeaderName::from_static(alg.header()), value);
                }
                // A streamed body would need aws-chunked trailers, not implemented: an
                // explicit request for a checksum is refused rather than dropped.
                None if chosen.is_some() => {
                    return Err(request_error(
                        op,
                        "a checksum algorithm needs a body of known bytes (streaming checksums are not supported yet)",
                    ))
                }
                None => {}
            }
        }
    }
    // Ask for response checksums unless the caller decided, or validation is only
    // `when_required`.
    let mut validate = false;
    if let Some(member) = op
        .validation_member
        .and_then(|n| members.iter().find(|m| m.name == n))
    {
        let asked = input_map.get(member.name).and_then(Value::as_str);
        let auto = settings.text("response_checksum_validation") != Some("when_required");
        if asked.is_none() && auto {
            if let Ok(name) = HeaderName::from_bytes(member.wire.as_bytes()) {
                req.headers_mut()
                    .insert(name, HeaderValue::from_static("ENABLED"));
            }
        }
        validate = asked == Some("ENABLED") || (asked.is_none() && auto);
    }
    if let Some(bytes) = body.bytes() {
        if op.checksum_required || xml {
            if op.checksum_required && !req.headers().contains_key("content-md5") {
                let digest = md5::Md5::digest(bytes);
                let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
                req.headers_mut().insert(
                    HeaderName::from_static("content-md5"),
                    HeaderValue::from_str(&b64).map_err(|e| request_error(op, e))?,
                );
            }
            if xml {
                req.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/xml"),
                );
            }
        }
        if !bytes.is_empty() || !req.headers().contains_key(http::header::CONTENT_LENGTH) {
            req.headers_mut()
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        }
    } else if let Some(len) = http_body::Body::size_hint(&body).exact() {
        req.headers_mut()
            .insert(http::header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    *req.body_mut() = body;

    // Endpoint parameters, operation name, S3's 200-with-error marker.
    let mut params = EndpointParams::new();
    for (param, member) in op.context_params {
        match input_map.get(*member) {
            Some(Value::String(s)) => params = params.str(param, s.clone()),
            Some(Value::Bool(b)) => params = params.bool(param, *b),
            _ => {}
        }
    }
    for (param, value) in op.static_params {
        params = params.bool(param, *value);
    }
    let meta = session_tower::client::OperationMeta::named(op.name)
        .endpoint_params(params)
        .host_prefix(host_prefix)
        .errors_on_success(op.errors_on_success);
    let resp = client.send_operation(req, meta).await?;
    read_output(shapes, op, resp, validate).await
}

/// Members bound to headers, prefix headers and the status, read into `out`.
pub(crate) fn read_headers(
    shapes: &[Shape],
    members: &[Member],
    headers: &http::HeaderMap,
    status: u16,
    out: &mut JsonMap<String, Value>,
) {
    // One pass over the response's few headers, matched against the members' names
    // (without parsing each member's name into a `HeaderName` for a lookup).
    for (name, value) in headers {
        let name = name.as_str();
        let Ok(text) = value.to_str() else {
            continue;
        };
        for m in members {
            match m.location {
                // Header members' wire names are generated in lower case, as `HeaderName`s are.
                Location::Header if m.wire == name => {
                    if let Some(v) = header_value(shapes, m, text) {
                        out.insert(m.name.to_owned(), v);
                    }
                }
                Location::PrefixHeaders => {
                    let prefix = m.wire;
                    if name.len() > prefix.len() && name.starts_with(prefix) {
                        let map = out
                            .entry(m.name.to_owned())
                            .or_insert_with(|| Value::Object(JsonMap::new()));
                        if let Value::Object(map) = map {
                            map.insert(
                                name[prefix.len()..].to_owned(),
                                Value::String(text.to_owned()),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for m in members {
        match m.location {
            Location::PrefixHeaders => {
                out.entry(m.name.to_owned())
                    .or_insert_with(|| Value::Object(JsonMap::new()));
            }
            Location::StatusCode => {
                out.insert(m.name.to_owned(), Value::from(status));
            }
            _ => {}
        }
    }
}

/// Sets `Content-Type` unless an input member already did.
fn default_content_type(req: &mut Request<SdkBody>, value: &'static str) {
    req.headers_mut()
        .entry(http::header::CONTENT_TYPE)
        .or_insert(HeaderValue::from_static(value));
}

async fn read_output(
    shapes: &'static [Shape],
    op: &RestOp,
    resp: http::Response<SdkBody>,
    validate: bool,
) -> Result<(Value, Option<SdkBody>), Error> {
    let malformed = |cause: String| super::call::mismatch(op.name, cause);
    let (parts, body) = resp.into_parts();
    let members: &[Member] = match op.output.and_then(|o| shapes.get(usize::from(o))) {
        Some(Shape::Structure(m)) => m,
        _ => &[],
    };
    let mut out = JsonMap::new();
    read_headers(
        shapes,
        members,
        &parts.headers,
        parts.status.as_u16(),
        &mut out,
    );
    let mut stream = None;
    match op
        .output_payload
        .and_then(|p| members.iter().find(|m| m.name == p))
    {
        Some(_) if op.output_streaming => {
            // The first algorithm we compute whose header came back; composite checksums
            // of multipart objects (`...-N`) are over parts, not the body, and are skipped.
            let check = if validate {
                // One pass over the response headers for the checksums it carries.
                let mut found: Vec<(Algorithm, &str)> = Vec::new();
                for (name, value) in &parts.headers {
                    if let Some(alg) = name
                        .as_str()
                        .strip_prefix("x-amz-checksum-")
                        .and_then(Algorithm::from_name)
                    {
                        if let Ok(v) = value.to_str() {
                            found.push((alg, v));
                        }
                    }
                }
                op.response_algorithms.iter().find_map(|name| {
                    let alg = Algorithm::from_name(name)?;
                    let value = found.iter().find(|(a, _)| *a == alg)?.1;
                    (!value.contains('-')).then(|| (alg, value.to_owned()))
                })
            } else {
                None
            };
            stream = Some(match check {
                Some((alg, expected)) => SdkBody::from_stream(Validating::new(body, alg, expected)),
                None => body,
            });
        }
        Some(m) => {
            let bytes = body.collect().await?;
            if !bytes.is_empty() {
                let v = match shapes.get(usize::from(m.shape)) {
                    Some(Shape::Structure(_) | Shape::List(_) | Shape::Map(_)) => {
                        let root = crate::xml::dom::parse(&bytes).map_err(malformed)?;
                        crate::xml::read::read(shapes, m.shape, &root)
                    }
                    Some(Shape::Blob) => {
                        Value::String(base64::engine::general_purpose::STANDARD.encode(&bytes))
                    }
                    _ => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                };
                out.insert(m.name.to_owned(), v);
            }
        }
        None => {
            let bytes = read_body(http::Response::from_parts(parts, body)).await?.1;
            if let (Some(id), false) = (op.output, bytes.trim_ascii().is_empty()) {
                let root = crate::xml::dom::parse(&bytes).map_err(malformed)?;
                if let Value::Object(body_members) = crate::xml::read::read(shapes, id, &root) {
                    out.extend(body_members);
                }
                // A bare body: the root element is the one member (S3's GetBucketLocation
                // answers `<LocationConstraint>eu-west-1</LocationConstraint>`).
                if let Some(Shape::Structure(members)) = shapes.get(usize::from(id)) {
                    for m in members.iter().filter(|m| m.location == Location::Body) {
                        if m.wire == root.name && !out.contains_key(m.name) {
                            out.insert(
                                m.name.to_owned(),
                                crate::xml::read::read(shapes, m.shape, &root),
                            );
                        }
                    }
                }
            }
        }
    }
    Ok((Value::Object(out), stream))
}

/// A header's text as the member's value; what does not parse is left out (S3's
/// `Expires` may hold anything), so one odd header does not fail the call.
fn header_value(shapes: &[Shape], m: &Member, text: &str) -> Option<Value> {
    let one = |id: ShapeId, text: &str| -> Option<Value> {
        let text = text.trim();
        let v = crate::xml::read::scalar(shapes, id, text);
        match (shapes.get(usize::from(id)), &v) {
            // Typed shapes whose text did not parse come back as strings: drop them.
            (Some(Shape::Integer | Shape::Boolean), Value::String(_)) => None,
            (Some(Shape::Float), Value::String(s))
                if !matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") =>
            {
                None
            }
            (Some(Shape::Timestamp(_)), Value::String(s)) => {
                serde_json::from_value::<crate::Timestamp>(Value::String(s.clone()))
                    .ok()
                    .map(|_| v)
            }
            _ => Some(v),
        }
    };
    match shapes.get(usize::from(m.shape))? {
        Shape::List(list) => {
            let items = match shapes.get(usize::from(list.member)) {
                // An HTTP date holds a comma itself: items are every other comma apart.
                Some(Shape::Timestamp(_)) if text.contains(" GMT") => text
                    .split(" GMT")
                    .map(|s| s.trim_start_matches([',', ' ']))
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("{s} GMT"))
                    .collect::<Vec<_>>(),
                _ => split_header_list(text),
            };
            Some(Value::Array(
                items.iter().filter_map(|i| one(list.member, i)).collect(),
            ))
        }
        _ => one(m.shape, text),
    }
}

/// Splits a list header on commas, honouring double-quoted items.
fn split_header_list(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' if !quoted => items.push(std::mem::take(&mut current).trim().to_owned()),
            c => current.push(c),
        }
    }
    items.push(current.trim().to_owned());
    items
}
