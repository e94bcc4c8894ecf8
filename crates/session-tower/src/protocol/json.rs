//! Error fields of JSON protocol responses.

/// `__type` / `code` / `Code`, `message` / `Message`, and `RequestId` if present.
pub(super) fn error_fields(body: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None, None);
    };
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| map.get(*n).and_then(|v| v.as_str()))
            .map(str::to_owned)
    };
    let code = field(&["__type", "code", "Code"]).map(|c| sanitize_code(&c));
    (
        code,
        field(&["message", "Message", "errorMessage"]),
        field(&["RequestId", "requestId"]),
    )
}

/// `aws.protocoltests#FooError:http://internal/` → `FooError`.
pub(super) fn sanitize_code(raw: &str) -> String {
    let no_uri = raw.split(':').next().unwrap_or(raw);
    no_uri
        .rsplit('#')
        .next()
        .unwrap_or(no_uri)
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_lose_namespace_and_uri() {
        assert_eq!(sanitize_code("FooError"), "FooError");
        assert_eq!(
            sanitize_code("aws.protocoltests.restjson#FooError"),
            "FooError"
        );
        assert_eq!(
            sanitize_code("FooError:http://internal.amazon.com/"),
            "FooError"
        );
        assert_eq!(sanitize_code("ns#FooError:http://x#y"), "FooError");
    }
}
