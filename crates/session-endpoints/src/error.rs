//! The two errors of this crate: a rule set that cannot be loaded, and a request whose
//! endpoint cannot be resolved.
//!
//! Both are opaque on purpose (a boxed private kind, like `reqwest::Error`): ask what
//! happened with the `is_*` predicates. The one promise about `Display` text is the one
//! callers rely on: the error of an `error` rule displays exactly the rule set's message.

use std::error::Error as StdError;
use std::fmt;

/// Why a rule set (or a partition table) could not be loaded and compiled.
///
/// The message names the place in the document, as a JSON path such as
/// `$.rules[0].rules[3].conditions[1].argv[0]`.
pub struct RuleSetError {
    inner: Box<RuleSetInner>,
}

struct RuleSetInner {
    kind: RuleSetKind,
    /// JSON path of the offending node; empty for document-level errors.
    at: String,
    message: String,
    source: Option<serde_json::Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleSetKind {
    /// Not JSON at all.
    Json,
    /// JSON, but not a valid rule set: wrong shape, unknown function, type error, ...
    Invalid,
    /// The partition table is not valid.
    Partitions,
}

impl RuleSetError {
    pub(crate) fn json(err: serde_json::Error) -> Self {
        Self::new(
            RuleSetKind::Json,
            String::new(),
            "not valid JSON",
            Some(err),
        )
    }

    pub(crate) fn invalid(at: String, message: impl Into<String>) -> Self {
        Self::new(RuleSetKind::Invalid, at, message, None)
    }

    pub(crate) fn partitions(at: String, message: impl Into<String>) -> Self {
        Self::new(RuleSetKind::Partitions, at, message, None)
    }

    pub(crate) fn partitions_json(err: serde_json::Error) -> Self {
        Self::new(
            RuleSetKind::Partitions,
            String::new(),
            "partition table is not valid JSON",
            Some(err),
        )
    }

    fn new(
        kind: RuleSetKind,
        at: String,
        message: impl Into<String>,
        source: Option<serde_json::Error>,
    ) -> Self {
        Self {
            inner: Box::new(RuleSetInner {
                kind,
                at,
                message: message.into(),
                source,
            }),
        }
    }

    /// The input was not valid JSON.
    pub fn is_json(&self) -> bool {
        self.inner.kind == RuleSetKind::Json
    }

    /// The input was JSON but not a valid rule set (shape, names, types).
    pub fn is_invalid(&self) -> bool {
        self.inner.kind == RuleSetKind::Invalid
    }

    /// The partition table was not valid.
    pub fn is_partitions(&self) -> bool {
        self.inner.kind == RuleSetKind::Partitions
    }

    /// The JSON path of the offending node (e.g. `$.rules[2].conditions[0]`), when known.
    pub fn location(&self) -> Option<&str> {
        (!self.inner.at.is_empty()).then_some(self.inner.at.as_str())
    }
}

impl fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.inner.kind {
            RuleSetKind::Json | RuleSetKind::Invalid => "invalid endpoint rule set",
            RuleSetKind::Partitions => "invalid partition table",
        };
        write!(f, "{what}: {}", self.inner.message)?;
        if !self.inner.at.is_empty() {
            write!(f, " (at {})", self.inner.at)?;
        }
        if let Some(source) = &self.inner.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSetError")
            .field("kind", &self.inner.kind)
            .field("at", &self.inner.at)
            .field("message", &self.inner.message)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl StdError for RuleSetError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Why an endpoint could not be resolved.
///
/// The most common cause is an `error` rule of the rule set (e.g. "Invalid region: region
/// was not a valid DNS name."): [`is_rule_error`](Self::is_rule_error) is true and
/// `Display` is exactly the rule's message. Other causes are parameters that do not fit the
/// rule set (unknown name, wrong type, a required one missing) and rule sets that do not
/// cover the given parameters.
pub struct ResolveError {
    inner: Box<ResolveKind>,
}

#[derive(Debug)]
enum ResolveKind {
    Rule(String),
    UnknownParam(String),
    ParamType {
        name: String,
        expected: &'static str,
    },
    MissingParam(String),
    NoMatch,
    Unset(String),
    /// A subtree of a rule set loaded from bytes did not decode when first reached.
    Corrupt(String),
}

impl ResolveError {
    pub(crate) fn rule(message: String) -> Self {
        Self::new(ResolveKind::Rule(message))
    }

