//! `session services` and `session describe SERVICE [OPERATION]`: what the models hold,
//! read from the same source the dynamic client uses (the embedded pack, a pack named by
//! AWS_SESSION_MODEL_PACK, model folders of AWS_DATA_PATH and ~/.aws/models).

use std::fmt::Write as _;

use serde_json::{json, Map, Value};
use session_dynamic::{ModelSource, ServiceModel};
use session_runtime::shapes::{Kind, MemberFlags, Service, ShapeId};

use crate::commands::{to_json, Failure};

pub(crate) fn usage(e: &session_dynamic::Error) -> Failure {
    Failure {
        code: if e.is_config() { 2 } else { 1 },
        message: e.to_string(),
    }
}

/// The model source of a session built from the environment (profile from AWS_PROFILE).
pub(crate) fn source() -> Result<ModelSource, Failure> {
    let session = session_core::Session::builder()
        .build()
        .map_err(|e| Failure {
            code: 2,
            message: e.to_string(),
        })?;
    Ok(ModelSource::from_session(&session))
}

pub(crate) fn services(json_out: bool) -> Result<String, Failure> {
    let source = source()?;
    let names = source.services().map_err(|e| usage(&e))?;
    let pack = source.pack_of().map_err(|e| usage(&e))?;
    let mut rows = Vec::new();
    for name in &names {
        // The pack's index has the facts; a service only in a model folder is built.
        let row = match pack.and_then(|p| p.service(name).ok()) {
            Some(s) => (
                s.protocol().to_owned(),
                s.api_version().to_owned(),
                s.operation_count(),
            ),
            None => {
                let m = ServiceModel::load(&source, name).map_err(|e| usage(&e))?;
                let t = m.tables();
                (
                    t.protocol.name().to_owned(),
                    t.api_version.to_owned(),
                    t.operations.len(),
                )
            }
        };
        rows.push((name.as_str(), row));
    }
    if json_out {
        let list: Vec<Value> = rows
            .iter()
            .map(|(n, (p, v, c))| json!({"name": n, "protocol": p, "api_version": v, "operations": c}))
            .collect();
        return Ok(to_json(&Value::Array(list)));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<40} {:<20} {:<12} OPERATIONS",
        "SERVICE", "PROTOCOL", "API"
    );
    for (n, (p, v, c)) in &rows {
        let _ = writeln!(out, "{n:<40} {p:<20} {v:<12} {c}");
    }
    let _ = writeln!(out, "{} services", rows.len());
    Ok(out)
}

pub(crate) fn describe(
    service: &str,
    operation: Option<&str>,
    json_out: bool,
) -> Result<String, Failure> {
    let source = source()?;
    let model = ServiceModel::load(&source, service).map_err(|e| usage(&e))?;
    let t = model.tables();
    let Some(op_name) = operation else {
        if json_out {
            let ops: Vec<&str> = t.operations.iter().map(|o| o.name).collect();
            return Ok(to_json(&json!({
                "service": service, "service_id": t.service_id, "protocol": t.protocol.name(),
                "api_version": t.api_version, "operations": ops,
            })));
        }
        let mut out = format!(
            "{service} ({}, {}, API {}): {} operations\n",
            t.service_id,
            t.protocol.name(),
            t.api_version,
            t.operations.len()
        );
        for o in t.operations {
            let _ = writeln!(out, "  {}", o.name);
        }
        return Ok(out);
    };
    let op = t.operation(op_name).ok_or_else(|| Failure {
        code: 2,
        message: format!("{service} has no operation {op_name:?} (session describe {service})"),
    })?;
    let errors: Vec<&str> = op.errors.iter().map(|e| t.shape(*e).name).collect();
    if json_out {
        let tree = |id: Option<ShapeId>| id.map_or(Value::Null, |id| node(t, id, &mut Vec::new()));
        return Ok(to_json(&json!({
            "operation": op.name, "http": {"method": op.method, "uri": op.uri},
            "input": tree(op.input), "output": tree(op.output), "errors": errors,
        })));
    }
    let mut out = format!("{service} {} ({} {})\n", op.name, op.method, op.uri);
    for (label, id) in [("input", op.input), ("output", op.output)] {
        match id {
            Some(id) => {
                let _ = writeln!(out, "{label}: {}", t.shape(id).name);
                text(t, id, 1, &mut Vec::new(), &mut out);
            }
            None => {
                let _ = writeln!(out, "{label}: none");
            }
        }
    }
    if !errors.is_empty() {
        let _ = writeln!(out, "errors: {}", errors.join(", "));
    }
    out.push_str("(* required)\n");
    Ok(out)
}

