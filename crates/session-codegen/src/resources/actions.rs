//! A resource's `has` references, actions (plain, or returning the resources the model
//! names) and waiters.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use super::describe::NodeDesc;
use super::{
    elements, free_method, params, paths, request_setters, resource_ty, Ctx, IdType, Owner,
};
use crate::names::{pascal, snake};

/// `has`: a handle on another resource, from this one's identifiers or data and the
/// method's arguments. No call is made.
pub(crate) fn render_has(
    cx: &mut Ctx<'_>,
    owner: &Owner,
    node: &Value,
    out: &mut String,
    taken: &mut BTreeSet<String>,
    desc: &mut NodeDesc,
) -> Result<(), String> {
    for (name, h) in elements(node, "has") {
        let target = h["resource"]["type"].as_str().ok_or("has without type")?;
        let target_ids = cx.idents_of(target);
        let mut args = Vec::new();
        let mut fields = Vec::new();
        let mut from_data = false;
        let mut why = None;
        for id in h["resource"]["identifiers"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let target_name = id["target"].as_str().unwrap_or_default();
            let ty = target_ids
                .iter()
                .find(|i| i.name == target_name)
                .map_or(IdType::Str, |i| i.ty);
            let field = snake(target_name);
            match id["source"].as_str() {
                Some("identifier") => match id["name"].as_str().and_then(|n| owner.ident(n)) {
                    Some(i) => fields.push(i.read("self")),
                    None => why = Some("an unknown identifier".to_owned()),
                },
                Some("input") => {
                    match ty {
                        IdType::Str => args.push(format!("{field}: impl Into<String>")),
                        IdType::Int => args.push(format!("{field}: i32")),
                    }
                    fields.push(field);
                }
                Some("data") => {
                    let path = id["path"].as_str().unwrap_or_default();
                    match owner
                        .data
                        .as_ref()
                        .ok_or_else(|| "data on a resource without data".to_owned())
                        .and_then(|(shape, _)| paths::singular(cx, shape, "d", path))
                    {
                        Ok((e, _)) => {
                            from_data = true;
                            fields.push(format!("self.data.as_ref().and_then(|d| {e})?"));
                        }
                        Err(e) => why = Some(e),
                    }
                }
                other => why = Some(format!("identifier source {other:?}")),
            }
        }
        if let Some(why) = why {
            cx.skipped.push(format!("{}.has.{name}: {why}", owner.name));
            continue;
        }
        let method = free_method(taken, name);
        let ty = resource_ty(target);
        let ctor = format!("{ty}::new(self.client.clone(), {})", fields.join(", "));
        if from_data {
            let _ = writeln!(
                out,
                "    /// The `{target}` resource `{name}` refers to, from this handle's data: `None` until\n    /// the data is loaded (no call is made).\n    pub fn {method}(&self, {}) -> Option<{ty}> {{\n        Some({ctor})\n    }}\n",
                args.join(", ")
            );
        } else {
            let _ = writeln!(
                out,
                "    /// The `{target}` resource `{name}` refers to (no call is made).\n    pub fn {method}(&self, {}) -> {ty} {{\n        {ctor}\n    }}\n",
                args.join(", ")
            );
        }
        desc.has.push(name.clone());
        cx.count(owner, "has");
    }
    Ok(())
}

/// Actions: the operation's request builder with the model's parameters set. Where the
/// model says the action returns resources, the builder is made for this handle and its
/// `send` returns them (the impl goes in `cx.extra`).
pub(crate) fn render_actions(
    cx: &mut Ctx<'_>,
    owner: &Owner,
    node: &Value,
    out: &mut String,
    taken: &mut BTreeSet<String>,
    desc: &mut NodeDesc,
) {
    for (name, a) in elements(node, "actions") {
        let (op, setters) = match request_setters(cx, &a["request"], owner, "self") {
            Ok(found) => found,
            Err(why) => {
                cx.skipped
                    .push(format!("{}.actions.{name}: {why}", owner.name));
                continue;
            }
        };
        let op = op.as_str();
        let method = free_method(taken, name);
        let call = format!("super::operations::{op}Call");
        let returns = match a.get("resource") {
            Some(res) => match returning_send(cx, owner, name, op, res) {
                Ok(what) => Some(what),
                Err(why) => {
                    cx.skipped.push(format!(
                        "{}.actions.{name}: returns the output, not the resource ({why})",
                        owner.name
                    ));
                    None
                }
            },
            None => None,
        };
        match returns {
            Some(what) => {
                let _ = writeln!(
                    out,
                    "    /// `{name}`: `{op}` with this resource's identifiers already set; set the rest, then\n    /// `send()` returns {what}.\n    pub fn {method}(&self) -> {call}<{}> {{\n        self.client.{}(){setters}.returning(self.clone())\n    }}\n",
                    owner.ty,
                    snake(op)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "    /// `{name}`: `{op}` with this resource's identifiers already set; set the rest and\n    /// `send()`.\n    pub fn {method}(&self) -> {call} {{\n        self.client.{}(){setters}\n    }}\n",
                    snake(op)
                );
            }
        }
        desc.actions.push(name.clone());
        cx.count(owner, "actions");
    }
}

