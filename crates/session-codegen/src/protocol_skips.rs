//! The protocol test cases we do not run, each with the sentence `docs/conformance.md`
//! prints for it. Every one is also on botocore's ignore list: the suites are Smithy's,
//! and botocore's models (which both our paths read) do not carry what these cases need,
//! so botocore answers as we do. Cases on botocore's list that we pass are run.

/// `(suite file, case id, why)`.
pub const SKIPPED: &[(&str, &str, &str)] = &[
    ("input/json_1_0.json", "AwsJson10HostWithPath", BASE_PATH),
    ("input/json.json", "AwsJson11HostWithPath", BASE_PATH),
    ("input/query.json", "QueryHostWithPath", BASE_PATH),
    ("input/ec2.json", "Ec2QueryHostWithPath", BASE_PATH),
    (
        "input/query.json",
        "QueryFlattenedListArgWithXmlName",
        XML_NAME_ON_FLATTENED,
    ),
    ("output/query.json", "QueryXmlLists", FLATTENED_MEMBER_NAMES),
    ("output/ec2.json", "Ec2XmlLists", FLATTENED_MEMBER_NAMES),
    ("output/rest-xml.json", "XmlLists", FLATTENED_MEMBER_NAMES),
    (
        "input/rest-xml.json",
        "HttpPayloadWithXmlName",
        PAYLOAD_ROOT,
    ),
    (
        "input/rest-xml.json",
        "HttpPayloadWithXmlNamespace",
        PAYLOAD_ROOT,
    ),
    (
        "input/rest-xml.json",
        "HttpPayloadWithXmlNamespaceAndPrefix",
        PAYLOAD_ROOT,
    ),
    (
        "input/rest-xml.json",
        "RestXmlHttpPayloadWithUnion",
        PAYLOAD_ROOT,
    ),
    (
        "input/rest-xml.json",
        "XmlAttributesOnPayload",
        PAYLOAD_ROOT,
    ),
    ("input/rest-xml.json", "BodyWithXmlName", BODY_ROOT),
    ("output/rest-xml.json", "BodyWithXmlName", BODY_ROOT),
    ("input/rest-xml.json", "NullAndEmptyHeaders", EMPTY_HEADERS),
    (
        "input/rest-json.json",
        "RestJsonNullAndEmptyHeaders",
        EMPTY_HEADERS,
    ),
    (
        "input/rest-json.json",
        "RestJsonHttpPayloadWithUnsetUnion",
        UNSET_UNION_PAYLOAD,
    ),
    (
        "output/rest-json.json",
        "MediaTypeHeaderOutputBase64",
        MEDIA_TYPE_HEADER,
    ),
    (
        "output/rest-json.json",
        "RestJsonDeserializesDenseSetMapAndSkipsNull",
        NULL_IN_DENSE_MAP,
    ),
    (
        "output/smithy-rpc-v2-cbor.json",
        "RpcV2CborDeserializesDenseSetMapAndSkipsNull",
        NULL_IN_DENSE_MAP,
    ),
];

const BASE_PATH: &str = "expects `/base/` for the path `/` on an endpoint with a base path; \
     we join as botocore does (`/base`), which S3's path-style endpoints need (`/bucket`)";
const XML_NAME_ON_FLATTENED: &str =
    "expects the list member's `xmlName` as the key of a flattened \
     query list; botocore's model keeps only the member's `locationName`, which we send, as \
     botocore does";
const FLATTENED_MEMBER_NAMES: &str = "expects flattened lists whose members are renamed on the \
     wire to be read by the renamed element; botocore's model does not carry that name for \
     flattened lists, so the list reads as unset, as in botocore";
const PAYLOAD_ROOT: &str = "expects the payload structure's own `xmlName` (or shape name) as \
     the root element; botocore's model names the root by the payload member's `locationName`, \
     which we use, as botocore does";
const BODY_ROOT: &str = "expects the input shape's `xmlName` as the body's root element; \
     botocore's model does not carry it, so the root is the operation's input shape, as in \
     botocore";
const EMPTY_HEADERS: &str = "expects a header bound to an empty string to be sent empty; we \
     leave it out, as botocore does (an empty header is indistinguishable from an unset one \
     for most services)";
const UNSET_UNION_PAYLOAD: &str = "expects no body for an unset union payload; we send `{}`, \
     as botocore does for every unset structure-like payload";
const MEDIA_TYPE_HEADER: &str = "expects a base64 JSON header (`mediaType`) to be read as the \
     string it decodes to; botocore's model marks it `jsonvalue`, which we parse as JSON, as \
     botocore does";
const NULL_IN_DENSE_MAP: &str = "expects a `null` value inside a dense map of lists to be \
     skipped; we refuse the body as not matching the model, as botocore's parser also fails it";

/// Why a case of `suite` is skipped, if it is.
pub fn reason(suite: &str, id: &str) -> Option<&'static str> {
    SKIPPED
        .iter()
        .find(|(s, i, _)| *s == suite && *i == id)
        .map(|(_, _, why)| *why)
}
