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
        let de = self.deserialized.contains(name) || !self.serialized.contains(name);
        let ser = self.serialized.contains(name) || !de;
        let derives = match (ser, de) {
            (true, true) => ", Serialize, Deserialize",
            (true, false) => ", Serialize",
            _ => ", Deserialize",
        };
        let mut taken = BTreeSet::new();
        let mut variants = Vec::new();
        for (member_name, member) in &shape.members {
            let mut variant = pascal(member_name);
            if variant == "Unknown" {
                variant.push('_');
            }
            while !taken.insert(variant.clone()) {
                variant.push('_');
            }
            variants.push((
                variant,
                member_name.as_str(),
                self.field_type(name, member_name, member)?,
            ));
        }
        let (rename_all, renamed) = serde_names(
            variants.iter().map(|(v, m, _)| (v.as_str(), *m)),
            Case::Variant,
        );
        let _ = writeln!(
            out,
            "/// The `{name}` union: exactly one member is set.\n#[derive(Debug, Clone, PartialEq{derives})]\n#[serde(crate = \"session_runtime::serde\"{rename_all})]\npub enum {rust} {{"
        );
        for ((variant, member_name, ty), rename) in variants.iter().zip(renamed) {
            let _ = writeln!(out, "    /// `{member_name}`.");
            if rename {
                let _ = writeln!(out, "    #[serde(rename = {})]", lit(member_name));
            }
            let _ = writeln!(out, "    {variant}({ty}),");
        }
        let _ = writeln!(
            out,
            "    /// A member this version does not know (received only).\n    #[serde(other)]\n    Unknown,\n}}\n"
        );
        Ok(())
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
        let serializes = serde.contains("Serialize");
        let (rename_all, renamed) = serde_names(
            shape
                .members
                .iter()
                .filter(|(_, m)| !self.is_streaming(m))
                .map(|(n, _)| (snake(n), n.as_str()))
                .collect::<Vec<_>>()
                .iter()
                .map(|(f, n)| (f.as_str(), *n)),
            Case::Field,
        );
        let mut renamed = renamed.into_iter();
        let _ = writeln!(
            out,
            "#[derive({derive_debug}Clone, PartialEq, Default{serde})]\n#[serde(crate = \"session_runtime::serde\", default{rename_all})]\npub struct {rust} {{"
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
            let mut attrs = Vec::new();
            if renamed.next().unwrap_or(true) {
                attrs.push(format!("rename = {}", lit(member_name)));
            }
            if serializes {
                attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
                if self
                    .model
                    .shapes
                    .get(&member.shape)
                    .is_some_and(|s| s.kind == "map")
                {
                    attrs.push("serialize_with = \"rt::typed::sorted_map\"".to_owned());
                }
            }
            if !attrs.is_empty() {
                let _ = writeln!(out, "    #[serde({})]", attrs.join(", "));
            }
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
            // Deprecated members are shown too, without a warning per use.
            if shape.members.values().any(|m| m.deprecated) {
                out.push_str("#[allow(deprecated)]\n");
            }
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

/// What serde renames: struct fields (snake case) or enum variants (Pascal case).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    Field,
    Variant,
}

/// A serde `rename_all` rule and what it makes of a Rust name.
type RenameRule = (&'static str, fn(&str, Case) -> String);

/// The container's `rename_all` (as `, rename_all = ".."`, or nothing) that gives the most
/// of the model's names from the Rust names, and for each name whether it still needs a
/// `rename` of its own.
pub(super) fn serde_names<'n>(
    names: impl Iterator<Item = (&'n str, &'n str)>,
    case: Case,
) -> (String, Vec<bool>) {
    let names: Vec<(&str, &str)> = names.collect();
    let candidates: &[RenameRule] = &[
        ("", |n, _| n.to_owned()),
        ("PascalCase", to_pascal),
        ("camelCase", to_camel),
    ];
    let mut best: Option<(&str, Vec<bool>, usize)> = None;
    for (rule, convert) in candidates {
        let renamed: Vec<bool> = names
            .iter()
            .map(|(rust, model)| convert(rust.trim_start_matches("r#"), case) != *model)
            .collect();
        let count = renamed.iter().filter(|r| **r).count();
        if best.as_ref().is_none_or(|(_, _, c)| count < *c) {
            best = Some((rule, renamed, count));
        }
    }
    let (rule, renamed, _) = best.unwrap_or(("", Vec::new(), 0));
    let attr = if rule.is_empty() {
        String::new()
    } else {
        format!(", rename_all = \"{rule}\"")
    };
    (attr, renamed)
}

/// serde's `PascalCase` of a field or variant name.
fn to_pascal(name: &str, case: Case) -> String {
    match case {
        Case::Variant => name.to_owned(),
        Case::Field => {
            let mut out = String::with_capacity(name.len());
            let mut capitalize = true;
            for c in name.chars() {
                if c == '_' {
                    capitalize = true;
                } else if capitalize {
                    out.push(c.to_ascii_uppercase());
                    capitalize = false;
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// serde's `camelCase` of a field or variant name.
fn to_camel(name: &str, case: Case) -> String {
    let pascal = to_pascal(name, case);
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
