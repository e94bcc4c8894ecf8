//! The middle contender's ListObjectsV2 reader: a plain quick-xml event loop that keeps each
//! object's key, size and ETag (what a hand-written client would extract), nothing else.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One object of the page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    /// `Key`.
    pub(crate) key: String,
    /// `Size`, bytes.
    pub(crate) size: u64,
    /// `ETag`, quotes included.
    pub(crate) etag: String,
}

#[derive(Clone, Copy)]
enum Field {
    None,
    Key,
    Size,
    ETag,
}

/// The objects of a ListObjectsV2 page.
///
/// # Errors
/// Malformed XML, or a `Size` that is not a number.
pub(crate) fn parse(xml: &[u8]) -> Result<Vec<Listed>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut objects = Vec::new();
    let mut current: Option<Listed> = None;
    let mut field = Field::None;
    let mut size_text = String::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("listing XML: {e}"))?
        {
            Event::Start(e) => {
                field = match e.local_name().as_ref() {
                    b"Contents" => {
                        current = Some(Listed::default());
                        Field::None
                    }
                    b"Key" => Field::Key,
                    b"Size" => Field::Size,
                    b"ETag" => Field::ETag,
                    _ => Field::None,
                }
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| format!("listing XML: {e}"))?;
                push(current.as_mut(), field, &text, &mut size_text);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => match &*r {
                        b"quot" => '"',
                        b"amp" => '&',
                        b"apos" => '\'',
                        b"lt" => '<',
                        b"gt" => '>',
                        other => {
                            return Err(format!(
                                "listing XML: unknown entity &{};",
                                String::from_utf8_lossy(other)
                            ))
                        }
                    },
                };
                push(
                    current.as_mut(),
                    field,
                    resolved.encode_utf8(&mut [0; 4]),
                    &mut size_text,
                );
            }
            Event::End(e) => {
                if matches!(field, Field::Size) {
                    if let Some(c) = current.as_mut() {
                        c.size = size_text
                            .parse()
                            .map_err(|_| format!("listing XML: Size {size_text:?}"))?;
                    }
                    size_text.clear();
                }
                field = Field::None;
                if e.local_name().as_ref() == b"Contents" {
                    objects.extend(current.take());
                }
            }
            Event::Eof => return Ok(objects),
            _ => {}
        }
    }
}

fn push(current: Option<&mut Listed>, field: Field, text: &str, size_text: &mut String) {
    let Some(c) = current else { return };
    match field {
        Field::Key => c.key.push_str(text),
        Field::ETag => c.etag.push_str(text),
        Field::Size => size_text.push_str(text),
        Field::None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_recorded_page() {
        let objects = parse(&crate::exchange::list_objects_v2().body).unwrap();
        assert_eq!(objects.len(), 100);
        assert!(objects[0].key.starts_with("logs/checkout/2026/11/01/"));
        assert_eq!(objects[0].etag.len(), 34);
        assert!(objects.iter().all(|o| o.size > 0));
    }

    #[test]
    fn resolves_entities_as_aws_sends_them() {
        let xml = b"<ListBucketResult><Contents><Key>a&amp;b</Key><ETag>&quot;x&quot;</ETag>\
            <Size>12</Size></Contents></ListBucketResult>";
        let objects = parse(xml).unwrap();
        assert_eq!(
            objects,
            [Listed {
                key: "a&b".into(),
                size: 12,
                etag: "\"x\"".into()
            }]
        );
    }

    #[test]
    fn bad_size_is_an_error() {
        let xml = b"<r><Contents><Key>k</Key><Size>big</Size></Contents></r>";
        assert!(parse(xml).unwrap_err().contains("Size"));
    }
}
