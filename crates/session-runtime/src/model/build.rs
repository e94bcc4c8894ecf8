//! The rules that turn a parsed model into tables.

use std::collections::{HashMap, HashSet};
use std::fmt;

use session_tower::AuthScheme;

use super::parse;
use super::ModelError;
use crate::shapes::{
    Kind, Location, Member, MemberFlags, Operation, OperationFlags, Protocol, Service, Shape,
    ShapeFlags, ShapeId, StaticParam, TimestampFormat, XmlNamespace,
};

/// How to build a service's tables.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Speak this protocol (it must be one the model lists). Default: the model's first
    /// one that this runtime speaks, as botocore chooses.
    pub protocol: Option<Protocol>,
}

impl Options {
    /// Speak `protocol` rather than the model's first choice.
    #[must_use]
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }
}

/// S3 operations that can fail with HTTP 200 and an `<Error>` body (botocore handles them
/// in a customization; they are not in the model).
const S3_ERRORS_ON_SUCCESS: &[&str] = &["CompleteMultipartUpload", "CopyObject", "UploadPartCopy"];

/// Strings made `'static` once each.
#[derive(Default)]
struct Strings(HashSet<&'static str, foldhash::fast::FixedState>);

impl Strings {
    fn get(&mut self, s: &str) -> &'static str {
        if let Some(v) = self.0.get(s) {
            return v;
        }
        let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
        self.0.insert(leaked);
        leaked
    }

    fn opt(&mut self, s: Option<&str>) -> Option<&'static str> {
        s.map(|s| self.get(s))
    }
}

/// What a model error is about ("shape Foo", "operation Bar"), written only when there is
/// an error to report.
#[derive(Clone, Copy)]
struct Context<'s> {
    what: &'static str,
    name: &'s str,
}

impl fmt::Display for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.what, self.name)
    }
}

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// The model's protocol names this runtime speaks, by botocore's names.
fn protocol_of(name: &str, json_version: Option<&str>) -> Option<Protocol> {
    Some(match name {
        "json" if json_version == Some("1.1") => Protocol::Json11,
        "json" => Protocol::Json10,
        "query" => Protocol::Query,
        "ec2" => Protocol::Ec2,
        "rest-xml" => Protocol::RestXml,
        "rest-json" => Protocol::RestJson,
        "smithy-rpc-v2-cbor" => Protocol::Cbor,
        _ => return None,
    })
}

fn timestamp_format(name: &str) -> Option<TimestampFormat> {
    Some(match name {
        "iso8601" => TimestampFormat::Iso8601,
        "rfc822" => TimestampFormat::HttpDate,
        "unixTimestamp" => TimestampFormat::EpochSeconds,
        _ => return None,
    })
}

fn location(name: Option<&str>) -> Location {
    match name {
        Some("uri") => Location::Uri,
        Some("querystring") => Location::Query,
        Some("header") => Location::Header,
        Some("headers") => Location::Headers,
        Some("statusCode") => Location::StatusCode,
        _ => Location::Body,
    }
}

/// EC2's form key of a member: `queryName`, else the capitalized `locationName` or name.
fn ec2_key(m: &parse::MemberRef<'_>, name: &str) -> String {
    if let Some(q) = &m.query_name {
        return q.to_string();
    }
    let base = m.location_name.as_deref().unwrap_or(name);
    let mut chars = base.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

struct Builder<'m> {
    model: &'m parse::Model<'m>,
    strings: Strings,
    protocol: Protocol,
    namespaces: HashMap<(Option<String>, String), &'static XmlNamespace>,
}

