//! Loading a rule set: parse the JSON once, compile it, keep the compiled form.

mod bytes;
mod compile;
pub(crate) mod ir;
mod parse;
mod template;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::endpoint::Endpoint;
use crate::error::{ResolveError, RuleSetError};
use crate::functions::partition::Partitions;
use crate::params::{ParamValue, Params};
use parse::At;

/// A compiled endpoint rule set (`endpoint-rule-set-1.json`), ready to resolve endpoints.
///
/// Compiling checks the whole document (shape, names, function signatures, types) and turns
/// it into a tree with every name already resolved, so that [`resolve`](Self::resolve)
/// costs microseconds. Compile once and share it: a `RuleSet` is `Send + Sync`; each
/// service crate keeps its own compiled once, as a `&'static`.
///
/// ```
/// use session_endpoints::{Params, RuleSet};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let rules = RuleSet::from_json(r#"{
///   "version": "1.0",
///   "parameters": {"Region": {"type": "String", "required": true}},
///   "rules": [{
///     "type": "endpoint",
///     "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}],
///     "endpoint": {"url": "https://svc.{Region}.{p#dnsSuffix}"}
///   }]
/// }"#)?;
/// let endpoint = rules.resolve(&Params::new().str("Region", "cn-north-1"))?;
/// assert_eq!(endpoint.url(), "https://svc.cn-north-1.amazonaws.com.cn");
/// # Ok(()) }
/// ```
pub struct RuleSet {
    pub(crate) params: Box<[Parameter]>,
    pub(crate) slots: usize,
    pub(crate) rules: Box<[ir::Rule]>,
    pub(crate) partitions: Option<Arc<Partitions>>,
    /// For a rule set loaded with [`from_bytes`](Self::from_bytes): those bytes, where its
    /// [`ir::Subtree::Encoded`] subtrees are; empty otherwise.
    pub(crate) encoded: Cow<'static, [u8]>,
}

impl RuleSet {
    /// Parses and compiles a rule set, using the partition table shipped with this crate
    /// for `aws.partition`.
    ///
    /// # Errors
    ///
    /// When `json` is not JSON, or not a valid rule set: the error names the offending
    /// place as a JSON path.
    pub fn from_json(json: &str) -> Result<RuleSet, RuleSetError> {
        Self::build(json, None)
    }

    /// Like [`from_json`](Self::from_json), with another partition table (in the format of
    /// the SDKs' `partitions.json`) for `aws.partition`.
    ///
    /// # Errors
    ///
    /// When either document is invalid.
    pub fn from_json_with_partitions(
        json: &str,
        partitions: &str,
    ) -> Result<RuleSet, RuleSetError> {
        Self::build(
            json,
            Some(Arc::new(Partitions::from_json(
                partitions,
                crate::functions::partition::Compile::Now,
            )?)),
        )
    }

    fn build(json: &str, partitions: Option<Arc<Partitions>>) -> Result<RuleSet, RuleSetError> {
        let doc: Json = serde_json::from_str(json).map_err(RuleSetError::json)?;
        let root = At::Root;
        let map = parse::object(&doc, &root)?;
        parse::only_members(
            map,
            &[
                "version",
                "parameters",
                "rules",
                "serviceId",
                "documentation",
            ],
            &root,
        )?;
        let version_at = root.key("version");
        let version = parse::string(parse::member(map, "version", &root)?, &version_at)?;
        if version.split('.').next() != Some("1") {
            return Err(version_at.error(format!(
                "unsupported rules version `{version}` (expected 1.x)"
            )));
        }
        let params = parse::parameters(
            parse::member(map, "parameters", &root)?,
            &root.key("parameters"),
        )?;
        let compiled = compile::compile(
            parse::member(map, "rules", &root)?,
            &params,
            &root.key("rules"),
        )?;
        // Only rule sets that call aws.partition need the table; the built-in one is
        // parsed once per process and shared.
        let partitions = match (partitions, compiled.uses_partitions) {
            (Some(table), _) => Some(table),
            (None, true) => Some(Partitions::builtin()?),
            (None, false) => None,
        };
        Ok(RuleSet {
            params: params.into(),
            slots: compiled.slots,
            rules: compiled.rules,
            partitions,
            encoded: Cow::Borrowed(&[]),
        })
    }

    /// The parameters the rule set declares, in name order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.params
    }

    /// The parameter called `name`, if the rule set declares it.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Resolves the endpoint for `params`.
    ///
    /// Parameters not given take their `default`, if any.
    ///
    /// # Errors
    ///
    /// - an `error` rule matched: [`ResolveError::is_rule_error`], and the error displays
    ///   exactly the rule's message;
    /// - `params` names a parameter the rule set does not declare, gives one a value of the
    ///   wrong type, or leaves a required one without a value:
    ///   [`ResolveError::is_invalid_params`];
    /// - no rule matched, or a matched rule used an unset value (a faulty rule set):
    ///   [`ResolveError::is_incomplete_rule_set`].
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, ResolveError> {
        crate::eval::resolve(self, params)
    }
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The compiled tree is large and not meant for reading; show what a user chose.
        f.debug_struct("RuleSet")
            .field(
                "parameters",
                &self.params.iter().map(|p| &p.name).collect::<Vec<_>>(),
            )
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

/// The type of a rule-set parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParameterType {
    /// `String`.
    String,
    /// `Boolean`.
    Boolean,
    /// `stringArray`.
    StringArray,
}

impl ParameterType {
    /// A lower-case name for messages: `string`, `boolean`, `string array`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::StringArray => "string array",
        }
    }
}

impl fmt::Display for ParameterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::String => "String",
            Self::Boolean => "Boolean",
            Self::StringArray => "stringArray",
        })
    }
}

/// A parameter declared by a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    pub(crate) name: String,
    pub(crate) kind: ParameterType,
    pub(crate) required: bool,
    pub(crate) default: Option<ParamValue>,
    pub(crate) built_in: Option<String>,
    pub(crate) documentation: Option<String>,
    pub(crate) deprecated: bool,
}

impl Parameter {
    /// The name, as used in [`Params`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type.
    pub fn kind(&self) -> ParameterType {
        self.kind
    }

    /// Whether resolving fails when the parameter has no value (after defaults).
    pub fn required(&self) -> bool {
        self.required
    }

    /// The value used when none is given.
    pub fn default(&self) -> Option<&ParamValue> {
        self.default.as_ref()
    }

    /// The SDK setting that supplies the value, e.g. `AWS::Region`, `SDK::Endpoint`.
    pub fn built_in(&self) -> Option<&str> {
        self.built_in.as_deref()
    }

    /// The rule set's description of the parameter.
    pub fn documentation(&self) -> Option<&str> {
        self.documentation.as_deref()
    }

    /// Whether the rule set marks the parameter deprecated.
    pub fn deprecated(&self) -> bool {
        self.deprecated
    }
}
