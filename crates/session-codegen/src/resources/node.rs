//! One resource type: its struct (identifiers and optional data), equality and hashing by
//! identifiers, `new`, accessors and `load`; then its elements, rendered by the sibling
//! modules.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use super::describe::NodeDesc;
use super::{actions, batch, collections, resource_ty, Ctx, IdType, Owner};
use crate::names::{lit, snake};

/// The service resource: the entry point, holding only the client.
pub(crate) fn render_service(
    cx: &mut Ctx<'_>,
    service: &Value,
    out: &mut String,
) -> Result<(), String> {
    let client = cx.client;
    let _ = writeln!(
        out,
        "/// The service resource: the entry point (`session.resource('...')` in boto3).\n\
         #[derive(Debug, Clone)]\n\
         pub struct ServiceResource {{\n    client: crate::{client},\n}}\n\n\
         impl From<crate::{client}> for ServiceResource {{\n    fn from(client: crate::{client}) -> Self {{\n        Self {{ client }}\n    }}\n}}\n\n\
         impl ServiceResource {{\n\
         /// The service resource over `client` (all resources made from it share the client).\n\
         pub fn new(client: crate::{client}) -> Self {{\n        Self {{ client }}\n    }}\n\n\
         /// The client underneath.\n\
         pub fn client(&self) -> &crate::{client} {{\n        &self.client\n    }}\n"
    );
    let owner = Owner {
        name: "service".into(),
        ty: "ServiceResource".into(),
        ids: Vec::new(),
        data: None,
    };
    let mut desc = NodeDesc::default();
    let mut taken: BTreeSet<String> = ["new", "client"].map(str::to_owned).into();
    actions::render_has(cx, &owner, service, out, &mut taken, &mut desc)?;
    actions::render_actions(cx, &owner, service, out, &mut taken, &mut desc);
    collections::render(cx, &owner, service, out, &mut taken, &mut desc);
    out.push_str("}\n\n");
    cx.description.service = desc;
    Ok(())
}

