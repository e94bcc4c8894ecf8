//! Per shape: structs, string enums and unions (`generated/types.rs`).

use std::fmt::Write as _;

use super::*;

impl<'a> Gen<'a> {
    pub(super) fn render_enum(&self, out: &mut String, name: &str, shape: &Shape, rust: &str) {
        let _ = writeln!(out, "session_runtime::string_enum! {{");
        let _ = writeln!(out, "    /// The `{name}` enum.");
        let _ = writeln!(out, "    {rust} {{");
        let mut taken = BTreeSet::new();
        for value in shape.enum_values.iter().flatten() {
            let mut variant = pascal(value);
            if variant == "Unknown" {
                variant.push('_');
            }
            while !taken.insert(variant.clone()) {
                variant.push('_');
            }
            let _ = writeln!(out, "        /// `{value}`");
            let _ = writeln!(out, "        {variant} => {},", lit(value));
        }
        let _ = writeln!(out, "    }}\n}}\n");
    }

    pub(super) fn render_union(
        &self,
        out: &mut String,
        name: &str,
        shape: &Shape,
        rust: &str,
    ) -> Result<(), String> {
        // Unions always serialize (their variants carry the serde names); the hand-written
        // Deserialize is generated only where one is received.
        let de = self.deserialized.contains(name) || !self.serialized.contains(name);
        let derive = ", Serialize";
        let _ = writeln!(
            out,
            "/// The `{name}` union: exactly one member is set.\n#[derive(Debug, Clone, PartialEq{derive})]\n#[serde(crate = \"session_runtime::serde\")]\npub enum {rust} {{"
        );
        let mut taken = BTreeSet::new();
        let mut arms = String::new();
        for (member_name, member) in &shape.members {
            let mut variant = pascal(member_name);
            if variant == "Unknown" {
                variant.push('_');
            }
            while !taken.insert(variant.clone()) {
                variant.push('_');
            }
            let ty = self.field_type(name, member_name, member)?;
            let with = self.timestamp_with(member, false);
            let _ = writeln!(
                out,
                "    /// `{member_name}`.\n    #[serde(rename = {}{with})]\n    {variant}({ty}),",
                lit(member_name)
            );
            let read = match with
                .strip_prefix(", with = \"")
                .and_then(|w| w.strip_suffix('"'))
            {
                Some(module) => format!("{module}::deserialize(value).map_err(D::Error::custom)?"),
                None => "rt::from_value(value)?".to_owned(),
            };
            let read = if ty.starts_with("Box<") {
                format!("Box::new({read})")
            } else {
                read
            };
            let _ = writeln!(
                arms,
                "            {} => Self::{variant}({read}),",
                lit(member_name)
            );
        }
        let _ = writeln!(
            out,
            "    /// A member this version does not know (as sent).\n    #[serde(untagged)]\n    Unknown(rt::Document),\n}}\n"
        );
        if !de {
            return Ok(());
        }
        let _ = writeln!(
            out,
            "impl<'de> Deserialize<'de> for {rust} {{\n    fn deserialize<D: rt::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        use rt::serde::de::Error as _;\n        let Some((key, value)) = rt::union_entry(d)? else {{\n            return Ok(Self::Unknown(rt::Document::Object(Default::default())));\n        }};\n        Ok(match key.as_str() {{\n{arms}            _ => Self::Unknown(rt::Document::Object([(key, value)].into_iter().collect())),\n        }})\n    }}\n}}\n"
        );
        Ok(())
    }

    /// `, with = "..."` for a member whose wire form serde's defaults do not give: a
    /// timestamp with a non-default format, a float (non-finite values are text).
    pub(super) fn timestamp_with(&self, member: &Member, optional: bool) -> String {
        let Some(shape) = self.model.shapes.get(&member.shape) else {
            return String::new();
        };
        if shape.kind == "double" || shape.kind == "float" {
            let ty = if shape.kind == "float" { "f32" } else { "f64" };
            let module = if optional {
                format!("{ty}_opt")
            } else {
                format!("{ty}_value")
            };
            return format!(", with = \"rt::float_format::{module}\"");
        }
        if shape.kind != "timestamp" {
            return String::new();
        }
        let format = member
            .timestamp_format
            .as_deref()
            .or(shape.timestamp_format.as_deref());
        let module = match format {
            Some("iso8601") => "iso8601",
            Some("rfc822") => "http_date",
            _ => return String::new(),
        };
        let suffix = if optional { "_opt" } else { "" };
        format!(", with = \"rt::timestamp_format::{module}{suffix}\"")
    }

