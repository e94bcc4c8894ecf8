//! A small XML tree for responses (they are small; streamed bodies never come here).

use quick_xml::events::Event;
use quick_xml::Reader;

/// An element: local name (no namespace prefix), attributes, child elements, and its own
/// text (concatenated).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Element {
    /// The local name.
    pub name: String,
    /// Attributes by local name.
    pub attributes: Vec<(String, String)>,
    /// Child elements in order.
    pub children: Vec<Element>,
    /// The element's text.
    pub text: String,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.rsplit_once(':') {
        Some((_, local)) => local.to_owned(),
        None => name.into_owned(),
    }
}

/// Parses a document into its root element.
///
/// # Errors
/// Malformed or truncated XML, or no root element.
pub fn parse(xml: &[u8]) -> Result<Element, String> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.buffer_position()))?;
        match &event {
            Event::Start(start) | Event::Empty(start) => {
                let mut el = Element {
                    name: local(start.name().as_ref()),
                    ..Element::default()
                };
                for attr in start.attributes().flatten() {
                    if attr.key.as_ref().starts_with(b"xmlns") {
                        continue;
                    }
                    let key = local(attr.key.as_ref());
                    let value = attr
                        .unescape_value()
                        .map_err(|e| format!("malformed XML attribute: {e}"))?
                        .into_owned();
                    el.attributes.push((key, value));
                }
                if matches!(event, Event::Empty(_)) {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(el),
                        None => return Ok(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("unbalanced XML")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Ok(el),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    let text = t.decode().map_err(|e| format!("malformed XML text: {e}"))?;
                    el.text.push_str(&text);
                }
            }
            Event::CData(c) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&String::from_utf8_lossy(c));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(el) = stack.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => el.text.push(c),
                        _ => match &**r {
                            b"amp" => el.text.push('&'),
                            b"lt" => el.text.push('<'),
                            b"gt" => el.text.push('>'),
                            b"quot" => el.text.push('"'),
                            b"apos" => el.text.push('\''),
                            other => {
                                return Err(format!(
                                    "unknown XML entity &{};",
                                    String::from_utf8_lossy(other)
                                ))
                            }
                        },
                    }
                }
            }
            Event::Eof => return Err("truncated XML: no complete root element".into()),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_elements_text_and_attributes() {
        let root = parse(br#"<?xml version="1.0"?><a:Root xmlns:a="x"><B k="v">one &amp; two</B><C/><B>3</B></a:Root>"#).unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.children.len(), 3);
        assert_eq!(root.child("B").unwrap().text, "one & two");
        assert_eq!(root.child("B").unwrap().attribute("k"), Some("v"));
        assert_eq!(root.children_named("B").count(), 2);
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a><b>").is_err());
        assert!(parse(b"").is_err());
    }
}