pub(super) fn build(
    name: &str,
    model: parse::Model<'_>,
    options: &Options,
) -> Result<&'static Service, ModelError> {
    let meta = &model.metadata;
    let json_version = meta.json_version.as_deref();
    let listed: Vec<&str> = if meta.protocols.is_empty() {
        vec![meta.protocol.as_str()]
    } else {
        meta.protocols.iter().map(parse::Text::as_str).collect()
    };
    let protocol = match options.protocol {
        Some(p) => {
            if !listed
                .iter()
                .any(|l| protocol_of(l, json_version) == Some(p))
            {
                return Err(ModelError::new(format!(
                    "{name}: the model does not offer the {} protocol (it offers {})",
                    p.name(),
                    listed.join(", ")
                )));
            }
            p
        }
        None => listed
            .iter()
            .find_map(|l| protocol_of(l, json_version))
            .ok_or_else(|| {
                ModelError::new(format!(
                    "{name}: no protocol this runtime speaks ({})",
                    listed.join(", ")
                ))
            })?,
    };
    if ShapeId::try_from(model.shapes.len()).is_err() {
        return Err(ModelError::new(format!(
            "{name}: {} shapes, more than the tables can number",
            model.shapes.len()
        )));
    }
    let mut b = Builder {
        model: &model,
        strings: Strings::default(),
        protocol,
        namespaces: HashMap::new(),
    };
    let mut shapes = Vec::with_capacity(model.shapes.len());
    for (shape_name, shape) in model.shapes.iter() {
        shapes.push(b.shape(shape_name, shape)?);
    }
    let mut operations = Vec::with_capacity(model.operations.len());
    for op in model.operations.values() {
        operations.push(b.operation(name, op)?);
    }
    operations.sort_by(|a: &Operation, b: &Operation| a.name.cmp(b.name));
    let service_id = b.strings.get(meta.service_id.as_deref().unwrap_or(name));
    let signing_name = b.strings.get(
        meta.signing_name
            .as_deref()
            .or(meta.endpoint_prefix.as_deref())
            .unwrap_or(name),
    );
    let target_prefix = b
        .strings
        .get(meta.target_prefix.as_deref().unwrap_or_default());
    let service = Service {
        name: b.strings.get(name),
        service_id,
        signing_name,
        protocol,
        api_version: b
            .strings
            .get(meta.api_version.as_deref().unwrap_or_default()),
        target_prefix,
        xml_namespace: b.strings.opt(meta.xml_namespace.as_deref()),
        query_compatible: meta.aws_query_compatible.is_some(),
        shapes: leak(shapes),
        operations: leak(operations),
    };
    Ok(Box::leak(Box::new(service)))
}

impl<'m> Builder<'m> {
    /// The id of the shape named `shape` and its definition.
    fn target(
        &self,
        shape: &str,
        context: Context<'_>,
    ) -> Result<(ShapeId, &'m parse::Shape<'m>), ModelError> {
        let model = self.model;
        match model.shapes.id(shape) {
            // In range: `build` checked the number of shapes.
            #[allow(clippy::cast_possible_truncation)]
            Some(id) => Ok((id as ShapeId, model.shapes.by_id(id).1)),
            None => Err(ModelError::new(format!(
                "{context} refers to shape {shape}, which the model does not define"
            ))),
        }
    }

    fn id(&self, shape: &str, context: Context<'_>) -> Result<ShapeId, ModelError> {
        self.target(shape, context).map(|(id, _)| id)
    }

