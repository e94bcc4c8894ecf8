//! Scalars as text: how query forms, XML, URIs, query strings and headers write a value.

use base64::Engine as _;

use super::ser::{At, Scalar};
use crate::shapes::{Kind, TimestampFormat};
use crate::values::Timestamp;

/// A float's text: the shortest that reads back as the same value; a 32-bit member's value
/// (widened to 64 bits on its way here) printed as the 32-bit float it is; specials as
/// `NaN`, `Infinity`, `-Infinity`.
#[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
pub(crate) fn float(f: f64, single: bool) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let narrow = f as f32;
    if single || f64::from(narrow) == f && narrow.to_string().len() < f.to_string().len() {
        return narrow.to_string();
    }
    f.to_string()
}

/// A timestamp in `format`.
pub(crate) fn timestamp(t: Timestamp, format: TimestampFormat) -> String {
    match format {
        TimestampFormat::EpochSeconds => epoch(t),
        TimestampFormat::HttpDate => http_date(t),
        TimestampFormat::Iso8601 => t.to_string(),
    }
}

/// Epoch seconds: whole when there is no fraction, else to the millisecond.
pub(crate) fn epoch(t: Timestamp) -> String {
    if t.subsec_nanos() == 0 {
        t.secs().to_string()
    } else {
        let ms = t.subsec_nanos() / 1_000_000;
        let text = format!("{}.{ms:03}", t.secs());
        text.trim_end_matches('0').to_owned()
    }
}

/// A scalar at `at` as text, timestamps in `default` unless the member or shape names a
/// format.
pub(crate) fn scalar(at: At, value: Scalar<'_>, default: TimestampFormat) -> String {
    match value {
        Scalar::Bool(b) => if b { "true" } else { "false" }.to_owned(),
        Scalar::Int(n) => n.to_string(),
        Scalar::Float(f) => float(f, matches!(at.shape.kind, Kind::Float)),
        Scalar::Str(s) => s.to_owned(),
        Scalar::Bytes(b) => base64::engine::general_purpose::STANDARD.encode(b),
        Scalar::Timestamp(t) => timestamp(t, at.timestamp_format(default)),
    }
}

/// `Tue, 29 Apr 2014 18:30:38 GMT` (whole seconds, as HTTP dates are).
fn http_date(t: Timestamp) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = session_core::credentials::format_rfc3339(std::time::SystemTime::from(
        Timestamp::from_secs(t.secs()),
    ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_read_back() {
        let t = Timestamp::from_secs(946_845_296);
        let text = http_date(t);
        assert_eq!(text, "Sun, 02 Jan 2000 20:34:56 GMT");
        let back = session_tower::protocol::parse_http_date(&text).map(Timestamp::from);
        assert_eq!(back, Some(t));
    }
}
