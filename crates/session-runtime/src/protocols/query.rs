//! The AWS query protocol's request side: an input (as its serde JSON value) flattened into
//! `Key.Path=value` pairs by the shape table.

use serde_json::Value;

use crate::schema::{Shape, ShapeId, TimestampFormat};
use crate::Timestamp;

/// Appends the pairs of `value` (of shape `id`) under `prefix` (empty at the top level).
pub(crate) fn serialize(
    shapes: &[Shape],
    id: ShapeId,
    prefix: &str,
    value: &Value,
    out: &mut Vec<(String, String)>,
) {
    let Some(shape) = shapes.get(usize::from(id)) else {
        return;
    };
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_owned()
        } else {
            format!("{a}.{b}")
        }
    };
    match shape {
        Shape::Structure(members) => {
            let Value::Object(map) = value else { return };
            for m in members.iter() {
                let Some(v) = map.get(m.name).filter(|v| !v.is_null()) else {
                    continue;
                };
                let key = join(prefix, m.wire);
                match shapes.get(usize::from(m.shape)) {
                    // Flattened: `Name.N`, under the member's own (wire) name.
                    Some(Shape::List(list)) if m.flattened || list.flattened => {
                        flat_list(shapes, list.member, &key, v, out);
                    }
                    Some(Shape::Map(map_shape)) if m.flattened || map_shape.flattened => {
                        entries(shapes, map_shape, &key, v, true, out);
                    }
                    Some(Shape::Timestamp(shape_format)) => {
                        let format = if m.format == TimestampFormat::Default {
                            *shape_format
                        } else {
                            m.format
                        };
                        if let Some(text) = timestamp_text(v, format) {
                            out.push((key, text));
                        }
                    }
                    _ => serialize(shapes, m.shape, &key, v, out),
                }
            }
        }
        Shape::List(list) => {
            let Value::Array(items) = value else { return };
            if items.is_empty() {
                out.push((prefix.to_owned(), String::new()));
                return;
            }
            if list.flattened {
                flat_list(shapes, list.member, prefix, value, out);
                return;
            }
            for (i, item) in items.iter().enumerate() {
                let key = format!("{prefix}.{}.{}", list.member_name, i + 1);
                serialize(shapes, list.member, &key, item, out);
            }
        }
        Shape::Map(map_shape) => {
            entries(shapes, map_shape, prefix, value, map_shape.flattened, out)
        }
        Shape::Timestamp(format) => {
            if let Some(text) = timestamp_text(value, *format) {
                out.push((prefix.to_owned(), text));
            }
        }
        Shape::Float => out.push((prefix.to_owned(), scalar_text(value))),
        _ => out.push((prefix.to_owned(), scalar_text(value))),
    }
}

fn flat_list(
    shapes: &[Shape],
    member: ShapeId,
    prefix: &str,
    value: &Value,
    out: &mut Vec<(String, String)>,
) {
    let Value::Array(items) = value else { return };
    if items.is_empty() {
        out.push((prefix.to_owned(), String::new()));
    }
    for (i, item) in items.iter().enumerate() {
        serialize(shapes, member, &format!("{prefix}.{}", i + 1), item, out);
    }
}

fn entries(
    shapes: &[Shape],
    map_shape: &crate::schema::Map,
    prefix: &str,
    value: &Value,
    flattened: bool,
    out: &mut Vec<(String, String)>,
) {
    let Value::Object(map) = value else { return };
    for (i, (k, v)) in map.iter().enumerate() {
        let entry = if flattened {
            format!("{prefix}.{}", i + 1)
        } else {
            format!("{prefix}.entry.{}", i + 1)
        };
        out.push((format!("{entry}.{}", map_shape.key_name), k.clone()));
        serialize(
            shapes,
            map_shape.value,
            &format!("{entry}.{}", map_shape.value_name),
            v,
            out,
        );
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A timestamp value (as the types' serde form gives it: epoch seconds, or text) in
/// `format`.
pub(crate) fn timestamp_text(value: &Value, format: TimestampFormat) -> Option<String> {
    let t = match value {
        Value::Number(n) => Timestamp::from_secs_f64(n.as_f64()?)?,
        Value::String(s) => serde_json::from_value::<Timestamp>(Value::String(s.clone())).ok()?,
        _ => return None,
    };
    Some(match format {
        TimestampFormat::EpochSeconds => {
            if t.subsec_nanos() == 0 {
                t.secs().to_string()
            } else {
                format!("{}", t.as_secs_f64())
            }
        }
        TimestampFormat::HttpDate => crate::timestamp_format::format_http_date(t),
        TimestampFormat::Default | TimestampFormat::Iso8601 => t.to_string(),
    })
}

/// The form body of a query request: `Action`, `Version`, then the pairs.
pub(crate) fn form_body(action: &str, version: &str, pairs: &[(String, String)]) -> String {
    let enc = |s: &str| session_tower::protocol::rpc::percent_encode(s, false);
    let mut body = format!("Action={}&Version={}", enc(action), enc(version));
    for (k, v) in pairs {
        body.push('&');
        body.push_str(&enc(k));
        body.push('=');
        body.push_str(&enc(v));
    }
    body
}
