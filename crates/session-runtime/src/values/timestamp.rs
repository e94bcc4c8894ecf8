use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time (a `timestamp` member), to the nanosecond.
///
/// In JSON protocols it travels as epoch seconds: an integer when it has no fraction, else
/// a decimal. Reading also accepts RFC 3339 text, which some services send. `Display`
/// prints RFC 3339.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    /// Seconds and nanoseconds since the Unix epoch (`nanos` below one billion).
    pub fn from_parts(secs: i64, nanos: u32) -> Self {
        Self {
            secs: secs + i64::from(nanos / 1_000_000_000),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// Whole seconds since the Unix epoch.
    pub fn from_secs(secs: i64) -> Self {
        Self { secs, nanos: 0 }
    }

    /// Fractional seconds since the Unix epoch, to the millisecond as the services send
    /// them; `None` when not finite or out of range.
    pub fn from_secs_f64(secs: f64) -> Option<Self> {
        if !secs.is_finite() || secs.abs() > 1e15 {
            return None;
        }
        let millis = (secs * 1000.0).round();
        #[allow(clippy::cast_possible_truncation)]
        let millis = millis as i64;
        let (s, ms) = (millis.div_euclid(1000), millis.rem_euclid(1000));
        #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
        Some(Self::from_parts(s, (ms as u32) * 1_000_000))
    }

    /// Whole seconds since the Unix epoch (rounded down).
    pub fn secs(&self) -> i64 {
        self.secs
    }

    /// The nanoseconds past [`secs`](Self::secs).
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the Unix epoch as a decimal.
    #[allow(clippy::cast_precision_loss)]
    pub fn as_secs_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    /// Now.
    pub fn now() -> Self {
        SystemTime::now().into()
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self::from_parts(
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_nanos(),
            ),
            Err(e) => {
                let d = e.duration();
                let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                if d.subsec_nanos() == 0 {
                    Self::from_secs(secs)
                } else {
                    Self::from_parts(secs - 1, 1_000_000_000 - d.subsec_nanos())
                }
            }
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        let base = if t.secs >= 0 {
            UNIX_EPOCH + Duration::from_secs(t.secs.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(t.secs.unsigned_abs())
        };
        base + Duration::from_nanos(u64::from(t.nanos))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = session_core::credentials::format_rfc3339(SystemTime::from(*self));
        if self.nanos == 0 {
            f.write_str(&text)
        } else {
            // Insert the fraction before the trailing `Z`.
            let millis = self.nanos / 1_000_000;
            write!(f, "{}.{millis:03}Z", &text[..text.len() - 1])
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The newtype-struct name a timestamp serializes under (around its RFC 3339 text), so the
/// protocols' serializers know a timestamp whatever member shape it meets, and other
/// serializers (serde_json) write the plain text.
pub const TIMESTAMP_TOKEN: &str = "$session_runtime::Timestamp";

/// A timestamp from text: epoch seconds (`1398796238`, `1398796238.123`), RFC 3339 (any
/// offset, any fraction) or an HTTP date.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return Timestamp::from_secs_f64(secs);
    }
    session_core::credentials::parse_rfc3339(text)
        .or_else(|| session_tower::protocol::parse_http_date(text))
        .map(Timestamp::from)
}

impl Timestamp {
    /// RFC 3339 text to the nanosecond (trailing zeros of the fraction dropped):
    /// lossless, unlike [`Display`](fmt::Display), which prints milliseconds as AWS does.
    pub fn to_rfc3339_exact(&self) -> String {
        let text = session_core::credentials::format_rfc3339(SystemTime::from(
            Timestamp::from_secs(self.secs),
        ));
        if self.nanos == 0 {
            return text;
        }
        let frac = format!("{:09}", self.nanos);
        format!(
            "{}.{}Z",
            &text[..text.len() - 1],
            frac.trim_end_matches('0')
        )
    }

    /// Nanoseconds since the Unix epoch.
    pub fn as_nanos(&self) -> i128 {
        i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// From nanoseconds since the Unix epoch (`None` when out of range).
    pub fn from_nanos(nanos: i128) -> Option<Self> {
        let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
        let rem = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
        Some(Self::from_parts(secs, rem))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.nanos == 0 {
            s.serialize_i64(self.secs)
        } else {
            s.serialize_f64(self.as_secs_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("epoch seconds or an RFC 3339 time")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Timestamp, D::Error> {
                d.deserialize_any(self)
            }
            /// Nanoseconds since the epoch: how the protocols' parsers present a time.
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Timestamp, E> {
                Timestamp::from_nanos(v).ok_or_else(|| E::custom("timestamp out of range"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp::from_secs(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                i64::try_from(v)
                    .map(Timestamp::from_secs)
                    .map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Timestamp::from_secs_f64(v).ok_or_else(|| E::custom("timestamp out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                parse_timestamp(v).ok_or_else(|| E::custom(format!("{v:?} is not a timestamp")))
            }
        }
        d.deserialize_newtype_struct(TIMESTAMP_TOKEN, Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_both_ways() {
        let t = Timestamp::from_secs(1_398_796_238);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1398796238");
        let f: Timestamp = serde_json::from_str("1398796238.123").unwrap();
        assert_eq!(f.subsec_nanos(), 123_000_000);
        assert_eq!(serde_json::to_string(&f).unwrap(), "1398796238.123");
        let s: Timestamp = serde_json::from_str("\"2014-04-29T18:30:38Z\"").unwrap();
        assert_eq!(s, t);
        assert_eq!(t.to_string(), "2014-04-29T18:30:38Z");
        assert_eq!(f.to_string(), "2014-04-29T18:30:38.123Z");
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert_eq!(Timestamp::from(SystemTime::from(f)), f);
    }
}
