//! Typed setting values and the parsing that checks them.

use std::fmt;
use std::time::Duration;

use super::registry::ValueKind;
use crate::env::Env;
use crate::origin::Origin;

/// A resolved setting's value, already checked against the setting's type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SettingValue {
    /// A boolean setting.
    Bool(bool),
    /// A whole-number setting.
    Int(u64),
    /// A timeout, given in (possibly fractional) seconds.
    Duration(Duration),
    /// Any other setting: a region, a URL, a path, one of a fixed set of words (in its
    /// canonical spelling), or free text.
    Text(String),
}

impl SettingValue {
    /// The value of a boolean setting.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            SettingValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value of a whole-number setting.
    pub fn as_int(&self) -> Option<u64> {
        match self {
            SettingValue::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The value of a timeout setting.
    pub fn as_duration(&self) -> Option<Duration> {
        match self {
            SettingValue::Duration(d) => Some(*d),
            _ => None,
        }
    }

    /// The value of a text setting.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            SettingValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for SettingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingValue::Bool(b) => write!(f, "{b}"),
            SettingValue::Int(n) => write!(f, "{n}"),
            SettingValue::Duration(d) => write!(f, "{}s", d.as_secs_f64()),
            SettingValue::Text(s) => f.write_str(s),
        }
    }
}

/// One setting after resolution: its name, checked value and where the value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedSetting {
    pub(crate) name: String,
    pub(crate) value: SettingValue,
    pub(crate) origin: Origin,
}

impl ResolvedSetting {
    /// The setting's name, e.g. `retry_mode`, `s3.addressing_style`, `endpoint_url.s3`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The checked value.
    pub fn value(&self) -> &SettingValue {
        &self.value
    }

    /// Which layer supplied the value.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }
}

/// Is `s` usable as a region: a DNS host label, so it cannot smuggle `.`, `/` or CR/LF into
/// a URL or a header? Every layer that accepts a region checks it with this.
pub fn is_valid_region(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Checks `raw` against `kind`. The error is a reason for the user, without the value.
pub(crate) fn parse(kind: ValueKind, raw: &str, env: &Env) -> Result<SettingValue, String> {
    let raw = raw.trim();
    match kind {
        ValueKind::Region => {
            if is_valid_region(raw) {
                Ok(SettingValue::Text(raw.to_owned()))
            } else {
                Err("a region may hold only letters, digits and '-' (at most 63)".into())
            }
        }
        ValueKind::Bool => {
            if raw.eq_ignore_ascii_case("true") {
                Ok(SettingValue::Bool(true))
            } else if raw.eq_ignore_ascii_case("false") {
                Ok(SettingValue::Bool(false))
            } else {
                Err("expected true or false".into())
            }
        }
        ValueKind::Int { min, max } => match raw.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(SettingValue::Int(n)),
            _ => Err(format!("expected a whole number from {min} to {max}")),
        },
        ValueKind::Seconds => match raw.parse::<f64>() {
            Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => {
                Ok(SettingValue::Duration(Duration::from_secs_f64(s)))
            }
            _ => Err("expected a number of seconds greater than 0 (at most 86400)".into()),
        },
        ValueKind::Enum(choices) => choices
            .iter()
            .find(|c| c.eq_ignore_ascii_case(raw))
            .map(|c| SettingValue::Text((*c).to_owned()))
            .ok_or_else(|| format!("expected one of: {}", choices.join(", "))),
        ValueKind::Url => check_url(raw).map(|()| SettingValue::Text(raw.to_owned())),
        ValueKind::Path => {
            if raw.is_empty() {
                Err("expected a path".into())
            } else {
                let path = crate::profile::expand_home(raw, env);
                Ok(SettingValue::Text(path.to_string_lossy().into_owned()))
            }
        }
        ValueKind::Text => Ok(SettingValue::Text(raw.to_owned())),
    }
}

fn check_url(raw: &str) -> Result<(), String> {
    let uri: http::Uri = raw
        .parse()
        .map_err(|_| "expected an absolute http:// or https:// URL".to_owned())?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(()),
        _ => Err("expected an absolute http:// or https:// URL".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kind: ValueKind, raw: &str) -> Result<SettingValue, String> {
        parse(kind, raw, &Env::from_vars([("HOME", "/home/u")]))
    }

    #[test]
    fn regions_must_be_host_labels() {
        assert!(p(ValueKind::Region, "us-east-1").is_ok());
        assert!(p(ValueKind::Region, "us-east-1.evil.com").is_err());
        assert!(p(ValueKind::Region, "us-east-1\r\nX: y").is_err());
        assert!(p(ValueKind::Region, "").is_err());
        assert!(p(ValueKind::Region, "-x").is_err());
    }

    #[test]
    fn bools_ints_seconds() {
        assert_eq!(p(ValueKind::Bool, "TRUE"), Ok(SettingValue::Bool(true)));
        assert!(p(ValueKind::Bool, "yes").is_err());
        let k = ValueKind::Int { min: 1, max: 10 };
        assert_eq!(p(k, "3"), Ok(SettingValue::Int(3)));
        assert!(p(k, "0").is_err());
        assert!(p(k, "-1").is_err());
        assert!(p(k, "three").is_err());
        assert_eq!(
            p(ValueKind::Seconds, "0.5"),
            Ok(SettingValue::Duration(Duration::from_millis(500)))
        );
        for bad in ["0", "-1", "NaN", "inf", "1e300"] {
            assert!(p(ValueKind::Seconds, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn enums_are_case_insensitive_and_canonicalized() {
        let k = ValueKind::Enum(&["IPv4", "IPv6"]);
        assert_eq!(p(k, "ipv6"), Ok(SettingValue::Text("IPv6".into())));
        let e = p(k, "ipv5").unwrap_err();
        assert!(e.contains("IPv4, IPv6"), "{e}");
    }

    #[test]
    fn urls_and_paths() {
        assert!(p(ValueKind::Url, "http://127.0.0.1:4566").is_ok());
        assert!(p(ValueKind::Url, "https://s3.endpoint.aws/base").is_ok());
        assert!(p(ValueKind::Url, "localhost:4566").is_err());
        assert!(p(ValueKind::Url, "ftp://x").is_err());
        assert!(p(ValueKind::Url, "/just/a/path").is_err());
        assert_eq!(
            p(ValueKind::Path, "~/ca.pem"),
            Ok(SettingValue::Text("/home/u/ca.pem".into()))
        );
    }
}
