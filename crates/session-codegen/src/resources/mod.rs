//! Resources (boto3's `resources-1.json`): typed handles made of their identifiers, with
//! the model's `load`, sub-resources (`has`), actions (returning resources where the model
//! says so), batch actions, waiters and collections, over the generated clients.
//!
//! One file per element kind: `params` turns a request's parameter list into builder
//! calls, `paths` turns response paths into Rust expressions, `node` renders a resource
//! type, `actions` its actions, `has` and waiters, `collections` its `hasMany`, `batch`
//! its batch actions, and `describe` the static description the CLI prints.

mod actions;
mod batch;
mod collections;
mod describe;
mod node;
mod params;
mod paths;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::Model;
use crate::names::{pascal, snake};
use crate::render::RustTypes;
use crate::waiters::Waiters;

pub use describe::Description;

/// Generated resources and what was left out.
#[derive(Debug)]
pub struct RenderedResources {
    /// `generated/resources.rs`.
    pub source: String,
    /// Counts per element kind (the service resource's own elements are counted apart, as
    /// `service ...`).
    pub counts: BTreeMap<String, usize>,
    /// Elements not generated, with the reason.
    pub skipped: Vec<String>,
    /// What was generated, element by element.
    pub description: Description,
}

/// The operations behind actions that return resources: their call types take the
/// parameter the resource's `send` hangs off (see `ServiceConfig::returning`).
pub fn returning_operations(resources: &Value) -> Vec<String> {
    let mut ops = BTreeSet::new();
    let mut nodes: Vec<&Value> = vec![&resources["service"]];
    nodes.extend(
        resources["resources"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values()),
    );
    for node in nodes {
        for action in node["actions"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            if action.get("resource").is_some() {
                if let Some(op) = action["request"]["operation"].as_str() {
                    ops.insert(op.to_owned());
                }
            }
        }
    }
    ops.into_iter().collect()
}

/// The type of an identifier: a string, or an integer (`"type": "integer"`, S3's
/// `PartNumber`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdType {
    Str,
    Int,
}

impl IdType {
    fn rust(self) -> &'static str {
        match self {
            IdType::Str => "String",
            IdType::Int => "i32",
        }
    }
}

/// One identifier of a resource.
#[derive(Debug, Clone)]
pub(crate) struct Ident {
    /// The model's name (`BucketName`).
    pub(crate) name: String,
    /// The Rust field (`bucket_name`).
    pub(crate) field: String,
    pub(crate) ty: IdType,
}

impl Ident {
    /// An owned copy of the identifier of the handle `recv` (`self`, `owner`, `r`).
    pub(crate) fn read(&self, recv: &str) -> String {
        match self.ty {
            IdType::Str => format!("{recv}.{}.clone()", self.field),
            IdType::Int => format!("{recv}.{}", self.field),
        }
    }
}

/// The resource (or service resource) whose elements are being rendered.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    /// The model's name, or `service`.
    pub(crate) name: String,
    /// The Rust type (`Bucket`, `ServiceResource`).
    pub(crate) ty: String,
    pub(crate) ids: Vec<Ident>,
    /// The data shape and its Rust type, for resources that have one.
    pub(crate) data: Option<(String, String)>,
}

impl Owner {
    pub(crate) fn ident(&self, name: &str) -> Option<&Ident> {
        self.ids.iter().find(|i| i.name == name)
    }

    pub(crate) fn is_service(&self) -> bool {
        self.name == "service"
    }
}

/// Shared state of one service's rendering.
pub(crate) struct Ctx<'a> {
    pub(crate) model: &'a Model,
    pub(crate) types: RustTypes,
    pub(crate) client: &'a str,
    /// The resource models, by name.
    pub(crate) resources: serde_json::Map<String, Value>,
    /// Waiter name → the operation it polls.
    pub(crate) waiters: BTreeMap<String, String>,
    /// Operations with a generated `into_paginator`.
    pub(crate) paginated: BTreeSet<String>,
    /// Limit members of paginated operations (`MaxKeys`).
    pub(crate) limit_keys: BTreeMap<String, String>,
    pub(crate) skipped: Vec<String>,
    pub(crate) counts: BTreeMap<String, usize>,
    /// Items rendered after the types (collection types, `send` impls, batch traits).
    pub(crate) extra: String,
    pub(crate) description: Description,
    /// Collections rendered so far, for their batch actions.
    pub(crate) collections: Vec<collections::CollectionInfo>,
    /// Batch actions rendered so far.
    pub(crate) batches: Vec<batch::BatchInfo>,
}

