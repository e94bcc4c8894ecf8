//! The XML protocols' request bodies: a value (in the generated types' serde layout)
//! written as XML by the shape table.

use std::fmt::Write as _;

use serde_json::Value;

use crate::schema::{Location, Shape, ShapeId, TimestampFormat};

/// Writes `value` (of shape `id`) as an element `name`, with `namespace` as its default
/// namespace when given.
pub(crate) fn write(
    shapes: &[Shape],
    id: ShapeId,
    name: &str,
    namespace: Option<&str>,
    value: &Value,
    out: &mut String,
) {
    let Some(shape) = shapes.get(usize::from(id)) else {
        return;
    };
    let ns = namespace
        .map(|n| format!(" xmlns=\"{}\"", escape(n)))
        .unwrap_or_default();
    match shape {
        Shape::Structure(members) => {
            let Value::Object(map) = value else { return };
            let mut attrs = String::new();
            for m in members.iter().filter(|m| m.attribute) {
                if let Some(v) = map.get(m.name).filter(|v| !v.is_null()) {
                    let _ = write!(
                        attrs,
                        " {}=\"{}\"",
                        m.wire,
                        escape(&text(shapes, m.shape, v, TimestampFormat::Default))
                    );
                }
            }
            let _ = write!(out, "<{name}{ns}{attrs}>");
            for m in members
                .iter()
                .filter(|m| !m.attribute && m.location == Location::Body)
            {
                let Some(v) = map.get(m.name).filter(|v| !v.is_null()) else {
                    continue;
                };
                match shapes.get(usize::from(m.shape)) {
                    Some(Shape::List(list)) if m.flattened || list.flattened => {
                        for item in v.as_array().into_iter().flatten() {
                            write(shapes, list.member, m.wire, None, item, out);
                        }
                    }
                    Some(Shape::Map(map_shape)) if m.flattened || map_shape.flattened => {
                        for (k, item) in v.as_object().into_iter().flatten() {
                            let _ = write!(
                                out,
                                "<{}><{}>{}</{}>",
                                m.wire,
                                map_shape.key_name,
                                escape(k),
                                map_shape.key_name
                            );
                            write(
                                shapes,
                                map_shape.value,
                                map_shape.value_name,
                                None,
                                item,
                                out,
                            );
                            let _ = write!(out, "</{}>", m.wire);
                        }
                    }
                    Some(Shape::Timestamp(format)) => {
                        let format = if m.format == TimestampFormat::Default {
                            *format
                        } else {
                            m.format
                        };
                        let _ = write!(
                            out,
                            "<{0}>{1}</{0}>",
                            m.wire,
                            escape(&text(shapes, m.shape, v, format))
                        );
                    }
                    _ => write(shapes, m.shape, m.wire, None, v, out),
                }
            }
            let _ = write!(out, "</{name}>");
        }
        Shape::List(list) => {
            let _ = write!(out, "<{name}{ns}>");
            for item in value.as_array().into_iter().flatten() {
                write(shapes, list.member, list.member_name, None, item, out);
            }
            let _ = write!(out, "</{name}>");
        }
        Shape::Map(map_shape) => {
            let _ = write!(out, "<{name}{ns}>");
            for (k, item) in value.as_object().into_iter().flatten() {
                let _ = write!(out, "<entry><{0}>{1}</{0}>", map_shape.key_name, escape(k));
                write(
                    shapes,
                    map_shape.value,
                    map_shape.value_name,
                    None,
                    item,
                    out,
                );
                out.push_str("</entry>");
            }
            let _ = write!(out, "</{name}>");
        }
        _ => {
            let _ = write!(
                out,
                "<{name}{ns}>{}</{name}>",
                escape(&text(shapes, id, value, TimestampFormat::Default))
            );
        }
    }
}

/// A scalar as text; timestamps in `format` (ISO 8601 by default).
pub(crate) fn text(
    shapes: &[Shape],
    id: ShapeId,
    value: &Value,
    format: TimestampFormat,
) -> String {
    if let Some(Shape::Timestamp(shape_format)) = shapes.get(usize::from(id)) {
        let format = if format == TimestampFormat::Default {
            *shape_format
        } else {
            format
        };
        return crate::protocols::query::timestamp_text(value, format).unwrap_or_default();
    }
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (shapes.get(usize::from(id)), n.as_f64()) {
            (Some(Shape::Float), Some(f)) if n.is_f64() => float_text(f),
            _ => n.to_string(),
        },
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A float's shortest text. A 32-bit member reaches here widened to 64 bits (`1.1f32`
/// becomes 1.100000023841858): when the value is exactly a 32-bit float, print it as one.
#[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
fn float_text(f: f64) -> String {
    let narrow = f as f32;
    if f64::from(narrow) == f {
        narrow.to_string()
    } else {
        f.to_string()
    }
}

/// Escapes text for element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}
