//! Collections (`hasMany`): a reusable description of a listing (filter, limit, page size)
//! read as a stream of resources that follows the generated paginator.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use super::describe::NodeDesc;
use super::{elements, free_method, paths, request_setters, Ctx, Owner};
use crate::names::{pascal, snake};

/// A collection type, remembered so batch actions of its resource type can be added to it.
#[derive(Debug, Clone)]
pub(crate) struct CollectionInfo {
    /// The Rust type (`BucketObjectsCollection`).
    pub(crate) ty: String,
    /// The model name of the listed resource (`ObjectSummary`).
    pub(crate) target: String,
}

pub(crate) fn render(
    cx: &mut Ctx<'_>,
    owner: &Owner,
    node: &Value,
    out: &mut String,
    taken: &mut BTreeSet<String>,
    desc: &mut NodeDesc,
) {
    for (name, h) in elements(node, "hasMany") {
        match render_one(cx, owner, name, h, out, taken) {
            Ok(()) => {
                desc.collections.push(name.clone());
                cx.count(owner, "collections");
            }
            Err(why) => cx
                .skipped
                .push(format!("{}.hasMany.{name}: {why}", owner.name)),
        }
    }
}

fn render_one(
    cx: &mut Ctx<'_>,
    owner: &Owner,
    name: &str,
    h: &Value,
    out: &mut String,
    taken: &mut BTreeSet<String>,
) -> Result<(), String> {
    let (op, setters) = request_setters(cx, &h["request"], owner, "self")?;
    if !cx.paginated.contains(&op) {
        return Err(format!("{op} has no generated paginator"));
    }
    let made = paths::make(cx, &op, &h["resource"], owner)?;
    if !made.plural {
        return Err("the resource path is not a list".into());
    }
    let target = h["resource"]["type"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let target_ty = made.target_ty.clone();
    let coll = if owner.is_service() {
        format!("{}Collection", pascal(name))
    } else {
        format!("{}{}Collection", owner.ty, pascal(name))
    };
    let method = free_method(taken, name);
    let call = format!("super::operations::{op}Call");
    let error = format!("super::operations::{op}Error");
    let output = cx.output_ty(&op);
    let input = cx
        .input_shape(&op)
        .and_then(|s| cx.types.name(s).ok())
        .map_or_else(|| "rt::Empty".to_owned(), |t| format!("super::types::{t}"));
    let _ = writeln!(
        out,
        "    /// The `{name}` collection: `{target}` resources listed by `{op}`, page by page as\n    /// they are read (nothing is called until a stream is polled).\n    pub fn {method}(&self) -> {coll} {{\n        {coll} {{ owner: self.clone(), call: self.client.{}(){setters}, limit: None }}\n    }}\n",
        snake(&op)
    );
    let page_size = cx
        .limit_keys
        .get(&op)
        .map(|k| {
            format!(
                "    /// Items per request (the service's page size, `{k}`). Default: the service's.\n    pub fn page_size(mut self, n: i32) -> Self {{\n        self.call = self.call.{}(n);\n        self\n    }}\n\n",
                snake(k)
            )
        })
        .unwrap_or_default();
    // Only collections whose identifiers come from the request keep a copy of it.
    let (keep_input, input_arg, input_param) = if made.request_params.is_empty() {
        (String::new(), "", String::new())
    } else {
        (
            "        let input = self.call.as_input().clone();\n".to_owned(),
            "&input, ",
            format!("input: &{input}, "),
        )
    };
    let reads: String = made
        .request_params
        .iter()
        .map(|(var, field)| format!("    let {var} = input.{field}.clone();\n"))
        .collect();
    let _ = writeln!(
        cx.extra,
        "/// A reusable description of the `{name}` collection: filter it, bound it, then read
/// `items()` or `pages()` (each read starts from the first page).
#[derive(Debug, Clone)]
#[must_use]
pub struct {coll} {{
    owner: {owner_ty},
    call: {call},
    limit: Option<usize>,
}}

impl {coll} {{
    /// The whole collection, as it is (boto3's `all()`; here every read already starts
    /// from the first page).
    pub fn all(self) -> Self {{
        self
    }}

    /// Narrows the listing with the request's own members (`|c| c.prefix(\"logs/\")`).
    pub fn filter(mut self, f: impl FnOnce({call}) -> {call}) -> Self {{
        self.call = f(self.call);
        self
    }}

    /// At most `n` resources in all (no further page is requested once they are read).
    /// Default: no limit.
    pub fn limit(mut self, n: usize) -> Self {{
        self.limit = Some(n);
        self
    }}

{page_size}    /// The resources, a page at a time.
    pub fn pages(self) -> impl rt::futures_util::Stream<Item = Result<Vec<{target_ty}>, OperationError<{error}>>> + Send {{
        use rt::futures_util::StreamExt as _;
        let owner = self.owner;
        let client = owner.client.clone();
{keep_input}        let pages = self
            .call
            .into_paginator()
            .pages()
            .map(move |page| page.and_then(|output| {coll_fn}(&owner, &client, {input_arg}output)));
        rt::limit_pages(pages, self.limit)
    }}

    /// The resources, one at a time, following the pages.
    pub fn items(self) -> impl rt::futures_util::Stream<Item = Result<{target_ty}, OperationError<{error}>>> + Send {{
        use rt::futures_util::StreamExt as _;
        self.pages().flat_map(|page| {{
            let items: Vec<Result<{target_ty}, OperationError<{error}>>> = match page {{
                Ok(items) => items.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            }};
            rt::futures_util::stream::iter(items)
        }})
    }}
}}

/// The `{target}` resources of one `{op}` page.
fn {coll_fn}(owner: &{owner_ty}, client: &crate::{client}, {input_param}mut output: {output}) -> Result<Vec<{target_ty}>, OperationError<{error}>> {{
{reads}    {body}
}}
",
        owner_ty = owner.ty,
        client = cx.client,
        coll_fn = format!("{}_page", snake(&coll)),
        body = made.body.replace('\n', "\n    "),
    );
    cx.collections.push(CollectionInfo { ty: coll, target });
    Ok(())
}