impl Ctx<'_> {
    /// Counts one generated element of `kind` for `owner`.
    pub(crate) fn count(&mut self, owner: &Owner, kind: &str) {
        let key = if owner.is_service() {
            format!("service {kind}")
        } else {
            kind.to_owned()
        };
        *self.counts.entry(key).or_default() += 1;
    }

    /// The identifiers of resource `name` with their types.
    pub(crate) fn idents_of(&self, name: &str) -> Vec<Ident> {
        self.resources
            .get(name)
            .and_then(|r| r["identifiers"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|i| {
                let name = i["name"].as_str()?.to_owned();
                let ty = if i["type"].as_str() == Some("integer") {
                    IdType::Int
                } else {
                    IdType::Str
                };
                Some(Ident {
                    field: snake(&name),
                    name,
                    ty,
                })
            })
            .collect()
    }

    /// The data shape of resource `name`, and its Rust type.
    pub(crate) fn data_of(&self, name: &str) -> Option<(String, String)> {
        let shape = self.resources.get(name)?["shape"].as_str()?;
        let ty = self.types.name(shape).ok()?;
        Some((shape.to_owned(), format!("super::types::{ty}")))
    }

    /// The operation's input shape name.
    pub(crate) fn input_shape(&self, operation: &str) -> Option<&str> {
        self.model
            .operations
            .get(operation)?
            .input
            .as_ref()
            .map(|r| r.shape.as_str())
    }

    /// The operation's output shape name.
    pub(crate) fn output_shape(&self, operation: &str) -> Option<&str> {
        self.model
            .operations
            .get(operation)?
            .output
            .as_ref()
            .map(|r| r.shape.as_str())
    }

    /// The Rust type of the operation's output.
    pub(crate) fn output_ty(&self, operation: &str) -> String {
        self.output_shape(operation)
            .and_then(|s| self.types.name(s).ok())
            .map_or_else(|| "rt::Empty".to_owned(), |t| format!("super::types::{t}"))
    }
}

/// Renders the resources of `resources` (the parsed `resources-1.json`).
///
/// `paginated` names the operations that have a generated paginator, `waiters` is the
/// service's waiter model, where it has one.
///
/// # Errors
/// A resource model that does not parse as expected.
pub fn render_resources(
    model: &Model,
    paginators: &crate::model::Paginators,
    paginated: &BTreeSet<String>,
    waiters: Option<&Waiters>,
    resources: &Value,
    client: &str,
) -> Result<RenderedResources, String> {
    let all = resources
        .get("resources")
        .and_then(Value::as_object)
        .ok_or("the resource model has no resources")?;
    let mut cx = Ctx {
        model,
        types: RustTypes::new(model),
        client,
        resources: all.clone(),
        waiters: waiters
            .map(|w| {
                w.waiters
                    .iter()
                    .map(|(n, w)| (n.clone(), w.operation.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        paginated: paginated.clone(),
        limit_keys: paginators
            .pagination
            .iter()
            .filter_map(|(op, p)| Some((op.clone(), p.limit_key.clone()?)))
            .collect(),
        skipped: Vec::new(),
        counts: BTreeMap::new(),
        extra: String::new(),
        description: Description::default(),
        collections: Vec::new(),
        batches: Vec::new(),
    };
    let mut out = String::from(
        "// @generated by session-codegen from the resource model. Do not edit.\n\
         //! Resources: handles made of their identifiers, over the generated client (boto3's\n\
         //! `session.resource(...)`). A handle is cheap to clone, shareable across tasks, and\n\
         //! makes no call until an action or `load` is awaited.\n\n\
         #![allow(clippy::all, clippy::pedantic, unused_imports, unused_mut, unused_variables, deprecated)]\n\n\
         use std::sync::Arc;\n\n\
         use session_runtime::{self as rt, OperationError};\n\n",
    );
    let service = resources.get("service").cloned().unwrap_or(Value::Null);
    node::render_service(&mut cx, &service, &mut out)?;
    for (name, r) in all {
        node::render_resource(&mut cx, name, r, &mut out)?;
    }
    batch::render_collection_methods(&mut cx);
    out.push_str(&std::mem::take(&mut cx.extra));
    describe::render(&cx.description, &mut out);
    let _ = paginators;
    Ok(RenderedResources {
        source: out,
        counts: cx.counts,
        skipped: cx.skipped,
        description: cx.description,
    })
}

/// The named elements of one kind (`actions`, `hasMany`, ...) of a resource node.
pub(crate) fn elements<'v>(
    node: &'v Value,
    kind: &str,
) -> impl Iterator<Item = (&'v String, &'v Value)> {
    node.get(kind)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// A `request` element's operation and the builder calls setting its parameters.
pub(crate) fn request_setters(
    cx: &Ctx<'_>,
    request: &Value,
    owner: &Owner,
    recv: &str,
) -> Result<(String, String), String> {
    let op = request["operation"].as_str().ok_or("no operation")?;
    let params: Vec<Value> = request["params"].as_array().cloned().unwrap_or_default();
    let setters = params::setters(cx, op, &params, owner, recv)?;
    Ok((op.to_owned(), setters))
}

/// A method name not yet taken on a type (the model's names can collide once in snake
/// case, e.g. an action and a `has` both called `Acl`).
pub(crate) fn free_method(taken: &mut BTreeSet<String>, name: &str) -> String {
    let mut method = snake(name);
    while !taken.insert(method.clone()) {
        method.push('_');
    }
    method
}

/// The Rust type of resource `name`.
pub(crate) fn resource_ty(name: &str) -> String {
    pascal(name)
}
