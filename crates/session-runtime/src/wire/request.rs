//! An operation's HTTP request, from its input and the shape tables, for every protocol:
//! method, path and query, headers, body, and the facts the stack needs beside it (endpoint
//! parameters, host prefix).

use base64::Engine as _;
use http::{HeaderName, HeaderValue, Method, Request};
use md5::Digest as _;
use serde::Serialize;
use session_tower::client::OperationMeta;
use session_tower::endpoint::EndpointParams;
use session_tower::SdkBody;

use super::percent::{encode, PATH, QUERY};
use super::ser::{
    self, cbor::CborSink, json::JsonSink, query::QuerySink, rest::RestSink, xml::XmlSink,
};
use super::ser::{Captured, Sink, State};
use crate::checksum::Algorithm;
use crate::shapes::{
    Kind, MemberFlags, Operation, OperationFlags, Protocol, Service, StaticParam, TimestampFormat,
};

/// What a request needs beyond the input.
pub struct Context<'a> {
    /// Makes idempotency tokens for members left unset.
    pub token: &'a (dyn Fn() -> String + Sync),
    /// The session's settings (checksums, compression).
    pub settings: &'a session_core::settings::Settings,
    /// The streaming payload, if the operation takes one.
    pub stream: Option<SdkBody>,
}

/// Why a request could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// The input does not fit the model: every problem, with member paths.
    Invalid(ser::Error),
    /// Something else, said.
    Other(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Invalid(e) => e.fmt(f),
            BuildError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Invalid(e) => Some(e),
            BuildError::Other(_) => None,
        }
    }
}

fn other(op: &Operation, what: impl std::fmt::Display) -> BuildError {
    BuildError::Other(format!("{}: {what}", op.name))
}

/// The request `op` of `service` makes from `input`, and its facts.
///
/// # Errors
/// The input does not fit the model (all problems listed), a value cannot go where the
/// model puts it (a header, a URI), or a host label is not a DNS label.
pub fn build<T: Serialize + ?Sized>(
    service: &'static Service,
    op: &'static Operation,
    input: &T,
    mut cx: Context<'_>,
) -> Result<(Request<SdkBody>, OperationMeta), BuildError> {
    let keep: Vec<&'static str> = op
        .context_params
        .iter()
        .map(|(_, m)| *m)
        .chain(op.checksum_algorithm_member)
        .chain(op.checksum_mode_member)
        .collect();
    let mut built = match service.protocol {
        Protocol::Json10 | Protocol::Json11 => rpc_json(service, op, input, &cx, &keep)?,
        Protocol::Query | Protocol::Ec2 => form(service, op, input, &cx, &keep)?,
        Protocol::RestJson | Protocol::RestXml => rest(service, op, input, &cx, &keep)?,
        Protocol::Cbor => rpc_cbor(service, op, input, &cx, &keep)?,
    };
    if let Some(stream) = cx.stream.take() {
        if built.body.is_empty() {
            built.streaming = Some(stream);
        }
    }
    let (req, mut meta) = finish(service, op, built, &cx)?;
    if !op.context_paths.is_empty() {
        context_path_params(service, op, input, req.body().bytes(), &mut meta)?;
    }
    Ok((req, meta))
}

