//! A request's parameter list (`"params": [{"target", "source", ...}]`) as builder calls:
//! `.bucket(self.name.clone()).versioning_configuration(VersioningConfiguration { .. })`.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Ctx, IdType, Owner};
use crate::names::{lit, snake};

/// A parameter's target below its first segment, and the parameter.
type Path<'p> = (Vec<String>, &'p Value);

/// Builder calls that set `params` on `operation`'s request builder, reading identifiers
/// from the handle `recv`, or why they cannot be generated.
pub(crate) fn setters(
    cx: &Ctx<'_>,
    operation: &str,
    params: &[Value],
    owner: &Owner,
    recv: &str,
) -> Result<String, String> {
    let input = cx.input_shape(operation).ok_or("no input shape")?;
    // Targets that share a first segment build one structure together.
    let mut groups: Vec<(String, Vec<Path<'_>>)> = Vec::new();
    for p in params {
        let target = p["target"].as_str().ok_or("a parameter without target")?;
        if target.contains("[*]") || target.contains("[].") || target.contains("[0]") {
            return Err(format!("parameter target {target} is a list of structures"));
        }
        let mut segments: Vec<String> = target.split('.').map(str::to_owned).collect();
        let first = segments.remove(0);
        match groups.iter_mut().find(|(f, _)| *f == first) {
            Some((_, members)) => members.push((segments, p)),
            None => groups.push((first, vec![(segments, p)])),
        }
    }
    let mut calls = String::new();
    for (first, members) in groups {
        let (member, list) = match first.strip_suffix("[]") {
            Some(m) => (m.to_owned(), true),
            None => (first.clone(), false),
        };
        let shape = member_shape(cx, input, &member)?;
        let value = if members.len() == 1 && members[0].0.is_empty() {
            let elem = if list {
                list_member(cx, &shape)?
            } else {
                shape
            };
            let one = value(cx, members[0].1, &elem, owner, recv)?;
            if list {
                format!("[{one}]")
            } else {
                one
            }
        } else if !list {
            structure(cx, &shape, &members, owner, recv)?
        } else {
            return Err(format!("parameter target {first} mixes a list and paths"));
        };
        let _ = write!(calls, ".{}({value})", snake(&member));
    }
    Ok(calls)
}

/// A structure literal with the members `paths` name set (nested as deep as they go).
fn structure(
    cx: &Ctx<'_>,
    shape: &str,
    paths: &[(Vec<String>, &Value)],
    owner: &Owner,
    recv: &str,
) -> Result<String, String> {
    let ty = cx.types.name(shape)?;
    let mut fields = String::new();
    let mut done: Vec<&str> = Vec::new();
    for (path, p) in paths {
        let Some(first) = path.first() else {
            return Err(format!("{shape} is set whole and by member"));
        };
        if done.contains(&first.as_str()) {
            continue;
        }
        done.push(first);
        let inner_shape = member_shape(cx, shape, first)?;
        let rest: Vec<(Vec<String>, &Value)> = paths
            .iter()
            .filter(|(q, _)| q.first() == Some(first))
            .map(|(q, p)| (q[1..].to_vec(), *p))
            .collect();
        let inner = if rest.len() == 1 && rest[0].0.is_empty() {
            value(cx, p, &inner_shape, owner, recv)?
        } else {
            structure(cx, &inner_shape, &rest, owner, recv)?
        };
        let inner = cx.types.wrap(shape, first, inner);
        let _ = write!(fields, "{}: Some({inner}), ", snake(first));
    }
    Ok(format!(
        "super::types::{ty} {{ {fields}..Default::default() }}"
    ))
}

/// The value of one parameter, of the member shape `shape`.
pub(crate) fn value(
    cx: &Ctx<'_>,
    p: &Value,
    shape: &str,
    owner: &Owner,
    recv: &str,
) -> Result<String, String> {
    let s = cx
        .model
        .shapes
        .get(shape)
        .ok_or_else(|| format!("shape {shape} missing"))?;
    let is_enum = s.enum_values.is_some();
    let enum_of = |expr: String| -> Result<String, String> {
        Ok(format!(
            "super::types::{}::from({expr})",
            cx.types.name(shape)?
        ))
    };
    match p["source"].as_str() {
        Some("identifier") => {
            let name = p["name"].as_str().ok_or("identifier without name")?;
            let id = owner
                .ident(name)
                .ok_or_else(|| format!("unknown identifier {name}"))?;
            match (s.kind.as_str(), id.ty) {
                ("string", IdType::Str) if is_enum => enum_of(id.read(recv)),
                ("string", IdType::Str) => Ok(id.read(recv)),
                ("integer", IdType::Int) => Ok(id.read(recv)),
                ("long", IdType::Int) => Ok(format!("i64::from({})", id.read(recv))),
                (kind, _) => Err(format!("identifier {name} goes into a {kind} member")),
            }
        }
        Some("string") => {
            let v = p["value"].as_str().ok_or("string source without value")?;
            if is_enum {
                enum_of(lit(v))
            } else {
                Ok(format!("{}.to_owned()", lit(v)))
            }
        }
        Some("integer") => p["value"]
            .as_i64()
            .map(|v| v.to_string())
            .ok_or_else(|| "integer source without value".into()),
        Some("boolean") => p["value"]
            .as_bool()
            .map(|v| v.to_string())
            .ok_or_else(|| "boolean source without value".into()),
        Some(other) => Err(format!("parameter source {other} outside a batch action")),
        None => Err("a parameter without source".into()),
    }
}

/// The shape of `member` of structure `shape`.
pub(crate) fn member_shape(cx: &Ctx<'_>, shape: &str, member: &str) -> Result<String, String> {
    cx.model
        .shapes
        .get(shape)
        .and_then(|s| s.members.get(member))
        .map(|m| m.shape.clone())
        .ok_or_else(|| format!("{shape} has no member {member}"))
}

/// The element shape of list shape `shape`.
pub(crate) fn list_member(cx: &Ctx<'_>, shape: &str) -> Result<String, String> {
    cx.model
        .shapes
        .get(shape)
        .and_then(|s| s.member.as_ref())
        .map(|m| m.shape.clone())
        .ok_or_else(|| format!("{shape} is not a list"))
}
