//! The REST protocols' bindings: the input's own members go to URI labels, the query
//! string, headers, or the body (a JSON or XML body sink, or the raw payload).

use base64::Engine as _;

use super::{At, Error, Scalar, Sink};
use crate::shapes::{Kind, Location, Member, MemberFlags, TimestampFormat};
use crate::wire::text;

/// Where the input member being written goes.
#[derive(Debug, Clone, Copy)]
enum Route {
    /// Nowhere yet (between members).
    None,
    /// Into the body, as a member of the body's root.
    Body,
    /// The whole body, as a structured value.
    Payload,
    /// The whole body, as bytes or text.
    PayloadRaw,
    /// A URI label.
    Uri(&'static Member),
    /// The query string.
    Query(&'static Member),
    /// A header.
    Header(&'static Member),
    /// Headers under a prefix.
    Headers(&'static Member),
    /// Ignored (a body member of an operation whose body is one payload member).
    Skip,
}

/// What the bindings collect; the body goes to `body`.
#[derive(Debug)]
pub(crate) struct RestSink<B: Sink> {
    pub(crate) body: B,
    /// The body sink got the input's structure (some body member is set).
    pub(crate) body_started: bool,
    /// The payload member's value (bytes or text), when the payload is raw.
    pub(crate) raw_payload: Option<Vec<u8>>,
    /// A structured payload was written to the body sink.
    pub(crate) structured_payload: bool,
    pub(crate) labels: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    /// Parameters from map members: after the named ones, and a named one wins.
    pub(crate) query_from_maps: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    payload: Option<&'static str>,
    depth: usize,
    route: Route,
    root: Option<At>,
    items: Vec<String>,
    entry_key: Option<String>,
}

impl<B: Sink> RestSink<B> {
    /// Bindings for an input whose payload member (if any) is `payload`.
    pub(crate) fn new(body: B, payload: Option<&'static str>) -> Self {
        Self {
            body,
            body_started: false,
            raw_payload: None,
            structured_payload: false,
            labels: Vec::new(),
            query: Vec::new(),
            query_from_maps: Vec::new(),
            headers: Vec::new(),
            payload,
            depth: 0,
            route: Route::None,
            root: None,
            items: Vec::new(),
            entry_key: None,
        }
    }

    fn forwarding(&self) -> bool {
        matches!(self.route, Route::Body | Route::Payload)
    }
}

/// A header's text for a scalar: timestamps as HTTP dates unless the model says
/// otherwise.
fn header_text(at: At, value: Scalar<'_>) -> String {
    text::scalar(at, value, TimestampFormat::HttpDate)
}

/// A list item in a header, quoted when it holds a comma or a quote.
fn header_item(text: String, is_timestamp: bool) -> String {
    if !is_timestamp && (text.contains(',') || text.contains('"')) {
        let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else {
        text
    }
}

impl<B: Sink> Sink for RestSink<B> {
    fn begin_structure(&mut self, at: At) -> Result<(), Error> {
        self.depth += 1;
        if self.depth == 1 {
            self.root = Some(at);
            return Ok(());
        }
        if let Route::PayloadRaw = self.route {
            self.route = Route::Payload;
            self.structured_payload = true;
        }
        if self.forwarding() {
            return self.body.begin_structure(at);
        }
        Ok(())
    }

    fn begin_member(&mut self, m: &'static Member) -> Result<(), Error> {
        if self.depth > 1 {
            return if self.forwarding() {
                self.body.begin_member(m)
            } else {
                Ok(())
            };
        }
        self.route = match m.location {
            _ if self.payload == Some(m.name) => Route::PayloadRaw,
            Location::Body if self.payload.is_some() => Route::Skip,
            Location::Body | Location::StatusCode => Route::Body,
            Location::Uri => Route::Uri(m),
            Location::Query => Route::Query(m),
            Location::Header => Route::Header(m),
            Location::Headers => Route::Headers(m),
        };
        if let Route::Body = self.route {
            if !self.body_started {
                self.body_started = true;
                if let Some(root) = self.root {
                    self.body.begin_structure(root)?;
                }
            }
            self.body.begin_member(m)?;
        }
        Ok(())
    }

    fn end_member(&mut self, m: &'static Member) -> Result<(), Error> {
        if self.depth > 1 {
            return if self.forwarding() {
                self.body.end_member(m)
            } else {
                Ok(())
            };
        }
        match self.route {
            Route::Body => self.body.end_member(m)?,
            Route::Header(h) if !self.items.is_empty() => {
                let joined = std::mem::take(&mut self.items).join(", ");
                self.headers.push((h.wire.to_owned(), joined));
            }
            _ => {}
        }
        self.items.clear();
        self.route = Route::None;
        Ok(())
    }

    fn end_structure(&mut self, at: At) -> Result<(), Error> {
        self.depth -= 1;
        if self.depth == 0 {
            if self.body_started {
                if let Some(root) = self.root {
                    self.body.end_structure(root)?;
                }
            }
            return Ok(());
        }
        if self.forwarding() {
            return self.body.end_structure(at);
        }
        Ok(())
    }

    fn begin_list(
        &mut self,
        at: At,
        element: &'static Member,
        len: Option<usize>,
    ) -> Result<(), Error> {
        self.depth += 1;
        if let Route::PayloadRaw = self.route {
            self.route = Route::Payload;
            self.structured_payload = true;
        }
        if self.forwarding() {
            return self.body.begin_list(at, element, len);
        }
        Ok(())
    }

    fn begin_element(&mut self, index: usize) -> Result<(), Error> {
        if self.forwarding() {
            return self.body.begin_element(index);
        }
        Ok(())
    }

    fn end_element(&mut self) -> Result<(), Error> {
        if self.forwarding() {
            return self.body.end_element();
        }
        Ok(())
    }

    fn end_list(&mut self, at: At) -> Result<(), Error> {
        self.depth -= 1;
        if self.forwarding() {
            return self.body.end_list(at);
        }
        Ok(())
    }

    fn begin_map(
        &mut self,
        at: At,
        key: &'static Member,
        value: &'static Member,
    ) -> Result<(), Error> {
        self.depth += 1;
        if let Route::PayloadRaw = self.route {
            self.route = Route::Payload;
            self.structured_payload = true;
        }
        if self.forwarding() {
            return self.body.begin_map(at, key, value);
        }
        Ok(())
    }

    fn begin_entry(&mut self, key: &str, index: usize) -> Result<(), Error> {
        if self.forwarding() {
            return self.body.begin_entry(key, index);
        }
        self.entry_key = Some(key.to_owned());
        Ok(())
    }

    fn end_entry(&mut self) -> Result<(), Error> {
        if self.forwarding() {
            return self.body.end_entry();
        }
        self.entry_key = None;
        Ok(())
    }

    fn end_map(&mut self, at: At) -> Result<(), Error> {
        self.depth -= 1;
        if self.forwarding() {
            return self.body.end_map(at);
        }
        Ok(())
    }

    fn scalar(&mut self, at: At, value: Scalar<'_>) -> Result<(), Error> {
        match self.route {
            Route::Body | Route::Payload => self.body.scalar(at, value),
            Route::PayloadRaw => {
                let bytes = match value {
                    // A typed blob arrives as its base64 text.
                    Scalar::Str(s) if matches!(at.shape.kind, Kind::Blob) => {
                        base64::engine::general_purpose::STANDARD
                            .decode(s)
                            .map_err(|e| Error::sink(format!("a blob that is not base64: {e}")))?
                    }
                    Scalar::Bytes(b) => b.to_vec(),
                    other => text::scalar(at, other, TimestampFormat::Iso8601).into_bytes(),
                };
                self.raw_payload = Some(bytes);
                Ok(())
            }
            Route::Uri(m) => {
                self.labels
                    .push((m.wire, text::scalar(at, value, TimestampFormat::Iso8601)));
                Ok(())
            }
            Route::Query(m) => {
                let t = text::scalar(at, value, TimestampFormat::Iso8601);
                match &self.entry_key {
                    Some(k) => self.query_from_maps.push((k.clone(), t)),
                    None => self.query.push((m.wire.to_owned(), t)),
                }
                Ok(())
            }
            Route::Header(m) => {
                let t = if m.flags.has(MemberFlags::JSON_VALUE) {
                    match value {
                        Scalar::Str(s) => s.to_owned(),
                        other => header_text(at, other),
                    }
                } else {
                    header_text(at, value)
                };
                if self.depth > 1 {
                    let ts = matches!(at.shape.kind, Kind::Timestamp(_));
                    self.items.push(header_item(t, ts));
                } else {
                    self.headers.push((m.wire.to_owned(), t));
                }
                Ok(())
            }
            Route::Headers(m) => {
                if let Some(k) = &self.entry_key {
                    self.headers
                        .push((format!("{}{k}", m.wire), header_text(at, value)));
                }
                Ok(())
            }
            Route::None | Route::Skip => Ok(()),
        }
    }

    fn null(&mut self, at: At) -> Result<(), Error> {
        if self.forwarding() {
            return self.body.null(at);
        }
        Ok(())
    }

    fn document(&mut self, at: At, value: &serde_json::Value) -> Result<(), Error> {
        match self.route {
            Route::PayloadRaw | Route::Payload => {
                self.structured_payload = true;
                self.route = Route::Payload;
                self.body.document(at, value)
            }
            Route::Body => self.body.document(at, value),
            _ => Ok(()),
        }
    }
}
