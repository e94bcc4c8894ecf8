//! Batch actions (`batchActions`): one operation for many resources of a type — boto3's
//! `bucket.objects.delete()`. Generated as a trait on slices of the resource (so a
//! `Vec<Message>` from `receive_messages` can be deleted in one go) and as a method on every
//! collection of it. Items are grouped by the request members they must share and sent in
//! chunks of the operation's limit; per-item failures are counted, never dropped.

use std::fmt::Write as _;

use serde_json::Value;

use super::describe::NodeDesc;
use super::params::{self, list_member, member_shape};
use super::{Ctx, IdType, Owner};
use crate::names::{lit, snake};

/// A generated batch action, for the collection methods rendered at the end.
#[derive(Debug, Clone)]
pub(crate) struct BatchInfo {
    /// The listed resource's model name.
    pub(crate) target: String,
    /// The slice trait (`ObjectSummaryBatchActions`).
    pub(crate) trait_name: String,
    pub(crate) method: String,
    pub(crate) action: String,
    pub(crate) op: String,
    pub(crate) max: usize,
}

/// The most items one call of `op` takes, from the service documentation.
fn limit_of(op: &str) -> Option<usize> {
    match op {
        "DeleteObjects" => Some(1000),
        "DeleteMessageBatch" | "ChangeMessageVisibilityBatch" | "SendMessageBatch" => Some(10),
        "BatchWriteItem" => Some(25),
        _ => None,
    }
}

pub(crate) fn render(cx: &mut Ctx<'_>, owner: &Owner, r: &Value, desc: &mut NodeDesc) {
    let trait_name = format!("{}BatchActions", owner.ty);
    let mut methods = String::new();
    let mut impls = String::new();
    for (name, a) in super::elements(r, "batchActions") {
        match render_one(cx, owner, name, a, &trait_name) {
            Ok((decl, body, info)) => {
                methods.push_str(&decl);
                impls.push_str(&body);
                cx.batches.push(info);
                desc.batch_actions.push(name.clone());
                cx.count(owner, "batch actions");
            }
            Err(why) => cx
                .skipped
                .push(format!("{}.batchActions.{name}: {why}", owner.name)),
        }
    }
    if methods.is_empty() {
        return;
    }
    let ty = &owner.ty;
    let _ = writeln!(
        cx.extra,
        "/// Batch actions on many `{ty}` handles at once (boto3 offers them on collections; here\n/// they also work on any slice, e.g. a `Vec<{ty}>`). Items are grouped by the members one call\n/// must share and sent in chunks the operation accepts, one call after another.\npub trait {trait_name} {{\n{methods}}}\n\nimpl {trait_name} for [{ty}] {{\n{impls}}}\n"
    );
}