/// The endpoint parameters `op` takes from its input by JMESPath expressions
/// (`operationContextParams`: DynamoDB's `ResourceArnList` is `keys(RequestItems)`).
/// `keys(Member)` of a JSON body is read from the body just written, keys only (the batch
/// operations' common case: benches/context_paths.rs); any other path reads the input
/// through its JSON form, a copy that only the few operations with such paths pay.
fn context_path_params<T: Serialize + ?Sized>(
    service: &'static Service,
    op: &'static Operation,
    input: &T,
    body: Option<&[u8]>,
    meta: &mut OperationMeta,
) -> Result<(), BuildError> {
    let mut params = meta.endpoint_params.take().unwrap_or_default();
    let mut json = None;
    for (param, path) in op.context_paths {
        if let Some(keys) = body.and_then(|b| super::context::json_keys(service, op, b, path)) {
            params = params.strings(param, keys);
            continue;
        }
        if json.is_none() {
            json = Some(serde_json::to_value(input).map_err(|e| other(op, e))?);
        }
        let json = json.as_ref().unwrap_or(&serde_json::Value::Null);
        let path = crate::JmesPath::parse(path).map_err(|e| other(op, e))?;
        params = match path.eval(json) {
            serde_json::Value::String(s) => params.str(param, s),
            serde_json::Value::Bool(b) => params.bool(param, b),
            serde_json::Value::Array(items) => params.strings(
                param,
                items
                    .into_iter()
                    .filter_map(|v| match v {
                        serde_json::Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => params,
        };
    }
    meta.endpoint_params = Some(params);
    Ok(())
}

/// A request on its way: what the protocol made of the input.
struct Built {
    method: &'static str,
    path_and_query: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
    /// A body to stream instead of `body`.
    streaming: Option<SdkBody>,
    /// The body is XML or a form (gets a checksum where the model requires one).
    content_type: Option<&'static str>,
    captured: Captured,
}

fn state_token<'a>(cx: &'a Context<'_>) -> impl Fn() -> String + 'a {
    move || (cx.token)()
}

fn run<T: Serialize + ?Sized, S: Sink>(
    service: &'static Service,
    op: &'static Operation,
    input: &T,
    sink: &mut S,
    cx: &Context<'_>,
    keep: &[&'static str],
) -> Result<Captured, BuildError> {
    let token = state_token(cx);
    let mut state = State::new(service, sink, &token, keep);
    if let Some(id) = op.input {
        ser::serialize(&mut state, id, input).map_err(BuildError::Invalid)?;
    }
    state.finish().map_err(BuildError::Invalid)
}

fn header(
    op: &Operation,
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), BuildError> {
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| other(op, format_args!("{name:?} is not a header name")))?;
    let v = HeaderValue::from_str(value).map_err(|_| {
        other(
            op,
            format_args!("the value of header {name} cannot be sent as a header"),
        )
    })?;
    Ok((n, v))
}

fn rpc_json<T: Serialize + ?Sized>(
    service: &'static Service,
    op: &'static Operation,
    input: &T,
    cx: &Context<'_>,
    keep: &[&'static str],
) -> Result<Built, BuildError> {
    let mut sink = JsonSink::with_capacity(128);
    let captured = run(service, op, input, &mut sink, cx, keep)?;
    let body = if sink.is_empty() {
        b"{}".to_vec()
    } else {
        sink.out
    };
    let content_type = if service.protocol == Protocol::Json11 {
        "application/x-amz-json-1.1"
    } else {
        "application/x-amz-json-1.0"
    };
    let mut headers = vec![
        (
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        ),
        header(
            op,
            "x-amz-target",
            &format!("{}.{}", service.target_prefix, op.name),
        )?,
    ];
    if service.query_compatible {
        headers.push(header(op, "x-amzn-query-mode", "true")?);
    }
    Ok(Built {
        method: "POST",
        path_and_query: "/".into(),
        headers,
        body,
        streaming: None,
        content_type: None,
        captured,
    })
}

/// Smithy RPC v2 CBOR: `POST /service/{ServiceName}/operation/{OperationName}`, the input
/// as a CBOR map (an input without members is the empty map); an operation without input
/// sends no body and so no `Content-Type`.
fn rpc_cbor<T: Serialize + ?Sized>(
    service: &'static Service,
    op: &'static Operation,
    input: &T,
    cx: &Context<'_>,
    keep: &[&'static str],
) -> Result<Built, BuildError> {
    let mut sink = CborSink::with_capacity(128);
    let captured = run(service, op, input, &mut sink, cx, keep)?;
    let body = match op.input {
        // An input that wrote nothing at all (a unit value) is the empty map.
        Some(_) => sink.into_body(),
        None => Vec::new(),
    };
    let mut headers = Vec::with_capacity(4);
    headers.push((
        HeaderName::from_static("smithy-protocol"),
        HeaderValue::from_static("rpc-v2-cbor"),
    ));
    headers.push((
        http::header::ACCEPT,
        HeaderValue::from_static("application/cbor"),
    ));
    if op.input.is_some() {
        headers.push((
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/cbor"),
        ));
    }
    if service.query_compatible {
        headers.push(header(op, "x-amzn-query-mode", "true")?);
    }
    let path_and_query = format!(
        "/service/{}/operation/{}",
        encode(service.target_prefix, QUERY),
        encode(op.name, QUERY)
    );
    Ok(Built {
        method: "POST",
        path_and_query,
        headers,
        body,
        streaming: None,
        content_type: None,
        captured,
    })
}

fn form<T: Serialize + ?Sized>(
    service: &'static Service,
    op: &'static Operation,
    input: &T,
    cx: &Context<'_>,
    keep: &[&'static str],
) -> Result<Built, BuildError> {
    let mut sink = QuerySink::new(
        op.name,
        service.api_version,
        service.protocol == Protocol::Ec2,
    );
    let captured = run(service, op, input, &mut sink, cx, keep)?;
    Ok(Built {
        method: "POST",
        path_and_query: "/".into(),
        headers: vec![(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        )],
        body: sink.out.into_bytes(),
        streaming: None,
        content_type: Some("form"),
        captured,
    })
}

/// The root element of a REST-XML body: the payload member's name on the wire (else its
/// shape's name), or the input's own root name (else its shape's name).
fn xml_root(
    service: &'static Service,
    op: &'static Operation,
) -> (&'static str, Option<&'static crate::shapes::XmlNamespace>) {
    let Some(input) = op.input.map(|id| service.shape(id)) else {
        return ("Input", None);
    };
    if let Some(m) = op.input_payload(service).and_then(|p| input.member(p)) {
        let target = service.shape(m.shape);
        let name = if m.flags.has(MemberFlags::NAMED) {
            m.wire
        } else {
            target.xml_name.unwrap_or(target.name)
        };
        return (name, m.xml_namespace.or(target.xml_namespace));
    }
    (
        op.input_root.unwrap_or(input.name),
        op.input_namespace.or(input.xml_namespace),
    )
}

fn rest<T: Serialize + ?Sized>(
    service: &'static Service,
    op: &'static Operation,
    input: &T,
    cx: &Context<'_>,
    keep: &[&'static str],
) -> Result<Built, BuildError> {
    let payload = op.input_payload(service);
    let (body, content_type, captured, bindings) = if service.protocol == Protocol::RestXml {
        let (root, ns) = xml_root(service, op);
        let mut sink = RestSink::new(XmlSink::new(root, ns), payload);
        let captured = run(service, op, input, &mut sink, cx, keep)?;
        let written = sink.body_started || sink.structured_payload;
        let body = match sink.raw_payload.take() {
            Some(raw) => raw,
            None if written => sink.body.out.clone().into_bytes(),
            None => Vec::new(),
        };
        let ct = if written {
            Some("application/xml")
        } else {
            None
        };
        (body, ct, captured, Bindings::from(sink))
    } else {
        let mut sink = RestSink::new(JsonSink::with_capacity(128), payload);
        let captured = run(service, op, input, &mut sink, cx, keep)?;
        let written = sink.body_started || sink.structured_payload;
        let body = match sink.raw_payload.take() {
            Some(raw) => raw,
            None if written => std::mem::take(&mut sink.body.out),
            // An input with a JSON body sends `{}` when none of it is set.
            None if json_body(service, op) => b"{}".to_vec(),
            None => Vec::new(),
        };
        let ct = if written || (json_body(service, op) && body == b"{}") {
            Some("application/json")
        } else {
            None
        };
        (body, ct, captured, Bindings::from(sink))
    };
    let raw_content_type = payload
        .and_then(|p| {
            op.input
                .map(|id| service.shape(id))
                .and_then(|s| s.member(p))
        })
        .map(|m| match service.shape(m.shape).kind {
            Kind::Blob => "application/octet-stream",
            Kind::String(_) => "text/plain",
            _ => "",
        })
        .filter(|ct| !ct.is_empty());
    let path_and_query = path_and_query(service, op, &bindings)?;
    let mut headers = Vec::with_capacity(bindings.headers.len() + 2);
    for (name, value) in &bindings.headers {
        headers.push(header(op, name, value)?);
    }
    let has_content_type = headers.iter().any(|(n, _)| n == http::header::CONTENT_TYPE);
    if !has_content_type {
        let ct = content_type.or(
            if body.is_empty() && cx.stream.is_none() && payload.is_none() {
                None
            } else {
                raw_content_type
            },
        );
        if let Some(ct) = ct {
            headers.push((http::header::CONTENT_TYPE, HeaderValue::from_static(ct)));
        }
    }
    Ok(Built {
        method: op.method,
        path_and_query,
        headers,
        body,
        streaming: None,
        content_type: content_type.filter(|c| c.contains("xml")),
        captured,
    })
}

/// Whether a rest-json input has a JSON body: members in the body, or a payload member
/// that is a structure, a union or a document.
fn json_body(service: &'static Service, op: &'static Operation) -> bool {
    let Some(input) = op.input.map(|id| service.shape(id)) else {
        return false;
    };
    match op.input_payload(service).and_then(|p| input.member(p)) {
        Some(m) => matches!(
            service.shape(m.shape).kind,
            Kind::Structure(_) | Kind::Document
        ),
        None => input
            .members()
            .iter()
            .any(|m| m.location == crate::shapes::Location::Body),
    }
}

/// The URI labels, query parameters and headers a REST input gave.
struct Bindings {
    labels: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    query_from_maps: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl<B: Sink> From<RestSink<B>> for Bindings {
    fn from(s: RestSink<B>) -> Self {
        Self {
            labels: s.labels,
            query: s.query,
            query_from_maps: s.query_from_maps,
            headers: s.headers,
        }
    }
}

/// The path (labels filled) and query (the template's own parameters, then the members',
/// then those of map members whose names no member took).
fn path_and_query(
    service: &'static Service,
    op: &'static Operation,
    b: &Bindings,
) -> Result<String, BuildError> {
    let mut template = op.uri;
    let stripped;
    // S3's endpoint rules put the bucket in the host or the endpoint's path, never here.
    if service.name == "s3" {
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
    let mut out = String::with_capacity(path_t.len() + 32);
    let mut rest = path_t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| other(op, "a URI template without its closing brace"))?;
        let label = &rest[open + 1..close];
        let (name, greedy) = match label.strip_suffix('+') {
            Some(n) => (n, true),
            None => (label, false),
        };
        let value = b
            .labels
            .iter()
            .find(|(w, _)| *w == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| other(op, format_args!("the URI label {name} is empty or unset")))?;
        out.push_str(&encode(value, if greedy { PATH } else { QUERY }));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    let mut query: Vec<String> = static_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    for (k, v) in &b.query {
        query.push(format!("{}={}", encode(k, QUERY), encode(v, QUERY)));
    }
    for (k, v) in &b.query_from_maps {
        if b.query.iter().any(|(named, _)| named == k) {
            continue;
        }
        query.push(format!("{}={}", encode(k, QUERY), encode(v, QUERY)));
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    Ok(out)
}

/// The rest every protocol shares: checksums, compression, content length, host prefix,
/// endpoint parameters.
fn finish(
    service: &'static Service,
    op: &'static Operation,
    built: Built,
    cx: &Context<'_>,
) -> Result<(Request<SdkBody>, OperationMeta), BuildError> {
    let Built {
        method,
        path_and_query,
        headers,
        mut body,
        streaming,
        content_type,
        captured,
    } = built;
    let mut req = Request::new(SdkBody::empty());
    *req.method_mut() = Method::from_bytes(method.as_bytes()).map_err(|e| other(op, e))?;
    *req.uri_mut() = path_and_query
        .parse()
        .map_err(|e| other(op, format_args!("the path does not parse ({e})")))?;
    // Room for the stack's own headers besides the operation's.
    let map = req.headers_mut();
    *map = http::HeaderMap::with_capacity(headers.len() + 12);
    for (n, v) in headers {
        map.append(n, v);
    }
    // Request compression, where the model offers it and the session allows it.
    let settings = cx.settings;
    if !op.compression.is_empty()
        && streaming.is_none()
        && settings.text("disable_request_compression") != Some("true")
    {
        let min: usize = settings
            .text("request_min_compression_size_bytes")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_240);
        if op.compression.contains(&"gzip") && body.len() >= min {
            body = gzip(&body);
            let encoding = match map
                .get(http::header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok())
            {
                Some(existing) => format!("{existing}, gzip"),
                None => "gzip".to_owned(),
            };
            if let Ok(v) = HeaderValue::from_str(&encoding) {
                map.insert(http::header::CONTENT_ENCODING, v);
            }
        }
    }
    // A payload of bytes in memory is checksummed like a body; only a real stream is not.
    let known = streaming.as_ref().and_then(SdkBody::bytes);
    checksums(
        op,
        map,
        known.unwrap_or(&body),
        streaming.is_some() && known.is_none(),
        content_type.is_some(),
        &captured,
        settings,
    )?;
    let body = match streaming {
        Some(stream) => {
            if let Some(len) = http_body::Body::size_hint(&stream).exact() {
                map.insert(http::header::CONTENT_LENGTH, HeaderValue::from(len));
            }
            stream
        }
        None => {
            if !body.is_empty() || method != "GET" && method != "HEAD" {
                map.insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            }
            SdkBody::from(body)
        }
    };
    *req.body_mut() = body;
    let host_prefix = match op.host_prefix {
        Some(template) => Some(host_prefix(op, template, &captured)?),
        None => None,
    };
    let mut params = EndpointParams::new();
    for (param, member) in op.context_params {
        match captured.get(member) {
            Some(ser::Kept::Str(s)) => params = params.str(param, s.clone()),
            Some(ser::Kept::Bool(b)) => params = params.bool(param, *b),
            None => {}
        }
    }
    for (param, value) in op.static_params {
        params = match value {
            StaticParam::Bool(b) => params.bool(param, *b),
            StaticParam::Str(s) => params.str(param, *s),
        };
    }
    let mut meta = OperationMeta::named(op.name)
        .endpoint_params(params)
        .host_prefix(host_prefix)
        .errors_on_success(op.flags.has(OperationFlags::ERRORS_ON_SUCCESS))
        .unsigned_payload(op.flags.has(OperationFlags::UNSIGNED_PAYLOAD))
        // Each S3 bucket lives in one region, and S3 says which when asked elsewhere; the
        // stack follows that (once) for operations that name a bucket.
        .region_redirects(service.name == "s3");
    if !op.auth.is_empty() {
        meta = meta.auth(op.auth);
    }
    Ok((req, meta))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Flexible checksums: the caller's algorithm, else CRC32 when the operation takes one and
/// `request_checksum_calculation` is `when_supported` (the default) or it requires one;
/// `Content-MD5` where the model requires a checksum of an XML body (S3). Response
/// checksums are asked for unless the caller decided or validation is `when_required`.
fn checksums(
    op: &'static Operation,
    map: &mut http::HeaderMap,
    body: &[u8],
    streaming: bool,
    xml: bool,
    captured: &Captured,
    settings: &session_core::settings::Settings,
) -> Result<(), BuildError> {
    let required = op.flags.has(OperationFlags::CHECKSUM_REQUIRED);
    let chosen = op
        .checksum_algorithm_member
        .and_then(|m| captured.text(m))
        .map(|name| {
            Algorithm::from_name(name).ok_or_else(|| {
                other(
                    op,
                    format_args!("checksum algorithm {name} is not supported"),
                )
            })
        })
        .transpose()?;
    let automatic = required
        || (op.checksum_algorithm_member.is_some()
            && settings.text("request_checksum_calculation") != Some("when_required"));
    if let Some(alg) = chosen.or(automatic.then_some(Algorithm::Crc32)) {
        if !map.contains_key(alg.header()) && op.checksum_algorithm_member.is_some() {
            if streaming {
                if chosen.is_some() {
                    return Err(other(
                        op,
                        "a checksum algorithm needs a body of known bytes (streaming checksums are not supported yet)",
                    ));
                }
            } else if let Ok(v) = HeaderValue::from_str(&alg.checksum(body)) {
                map.insert(HeaderName::from_static(alg.header()), v);
            }
        }
    }
    if required
        && !streaming
        && !map.contains_key("content-md5")
        && (xml || op.checksum_algorithm_member.is_none())
    {
        let digest = md5::Md5::digest(body);
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        if let Ok(v) = HeaderValue::from_str(&b64) {
            map.insert(HeaderName::from_static("content-md5"), v);
        }
    }
    if let Some(member) = op.checksum_mode_member {
        let asked = captured.text(member);
        let auto = settings.text("response_checksum_validation") != Some("when_required");
        if asked.is_none() && auto {
            // The member's header: S3's `x-amz-checksum-mode`.
            map.insert(
                HeaderName::from_static("x-amz-checksum-mode"),
                HeaderValue::from_static("ENABLED"),
            );
        }
    }
    Ok(())
}

/// The host prefix with its labels filled from the input and checked as DNS labels.
fn host_prefix(
    op: &'static Operation,
    template: &str,
    captured: &Captured,
) -> Result<String, BuildError> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| other(op, "a host prefix without its closing brace"))?;
        let label = &rest[open + 1..close];
        let value = captured.text(label).unwrap_or_default();
        let ok = (1..=63).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !ok {
            return Err(other(
                op,
                format_args!("{label} = {value:?} cannot be part of a host name"),
            ));
        }
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The default timestamp format of a protocol's bodies (for callers that format values
/// themselves).
pub fn body_timestamp_format(protocol: Protocol) -> TimestampFormat {
    match protocol {
        Protocol::Json10 | Protocol::Json11 | Protocol::RestJson | Protocol::Cbor => {
            TimestampFormat::EpochSeconds
        }
        _ => TimestampFormat::Iso8601,
    }
}
