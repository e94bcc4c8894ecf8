//! Line-level parsing of one shared config or credentials file.
//!
//! This stage knows nothing about profiles: it turns text into sections of properties, with
//! line numbers, and reports the errors the cross-SDK file format spec calls errors. What a
//! section header *means* (profile, sso-session, services, or ignored) is decided later in
//! [`super::normalize`], because it depends on which file the text came from.

/// One `[...]` section and the properties under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawSection {
    /// The text between the brackets, trimmed.
    pub(crate) header: String,
    pub(crate) line: usize,
    pub(crate) properties: Vec<RawProperty>,
}

/// One `name = value` property, with its continuation or sub-property lines folded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawProperty {
    /// As written (trimmed); case is normalized later.
    pub(crate) name: String,
    /// The value, with continuation lines joined by `\n`, as the spec defines it. For a
    /// property with sub-properties this is `"\nkey = value\n..."`.
    pub(crate) value: String,
    pub(crate) line: usize,
    /// Set when the property's own value was empty, so indented lines are sub-properties.
    pub(crate) sub_properties: Option<Vec<RawSubProperty>>,
}

/// One indented `key = value` line under a property whose own value is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawSubProperty {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) line: usize,
}

/// A malformed line: the 1-based line number and the spec's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) line: usize,
    pub(crate) message: &'static str,
}

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_comment_char(c: char) -> bool {
    c == '#' || c == ';'
}

/// Cuts a trailing comment. On section lines any `#`/`;` starts a comment; on property
/// lines only one preceded by whitespace does, so `value;x` keeps its semicolon.
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let mut prev_ws = false;
    for (idx, c) in line.char_indices() {
        if is_comment_char(c) && (prev_ws || !needs_whitespace) {
            return &line[..idx];
        }
        prev_ws = is_ws(c);
    }
    line
}

/// The two error messages of a `name = value` line: no `=`, and no name.
type AssignmentErrors = (&'static str, &'static str);
const PROPERTY: AssignmentErrors = (
    "Expected an '=' sign defining a property",
    "Property did not have a name",
);
const SUB_PROPERTY: AssignmentErrors = (
    "Expected an '=' sign defining a sub-property",
    "Sub-property did not have a name",
);

/// Splits `name = value` at the first `=`, trimming both sides.
fn split_assignment(text: &str, errors: AssignmentErrors) -> Result<(&str, &str), &'static str> {
    let (name, value) = text.split_once('=').ok_or(errors.0)?;
    let name = name.trim_matches(is_ws);
    if name.is_empty() {
        return Err(errors.1);
    }
    Ok((name, value.trim_matches(is_ws)))
}

