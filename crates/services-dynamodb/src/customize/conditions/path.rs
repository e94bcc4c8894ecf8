//! Document paths (`address.lines[1].text`): split into attribute names and list indexes,
//! so each name gets its own `#n` placeholder and the indexes stay in the expression.

use std::fmt;

/// One step of a document path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Segment {
    /// A map key or top-level attribute name.
    Name(String),
    /// A list element.
    Index(u64),
}

/// Why a text is not a document path ([`Attr::try_new`](super::Attr::try_new)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    path: String,
    reason: &'static str,
}

impl PathError {
    /// The text that was given.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a document path: {}", self.path, self.reason)
    }
}

impl std::error::Error for PathError {}

/// Splits `name(.name | [digits])*`. Names may hold any character but `.`, `[` and `]`
/// (they travel as placeholders, so spaces or reserved words are fine).
pub(super) fn parse(path: &str) -> Result<Vec<Segment>, PathError> {
    let fail = |reason| PathError {
        path: path.to_owned(),
        reason,
    };
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if name.is_empty() {
            return Err(fail("an attribute name is empty"));
        }
        if name.contains(']') {
            return Err(fail("a `]` without its `[`"));
        }
        segments.push(Segment::Name(name.to_owned()));
        while !rest.is_empty() {
            let Some(inner) = rest.strip_prefix('[') else {
                return Err(fail("text after a list index must start with `.` or `[`"));
            };
            let Some(end) = inner.find(']') else {
                return Err(fail("a `[` without its `]`"));
            };
            let digits = &inner[..end];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail("a list index must be decimal digits"));
            }
            let index = digits
                .parse()
                .map_err(|_| fail("a list index is too large"))?;
            segments.push(Segment::Index(index));
            rest = &inner[end + 1..];
        }
    }
    Ok(segments)
}