    fn namespace(&mut self, ns: Option<&parse::XmlNamespace<'_>>) -> Option<&'static XmlNamespace> {
        let (prefix, uri) = match ns? {
            parse::XmlNamespace::Uri(uri) => (None, uri.to_string()),
            parse::XmlNamespace::Full { prefix, uri } => {
                (prefix.as_deref().map(str::to_owned), uri.to_string())
            }
        };
        let key = (prefix, uri);
        if let Some(ns) = self.namespaces.get(&key) {
            return Some(ns);
        }
        let ns: &'static XmlNamespace = Box::leak(Box::new(XmlNamespace {
            prefix: self.strings.opt(key.0.as_deref()),
            uri: self.strings.get(&key.1),
        }));
        self.namespaces.insert(key, ns);
        Some(ns)
    }

    /// A member (of a structure, or a list's element, or a map's key or value).
    /// `default_wire` names it when the model gives no `locationName` (`member`, `key`,
    /// `value` for collections' parts).
    fn member(
        &mut self,
        name: &str,
        m: &parse::MemberRef<'_>,
        required: bool,
        default_wire: Option<&str>,
        context: Context<'_>,
    ) -> Result<Member, ModelError> {
        let (shape, target) = self.target(&m.shape, context)?;
        // A member's traits override those of the shape it targets (botocore merges them;
        // older models put a binding's location and name on the shape).
        let location_name = m
            .location_name
            .as_deref()
            .or(target.location_name.as_deref());
        let member_location = location(m.location.as_deref().or(target.location.as_deref()));
        // Prefix headers without a prefix are every header.
        let unnamed = if member_location == Location::Headers {
            Some("")
        } else {
            default_wire
        };
        let wire = location_name.or(unnamed).unwrap_or(name).to_owned();
        let query_key = match (self.protocol, default_wire) {
            (Protocol::Ec2, None) => ec2_key(m, name),
            // A collection's part: its own name only when the model gives one.
            (_, Some(_)) => location_name.unwrap_or_default().to_owned(),
            _ => wire.clone(),
        };
        let mut flags = MemberFlags::NONE;
        let set = |flags: &mut MemberFlags, on: bool, flag: MemberFlags| {
            if on {
                *flags = flags.with(flag);
            }
        };
        set(&mut flags, required, MemberFlags::REQUIRED);
        set(&mut flags, m.flattened, MemberFlags::FLATTENED);
        set(&mut flags, m.xml_attribute, MemberFlags::XML_ATTRIBUTE);
        set(
            &mut flags,
            m.idempotency_token,
            MemberFlags::IDEMPOTENCY_TOKEN,
        );
        set(&mut flags, m.host_label, MemberFlags::HOST_LABEL);
        set(&mut flags, m.jsonvalue, MemberFlags::JSON_VALUE);
        set(&mut flags, m.eventpayload, MemberFlags::EVENT_PAYLOAD);
        set(&mut flags, m.eventheader, MemberFlags::EVENT_HEADER);
        set(
            &mut flags,
            m.streaming || target.streaming,
            MemberFlags::STREAMING,
        );
        set(&mut flags, target.sensitive, MemberFlags::SENSITIVE);
        set(&mut flags, location_name.is_some(), MemberFlags::NAMED);
        let timestamp_format = match m.timestamp_format.as_deref() {
            Some(f) => Some(timestamp_format(f).ok_or_else(|| {
                ModelError::new(format!("{context}: unknown timestamp format {f:?}"))
            })?),
            None => None,
        };
        Ok(Member {
            name: self.strings.get(name),
            shape,
            location: member_location,
            wire: self.strings.get(&wire),
            query_key: self.strings.get(&query_key),
            flags,
            timestamp_format,
            xml_namespace: self.namespace(m.xml_namespace.as_ref()),
        })
    }

    fn shape(&mut self, name: &str, s: &parse::Shape<'_>) -> Result<Shape, ModelError> {
        let context = Context {
            what: "shape",
            name,
        };
        let part = |b: &mut Self, m: &Option<parse::MemberRef<'_>>, what: &str, default: &str| {
            let m = m.as_ref().ok_or_else(|| {
                ModelError::new(format!("{context}: a {} without a {what}", s.kind))
            })?;
            b.member(what, m, false, Some(default), context)
                .map(|m| &*Box::leak(Box::new(m)))
        };
        let kind = match s.kind.as_str() {
            "structure" if s.document => Kind::Document,
            "structure" => {
                let mut members = Vec::with_capacity(s.members.0.len());
                for (member_name, m) in &s.members.0 {
                    let required = s.required.iter().any(|r| r == member_name);
                    members.push(self.member(member_name, m, required, None, context)?);
                }
                Kind::Structure(leak(members))
            }
            "list" => Kind::List(part(self, &s.member, "member", "member")?),
            "map" => Kind::Map(
                part(self, &s.key, "key", "key")?,
                part(self, &s.value, "value", "value")?,
            ),
            // `character`: a legacy string type of one character.
            "string" | "character" => Kind::String(leak(
                s.enum_values.iter().map(|v| self.strings.get(v)).collect(),
            )),
            "boolean" => Kind::Boolean,
            "byte" => Kind::Byte,
            "short" => Kind::Short,
            "integer" => Kind::Integer,
            "long" => Kind::Long,
            "float" => Kind::Float,
            "double" | "bigDecimal" => Kind::Double,
            "bigInteger" => Kind::Long,
            "timestamp" => {
                Kind::Timestamp(s.timestamp_format.as_deref().and_then(timestamp_format))
            }
            "blob" => Kind::Blob,
            "document" => Kind::Document,
            other => {
                return Err(ModelError::new(format!(
                    "{context}: unknown shape type {other:?}"
                )))
            }
        };
        let mut flags = ShapeFlags::NONE;
        let mut set = |on: bool, flag: ShapeFlags| {
            if on {
                flags = flags.with(flag);
            }
        };
        set(s.union, ShapeFlags::UNION);
        set(s.exception || s.error.is_some(), ShapeFlags::ERROR);
        set(s.fault, ShapeFlags::FAULT);
        set(s.eventstream, ShapeFlags::EVENT_STREAM);
        set(s.event, ShapeFlags::EVENT);
        set(s.streaming, ShapeFlags::STREAMING);
        set(s.flattened, ShapeFlags::FLATTENED);
        set(s.sensitive, ShapeFlags::SENSITIVE);
        set(s.sparse, ShapeFlags::SPARSE);
        set(s.retryable.is_some(), ShapeFlags::RETRYABLE);
        set(
            s.retryable.as_ref().is_some_and(|r| r.throttling),
            ShapeFlags::THROTTLING,
        );
        set(s.requires_length, ShapeFlags::REQUIRES_LENGTH);
        let error_code = if flags.has(ShapeFlags::ERROR) {
            Some(
                self.strings.get(
                    s.error
                        .as_ref()
                        .and_then(|e| e.code.as_deref())
                        .unwrap_or(name),
                ),
            )
        } else {
            None
        };
        let as_int = |f: Option<f64>| {
            #[allow(clippy::cast_possible_truncation)]
            f.filter(|v| v.is_finite()).map(|v| v as i64)
        };
        Ok(Shape {
            name: self.strings.get(name),
            kind,
            flags,
            payload: self.strings.opt(s.payload.as_deref()),
            error_code,
            error_status: s
                .error
                .as_ref()
                .and_then(|e| e.http_status_code)
                .unwrap_or(0),
            xml_namespace: self.namespace(s.xml_namespace.as_ref()),
            xml_name: self.strings.opt(s.location_name.as_deref()),
            min: as_int(s.min),
            max: as_int(s.max),
        })
    }

    fn operation(
        &mut self,
        service: &str,
        op: &parse::Operation<'_>,
    ) -> Result<Operation, ModelError> {
        let context = Context {
            what: "operation",
            name: &op.name,
        };
        let input = op
            .input
            .as_ref()
            .map(|r| self.id(&r.shape, context))
            .transpose()?;
        let output = op
            .output
            .as_ref()
            .map(|r| self.id(&r.shape, context))
            .transpose()?;
        let mut errors = Vec::with_capacity(op.errors.len());
        for e in &op.errors {
            errors.push(self.id(&e.shape, context)?);
        }
        let mut flags = OperationFlags::NONE;
        let mut set = |on: bool, flag: OperationFlags| {
            if on {
                flags = flags.with(flag);
            }
        };
        let checksum = op.http_checksum.as_ref();
        set(
            op.http_checksum_required || checksum.is_some_and(|c| c.request_checksum_required),
            OperationFlags::CHECKSUM_REQUIRED,
        );
        set(
            op.endpointdiscovery.as_ref().is_some_and(|d| d.required),
            OperationFlags::ENDPOINT_DISCOVERY_REQUIRED,
        );
        set(
            op.endpointdiscovery.is_some(),
            OperationFlags::ENDPOINT_DISCOVERY,
        );
        set(op.endpointoperation, OperationFlags::ENDPOINT_OPERATION);
        set(
            op.authtype.as_deref() == Some("none")
                || (op.auth.len() == 1 && op.auth[0] == "smithy.api#noAuth"),
            OperationFlags::NO_AUTH,
        );
        set(
            op.authtype.as_deref() == Some("v4-unsigned-body") || op.unsigned_payload,
            OperationFlags::UNSIGNED_PAYLOAD,
        );
        set(op.idempotent, OperationFlags::IDEMPOTENT);
        set(op.readonly, OperationFlags::READ_ONLY);
        set(op.deprecated, OperationFlags::DEPRECATED);
        set(
            service == "s3" && S3_ERRORS_ON_SUCCESS.contains(&op.name.as_str()),
            OperationFlags::ERRORS_ON_SUCCESS,
        );
        let model = self.model;
        // The payload member and its shape; `streaming` may be on either (newer models put
        // it on the member reference).
        let payload_target =
            |r: Option<&parse::ShapeRef<'_>>| -> Option<(bool, &parse::Shape<'_>)> {
                let shape = model.shapes.get(r?.shape.as_str())?;
                let payload = shape.payload.as_deref()?;
                let (_, m) = shape.members.0.iter().find(|(n, _)| n == payload)?;
                let target = model.shapes.get(m.shape.as_str())?;
                Some((m.streaming || target.streaming, target))
            };
        // The RPC protocols name no payload: there the output member that targets an event
        // stream is the stream (Kinesis's SubscribeToShard, Logs' StartLiveTail).
        let streams_events = |r: Option<&parse::ShapeRef<'_>>| -> bool {
            let Some(shape) = r.and_then(|r| model.shapes.get(r.shape.as_str())) else {
                return false;
            };
            shape.members.0.iter().any(|(_, m)| {
                model
                    .shapes
                    .get(m.shape.as_str())
                    .is_some_and(|t| t.eventstream)
            })
        };
        if streams_events(op.output.as_ref()) {
            flags = flags.with(OperationFlags::EVENT_STREAM_OUTPUT);
        }
        if let Some((streaming, t)) = payload_target(op.output.as_ref()) {
            if streaming && t.kind == "blob" {
                flags = flags.with(OperationFlags::STREAMING_OUTPUT);
            }
        }
        if streams_events(op.input.as_ref()) {
            flags = flags.with(OperationFlags::EVENT_STREAM_INPUT);
        }
        if let Some((streaming, t)) = payload_target(op.input.as_ref()) {
            if streaming && t.kind == "blob" {
                flags = flags.with(OperationFlags::STREAMING_INPUT);
            }
        }
        let mut static_params = Vec::new();
        for (param, value) in &op.static_context_params {
            let value = match &value.value {
                serde_json::Value::Bool(b) => StaticParam::Bool(*b),
                serde_json::Value::String(s) => StaticParam::Str(self.strings.get(s)),
                other => {
                    return Err(ModelError::new(format!(
                        "{context}: static context parameter {param} = {other} is neither a string nor a boolean"
                    )))
                }
            };
            static_params.push((self.strings.get(param), value));
        }
        let mut context_params = Vec::new();
        if let Some(shape) = op
            .input
            .as_ref()
            .and_then(|r| self.model.shapes.get(r.shape.as_str()))
        {
            for (member, m) in &shape.members.0 {
                if let Some(p) = &m.context_param {
                    context_params.push((self.strings.get(&p.name), self.strings.get(member)));
                }
            }
        }
        let mut context_paths = Vec::new();
        for (param, p) in &op.operation_context_params {
            // Checked here, so that a call never meets a path it cannot evaluate.
            crate::JmesPath::parse(&p.path).map_err(|e| {
                ModelError::new(format!("{context}: operationContextParams {param}: {e}"))
            })?;
            context_paths.push((self.strings.get(param), self.strings.get(&p.path)));
        }
        let input_ref = op.input.as_ref();
        Ok(Operation {
            name: self.strings.get(&op.name),
            method: self
                .strings
                .get(op.http.method.as_deref().unwrap_or("POST")),
            uri: self
                .strings
                .get(op.http.request_uri.as_deref().unwrap_or("/")),
            response_code: op.http.response_code,
            input,
            output,
            result_wrapper: self
                .strings
                .opt(op.output.as_ref().and_then(|r| r.result_wrapper.as_deref())),
            input_root: self
                .strings
                .opt(input_ref.and_then(|r| r.location_name.as_deref())),
            input_namespace: self.namespace(input_ref.and_then(|r| r.xml_namespace.as_ref())),
            input_payload: self
                .strings
                .opt(input_ref.and_then(|r| r.payload.as_deref())),
            output_payload: self
                .strings
                .opt(op.output.as_ref().and_then(|r| r.payload.as_deref())),
            errors: leak(errors),
            host_prefix: self
                .strings
                .opt(op.endpoint.as_ref().and_then(|e| e.host_prefix.as_deref())),
            flags,
            checksum_algorithm_member: self
                .strings
                .opt(checksum.and_then(|c| c.request_algorithm_member.as_deref())),
            checksum_mode_member: self
                .strings
                .opt(checksum.and_then(|c| c.request_validation_mode_member.as_deref())),
            response_checksums: leak(
                checksum
                    .map(|c| {
                        c.response_algorithms
                            .iter()
                            .map(|a| self.strings.get(a))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            compression: leak(
                op.requestcompression
                    .as_ref()
                    .map(|c| c.encodings.iter().map(|e| self.strings.get(e)).collect())
                    .unwrap_or_default(),
            ),
            static_params: leak(static_params),
            context_params: leak(context_params),
            context_paths: leak(context_paths),
            auth: leak(if op.auth.is_empty() {
                op.authtype
                    .iter()
                    .filter_map(|a| AuthScheme::from_model(a))
                    .collect()
            } else {
                op.auth
                    .iter()
                    .filter_map(|a| AuthScheme::from_model(a))
                    .collect()
            }),
        })
    }
}
