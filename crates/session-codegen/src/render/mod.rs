//! Rust source for a model: `tables.rs` (the shape tables the runtime reads), `types.rs`
//! (every shape as a Rust type) and `operations.rs` (a request builder, an error enum and a
//! client method per operation, each a few lines over the runtime's macros).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use session_runtime::shapes::Service;

use crate::model::{Member, Model, Paginator, Paginators, Shape};
use crate::names::{lit, pascal, snake};

mod operations;
mod rust_types;
mod tables;
mod types;

use rust_types::reachable;
pub use rust_types::RustTypes;

/// What the generator needs to know beyond the model.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The hand-written client type the operations hang off, e.g. `DynamoDbClient`. It must
    /// have a `client: session_tower::Client` field visible to the crate.
    pub client_type: String,
    /// botocore's name of the service (`s3`, `lambda`), for the tables.
    pub service_name: String,
    /// The path of the generated tables module as the operations see it
    /// (`crate::generated::tables`).
    pub tables_path: String,
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
    /// The protocol to speak by botocore's name (one of the model's), when not its first.
    pub protocol: Option<String>,
}

/// Generated source files (unformatted).
#[derive(Debug, Clone)]
pub struct Generated {
    /// `generated/types.rs` (or `types/mod.rs` when sharded).
    pub types: String,
    /// `generated/operations.rs` (or `operations/mod.rs` when sharded).
    pub operations: String,
    /// The parts of sharded services (`types/part_01.rs`, ...), relative to `generated/`;
    /// empty for the others.
    pub parts: Vec<(String, String)>,
    /// `generated/mod.rs`.
    pub module: String,
    /// `generated/tables.rs`.
    pub tables: String,
    /// Counts for the closing note: operations, structures, enums, paginators.
    pub counts: BTreeMap<&'static str, usize>,
    /// Things the generator left out, with the reason.
    pub skipped: Vec<String>,
    /// Operations whose call has an `into_paginator`.
    pub paginated: BTreeSet<String>,
}

/// Generates the code of `model`; `model_json` is its text, from which the runtime builds
/// the tables.
///
/// # Errors
/// A model this generator or the runtime cannot handle (no protocol the runtime speaks, a
/// shape it does not know), with the shape or operation named.
pub fn generate(
    model: &Model,
    model_json: &str,
    paginators: &Paginators,
    config: &ServiceConfig,
) -> Result<Generated, String> {
    let mut options = session_runtime::model::Options::default();
    if let Some(name) = &config.protocol {
        options = options.protocol(runtime_protocol(name, model)?);
    }
    let service = session_runtime::model::build(&config.service_name, model_json, &options)
        .map_err(|e| e.to_string())?;
    let g = Gen::new(model, service, config);
    g.run(paginators)
}

/// The runtime's protocol of botocore's name `name`.
fn runtime_protocol(
    name: &str,
    model: &Model,
) -> Result<session_runtime::shapes::Protocol, String> {
    use session_runtime::shapes::Protocol;
    Ok(match name {
        "json" if model.metadata.json_version.as_deref() == Some("1.1") => Protocol::Json11,
        "json" => Protocol::Json10,
        "query" => Protocol::Query,
        "ec2" => Protocol::Ec2,
        "rest-xml" => Protocol::RestXml,
        "rest-json" => Protocol::RestJson,
        "smithy-rpc-v2-cbor" => Protocol::Cbor,
        other => return Err(format!("protocol {other:?} is not one the runtime knows")),
    })
}

struct Gen<'a> {
    model: &'a Model,
    /// The runtime's tables of the model.
    service: &'static Service,
    /// Shape ids in the tables, by name.
    ids: HashMap<&'static str, u32>,
    config: &'a ServiceConfig,
    types: RustTypes,
    /// Shapes that are sent (inputs) or inspected as values (waiter outputs): they
    /// serialize.
    serialized: BTreeSet<String>,
    /// Shapes that are received (outputs, errors): they deserialize. Deriving only what
    /// is used keeps the generated crates quicker to compile.
    deserialized: BTreeSet<String>,
}

