//! The output of a resolution: URL, headers, properties, and typed auth schemes.

use std::collections::BTreeMap;

use crate::document::Document;

/// A resolved endpoint: where to send the request and how to sign it.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    url: String,
    headers: BTreeMap<String, Vec<String>>,
    properties: BTreeMap<String, Document>,
}

impl Endpoint {
    pub(crate) fn new(
        url: String,
        headers: BTreeMap<String, Vec<String>>,
        properties: BTreeMap<String, Document>,
    ) -> Self {
        Self {
            url,
            headers,
            properties,
        }
    }

    /// The URL, e.g. `https://bucket.s3.us-east-1.amazonaws.com`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Headers to add to the request, by name (most endpoints have none).
    pub fn headers(&self) -> &BTreeMap<String, Vec<String>> {
        &self.headers
    }

    /// The values of header `name` (exact, case-sensitive name as in the rule set).
    pub fn header(&self, name: &str) -> Option<&[String]> {
        self.headers.get(name).map(Vec::as_slice)
    }

    /// Every endpoint property, e.g. `authSchemes` and S3's `backend`.
    pub fn properties(&self) -> &BTreeMap<String, Document> {
        &self.properties
    }

    /// One endpoint property.
    pub fn property(&self, name: &str) -> Option<&Document> {
        self.properties.get(name)
    }

    /// The auth schemes of `properties.authSchemes`, most preferred first.
    ///
    /// Entries that are not objects with a string `name` are skipped. An endpoint without
    /// `authSchemes` yields none: the service's default (usually SigV4 with the service's
    /// signing name and the request's region) applies.
    pub fn auth_schemes(&self) -> impl Iterator<Item = AuthScheme<'_>> + '_ {
        self.property("authSchemes")
            .and_then(Document::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(AuthScheme::from_document)
    }

    /// Takes the URL, dropping the rest.
    pub fn into_url(self) -> String {
        self.url
    }
}

/// One entry of an endpoint's `authSchemes` property, with typed accessors for the
/// fields the AWS signers use. It borrows from the [`Endpoint`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuthScheme<'a> {
    name: &'a str,
    fields: &'a BTreeMap<String, Document>,
}

impl<'a> AuthScheme<'a> {
    fn from_document(doc: &'a Document) -> Option<Self> {
        let fields = doc.as_object()?;
        let name = fields.get("name")?.as_str()?;
        Some(Self { name, fields })
    }

    /// The scheme: `sigv4`, `sigv4a`, `sigv4-s3express`, ...
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// `signingName`: the service name to sign with (e.g. `s3`, `s3-outposts`).
    pub fn signing_name(&self) -> Option<&'a str> {
        self.str_field("signingName")
    }

    /// `signingRegion`: the region to sign with (SigV4).
    pub fn signing_region(&self) -> Option<&'a str> {
        self.str_field("signingRegion")
    }

    /// `signingRegionSet`: the regions a SigV4a signature is valid in (e.g. `["*"]`);
    /// empty when absent.
    pub fn signing_region_set(&self) -> Vec<&'a str> {
        self.fields
            .get("signingRegionSet")
            .and_then(Document::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Document::as_str)
            .collect()
    }

    /// `disableDoubleEncoding`: sign the path as is, without encoding it a second time
    /// (S3). `false` when absent.
    pub fn disable_double_encoding(&self) -> bool {
        self.bool_field("disableDoubleEncoding")
    }

    /// `disableNormalizePath`: sign the path without normalizing it. `false` when absent.
    pub fn disable_normalize_path(&self) -> bool {
        self.bool_field("disableNormalizePath")
    }

    /// Any field of the scheme, by its name in the rule set.
    pub fn get(&self, field: &str) -> Option<&'a Document> {
        self.fields.get(field)
    }

    fn str_field(&self, field: &str) -> Option<&'a str> {
        self.fields.get(field).and_then(Document::as_str)
    }

    fn bool_field(&self, field: &str) -> bool {
        self.fields
            .get(field)
            .and_then(Document::as_bool)
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(entries: &[(&str, Document)]) -> Document {
        Document::Object(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn auth_schemes_are_typed_and_skip_malformed_entries() {
        let sigv4a = object(&[
            ("name", "sigv4a".into()),
            ("signingName", "s3".into()),
            ("signingRegionSet", Document::Array(vec!["*".into()])),
            ("disableDoubleEncoding", true.into()),
        ]);
        let sigv4 = object(&[
            ("name", "sigv4".into()),
            ("signingName", "s3".into()),
            ("signingRegion", "us-east-1".into()),
        ]);
        let nameless = object(&[("signingName", "s3".into())]);
        let mut properties = BTreeMap::new();
        properties.insert(
            "authSchemes".to_owned(),
            Document::Array(vec![sigv4a, nameless, Document::Null, sigv4]),
        );
        let endpoint = Endpoint::new("https://x".into(), BTreeMap::new(), properties);
        let schemes: Vec<_> = endpoint.auth_schemes().collect();
        assert_eq!(schemes.len(), 2);
        assert_eq!(schemes[0].name(), "sigv4a");
        assert_eq!(schemes[0].signing_region_set(), ["*"]);
        assert_eq!(schemes[0].signing_region(), None);
        assert!(schemes[0].disable_double_encoding());
        assert_eq!(schemes[1].signing_region(), Some("us-east-1"));
        assert_eq!(schemes[1].signing_name(), Some("s3"));
        assert!(!schemes[1].disable_double_encoding());
        assert!(!schemes[1].disable_normalize_path());
    }

    #[test]
    fn no_auth_schemes_property() {
        let endpoint = Endpoint::new("https://x".into(), BTreeMap::new(), BTreeMap::new());
        assert_eq!(endpoint.auth_schemes().count(), 0);
        assert_eq!(endpoint.header("x"), None);
        assert_eq!(endpoint.into_url(), "https://x");
    }
}
