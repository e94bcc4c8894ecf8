//! Shape tables: a service's model as data the protocols' serializers and parsers read.
//!
//! One set of types serves both kinds of client. The typed service crates carry their
//! tables as generated `static`s; the dynamic client builds the same tables from botocore's
//! JSON at run time ([`crate::model`]), once per service per process, and keeps them for
//! the process's life. Either way they are `&'static`, so the interpreter that reads them
//! is the same code for both: a typed call and a dynamic call of one operation cannot
//! serialize differently.
//!
//! The tables say what botocore's model says, resolved once: shapes by index instead of by
//! name, each member's wire names for each kind of protocol worked out, flags instead of
//! optional keys.

mod build;
mod flags;
mod lookup;

use std::fmt;

pub use flags::{MemberFlags, OperationFlags, ShapeFlags};
pub use session_tower::AuthScheme;

/// A shape, by its index in its service's table.
pub type ShapeId = u32;

/// A wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// AWS JSON 1.0 (`application/x-amz-json-1.0`, `X-Amz-Target`).
    Json10,
    /// AWS JSON 1.1.
    Json11,
    /// AWS query: a form-encoded POST, XML answers.
    Query,
    /// EC2's dialect of the query protocol.
    Ec2,
    /// REST bindings with XML bodies (S3, Route 53, CloudFront).
    RestXml,
    /// REST bindings with JSON bodies.
    RestJson,
    /// Smithy RPC v2 with CBOR bodies.
    Cbor,
}

impl Protocol {
    /// botocore's name of the protocol.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Json10 | Protocol::Json11 => "json",
            Protocol::Query => "query",
            Protocol::Ec2 => "ec2",
            Protocol::RestXml => "rest-xml",
            Protocol::RestJson => "rest-json",
            Protocol::Cbor => "smithy-rpc-v2-cbor",
        }
    }

    /// Bodies are XML (answers, and requests where there is a body).
    pub fn is_xml(self) -> bool {
        matches!(self, Protocol::Query | Protocol::Ec2 | Protocol::RestXml)
    }

    /// Members are bound to the URI, query string and headers (the REST protocols).
    pub fn is_rest(self) -> bool {
        matches!(self, Protocol::RestXml | Protocol::RestJson)
    }
}

/// A service: its facts and its tables.
#[derive(Debug)]
pub struct Service {
    /// botocore's name of the service (`lambda`, `s3`, `logs`).
    pub name: &'static str,
    /// The model's service id (`Lambda`, `S3`, `CloudWatch Logs`).
    pub service_id: &'static str,
    /// The SigV4 signing name.
    pub signing_name: &'static str,
    /// The protocol this runtime speaks to it (the model's first one it supports).
    pub protocol: Protocol,
    /// The API version (query protocols send it).
    pub api_version: &'static str,
    /// The `X-Amz-Target` prefix of the JSON and CBOR protocols (the service name for CBOR).
    pub target_prefix: &'static str,
    /// The XML namespace of request bodies.
    pub xml_namespace: Option<&'static str>,
    /// The service answers JSON errors with query error codes
    /// (`awsQueryCompatible`): read `x-amzn-query-error`.
    pub query_compatible: bool,
    /// The shapes; members refer to them by index.
    pub shapes: &'static [Shape],
    /// The operations, sorted by name.
    pub operations: &'static [Operation],
}

impl Service {
    /// The shape `id`.
    ///
    /// # Panics
    /// Never for ids taken from this service's tables (they are checked when built).
    pub fn shape(&self, id: ShapeId) -> &'static Shape {
        &self.shapes[id as usize]
    }

    /// The operation named `name`.
    pub fn operation(&self, name: &str) -> Option<&'static Operation> {
        self.operations
            .binary_search_by(|o| o.name.cmp(name))
            .ok()
            .map(|i| &self.operations[i])
    }
}