/// The `send` of `XCall<Owner>`, returning the resource(s) the action's model names.
/// Returns a description of what `send` returns, for the action's docs.
fn returning_send(
    cx: &mut Ctx<'_>,
    owner: &Owner,
    action: &str,
    op: &str,
    res: &Value,
) -> Result<String, String> {
    if !cx.model.operations.contains_key(op) {
        return Err(format!("no operation {op}"));
    }
    let made = paths::make(cx, op, res, owner)?;
    let head = format!("impl super::operations::{op}Call<{}> {{", owner.ty);
    if cx.extra.contains(&head) {
        return Err(format!(
            "another action of {} already returns from {op}",
            owner.ty
        ));
    }
    let ret = if made.plural {
        format!("Vec<{}>", made.target_ty)
    } else {
        made.target_ty.clone()
    };
    let reads: String = made
        .request_params
        .iter()
        .map(|(var, field)| format!("        let {var} = call.as_input().{field}.clone();\n"))
        .collect();
    let _ = writeln!(
        cx.extra,
        "{head}\n    /// Sends the call and returns the {} the model names (boto3's `{}.{}`).\n    ///\n    /// # Errors\n    /// The operation's, or a response without an identifier the resource needs.\n    pub async fn send(self) -> Result<{ret}, OperationError<super::operations::{op}Error>> {{\n        let (call, owner) = self.into_plain();\n{reads}        let client = owner.client.clone();\n        let mut output = call.send().await?;\n        {}\n    }}\n}}\n",
        if made.plural {
            format!("`{}` resources", made.target_ty)
        } else {
            format!("`{}` resource", made.target_ty)
        },
        if owner.is_service() { "service" } else { owner.name.as_str() },
        snake(action),
        made.body.replace('\n', "\n        ")
    );
    Ok(if made.plural {
        format!("the `{}` resources", made.target_ty)
    } else {
        format!("the `{}` resource", made.target_ty)
    })
}

/// Waiters: the service waiter with this resource's identifiers set.
pub(crate) fn render_waiters(
    cx: &mut Ctx<'_>,
    owner: &Owner,
    node: &Value,
    out: &mut String,
    taken: &mut BTreeSet<String>,
    desc: &mut NodeDesc,
) {
    for (name, w) in elements(node, "waiters") {
        let waiter = w["waiterName"].as_str().unwrap_or_default();
        let Some(op) = cx.waiters.get(waiter).cloned() else {
            cx.skipped.push(format!(
                "{}.waiters.{name}: the service has no waiter {waiter}",
                owner.name
            ));
            continue;
        };
        let params_list: Vec<Value> = w["params"].as_array().cloned().unwrap_or_default();
        let setters = match params::setters(cx, &op, &params_list, owner, "self") {
            Ok(s) => s,
            Err(why) => {
                cx.skipped
                    .push(format!("{}.waiters.{name}: {why}", owner.name));
                continue;
            }
        };
        let method = free_method(taken, &format!("WaitUntil{name}"));
        let _ = writeln!(
            out,
            "    /// The resource's `{name}` waiter: `{waiter}` (polling `{op}`) with this resource's\n    /// identifiers set. Adjust it, then [`wait`](rt::Waiter::wait).\n    pub fn {method}(&self) -> super::waiters::{}Waiter {{\n        self.client.wait_until_{}().input(|c| c{setters})\n    }}\n",
            pascal(waiter),
            snake(waiter)
        );
        desc.waiters.push(name.clone());
        cx.count(owner, "waiters");
    }
}