fn type_name(t: &Service, id: ShapeId) -> String {
    let shape = t.shape(id);
    match &shape.kind {
        Kind::Structure(_) => "structure".into(),
        Kind::List(m) => format!("list of {}", type_name(t, m.shape)),
        Kind::Map(k, v) => format!(
            "map of {} to {}",
            type_name(t, k.shape),
            type_name(t, v.shape)
        ),
        Kind::String(values) if !values.is_empty() => "enum".into(),
        Kind::String(_) => "string".into(),
        Kind::Boolean => "boolean".into(),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => "integer".into(),
        Kind::Float | Kind::Double => "number".into(),
        Kind::Timestamp(_) => "timestamp".into(),
        Kind::Blob => "blob".into(),
        Kind::Document => "document".into(),
    }
}

/// The structure a shape's members hang from: itself, or a list's or map's element.
fn inner_structure(t: &Service, id: ShapeId) -> Option<ShapeId> {
    match &t.shape(id).kind {
        Kind::Structure(_) => Some(id),
        Kind::List(m) => inner_structure(t, m.shape),
        Kind::Map(_, v) => inner_structure(t, v.shape),
        _ => None,
    }
}

fn enum_values(t: &Service, id: ShapeId) -> Option<&'static [&'static str]> {
    match &t.shape(id).kind {
        Kind::String(values) if !values.is_empty() => Some(values),
        Kind::List(m) => enum_values(t, m.shape),
        _ => None,
    }
}

fn text(t: &Service, id: ShapeId, depth: usize, seen: &mut Vec<ShapeId>, out: &mut String) {
    let Kind::Structure(members) = &t.shape(id).kind else {
        return;
    };
    seen.push(id);
    let pad = "  ".repeat(depth);
    for m in *members {
        let star = if m.flags.has(MemberFlags::REQUIRED) {
            "*"
        } else {
            ""
        };
        let _ = write!(out, "{pad}{}{star}: {}", m.name, type_name(t, m.shape));
        if let Some(values) = enum_values(t, m.shape) {
            let shown: Vec<&str> = values.iter().take(12).copied().collect();
            let more = values.len().saturating_sub(shown.len());
            let _ = write!(
                out,
                " [{}{}]",
                shown.join(", "),
                if more > 0 {
                    format!(", +{more}")
                } else {
                    String::new()
                }
            );
        }
        match inner_structure(t, m.shape) {
            Some(s) if seen.contains(&s) => out.push_str(" (recursive)\n"),
            Some(s) => {
                out.push('\n');
                text(t, s, depth + 1, seen, out);
            }
            None => out.push('\n'),
        }
    }
    seen.pop();
}

fn node(t: &Service, id: ShapeId, seen: &mut Vec<ShapeId>) -> Value {
    let shape = t.shape(id);
    let mut out = Map::new();
    out.insert("shape".into(), shape.name.into());
    out.insert("type".into(), type_name(t, id).into());
    if let Some(values) = enum_values(t, id) {
        out.insert("enum".into(), json!(values));
    }
    if let Some(s) = inner_structure(t, id) {
        if seen.contains(&s) {
            out.insert("recursive".into(), true.into());
        } else if let Kind::Structure(members) = &t.shape(s).kind {
            seen.push(s);
            let mut ms = Map::new();
            for m in *members {
                let mut child = node(t, m.shape, seen);
                if let Value::Object(c) = &mut child {
                    c.insert("required".into(), m.flags.has(MemberFlags::REQUIRED).into());
                }
                ms.insert(m.name.into(), child);
            }
            seen.pop();
            out.insert("members".into(), Value::Object(ms));
        }
    }
    Value::Object(out)
}