/// A resource type and all its elements.
pub(crate) fn render_resource(
    cx: &mut Ctx<'_>,
    name: &str,
    r: &Value,
    out: &mut String,
) -> Result<(), String> {
    let client = cx.client;
    let ty = resource_ty(name);
    let owner = Owner {
        name: name.to_owned(),
        ty: ty.clone(),
        ids: cx.idents_of(name),
        data: cx.data_of(name),
    };
    let ids = &owner.ids;
    let _ = writeln!(
        out,
        "/// The `{name}` resource, {}.\n#[derive(Clone)]\npub struct {ty} {{\n    client: crate::{client},",
        if ids.is_empty() {
            "one per account (no identifiers)".to_owned()
        } else {
            format!(
                "identified by {}",
                ids.iter().map(|i| format!("`{}`", i.name)).collect::<Vec<_>>().join(", ")
            )
        }
    );
    for i in ids {
        let _ = writeln!(out, "    {}: {},", i.field, i.ty.rust());
    }
    if let Some((_, d)) = &owner.data {
        let _ = writeln!(out, "    data: Option<Arc<{d}>>,");
    }
    out.push_str("}\n\n");
    // Equality and hashing: the type and identifiers, never the loaded data.
    let _ = writeln!(
        out,
        "impl PartialEq for {ty} {{\n    fn eq(&self, other: &Self) -> bool {{\n        true{}\n    }}\n}}\n\nimpl Eq for {ty} {{}}\n\nimpl std::hash::Hash for {ty} {{\n    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {{\n        {}\n    }}\n}}\n",
        ids.iter().map(|i| format!(" && self.{0} == other.{0}", i.field)).collect::<String>(),
        ids.iter().map(|i| format!("self.{}.hash(state);", i.field)).collect::<Vec<_>>().join(" ")
    );
    let _ = writeln!(
        out,
        "impl std::fmt::Debug for {ty} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.debug_struct({}){}{}.finish()\n    }}\n}}\n",
        lit(&ty),
        ids.iter().map(|i| format!(".field({}, &self.{})", lit(i.field.trim_start_matches("r#")), i.field)).collect::<String>(),
        if owner.data.is_some() { ".field(\"loaded\", &self.data.is_some())" } else { "" }
    );
    let params: Vec<String> = ids
        .iter()
        .map(|i| match i.ty {
            IdType::Str => format!("{}: impl Into<String>", i.field),
            IdType::Int => format!("{}: i32", i.field),
        })
        .collect();
    let inits: Vec<String> = ids
        .iter()
        .map(|i| match i.ty {
            IdType::Str => format!("{0}: {0}.into()", i.field),
            IdType::Int => i.field.clone(),
        })
        .collect();
    let _ = writeln!(
        out,
        "impl {ty} {{\n    /// A handle from its identifiers (no call is made).\n    pub fn new(client: crate::{client}, {}) -> Self {{\n        Self {{ {} }}\n    }}\n\n    /// The client this handle calls through.\n    pub fn client(&self) -> &crate::{client} {{\n        &self.client\n    }}\n",
        params.join(", "),
        // A resource without identifiers (IAM's `CurrentUser`) has only the client.
        std::iter::once("client".to_owned())
            .chain(inits)
            .chain(owner.data.as_ref().map(|_| "data: None".to_owned()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    for i in ids {
        let (ret, read) = match i.ty {
            IdType::Str => ("&str", format!("&self.{}", i.field)),
            IdType::Int => ("i32", format!("self.{}", i.field)),
        };
        let _ = writeln!(
            out,
            "    /// The `{}` identifier.\n    pub fn {}(&self) -> {ret} {{\n        {read}\n    }}\n",
            i.name,
            i.field.trim_start_matches("r#")
        );
    }
    if let Some((_, d)) = &owner.data {
        let _ = writeln!(
            out,
            "    /// The attributes, once loaded (`load`, where the model has one, or a listing or\n    /// response that carried them); `None` before: reading never calls the service.\n    pub fn data(&self) -> Option<&{d}> {{\n        self.data.as_deref()\n    }}\n"
        );
    }
    let mut taken: BTreeSet<String> = ids
        .iter()
        .map(|i| i.field.trim_start_matches("r#").to_owned())
        .collect();
    taken.extend(["data", "new", "client", "load", "reload"].map(str::to_owned));
    let mut desc = NodeDesc {
        identifiers: ids.iter().map(|i| i.name.clone()).collect(),
        ..NodeDesc::default()
    };
    render_load(cx, &owner, r, out, &mut desc);
    actions::render_has(cx, &owner, r, out, &mut taken, &mut desc)?;
    actions::render_actions(cx, &owner, r, out, &mut taken, &mut desc);
    actions::render_waiters(cx, &owner, r, out, &mut taken, &mut desc);
    collections::render(cx, &owner, r, out, &mut taken, &mut desc);
    out.push_str("}\n\n");
    batch::render(cx, &owner, r, &mut desc);
    cx.description.resources.push((name.to_owned(), desc));
    cx.count(&owner, "resources");
    Ok(())
}

/// `load`: the model's load request, filling the data from the output (`@`) or one member
/// of it.
fn render_load(cx: &mut Ctx<'_>, owner: &Owner, r: &Value, out: &mut String, desc: &mut NodeDesc) {
    let name = &owner.name;
    let Some(load) = r.get("load") else {
        return;
    };
    let Some((shape, data_ty)) = owner.data.clone() else {
        cx.skipped.push(format!("{name}.load: no data shape"));
        return;
    };
    let (op, setters) = match super::request_setters(cx, &load["request"], owner, "self") {
        Ok(found) => found,
        Err(why) => {
            cx.skipped.push(format!("{name}.load: {why}"));
            return;
        }
    };
    let op = op.as_str();
    let output = cx.output_shape(op).unwrap_or_default().to_owned();
    let data = match load["path"].as_str() {
        Some("@") if output == shape => "Some(Arc::new(output))".to_owned(),
        Some(path) => match super::paths::singular(cx, &output, "output", path) {
            Ok((e, s)) if s == shape => format!("{e}.map(Arc::new)"),
            _ => {
                cx.skipped
                    .push(format!("{name}.load: path {path:?} into {shape}"));
                return;
            }
        },
        None => {
            cx.skipped.push(format!("{name}.load: no path"));
            return;
        }
    };
    let error = format!("super::operations::{op}Error");
    let _ = writeln!(
        out,
        "    /// Loads the attributes with `{op}` and returns the handle with them (clones that were\n    /// taken before keep what they had). Call again to refresh (boto3's `reload`).\n    ///\n    /// # Errors\n    /// The operation's.\n    pub async fn load(&self) -> Result<Self, OperationError<{error}>> {{\n        let output = self.client.{}(){setters}.send().await?;\n        let data: Option<Arc<{data_ty}>> = {data};\n        Ok(Self {{ data, ..self.clone() }})\n    }}\n",
        snake(op)
    );
    let _ = writeln!(
        out,
        "    /// boto3's `reload()`: the same as [`load`](Self::load), for readers coming from boto3.\n    ///\n    /// # Errors\n    /// The operation's.\n    pub async fn reload(&self) -> Result<Self, OperationError<{error}>> {{\n        self.load().await\n    }}\n"
    );
    desc.load = Some(op.to_owned());
    cx.count(owner, "loads");
}
