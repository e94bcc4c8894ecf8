//! botocore's `service-2.json`, as far as the runtime reads it (documentation and other
//! keys are ignored).
//!
//! Strings are borrowed from the JSON text wherever it has no escapes (all names do), so
//! reading EC2's 1.2 MB model allocates for its structure, not for each of its names.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// A string of the model: borrowed from the JSON text unless it held escapes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// The entries of a JSON object in the order the text gives them.
fn entries<'de, D, K, V>(d: D, what: &'static str) -> Result<Vec<(K, V)>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de>,
    V: Deserialize<'de>,
{
    struct Entries<K, V>(&'static str, PhantomData<(K, V)>);
    impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
        type Value = Vec<(K, V)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<(K, V)>, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(entry) = map.next_entry()? {
                out.push(entry);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Entries(what, PhantomData))
}

/// The model's shapes, numbered in the order of their names (a shape's id is its place in
/// that order), each name once.
#[derive(Debug)]
pub(crate) struct Shapes<'a> {
    /// In the order of the text: sorting shapes themselves would move every one of them
    /// (hundreds of bytes each) many times, so it is their places that are sorted.
    entries: Vec<(Text<'a>, Shape<'a>)>,
    /// Entry of each id.
    by_id: Vec<u32>,
    /// Id of each name. Keys are copies of the names (cheap: they borrow the JSON text when
    /// they can), so the index does not borrow `entries`.
    ids: HashMap<Text<'a>, u32, foldhash::fast::FixedState>,
}

impl<'a> Shapes<'a> {
    /// How many shapes there are.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The id of the shape named `name`.
    pub(crate) fn id(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The shape whose id is `id`, with its name.
    pub(crate) fn by_id(&self, id: u32) -> (&Text<'a>, &Shape<'a>) {
        let (name, shape) = &self.entries[self.by_id[id as usize] as usize];
        (name, shape)
    }

    /// The shape named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Shape<'a>> {
        self.id(name).map(|id| self.by_id(id).1)
    }

    /// Every shape with its name, by id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Text<'a>, &Shape<'a>)> {
        self.by_id.iter().map(|&e| {
            let (name, shape) = &self.entries[e as usize];
            (name, shape)
        })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Shapes<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries: Vec<(Text<'a>, Shape<'a>)> = entries(d, "the model's shapes")?;
        let count = u32::try_from(entries.len())
            .map_err(|_| serde::de::Error::custom("more shapes than a table can number"))?;
        let mut by_id: Vec<u32> = (0..count).collect();
        by_id.sort_unstable_by(|&a, &b| entries[a as usize].0.cmp(&entries[b as usize].0));
        if let Some(w) = by_id
            .windows(2)
            .find(|w| entries[w[0] as usize].0 == entries[w[1] as usize].0)
        {
            return Err(serde::de::Error::custom(format!(
                "the shape {} is defined twice",
                entries[w[0] as usize].0
            )));
        }
        let mut ids = HashMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (id, &e) in (0..count).zip(&by_id) {
            ids.insert(entries[e as usize].0.clone(), id);
        }
        Ok(Shapes {
            entries,
            by_id,
            ids,
        })
    }
}

