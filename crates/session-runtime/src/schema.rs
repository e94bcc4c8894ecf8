//! Static shape tables for the XML-based protocols (query, rest-xml): generated data, read
//! by one shared serializer and parser, so each shape costs a table row instead of code.
//!
//! Values move through `serde_json::Value` in the layout the generated types' serde
//! derives use (member names as keys, lists as arrays, timestamps as epoch seconds, blobs as
//! base64); the tables say how that layout maps onto query keys and XML elements.

/// A shape, by its index in the service's table.
pub type ShapeId = u16;

/// How a shape is written on the wire.
#[derive(Debug)]
pub enum Shape {
    /// A structure and its members.
    Structure(&'static [Member]),
    /// A list.
    List(List),
    /// A map.
    Map(Map),
    /// Text (strings and string enums).
    String,
    /// An integer of any width.
    Integer,
    /// A floating-point number (`NaN` and infinities as text).
    Float,
    /// `true` / `false`.
    Boolean,
    /// A point in time.
    Timestamp(TimestampFormat),
    /// Base64 text.
    Blob,
    /// Anything else (documents), passed through as text.
    Other,
}

/// A structure member.
#[derive(Debug)]
pub struct Member {
    /// The model's member name (the serde name).
    pub name: &'static str,
    /// The wire name: `locationName`, else the member name.
    pub wire: &'static str,
    /// The member's shape.
    pub shape: ShapeId,
    /// A flattened list or map (the member's or the shape's trait).
    pub flattened: bool,
    /// An XML attribute rather than an element.
    pub attribute: bool,
    /// The member's timestamp format, overriding its shape's unless `Default`.
    pub format: TimestampFormat,
    /// Where a REST protocol puts the member.
    pub location: Location,
}

/// Where a member travels in a REST request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the body (the only place for query and JSON protocols).
    Body,
    /// A URI label.
    Uri,
    /// A query string parameter (or, for a map, one per entry).
    Query,
    /// A header.
    Header,
    /// Headers with the member's wire name as prefix (a map).
    PrefixHeaders,
    /// The HTTP status code (responses).
    StatusCode,
}

/// A list shape.
#[derive(Debug)]
pub struct List {
    /// The element shape.
    pub member: ShapeId,
    /// The element name (`member` unless the model names one).
    pub member_name: &'static str,
    /// Whether the model gave the element a name of its own.
    pub member_named: bool,
    /// Flattened on the shape.
    pub flattened: bool,
}

/// A map shape.
#[derive(Debug)]
pub struct Map {
    /// The key shape.
    pub key: ShapeId,
    /// The value shape.
    pub value: ShapeId,
    /// The key element name (`key` unless the model names one).
    pub key_name: &'static str,
    /// The value element name (`value` unless the model names one).
    pub value_name: &'static str,
    /// Flattened on the shape.
    pub flattened: bool,
}

/// A timestamp's wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// The protocol's default (ISO 8601 for query and rest-xml bodies).
    Default,
    /// RFC 3339 text.
    Iso8601,
    /// HTTP date text.
    HttpDate,
    /// Epoch seconds.
    EpochSeconds,
}
