//! Short constructors and readers for [`AttributeValue`], DynamoDB's tagged value.

use std::collections::HashMap;

use crate::types::AttributeValue;

impl AttributeValue {
    /// A string (`S`).
    pub fn s(value: impl Into<String>) -> Self {
        Self {
            s: Some(value.into()),
            ..Self::default()
        }
    }

    /// A number (`N`), sent as its decimal text as DynamoDB requires.
    pub fn n(value: impl ToString) -> Self {
        Self {
            n: Some(value.to_string()),
            ..Self::default()
        }
    }

    /// A boolean (`BOOL`).
    pub fn bool(value: bool) -> Self {
        Self {
            bool: Some(value),
            ..Self::default()
        }
    }

    /// Binary (`B`).
    pub fn b(value: impl Into<session_runtime::Blob>) -> Self {
        Self {
            b: Some(value.into()),
            ..Self::default()
        }
    }

    /// Null (`NULL`).
    pub fn null() -> Self {
        Self {
            null: Some(true),
            ..Self::default()
        }
    }

    /// A list (`L`).
    pub fn l(values: impl Into<Vec<AttributeValue>>) -> Self {
        Self {
            l: Some(values.into()),
            ..Self::default()
        }
    }

    /// A map (`M`).
    pub fn m(values: impl Into<HashMap<String, AttributeValue>>) -> Self {
        Self {
            m: Some(values.into()),
            ..Self::default()
        }
    }

    /// A string set (`SS`).
    pub fn ss<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        Self {
            ss: Some(values.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }

    /// The string, if this is an `S`.
    pub fn as_s(&self) -> Option<&str> {
        self.s.as_deref()
    }

    /// The number's text, if this is an `N`.
    pub fn as_n(&self) -> Option<&str> {
        self.n.as_deref()
    }

    /// The boolean, if this is a `BOOL`.
    pub fn as_bool(&self) -> Option<bool> {
        self.bool
    }
}
