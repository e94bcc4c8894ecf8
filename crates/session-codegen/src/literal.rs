//! Rust expressions for model values given as JSON (the protocol tests' `params`,
//! `result` and `error`), typed by their shape.

use serde_json::Value;

use crate::model::Model;
use crate::names::{lit, raw, snake};
use crate::render::RustTypes;

/// A Rust expression of `shape`'s type (not wrapped in `Option`) holding `value`.
///
/// # Errors
/// A value that does not fit its shape, or a shape kind not supported here.
pub fn literal(
    model: &Model,
    types: &RustTypes,
    shape_name: &str,
    value: &Value,
) -> Result<String, String> {
    let shape = model
        .shapes
        .get(shape_name)
        .ok_or_else(|| format!("unknown shape {shape_name}"))?;
    let bad = || {
        format!(
            "value {value} does not fit shape {shape_name} ({})",
            shape.kind
        )
    };
    Ok(match shape.kind.as_str() {
        "structure" if shape.document => format!(
            "rt::serde_json::from_str::<rt::Document>({}).unwrap()",
            raw(&value.to_string())
        ),
        "structure" if shape.union => {
            let obj = value.as_object().ok_or_else(bad)?;
            let (member_name, inner) = obj.iter().next().ok_or("an empty union value")?;
            let member = shape
                .members
                .get(member_name)
                .ok_or_else(|| format!("union {shape_name} has no member {member_name}"))?;
            let ty = types.name(shape_name)?;
            let variant = crate::names::pascal(member_name);
            let inner = literal(model, types, &member.shape, inner)?;
            format!(
                "{ty}::{variant}({})",
                types.wrap(shape_name, member_name, inner)
            )
        }
        "structure" => {
            let obj = value.as_object().ok_or_else(bad)?;
            let ty = types.name(shape_name)?;
            let mut fields = Vec::new();
            for (member_name, v) in obj {
                let member = shape
                    .members
                    .get(member_name)
                    .ok_or_else(|| format!("{shape_name} has no member {member_name}"))?;
                if v.is_null() {
                    continue;
                }
                let inner = literal(model, types, &member.shape, v)?;
                fields.push(format!(
                    "{}: Some({})",
                    snake(member_name),
                    types.wrap(shape_name, member_name, inner)
                ));
            }
            fields.push("..Default::default()".to_owned());
            format!("{ty} {{ {} }}", fields.join(", "))
        }
        "list" => {
            let items = value.as_array().ok_or_else(bad)?;
            let member = shape.member.as_ref().ok_or("list without member")?;
            let parts = items
                .iter()
                .map(|v| literal(model, types, &member.shape, v))
                .collect::<Result<Vec<_>, _>>()?;
            format!("vec![{}]", parts.join(", "))
        }
        "map" => {
            let obj = value.as_object().ok_or_else(bad)?;
            let (k, v) = (
                shape.key.as_ref().ok_or("map without key")?,
                shape.value.as_ref().ok_or("map without value")?,
            );
            let parts = obj
                .iter()
                .map(|(key, val)| {
                    Ok(format!(
                        "({}, {})",
                        literal(model, types, &k.shape, &Value::String(key.clone()))?,
                        literal(model, types, &v.shape, val)?
                    ))
                })
                .collect::<Result<Vec<_>, String>>()?;
            format!("HashMap::from([{}])", parts.join(", "))
        }
        "string" => {
            let s = value.as_str().ok_or_else(bad)?;
            if shape.enum_values.is_some() {
                format!("{}::from({})", types.name(shape_name)?, lit(s))
            } else {
                format!("{}.to_owned()", lit(s))
            }
        }
        "integer" => format!("{}i32", value.as_i64().ok_or_else(bad)?),
        "long" => format!("{}i64", value.as_i64().ok_or_else(bad)?),
        "boolean" => format!("{}", value.as_bool().ok_or_else(bad)?),
        "double" | "float" => {
            let ty = if shape.kind == "float" { "f32" } else { "f64" };
            match value {
                Value::String(s) if s == "NaN" => format!("{ty}::NAN"),
                Value::String(s) if s == "Infinity" => format!("{ty}::INFINITY"),
                Value::String(s) if s == "-Infinity" => format!("{ty}::NEG_INFINITY"),
                Value::Number(n) => format!("{}{ty}", float_text(n.as_f64().ok_or_else(bad)?)),
                _ => return Err(bad()),
            }
        }
        "timestamp" => match value {
            Value::Number(n) => format!(
                "rt::Timestamp::from_secs_f64({}f64).unwrap()",
                float_text(n.as_f64().ok_or_else(bad)?)
            ),
            _ => return Err(bad()),
        },
        "blob" => {
            let s = value.as_str().ok_or_else(bad)?;
            format!("rt::Blob::from({})", lit(s))
        }
        other => return Err(format!("no literal for shape kind {other}")),
    })
}

fn float_text(f: f64) -> String {
    let s = format!("{f:?}");
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}
