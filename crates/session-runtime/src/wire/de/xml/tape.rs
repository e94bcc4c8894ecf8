//! An XML answer as a flat list of its elements (a "tape"): one pass of quick-xml's
//! reader, one allocation, every name and text a range of the answer's bytes. The parser
//! walks it by index, so flattened lists (repeated siblings, not necessarily adjacent) are
//! found without a second parse, and text is unescaped only when read.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

/// One element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    /// The local name (without a namespace prefix).
    name: (u32, u32),
    /// The start tag's attributes, raw.
    attrs: (u32, u32),
    /// The content between the tags (text, for leaves).
    content: (u32, u32),
    /// Whether the element has child elements.
    has_children: bool,
    /// The first child, the next sibling (0: none; the root is node 0 and never a child
    /// or sibling).
    first_child: u32,
    next_sibling: u32,
}

/// An answer's elements.
#[derive(Debug)]
pub(crate) struct Tape<'a> {
    src: &'a [u8],
    nodes: Vec<Node>,
}

/// Why an answer is not XML.
#[derive(Debug)]
pub(crate) struct TapeError(pub(crate) String);

fn range(a: usize, b: usize) -> (u32, u32) {
    (
        u32::try_from(a).unwrap_or(u32::MAX),
        u32::try_from(b).unwrap_or(u32::MAX),
    )
}

/// The local name of a start or end tag's raw bytes (`<x:Name a="b">` → `Name`), as a
/// range relative to `raw`.
fn local_name(raw: &[u8]) -> (usize, usize) {
    let end = raw
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
        .unwrap_or(raw.len());
    let start = raw[..end]
        .iter()
        .rposition(|b| *b == b':')
        .map_or(0, |i| i + 1);
    (start, end)
}

impl<'a> Tape<'a> {
    /// Reads `src`.
    pub(crate) fn parse(src: &'a [u8]) -> Result<Self, TapeError> {
        let mut reader = Reader::from_reader(src);
        reader.config_mut().trim_text(false);
        reader.config_mut().check_end_names = false;
        let mut nodes: Vec<Node> = Vec::with_capacity(src.len() / 48 + 4);
        // Open elements: their index and their last child so far.
        let mut open: Vec<(usize, usize)> = Vec::with_capacity(16);
        let mut root_closed = false;
        loop {
            let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let event = reader
                .read_event()
                .map_err(|e| TapeError(format!("not XML: {e}")))?;
            let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            match event {
                Event::Start(_) | Event::Empty(_) => {
                    if root_closed {
                        return Err(TapeError("more than one root element".into()));
                    }
                    let empty = matches!(event, Event::Empty(_));
                    // `<` + name + attributes + (`/`)`>`
                    let tag = &src[before + 1..after.saturating_sub(1)];
                    let (ns, ne) = local_name(tag);
                    let attrs_end = if empty {
                        tag.len().saturating_sub(1)
                    } else {
                        tag.len()
                    };
                    let index = nodes.len();
                    let node = Node {
                        name: range(before + 1 + ns, before + 1 + ne),
                        attrs: range(before + 1 + ne, before + 1 + attrs_end.max(ne)),
                        content: range(after, after),
                        has_children: false,
                        first_child: 0,
                        next_sibling: 0,
                    };
                    nodes.push(node);
                    if let Some((parent, last)) = open.last_mut() {
                        let p = *parent;
                        if nodes[p].first_child == 0 {
                            nodes[p].first_child = u32::try_from(index).unwrap_or(0);
                        } else {
                            nodes[*last].next_sibling = u32::try_from(index).unwrap_or(0);
                        }
                        nodes[p].has_children = true;
                        *last = index;
                    }
                    if empty {
                        if open.is_empty() {
                            root_closed = true;
                        }
                    } else {
                        open.push((index, index));
                    }
                }
                Event::End(_) => {
                    let Some((index, _)) = open.pop() else {
                        return Err(TapeError("an end tag with no start".into()));
                    };
                    let start = nodes[index].content.0 as usize;
                    nodes[index].content = range(start, before);
                    if open.is_empty() {
                        root_closed = true;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !open.is_empty() {
            return Err(TapeError("the XML ends before its elements do".into()));
        }
        if nodes.is_empty() {
            return Err(TapeError("no element".into()));
        }
        Ok(Self { src, nodes })
    }

    fn slice(&self, r: (u32, u32)) -> &'a [u8] {
        &self.src[r.0 as usize..r.1 as usize]
    }

    /// The root element.
    pub(crate) fn root(&self) -> usize {
        0
    }

    /// The local name of `node`.
    pub(crate) fn name(&self, node: usize) -> &'a [u8] {
        self.slice(self.nodes[node].name)
    }

    /// The children of `node`, in order.
    pub(crate) fn children(&self, node: usize) -> Children<'_, 'a> {
        Children {
            tape: self,
            next: self.nodes[node].first_child as usize,
        }
    }

    /// The first child of `node` named `name`.
    pub(crate) fn child(&self, node: usize, name: &[u8]) -> Option<usize> {
        self.children(node).find(|c| self.name(*c) == name)
    }

    /// The next sibling of `node` named `name`.
    pub(crate) fn next_named(&self, node: usize, name: &[u8]) -> Option<usize> {
        let mut n = self.nodes[node].next_sibling as usize;
        while n != 0 {
            if self.name(n) == name {
                return Some(n);
            }
            n = self.nodes[n].next_sibling as usize;
        }
        None
    }

    /// The text of `node` (unescaped; CDATA sections as they are). Empty for an element
    /// with child elements.
    pub(crate) fn text(&self, node: usize) -> Result<Cow<'a, str>, TapeError> {
        let n = &self.nodes[node];
        if n.has_children {
            return Ok(Cow::Borrowed(""));
        }
        unescape(self.slice(n.content))
    }

    /// The value of attribute `name` (a local name; `xsi:type` matches `type` too, and
    /// the exact qualified name wins).
    pub(crate) fn attribute(&self, node: usize, name: &str) -> Option<Cow<'a, str>> {
        let raw = self.slice(self.nodes[node].attrs);
        let start = quick_xml::events::BytesStart::from_content(
            std::str::from_utf8(raw).ok()?.to_owned(),
            0,
        );
        let local = name.rsplit(':').next().unwrap_or(name);
        let mut fallback = None;
        for a in start.attributes().flatten() {
            let key = a.key.as_ref();
            let value = || -> Option<Cow<'a, str>> {
                let v = std::str::from_utf8(&a.value).ok()?;
                unescape(v.as_bytes())
                    .ok()
                    .map(|c| Cow::Owned(c.into_owned()))
            };
            if key == name.as_bytes() {
                return value();
            }
            if fallback.is_none() && a.key.local_name().as_ref() == local.as_bytes() {
                fallback = value();
            }
        }
        fallback
    }
}

