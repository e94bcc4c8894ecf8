//! botocore's `service-2.json`, as far as the runtime reads it (documentation and other
//! keys are ignored).

use std::collections::BTreeMap;

use serde::Deserialize;

type Text = String;

/// A whole service model.
#[derive(Debug, Deserialize)]
pub(crate) struct Model {
    pub(crate) metadata: Metadata,
    #[serde(default)]
    pub(crate) operations: BTreeMap<Text, Operation>,
    pub(crate) shapes: BTreeMap<Text, Shape>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metadata {
    pub(crate) protocol: Text,
    #[serde(default)]
    pub(crate) protocols: Vec<Text>,
    #[serde(default)]
    pub(crate) json_version: Option<Text>,
    #[serde(default)]
    pub(crate) target_prefix: Option<Text>,
    #[serde(default)]
    pub(crate) api_version: Option<Text>,
    #[serde(default)]
    pub(crate) service_id: Option<Text>,
    #[serde(default)]
    pub(crate) signing_name: Option<Text>,
    #[serde(default)]
    pub(crate) endpoint_prefix: Option<Text>,
    #[serde(default)]
    pub(crate) xml_namespace: Option<Text>,
    #[serde(default)]
    pub(crate) aws_query_compatible: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Operation {
    pub(crate) name: Text,
    #[serde(default)]
    pub(crate) http: Http,
    #[serde(default)]
    pub(crate) input: Option<ShapeRef>,
    #[serde(default)]
    pub(crate) output: Option<ShapeRef>,
    #[serde(default)]
    pub(crate) errors: Vec<ShapeRef>,
    #[serde(default)]
    pub(crate) endpoint: Option<EndpointTrait>,
    #[serde(default)]
    pub(crate) http_checksum_required: bool,
    #[serde(default)]
    pub(crate) http_checksum: Option<HttpChecksum>,
    #[serde(default)]
    pub(crate) endpointdiscovery: Option<EndpointDiscovery>,
    #[serde(default)]
    pub(crate) endpointoperation: bool,
    #[serde(default)]
    pub(crate) authtype: Option<Text>,
    #[serde(default)]
    pub(crate) auth: Vec<Text>,
    #[serde(default)]
    pub(crate) unsigned_payload: bool,
    #[serde(default)]
    pub(crate) idempotent: bool,
    #[serde(default)]
    pub(crate) readonly: bool,
    #[serde(default)]
    pub(crate) deprecated: bool,
    #[serde(default)]
    pub(crate) requestcompression: Option<RequestCompression>,
    #[serde(default)]
    pub(crate) static_context_params: BTreeMap<Text, StaticParam>,
    #[serde(default)]
    pub(crate) operation_context_params: BTreeMap<Text, ContextPath>,
}

/// An `operationContextParams` entry: the JMESPath expression giving the parameter.
#[derive(Debug, Deserialize)]
pub(crate) struct ContextPath {
    pub(crate) path: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Http {
    #[serde(default)]
    pub(crate) method: Option<Text>,
    #[serde(default)]
    pub(crate) request_uri: Option<Text>,
    #[serde(default)]
    pub(crate) response_code: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShapeRef {
    pub(crate) shape: Text,
    #[serde(default)]
    pub(crate) result_wrapper: Option<Text>,
    #[serde(default)]
    pub(crate) location_name: Option<Text>,
    #[serde(default)]
    pub(crate) xml_namespace: Option<XmlNamespace>,
    /// Older models name the payload member on the operation's shape reference.
    #[serde(default)]
    pub(crate) payload: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EndpointTrait {
    #[serde(default)]
    pub(crate) host_prefix: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HttpChecksum {
    #[serde(default)]
    pub(crate) request_algorithm_member: Option<Text>,
    #[serde(default)]
    pub(crate) request_validation_mode_member: Option<Text>,
    #[serde(default)]
    pub(crate) request_checksum_required: bool,
    #[serde(default)]
    pub(crate) response_algorithms: Vec<Text>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EndpointDiscovery {
    #[serde(default)]
    pub(crate) required: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RequestCompression {
    #[serde(default)]
    pub(crate) encodings: Vec<Text>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StaticParam {
    pub(crate) value: serde_json::Value,
}

/// An XML namespace: botocore writes it as an object or, on service metadata, a string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum XmlNamespace {
    Uri(Text),
    Full {
        #[serde(default)]
        prefix: Option<Text>,
        uri: Text,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Shape {
    #[serde(rename = "type")]
    pub(crate) kind: Text,
    #[serde(default)]
    pub(crate) members: BTreeMapInOrder,
    #[serde(default)]
    pub(crate) required: Vec<Text>,
    #[serde(default)]
    pub(crate) member: Option<MemberRef>,
    #[serde(default)]
    pub(crate) key: Option<MemberRef>,
    #[serde(default)]
    pub(crate) value: Option<MemberRef>,
    #[serde(default, rename = "enum")]
    pub(crate) enum_values: Vec<Text>,
    #[serde(default)]
    pub(crate) timestamp_format: Option<Text>,
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
    #[serde(default)]
    pub(crate) error: Option<ErrorTrait>,
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
    #[serde(default)]
    pub(crate) payload: Option<Text>,
    #[serde(default)]
    pub(crate) xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub(crate) location_name: Option<Text>,
    /// Older models put a member's binding on the shape it targets.
    #[serde(default)]
    pub(crate) location: Option<Text>,
    #[serde(default)]
    pub(crate) min: Option<f64>,
    #[serde(default)]
    pub(crate) max: Option<f64>,
}

/// Structure members in the model's order (the order XML bodies and query forms follow).
#[derive(Debug, Default)]
pub(crate) struct BTreeMapInOrder(pub(crate) Vec<(Text, MemberRef)>);

impl<'de> Deserialize<'de> for BTreeMapInOrder {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = BTreeMapInOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("structure members")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<BTreeMapInOrder, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Text, MemberRef>()? {
                    out.push((k, v));
                }
                Ok(BTreeMapInOrder(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorTrait {
    #[serde(default)]
    pub(crate) code: Option<Text>,
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
pub(crate) struct MemberRef {
    pub(crate) shape: Text,
    #[serde(default)]
    pub(crate) location: Option<Text>,
    #[serde(default)]
    pub(crate) location_name: Option<Text>,
    #[serde(default)]
    pub(crate) query_name: Option<Text>,
    #[serde(default)]
    pub(crate) flattened: bool,
    #[serde(default)]
    pub(crate) xml_attribute: bool,
    #[serde(default)]
    pub(crate) xml_namespace: Option<XmlNamespace>,
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
    #[serde(default)]
    pub(crate) timestamp_format: Option<Text>,
    #[serde(default)]
    pub(crate) context_param: Option<ContextParam>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ContextParam {
    pub(crate) name: Text,
}
