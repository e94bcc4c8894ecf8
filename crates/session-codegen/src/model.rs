//! The parts of the AWS service model files (`service-2.json`, `paginators-1.json`) the
//! generator reads.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A service model.
#[derive(Debug, Deserialize)]
pub struct Model {
    /// Service-wide facts.
    pub metadata: Metadata,
    /// Operations by name.
    #[serde(default)]
    pub operations: BTreeMap<String, Operation>,
    /// Shapes by name.
    pub shapes: BTreeMap<String, Shape>,
}

/// Service-wide facts.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// `json`, `query`, `rest-xml`, `rest-json`.
    pub protocol: String,
    /// `1.0` or `1.1` for JSON protocols.
    #[serde(default)]
    pub json_version: Option<String>,
    /// The `X-Amz-Target` prefix of JSON protocols.
    #[serde(default)]
    pub target_prefix: Option<String>,
    /// The API version.
    #[serde(default)]
    pub api_version: Option<String>,
    /// The id used in API reference links.
    #[serde(default)]
    pub uid: Option<String>,
    /// The model's service id (`S3`, `STS`, ...).
    #[serde(default)]
    pub service_id: Option<String>,
    /// The service's full name (`Amazon Simple Queue Service`).
    #[serde(default)]
    pub service_full_name: Option<String>,
    /// The SigV4 signing name, when it differs from the endpoint prefix.
    #[serde(default)]
    pub signing_name: Option<String>,
    /// The endpoint prefix (the signing name when none is given).
    #[serde(default)]
    pub endpoint_prefix: Option<String>,
    /// `v4`, or `s3` / `s3v4` for S3's signing rules.
    #[serde(default)]
    pub signature_version: Option<String>,
    /// The service's auth schemes as Smithy shape ids, most preferred first
    /// (`aws.auth#sigv4`, `aws.auth#sigv4a`, `smithy.api#httpBearerAuth`).
    #[serde(default)]
    pub auth: Vec<String>,
    /// The host of a global endpoint (S3, STS, IAM, ...): such services work without a
    /// configured region, in `us-east-1`.
    #[serde(default)]
    pub global_endpoint: Option<String>,
}

/// An operation.
#[derive(Debug, Deserialize)]
pub struct Operation {
    /// Its name.
    pub name: String,
    /// Method and URI.
    pub http: Http,
    /// The input shape.
    #[serde(default)]
    pub input: Option<ShapeRef>,
    /// The output shape.
    #[serde(default)]
    pub output: Option<ShapeRef>,
    /// Modeled errors.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    /// Deprecated operations are still generated, marked `#[deprecated]`.
    #[serde(default)]
    pub deprecated: bool,
    /// The endpoint trait: a host prefix, possibly with `{label}`s from input members.
    #[serde(default)]
    pub endpoint: Option<EndpointTrait>,
    /// Endpoint rule parameters fixed for this operation.
    #[serde(default, rename = "staticContextParams")]
    pub static_context_params: BTreeMap<String, serde_json::Value>,
    /// Checksum requirements.
    #[serde(default, rename = "httpChecksum")]
    pub http_checksum: Option<serde_json::Value>,
    /// The older flag for a required checksum.
    #[serde(default, rename = "httpChecksumRequired")]
    pub http_checksum_required: bool,
}

/// An operation's endpoint trait.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointTrait {
    /// E.g. `foo.{label}.`: prepended to the endpoint's host.
    pub host_prefix: String,
}

/// An operation's HTTP binding.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Http {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The URI template.
    pub request_uri: String,
}

/// A reference to a shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    /// The shape's name.
    pub shape: String,
    /// Query protocol: the element wrapping the output (`<OpResult>`).
    #[serde(default)]
    pub result_wrapper: Option<String>,
    /// rest-xml: the root element name of the input payload.
    #[serde(default)]
    pub location_name: Option<String>,
    /// rest-xml: the namespace of the input's root element.
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
}

/// An `xmlNamespace` trait: `{"uri": ...}`, or in some models the bare URI.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum XmlNamespace {
    /// `{"uri": "...", "prefix": ...}`.
    Object {
        /// The namespace URI.
        #[serde(default)]
        uri: Option<String>,
    },
    /// The URI alone.
    Uri(String),
}

impl XmlNamespace {
    /// The namespace URI.
    pub fn uri(&self) -> Option<&str> {
        match self {
            XmlNamespace::Object { uri } => uri.as_deref(),
            XmlNamespace::Uri(u) => Some(u),
        }
    }
}

