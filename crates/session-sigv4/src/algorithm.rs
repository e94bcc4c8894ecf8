//! Which signature a request gets: SigV4 (HMAC, one region) or SigV4a (ECDSA, a region set).

/// The signing algorithm, chosen per request from the endpoint's auth scheme.
///
/// Both go through the same canonicalization; they differ in the credential scope, the key
/// and the final signature:
///
/// | | [`SigV4`](Self::SigV4) | [`SigV4a`](Self::SigV4a) |
/// |---|---|---|
/// | name | `AWS4-HMAC-SHA256` | `AWS4-ECDSA-P256-SHA256` |
/// | [`SigningParams::region`](crate::SigningParams::region) | the region | the region set, sent as `X-Amz-Region-Set` |
/// | credential scope | `date/region/service/aws4_request` | `date/service/aws4_request` |
/// | key | per day, region and service | per access key id and secret |
/// | signature | hex HMAC-SHA256 | hex DER-encoded ECDSA P-256 |
///
/// ```
/// use session_sigv4::SigningAlgorithm;
///
/// // An endpoint rule's auth scheme `{"name": "sigv4a", "signingRegionSet": ["*"]}`:
/// let algorithm = SigningAlgorithm::from_auth_scheme("sigv4a").unwrap();
/// assert_eq!(algorithm, SigningAlgorithm::SigV4a);
/// assert_eq!(algorithm.name(), "AWS4-ECDSA-P256-SHA256");
/// assert_eq!(SigningAlgorithm::default(), SigningAlgorithm::SigV4);
/// assert_eq!(SigningAlgorithm::from_auth_scheme("sigv4-s3express"), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// `AWS4-HMAC-SHA256`: valid in one region.
    #[default]
    SigV4,
    /// `AWS4-ECDSA-P256-SHA256`: valid in every region of a region set (`us-east-1`,
    /// `us-east-1,us-west-2` or `*`), e.g. for S3 Multi-Region Access Points.
    SigV4a,
}

impl SigningAlgorithm {
    /// The algorithm name as it appears in `Authorization`, `X-Amz-Algorithm` and the string
    /// to sign.
    pub const fn name(self) -> &'static str {
        match self {
            Self::SigV4 => "AWS4-HMAC-SHA256",
            Self::SigV4a => "AWS4-ECDSA-P256-SHA256",
        }
    }

    /// The algorithm an endpoint auth scheme names: `sigv4` or `sigv4a`; `None` for any other
    /// scheme (such as `sigv4-s3express`), which this crate does not implement.
    pub fn from_auth_scheme(name: &str) -> Option<Self> {
        match name {
            "sigv4" => Some(Self::SigV4),
            "sigv4a" => Some(Self::SigV4a),
            _ => None,
        }
    }
}