    pub(super) fn field_type(
        &self,
        owner: &str,
        member_name: &str,
        member: &Member,
    ) -> Result<String, String> {
        let ty = self.rust_type(&member.shape)?;
        Ok(if self.types.is_boxed(owner, member_name) {
            format!("Box<{ty}>")
        } else {
            ty
        })
    }

    pub(super) fn render_struct(
        &self,
        out: &mut String,
        name: &str,
        shape: &Shape,
        rust: &str,
    ) -> Result<(), String> {
        let sensitive = shape.members.values().any(|m| self.is_sensitive(m));
        let kind = if shape.exception {
            "error"
        } else {
            "structure"
        };
        let _ = writeln!(
            out,
            "/// The `{name}` {kind}. Every member is optional here; build one with\n/// `{rust} {{ field: Some(..), ..Default::default() }}`."
        );
        let derive_debug = if sensitive { "" } else { "Debug, " };
        let serde = match (
            self.serialized.contains(name),
            self.deserialized.contains(name) || shape.exception,
        ) {
            (true, true) => ", Serialize, Deserialize",
            (true, false) => ", Serialize",
            (false, true) => ", Deserialize",
            // Unused by any operation: still a complete type for users.
            (false, false) => ", Serialize, Deserialize",
        };
        let _ = writeln!(
            out,
            "#[derive({derive_debug}Clone, PartialEq, Default{serde})]\n#[serde(crate = \"session_runtime::serde\")]\npub struct {rust} {{"
        );
        let mut fields = Vec::new();
        for (member_name, member) in &shape.members {
            let field = snake(member_name);
            let ty = self.field_type(name, member_name, member)?;
            let required = shape.required.contains(member_name);
            let _ = writeln!(
                out,
                "    /// `{member_name}`{}.",
                if required { " (required)" } else { "" }
            );
            if member.deprecated {
                let _ = writeln!(out, "    #[deprecated]");
            }
            if self.is_streaming(member) {
                // A streaming body travels beside the serde form, never through it.
                let _ = writeln!(
                    out,
                    "    #[serde(skip)]\n    pub {field}: Option<rt::ByteStream>,"
                );
                fields.push((field, member_name.as_str(), false));
                continue;
            }
            let _ = writeln!(
                out,
                "    #[serde(rename = {}, default, skip_serializing_if = \"Option::is_none\"{})]",
                lit(member_name),
                self.timestamp_with(member, true)
            );
            let _ = writeln!(out, "    pub {field}: Option<{ty}>,");
            fields.push((field, member_name.as_str(), self.is_sensitive(member)));
        }
        if shape.exception {
            let _ = writeln!(
                out,
                "    /// The service's answer: status, code, message, request id.\n    #[serde(skip)]\n    pub meta: session_tower::ServiceError,"
            );
        }
        let _ = writeln!(out, "}}\n");
        if sensitive {
            let _ = writeln!(
                out,
                "impl std::fmt::Debug for {rust} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        let mut d = f.debug_struct({});",
                lit(rust)
            );
            for (field, _, secret) in &fields {
                let shown = field.trim_start_matches("r#");
                if *secret {
                    let _ = writeln!(
                        out,
                        "        d.field({}, &self.{field}.as_ref().map(|_| \"*** redacted ***\"));",
                        lit(shown)
                    );
                } else {
                    let _ = writeln!(out, "        d.field({}, &self.{field});", lit(shown));
                }
            }
            let _ = writeln!(out, "        d.finish_non_exhaustive()\n    }}\n}}\n");
        }
        Ok(())
    }
}
