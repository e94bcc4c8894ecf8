//! Rust names for model names.

/// `SSESpecification` → `sse_specification`, `TableARN` → `table_arn`, `queueUrls` →
/// `queue_urls`; Rust keywords get a raw or suffixed form.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None | Some('_') => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '_' && (collapsed.is_empty() || collapsed.ends_with('_'))) {
            collapsed.push(c);
        }
    }
    let collapsed = collapsed.trim_end_matches('_').to_owned();
    escape(if collapsed.is_empty() {
        "value".to_owned()
    } else {
        collapsed
    })
}

/// `sse_specification` style names → `SseSpecification`; used for types and variants.
pub fn pascal(name: &str) -> String {
    let snake = snake(name);
    let snake = snake.trim_start_matches("r#").trim_end_matches('_');
    let mut out = String::with_capacity(snake.len());
    for part in snake.split('_').filter(|p| !p.is_empty()) {
        let mut cs = part.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    match out.as_str() {
        "Self" | "Option" | "Result" | "String" | "Vec" | "Box" | "Some" | "None" | "Ok"
        | "Err" => {
            out.push('_');
        }
        _ => {}
    }
    out
}

/// A Rust string literal holding `s`.
pub fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// A raw string literal that can hold `s` (for multi-line bodies in generated tests).
pub fn raw(s: &str) -> String {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

fn escape(name: String) -> String {
    if matches!(name.as_str(), "self" | "super" | "crate" | "Self") {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("v{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_aws_names() {
        for (from, to) in [
            ("TableName", "table_name"),
            ("SSESpecification", "sse_specification"),
            ("KMSMasterKeyId", "kms_master_key_id"),
            ("TableARN", "table_arn"),
            ("queueUrls", "queue_urls"),
            ("S", "s"),
            ("NULL", "null"),
            ("BOOL", "bool"),
            ("Type", "r#type"),
            ("IPv6Address", "i_pv6_address"),
            ("MD5OfMessageBody", "md5_of_message_body"),
        ] {
            assert_eq!(snake(from), to, "{from}");
        }
    }

    #[test]
    fn pascal_case_of_aws_names() {
        for (from, to) in [
            ("PAY_PER_REQUEST", "PayPerRequest"),
            ("HASH", "Hash"),
            ("KEYS_ONLY", "KeysOnly"),
            ("String", "String_"),
            ("1", "V1"),
            ("aws:kms", "AwsKms"),
            ("SSE-S3", "SseS3"),
            ("ApproximateNumberOfMessages", "ApproximateNumberOfMessages"),
        ] {
            assert_eq!(pascal(from), to, "{from}");
        }
    }
}
