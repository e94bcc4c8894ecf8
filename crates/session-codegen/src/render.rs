//! Rust source for a model: `types.rs` (every shape the operations use) and
//! `operations.rs` (a request builder, an error enum and a client method per operation).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::{Member, Model, Paginator, Paginators, Shape};
use crate::names::{lit, pascal, snake};

/// What the generator needs to know beyond the model.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The hand-written client type the operations hang off, e.g. `DynamoDbClient`. It must
    /// have a `client: session_tower::Client` field visible to the crate.
    pub client_type: String,
    /// The model file the code comes from, for the header.
    pub source: String,
    /// Operations whose outputs must also serialize (waiters match paths on them).
    pub serialized_outputs: Vec<String>,
    /// Operations whose output passes through a hand-written check before `send` returns:
    /// `crate::customize::<operation in snake case>(&input, output)`, returning
    /// `Result<Output, OperationError<OpError>>` (SQS's MD5 checks, S3's URL-encoded
    /// listings, ...).
    pub customized: Vec<String>,
    /// Operations behind resource actions that return resources: their call type takes a
    /// parameter, `XCall<R = ()>`, so `XCall<Owner>` can have a `send` returning the
    /// resource (generated in `resources.rs`) while sharing the setters.
    pub returning: Vec<String>,
}

/// Generated source files (unformatted).
#[derive(Debug, Clone)]
pub struct Generated {
    /// `generated/types.rs`.
    pub types: String,
    /// `generated/operations.rs`.
    pub operations: String,
    /// `generated/mod.rs`.
    pub module: String,
    /// `generated/schema.rs` (XML-based protocols only).
    pub schema: Option<String>,
    /// Counts for the closing note: operations, structures, enums, paginators.
    pub counts: BTreeMap<&'static str, usize>,
    /// Things the generator left out, with the reason.
    pub skipped: Vec<String>,
    /// Operations whose call has an `into_paginator`.
    pub paginated: BTreeSet<String>,
}

/// Generates the code of `model`.
///
/// # Errors
/// A model this generator cannot handle (a protocol other than AWS JSON, a shape it does
/// not know), with the shape or operation named.
pub fn generate(
    model: &Model,
    paginators: &Paginators,
    config: &ServiceConfig,
) -> Result<Generated, String> {
    if !matches!(
        model.metadata.protocol.as_str(),
        "json" | "query" | "rest-xml"
    ) {
        return Err(format!(
            "protocol {:?} is not generated yet (AWS JSON, query and rest-xml are)",
            model.metadata.protocol
        ));
    }
    let g = Gen::new(model, config);
    g.run(paginators)
}

/// The Rust names of a model's shapes, and which members must be boxed.
#[derive(Debug, Clone)]
pub struct RustTypes {
    /// Rust type names of generated shapes.
    type_names: BTreeMap<String, String>,
    /// (structure, member) pairs that need a `Box` to break a cycle.
    boxed: BTreeSet<(String, String)>,
}

impl RustTypes {
    /// Names every structure and enum of `model` and finds the members that need a box.
    pub fn new(model: &Model) -> Self {
        let mut type_names = BTreeMap::new();
        let mut taken = BTreeSet::new();
        for (name, shape) in &model.shapes {
            if is_named_type(shape) {
                let mut rust = pascal(name);
                while !taken.insert(rust.clone()) {
                    rust.push('_');
                }
                type_names.insert(name.clone(), rust);
            }
        }
        let mut boxed = BTreeSet::new();
        for (name, shape) in &model.shapes {
            if shape.kind != "structure" {
                continue;
            }
            for (member_name, member) in &shape.members {
                if reaches(model, &member.shape, name, &mut BTreeSet::new()) {
                    boxed.insert((name.clone(), member_name.clone()));
                }
            }
        }
        Self { type_names, boxed }
    }

    /// The Rust type name of a structure, union or enum shape.
    ///
    /// # Errors
    /// When the shape is not one of those.
    pub fn name(&self, shape: &str) -> Result<String, String> {
        self.type_names
            .get(shape)
            .cloned()
            .ok_or_else(|| format!("shape {shape} has no Rust type of its own"))
    }

    /// `expr`, boxed when the member needs it.
    pub fn wrap(&self, owner: &str, member: &str, expr: String) -> String {
        if self.is_boxed(owner, member) {
            format!("Box::new({expr})")
        } else {
            expr
        }
    }

    fn is_boxed(&self, owner: &str, member: &str) -> bool {
        self.boxed.contains(&(owner.to_owned(), member.to_owned()))
    }
}

/// A member leads back to its own structure through structures alone (lists and maps
/// already put values on the heap).
fn reaches<'m>(
    model: &'m Model,
    from: &'m str,
    target: &str,
    seen: &mut BTreeSet<&'m str>,
) -> bool {
    if from == target {
        return true;
    }
    if !seen.insert(from) {
        return false;
    }
    let Some(shape) = model.shapes.get(from) else {
        return false;
    };
    shape.kind == "structure"
        && !shape.document
        && shape
            .members
            .values()
            .any(|m| reaches(model, &m.shape, target, seen))
}

struct Gen<'a> {
    model: &'a Model,
    config: &'a ServiceConfig,
    types: RustTypes,
    /// Shapes that are sent (inputs) or inspected as values (waiter outputs): they
    /// serialize.
    serialized: BTreeSet<String>,
    /// Shapes that are received (outputs, errors): they deserialize. Deriving only what
    /// is used keeps the generated crates quicker to compile.
    deserialized: BTreeSet<String>,
}

/// Every shape reachable from `roots` through members, list members and map keys/values.
fn reachable<'m>(model: &'m Model, roots: impl IntoIterator<Item = &'m str>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.to_owned()) {
            continue;
        }
        let Some(shape) = model.shapes.get(name) else {
            continue;
        };
        stack.extend(shape.members.values().map(|m| m.shape.as_str()));
        for m in [&shape.member, &shape.key, &shape.value]
            .into_iter()
            .flatten()
        {
            stack.push(m.shape.as_str());
        }
    }
    seen
}

const HEADER: &str =
    "// @generated by session-codegen. Do not edit: change the generator or the model.\n";

