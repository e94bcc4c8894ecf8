//! `const` constructors, so the typed crates' generated tables are short: each value
//! states what differs from the defaults.

use super::{
    Kind, Location, Member, MemberFlags, Operation, OperationFlags, Shape, ShapeFlags, ShapeId,
    StaticParam, TimestampFormat, XmlNamespace,
};

impl Member {
    /// A member with no timestamp format or namespace of its own.
    pub const fn new(
        name: &'static str,
        shape: ShapeId,
        location: Location,
        wire: &'static str,
        query_key: &'static str,
        flags: u16,
    ) -> Self {
        Self {
            name,
            shape,
            location,
            wire,
            query_key,
            flags: MemberFlags::from_bits(flags),
            timestamp_format: None,
            xml_namespace: None,
        }
    }

    /// A body member whose wire name and query key are its name.
    pub const fn body(name: &'static str, shape: ShapeId, flags: u16) -> Self {
        Self::new(name, shape, Location::Body, name, name, flags)
    }

    /// A member whose query key is its wire name.
    pub const fn wired(
        name: &'static str,
        shape: ShapeId,
        location: Location,
        wire: &'static str,
        flags: u16,
    ) -> Self {
        Self::new(name, shape, location, wire, wire, flags)
    }

    /// With its own timestamp format.
    #[must_use]
    pub const fn format(mut self, f: TimestampFormat) -> Self {
        self.timestamp_format = Some(f);
        self
    }

    /// With its own XML namespace.
    #[must_use]
    pub const fn ns(mut self, ns: &'static XmlNamespace) -> Self {
        self.xml_namespace = Some(ns);
        self
    }
}

impl Shape {
    /// A shape with no trait set.
    pub const fn new(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            flags: ShapeFlags::NONE,
            payload: None,
            error_code: None,
            error_status: 0,
            xml_namespace: None,
            xml_name: None,
            min: None,
            max: None,
        }
    }

    /// With these flags.
    #[must_use]
    pub const fn flags(mut self, bits: u16) -> Self {
        self.flags = ShapeFlags::from_bits(bits);
        self
    }

    /// With a payload member.
    #[must_use]
    pub const fn payload(mut self, member: &'static str) -> Self {
        self.payload = Some(member);
        self
    }

    /// An error shape with this code and HTTP status.
    #[must_use]
    pub const fn error(mut self, code: &'static str, status: u16) -> Self {
        self.error_code = Some(code);
        self.error_status = status;
        self
    }

    /// With an XML namespace.
    #[must_use]
    pub const fn ns(mut self, ns: &'static XmlNamespace) -> Self {
        self.xml_namespace = Some(ns);
        self
    }

    /// With an element name of its own.
    #[must_use]
    pub const fn xml_name(mut self, name: &'static str) -> Self {
        self.xml_name = Some(name);
        self
    }

    /// With a minimum.
    #[must_use]
    pub const fn min(mut self, v: i64) -> Self {
        self.min = Some(v);
        self
    }

    /// With a maximum.
    #[must_use]
    pub const fn max(mut self, v: i64) -> Self {
        self.max = Some(v);
        self
    }
}

impl Operation {
    /// An operation with no input, output, error or trait.
    pub const fn new(name: &'static str, method: &'static str, uri: &'static str) -> Self {
        Self {
            name,
            method,
            uri,
            response_code: None,
            input: None,
            output: None,
            result_wrapper: None,
            input_root: None,
            input_namespace: None,
            input_payload: None,
            output_payload: None,
            errors: &[],
            host_prefix: None,
            flags: OperationFlags::NONE,
            checksum_algorithm_member: None,
            checksum_mode_member: None,
            response_checksums: &[],
            compression: &[],
            static_params: &[],
            context_params: &[],
            context_paths: &[],
            auth: &[],
        }
    }

    /// With input and output shapes.
    #[must_use]
    pub const fn io(mut self, input: Option<ShapeId>, output: Option<ShapeId>) -> Self {
        self.input = input;
        self.output = output;
        self
    }

    /// With modeled errors.
    #[must_use]
    pub const fn errors(mut self, errors: &'static [ShapeId]) -> Self {
        self.errors = errors;
        self
    }

    /// With flags.
    #[must_use]
    pub const fn flags(mut self, bits: u16) -> Self {
        self.flags = OperationFlags::from_bits(bits);
        self
    }

    /// With the success status the model gives.
    #[must_use]
    pub const fn response_code(mut self, code: u16) -> Self {
        self.response_code = Some(code);
        self
    }

    /// With the query answer's result element.
    #[must_use]
    pub const fn result_wrapper(mut self, name: &'static str) -> Self {
        self.result_wrapper = Some(name);
        self
    }

    /// With the root element (and namespace) of a REST-XML body.
    #[must_use]
    pub const fn input_root(
        mut self,
        name: Option<&'static str>,
        ns: Option<&'static XmlNamespace>,
    ) -> Self {
        self.input_root = name;
        self.input_namespace = ns;
        self
    }

    /// With payload members named by the operation.
    #[must_use]
    pub const fn payloads(
        mut self,
        input: Option<&'static str>,
        output: Option<&'static str>,
    ) -> Self {
        self.input_payload = input;
        self.output_payload = output;
        self
    }

    /// With a host prefix.
    #[must_use]
    pub const fn host_prefix(mut self, prefix: &'static str) -> Self {
        self.host_prefix = Some(prefix);
        self
    }

    /// With flexible checksums.
    #[must_use]
    pub const fn checksums(
        mut self,
        algorithm: Option<&'static str>,
        mode: Option<&'static str>,
        response: &'static [&'static str],
    ) -> Self {
        self.checksum_algorithm_member = algorithm;
        self.checksum_mode_member = mode;
        self.response_checksums = response;
        self
    }

    /// With request compression.
    #[must_use]
    pub const fn compression(mut self, encodings: &'static [&'static str]) -> Self {
        self.compression = encodings;
        self
    }

    /// With endpoint parameters: fixed ones, and ones from input members.
    #[must_use]
    pub const fn params(
        mut self,
        fixed: &'static [(&'static str, StaticParam)],
        from_members: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.static_params = fixed;
        self.context_params = from_members;
        self
    }

    /// With endpoint parameters from JMESPath expressions over the input, as (parameter,
    /// path).
    #[must_use]
    pub const fn context_paths(mut self, paths: &'static [(&'static str, &'static str)]) -> Self {
        self.context_paths = paths;
        self
    }

    /// With auth schemes of its own.
    #[must_use]
    pub const fn auth(mut self, schemes: &'static [session_tower::AuthScheme]) -> Self {
        self.auth = schemes;
        self
    }
}
