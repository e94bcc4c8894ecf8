//! Reading the JSON document: locations for error messages, shape helpers, and the
//! `parameters` section.

use serde_json::{Map, Value as Json};

use super::{Parameter, ParameterType};
use crate::error::RuleSetError;
use crate::params::ParamValue;

/// Where a node is in the document, as a linked list on the stack: free to build while
/// compiling, turned into a `$.rules[0].conditions[1]` string only for an error.
#[derive(Clone, Copy)]
pub(crate) enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    pub(crate) fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    pub(crate) fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }

    pub(crate) fn render(&self) -> String {
        match self {
            At::Root => "$".to_owned(),
            At::Key(parent, key) => {
                let simple = key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if simple {
                    format!("{}.{key}", parent.render())
                } else {
                    format!("{}[{key:?}]", parent.render())
                }
            }
            At::Index(parent, index) => format!("{}[{index}]", parent.render()),
        }
    }

    /// An "invalid rule set" error located here.
    pub(crate) fn error(&self, message: impl Into<String>) -> RuleSetError {
        RuleSetError::invalid(self.render(), message)
    }
}

/// `json` as an object, or an error naming `what` was expected.
pub(crate) fn object<'j>(
    json: &'j Json,
    at: &At<'_>,
) -> Result<&'j Map<String, Json>, RuleSetError> {
    json.as_object()
        .ok_or_else(|| at.error("expected an object"))
}

/// `json` as an array.
pub(crate) fn array<'j>(json: &'j Json, at: &At<'_>) -> Result<&'j [Json], RuleSetError> {
    json.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| at.error("expected an array"))
}

/// `json` as a string.
pub(crate) fn string<'j>(json: &'j Json, at: &At<'_>) -> Result<&'j str, RuleSetError> {
    json.as_str().ok_or_else(|| at.error("expected a string"))
}

/// The member `key` of `map`, which must be present.
pub(crate) fn member<'j>(
    map: &'j Map<String, Json>,
    key: &str,
    at: &At<'_>,
) -> Result<&'j Json, RuleSetError> {
    map.get(key)
        .ok_or_else(|| at.error(format!("missing member `{key}`")))
}

/// Rejects members other than `allowed`, so that typos (`"asign"`) do not pass silently.
pub(crate) fn only_members(
    map: &Map<String, Json>,
    allowed: &[&str],
    at: &At<'_>,
) -> Result<(), RuleSetError> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(at.error(format!(
            "unexpected member `{key}` (expected one of: {})",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

/// The `parameters` section, in name order (the order of the JSON object's keys as read).
pub(crate) fn parameters(json: &Json, at: &At<'_>) -> Result<Vec<Parameter>, RuleSetError> {
    let map = object(json, at)?;
    let mut params = Vec::with_capacity(map.len());
    for (name, spec) in map {
        let at = at.key(name);
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(at.error("a parameter name must be letters, digits and `_`"));
        }
        params.push(parameter(name, spec, &at)?);
    }
    Ok(params)
}

fn parameter(name: &str, json: &Json, at: &At<'_>) -> Result<Parameter, RuleSetError> {
    let spec = object(json, at)?;
    only_members(
        spec,
        &[
            "type",
            "required",
            "default",
            "builtIn",
            "documentation",
            "deprecated",
        ],
        at,
    )?;
    let type_at = at.key("type");
    let kind = match string(member(spec, "type", at)?, &type_at)? {
        t if t.eq_ignore_ascii_case("string") => ParameterType::String,
        t if t.eq_ignore_ascii_case("boolean") => ParameterType::Boolean,
        t if t.eq_ignore_ascii_case("stringArray") => ParameterType::StringArray,
        other => {
            return Err(type_at.error(format!(
                "unknown parameter type `{other}` (expected String, Boolean or stringArray)"
            )))
        }
    };
    let required = match spec.get("required") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| at.key("required").error("expected a boolean"))?,
    };
    let default = spec
        .get("default")
        .map(|v| default_value(v, kind, &at.key("default")))
        .transpose()?;
    let optional_string = |key: &'static str| -> Result<Option<String>, RuleSetError> {
        spec.get(key)
            .map(|v| string(v, &at.key(key)).map(str::to_owned))
            .transpose()
    };
    Ok(Parameter {
        name: name.to_owned(),
        kind,
        required,
        default,
        built_in: optional_string("builtIn")?,
        documentation: optional_string("documentation")?,
        // `deprecated` is an object with a message and a date; only its presence matters.
        deprecated: spec.contains_key("deprecated"),
    })
}

fn default_value(
    json: &Json,
    kind: ParameterType,
    at: &At<'_>,
) -> Result<ParamValue, RuleSetError> {
    let value = match (kind, json) {
        (ParameterType::String, Json::String(s)) => Some(ParamValue::String(s.clone())),
        (ParameterType::Boolean, Json::Bool(b)) => Some(ParamValue::Bool(*b)),
        (ParameterType::StringArray, Json::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::StringArray),
        _ => None,
    };
    value.ok_or_else(|| at.error(format!("the default must be a {}", kind.describe())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_render_as_json_paths() {
        let root = At::Root;
        let rules = root.key("rules");
        let first = rules.index(0);
        let odd = first.key("a key");
        assert_eq!(odd.render(), "$.rules[0][\"a key\"]");
        assert_eq!(
            first.key("conditions").index(2).render(),
            "$.rules[0].conditions[2]"
        );
    }

    #[test]
    fn parameter_sections() {
        let json: Json = serde_json::from_str(
            r#"{"Region":{"type":"String","builtIn":"AWS::Region","required":false,"documentation":"d"},
                "UseFIPS":{"type":"boolean","required":true,"default":false},
                "Arns":{"type":"stringArray","default":["a"],"deprecated":{"message":"x"}}}"#,
        )
        .unwrap();
        let params = parameters(&json, &At::Root).unwrap();
        let names: Vec<_> = params.iter().map(|p| p.name.as_str()).collect();
        // In the rule set's order.
        assert_eq!(names, ["Region", "UseFIPS", "Arns"]);
        assert_eq!(
            params[2].default,
            Some(ParamValue::StringArray(vec!["a".into()]))
        );
        assert!(params[2].deprecated);
        assert_eq!(params[0].built_in.as_deref(), Some("AWS::Region"));
        assert_eq!(params[1].kind, ParameterType::Boolean);
        assert!(params[1].required);
    }

    #[test]
    fn bad_parameter_sections() {
        for (bad, needle) in [
            (r#"[]"#, "expected an object"),
            (r#"{"A":{"type":"int"}}"#, "unknown parameter type"),
            (r#"{"A":{}}"#, "missing member `type`"),
            (
                r#"{"A":{"type":"String","default":true}}"#,
                "default must be a string",
            ),
            (
                r#"{"A":{"type":"stringArray","default":[1]}}"#,
                "default must be",
            ),
            (
                r#"{"A":{"type":"String","required":"yes"}}"#,
                "expected a boolean",
            ),
            (
                r#"{"A":{"type":"String","requierd":true}}"#,
                "unexpected member `requierd`",
            ),
            (r#"{"A-b":{"type":"String"}}"#, "parameter name"),
        ] {
            let json: Json = serde_json::from_str(bad).unwrap();
            let err = parameters(&json, &At::Root).unwrap_err().to_string();
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }
}