/// A shape.
#[derive(Debug, Deserialize)]
pub struct Shape {
    /// `structure`, `list`, `map`, `string`, `integer`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Structure members, in the model's order (XML element order and query parameter
    /// order follow it).
    #[serde(default)]
    pub members: Members,
    /// Required member names.
    #[serde(default)]
    pub required: Vec<String>,
    /// Allowed values of a string enum.
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    /// A list's member.
    #[serde(default)]
    pub member: Option<Box<Member>>,
    /// A map's key.
    #[serde(default)]
    pub key: Option<Box<Member>>,
    /// A map's value.
    #[serde(default)]
    pub value: Option<Box<Member>>,
    /// An error structure.
    #[serde(default)]
    pub exception: bool,
    /// An error structure's own code and status, when the model gives them.
    #[serde(default)]
    pub error: Option<ErrorTrait>,
    /// A union: exactly one member is set.
    #[serde(default)]
    pub union: bool,
    /// An open document.
    #[serde(default)]
    pub document: bool,
    /// Values to keep out of logs.
    #[serde(default)]
    pub sensitive: bool,
    /// A timestamp shape's wire format: `iso8601`, `rfc822`, `unixTimestamp`.
    #[serde(default, rename = "timestampFormat")]
    pub timestamp_format: Option<String>,
    /// rest protocols: the member that is the whole body.
    #[serde(default)]
    pub payload: Option<String>,
    /// A streaming blob.
    #[serde(default)]
    pub streaming: bool,
    /// An event stream (a union of events, framed on the wire).
    #[serde(default)]
    pub eventstream: bool,
    /// The shape's XML namespace.
    #[serde(default, rename = "xmlNamespace")]
    pub xml_namespace: Option<XmlNamespace>,
    /// A flattened list or map (XML protocols).
    #[serde(default)]
    pub flattened: bool,
    /// An element name the shape gives itself (XML protocols).
    #[serde(default, rename = "locationName")]
    pub location_name: Option<String>,
}

/// The `error` trait of an error structure.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorTrait {
    /// The code the service sends, when it differs from the shape name.
    #[serde(default)]
    pub code: Option<String>,
    /// The HTTP status.
    #[serde(default)]
    pub http_status_code: Option<u16>,
}

impl Shape {
    /// The error code of an error structure, when the model gives one.
    pub fn error_code(&self) -> Option<&str> {
        self.error.as_ref().and_then(|e| e.code.as_deref())
    }
}

/// A structure member (or a list's or map's element).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The member's shape.
    pub shape: String,
    /// Filled with a fresh token when unset.
    #[serde(default)]
    pub idempotency_token: bool,
    /// Deprecated members are still generated.
    #[serde(default)]
    pub deprecated: bool,
    /// The member's timestamp format, overriding the shape's.
    #[serde(default)]
    pub timestamp_format: Option<String>,
    /// The member fills a `{label}` of the operation's host prefix.
    #[serde(default)]
    pub host_label: bool,
    /// The wire name (query key, XML element, header, query string name).
    #[serde(default)]
    pub location_name: Option<String>,
    /// A flattened list or map member (XML protocols).
    #[serde(default)]
    pub flattened: bool,
    /// An XML attribute rather than an element.
    #[serde(default)]
    pub xml_attribute: bool,
    /// rest protocols: `uri`, `querystring`, `header`, `headers`, `statusCode`.
    #[serde(default)]
    pub location: Option<String>,
    /// An endpoint rule parameter this member fills.
    #[serde(default)]
    pub context_param: Option<ContextParam>,
    /// A streaming blob member.
    #[serde(default)]
    pub streaming: bool,
    /// The member's XML namespace.
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
}

/// A `contextParam` trait.
#[derive(Debug, Deserialize)]
pub struct ContextParam {
    /// The endpoint rule parameter.
    pub name: String,
}

/// `paginators-1.json`.
#[derive(Debug, Deserialize, Default)]
pub struct Paginators {
    /// By operation name.
    #[serde(default)]
    pub pagination: BTreeMap<String, Paginator>,
}

/// One operation's pagination.
#[derive(Debug, Deserialize)]
pub struct Paginator {
    /// The input member that takes the token.
    pub input_token: serde_json::Value,
    /// The output member that gives it.
    pub output_token: serde_json::Value,
    /// The input member limiting a page's size.
    #[serde(default)]
    pub limit_key: Option<String>,
    /// The output member(s) holding the items.
    #[serde(default)]
    pub result_key: Option<serde_json::Value>,
    /// The output member saying whether more pages follow (`IsTruncated`).
    #[serde(default)]
    pub more_results: Option<String>,
}

/// A structure's members in the model's order.
#[derive(Debug, Default)]
pub struct Members(Vec<(String, Member)>);

impl Members {
    /// The member named `name`.
    pub fn get(&self, name: &str) -> Option<&Member> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, m)| m)
    }

    /// Whether there is a member named `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// (name, member) pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Member)> + '_ {
        self.0.iter().map(|(n, m)| (n, m))
    }

    /// The members in order.
    pub fn values(&self) -> impl Iterator<Item = &Member> + '_ {
        self.0.iter().map(|(_, m)| m)
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Members {
    type Item = (&'a String, &'a Member);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Member)>,
        fn(&'a (String, Member)) -> (&'a String, &'a Member),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(n, m)| (n, m))
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of members")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Member>()? {
                    out.push((k, v));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}