/// The trait method declaration, its implementation, and what to remember.
fn render_one(
    cx: &Ctx<'_>,
    owner: &Owner,
    name: &str,
    a: &Value,
    trait_name: &str,
) -> Result<(String, String, BatchInfo), String> {
    let op = a["request"]["operation"]
        .as_str()
        .ok_or("no operation")?
        .to_owned();
    let max = limit_of(&op).ok_or_else(|| format!("no known item limit for {op}"))?;
    let input = cx.input_shape(&op).ok_or("no input")?.to_owned();
    let mut scalars = Vec::new();
    let mut container: Option<String> = None;
    let mut entry_fields: Vec<(String, &Value)> = Vec::new();
    for p in a["request"]["params"].as_array().into_iter().flatten() {
        let target = p["target"].as_str().ok_or("a parameter without target")?;
        let split = target
            .split_once("[*].")
            .or_else(|| target.split_once("[]."));
        match split {
            Some((list, field)) => {
                if field.contains(['.', '[']) {
                    return Err(format!("entry member path {field}"));
                }
                match &container {
                    Some(c) if c != list => return Err("entries in two lists".into()),
                    _ => container = Some(list.to_owned()),
                }
                entry_fields.push((field.to_owned(), p));
            }
            None => scalars.push(p.clone()),
        }
    }
    let container = container.ok_or("no list of entries")?;
    // The shared members, read from the chunk's first item; and the grouping key.
    let setters = params::setters(cx, &op, &scalars, owner, "head")?;
    let mut key = Vec::new();
    for p in &scalars {
        if let Some(id) = p["name"].as_str().and_then(|n| owner.ident(n)) {
            key.push(match id.ty {
                IdType::Str => format!("r.{}.clone()", id.field),
                IdType::Int => format!("r.{}.to_string()", id.field),
            });
        }
    }
    // Walk to the list: each segment a member of the one before.
    let segments: Vec<&str> = container.split('.').collect();
    let mut shapes = vec![input.clone()];
    for seg in &segments {
        let next = member_shape(cx, shapes.last().ok_or("no shape")?, seg)?;
        shapes.push(next);
    }
    let list_shape = shapes.last().ok_or("no list")?.clone();
    let elem_shape = list_member(cx, &list_shape)?;
    let elem_ty = cx.types.name(&elem_shape)?;
    let mut fields = String::new();
    for (field, p) in &entry_fields {
        let m = member_shape(cx, &elem_shape, field)?;
        let kind = cx.model.shapes.get(&m).map(|s| s.kind.clone());
        let value = match p["source"].as_str() {
            Some("identifier") => {
                let n = p["name"].as_str().ok_or("identifier without name")?;
                let id = owner
                    .ident(n)
                    .ok_or_else(|| format!("unknown identifier {n}"))?;
                match (kind.as_deref(), id.ty) {
                    (Some("string"), IdType::Str) | (Some("integer"), IdType::Int) => {
                        format!("Some({})", id.read("r"))
                    }
                    _ => return Err(format!("identifier {n} into entry member {field}")),
                }
            }
            Some("data") => {
                let path = p["path"].as_str().ok_or("data without path")?;
                let (shape, _) = owner.data.as_ref().ok_or("data source without data")?;
                let (e, _) = super::paths::singular(cx, shape, "d", path)?;
                let read = format!("r.data.as_ref().and_then(|d| {e})");
                if field == "Id" {
                    // The entry id only pairs entries with results: a handle without the
                    // data uses its position in the call.
                    format!("Some({read}.unwrap_or_else(|| i.to_string()))")
                } else {
                    read
                }
            }
            Some("string") => {
                let v = p["value"].as_str().ok_or("string without value")?;
                format!("Some({}.to_owned())", lit(v))
            }
            other => return Err(format!("entry source {other:?}")),
        };
        let _ = write!(fields, "{}: {value}, ", snake(field));
    }
    let mut value = format!(
        "chunk.iter().enumerate().map(|(i, r)| super::types::{elem_ty} {{ {fields}..Default::default() }}).collect::<Vec<_>>()"
    );
    // Wrap the list in the structures above it, innermost first.
    for depth in (1..segments.len()).rev() {
        let holder = &shapes[depth];
        let ty = cx.types.name(holder)?;
        let inner = cx.types.wrap(holder, segments[depth], value);
        value = format!(
            "super::types::{ty} {{ {}: Some({inner}), ..Default::default() }}",
            snake(segments[depth])
        );
    }
    let output_shape = cx.output_shape(&op).unwrap_or_default().to_owned();
    let failed = cx
        .model
        .shapes
        .get(&output_shape)
        .and_then(|s| {
            s.members.iter().find(|(n, m)| {
                matches!(n.as_str(), "Errors" | "Failed")
                    && cx
                        .model
                        .shapes
                        .get(&m.shape)
                        .is_some_and(|l| l.kind == "list")
            })
        })
        .map_or_else(
            || "|_| 0".to_owned(),
            |(n, _)| format!("|o| o.{}.as_ref().map_or(0, Vec::len)", snake(n)),
        );
    let output_ty = cx.output_ty(&op);
    let error = format!("super::operations::{op}Error");
    let method = snake(name);
    let ret = format!(
        "impl std::future::Future<Output = Result<rt::BatchOutcome<{output_ty}>, rt::BatchError<{error}, {output_ty}>>> + Send"
    );
    let decl = format!(
        "    /// `{name}`: `{op}` for every handle, at most {max} per call. Per-item failures the\n    /// service reports are counted in the outcome (see [`rt::BatchOutcome::is_complete`]).\n    fn {method}(&self) -> {ret};\n"
    );
    let body = format!(
        "    fn {method}(&self) -> {ret} {{
        async move {{
            let send = |head: &{ty}, chunk: &[&{ty}]| -> rt::BatchFuture<{output_ty}, {error}> {{
                let call = head.client.{op_method}(){setters}.{list_setter}({value});
                Box::pin(call.send())
            }};
            let plan = rt::BatchPlan {{
                max: {max},
                key: |r: &{ty}| vec![{key}],
                send: &send,
                failed: {failed},
            }};
            rt::batch(self, &plan).await
        }}
    }}
",
        ty = owner.ty,
        op_method = snake(&op),
        list_setter = snake(segments[0]),
        key = key.join(", "),
    );
    Ok((
        decl,
        body,
        BatchInfo {
            target: owner.name.clone(),
            trait_name: trait_name.to_owned(),
            method,
            action: name.to_owned(),
            op,
            max,
        },
    ))
}

/// The batch actions of each collection's resource type, as methods of the collection.
pub(crate) fn render_collection_methods(cx: &mut Ctx<'_>) {
    let mut out = String::new();
    for coll in &cx.collections {
        let mine: Vec<&BatchInfo> = cx
            .batches
            .iter()
            .filter(|b| b.target == coll.target)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let _ = writeln!(out, "impl {} {{", coll.ty);
        for b in mine {
            let output_ty = cx.output_ty(&b.op);
            let _ = writeln!(
                out,
                "    /// `{action}` on every resource of the collection (boto3's\n    /// `collection.{method}()`): `{op}` in chunks of at most {max}, as the listing is read.\n    ///\n    /// # Errors\n    /// Listing failed, or a call failed as a whole; the error carries what was done before.\n    pub async fn {method}(self) -> Result<rt::BatchOutcome<{output_ty}>, rt::BatchError<super::operations::{op}Error, {output_ty}>> {{\n        rt::batch_collection(self.items(), {max}, |chunk| async move {{\n            {trait_name}::{method}(chunk.as_slice()).await\n        }})\n        .await\n    }}\n",
                action = b.action,
                method = b.method,
                op = b.op,
                max = b.max,
                trait_name = b.trait_name,
            );
        }
        out.push_str("}\n");
    }
    cx.extra.push_str(&out);
}
