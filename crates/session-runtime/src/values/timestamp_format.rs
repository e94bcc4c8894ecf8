//! Serde helpers for timestamp members whose model names a format other than the JSON
//! default (epoch seconds): `iso8601` (RFC 3339 text) and `rfc822` (HTTP dates).
//! Use with `#[serde(with = "...")]`; the `_opt` forms are for `Option<Timestamp>` fields.

use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serializer};

use super::Timestamp;

fn parse_iso8601<E: serde::de::Error>(text: &str) -> Result<Timestamp, E> {
    session_core::credentials::parse_rfc3339(text)
        .map(Timestamp::from)
        .ok_or_else(|| E::custom(format!("{text:?} is not an ISO 8601 time")))
}

fn parse_http_date<E: serde::de::Error>(text: &str) -> Result<Timestamp, E> {
    session_tower::protocol::parse_http_date(text)
        .map(Timestamp::from)
        .ok_or_else(|| E::custom(format!("{text:?} is not an HTTP date")))
}

/// `Tue, 29 Apr 2014 18:30:38 GMT` (whole seconds, as HTTP dates are).
pub fn format_http_date(t: Timestamp) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso =
        session_core::credentials::format_rfc3339(SystemTime::from(Timestamp::from_secs(t.secs())));
    // `YYYY-MM-DDTHH:MM:SSZ`
    let month: usize = iso[5..7].parse().unwrap_or(1);
    let weekday = DAYS[usize::try_from(t.secs().div_euclid(86_400).rem_euclid(7)).unwrap_or(0)];
    format!(
        "{weekday}, {} {} {} {} GMT",
        &iso[8..10],
        MONTHS[month.clamp(1, 12) - 1],
        &iso[0..4],
        &iso[11..19]
    )
}

/// RFC 3339 text.
pub mod iso8601 {
    use super::*;

    /// Serializes as RFC 3339.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_string())
    }

    /// Reads RFC 3339.
    ///
    /// # Errors
    /// Text that is not RFC 3339.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_iso8601(&text)
    }
}

/// RFC 3339 text, optional.
pub mod iso8601_opt {
    use super::*;

    /// Serializes as RFC 3339 (skip `None` with `skip_serializing_if`).
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&t.to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads RFC 3339 or null.
    ///
    /// # Errors
    /// Text that is not RFC 3339.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        text.map(|t| parse_iso8601(&t)).transpose()
    }
}

/// HTTP dates.
pub mod http_date {
    use super::*;

    /// Serializes as an HTTP date.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_http_date(*t))
    }

    /// Reads an HTTP date.
    ///
    /// # Errors
    /// Text that is not an HTTP date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_http_date(&text)
    }
}

/// HTTP dates, optional.
pub mod http_date_opt {
    use super::*;

    /// Serializes as an HTTP date (skip `None` with `skip_serializing_if`).
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format_http_date(*t)),
            None => s.serialize_none(),
        }
    }

    /// Reads an HTTP date or null.
    ///
    /// # Errors
    /// Text that is not an HTTP date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        text.map(|t| parse_http_date(&t)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_both_ways() {
        let t = Timestamp::from_secs(946_845_296);
        let text = format_http_date(t);
        assert_eq!(text, "Sun, 02 Jan 2000 20:34:56 GMT");
        assert_eq!(parse_http_date::<serde_json::Error>(&text).unwrap(), t);
    }
}
