//! Checking an input against the model before anything is sent, as botocore's
//! `ParamValidator` does.
//!
//! The serializer that writes the request is also the validator: it walks the input by
//! the shape tables and lists every problem (unknown members, missing required members,
//! wrong types, values below the model's `min`) with its member path, before the request
//! exists. This module turns those into [`Error::is_invalid`](crate::Error::is_invalid)
//! errors naming the operation, and adds what botocore reports without failing: enum
//! values the model does not list (services add values before models catch up), which
//! are warnings.

use session_runtime::shapes::{Kind, Service, ShapeId};
use session_runtime::value::Value;

use crate::error::{Error, Problem};

/// The stack's error for a request that could not be built, as an invalid-input error
/// when it is one.
pub(crate) fn invalid_input(operation: &str, e: &session_tower::Error) -> Option<Error> {
    if !e.is_request() {
        return None;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(ser) = s.downcast_ref::<session_runtime::wire::ser::Error>() {
            if ser.problems().is_empty() {
                return None;
            }
            let problems = ser
                .problems()
                .iter()
                .map(|p| Problem {
                    path: p.path.clone(),
                    message: p.message.clone(),
                })
                .collect();
            return Some(Error::invalid(operation, problems));
        }
        source = s.source();
    }
    None
}

/// Enum values the model does not list, as `path: message` warnings.
pub(crate) fn enum_warnings(service: &Service, shape: ShapeId, value: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    walk(service, shape, value, &mut String::new(), &mut out, 0);
    out
}

fn walk(
    service: &Service,
    id: ShapeId,
    value: &Value,
    path: &mut String,
    out: &mut Vec<Problem>,
    depth: usize,
) {
    // Recursive shapes with recursive values: a bound keeps a hostile input from
    // exhausting the stack (the serializer has its own).
    if depth > 64 {
        return;
    }
    let shape = service.shape(id);
    match (&shape.kind, value) {
        (Kind::String(values), Value::String(s))
            if !values.is_empty() && !values.contains(&s.as_str()) =>
        {
            out.push(Problem {
                path: path.clone(),
                message: format!(
                    "{s:?} is not one of the model's values for {} ({}); sent anyway",
                    shape.name,
                    values.join(", ")
                ),
            });
        }
        (Kind::Structure(members), Value::Map(map)) => {
            for m in *members {
                if let Some(v) = map.get(m.name) {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(m.name);
                    walk(service, m.shape, v, path, out, depth + 1);
                    path.truncate(len);
                }
            }
        }
        (Kind::List(member), Value::List(items)) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(service, member.shape, v, path, out, depth + 1);
                path.truncate(len);
            }
        }
        (Kind::Map(key, val), Value::Map(map)) => {
            for (k, v) in map {
                let len = path.len();
                path.push_str(&format!("[{k:?}]"));
                walk(
                    service,
                    key.shape,
                    &Value::String(k.clone()),
                    path,
                    out,
                    depth + 1,
                );
                walk(service, val.shape, v, path, out, depth + 1);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
