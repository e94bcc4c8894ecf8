//! Serde helpers for float members: JSON has no NaN or infinities, so the AWS JSON
//! protocols send them as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.

use serde::{Deserialize, Deserializer, Serializer};

fn to_text(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("Infinity")
    } else if v == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Wire {
    Number(f64),
    Text(String),
}

fn from_wire<E: serde::de::Error>(w: Wire) -> Result<f64, E> {
    match w {
        Wire::Number(n) => Ok(n),
        Wire::Text(t) => match t.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            other => Err(E::custom(format!("{other:?} is not a number"))),
        },
    }
}

macro_rules! float_module {
    ($name:ident, $opt:ident, $ty:ty) => {
        #[doc = concat!("`", stringify!($ty), "` members.")]
        pub mod $name {
            use super::*;

            /// Serializes a float, non-finite values as text.
            ///
            /// # Errors
            /// The serializer's.
            pub fn serialize<S: Serializer>(v: &$ty, s: S) -> Result<S::Ok, S::Error> {
                match to_text(f64::from(*v)) {
                    Some(text) => s.serialize_str(text),
                    None => s.serialize_f64(f64::from(*v)),
                }
            }

            /// Reads a number or one of the non-finite texts.
            ///
            /// # Errors
            /// Anything else.
            #[allow(clippy::cast_possible_truncation)]
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                from_wire(Wire::deserialize(d)?).map(|v| v as $ty)
            }
        }

        #[doc = concat!("Optional `", stringify!($ty), "` members.")]
        pub mod $opt {
            use super::*;

            /// Serializes a float, non-finite values as text.
            ///
            /// # Errors
            /// The serializer's.
            pub fn serialize<S: Serializer>(v: &Option<$ty>, s: S) -> Result<S::Ok, S::Error> {
                match v {
                    Some(v) => $name::serialize(v, s),
                    None => s.serialize_none(),
                }
            }

            /// Reads a number, one of the non-finite texts, or null.
            ///
            /// # Errors
            /// Anything else.
            #[allow(clippy::cast_possible_truncation)]
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
                Option::<Wire>::deserialize(d)?
                    .map(|w| from_wire(w).map(|v| v as $ty))
                    .transpose()
            }
        }
    };
}

float_module!(f64_value, f64_opt, f64);
float_module!(f32_value, f32_opt, f32);
