//! JSON forms of resolved values.

use serde_json::{json, Value};
use session_core::credentials::Credentials;
use session_core::{ResolvedSetting, SettingValue};

pub(crate) const MASK: &str = "****";

pub(crate) fn setting_value(v: &SettingValue) -> Value {
    match v {
        SettingValue::Bool(b) => json!(b),
        SettingValue::Int(n) => json!(n),
        SettingValue::Duration(d) => json!(d.as_secs_f64()),
        SettingValue::Text(s) => json!(s),
        // SettingValue is non-exhaustive: show future kinds as text.
        other => json!(other.to_string()),
    }
}

pub(crate) fn setting(s: &ResolvedSetting) -> Value {
    json!({ "value": setting_value(s.value()), "origin": s.origin().to_string() })
}

pub(crate) fn credentials(c: &Credentials, reveal: bool) -> Value {
    let secret = |s: &str| {
        if reveal {
            s.to_owned()
        } else {
            MASK.to_owned()
        }
    };
    let expiry = c
        .expiry()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs());
    json!({
        "source": c.source(),
        "access_key_id": c.access_key_id(),
        "secret_access_key": secret(c.secret_access_key()),
        "session_token": c.session_token().map(secret),
        "expiry_unix_seconds": expiry,
        "expiration": c.expiry().map(session_core::credentials::format_rfc3339),
    })
}