/// A whole service model.
#[derive(Debug, Deserialize)]
pub(crate) struct Model<'a> {
    #[serde(borrow)]
    pub(crate) metadata: Metadata<'a>,
    #[serde(borrow, default)]
    pub(crate) operations: BTreeMap<Text<'a>, Operation<'a>>,
    #[serde(borrow)]
    pub(crate) shapes: Shapes<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metadata<'a> {
    #[serde(borrow)]
    pub(crate) protocol: Text<'a>,
    #[serde(borrow, default)]
    pub(crate) protocols: Vec<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) json_version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) target_prefix: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) api_version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) service_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) signing_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) endpoint_prefix: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) xml_namespace: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) aws_query_compatible: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Operation<'a> {
    #[serde(borrow)]
    pub(crate) name: Text<'a>,
    #[serde(borrow, default)]
    pub(crate) http: Http<'a>,
    #[serde(borrow, default)]
    pub(crate) input: Option<ShapeRef<'a>>,
    #[serde(borrow, default)]
    pub(crate) output: Option<ShapeRef<'a>>,
    #[serde(borrow, default)]
    pub(crate) errors: Vec<ShapeRef<'a>>,
    #[serde(borrow, default)]
    pub(crate) endpoint: Option<EndpointTrait<'a>>,
    #[serde(default)]
    pub(crate) http_checksum_required: bool,
    #[serde(borrow, default)]
    pub(crate) http_checksum: Option<HttpChecksum<'a>>,
    #[serde(default)]
    pub(crate) endpointdiscovery: Option<EndpointDiscovery>,
    #[serde(default)]
    pub(crate) endpointoperation: bool,
    #[serde(borrow, default)]
    pub(crate) authtype: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) auth: Vec<Text<'a>>,
    #[serde(default)]
    pub(crate) unsigned_payload: bool,
    #[serde(default)]
    pub(crate) idempotent: bool,
    #[serde(default)]
    pub(crate) readonly: bool,
    #[serde(default)]
    pub(crate) deprecated: bool,
    #[serde(borrow, default)]
    pub(crate) requestcompression: Option<RequestCompression<'a>>,
    #[serde(borrow, default)]
    pub(crate) static_context_params: BTreeMap<Text<'a>, StaticParam>,
    #[serde(borrow, default)]
    pub(crate) operation_context_params: BTreeMap<Text<'a>, ContextPath<'a>>,
}

/// An `operationContextParams` entry: the JMESPath expression giving the parameter.
#[derive(Debug, Deserialize)]
pub(crate) struct ContextPath<'a> {
    #[serde(borrow)]
    pub(crate) path: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Http<'a> {
    #[serde(borrow, default)]
    pub(crate) method: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) request_uri: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) response_code: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShapeRef<'a> {
    #[serde(borrow)]
    pub(crate) shape: Text<'a>,
    #[serde(borrow, default)]
    pub(crate) result_wrapper: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) location_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) xml_namespace: Option<XmlNamespace<'a>>,
    /// Older models name the payload member on the operation's shape reference.
    #[serde(borrow, default)]
    pub(crate) payload: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EndpointTrait<'a> {
    #[serde(borrow, default)]
    pub(crate) host_prefix: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HttpChecksum<'a> {
    #[serde(borrow, default)]
    pub(crate) request_algorithm_member: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) request_validation_mode_member: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) request_checksum_required: bool,
    #[serde(borrow, default)]
    pub(crate) response_algorithms: Vec<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EndpointDiscovery {
    #[serde(default)]
    pub(crate) required: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RequestCompression<'a> {
    #[serde(borrow, default)]
    pub(crate) encodings: Vec<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StaticParam {
    pub(crate) value: serde_json::Value,
}

/// An XML namespace: botocore writes it as an object or, on service metadata, a string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum XmlNamespace<'a> {
    Uri(#[serde(borrow)] Text<'a>),
    Full {
        #[serde(borrow, default)]
        prefix: Option<Text<'a>>,
        #[serde(borrow)]
        uri: Text<'a>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Shape<'a> {
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Text<'a>,
    #[serde(borrow, default)]
    pub(crate) members: Members<'a>,
    #[serde(borrow, default)]
    pub(crate) required: Vec<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) member: Option<MemberRef<'a>>,
    #[serde(borrow, default)]
    pub(crate) key: Option<MemberRef<'a>>,
    #[serde(borrow, default)]
    pub(crate) value: Option<MemberRef<'a>>,
    #[serde(borrow, default, rename = "enum")]
    pub(crate) enum_values: Vec<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) timestamp_format: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) flattened: bool,
    #[serde(default)]
    pub(crate) union: bool,
    #[serde(default)]
    pub(crate) document: bool,
    #[serde(default)]
    pub(crate) exception: bool,
    #[serde(default)]
    pub(crate) fault: bool,
    #[serde(borrow, default)]
    pub(crate) error: Option<ErrorTrait<'a>>,
    #[serde(default)]
    pub(crate) retryable: Option<Retryable>,
    #[serde(default)]
    pub(crate) eventstream: bool,
    #[serde(default)]
    pub(crate) event: bool,
    #[serde(default)]
    pub(crate) streaming: bool,
    #[serde(default)]
    pub(crate) requires_length: bool,
    #[serde(default)]
    pub(crate) sensitive: bool,
    #[serde(default)]
    pub(crate) sparse: bool,
    #[serde(borrow, default)]
    pub(crate) payload: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) xml_namespace: Option<XmlNamespace<'a>>,
    #[serde(borrow, default)]
    pub(crate) location_name: Option<Text<'a>>,
    /// Older models put a member's binding on the shape it targets.
    #[serde(borrow, default)]
    pub(crate) location: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) min: Option<f64>,
    #[serde(default)]
    pub(crate) max: Option<f64>,
}

