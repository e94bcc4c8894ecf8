//! Traits as bit sets: a flag per boolean trait of the model.

macro_rules! flags {
    ($(#[$doc:meta])* $name:ident: $repr:ty { $($(#[$fdoc:meta])* $flag:ident = $bit:expr,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name($repr);

        impl $name {
            /// No flag set.
            pub const NONE: Self = Self(0);
            $($(#[$fdoc])* pub const $flag: Self = Self(1 << $bit);)*

            /// Both sets.
            #[must_use]
            pub const fn with(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }

            /// Whether every flag of `other` is set.
            pub const fn has(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// The raw bits (for generated tables).
            pub const fn bits(self) -> $repr {
                self.0
            }

            /// From raw bits.
            pub const fn from_bits(bits: $repr) -> Self {
                Self(bits)
            }
        }

        impl std::ops::BitOr for $name {
            type Output = Self;
            fn bitor(self, other: Self) -> Self {
                self.with(other)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut set = f.debug_set();
                $(if self.has(Self::$flag) { set.entry(&stringify!($flag)); })*
                set.finish()
            }
        }
    };
}

flags! {
    /// A member's traits.
    MemberFlags: u16 {
        /// The structure requires it.
        REQUIRED = 0,
        /// A list or map written without a wrapping element (XML), or as `Name.N` (query).
        FLATTENED = 1,
        /// An XML attribute rather than an element.
        XML_ATTRIBUTE = 2,
        /// Filled with a fresh token when the caller leaves it unset.
        IDEMPOTENCY_TOKEN = 3,
        /// Fills a `{label}` of the operation's host prefix.
        HOST_LABEL = 4,
        /// A header holding base64-encoded JSON.
        JSON_VALUE = 5,
        /// The payload of an event.
        EVENT_PAYLOAD = 6,
        /// A header of an event.
        EVENT_HEADER = 7,
        /// A streaming payload (never buffered, outside serialization).
        STREAMING = 8,
        /// A value to keep out of logs.
        SENSITIVE = 9,
        /// The model names it on the wire (`locationName`), rather than the member name
        /// standing in.
        NAMED = 10,
    }
}

flags! {
    /// A shape's traits.
    ShapeFlags: u16 {
        /// A union: exactly one member is set.
        UNION = 0,
        /// An error structure.
        ERROR = 1,
        /// An error the service's fault, not the caller's (`fault`).
        FAULT = 2,
        /// An event stream (a union of events).
        EVENT_STREAM = 3,
        /// An event of an event stream.
        EVENT = 4,
        /// A streaming blob.
        STREAMING = 5,
        /// A list or map written flattened wherever it appears.
        FLATTENED = 6,
        /// A value to keep out of logs.
        SENSITIVE = 7,
        /// A list or map that may hold nulls.
        SPARSE = 8,
        /// A retryable error (`retryable`); with `THROTTLING`, a throttling one.
        RETRYABLE = 9,
        /// A throttling error.
        THROTTLING = 10,
        /// A streaming body whose length must be known (`requiresLength`).
        REQUIRES_LENGTH = 11,
    }
}

flags! {
    /// An operation's traits.
    OperationFlags: u16 {
        /// The body must carry a checksum (`Content-MD5` or a flexible one).
        CHECKSUM_REQUIRED = 0,
        /// The service picks endpoints by `DescribeEndpoints` and requires it.
        ENDPOINT_DISCOVERY_REQUIRED = 1,
        /// The service offers endpoint discovery for the operation.
        ENDPOINT_DISCOVERY = 2,
        /// The operation is the service's `DescribeEndpoints`.
        ENDPOINT_OPERATION = 3,
        /// Sent unsigned, without credentials (`authtype: none`).
        NO_AUTH = 4,
        /// Signed with `UNSIGNED-PAYLOAD` (`authtype: v4-unsigned-body`).
        UNSIGNED_PAYLOAD = 5,
        /// Safe to repeat (`idempotent`).
        IDEMPOTENT = 6,
        /// Reads only (`readonly`).
        READ_ONLY = 7,
        /// Deprecated.
        DEPRECATED = 8,
        /// The output's payload is an event stream.
        EVENT_STREAM_OUTPUT = 9,
        /// The input's payload is an event stream (not sent by this runtime).
        EVENT_STREAM_INPUT = 10,
        /// The answer can be an error inside a 200 (S3's copies and completions).
        ERRORS_ON_SUCCESS = 11,
        /// The output's payload streams (handed back unread).
        STREAMING_OUTPUT = 12,
        /// The input's payload streams.
        STREAMING_INPUT = 13,
    }
}
