//! The text syntax of templates (`"https://{Bucket}.s3.{Region}.{p#dnsSuffix}"`) and of
//! `getAttr` paths (`resourceId[1]`, `a.b[0]`).

/// A piece of a template string, before names are resolved.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RawPart<'s> {
    Lit(String),
    /// `{name}` or `{name#path}`; `source` is the text between the braces.
    Var {
        name: &'s str,
        path: Option<&'s str>,
        source: &'s str,
    },
}

/// Splits a template string. `{{` and `}}` stand for literal braces; any other brace must
/// belong to a `{name}` or `{name#path}` substitution.
pub(crate) fn parse_template(text: &str) -> Result<Vec<RawPart<'_>>, String> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        lit.push_str(&rest[..i]);
        let brace = &rest[i..];
        if let Some(after) = brace
            .strip_prefix("{{")
            .or_else(|| brace.strip_prefix("}}"))
        {
            lit.push_str(&brace[..1]);
            rest = after;
            continue;
        }
        if brace.starts_with('}') {
            return Err(format!("unmatched `}}` in template {text:?}"));
        }
        let close = brace
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in template {text:?}"))?;
        let source = &brace[1..close];
        let (name, path) = match source.split_once('#') {
            Some((name, path)) => (name, Some(path)),
            None => (source, None),
        };
        if !is_identifier(name) || path.is_some_and(|p| p.is_empty()) {
            return Err(format!(
                "invalid substitution `{{{source}}}` in template {text:?}"
            ));
        }
        if !lit.is_empty() {
            parts.push(RawPart::Lit(std::mem::take(&mut lit)));
        }
        parts.push(RawPart::Var { name, path, source });
        rest = &brace[close + 1..];
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        parts.push(RawPart::Lit(lit));
    }
    Ok(parts)
}

/// A step of a `getAttr` path, before field names are resolved.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RawSeg<'s> {
    Field(&'s str),
    Index(usize),
}

/// Splits a `getAttr` path: `.`-separated field names, each optionally followed by one or
/// more `[index]`s; a path may also start with an index (`[0]`).
pub(crate) fn parse_path(path: &str) -> Result<Vec<RawSeg<'_>>, String> {
    let bad = || format!("invalid attribute path {path:?}");
    let mut segs = Vec::new();
    for (i, piece) in path.split('.').enumerate() {
        let name_end = piece.find('[').unwrap_or(piece.len());
        let (name, mut indexes) = piece.split_at(name_end);
        if name.is_empty() {
            // Only the very first piece may be a bare index.
            if i != 0 || indexes.is_empty() {
                return Err(bad());
            }
        } else if is_identifier(name) {
            segs.push(RawSeg::Field(name));
        } else {
            return Err(bad());
        }
        while !indexes.is_empty() {
            let inner = indexes.strip_prefix('[').ok_or_else(bad)?;
            let close = inner.find(']').ok_or_else(bad)?;
            let digits = &inner[..close];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            segs.push(RawSeg::Index(digits.parse().map_err(|_| bad())?));
            indexes = &inner[close + 1..];
        }
    }
    Ok(segs)
}

fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var<'s>(name: &'s str, path: Option<&'s str>, source: &'s str) -> RawPart<'s> {
        RawPart::Var { name, path, source }
    }

    #[test]
    fn templates() {
        assert_eq!(parse_template("").unwrap(), vec![]);
        assert_eq!(
            parse_template("plain").unwrap(),
            vec![RawPart::Lit("plain".into())]
        );
        assert_eq!(
            parse_template("https://{Bucket}.s3.{p#dnsSuffix}").unwrap(),
            vec![
                RawPart::Lit("https://".into()),
                var("Bucket", None, "Bucket"),
                RawPart::Lit(".s3.".into()),
                var("p", Some("dnsSuffix"), "p#dnsSuffix"),
            ]
        );
        assert_eq!(
            parse_template("{{literal}} {a#resourceId[1]}}}").unwrap(),
            vec![
                RawPart::Lit("{literal} ".into()),
                var("a", Some("resourceId[1]"), "a#resourceId[1]"),
                RawPart::Lit("}".into()),
            ]
        );
    }

    #[test]
    fn bad_templates() {
        for bad in ["{", "}", "a{b", "{}", "{a b}", "{a#}", "{#x}", "x}y"] {
            assert!(parse_template(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(parse_path("name").unwrap(), vec![RawSeg::Field("name")]);
        assert_eq!(
            parse_path("resourceId[2]").unwrap(),
            vec![RawSeg::Field("resourceId"), RawSeg::Index(2)]
        );
        assert_eq!(parse_path("[0]").unwrap(), vec![RawSeg::Index(0)]);
        assert_eq!(
            parse_path("a.b[0][1]").unwrap(),
            vec![
                RawSeg::Field("a"),
                RawSeg::Field("b"),
                RawSeg::Index(0),
                RawSeg::Index(1)
            ]
        );
        for bad in [
            "", ".", "a.", ".a", "a[", "a[]", "a[x]", "a[-1]", "a]", "a.[0]", "a[0]b", "a b",
        ] {
            assert!(parse_path(bad).is_err(), "{bad:?}");
        }
    }
}
