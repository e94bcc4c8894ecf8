//! Small, allocation-light XML helpers on quick-xml for error bodies and simple responses.

use quick_xml::events::Event;
use quick_xml::Reader;

/// The text of the first element named `name` (local name, any depth), entities resolved.
/// `None` when absent or when the XML is malformed before it.
pub fn first_text(body: &[u8], name: &str) -> Option<String> {
    texts(body, &[name]).pop().flatten()
}

/// Whether the document has an element with this local name (well-formed up to it).
pub fn has_element(body: &[u8], name: &str) -> bool {
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == name.as_bytes() => {
                return true
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// Whether the document's root element has this local name.
pub fn root_is(body: &[u8], name: &str) -> bool {
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return e.local_name().as_ref() == name.as_bytes()
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// For each name, the text of the first element with that local name.
pub fn texts(body: &[u8], names: &[&str]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None; names.len()];
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    // Index of the field being read, and its text so far.
    let mut current: Option<(usize, String)> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let local = e.local_name();
                current = names
                    .iter()
                    .position(|n| n.as_bytes() == local.as_ref())
                    .filter(|&i| out[i].is_none())
                    .map(|i| (i, String::new()));
            }
            Ok(Event::Text(t)) => {
                if let (Some((_, text)), Ok(s)) = (&mut current, t.decode()) {
                    text.push_str(&s);
                }
            }
            Ok(Event::CData(t)) => {
                if let (Some((_, text)), Ok(s)) = (&mut current, t.decode()) {
                    text.push_str(&s);
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, text)) = &mut current {
                    push_entity(text, &r);
                }
            }
            Ok(Event::End(_)) => {
                if let Some((i, text)) = current.take() {
                    out[i] = Some(text);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    out
}

/// For each `container` element, the text of the first child element of each name in
/// `fields` (e.g. every `Contents` of a listing with its `Key` and `Size`).
pub fn records(body: &[u8], container: &str, fields: &[&str]) -> Vec<Vec<Option<String>>> {
    let mut out = Vec::new();
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut record: Option<Vec<Option<String>>> = None;
    let mut current: Option<(usize, String)> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let local = e.local_name();
                if local.as_ref() == container.as_bytes() {
                    record = Some(vec![None; fields.len()]);
                } else if let Some(rec) = &record {
                    current = fields
                        .iter()
                        .position(|n| n.as_bytes() == local.as_ref())
                        .filter(|&i| rec[i].is_none())
                        .map(|i| (i, String::new()));
                }
            }
            Ok(Event::Text(t)) => {
                if let (Some((_, text)), Ok(s)) = (&mut current, t.decode()) {
                    text.push_str(&s);
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, text)) = &mut current {
                    push_entity(text, &r);
                }
            }
            Ok(Event::End(e)) => {
                if let Some((i, text)) = current.take() {
                    if let Some(rec) = &mut record {
                        rec[i] = Some(text);
                    }
                } else if e.local_name().as_ref() == container.as_bytes() {
                    if let Some(rec) = record.take() {
                        out.push(rec);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    out
}

fn push_entity(text: &mut String, r: &quick_xml::events::BytesRef<'_>) {
    match r.resolve_char_ref() {
        Ok(Some(c)) => text.push(c),
        _ => match &**r {
            b"amp" => text.push('&'),
            b"lt" => text.push('<'),
            b"gt" => text.push('>'),
            b"quot" => text.push('"'),
            b"apos" => text.push('\''),
            _ => {}
        },
    }
}

/// `Code`, `Message`, `RequestId` of an XML error body (query and REST-XML shapes; EC2's
/// `<Response>` spells it `RequestID`).
pub(super) fn error_fields(body: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let mut f = texts(body, &["Code", "Message", "RequestId", "RequestID"]).into_iter();
    let (code, message) = (f.next().flatten(), f.next().flatten());
    let request_id = f.next().flatten().or_else(|| f.next().flatten());
    (code, message, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_fields_of_each_shape() {
        let ec2 = b"<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>\
            <Message>no such instance</Message></Error></Errors>\
            <RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>";
        let (code, message, id) = error_fields(ec2);
        assert_eq!(code.as_deref(), Some("InvalidInstanceID.NotFound"));
        assert_eq!(message.as_deref(), Some("no such instance"));
        assert_eq!(id.as_deref(), Some("ea966190-f9aa-478e-9ede-example"));
        let query = b"<ErrorResponse><Error><Code>Throttling</Code><Message>slow</Message>\
            </Error><RequestId>q-1</RequestId></ErrorResponse>";
        assert_eq!(error_fields(query).2.as_deref(), Some("q-1"));
        assert_eq!(error_fields(b"<Error><Code>X</Code></Error>").2, None);
    }

    #[test]
    fn first_text_resolves_entities_and_ignores_later_duplicates() {
        let body = b"<a><b>x &lt;1&gt; &#x41;</b><b>second</b><c><![CDATA[raw<>]]></c></a>";
        assert_eq!(first_text(body, "b").as_deref(), Some("x <1> A"));
        assert_eq!(first_text(body, "c").as_deref(), Some("raw<>"));
        assert_eq!(first_text(body, "missing"), None);
        assert_eq!(first_text(b"<a><b>unterminated", "b"), None);
        assert_eq!(first_text(b"\xff\x00<<<", "b"), None);
        assert!(has_element(body, "a") && has_element(b"<x><y/></x>", "y"));
        assert!(!has_element(body, "z"));
        let list = b"<L><C><K>a&amp;b</K><S>1</S></C><C><S>2</S></C><Other><K>no</K></Other></L>";
        assert_eq!(
            records(list, "C", &["K", "S"]),
            vec![
                vec![Some("a&b".to_owned()), Some("1".to_owned())],
                vec![None, Some("2".to_owned())]
            ]
        );
    }
}