const HEADER: &str =
    "// @generated by session-codegen. Do not edit: change the generator or the model.\n";

impl<'a> Gen<'a> {
    fn new(model: &'a Model, service: &'static Service, config: &'a ServiceConfig) -> Self {
        let mut g = Self::sets(model, service, config);
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

    fn sets(model: &'a Model, service: &'static Service, config: &'a ServiceConfig) -> Self {
        let ids = service
            .shapes
            .iter()
            .zip(0u32..)
            .map(|(s, i)| (s.name, i))
            .collect();
        Self {
            model,
            service,
            ids,
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

    /// A streaming blob or event stream member (held as a `ByteStream`, outside serde).
    fn is_streaming(&self, member: &Member) -> bool {
        member.streaming
            || self
                .model
                .shapes
                .get(&member.shape)
                .is_some_and(|s| s.streaming || s.eventstream)
    }

    /// A shape's index in the tables.
    fn shape_id(&self, name: &str) -> Result<u32, String> {
        self.ids
            .get(name)
            .copied()
            .ok_or_else(|| format!("shape {name:?} is not in the tables"))
    }

    /// An operation's index in the tables.
    fn operation_index(&self, name: &str) -> Result<usize, String> {
        self.service
            .operations
            .iter()
            .position(|o| o.name == name)
            .ok_or_else(|| format!("operation {name:?} is not in the tables"))
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
        // Each shape's and each operation's code is one item; small services get one file
        // of each, large ones parts of bounded size (see `Sharded`).
        let mut type_items = Vec::new();
        let (mut n_structs, mut n_enums, mut n_errors) = (0, 0, 0);
        for (name, shape) in &self.model.shapes {
            let Some(rust) = self.types.type_names.get(name.as_str()) else {
                continue;
            };
            let mut item = String::new();
            if shape.enum_values.is_some() {
                self.render_enum(&mut item, name, shape, rust);
                n_enums += 1;
            } else if shape.kind == "structure" && shape.union {
                self.render_union(&mut item, name, shape, rust)?;
                n_structs += 1;
            } else if shape.kind == "structure" {
                self.render_struct(&mut item, name, shape, rust)?;
                if shape.exception {
                    n_errors += 1;
                } else {
                    n_structs += 1;
                }
            }
            type_items.push(item);
        }
        counts.insert("structures", n_structs);
        counts.insert("enums", n_enums);
        counts.insert("error structures", n_errors);

        let mut op_items = Vec::new();
        let mut paginated = BTreeSet::new();
        for op in self.model.operations.values() {
            let pager = paginators.pagination.get(&op.name);
            let (mut item, mut method) = (String::new(), String::new());
            if self.render_operation(&mut item, &mut method, op, pager, &mut skipped)? {
                paginated.insert(op.name.clone());
            }
            op_items.push((item, method));
        }
        let n_ops = op_items.len();
        let n_pages = paginated.len();
        counts.insert("operations", n_ops);
        counts.insert("paginators", n_pages);

        let client = &self.config.client_type;
        let sharded = n_ops > SHARD_ABOVE_OPERATIONS;
        let (types, operations, parts) = if sharded {
            shard(&type_items, &op_items, client)
        } else {
            let types = format!("{HEADER}{TYPES_DOC}{TYPES_PRELUDE}{}", type_items.concat());
            let (items, methods): (Vec<_>, Vec<_>) = op_items.into_iter().unzip();
            let operations = format!(
                "{HEADER}{OPS_DOC}{OPS_PRELUDE}use super::types::*;\n\n{}impl crate::{client} {{\n{}}}\n",
                items.concat(),
                methods.concat()
            );
            (types, operations, Vec::new())
        };

        let tables = tables::render_tables(self.service, HEADER);
        let module = format!(
            "{HEADER}//! Generated from `{}`: every operation and shape of the model.\n\n\
             pub mod operations;\npub(crate) mod tables;\npub mod types;\n",
            self.config.source,
        );
        Ok(Generated {
            types,
            operations,
            parts,
            module,
            tables,
            counts,
            skipped,
            paginated,
        })
    }
}

/// Services with more operations than this have their types and operations split into
/// parts (`types/part_NN.rs`, `operations/part_NN.rs`): rustc then splits the crate into
/// codegen units along them, and no file is enormous (EC2: 800 operations).
pub(crate) const SHARD_ABOVE_OPERATIONS: usize = 150;
/// Shapes per part of `types/`.
const SHAPES_PER_PART: usize = 200;
/// Operations per part of `operations/`.
const OPERATIONS_PER_PART: usize = 50;

const TYPES_DOC: &str =
    "//! Every shape of the model: structures as serde structs, string enums with an\n\
    //! `Unknown` variant, errors as structs carrying the service's answer.\n\n";
const TYPES_PRELUDE: &str = "#![allow(clippy::all, clippy::pedantic, unused_imports)]\n\n\
    use std::collections::HashMap;\n\n\
    use session_runtime as rt;\n\
    use session_runtime::serde::{Deserialize, Serialize};\n\n";
const OPS_DOC: &str = "//! One request builder, error enum and client method per operation.\n\n";
const OPS_PRELUDE: &str = "#![allow(clippy::all, clippy::pedantic, unused_imports)]\n\n\
    use std::collections::HashMap;\n\n\
    use session_runtime::{self as rt, OperationError};\n\n\
    #[allow(unused_imports)]\n";

/// `types/mod.rs`, `operations/mod.rs` and their parts (paths relative to `generated/`).
fn shard(
    type_items: &[String],
    op_items: &[(String, String)],
    client: &str,
) -> (String, String, Vec<(String, String)>) {
    let mut parts = Vec::new();
    let type_chunks: Vec<&[String]> = type_items.chunks(SHAPES_PER_PART).collect();
    let mut types = format!(
        "{HEADER}{TYPES_DOC}//! In {} parts of at most {SHAPES_PER_PART} shapes, so they compile in parallel.\n\n",
        type_chunks.len()
    );
    for (i, chunk) in type_chunks.iter().enumerate() {
        let part = format!("part_{:02}", i + 1);
        let _ = writeln!(types, "mod {part};\npub use {part}::*;");
        parts.push((
            format!("types/{part}.rs"),
            format!(
                "{HEADER}//! Shapes, part {} of {}.\n\n{TYPES_PRELUDE}#[allow(unused_imports)]\nuse super::*;\n\n{}",
                i + 1,
                type_chunks.len(),
                chunk.concat()
            ),
        ));
    }
    let op_chunks: Vec<&[(String, String)]> = op_items.chunks(OPERATIONS_PER_PART).collect();
    let mut operations = format!(
        "{HEADER}{OPS_DOC}//! In {} parts of at most {OPERATIONS_PER_PART} operations, so they compile in parallel.\n\n",
        op_chunks.len()
    );
    for (i, chunk) in op_chunks.iter().enumerate() {
        let part = format!("part_{:02}", i + 1);
        let _ = writeln!(operations, "mod {part};\npub use {part}::*;");
        let (items, methods): (Vec<&str>, Vec<&str>) =
            chunk.iter().map(|(a, b)| (a.as_str(), b.as_str())).unzip();
        parts.push((
            format!("operations/{part}.rs"),
            format!(
                "{HEADER}//! Operations, part {} of {}.\n\n{OPS_PRELUDE}use super::super::types::*;\n#[allow(unused_imports)]\nuse super::*;\n\n{}impl crate::{client} {{\n{}}}\n",
                i + 1,
                op_chunks.len(),
                items.concat(),
                methods.concat()
            ),
        ));
    }
    (types, operations, parts)
}

/// Shapes that become a Rust type of their own: structures (not documents) and string
/// enums.
fn is_named_type(shape: &Shape) -> bool {
    (shape.kind == "structure" && !shape.document)
        || (shape.kind == "string" && shape.enum_values.is_some())
}
