//! Typed forms of the settings whose value is one of a fixed set of words.

macro_rules! mode_enum {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $text:literal ),+ $(,)? } default $default:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
        }

        impl $name {
            /// The spelling used in config files and environment variables.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// Values were checked when the session was built; anything else maps to the
            /// default rather than panicking.
            pub(crate) fn from_canonical(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )+
                    _ => $name::$default,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mode_enum! {
    /// How failed requests are retried (`retry_mode`).
    RetryMode {
        /// Exponential backoff with jitter and a retry quota.
        Standard = "standard",
        /// Standard, plus a client-side rate limiter that reacts to throttling.
        Adaptive = "adaptive",
        /// The older botocore behaviour, accepted for compatibility (treated as standard by
        /// the retry layer).
        Legacy = "legacy",
    } default Standard
}

mode_enum! {
    /// Which family of default timeouts and behaviours applies (`defaults_mode`).
    DefaultsMode {
        /// The SDKs' historical defaults.
        Legacy = "legacy",
        /// Recommended defaults for most applications.
        Standard = "standard",
        /// Caller and service in the same region.
        InRegion = "in-region",
        /// Caller in another region.
        CrossRegion = "cross-region",
        /// Mobile applications.
        Mobile = "mobile",
        /// Chosen from the environment.
        Auto = "auto",
    } default Legacy
}

mode_enum! {
    /// How S3 bucket names go into URLs (`s3.addressing_style`).
    AddressingStyle {
        /// Virtual-hosted where the bucket name allows it, else path style.
        Auto = "auto",
        /// Always `https://bucket.s3.region.amazonaws.com/key`.
        Virtual = "virtual",
        /// Always `https://s3.region.amazonaws.com/bucket/key`.
        Path = "path",
    } default Auto
}

mode_enum! {
    /// When request checksums are computed / response checksums validated.
    ChecksumWhen {
        /// Whenever the operation supports a checksum.
        WhenSupported = "when_supported",
        /// Only when the operation requires one.
        WhenRequired = "when_required",
    } default WhenSupported
}
