//! The input of a resolution: parameter values by name.

use std::borrow::Cow;

/// One parameter value: the three types of the rules language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// A `string` parameter.
    String(String),
    /// A `boolean` parameter.
    Bool(bool),
    /// A `stringArray` parameter.
    StringArray(Vec<String>),
}

impl ParamValue {
    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as a string array, if it is one.
    pub fn as_string_array(&self) -> Option<&[String]> {
        match self {
            Self::StringArray(v) => Some(v),
            _ => None,
        }
    }
}

/// Parameter values for [`RuleSet::resolve`](crate::RuleSet::resolve), by the names the
/// rule set declares (`Region`, `UseFIPS`, `Bucket`, ...).
///
/// Parameters left out take the rule set's `default`, if it has one, or stay unset.
///
/// ```
/// use session_endpoints::Params;
///
/// let params = Params::new()
///     .str("Region", "us-east-1")
///     .bool("UseFIPS", false)
///     .str("Bucket", "my-bucket");
/// assert_eq!(params.get("Region").and_then(|v| v.as_str()), Some("us-east-1"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Params {
    // A short list beats a map here: rule sets have a handful of parameters, and names
    // are matched against the rule set's own list when resolving anyway.
    values: Vec<(Cow<'static, str>, ParamValue)>,
}

impl Params {
    /// No parameters set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a string parameter.
    pub fn str(self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.with(name, ParamValue::String(value.into()))
    }

    /// Sets a boolean parameter.
    pub fn bool(self, name: impl Into<Cow<'static, str>>, value: bool) -> Self {
        self.with(name, ParamValue::Bool(value))
    }

    /// Sets a string-array parameter.
    pub fn str_array<I, S>(self, name: impl Into<Cow<'static, str>>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        self.with(name, ParamValue::StringArray(values))
    }

    /// Sets a parameter to `value`, replacing an earlier value of the same name.
    pub fn with(mut self, name: impl Into<Cow<'static, str>>, value: ParamValue) -> Self {
        self.set(name, value);
        self
    }

    /// Sets a parameter in place, replacing an earlier value of the same name.
    pub fn set(&mut self, name: impl Into<Cow<'static, str>>, value: ParamValue) {
        let name = name.into();
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.values.push((name, value)),
        }
    }

    /// Removes a parameter, so that it takes its default again.
    pub fn remove(&mut self, name: &str) -> Option<ParamValue> {
        let index = self.values.iter().position(|(n, _)| n == name)?;
        Some(self.values.remove(index).1)
    }

    /// The value set for `name`, if any (defaults are not applied here).
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value)
    }

    /// Every parameter set, in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> + '_ {
        self.values.iter().map(|(n, v)| (n.as_ref(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_values_replace_earlier_ones() {
        let mut params = Params::new()
            .str("Region", "us-east-1")
            .bool("UseFIPS", true);
        params.set("Region", ParamValue::String("eu-west-1".into()));
        assert_eq!(params.iter().count(), 2);
        assert_eq!(
            params.get("Region").and_then(ParamValue::as_str),
            Some("eu-west-1")
        );
        assert_eq!(params.remove("UseFIPS"), Some(ParamValue::Bool(true)));
        assert_eq!(params.get("UseFIPS"), None);
    }

    #[test]
    fn string_arrays() {
        let params = Params::new().str_array("ResourceArnList", ["a", "b"]);
        assert_eq!(
            params
                .get("ResourceArnList")
                .and_then(ParamValue::as_string_array),
            Some(&["a".to_owned(), "b".to_owned()][..])
        );
    }
}
