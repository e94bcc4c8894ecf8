//! Parsing by the shape tables: serde [`Deserializer`](serde::Deserializer)s that read a
//! protocol's answer straight into a value (typed or dynamic), guided by the shape: wire
//! names to member names, timestamps and blobs in their wire forms, lists and maps however
//! the protocol writes them. No intermediate tree of values is built.
//!
//! How values are presented, so that typed and dynamic values read alike: a structure as
//! a map keyed by member names (a union as an enum when asked, else a one-entry map), a
//! blob as bytes, a timestamp as a newtype holding nanoseconds since the epoch (see
//! [`crate::Timestamp`]'s `Deserialize`), text as borrowed strings where the
//! answer allows.

pub(crate) mod cbor;
pub(crate) mod json;
pub(crate) mod rest;
pub(crate) mod xml;

use std::fmt;

use serde::de::{self, Visitor};

use crate::shapes::{Kind, Member, Service, Shape};
use crate::values::Timestamp;

/// An answer that does not fit the model.
#[derive(Debug)]
pub struct Error {
    message: String,
}

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(msg.to_string())
    }
}

/// A place in the shape tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub(crate) service: &'static Service,
    pub(crate) shape: &'static Shape,
    pub(crate) member: Option<&'static Member>,
}

impl Place {
    pub(crate) fn root(service: &'static Service, shape: &'static Shape) -> Self {
        Self {
            service,
            shape,
            member: None,
        }
    }

    /// The place of `m` (a member, a list's element, a map's value).
    pub(crate) fn of(&self, m: &'static Member) -> Self {
        Self {
            service: self.service,
            shape: self.service.shape(m.shape),
            member: Some(m),
        }
    }

    /// The timestamp format here: the member's, else the shape's, else `default`.
    pub(crate) fn timestamp_format(
        &self,
        default: crate::shapes::TimestampFormat,
    ) -> crate::shapes::TimestampFormat {
        if let Some(f) = self.member.and_then(|m| m.timestamp_format) {
            return f;
        }
        match self.shape.kind {
            Kind::Timestamp(Some(f)) => f,
            _ => default,
        }
    }
}

/// A timestamp presented as the protocols present one: a newtype around nanoseconds.
pub(crate) fn visit_timestamp<'de, V: Visitor<'de>, E: de::Error>(
    t: Timestamp,
    visitor: V,
) -> Result<V::Value, E> {
    visitor
        .visit_newtype_struct(Nanos(t.as_nanos()))
        .map_err(|e: Error| E::custom(e))
}

/// Nanoseconds since the epoch, deserialized as an `i128` whatever is asked.
pub(crate) struct Nanos(pub(crate) i128);

impl<'de> de::Deserializer<'de> for Nanos {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i128(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A scalar's text read as the shape at `place` says, presented to `visitor`.
pub(crate) fn text_scalar<'de, V: Visitor<'de>>(
    place: Place,
    text: std::borrow::Cow<'de, str>,
    default_time: crate::shapes::TimestampFormat,
    visitor: V,
) -> Result<V::Value, Error> {
    use std::borrow::Cow;
    if !matches!(
        place.shape.kind,
        Kind::Boolean
            | Kind::Byte
            | Kind::Short
            | Kind::Integer
            | Kind::Long
            | Kind::Float
            | Kind::Double
            | Kind::Timestamp(_)
            | Kind::Blob
    ) {
        // Strings (and enums) are taken as written, so not trimmed: most texts are these.
        return match text {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        };
    }
    let t = text.trim();
    let bad = |what: &str| Error::new(format!("{what} {t:?} for {}", place.shape.name));
    match place.shape.kind {
        Kind::Boolean => match t {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(bad("not a boolean:")),
        },
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => {
            visitor.visit_i64(t.parse().map_err(|_| bad("not an integer:"))?)
        }
        Kind::Float | Kind::Double => {
            visitor.visit_f64(parse_float(t).ok_or_else(|| bad("not a number:"))?)
        }
        Kind::Timestamp(_) => {
            let format = place.timestamp_format(default_time);
            let time = parse_time(t, format).ok_or_else(|| bad("not a time:"))?;
            visit_timestamp(time, visitor)
        }
        Kind::Blob => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(t)
                .map_err(|_| bad("not base64:"))?;
            visitor.visit_byte_buf(bytes)
        }
        _ => Err(bad("not a scalar:")),
    }
}

/// A float from text, with the specials the protocols write.
pub(crate) fn parse_float(t: &str) -> Option<f64> {
    match t {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => t.parse().ok(),
    }
}

/// A time in `format`, or in any format when that fails (services are not consistent).
pub(crate) fn parse_time(t: &str, format: crate::shapes::TimestampFormat) -> Option<Timestamp> {
    use crate::shapes::TimestampFormat as F;
    let first = match format {
        F::EpochSeconds => t.parse::<f64>().ok().and_then(Timestamp::from_secs_f64),
        F::HttpDate => session_tower::protocol::parse_http_date(t).map(Timestamp::from),
        F::Iso8601 => session_core::credentials::parse_rfc3339(t).map(Timestamp::from),
    };
    first.or_else(|| crate::values::parse_timestamp(t))
}