/// Structure members in the model's order (the order XML bodies and query forms follow).
#[derive(Debug, Default)]
pub(crate) struct Members<'a>(pub(crate) Vec<(Text<'a>, MemberRef<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        entries(d, "structure members").map(Members)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorTrait<'a> {
    #[serde(borrow, default)]
    pub(crate) code: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) http_status_code: Option<u16>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Retryable {
    #[serde(default)]
    pub(crate) throttling: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MemberRef<'a> {
    #[serde(borrow)]
    pub(crate) shape: Text<'a>,
    #[serde(borrow, default)]
    pub(crate) location: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) location_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) query_name: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) flattened: bool,
    #[serde(default)]
    pub(crate) xml_attribute: bool,
    #[serde(borrow, default)]
    pub(crate) xml_namespace: Option<XmlNamespace<'a>>,
    #[serde(default)]
    pub(crate) idempotency_token: bool,
    #[serde(default)]
    pub(crate) host_label: bool,
    #[serde(default)]
    pub(crate) jsonvalue: bool,
    #[serde(default)]
    pub(crate) eventpayload: bool,
    #[serde(default)]
    pub(crate) eventheader: bool,
    #[serde(default)]
    pub(crate) streaming: bool,
    #[serde(borrow, default)]
    pub(crate) timestamp_format: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) context_param: Option<ContextParam<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ContextParam<'a> {
    #[serde(borrow)]
    pub(crate) name: Text<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_borrow_the_text_and_escapes_are_decoded() {
        let json = r#"{"metadata": {"protocol": "json"}, "shapes": {
            "B": {"type": "string", "enum": ["a\u0041", "plain"]},
            "A": {"type": "structure", "members": {"z": {"shape": "B"}, "y": {"shape": "B"}}}
        }}"#;
        let model: Model<'_> = serde_json::from_str(json).unwrap();
        // Ids follow the names' order, whatever the text's.
        let names: Vec<&str> = model.shapes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(model.shapes.id("B"), Some(1));
        assert_eq!(model.shapes.id("C"), None);
        let b = model.shapes.get("B").unwrap();
        assert!(matches!(b.enum_values[0].0, Cow::Owned(_)));
        assert_eq!(b.enum_values[0], "aA");
        assert!(matches!(b.enum_values[1].0, Cow::Borrowed(_)));
        // Members keep the text's order (the wire order of XML and query).
        let a = model.shapes.get("A").unwrap();
        let members: Vec<&str> = a.members.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(members, ["z", "y"]);
    }

    #[test]
    fn a_shape_defined_twice_is_an_error() {
        let json = r#"{"metadata": {"protocol": "json"}, "shapes": {
            "A": {"type": "string"}, "A": {"type": "integer"}
        }}"#;
        let err = serde_json::from_str::<Model<'_>>(json).unwrap_err();
        assert!(
            err.to_string().contains("the shape A is defined twice"),
            "{err}"
        );
    }
}
