//! The resource model's response paths (a small JMESPath subset: `A.B`, `X[]`, `X[].Y`,
//! `[A,B]|[]`, `[A,B]|[].Y`) as Rust code that builds resources from an output.

use std::fmt::Write as _;

use serde_json::Value;

use super::params::list_member;
use super::{resource_ty, Ctx, Owner};
use crate::names::{lit, snake};

/// The member of structure `shape` named `name` (the resource models sometimes differ in
/// case: `queueUrls`), with its field name and shape.
fn member(cx: &Ctx<'_>, shape: &str, name: &str) -> Result<(String, String), String> {
    let s = cx
        .model
        .shapes
        .get(shape)
        .ok_or_else(|| format!("shape {shape} missing"))?;
    s.members
        .iter()
        .find(|(n, _)| n.as_str() == name)
        .or_else(|| s.members.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
        .map(|(n, m)| (snake(n), m.shape.clone()))
        .ok_or_else(|| format!("{shape} has no member {name}"))
}

/// `root.a.b.c` over optional members: an expression of type `Option<T>` (a clone), and
/// the shape it reaches.
pub(crate) fn singular(
    cx: &Ctx<'_>,
    shape: &str,
    root: &str,
    path: &str,
) -> Result<(String, String), String> {
    if path.contains(['[', '|', '*']) {
        return Err(format!("path {path} is not a plain member path"));
    }
    let segments: Vec<&str> = path.split('.').collect();
    let mut shape = shape.to_owned();
    let mut expr = String::new();
    for (i, seg) in segments.iter().enumerate() {
        let (field, next) = member(cx, &shape, seg)?;
        let last = i + 1 == segments.len();
        expr = match (i, last) {
            (0, true) => format!("{root}.{field}.clone()"),
            (0, false) => format!("{root}.{field}.as_ref()"),
            (_, true) => format!("{expr}.and_then(|v| v.{field}.clone())"),
            (_, false) => format!("{expr}.and_then(|v| v.{field}.as_ref())"),
        };
        shape = next;
    }
    Ok((expr, shape))
}

/// One list a plural path reads: the output field and the items' shape.
pub(crate) struct ListSource {
    pub(crate) field: String,
    pub(crate) item_shape: String,
}

/// The lists a plural path reads, and the member path within each item.
type Lists = (Vec<ListSource>, Option<String>);

/// The lists of a plural path and the member path within each item, if any
/// (`Contents[].Key` → `[Contents]`, `Key`).
pub(crate) fn lists(cx: &Ctx<'_>, output: &str, path: &str) -> Result<Option<Lists>, String> {
    let (names, rest): (Vec<&str>, &str) = if let Some(multi) = path.strip_prefix('[') {
        let Some((inside, rest)) = multi.split_once("]|[]") else {
            return Err(format!(
                "path {path} is a multi-select this generator does not read"
            ));
        };
        (inside.split(',').map(str::trim).collect(), rest)
    } else if let Some((list, rest)) = path.split_once("[]") {
        (vec![list], rest)
    } else {
        return Ok(None);
    };
    let suffix = match rest.strip_prefix('.') {
        Some(s) if !s.contains(['[', '|', '.']) => Some(s.to_owned()),
        Some(_) => return Err(format!("path {path} goes deeper than one member per item")),
        None if rest.is_empty() => None,
        None => return Err(format!("path {path} has trailing {rest:?}")),
    };
    let mut sources = Vec::new();
    for name in names {
        if name.contains(['.', '[']) {
            return Err(format!("path {path}: a nested list"));
        }
        let (field, list_shape) = member(cx, output, name)?;
        sources.push(ListSource {
            field,
            item_shape: list_member(cx, &list_shape)?,
        });
    }
    Ok(Some((sources, suffix)))
}

/// Code that builds the resource(s) a response names, as the body of a function returning
/// `Result<T, OperationError<_>>` (or `Result<Vec<T>, _>` when plural). It reads `output`
/// (owned), `client` (the crate's client), `owner` (the handle that made the call) and, for
/// `requestParameter` sources, the variables listed in `request_params`.
pub(crate) struct Made {
    pub(crate) plural: bool,
    pub(crate) target_ty: String,
    pub(crate) body: String,
    /// `(variable, input field)`: read from the request before it is sent.
    pub(crate) request_params: Vec<(String, String)>,
}

/// How to build the resource `res` (an action's or collection's `resource`) from the output
/// of `operation`.
pub(crate) fn make(
    cx: &Ctx<'_>,
    operation: &str,
    res: &Value,
    owner: &Owner,
) -> Result<Made, String> {
    let target = res["type"].as_str().ok_or("a resource without type")?;
    let target_ty = resource_ty(target);
    let output = cx.output_shape(operation).unwrap_or_default().to_owned();
    let data_shape = cx.data_of(target).map(|(s, _)| s);
    // Every identifier of the target must come from somewhere (IAM's
    // `CreateSigningCertificate` names only the certificate's id, not its user's name).
    let given: Vec<&str> = res["identifiers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["target"].as_str())
        .collect();
    if let Some(missing) = cx
        .idents_of(target)
        .into_iter()
        .find(|i| !given.contains(&i.name.as_str()))
    {
        return Err(format!(
            "no source for {target}'s identifier {}",
            missing.name
        ));
    }
    let mut request_params = Vec::new();
    // Each identifier's expression; plural paths decide the lists once.
    let mut plural: Option<(Vec<ListSource>, String)> = None;
    let mut exprs = Vec::new();
    for id in res["identifiers"].as_array().into_iter().flatten() {
        let expr = match id["source"].as_str() {
            Some("identifier") => {
                let name = id["name"].as_str().ok_or("identifier without name")?;
                owner
                    .ident(name)
                    .ok_or_else(|| format!("unknown identifier {name}"))?
                    .read("owner")
            }
            Some("requestParameter") => {
                let path = id["path"].as_str().ok_or("requestParameter without path")?;
                if path.contains(['.', '[']) {
                    return Err(format!("request parameter path {path}"));
                }
                let var = format!("rp_{}", snake(path));
                request_params.push((var.clone(), snake(path)));
                format!(
                    "{var}.clone().ok_or_else(|| rt::missing_member({}, {}))?",
                    lit(operation),
                    lit(path)
                )
            }
            Some("response") => {
                let path = id["path"].as_str().ok_or("response without path")?;
                match lists(cx, &output, path)? {
                    Some((sources, suffix)) => {
                        let key = sources
                            .iter()
                            .map(|s| s.field.as_str())
                            .collect::<Vec<_>>()
                            .join(",");
                        match &plural {
                            Some((_, k)) if *k != key => {
                                return Err(format!("identifiers from different lists ({path})"))
                            }
                            Some(_) => {}
                            None => plural = Some((sources, key)),
                        }
                        match suffix {
                            None => "item.clone()".to_owned(),
                            Some(field) => {
                                // Every list's items must have the member.
                                let items = &plural.as_ref().ok_or("no lists")?.0;
                                let mut fields = items
                                    .iter()
                                    .map(|s| member(cx, &s.item_shape, &field).map(|m| m.0));
                                let f = fields.next().ok_or("no lists")??;
                                for other in fields {
                                    if other? != f {
                                        return Err(format!("{path}: items differ"));
                                    }
                                }
                                format!(
                                    "item.{f}.clone().ok_or_else(|| rt::missing_in_response({}, {}))?",
                                    lit(operation),
                                    lit(path)
                                )
                            }
                        }
                    }
                    None => {
                        let (e, _) = singular(cx, &output, "output", path)?;
                        format!(
                            "{e}.ok_or_else(|| rt::missing_in_response({}, {}))?",
                            lit(operation),
                            lit(path)
                        )
                    }
                }
            }
            Some("data") => {
                let path = id["path"].as_str().ok_or("data without path")?;
                let (shape, _) = owner
                    .data
                    .as_ref()
                    .ok_or("a data source on a resource without data")?;
                let (e, _) = singular(cx, shape, "d", path)?;
                format!(
                    "owner.data.as_ref().and_then(|d| {e}).ok_or_else(|| rt::missing_in_response({}, {}))?",
                    lit(operation),
                    lit(&format!("(loaded data) {path}"))
                )
            }
            other => return Err(format!("identifier source {other:?}")),
        };
        exprs.push(expr);
    }
    let res_path = res["path"].as_str();
    let mut body = String::new();
    let ctor = format!("{target_ty}::new(client.clone(), {})", exprs.join(", "));
    let is_plural = plural.is_some();
    match plural {
        Some((sources, _)) => {
            // The item is the resource's data when the model points at the items and the
            // shapes agree (delete markers are listed with versions but are not one).
            let points_at_items = res_path.is_some_and(|p| !p.contains("[]."));
            body.push_str("let mut out = Vec::new();\n");
            for s in &sources {
                let with_data =
                    points_at_items && data_shape.as_deref() == Some(s.item_shape.as_str());
                let _ = writeln!(
                    body,
                    "for item in output.{}.take().unwrap_or_default() {{\n    let mut r = {ctor};\n    {}\n    out.push(r);\n}}",
                    s.field,
                    if with_data { "r.data = Some(Arc::new(item));" } else { "let _ = item;" }
                );
            }
            body.push_str("Ok(out)");
        }
        None => {
            let _ = writeln!(body, "let mut r = {ctor};");
            if let (Some(path), Some(data_shape)) = (res_path, data_shape.as_deref()) {
                let (e, shape) = singular(cx, &output, "output", path)?;
                if shape == data_shape {
                    let _ = writeln!(body, "r.data = {e}.map(Arc::new);");
                }
            }
            body.push_str("Ok(r)");
        }
    }
    Ok(Made {
        plural: is_plural,
        target_ty,
        body,
        request_params,
    })
}