impl<'a> Gen<'a> {
    fn new(model: &'a Model, config: &'a ServiceConfig) -> Self {
        let mut g = Self::sets(model, config);
        // Unions always serialize, so what they hold must too.
        let unions: Vec<&str> = model
            .shapes
            .iter()
            .filter(|(_, s)| s.union)
            .map(|(n, _)| n.as_str())
            .collect();
        g.serialized.extend(reachable(model, unions));
        g
    }

    fn sets(model: &'a Model, config: &'a ServiceConfig) -> Self {
        Self {
            model,
            config,
            types: RustTypes::new(model),
            serialized: reachable(
                model,
                model
                    .operations
                    .values()
                    .flat_map(|op| {
                        let waited = config.serialized_outputs.contains(&op.name);
                        op.input
                            .iter()
                            .chain(op.output.iter().filter(move |_| waited))
                    })
                    .map(|r| r.shape.as_str()),
            ),
            deserialized: reachable(
                model,
                model
                    .operations
                    .values()
                    .flat_map(|op| op.output.iter().chain(op.errors.iter()))
                    .map(|r| r.shape.as_str()),
            ),
        }
    }

    /// The last statement of an operation's `send`: the output, or the output passed
    /// through its hand-written customization.
    fn finish(&self, operation: &str) -> String {
        if self.config.customized.iter().any(|c| c == operation) {
            format!("crate::customize::{}(&input, output)", snake(operation))
        } else {
            "Ok(output)".to_owned()
        }
    }

    /// Query and rest-xml: the protocols that go through the shape table.
    fn is_query(&self) -> bool {
        matches!(self.model.metadata.protocol.as_str(), "query" | "rest-xml")
    }

    fn is_rest_xml(&self) -> bool {
        self.model.metadata.protocol == "rest-xml"
    }

    /// A streaming blob member (held as a `ByteStream`, outside serde).
    fn is_streaming(&self, member: &Member) -> bool {
        member.streaming
            || self
                .model
                .shapes
                .get(&member.shape)
                .is_some_and(|s| s.streaming)
    }

    /// A shape's index in the schema table (the model's shape order).
    fn shape_id(&self, name: &str) -> Result<usize, String> {
        self.model
            .shapes
            .keys()
            .position(|k| k == name)
            .ok_or_else(|| format!("shape {name:?} is referenced but not defined"))
    }

