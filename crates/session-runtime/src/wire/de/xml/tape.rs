//! An XML answer as a flat list of its elements (a "tape"): one pass of quick-xml's
//! reader, one allocation, every name and text a range of the answer's bytes. The parser
//! walks it by index, so flattened lists (repeated siblings, not necessarily adjacent) are
//! found without a second parse, and text is unescaped only when read.

use std::borrow::Cow;

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

/// The place just past the first `end` at or after `from`.
fn past(src: &[u8], from: usize, end: &[u8], what: &str) -> Result<usize, TapeError> {
    let rest = src.get(from..).unwrap_or_default();
    memchr::memmem::find(rest, end)
        .map(|i| from + i + end.len())
        .ok_or_else(|| TapeError(format!("not XML: an unterminated {what}")))
}

/// The place of the `>` that ends the start tag whose name begins at `from` (a `>` inside
/// a quoted attribute value does not end it).
fn tag_end(src: &[u8], from: usize) -> Result<usize, TapeError> {
    let mut i = from;
    loop {
        let off = memchr::memchr3(b'>', b'"', b'\'', &src[i..])
            .ok_or_else(|| TapeError("not XML: an unterminated start tag".into()))?;
        let at = i + off;
        match src[at] {
            b'>' => return Ok(at),
            quote => {
                let close = memchr::memchr(quote, &src[at + 1..])
                    .ok_or_else(|| TapeError("not XML: an unterminated attribute value".into()))?;
                i = at + 1 + close + 1;
            }
        }
    }
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
    ///
    /// A scanner of its own rather than quick-xml's event reader: the tape needs only where
    /// each tag starts and ends, and finding those with `memchr` costs a third of reading
    /// events (ListObjectsV2 of 1,000 keys, `benches/parse.rs` in services-s3). Like the
    /// reader it replaced (configured without end-name checks), it does not check that an
    /// end tag names the element it closes; text is checked (UTF-8, entities) when read.
    pub(crate) fn parse(src: &'a [u8]) -> Result<Self, TapeError> {
        let mut nodes: Vec<Node> = Vec::with_capacity(src.len() / 48 + 4);
        // Open elements: their index and their last child so far.
        let mut open: Vec<(usize, usize)> = Vec::with_capacity(16);
        let mut root_closed = false;
        let mut pos = 0;
        while let Some(off) = memchr::memchr(b'<', &src[pos..]) {
            let lt = pos + off;
            let after_lt = lt + 1;
            match src.get(after_lt) {
                None => return Err(TapeError("not XML: a `<` at the end".into())),
                Some(b'?') => pos = past(src, after_lt + 1, b"?>", "a processing instruction")?,
                Some(b'!') => {
                    let rest = &src[after_lt..];
                    pos = if rest.starts_with(b"!--") {
                        past(src, after_lt + 3, b"-->", "a comment")?
                    } else if rest.starts_with(b"![CDATA[") {
                        past(src, after_lt + 8, b"]]>", "a CDATA section")?
                    } else {
                        // `<!DOCTYPE ...>` (an internal subset's brackets are not followed:
                        // no AWS answer has one).
                        past(src, after_lt, b">", "a declaration")?
                    };
                }
                Some(b'/') => {
                    let gt = memchr::memchr(b'>', &src[after_lt..])
                        .ok_or_else(|| TapeError("not XML: an unterminated end tag".into()))?;
                    let Some((index, _)) = open.pop() else {
                        return Err(TapeError("an end tag with no start".into()));
                    };
                    let start = nodes[index].content.0 as usize;
                    nodes[index].content = range(start, lt);
                    if open.is_empty() {
                        root_closed = true;
                    }
                    pos = after_lt + gt + 1;
                }
                Some(_) => {
                    if root_closed {
                        return Err(TapeError("more than one root element".into()));
                    }
                    let gt = tag_end(src, after_lt)?;
                    let empty = gt > after_lt && src[gt - 1] == b'/';
                    // name + attributes (+ `/`), between `<` and `>`
                    let tag = &src[after_lt..gt];
                    let (ns, ne) = local_name(tag);
                    let attrs_end = if empty { tag.len() - 1 } else { tag.len() };
                    let index = nodes.len();
                    nodes.push(Node {
                        name: range(after_lt + ns, after_lt + ne),
                        attrs: range(after_lt + ne, after_lt + attrs_end.max(ne)),
                        content: range(gt + 1, gt + 1),
                        has_children: false,
                        first_child: 0,
                        next_sibling: 0,
                    });
                    let index32 = u32::try_from(index).map_err(|_| {
                        TapeError("an answer of more than 4 billion elements".into())
                    })?;
                    if let Some((parent, last)) = open.last_mut() {
                        let p = *parent;
                        if nodes[p].first_child == 0 {
                            nodes[p].first_child = index32;
                        } else {
                            nodes[*last].next_sibling = index32;
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
                    pos = gt + 1;
                }
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
    fn declarations_comments_cdata_and_quoted_brackets() {
        let xml = br#"<?xml version="1.0"?><!DOCTYPE r><!-- <x> --><R a='1>2' b="<"><A/><B><![CDATA[<i>]]></B><!-- c --></R>"#;
        let t = Tape::parse(xml).unwrap();
        assert_eq!(t.name(t.root()), b"R");
        assert_eq!(t.attribute(t.root(), "a").as_deref(), Some("1>2"));
        let kids: Vec<_> = t.children(t.root()).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(t.name(kids[0]), b"A");
        assert_eq!(t.text(kids[0]).unwrap(), "");
        assert_eq!(t.text(kids[1]).unwrap(), "<i>");
        for bad in [
            &b"<a><!-- never closed</a>"[..],
            b"<a b=\"x>",
            b"<a",
            b"<a></a",
            b"<a/><b/>",
            b"<?xml",
        ] {
            assert!(
                Tape::parse(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
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