/// A shape.
pub struct Shape {
    /// The model's name of the shape.
    pub name: &'static str,
    /// What it is.
    pub kind: Kind,
    /// Traits.
    pub flags: ShapeFlags,
    /// For structures: the member that is the whole HTTP payload (REST protocols).
    pub payload: Option<&'static str>,
    /// For error structures: the error code (the shape's name unless the model gives one).
    pub error_code: Option<&'static str>,
    /// For error structures: the HTTP status the model gives it.
    pub error_status: u16,
    /// The XML namespace the shape is written with.
    pub xml_namespace: Option<&'static XmlNamespace>,
    /// The element name the shape is written as when it is a whole body (the shape's own
    /// `locationName`); a member's name wins.
    pub xml_name: Option<&'static str>,
    /// The minimum length (strings, blobs, lists, maps) or value (numbers) the model gives.
    pub min: Option<i64>,
    /// The maximum likewise.
    pub max: Option<i64>,
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shape")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// What a shape is.
#[derive(Debug)]
pub enum Kind {
    /// A structure (also a union, an error, an event stream: see the flags).
    Structure(&'static [Member]),
    /// A list; its member says the element's shape and element name.
    List(&'static Member),
    /// A map; its key and value members say the shapes and element names.
    Map(&'static Member, &'static Member),
    /// Text; an enum when it has values (the model's, which services extend).
    String(&'static [&'static str]),
    /// `true` / `false`.
    Boolean,
    /// An 8-bit integer.
    Byte,
    /// A 16-bit integer.
    Short,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    Long,
    /// A 32-bit float.
    Float,
    /// A 64-bit float.
    Double,
    /// A point in time, in the format the model gives the shape (a member's own format
    /// wins; with neither, the place decides: the protocol's body format, ISO 8601 in URIs
    /// and query strings, HTTP dates in headers).
    Timestamp(Option<TimestampFormat>),
    /// Bytes (a streaming payload when the shape has the `streaming` flag).
    Blob,
    /// Open content (a document: JSON-like data of any shape).
    Document,
}

/// A structure member, or the element of a list or the key or value of a map.
pub struct Member {
    /// The model's member name (what values are keyed by, in typed and dynamic values
    /// alike).
    pub name: &'static str,
    /// Its shape.
    pub shape: ShapeId,
    /// Where a REST request or response carries it.
    pub location: Location,
    /// Its name on the wire: the `locationName` (JSON key, XML element, header, query
    /// parameter, URI label), else `name`.
    pub wire: &'static str,
    /// Its key in query and EC2 request forms (EC2: `queryName`, else the capitalized
    /// `locationName` or name; query: as `wire`).
    pub query_key: &'static str,
    /// Traits.
    pub flags: MemberFlags,
    /// Its timestamp format, overriding its shape's.
    pub timestamp_format: Option<TimestampFormat>,
    /// Its XML namespace, overriding its shape's.
    pub xml_namespace: Option<&'static XmlNamespace>,
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("name", &self.name)
            .field("shape", &self.shape)
            .field("location", &self.location)
            .field("wire", &self.wire)
            .finish_non_exhaustive()
    }
}

/// An XML namespace: `xmlns[:prefix]="uri"`.
#[derive(Debug)]
pub struct XmlNamespace {
    /// The prefix, if any.
    pub prefix: Option<&'static str>,
    /// The URI.
    pub uri: &'static str,
}

/// Where a member travels in a REST request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the body (the only place for the RPC protocols).
    Body,
    /// A URI label.
    Uri,
    /// A query string parameter (or, for a map, one per entry).
    Query,
    /// A header.
    Header,
    /// Headers with the member's wire name as their prefix (a map).
    Headers,
    /// The HTTP status code (responses).
    StatusCode,
}

/// A timestamp's wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// RFC 3339 text.
    Iso8601,
    /// HTTP date text.
    HttpDate,
    /// Epoch seconds.
    EpochSeconds,
}

/// An operation.
pub struct Operation {
    /// Its name (`ListObjectsV2`).
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The request URI template (`/{Bucket}/{Key+}?x-id=GetObject`).
    pub uri: &'static str,
    /// The HTTP status of a success, when the model gives one.
    pub response_code: Option<u16>,
    /// The input shape.
    pub input: Option<ShapeId>,
    /// The output shape.
    pub output: Option<ShapeId>,
    /// The element wrapping the output in query answers (`ListUsersResult`).
    pub result_wrapper: Option<&'static str>,
    /// The element name and namespace of a REST-XML request body's root, when the input's
    /// shape reference names them.
    pub input_root: Option<&'static str>,
    /// The namespace of that root.
    pub input_namespace: Option<&'static XmlNamespace>,
    /// The input's payload member when the operation names it (older models), else the
    /// input shape's.
    pub input_payload: Option<&'static str>,
    /// The output's payload member when the operation names it, else the output shape's.
    pub output_payload: Option<&'static str>,
    /// The modeled errors.
    pub errors: &'static [ShapeId],
    /// The host prefix (endpoint trait), with `{Label}`s of input members.
    pub host_prefix: Option<&'static str>,
    /// Traits.
    pub flags: OperationFlags,
    /// Flexible checksums: the input member naming the request's algorithm.
    pub checksum_algorithm_member: Option<&'static str>,
    /// Flexible checksums: the input member asking for response checksums.
    pub checksum_mode_member: Option<&'static str>,
    /// Flexible checksums: the algorithms of response checksums, in order of preference.
    pub response_checksums: &'static [&'static str],
    /// Request compression: the encodings the service accepts (`gzip`).
    pub compression: &'static [&'static str],
    /// Endpoint rule parameters fixed for the operation, as (name, value).
    pub static_params: &'static [(&'static str, StaticParam)],
    /// Endpoint rule parameters from input members, as (parameter, member).
    pub context_params: &'static [(&'static str, &'static str)],
    /// Endpoint rule parameters from JMESPath expressions over the input
    /// (`operationContextParams`), as (parameter, path): DynamoDB's `ResourceArnList`.
    pub context_paths: &'static [(&'static str, &'static str)],
    /// The auth schemes the operation accepts, most preferred first (the model's `auth`
    /// list, else its `authtype`); empty: the service's.
    pub auth: &'static [session_tower::AuthScheme],
}

impl Operation {
    /// The input's payload member (the operation's reference names it, or the shape).
    pub fn input_payload(&self, service: &Service) -> Option<&'static str> {
        self.input_payload
            .or_else(|| self.input.and_then(|id| service.shape(id).payload))
    }

    /// The output's payload member.
    pub fn output_payload(&self, service: &Service) -> Option<&'static str> {
        self.output_payload
            .or_else(|| self.output.and_then(|id| service.shape(id).payload))
    }
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

/// The value of a static endpoint parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaticParam {
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(&'static str),
}