    /// The body of a rest-xml operation's `send`, after the required-member checks.
    fn render_rest_call(
        &self,
        out: &mut String,
        op: &crate::model::Operation,
        input: Option<&Shape>,
        output_shape: Option<&str>,
        host_prefix: &str,
    ) -> Result<(), String> {
        let name = &op.name;
        let shape_of = |r: Option<&str>| -> Result<String, String> {
            Ok(match r {
                Some(s) => format!("Some({})", self.shape_id(s)?),
                None => "None".to_owned(),
            })
        };
        let opt =
            |v: Option<&str>| v.map_or_else(|| "None".to_owned(), |v| format!("Some({})", lit(v)));
        let output = output_shape.map(|s| self.shape(s)).transpose()?;
        let in_payload = input.and_then(|s| s.payload.as_deref());
        let out_payload = output.and_then(|s| s.payload.as_deref());
        let in_stream = in_payload
            .and_then(|p| input.and_then(|s| s.members.get(p)))
            .filter(|m| self.is_streaming(m));
        let out_stream = out_payload
            .and_then(|p| output.and_then(|s| s.members.get(p)))
            .filter(|m| self.is_streaming(m));
        let namespace = in_payload
            .and_then(|p| input.and_then(|s| s.members.get(p)))
            .and_then(|m| {
                m.xml_namespace.as_ref().or_else(|| {
                    self.model
                        .shapes
                        .get(&m.shape)
                        .and_then(|t| t.xml_namespace.as_ref())
                })
            })
            .or_else(|| op.input.as_ref().and_then(|i| i.xml_namespace.as_ref()))
            .and_then(|n| n.uri());
        // The body's root: the input shape's own name (`locationName`), else the input
        // reference's, else the shape name; a structure payload's: the member's own wire
        // name, else its shape's, else the shape name (the protocol tests pin this order
        // down; S3's CompleteMultipartUpload relies on the member's name).
        let input_root = op.input.as_ref().map(|i| {
            input
                .and_then(|s| s.location_name.clone())
                .or_else(|| i.location_name.clone())
                .unwrap_or_else(|| i.shape.clone())
        });
        let payload_root = in_payload.and_then(|p| {
            let m = input.and_then(|s| s.members.get(p))?;
            // A `locationName` equal to the member name is ambiguous: the protocol test
            // suites carry one on every camelCase member (`nested`) without meaning a wire
            // name (they expect the shape's name), while S3 writes its real wire names that
            // way (`LifecycleConfiguration`, `LegalHold`, `Retention`: S3 rejects the shape
            // names). AWS models name members in PascalCase, so that case is kept.
            let own = m
                .location_name
                .clone()
                .filter(|n| n != p || p.starts_with(|c: char| c.is_ascii_uppercase()));
            Some(own.unwrap_or_else(|| {
                self.model
                    .shapes
                    .get(&m.shape)
                    .and_then(|t| t.location_name.clone())
                    .unwrap_or_else(|| m.shape.clone())
            }))
        });
        let mut context = Vec::new();
        if let Some(shape) = input {
            for (member_name, m) in &shape.members {
                if let Some(p) = &m.context_param {
                    context.push(format!("({}, {})", lit(&p.name), lit(member_name)));
                }
            }
        }
        let statics: Vec<String> = op
            .static_context_params
            .iter()
            .filter_map(|(k, v)| Some(format!("({}, {})", lit(k), v.get("value")?.as_bool()?)))
            .collect();
        let checksum_required = op.http_checksum_required
            || op
                .http_checksum
                .as_ref()
                .and_then(|c| c.get("requestChecksumRequired"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
        let checksum = op.http_checksum.as_ref();
        let checksum_member = checksum
            .and_then(|c| c.get("requestAlgorithmMember"))
            .and_then(serde_json::Value::as_str);
        let validation_member = checksum
            .and_then(|c| c.get("requestValidationModeMember"))
            .and_then(serde_json::Value::as_str);
        let response_algorithms: Vec<String> = checksum
            .and_then(|c| c.get("responseAlgorithms"))
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(lit))
            .collect();
        // S3 may answer these with 200 and an error body.
        let errors_on_success = matches!(
            name.as_str(),
            "CopyObject" | "CompleteMultipartUpload" | "UploadPartCopy"
        );
        let bucket_in_endpoint = self.model.metadata.service_id.as_deref() == Some("S3");
        let _ = writeln!(
            out,
            "        let host_prefix = {host_prefix};\n        const OP: rt::RestOp = rt::RestOp {{ name: {}, method: {}, uri: {}, input: {}, output: {}, input_payload: {}, output_payload: {}, output_streaming: {}, input_root: {}, payload_root: {}, xml_namespace: {}, errors_on_success: {errors_on_success}, checksum_required: {checksum_required}, checksum_member: {}, validation_member: {}, response_algorithms: &[{}], context_params: &[{}], static_params: &[{}], bucket_in_endpoint: {bucket_in_endpoint} }};",
            lit(name),
            lit(&op.http.method),
            lit(&op.http.request_uri),
            shape_of(op.input.as_ref().map(|i| i.shape.as_str()))?,
            shape_of(output_shape)?,
            opt(in_payload),
            opt(out_payload),
            out_stream.is_some(),
            opt(input_root.as_deref()),
            opt(payload_root.as_deref()),
            opt(namespace),
            opt(checksum_member),
            opt(validation_member),
            response_algorithms.join(", "),
            context.join(", "),
            statics.join(", "),
        );
        let payload_field = in_stream.and(in_payload).map(snake);
        let payload = match &payload_field {
            Some(f) => format!("input.{f}.take().map(|b| b.take())"),
            None => "None".to_owned(),
        };
        let _ = writeln!(
            out,
            "        let payload = {payload};\n        #[allow(unused_mut)]\n        let (mut output, stream) = rt::rest_call(&self.client, &OP, super::schema::SHAPES, &input, payload, host_prefix).await?;"
        );
        match out_stream.and(out_payload) {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "        let output: {0} = {{ let mut o: {0} = output; o.{1} = stream.map(rt::ByteStream::new); o }};\n        {2}\n    }}",
                    self.rust_type(output_shape.unwrap_or_default())?,
                    snake(p),
                    self.finish(name)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "        let _ = (&mut output, stream);\n        {}\n    }}",
                    self.finish(name)
                );
            }
        }
        Ok(())
    }

    /// The shape table the XML protocols' runtime reads (see `session_runtime::schema`).
    fn render_schema(&self) -> String {
        let mut out = format!(
            "{HEADER}//! The shape table: how each shape is written in query keys and XML.\n\n\
             #![allow(unused_imports)]\n\n\
             use session_runtime::schema::{{List, Location, Map, Member, Shape, TimestampFormat}};\n\n\
             pub(crate) static SHAPES: &[Shape] = &[\n"
        );
        let id = |name: &str| self.shape_id(name).unwrap_or(usize::MAX);
        for (name, shape) in &self.model.shapes {
            let _ = write!(out, "    // {name}\n    ");
            match shape.kind.as_str() {
                "structure" if !shape.document => {
                    out.push_str("Shape::Structure(&[");
                    for (member_name, m) in &shape.members {
                        let target = self.model.shapes.get(&m.shape);
                        let wire = m.location_name.as_deref().unwrap_or(member_name);
                        let flattened = m.flattened || target.is_some_and(|t| t.flattened);
                        let format = match m.timestamp_format.as_deref() {
                            Some("iso8601") => "Iso8601",
                            Some("rfc822") => "HttpDate",
                            Some("unixTimestamp") => "EpochSeconds",
                            _ => "Default",
                        };
                        // Header names are case-insensitive; lower case matches `HeaderName`.
                        let wire = if matches!(m.location.as_deref(), Some("header" | "headers")) {
                            wire.to_ascii_lowercase()
                        } else {
                            wire.to_owned()
                        };
                        let wire = wire.as_str();
                        let location = match m.location.as_deref() {
                            Some("uri") => "Uri",
                            Some("querystring") => "Query",
                            Some("header") => "Header",
                            Some("headers") => "PrefixHeaders",
                            Some("statusCode") => "StatusCode",
                            _ => "Body",
                        };
                        let _ = write!(
                            out,
                            "Member {{ name: {}, wire: {}, shape: {}, flattened: {flattened}, attribute: {}, format: TimestampFormat::{format}, location: Location::{location} }}, ",
                            lit(member_name),
                            lit(wire),
                            id(&m.shape),
                            m.xml_attribute
                        );
                    }
                    out.push_str("]),\n");
                }
                "list" => {
                    let member = shape.member.as_deref();
                    let member_name = member.and_then(|m| m.location_name.as_deref());
                    let _ = writeln!(
                        out,
                        "Shape::List(List {{ member: {}, member_name: {}, member_named: {}, flattened: {} }}),",
                        member.map_or(usize::MAX, |m| id(&m.shape)),
                        lit(member_name.unwrap_or("member")),
                        member_name.is_some(),
                        shape.flattened
                    );
                }
                "map" => {
                    let key = shape.key.as_deref();
                    let value = shape.value.as_deref();
                    let _ = writeln!(
                        out,
                        "Shape::Map(Map {{ key: {}, value: {}, key_name: {}, value_name: {}, flattened: {} }}),",
                        key.map_or(usize::MAX, |m| id(&m.shape)),
                        value.map_or(usize::MAX, |m| id(&m.shape)),
                        lit(key.and_then(|k| k.location_name.as_deref()).unwrap_or("key")),
                        lit(value.and_then(|v| v.location_name.as_deref()).unwrap_or("value")),
                        shape.flattened
                    );
                }
                "string" => out.push_str("Shape::String,\n"),
                "integer" | "long" | "short" | "byte" => out.push_str("Shape::Integer,\n"),
                "float" | "double" => out.push_str("Shape::Float,\n"),
                "boolean" => out.push_str("Shape::Boolean,\n"),
                "blob" => out.push_str("Shape::Blob,\n"),
                "timestamp" => {
                    let format = match shape.timestamp_format.as_deref() {
                        Some("iso8601") => "Iso8601",
                        Some("rfc822") => "HttpDate",
                        Some("unixTimestamp") => "EpochSeconds",
                        _ => "Default",
                    };
                    let _ = writeln!(out, "Shape::Timestamp(TimestampFormat::{format}),");
                }
                _ => out.push_str("Shape::Other,\n"),
            }
        }
        out.push_str("];\n");
        out
    }

    /// `name`, or `name_` (and so on) when a shape's type already has it.
    fn free_name(&self, mut name: String) -> String {
        while self.types.type_names.values().any(|t| *t == name) {
            name.push('_');
        }
        name
    }

    fn shape(&self, name: &str) -> Result<&'a Shape, String> {
        self.model
            .shapes
            .get(name)
            .ok_or_else(|| format!("shape {name:?} is referenced but not defined"))
    }

    /// The Rust type of a shape, as used in a field.
    fn rust_type(&self, shape_name: &str) -> Result<String, String> {
        let shape = self.shape(shape_name)?;
        if let Some(name) = self.types.type_names.get(shape_name) {
            return Ok(name.clone());
        }
        Ok(match shape.kind.as_str() {
            "string" => "String".to_owned(),
            "integer" => "i32".to_owned(),
            "long" => "i64".to_owned(),
            "boolean" => "bool".to_owned(),
            "double" => "f64".to_owned(),
            "float" => "f32".to_owned(),
            "timestamp" => "rt::Timestamp".to_owned(),
            "blob" => "rt::Blob".to_owned(),
            "list" => {
                let member = shape
                    .member
                    .as_ref()
                    .ok_or_else(|| format!("list {shape_name:?} has no member"))?;
                format!("Vec<{}>", self.rust_type(&member.shape)?)
            }
            "map" => {
                let (Some(k), Some(v)) = (&shape.key, &shape.value) else {
                    return Err(format!("map {shape_name:?} lacks key or value"));
                };
                format!(
                    "HashMap<{}, {}>",
                    self.rust_type(&k.shape)?,
                    self.rust_type(&v.shape)?
                )
            }
            "structure" if shape.document => "rt::Document".to_owned(),
            other => return Err(format!("shape {shape_name:?} has unknown type {other:?}")),
        })
    }

    fn is_sensitive(&self, member: &Member) -> bool {
        self.model
            .shapes
            .get(&member.shape)
            .is_some_and(|s| s.sensitive)
    }

    fn run(&self, paginators: &Paginators) -> Result<Generated, String> {
        let mut counts = BTreeMap::new();
        let mut skipped = Vec::new();
        let mut types = String::from(HEADER);
        types.push_str(
            "//! Every shape of the model: structures as serde structs, string enums with an\n\
             //! `Unknown` variant, errors as structs carrying the service's answer.\n\n\
             #![allow(clippy::all, clippy::pedantic, unused_imports)]\n\n\
             use std::collections::HashMap;\n\n\
             use session_runtime as rt;\n\
             use session_runtime::serde::{Deserialize, Serialize};\n\n",
        );
        let (mut n_structs, mut n_enums, mut n_errors) = (0, 0, 0);
        for (name, shape) in &self.model.shapes {
            let Some(rust) = self.types.type_names.get(name.as_str()) else {
                continue;
            };
            if shape.enum_values.is_some() {
                self.render_enum(&mut types, name, shape, rust);
                n_enums += 1;
            } else if shape.kind == "structure" && shape.union {
                self.render_union(&mut types, name, shape, rust)?;
                n_structs += 1;
            } else if shape.kind == "structure" {
                self.render_struct(&mut types, name, shape, rust)?;
                if shape.exception {
                    n_errors += 1;
                } else {
                    n_structs += 1;
                }
            }
        }
        counts.insert("structures", n_structs);
        counts.insert("enums", n_enums);
        counts.insert("error structures", n_errors);

        let mut ops = String::from(HEADER);
        ops.push_str(
            "//! One request builder, error enum and client method per operation.\n\n\
             #![allow(clippy::all, clippy::pedantic, unused_imports)]\n\n\
             use std::collections::HashMap;\n\n\
             use session_runtime::{self as rt, ModeledError as _, OperationError};\n\
             use session_tower::{Client, ServiceError};\n\n\
             #[allow(unused_imports)]\n\
             use super::types::*;\n\n",
        );
        let _ = &ops; // HashMap may be unused in small models
        let mut n_ops = 0;
        let mut paginated = BTreeSet::new();
        for op in self.model.operations.values() {
            let pager = paginators.pagination.get(&op.name);
            if self.render_operation(&mut ops, op, pager, &mut skipped)? {
                paginated.insert(op.name.clone());
            }
            n_ops += 1;
        }
        let n_pages = paginated.len();
        counts.insert("operations", n_ops);
        counts.insert("paginators", n_pages);

        let schema = self.is_query().then(|| self.render_schema());
        let module = format!(
            "{HEADER}//! Generated from `{}`: every operation and shape of the model.\n\n\
             pub mod operations;\n{}pub mod types;\n",
            self.config.source,
            if schema.is_some() {
                "pub(crate) mod schema;\n"
            } else {
                ""
            }
        );
        Ok(Generated {
            types,
            operations: ops,
            module,
            schema,
            counts,
            skipped,
            paginated,
        })
    }

    fn render_enum(&self, out: &mut String, name: &str, shape: &Shape, rust: &str) {
        let _ = writeln!(out, "session_runtime::string_enum! {{");
        let _ = writeln!(out, "    /// The `{name}` enum.");
        let _ = writeln!(out, "    {rust} {{");
        let mut taken = BTreeSet::new();
        for value in shape.enum_values.iter().flatten() {
            let mut variant = pascal(value);
            if variant == "Unknown" {
                variant.push('_');
            }
            while !taken.insert(variant.clone()) {
                variant.push('_');
            }
            let _ = writeln!(out, "        /// `{value}`");
            let _ = writeln!(out, "        {variant} => {},", lit(value));
        }
        let _ = writeln!(out, "    }}\n}}\n");
    }

    fn render_union(
        &self,
        out: &mut String,
        name: &str,
        shape: &Shape,
        rust: &str,
    ) -> Result<(), String> {
        // Unions always serialize (their variants carry the serde names); the hand-written
        // Deserialize is generated only where one is received.
        let de = self.deserialized.contains(name) || !self.serialized.contains(name);
        let derive = ", Serialize";
        let _ = writeln!(
            out,
            "/// The `{name}` union: exactly one member is set.\n#[derive(Debug, Clone, PartialEq{derive})]\n#[serde(crate = \"session_runtime::serde\")]\npub enum {rust} {{"
        );
        let mut taken = BTreeSet::new();
        let mut arms = String::new();
        for (member_name, member) in &shape.members {
            let mut variant = pascal(member_name);
            if variant == "Unknown" {
                variant.push('_');
            }
            while !taken.insert(variant.clone()) {
                variant.push('_');
            }
            let ty = self.field_type(name, member_name, member)?;
            let with = self.timestamp_with(member, false);
            let _ = writeln!(
                out,
                "    /// `{member_name}`.\n    #[serde(rename = {}{with})]\n    {variant}({ty}),",
                lit(member_name)
            );
            let read = match with
                .strip_prefix(", with = \"")
                .and_then(|w| w.strip_suffix('"'))
            {
                Some(module) => format!("{module}::deserialize(value).map_err(D::Error::custom)?"),
                None => "rt::from_value(value)?".to_owned(),
            };
            let read = if ty.starts_with("Box<") {
                format!("Box::new({read})")
            } else {
                read
            };
            let _ = writeln!(
                arms,
                "            {} => Self::{variant}({read}),",
                lit(member_name)
            );
        }
        let _ = writeln!(
            out,
            "    /// A member this version does not know (as sent).\n    #[serde(untagged)]\n    Unknown(rt::Document),\n}}\n"
        );
        if !de {
            return Ok(());
        }
        let _ = writeln!(
            out,
            "impl<'de> Deserialize<'de> for {rust} {{\n    fn deserialize<D: rt::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        use rt::serde::de::Error as _;\n        let Some((key, value)) = rt::union_entry(d)? else {{\n            return Ok(Self::Unknown(rt::Document::Object(Default::default())));\n        }};\n        Ok(match key.as_str() {{\n{arms}            _ => Self::Unknown(rt::Document::Object([(key, value)].into_iter().collect())),\n        }})\n    }}\n}}\n"
        );
        Ok(())
    }

    /// `, with = "..."` for a member whose wire form serde's defaults do not give: a
    /// timestamp with a non-default format, a float (non-finite values are text).
    fn timestamp_with(&self, member: &Member, optional: bool) -> String {
        let Some(shape) = self.model.shapes.get(&member.shape) else {
            return String::new();
        };
        if shape.kind == "double" || shape.kind == "float" {
            let ty = if shape.kind == "float" { "f32" } else { "f64" };
            let module = if optional {
                format!("{ty}_opt")
            } else {
                format!("{ty}_value")
            };
            return format!(", with = \"rt::float_format::{module}\"");
        }
        if shape.kind != "timestamp" {
            return String::new();
        }
        let format = member
            .timestamp_format
            .as_deref()
            .or(shape.timestamp_format.as_deref());
        let module = match format {
            Some("iso8601") => "iso8601",
            Some("rfc822") => "http_date",
            _ => return String::new(),
        };
        let suffix = if optional { "_opt" } else { "" };
        format!(", with = \"rt::timestamp_format::{module}{suffix}\"")
    }

    fn field_type(
        &self,
        owner: &str,
        member_name: &str,
        member: &Member,
    ) -> Result<String, String> {
        let ty = self.rust_type(&member.shape)?;
        Ok(if self.types.is_boxed(owner, member_name) {
            format!("Box<{ty}>")
        } else {
            ty
        })
    }

    fn render_struct(
        &self,
        out: &mut String,
        name: &str,
        shape: &Shape,
        rust: &str,
    ) -> Result<(), String> {
        let sensitive = shape.members.values().any(|m| self.is_sensitive(m));
        let kind = if shape.exception {
            "error"
        } else {
            "structure"
        };
        let _ = writeln!(
            out,
            "/// The `{name}` {kind}. Every member is optional here; build one with\n/// `{rust} {{ field: Some(..), ..Default::default() }}`."
        );
        let derive_debug = if sensitive { "" } else { "Debug, " };
        let serde = match (
            self.serialized.contains(name),
            self.deserialized.contains(name) || shape.exception,
        ) {
            (true, true) => ", Serialize, Deserialize",
            (true, false) => ", Serialize",
            (false, true) => ", Deserialize",
            // Unused by any operation: still a complete type for users.
            (false, false) => ", Serialize, Deserialize",
        };
        let _ = writeln!(
            out,
            "#[derive({derive_debug}Clone, PartialEq, Default{serde})]\n#[serde(crate = \"session_runtime::serde\")]\npub struct {rust} {{"
        );
        let mut fields = Vec::new();
        for (member_name, member) in &shape.members {
            let field = snake(member_name);
            let ty = self.field_type(name, member_name, member)?;
            let required = shape.required.contains(member_name);
            let _ = writeln!(
                out,
                "    /// `{member_name}`{}.",
                if required { " (required)" } else { "" }
            );
            if member.deprecated {
                let _ = writeln!(out, "    #[deprecated]");
            }
            if self.is_streaming(member) {
                // A streaming body travels beside the serde form, never through it.
                let _ = writeln!(
                    out,
                    "    #[serde(skip)]\n    pub {field}: Option<rt::ByteStream>,"
                );
                fields.push((field, member_name.as_str(), false));
                continue;
            }
            let _ = writeln!(
                out,
                "    #[serde(rename = {}, default, skip_serializing_if = \"Option::is_none\"{})]",
                lit(member_name),
                self.timestamp_with(member, true)
            );
            let _ = writeln!(out, "    pub {field}: Option<{ty}>,");
            fields.push((field, member_name.as_str(), self.is_sensitive(member)));
        }
        if shape.exception {
            let _ = writeln!(
                out,
                "    /// The service's answer: status, code, message, request id.\n    #[serde(skip)]\n    pub meta: session_tower::ServiceError,"
            );
        }
        let _ = writeln!(out, "}}\n");
        if sensitive {
            let _ = writeln!(
                out,
                "impl std::fmt::Debug for {rust} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        let mut d = f.debug_struct({});",
                lit(rust)
            );
            for (field, _, secret) in &fields {
                let shown = field.trim_start_matches("r#");
                if *secret {
                    let _ = writeln!(
                        out,
                        "        d.field({}, &self.{field}.as_ref().map(|_| \"*** redacted ***\"));",
                        lit(shown)
                    );
                } else {
                    let _ = writeln!(out, "        d.field({}, &self.{field});", lit(shown));
                }
            }
            let _ = writeln!(out, "        d.finish_non_exhaustive()\n    }}\n}}\n");
        }
        Ok(())
    }

    /// Returns whether a paginator was generated.
    fn render_operation(
        &self,
        out: &mut String,
        op: &crate::model::Operation,
        pager: Option<&Paginator>,
        skipped: &mut Vec<String>,
    ) -> Result<bool, String> {
        let name = &op.name;
        let method = snake(name);
        let builder = self.free_name(format!("{name}Call"));
        let error = self.free_name(format!("{name}Error"));
        let target = format!(
            "{}.{name}",
            self.model
                .metadata
                .target_prefix
                .as_deref()
                .unwrap_or_default()
        );
        let input_shape = op.input.as_ref().map(|r| r.shape.as_str());
        let output_shape = op.output.as_ref().map(|r| r.shape.as_str());
        let input_ty = match input_shape {
            Some(s) => self.rust_type(s)?,
            None => "rt::Empty".to_owned(),
        };
        let output_ty = match output_shape {
            Some(s) => self.rust_type(s)?,
            None => "rt::Empty".to_owned(),
        };
        let input = input_shape.map(|s| self.shape(s)).transpose()?;
        let required: Vec<&String> = input
            .map(|s| s.required.iter().collect())
            .unwrap_or_default();
        let deprecated = if op.deprecated { "#[deprecated]\n" } else { "" };
        let doc_link = self
            .model
            .metadata
            .uid
            .as_deref()
            .map(|uid| {
                format!(
                    "\n/// [API reference](https://docs.aws.amazon.com/goto/WebAPI/{uid}/{name})"
                )
            })
            .unwrap_or_default();
        let required_doc = if required.is_empty() {
            "none".to_owned()
        } else {
            required
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };

        // Calls behind resource actions carry what their `send` needs to build a resource.
        let generic = self.config.returning.iter().any(|r| r == name);
        let ret_init = if generic { ", ret: ()" } else { "" };
        // The client method.
        let _ = writeln!(
            out,
            "impl crate::{client} {{\n    /// `{name}` (`{m} {uri}`). Required members: {required_doc}.{link}\n    {deprecated}pub fn {method}(&self) -> {builder} {{\n        {builder} {{ client: self.client.clone(), input: Default::default(){ret_init} }}\n    }}\n}}\n",
            client = self.config.client_type,
            m = op.http.method,
            uri = op.http.request_uri,
            link = doc_link.replace('\n', "\n    "),
        );

        // The request builder.
        if generic {
            let _ = writeln!(
                out,
                "/// A `{name}` call being set up: set members, then [`send`]({builder}::send). `R` is\n/// `()` for a plain call; a resource action sets it to the resource that made the call, and\n/// its `send` returns the resource the model names.\n#[derive(Debug, Clone)]\n#[must_use]\npub struct {builder}<R = ()> {{\n    client: Client,\n    input: {input_ty},\n    ret: R,\n}}\n\nimpl<R> {builder}<R> {{\n    /// The same call, made for `ret`.\n    pub(crate) fn returning<T>(self, ret: T) -> {builder}<T> {{\n        {builder} {{ client: self.client, input: self.input, ret }}\n    }}\n\n    /// The plain call, and what it was made for.\n    pub(crate) fn into_plain(self) -> ({builder}, R) {{\n        ({builder} {{ client: self.client, input: self.input, ret: () }}, self.ret)\n    }}\n"
            );
        } else {
            let _ = writeln!(
                out,
                "/// A `{name}` call being set up: set members, then [`send`]({builder}::send).\n#[derive(Debug, Clone)]\n#[must_use]\npub struct {builder} {{\n    client: Client,\n    input: {input_ty},\n}}\n\nimpl {builder} {{"
            );
        }
        if let Some(shape) = input {
            for (member_name, member) in &shape.members {
                let field = snake(member_name);
                let setter = field.clone();
                let ty = if self.is_streaming(member) {
                    "rt::ByteStream".to_owned()
                } else {
                    self.field_type(input_shape.unwrap_or_default(), member_name, member)?
                };
                let (arg, value) = match ty.strip_prefix("Box<").and_then(|t| t.strip_suffix('>')) {
                    Some(inner) => (
                        format!("impl Into<{inner}>"),
                        "Box::new(value.into())".to_owned(),
                    ),
                    None => (format!("impl Into<{ty}>"), "value.into()".to_owned()),
                };
                let dep = if member.deprecated {
                    "    #[deprecated]\n    #[allow(deprecated)]\n"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "    /// Sets `{member_name}`.\n{dep}    pub fn {setter}(mut self, value: {arg}) -> Self {{\n        self.input.{field} = Some({value});\n        self\n    }}\n"
                );
            }
        }
        let _ = writeln!(
            out,
            "    /// The input as set so far.\n    pub fn as_input(&self) -> &{input_ty} {{\n        &self.input\n    }}\n\n    /// Replaces the whole input.\n    pub fn set_input(mut self, input: {input_ty}) -> Self {{\n        self.input = input;\n        self\n    }}\n"
        );
        if generic {
            let _ = writeln!(out, "}}\n\nimpl {builder} {{");
        }
        let _ = writeln!(
            out,
            "    /// Sends the call.\n    ///\n    /// # Errors\n    /// A required member left unset (nothing is sent), the service's error as [`{error}`], or a stack error.\n    pub async fn send(self) -> Result<{output_ty}, OperationError<{error}>> {{"
        );
        let needs_mut = input.is_some_and(|s| {
            s.members
                .values()
                .any(|m| m.idempotency_token || self.is_streaming(m))
        });
        let _ = writeln!(
            out,
            "        let {}input = self.input;",
            if needs_mut { "mut " } else { "" }
        );
        if let Some(shape) = input {
            for r in &required {
                if shape.members.contains_key(r.as_str()) {
                    let _ = writeln!(
                        out,
                        "        if input.{}.is_none() {{\n            return Err(rt::missing_member({}, {}).into());\n        }}",
                        snake(r),
                        lit(name),
                        lit(r)
                    );
                }
            }
            for (member_name, member) in &shape.members {
                if member.idempotency_token {
                    let f = snake(member_name);
                    let _ = writeln!(
                        out,
                        "        if input.{f}.is_none() {{\n            input.{f} = Some(rt::idempotency_token());\n        }}"
                    );
                }
            }
        }
        let host_prefix = match &op.endpoint {
            None => "None".to_owned(),
            Some(e) => {
                let mut args = Vec::new();
                let mut template = String::new();
                let mut rest = e.host_prefix.as_str();
                while let Some(open) = rest.find('{') {
                    template.push_str(&rest[..open]);
                    let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                        format!("{name}: unclosed label in host prefix {:?}", e.host_prefix)
                    })?;
                    let label = &rest[open + 1..close];
                    template.push_str("{}");
                    args.push(format!(
                        "rt::host_label({}, {}, input.{}.as_deref())?",
                        lit(name),
                        lit(label),
                        snake(label)
                    ));
                    rest = &rest[close + 1..];
                }
                template.push_str(rest);
                if args.is_empty() {
                    format!("Some({}.to_owned())", lit(&template))
                } else {
                    format!("Some(format!({}, {}))", lit(&template), args.join(", "))
                }
            }
        };
        if self.is_rest_xml() {
            self.render_rest_call(out, op, input, output_shape, &host_prefix)?;
        } else if self.is_query() {
            let shape_of = |r: Option<&str>| -> Result<String, String> {
                Ok(match r {
                    Some(s) => format!("Some({})", self.shape_id(s)?),
                    None => "None".to_owned(),
                })
            };
            let wrapper = op
                .output
                .as_ref()
                .and_then(|o| o.result_wrapper.as_deref())
                .map_or_else(|| "None".to_owned(), |w| format!("Some({})", lit(w)));
            let _ = writeln!(
                out,
                "        let host_prefix = {host_prefix};\n        const OP: rt::QueryOp = rt::QueryOp {{ name: {}, input: {}, output: {}, result_wrapper: {wrapper} }};\n        let output = rt::query_call(&self.client, &OP, super::schema::SHAPES, &input, host_prefix).await?;\n        {}\n    }}",
                lit(name),
                shape_of(input_shape)?,
                shape_of(output_shape)?,
                self.finish(name)
            );
        } else {
            let _ = writeln!(
                out,
                "        let host_prefix = {host_prefix};\n        let output = rt::json_call(&self.client, {}, {}, &input, host_prefix).await?;\n        {}\n    }}",
                lit(name),
                lit(&target),
                self.finish(name)
            );
        }

        let paged = match (pager, output_shape) {
            (Some(p), Some(out_shape)) => {
                match self.render_paginator(
                    out,
                    op,
                    p,
                    input_shape,
                    out_shape,
                    &output_ty,
                    &error,
                )? {
                    Ok(()) => true,
                    Err(reason) => {
                        skipped.push(format!("paginator {name}: {reason}"));
                        false
                    }
                }
            }
            _ => false,
        };
        let _ = writeln!(out, "}}\n");

        // The error enum.
        let _ = writeln!(
            out,
            "/// The errors `{name}` is modeled to return, and any other the service sends.\n#[derive(Debug)]\n#[non_exhaustive]\npub enum {error} {{"
        );
        let mut variants = Vec::new();
        for e in &op.errors {
            let ty = self.rust_type(&e.shape)?;
            let _ = writeln!(out, "    /// `{}`\n    {ty}({ty}),", e.shape);
            variants.push((e.shape.clone(), ty));
        }
        let _ = writeln!(
            out,
            "    /// An error the model does not list for this operation.\n    Unhandled(ServiceError),\n}}\n"
        );
        let _ = writeln!(
            out,
            "impl rt::ModeledError for {error} {{\n    fn from_service_error(service: ServiceError) -> Self {{\n        match service.code() {{"
        );
        for (code, ty) in &variants {
            let parse = if self.is_query() {
                format!(
                    "rt::parse_xml_error(super::schema::SHAPES, {}, &service)",
                    self.shape_id(code)?
                )
            } else {
                "rt::parse_lenient(service.body())".to_owned()
            };
            let _ = writeln!(
                out,
                "            Some({}) => Self::{ty}({ty} {{ meta: service.clone(), ..{parse} }}),",
                lit(code)
            );
            // A modeled error may carry its own code (`error.code` in the model).
            if let Some(custom) = self
                .model
                .shapes
                .get(code.as_str())
                .and_then(|s| s.error_code())
                .filter(|c| c != code)
            {
                let _ = writeln!(
                    out,
                    "            Some({}) => Self::{ty}({ty} {{ meta: service.clone(), ..{parse} }}),",
                    lit(custom)
                );
            }
        }
        let _ = writeln!(
            out,
            "            _ => Self::Unhandled(service),\n        }}\n    }}\n\n    fn service_error(&self) -> &ServiceError {{\n        match self {{"
        );
        for (_, ty) in &variants {
            let _ = writeln!(out, "            Self::{ty}(e) => &e.meta,");
        }
        let _ = writeln!(
            out,
            "            Self::Unhandled(e) => e,\n        }}\n    }}\n}}\n\nimpl std::fmt::Display for {error} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        std::fmt::Display::fmt(self.service_error(), f)\n    }}\n}}\n\nimpl std::error::Error for {error} {{}}\n"
        );
        Ok(paged)
    }

    /// The paginator of an operation, or why it is left out.
    #[allow(clippy::too_many_arguments)]
    fn render_paginator(
        &self,
        out: &mut String,
        op: &crate::model::Operation,
        p: &Paginator,
        input_shape: Option<&str>,
        output_shape: &str,
        output_ty: &str,
        error: &str,
    ) -> Result<Result<(), String>, String> {
        // Tokens: one, or several passed together (S3's KeyMarker + VersionIdMarker).
        let tokens = |v: &serde_json::Value| -> Vec<String> {
            match v {
                serde_json::Value::String(t) => vec![t.clone()],
                serde_json::Value::Array(ts) => ts
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (in_toks, out_toks) = (tokens(&p.input_token), tokens(&p.output_token));
        if in_toks.is_empty() || in_toks.len() != out_toks.len() {
            return Ok(Err("input and output tokens do not pair up".into()));
        }
        let (in_tok, out_tok) = (in_toks.join(", "), out_toks.join(", "));
        let Some(input_shape) = input_shape else {
            return Ok(Err("no input".into()));
        };
        let input = self.shape(input_shape)?;
        let output = self.shape(output_shape)?;
        let find = |shape: &'a Shape, wanted: &str| -> Option<(&'a String, &'a Member)> {
            shape
                .members
                .iter()
                .find(|(n, _)| n.as_str() == wanted)
                .or_else(|| {
                    shape
                        .members
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(wanted))
                })
        };
        // Per token: the input field, and the expression reading the next value.
        let mut in_fields = Vec::new();
        let mut nexts = Vec::new();
        for (in_t, out_t) in in_toks.iter().zip(&out_toks) {
            // `A || B[-1].C` (S3 ListObjects): the next token is `A`, else the last item's `C`.
            let (out_t, fallback) = match out_t.split_once(" || ") {
                Some((first, rest)) => {
                    let parsed = rest.split_once("[-1].").filter(|(list, field)| {
                        !list.contains(['.', '[']) && !field.contains(['.', '['])
                    });
                    match parsed {
                        Some(pair) => (first, Some(pair)),
                        None => return Ok(Err(format!("an output token expression {out_t:?}"))),
                    }
                }
                None => (out_t.as_str(), None),
            };
            if out_t.contains('.') {
                return Ok(Err("a nested output token".into()));
            }
            let Some((in_name, in_member)) = find(input, in_t) else {
                return Ok(Err(format!("no input member {in_t}")));
            };
            let Some((out_name, out_member)) = find(output, out_t) else {
                return Ok(Err(format!("no output member {out_t}")));
            };
            let in_ty = self.rust_type(&in_member.shape)?;
            let out_ty = self.rust_type(&out_member.shape)?;
            if in_ty != out_ty {
                return Ok(Err(format!("token types differ ({in_ty} vs {out_ty})")));
            }
            let mut next = format!("output.{}.clone()", snake(out_name));
            if let Some((list, field)) = fallback {
                let Some((list_name, _)) = find(output, list) else {
                    return Ok(Err(format!("no output member {list}")));
                };
                next = format!(
                    "{next}.or_else(|| output.{}.as_ref().and_then(|v| v.last()).and_then(|i| i.{}.clone()))",
                    snake(list_name),
                    snake(field)
                );
            }
            in_fields.push(snake(in_name));
            nexts.push(next);
        }
        // Items: the first result key that is a list; otherwise each page is one item.
        let result_key = match &p.result_key {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Array(keys)) => {
                keys.first().and_then(|k| k.as_str()).map(str::to_owned)
            }
            _ => None,
        };
        let items = result_key
            .as_deref()
            .and_then(|k| find(output, k))
            .and_then(|(n, m)| {
                let ty = self.rust_type(&m.shape).ok()?;
                let inner = ty.strip_prefix("Vec<")?.strip_suffix('>')?.to_owned();
                Some((snake(n), inner))
            });
        let (items_fn, item_ty) = match &items {
            Some((field, inner)) => (format!("|o| o.{field}.unwrap_or_default()"), inner.clone()),
            None => ("|o| vec![o]".to_owned(), output_ty.to_owned()),
        };
        // Several tokens travel as a tuple: the next page exists while any is set.
        let (set_token, mut next) = if in_fields.len() == 1 {
            (
                format!("|input, token| input.{} = token", in_fields[0]),
                nexts[0].clone(),
            )
        } else {
            let names: Vec<String> = (0..in_fields.len()).map(|i| format!("t{i}")).collect();
            let sets: String = in_fields
                .iter()
                .zip(&names)
                .map(|(f, n)| format!("input.{f} = {n}; "))
                .collect();
            (
                format!(
                    "|input, token| if let Some(({})) = token {{ {sets}}}",
                    names.join(", ")
                ),
                format!(
                    "{{ let next = ({}); if {} {{ None }} else {{ Some(next) }} }}",
                    nexts.join(", "),
                    (0..nexts.len())
                        .map(|i| format!("next.{i}.is_none()"))
                        .collect::<Vec<_>>()
                        .join(" && ")
                ),
            )
        };
        // Where the model says which member tells whether more pages follow, trust it.
        if let Some((mr, _)) = p.more_results.as_deref().and_then(|m| find(output, m)) {
            next = format!(
                "if output.{} == Some(true) {{ {next} }} else {{ None }}",
                snake(mr)
            );
        }
        let builder = self.free_name(format!("{}Call", op.name));
        let ret_init = if self.config.returning.contains(&op.name) {
            ", ret: ()"
        } else {
            ""
        };
        let limit = p
            .limit_key
            .as_deref()
            .map(|k| format!(" The page size is set with `{k}`."))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n    /// Every page of the results, as a stream: pass `{in_tok}` from each page's `{out_tok}`.{limit}\n    pub fn into_paginator(self) -> rt::Paginator<{output_ty}, {error}, {item_ty}> {{\n        let client = self.client;\n        rt::Paginator::new(\n            self.input,\n            {set_token},\n            |output: &{output_ty}| {next},\n            move |input| {{\n                let call = {builder} {{ client: client.clone(), input{ret_init} }};\n                Box::pin(call.send())\n            }},\n            {items_fn},\n        )\n    }}"
        );
        Ok(Ok(()))
    }
}

/// Shapes that become a Rust type of their own: structures (not documents) and string
/// enums.
fn is_named_type(shape: &Shape) -> bool {
    (shape.kind == "structure" && !shape.document)
        || (shape.kind == "string" && shape.enum_values.is_some())
}
