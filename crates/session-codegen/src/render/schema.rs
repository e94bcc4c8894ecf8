//! The shape table of the XML-based protocols (`generated/schema.rs`).

use std::fmt::Write as _;

use super::*;

impl<'a> Gen<'a> {
    /// The shape table the XML protocols' runtime reads (see `session_runtime::schema`).
    pub(super) fn render_schema(&self) -> String {
        let mut out = format!(
            "{HEADER}//! The shape table: how each shape is written in query keys and XML.\n\n\
             #![allow(unused_imports)]\n\n\
             use session_runtime::schema::{{List, Location, Map, Member, Shape, TimestampFormat}};\n\n\
             pub(crate) static SHAPES: &[Shape] = &[\n"
        );
        let id = |name: &str| self.shape_id(name).unwrap_or(usize::MAX);
        for (name, shape) in &self.model.shapes {
            let _ = write!(out, "    // {name}\n    ");
            match shape.kind.as_str() {
                "structure" if !shape.document => {
                    out.push_str("Shape::Structure(&[");
                    for (member_name, m) in &shape.members {
                        let target = self.model.shapes.get(&m.shape);
                        let wire = m.location_name.as_deref().unwrap_or(member_name);
                        let flattened = m.flattened || target.is_some_and(|t| t.flattened);
                        let format = match m.timestamp_format.as_deref() {
                            Some("iso8601") => "Iso8601",
                            Some("rfc822") => "HttpDate",
                            Some("unixTimestamp") => "EpochSeconds",
                            _ => "Default",
                        };
                        // Header names are case-insensitive; lower case matches `HeaderName`.
                        let wire = if matches!(m.location.as_deref(), Some("header" | "headers")) {
                            wire.to_ascii_lowercase()
                        } else {
                            wire.to_owned()
                        };
                        let wire = wire.as_str();
                        let location = match m.location.as_deref() {
                            Some("uri") => "Uri",
                            Some("querystring") => "Query",
                            Some("header") => "Header",
                            Some("headers") => "PrefixHeaders",
                            Some("statusCode") => "StatusCode",
                            _ => "Body",
                        };
                        let _ = write!(
                            out,
                            "Member {{ name: {}, wire: {}, shape: {}, flattened: {flattened}, attribute: {}, format: TimestampFormat::{format}, location: Location::{location} }}, ",
                            lit(member_name),
                            lit(wire),
                            id(&m.shape),
                            m.xml_attribute
                        );
                    }
                    out.push_str("]),\n");
                }
                "list" => {
                    let member = shape.member.as_deref();
                    let member_name = member.and_then(|m| m.location_name.as_deref());
                    let _ = writeln!(
                        out,
                        "Shape::List(List {{ member: {}, member_name: {}, member_named: {}, flattened: {} }}),",
                        member.map_or(usize::MAX, |m| id(&m.shape)),
                        lit(member_name.unwrap_or("member")),
                        member_name.is_some(),
                        shape.flattened
                    );
                }
                "map" => {
                    let key = shape.key.as_deref();
                    let value = shape.value.as_deref();
                    let _ = writeln!(
                        out,
                        "Shape::Map(Map {{ key: {}, value: {}, key_name: {}, value_name: {}, flattened: {} }}),",
                        key.map_or(usize::MAX, |m| id(&m.shape)),
                        value.map_or(usize::MAX, |m| id(&m.shape)),
                        lit(key.and_then(|k| k.location_name.as_deref()).unwrap_or("key")),
                        lit(value.and_then(|v| v.location_name.as_deref()).unwrap_or("value")),
                        shape.flattened
                    );
                }
                "string" => out.push_str("Shape::String,\n"),
                "integer" | "long" | "short" | "byte" => out.push_str("Shape::Integer,\n"),
                "float" | "double" => out.push_str("Shape::Float,\n"),
                "boolean" => out.push_str("Shape::Boolean,\n"),
                "blob" => out.push_str("Shape::Blob,\n"),
                "timestamp" => {
                    let format = match shape.timestamp_format.as_deref() {
                        Some("iso8601") => "Iso8601",
                        Some("rfc822") => "HttpDate",
                        Some("unixTimestamp") => "EpochSeconds",
                        _ => "Default",
                    };
                    let _ = writeln!(out, "Shape::Timestamp(TimestampFormat::{format}),");
                }
                _ => out.push_str("Shape::Other,\n"),
            }
        }
        out.push_str("];\n");
        out
    }
}
