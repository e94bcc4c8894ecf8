//! `From` conversions into [`AttributeValue`] for plain Rust values, so conditions and
//! keys take `5`, `"id"` or `true` directly. Each is total: nothing here can fail.

use std::collections::HashMap;

use session_runtime::Blob;

use crate::types::AttributeValue;

impl From<&str> for AttributeValue {
    /// An `S`.
    fn from(value: &str) -> Self {
        Self::s(value)
    }
}

impl From<String> for AttributeValue {
    /// An `S`.
    fn from(value: String) -> Self {
        Self::s(value)
    }
}

impl From<&String> for AttributeValue {
    /// An `S`.
    fn from(value: &String) -> Self {
        Self::s(value.as_str())
    }
}

impl From<char> for AttributeValue {
    /// An `S` of one character.
    fn from(value: char) -> Self {
        Self::s(value)
    }
}

impl From<bool> for AttributeValue {
    /// A `BOOL`.
    fn from(value: bool) -> Self {
        Self::bool(value)
    }
}

/// Integers as their exact decimal text.
macro_rules! numbers_from {
    ($($ty:ty),*) => {
        $(impl From<$ty> for AttributeValue {
            /// An `N`, exactly.
            fn from(value: $ty) -> Self {
                Self::n(value)
            }
        })*
    };
}

numbers_from!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl From<f64> for AttributeValue {
    /// An `N` in the float's shortest round-tripping text. NaN and the infinities are no
    /// DynamoDB number: they are sent as written (`NaN`, `inf`) and the service refuses the
    /// request with a validation error.
    fn from(value: f64) -> Self {
        Self::n(value)
    }
}

impl From<f32> for AttributeValue {
    /// An `N` in the `f32`'s own shortest text (`0.1`, not `0.10000000149011612`); see the
    /// `f64` conversion for NaN and the infinities.
    fn from(value: f32) -> Self {
        Self::n(value)
    }
}

impl From<Vec<u8>> for AttributeValue {
    /// A `B`.
    fn from(value: Vec<u8>) -> Self {
        Self::b(value)
    }
}

impl From<&[u8]> for AttributeValue {
    /// A `B`.
    fn from(value: &[u8]) -> Self {
        Self::b(value)
    }
}

impl From<Blob> for AttributeValue {
    /// A `B`.
    fn from(value: Blob) -> Self {
        Self::b(value)
    }
}

impl From<Vec<AttributeValue>> for AttributeValue {
    /// An `L`.
    fn from(value: Vec<AttributeValue>) -> Self {
        Self::l(value)
    }
}

impl From<HashMap<String, AttributeValue>> for AttributeValue {
    /// An `M`.
    fn from(value: HashMap<String, AttributeValue>) -> Self {
        Self::m(value)
    }
}

impl<T: Into<AttributeValue>> From<Option<T>> for AttributeValue {
    /// The value, or `NULL` for `None`.
    fn from(value: Option<T>) -> Self {
        value.map_or_else(Self::null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_convert_to_their_attribute_types() {
        assert_eq!(AttributeValue::from("a"), AttributeValue::s("a"));
        assert_eq!(
            AttributeValue::from(u64::MAX).as_n(),
            Some("18446744073709551615")
        );
        assert_eq!(AttributeValue::from(-3i8).as_n(), Some("-3"));
        assert_eq!(AttributeValue::from(0.1f32).as_n(), Some("0.1"));
        assert_eq!(AttributeValue::from(true), AttributeValue::bool(true));
        assert_eq!(
            AttributeValue::from(vec![1u8, 2]).b.map(Blob::into_bytes),
            Some(bytes::Bytes::from_static(&[1, 2]))
        );
        assert_eq!(AttributeValue::from(None::<i32>), AttributeValue::null());
        assert_eq!(AttributeValue::from(Some("x")), AttributeValue::s("x"));
    }
}