    pub(crate) fn unknown_param(name: &str) -> Self {
        Self::new(ResolveKind::UnknownParam(name.to_owned()))
    }

    pub(crate) fn param_type(name: &str, expected: &'static str) -> Self {
        Self::new(ResolveKind::ParamType {
            name: name.to_owned(),
            expected,
        })
    }

    pub(crate) fn missing_param(name: &str) -> Self {
        Self::new(ResolveKind::MissingParam(name.to_owned()))
    }

    pub(crate) fn no_match() -> Self {
        Self::new(ResolveKind::NoMatch)
    }

    pub(crate) fn unset(what: String) -> Self {
        Self::new(ResolveKind::Unset(what))
    }

    pub(crate) fn corrupt(why: String) -> Self {
        Self::new(ResolveKind::Corrupt(why))
    }

    fn new(kind: ResolveKind) -> Self {
        Self {
            inner: Box::new(kind),
        }
    }

    /// An `error` rule of the rule set matched; `Display` is exactly its message.
    pub fn is_rule_error(&self) -> bool {
        matches!(*self.inner, ResolveKind::Rule(_))
    }

    /// The message of the `error` rule that matched, if that is what happened.
    pub fn rule_message(&self) -> Option<&str> {
        match &*self.inner {
            ResolveKind::Rule(message) => Some(message),
            _ => None,
        }
    }

    /// The parameters do not fit the rule set: an unknown name, a value of the wrong type,
    /// or a required parameter without a value.
    pub fn is_invalid_params(&self) -> bool {
        matches!(
            *self.inner,
            ResolveKind::UnknownParam(_)
                | ResolveKind::ParamType { .. }
                | ResolveKind::MissingParam(_)
        )
    }

    /// No rule matched: the rule list, or the rules of a matched `tree` rule (which is
    /// terminal), ran out. The rules engine specification calls this rule exhaustion.
    pub fn is_no_match(&self) -> bool {
        matches!(*self.inner, ResolveKind::NoMatch)
    }

    /// The rule set does not cover these parameters: no rule matched
    /// ([`is_no_match`](Self::is_no_match)), or a matched rule used a value that was not
    /// set. Rule sets are meant to be exhaustive, but some are not for unusual inputs.
    /// Also a rule set loaded with [`RuleSet::from_bytes`](crate::RuleSet::from_bytes)
    /// whose subtree, decoded when first reached, turned out not to be valid.
    pub fn is_incomplete_rule_set(&self) -> bool {
        matches!(
            *self.inner,
            ResolveKind::NoMatch | ResolveKind::Unset(_) | ResolveKind::Corrupt(_)
        )
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            ResolveKind::Rule(message) => f.write_str(message),
            ResolveKind::UnknownParam(name) => {
                write!(f, "the rule set has no parameter named `{name}`")
            }
            ResolveKind::ParamType { name, expected } => {
                write!(f, "parameter `{name}` must be a {expected}")
            }
            ResolveKind::MissingParam(name) => {
                write!(f, "required parameter `{name}` has no value")
            }
            ResolveKind::NoMatch => {
                f.write_str("no rule of the rule set matched the parameters (rules exhausted)")
            }
            ResolveKind::Unset(what) => {
                write!(f, "the matched rule uses `{what}`, which has no value")
            }
            ResolveKind::Corrupt(why) => f.write_str(why),
        }
    }
}

impl fmt::Debug for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResolveError").field(&self.inner).finish()
    }
}

impl StdError for ResolveError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn errors_are_send_sync_and_one_pointer_wide() {
        assert_send_sync::<RuleSetError>();
        assert_send_sync::<ResolveError>();
        assert_eq!(
            std::mem::size_of::<RuleSetError>(),
            std::mem::size_of::<usize>()
        );
        assert_eq!(
            std::mem::size_of::<ResolveError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn rule_error_displays_the_message_verbatim() {
        let err = ResolveError::rule("Invalid region: region was not a valid DNS name.".into());
        assert!(err.is_rule_error());
        assert_eq!(
            err.to_string(),
            "Invalid region: region was not a valid DNS name."
        );
        assert!(!ResolveError::no_match().is_rule_error());
    }
}
