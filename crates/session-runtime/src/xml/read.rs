//! The XML protocols' response side: an element read into the serde JSON layout of the
//! generated types, by the shape table.

use serde_json::{Map as JsonMap, Number, Value};

use super::dom::Element;
use crate::schema::{Shape, ShapeId};

/// Reads `el` as shape `id`.
pub(crate) fn read(shapes: &[Shape], id: ShapeId, el: &Element) -> Value {
    let Some(shape) = shapes.get(usize::from(id)) else {
        return Value::Null;
    };
    match shape {
        Shape::Structure(members) => {
            let mut out = JsonMap::new();
            for m in members.iter() {
                // Headers and the status are read elsewhere; URI and query bindings mean
                // nothing in a response, so such members come from the body.
                if matches!(
                    m.location,
                    crate::schema::Location::Header
                        | crate::schema::Location::PrefixHeaders
                        | crate::schema::Location::StatusCode
                ) {
                    continue;
                }
                if m.attribute {
                    if let Some(v) = el.attribute(m.wire) {
                        out.insert(m.name.to_owned(), scalar(shapes, m.shape, v));
                    }
                    continue;
                }
                match shapes.get(usize::from(m.shape)) {
                    Some(Shape::List(list)) if m.flattened || list.flattened => {
                        // Flattened elements carry the member's own name in XML.
                        let items: Vec<Value> = el
                            .children_named(m.wire)
                            .map(|c| read(shapes, list.member, c))
                            .collect();
                        if !items.is_empty() {
                            out.insert(m.name.to_owned(), Value::Array(items));
                        }
                    }
                    Some(Shape::Map(map)) if m.flattened || map.flattened => {
                        let mut entries = JsonMap::new();
                        for e in el.children_named(m.wire) {
                            insert_entry(shapes, map, e, &mut entries);
                        }
                        if !entries.is_empty() {
                            out.insert(m.name.to_owned(), Value::Object(entries));
                        }
                    }
                    _ => {
                        if let Some(child) = el.child(m.wire) {
                            out.insert(m.name.to_owned(), read(shapes, m.shape, child));
                        }
                    }
                }
            }
            Value::Object(out)
        }
        Shape::List(list) => Value::Array(
            el.children_named(list.member_name)
                .map(|c| read(shapes, list.member, c))
                .collect(),
        ),
        Shape::Map(map) => {
            let mut entries = JsonMap::new();
            for e in el.children_named("entry") {
                insert_entry(shapes, map, e, &mut entries);
            }
            Value::Object(entries)
        }
        _ => scalar(shapes, id, &el.text),
    }
}

fn insert_entry(
    shapes: &[Shape],
    map: &crate::schema::Map,
    entry: &Element,
    out: &mut JsonMap<String, Value>,
) {
    let (Some(k), Some(v)) = (entry.child(map.key_name), entry.child(map.value_name)) else {
        return;
    };
    out.insert(k.text.clone(), read(shapes, map.value, v));
}

/// Text as the value of a scalar shape; what does not parse stays text, so the typed
/// deserializer reports it with the member's name.
pub(crate) fn scalar(shapes: &[Shape], id: ShapeId, text: &str) -> Value {
    match shapes.get(usize::from(id)) {
        Some(Shape::Integer) => text
            .trim()
            .parse::<i64>()
            .map(|n| Value::Number(n.into()))
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        // `NaN` and the infinities stay text (JSON numbers cannot hold them); the float
        // members' deserializer reads them.
        Some(Shape::Float) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(text.trim().to_owned()), Value::Number),
        Some(Shape::Boolean) => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_owned()),
        },
        Some(Shape::Timestamp(_)) => Value::String(text.trim().to_owned()),
        _ => Value::String(text.to_owned()),
    }
}
