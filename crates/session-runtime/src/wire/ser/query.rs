//! Query and EC2 request forms: `Action=..&Version=..` and one `Key.Path=value` pair per
//! scalar, keys built from members' form keys (EC2: `queryName` or the capitalized name),
//! lists as `Name.member.N` (query) or `Name.N` (flattened, and always in EC2), maps as
//! `Name.entry.N.key` / `.value`.

use super::{At, Error, Scalar, Sink};
use crate::shapes::{Member, MemberFlags, ShapeFlags, TimestampFormat};
use crate::wire::percent::{encode, encode_form, QUERY};
use crate::wire::text;

/// Builds a form body.
#[derive(Debug)]
pub(crate) struct QuerySink {
    pub(crate) out: String,
    ec2: bool,
    /// The key of the value being written.
    key: String,
    /// Lengths of `key` to go back to as values end.
    marks: Vec<usize>,
    /// Per open list or map: its frame.
    frames: Vec<Frame>,
}

#[derive(Debug)]
enum Frame {
    Structure,
    List {
        /// `member` (or the element's own name), or none when flattened.
        element: Option<&'static str>,
        count: usize,
    },
    Map {
        entry: Option<&'static str>,
        key: &'static str,
        value: &'static str,
    },
}

impl QuerySink {
    /// A form for `action` of `version`.
    pub(crate) fn new(action: &str, version: &str, ec2: bool) -> Self {
        let mut out = String::with_capacity(256);
        out.push_str("Action=");
        out.push_str(&encode(action, QUERY));
        out.push_str("&Version=");
        out.push_str(&encode(version, QUERY));
        Self {
            out,
            ec2,
            key: String::new(),
            marks: Vec::new(),
            frames: Vec::new(),
        }
    }

    fn push_segment(&mut self, segment: &str) {
        self.marks.push(self.key.len());
        if !self.key.is_empty() {
            self.key.push('.');
        }
        self.key.push_str(segment);
    }

    fn pop_segment(&mut self) {
        if let Some(len) = self.marks.pop() {
            self.key.truncate(len);
        }
    }

    /// `&key=value`, form-encoded (a space is `+`: see [`encode_form`]).
    fn pair(&mut self, value: &str) {
        self.out.push('&');
        self.out.push_str(&encode_form(&self.key));
        self.out.push('=');
        self.out.push_str(&encode_form(value));
    }
}

impl Sink for QuerySink {
    fn begin_structure(&mut self, _at: At) -> Result<(), Error> {
        self.frames.push(Frame::Structure);
        Ok(())
    }

    fn begin_member(&mut self, m: &'static Member) -> Result<(), Error> {
        self.push_segment(m.query_key);
        Ok(())
    }

    fn end_member(&mut self, _m: &'static Member) -> Result<(), Error> {
        self.pop_segment();
        Ok(())
    }

    fn end_structure(&mut self, _at: At) -> Result<(), Error> {
        self.frames.pop();
        Ok(())
    }

    fn begin_list(
        &mut self,
        at: At,
        element: &'static Member,
        _len: Option<usize>,
    ) -> Result<(), Error> {
        let flattened =
            self.ec2 || at.member_has(MemberFlags::FLATTENED) || at.shape.is(ShapeFlags::FLATTENED);
        // A flattened list whose element has a name of its own takes that name in place of
        // the member's (botocore's rule).
        if flattened && !self.ec2 && element.flags.has(MemberFlags::NAMED) {
            if let Some(len) = self.marks.last().copied() {
                self.key.truncate(len);
                if !self.key.is_empty() {
                    self.key.push('.');
                }
                self.key.push_str(element.query_key);
            }
        }
        self.frames.push(Frame::List {
            element: (!flattened).then_some(if element.query_key.is_empty() {
                "member"
            } else {
                element.query_key
            }),
            count: 0,
        });
        Ok(())
    }

    fn begin_element(&mut self, index: usize) -> Result<(), Error> {
        if let Some(Frame::List { element, count }) = self.frames.last_mut() {
            *count += 1;
            let n = (index + 1).to_string();
            match *element {
                Some(name) => {
                    let name = name.to_owned();
                    self.push_segment(&name);
                    self.key.push('.');
                    self.key.push_str(&n);
                }
                None => self.push_segment(&n),
            }
        }
        Ok(())
    }

    fn end_element(&mut self) -> Result<(), Error> {
        self.pop_segment();
        Ok(())
    }

    fn end_list(&mut self, _at: At) -> Result<(), Error> {
        if let Some(Frame::List { count: 0, .. }) = self.frames.pop() {
            // An empty list is sent as an empty value (query); EC2 sends nothing.
            if !self.ec2 {
                self.pair("");
            }
        }
        Ok(())
    }

    fn begin_map(
        &mut self,
        at: At,
        key: &'static Member,
        value: &'static Member,
    ) -> Result<(), Error> {
        let flattened = at.member_has(MemberFlags::FLATTENED) || at.shape.is(ShapeFlags::FLATTENED);
        let name = |m: &'static Member, default: &'static str| {
            if m.query_key.is_empty() {
                default
            } else {
                m.query_key
            }
        };
        self.frames.push(Frame::Map {
            entry: (!flattened).then_some("entry"),
            key: name(key, "key"),
            value: name(value, "value"),
        });
        Ok(())
    }

    fn begin_entry(&mut self, key: &str, index: usize) -> Result<(), Error> {
        let Some(Frame::Map {
            entry,
            key: key_name,
            value,
        }) = self.frames.last()
        else {
            return Ok(());
        };
        let (entry, key_name, value) = (*entry, *key_name, *value);
        let n = (index + 1).to_string();
        match entry {
            Some(e) => {
                self.push_segment(e);
                self.key.push('.');
                self.key.push_str(&n);
            }
            None => self.push_segment(&n),
        }
        self.push_segment(key_name);
        self.pair(key);
        self.pop_segment();
        self.push_segment(value);
        Ok(())
    }

    fn end_entry(&mut self) -> Result<(), Error> {
        self.pop_segment();
        self.pop_segment();
        Ok(())
    }

    fn end_map(&mut self, _at: At) -> Result<(), Error> {
        self.frames.pop();
        Ok(())
    }

    fn scalar(&mut self, at: At, value: Scalar<'_>) -> Result<(), Error> {
        let t = text::scalar(at, value, TimestampFormat::Iso8601);
        self.pair(&t);
        Ok(())
    }

    fn null(&mut self, _at: At) -> Result<(), Error> {
        self.pair("");
        Ok(())
    }

    fn document(&mut self, _at: At, _value: &serde_json::Value) -> Result<(), Error> {
        Err(Error::sink("documents cannot be sent in a query form"))
    }
}
