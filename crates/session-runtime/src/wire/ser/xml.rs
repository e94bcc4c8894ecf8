//! XML request bodies (REST-XML): elements named by members' wire names, attributes,
//! namespaces, flattened and wrapped lists and maps.

use std::fmt::Write as _;

use super::{At, Error, Scalar, Sink};
use crate::shapes::{Member, MemberFlags, ShapeFlags, TimestampFormat, XmlNamespace};
use crate::wire::text;

/// Writes XML text.
#[derive(Debug)]
pub(crate) struct XmlSink {
    pub(crate) out: String,
    /// The element name (and namespace) of the next value.
    pending: Option<(&'static str, Option<&'static XmlNamespace>)>,
    /// The attribute the next scalar is.
    pending_attribute: Option<&'static Member>,
    frames: Vec<Frame>,
    root: (&'static str, Option<&'static XmlNamespace>),
}

#[derive(Debug)]
enum Frame {
    /// An open element; attributes go before `>` at `tag_end`.
    Element { name: &'static str, tag_end: usize },
    List {
        wrapper: Option<&'static str>,
        item: &'static str,
        item_ns: Option<&'static XmlNamespace>,
    },
    Map {
        wrapper: Option<&'static str>,
        entry: &'static str,
        key: &'static str,
        value: &'static str,
    },
}

/// Escapes text for element content and attribute values.
pub(crate) fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            '\n' => out.push_str("&#xA;"),
            c => out.push(c),
        }
    }
}

impl XmlSink {
    /// A body whose root element is `root`.
    pub(crate) fn new(root: &'static str, namespace: Option<&'static XmlNamespace>) -> Self {
        Self {
            out: String::with_capacity(256),
            pending: None,
            pending_attribute: None,
            frames: Vec::new(),
            root: (root, namespace),
        }
    }

    fn name(&mut self) -> (&'static str, Option<&'static XmlNamespace>) {
        self.pending.take().unwrap_or(self.root)
    }

    fn open(&mut self, name: &str, ns: Option<&XmlNamespace>) {
        self.out.push('<');
        self.out.push_str(name);
        if let Some(ns) = ns {
            match ns.prefix {
                Some(p) => {
                    let _ = write!(self.out, " xmlns:{p}=\"");
                }
                None => self.out.push_str(" xmlns=\""),
            }
            escape(ns.uri, &mut self.out);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }
}

/// The namespace a value is written with: its member's, else its shape's.
fn namespace(at: At) -> Option<&'static XmlNamespace> {
    at.member
        .and_then(|m| m.xml_namespace)
        .or(at.shape.xml_namespace)
}

impl Sink for XmlSink {
    fn begin_structure(&mut self, at: At) -> Result<(), Error> {
        let (name, ns) = self.name();
        self.open(name, ns.or(namespace(at)));
        let tag_end = self.out.len() - 1;
        self.frames.push(Frame::Element { name, tag_end });
        Ok(())
    }

    fn begin_member(&mut self, m: &'static Member) -> Result<(), Error> {
        if m.flags.has(MemberFlags::XML_ATTRIBUTE) {
            self.pending_attribute = Some(m);
        } else {
            self.pending = Some((m.wire, m.xml_namespace));
        }
        Ok(())
    }

    fn end_member(&mut self, _m: &'static Member) -> Result<(), Error> {
        self.pending = None;
        self.pending_attribute = None;
        Ok(())
    }

    fn end_structure(&mut self, _at: At) -> Result<(), Error> {
        if let Some(Frame::Element { name, .. }) = self.frames.pop() {
            self.close(name);
        }
        Ok(())
    }

    fn begin_list(
        &mut self,
        at: At,
        element: &'static Member,
        _len: Option<usize>,
    ) -> Result<(), Error> {
        let (name, ns) = self.name();
        let flattened = at.member_has(MemberFlags::FLATTENED) || at.shape.is(ShapeFlags::FLATTENED);
        if flattened {
            self.frames.push(Frame::List {
                wrapper: None,
                item: name,
                item_ns: ns.or(element.xml_namespace),
            });
        } else {
            self.open(name, ns);
            self.frames.push(Frame::List {
                wrapper: Some(name),
                item: element.wire,
                item_ns: element.xml_namespace,
            });
        }
        Ok(())
    }

    fn begin_element(&mut self, _index: usize) -> Result<(), Error> {
        if let Some(Frame::List { item, item_ns, .. }) = self.frames.last() {
            self.pending = Some((item, *item_ns));
        }
        Ok(())
    }

    fn end_element(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn end_list(&mut self, _at: At) -> Result<(), Error> {
        if let Some(Frame::List {
            wrapper: Some(name),
            ..
        }) = self.frames.pop()
        {
            self.close(name);
        }
        Ok(())
    }

    fn begin_map(
        &mut self,
        at: At,
        key: &'static Member,
        value: &'static Member,
    ) -> Result<(), Error> {
        let (name, ns) = self.name();
        let flattened = at.member_has(MemberFlags::FLATTENED) || at.shape.is(ShapeFlags::FLATTENED);
        if flattened {
            self.frames.push(Frame::Map {
                wrapper: None,
                entry: name,
                key: key.wire,
                value: value.wire,
            });
        } else {
            self.open(name, ns);
            self.frames.push(Frame::Map {
                wrapper: Some(name),
                entry: "entry",
                key: key.wire,
                value: value.wire,
            });
        }
        Ok(())
    }

    fn begin_entry(&mut self, k: &str, _index: usize) -> Result<(), Error> {
        if let Some(Frame::Map {
            entry, key, value, ..
        }) = self.frames.last()
        {
            let (entry, key, value) = (*entry, *key, *value);
            let _ = write!(self.out, "<{entry}><{key}>");
            escape(k, &mut self.out);
            let _ = write!(self.out, "</{key}>");
            self.pending = Some((value, None));
        }
        Ok(())
    }

    fn end_entry(&mut self) -> Result<(), Error> {
        if let Some(Frame::Map { entry, .. }) = self.frames.last() {
            let entry = *entry;
            self.close(entry);
        }
        Ok(())
    }

    fn end_map(&mut self, _at: At) -> Result<(), Error> {
        if let Some(Frame::Map {
            wrapper: Some(name),
            ..
        }) = self.frames.pop()
        {
            self.close(name);
        }
        Ok(())
    }

    fn scalar(&mut self, at: At, value: Scalar<'_>) -> Result<(), Error> {
        let t = text::scalar(at, value, TimestampFormat::Iso8601);
        if let Some(attr) = self.pending_attribute.take() {
            // Into the start tag of the element that holds it.
            let mut a = String::new();
            let _ = write!(a, " {}=\"", attr.wire);
            escape(&t, &mut a);
            a.push('"');
            if let Some(Frame::Element { tag_end, .. }) = self
                .frames
                .iter_mut()
                .rev()
                .find(|f| matches!(f, Frame::Element { .. }))
            {
                self.out.insert_str(*tag_end, &a);
                *tag_end += a.len();
            }
            return Ok(());
        }
        let (name, ns) = self.name();
        self.open(name, ns.or(namespace(at)));
        escape(&t, &mut self.out);
        self.close(name);
        Ok(())
    }

    fn null(&mut self, _at: At) -> Result<(), Error> {
        let (name, _) = self.name();
        let _ = write!(self.out, "<{name}/>");
        Ok(())
    }

    fn document(&mut self, _at: At, _value: &serde_json::Value) -> Result<(), Error> {
        Err(Error::sink("documents cannot be sent in an XML body"))
    }
}