/// Iterates siblings.
pub(crate) struct Children<'t, 'a> {
    tape: &'t Tape<'a>,
    next: usize,
}

impl Iterator for Children<'_, '_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.next == 0 {
            return None;
        }
        let n = self.next;
        self.next = self.tape.nodes[n].next_sibling as usize;
        Some(n)
    }
}

/// XML text with its entities and character references resolved and CDATA sections
/// unwrapped; borrowed when there is nothing to resolve.
pub(crate) fn unescape(raw: &[u8]) -> Result<Cow<'_, str>, TapeError> {
    let text = std::str::from_utf8(raw).map_err(|_| TapeError("text that is not UTF-8".into()))?;
    // memchr, not `str::contains` with a char set (which walks char by char): most texts
    // have nothing to resolve, and this is on every text of an answer.
    if memchr::memchr2(b'&', b'<', raw).is_none() {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after
                .find("]]>")
                .ok_or_else(|| TapeError("an unterminated CDATA section".into()))?;
            out.push_str(&after[..end]);
            rest = &after[end + 3..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('&') {
            let end = after
                .find(';')
                .ok_or_else(|| TapeError("an unterminated entity".into()))?;
            let entity = &after[..end];
            match entity {
                "amp" => out.push('&'),
                "lt" => out.push('<'),
                "gt" => out.push('>'),
                "quot" => out.push('"'),
                "apos" => out.push('\''),
                _ => {
                    let code = if let Some(hex) = entity
                        .strip_prefix("#x")
                        .or_else(|| entity.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse().ok()
                    } else {
                        None
                    };
                    let c = code
                        .and_then(char::from_u32)
                        .ok_or_else(|| TapeError(format!("an unknown entity &{entity};")))?;
                    out.push(c);
                }
            }
            rest = &after[end + 1..];
            continue;
        }
        // Search the bytes after the first *byte*: `rest` may start with a character of
        // several bytes (slicing the `str` at 1 panicked on `é&amp;`: found by the
        // `response` fuzz target); what is found is ASCII, so a character boundary.
        let next = memchr::memchr2(b'&', b'<', &rest.as_bytes()[1..]).map_or(rest.len(), |i| i + 1);
        out.push_str(&rest[..next]);
        rest = &rest[next..];
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_names_texts_and_siblings() {
        let xml = br#"<?xml version="1.0"?><a:Root xmlns:a="u"><K>1</K><L x="&lt;y&gt;"/><K>a &amp; b</K><M><K>in</K></M></a:Root>"#;
        let t = Tape::parse(xml).unwrap();
        assert_eq!(t.name(t.root()), b"Root");
        let kids: Vec<_> = t.children(t.root()).collect();
        assert_eq!(kids.len(), 4);
        assert_eq!(t.text(kids[0]).unwrap(), "1");
        assert_eq!(t.attribute(kids[1], "x").as_deref(), Some("<y>"));
        assert_eq!(t.text(kids[2]).unwrap(), "a & b");
        assert_eq!(t.next_named(kids[0], b"K"), Some(kids[2]));
        assert_eq!(t.text(kids[3]).unwrap(), "");
        let inner = t.child(kids[3], b"K").unwrap();
        assert_eq!(t.text(inner).unwrap(), "in");
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(Tape::parse(b"<a><b></a>").is_err());
        assert!(Tape::parse(b"<a>").is_err());
        assert!(Tape::parse(b"").is_err());
        assert!(Tape::parse(b"not xml").is_err());
        assert_eq!(unescape(b"&#x41;&#66;<![CDATA[<c>]]>").unwrap(), "AB<c>");
        // Text that starts with a character of several bytes, then an entity.
        assert_eq!(unescape("é&amp;ü".as_bytes()).unwrap(), "é&ü");
        assert_eq!(unescape("\u{356}&lt;".as_bytes()).unwrap(), "\u{356}<");
    }
}