/// Parses the text of one file. Never panics; every malformed line is an error with its
/// line number.
pub(crate) fn parse(text: &str) -> Result<Vec<RawSection>, ParseError> {
    let mut sections: Vec<RawSection> = Vec::new();
    // Only the last property of the current section can take continuation lines; a new
    // section header resets this.
    let mut in_property = false;

    for (idx, raw_line) in text.split('\n').enumerate() {
        let line_no = idx + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let trimmed = line.trim_matches(is_ws);
        if trimmed.is_empty() || trimmed.starts_with(is_comment_char) {
            continue;
        }
        let err = |message| ParseError {
            line: line_no,
            message,
        };

        if line.starts_with('[') {
            let body = strip_comment(line, false).trim_end_matches(is_ws);
            let inner = body
                .strip_prefix('[')
                .and_then(|b| b.strip_suffix(']'))
                .ok_or_else(|| err("Profile definition must end with ']'"))?;
            sections.push(RawSection {
                header: inner.trim_matches(is_ws).to_owned(),
                line: line_no,
                properties: Vec::new(),
            });
            in_property = false;
        } else if line.starts_with(is_ws) {
            let section = sections.last_mut().ok_or_else(|| {
                err("Expected a profile definition, found continuation of a property")
            })?;
            let property = section
                .properties
                .last_mut()
                .filter(|_| in_property)
                .ok_or_else(|| err("Expected a property definition, found continuation"))?;
            if let Some(subs) = &mut property.sub_properties {
                let (name, value) = split_assignment(trimmed, SUB_PROPERTY).map_err(err)?;
                subs.push(RawSubProperty {
                    name: name.to_owned(),
                    value: value.to_owned(),
                    line: line_no,
                });
            }
            property.value.push('\n');
            property.value.push_str(trimmed);
        } else {
            let section = sections
                .last_mut()
                .ok_or_else(|| err("Expected a profile definition"))?;
            let (name, value) =
                split_assignment(strip_comment(line, true), PROPERTY).map_err(err)?;
            section.properties.push(RawProperty {
                name: name.to_owned(),
                value: value.to_owned(),
                line: line_no,
                sub_properties: value.is_empty().then(Vec::new),
            });
            in_property = true;
        }
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> RawSection {
        let mut s = parse(text).unwrap();
        assert_eq!(s.len(), 1, "{s:?}");
        s.remove(0)
    }

    fn error(text: &str) -> ParseError {
        parse(text).unwrap_err()
    }

    #[test]
    fn sections_and_properties_carry_line_numbers() {
        let s = one("\n# c\n[profile a]\nregion = x\n");
        assert_eq!(s.header, "profile a");
        assert_eq!(s.line, 3);
        assert_eq!(s.properties[0].line, 4);
        assert_eq!(s.properties[0].value, "x");
    }

    #[test]
    fn header_comments_need_no_whitespace_but_value_comments_do() {
        let s = one("[profile a];c\nk = v;x\nk2 = v ;c\nk3 = v#x # c");
        assert_eq!(s.header, "profile a");
        let values: Vec<&str> = s.properties.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(values, ["v;x", "v", "v#x"]);
    }

    #[test]
    fn continuation_lines_join_with_newline_and_keep_comment_chars() {
        let s = one("[p]\nk = a\n  b # not a comment\n\tc");
        assert_eq!(s.properties[0].value, "a\nb # not a comment\nc");
        assert!(s.properties[0].sub_properties.is_none());
    }

    #[test]
    fn empty_value_opens_sub_properties() {
        let s = one("[p]\ns3 =\n  addressing_style = path\n\n  use_arn_region=true\nk = v");
        let p = &s.properties[0];
        assert_eq!(p.value, "\naddressing_style = path\nuse_arn_region=true");
        let subs = p.sub_properties.as_ref().unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[1].name, "use_arn_region");
        assert_eq!(subs[1].value, "true");
        assert_eq!(subs[1].line, 5);
        assert_eq!(s.properties[1].name, "k");
    }

    #[test]
    fn errors_have_the_spec_messages_and_lines() {
        assert_eq!(
            error("[profile foo").message,
            "Profile definition must end with ']'"
        );
        assert_eq!(
            error("name = value").message,
            "Expected a profile definition"
        );
        assert_eq!(error("\n\n[p]\nkey : value").line, 4);
        assert!(error("[p]\nkey : value")
            .message
            .contains("Expected an '=' sign defining a property"));
        assert_eq!(error("[p]\n= v").message, "Property did not have a name");
        assert!(error("[p]\n  cont")
            .message
            .starts_with("Expected a property definition"));
        assert!(error(" cont")
            .message
            .starts_with("Expected a profile definition"));
        let e = error("[p]\ns3 =\n  bad");
        assert_eq!(
            (e.line, e.message),
            (3, "Expected an '=' sign defining a sub-property")
        );
        assert_eq!(
            error("[p]\ns3 =\n  = v").message,
            "Sub-property did not have a name"
        );
    }

    #[test]
    fn a_new_section_ends_the_property() {
        let e = error("[p]\nk = v\n[p]\n  cont");
        assert_eq!(e.line, 4);
    }

    #[test]
    fn crlf_line_endings() {
        let s = one("[p]\r\nk = v\r\n");
        assert_eq!(s.properties[0].value, "v");
    }
}
