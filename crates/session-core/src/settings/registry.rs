//! The table of every setting a session resolves: its name, environment variables, profile
//! keys, default and type. Everything else (resolution, docs, the CLI) reads this table.

/// Where a setting lives in a profile.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ProfileKey {
    /// A top-level property, e.g. `region`.
    Key(&'static str),
    /// A sub-property, e.g. `s3 =` then an indented `addressing_style = path`.
    Sub(&'static str, &'static str),
}

/// The type a setting's value must have.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ValueKind {
    /// An AWS region: letters, digits and `-`, usable as a host label.
    Region,
    /// `true` or `false`, any case.
    Bool,
    /// A whole number in an inclusive range.
    Int { min: u64, max: u64 },
    /// A positive number of seconds, fractions allowed.
    Seconds,
    /// One of a fixed set of words (matched ignoring case, stored in this spelling).
    Enum(&'static [&'static str]),
    /// An absolute `http://` or `https://` URL.
    Url,
    /// A path; a leading `~` is expanded from `HOME`.
    Path,
    /// Free text.
    Text,
}

/// Which part of the system uses a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    General,
    /// Used by the credential providers; resolved here so they need no parsing of their own.
    Credentials,
}

#[derive(Debug)]
pub(crate) struct SettingDef {
    pub(crate) name: &'static str,
    pub(crate) env: &'static [&'static str],
    pub(crate) profile: &'static [ProfileKey],
    pub(crate) default: Option<&'static str>,
    pub(crate) kind: ValueKind,
    pub(crate) group: Group,
}

use Group::{Credentials as C, General as G};
use ProfileKey::{Key, Sub};
use ValueKind::*;

const BOOL_FALSE: Option<&str> = Some("false");

macro_rules! settings {
    ($( $name:literal, [$($env:literal),*], [$($key:expr),*], $default:expr, $kind:expr, $group:expr; )*) => {
        &[$( SettingDef {
            name: $name,
            env: &[$($env),*],
            profile: &[$($key),*],
            default: $default,
            kind: $kind,
            group: $group,
        }, )*]
    };
}

/// Every setting with a fixed name, sorted by name. Per-service endpoint URLs
/// (`endpoint_url.<service>`) are the one family with open-ended names; see
/// [`SERVICE_ENDPOINT_PREFIX`].
pub(crate) static SETTINGS: &[SettingDef] = settings! {
    "account_id_endpoint_mode", ["AWS_ACCOUNT_ID_ENDPOINT_MODE"], [Key("account_id_endpoint_mode")], Some("preferred"), Enum(&["preferred", "disabled", "required"]), G;
    "aws_account_id", ["AWS_ACCOUNT_ID"], [Key("aws_account_id")], None, Text, G;
    "ca_bundle", ["AWS_CA_BUNDLE"], [Key("ca_bundle")], None, Path, G;
    "connect_timeout", ["AWS_CONNECT_TIMEOUT"], [Key("connect_timeout")], Some("3.1"), Seconds, G;
    "credential_process", [], [Key("credential_process")], None, Text, C;
    "credential_source", [], [Key("credential_source")], None, Enum(&["Environment", "Ec2InstanceMetadata", "EcsContainer"]), C;
    "defaults_mode", ["AWS_DEFAULTS_MODE"], [Key("defaults_mode")], Some("legacy"), Enum(&["legacy", "standard", "in-region", "cross-region", "mobile", "auto"]), G;
    "disable_request_compression", ["AWS_DISABLE_REQUEST_COMPRESSION"], [Key("disable_request_compression")], BOOL_FALSE, Bool, G;
    "duration_seconds", [], [Key("duration_seconds")], None, Int { min: 900, max: 43200 }, C;
    "ec2_metadata_disabled", ["AWS_EC2_METADATA_DISABLED"], [], BOOL_FALSE, Bool, G;
    "ec2_metadata_service_endpoint", ["AWS_EC2_METADATA_SERVICE_ENDPOINT"], [Key("ec2_metadata_service_endpoint")], None, Url, G;
    "ec2_metadata_service_endpoint_mode", ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"], [Key("ec2_metadata_service_endpoint_mode")], Some("IPv4"), Enum(&["IPv4", "IPv6"]), G;
    "ec2_metadata_v1_disabled", ["AWS_EC2_METADATA_V1_DISABLED"], [Key("ec2_metadata_v1_disabled")], BOOL_FALSE, Bool, G;
    "endpoint_discovery_enabled", ["AWS_ENDPOINT_DISCOVERY_ENABLED"], [Key("endpoint_discovery_enabled")], None, Bool, G;
    "endpoint_url", ["AWS_ENDPOINT_URL"], [Key("endpoint_url")], None, Url, G;
    "external_id", [], [Key("external_id")], None, Text, C;
    "ignore_configured_endpoint_urls", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"], [Key("ignore_configured_endpoint_urls")], BOOL_FALSE, Bool, G;
    "max_attempts", ["AWS_MAX_ATTEMPTS"], [Key("max_attempts")], Some("3"), Int { min: 1, max: 1000 }, G;
    "metadata_service_num_attempts", ["AWS_METADATA_SERVICE_NUM_ATTEMPTS"], [Key("metadata_service_num_attempts")], Some("1"), Int { min: 1, max: 100 }, G;
    "metadata_service_timeout", ["AWS_METADATA_SERVICE_TIMEOUT"], [Key("metadata_service_timeout")], Some("1"), Seconds, G;
    "mfa_serial", [], [Key("mfa_serial")], None, Text, C;
    "read_timeout", ["AWS_READ_TIMEOUT"], [Key("read_timeout")], Some("60"), Seconds, G;
    "region", ["AWS_REGION", "AWS_DEFAULT_REGION"], [Key("region")], None, Region, G;
    "request_checksum_calculation", ["AWS_REQUEST_CHECKSUM_CALCULATION"], [Key("request_checksum_calculation")], Some("when_supported"), Enum(&["when_supported", "when_required"]), G;
    "request_min_compression_size_bytes", ["AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES"], [Key("request_min_compression_size_bytes")], Some("10240"), Int { min: 0, max: 10_485_760 }, G;
    "response_checksum_validation", ["AWS_RESPONSE_CHECKSUM_VALIDATION"], [Key("response_checksum_validation")], Some("when_supported"), Enum(&["when_supported", "when_required"]), G;
    "retry_mode", ["AWS_RETRY_MODE"], [Key("retry_mode")], Some("standard"), Enum(&["standard", "adaptive", "legacy"]), G;
    "role_arn", [], [Key("role_arn")], None, Text, C;
    "role_session_name", [], [Key("role_session_name")], None, Text, C;
    "s3.addressing_style", [], [Sub("s3", "addressing_style")], Some("auto"), Enum(&["auto", "virtual", "path"]), G;
    "s3.disable_express_session_auth", ["AWS_S3_DISABLE_EXPRESS_SESSION_AUTH"], [Key("s3_disable_express_session_auth")], BOOL_FALSE, Bool, G;
    "s3.disable_multiregion_access_points", ["AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS"], [Sub("s3", "disable_multiregion_access_points"), Key("s3_disable_multiregion_access_points")], BOOL_FALSE, Bool, G;
    "s3.payload_signing_enabled", [], [Sub("s3", "payload_signing_enabled")], None, Bool, G;
    "s3.us_east_1_regional_endpoint", ["AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"], [Sub("s3", "us_east_1_regional_endpoint"), Key("s3_us_east_1_regional_endpoint")], Some("regional"), Enum(&["regional", "legacy"]), G;
    "s3.use_accelerate_endpoint", [], [Sub("s3", "use_accelerate_endpoint")], BOOL_FALSE, Bool, G;
    "s3.use_arn_region", ["AWS_S3_USE_ARN_REGION"], [Sub("s3", "use_arn_region"), Key("s3_use_arn_region")], None, Bool, G;
    "s3.use_dualstack_endpoint", [], [Sub("s3", "use_dualstack_endpoint")], None, Bool, G;
    "sdk_ua_app_id", ["AWS_SDK_UA_APP_ID"], [Key("sdk_ua_app_id")], None, Text, G;
    "services", [], [Key("services")], None, Text, G;
    "sigv4a_signing_region_set", ["AWS_SIGV4A_SIGNING_REGION_SET"], [Key("sigv4a_signing_region_set")], None, Text, G;
    "source_profile", [], [Key("source_profile")], None, Text, C;
    "sso_account_id", [], [Key("sso_account_id")], None, Text, C;
    "sso_region", [], [Key("sso_region")], None, Region, C;
    "sso_registration_scopes", [], [Key("sso_registration_scopes")], None, Text, C;
    "sso_role_name", [], [Key("sso_role_name")], None, Text, C;
    "sso_session", [], [Key("sso_session")], None, Text, C;
    "sso_start_url", [], [Key("sso_start_url")], None, Text, C;
    "sts_regional_endpoints", ["AWS_STS_REGIONAL_ENDPOINTS"], [Key("sts_regional_endpoints")], Some("regional"), Enum(&["regional", "legacy"]), G;
    "use_dualstack_endpoint", ["AWS_USE_DUALSTACK_ENDPOINT"], [Key("use_dualstack_endpoint")], BOOL_FALSE, Bool, G;
    "use_fips_endpoint", ["AWS_USE_FIPS_ENDPOINT"], [Key("use_fips_endpoint")], BOOL_FALSE, Bool, G;
    "web_identity_token_file", [], [Key("web_identity_token_file")], None, Path, C;
};

/// Per-service endpoint URLs are named `endpoint_url.<service key>`.
pub(crate) const SERVICE_ENDPOINT_PREFIX: &str = "endpoint_url.";
/// ... set by `AWS_ENDPOINT_URL_<SERVICE ID>` ...
pub(crate) const SERVICE_ENDPOINT_ENV_PREFIX: &str = "AWS_ENDPOINT_URL_";

pub(crate) fn find(name: &str) -> Option<&'static SettingDef> {
    SETTINGS
        .binary_search_by(|d| d.name.cmp(name))
        .ok()
        .map(|i| &SETTINGS[i])
}

/// The key a service uses in `[services]` sections and setting names: the service id in
/// lower case with spaces as underscores (`"DynamoDB"` → `dynamodb`, `"Elastic Beanstalk"` →
/// `elastic_beanstalk`).
pub(crate) fn service_key(service_id: &str) -> String {
    service_id
        .trim()
        .replace([' ', '-'], "_")
        .to_ascii_lowercase()
}

/// Service keys become part of a setting path, so only plain identifier characters pass.
pub(crate) fn is_valid_service_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique_so_binary_search_works() {
        for pair in SETTINGS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} !< {}",
                pair[0].name,
                pair[1].name
            );
        }
        assert_eq!(find("region").map(|d| d.name), Some("region"));
        assert!(find("nope").is_none());
    }

    #[test]
    fn defaults_are_valid_for_their_kind() {
        for def in SETTINGS {
            if let Some(default) = def.default {
                super::super::value::parse(def.kind, default, &crate::Env::from_vars([("", "")]))
                    .unwrap_or_else(|e| panic!("default of {} invalid: {e}", def.name));
            }
        }
    }

    #[test]
    fn service_keys() {
        assert_eq!(service_key("DynamoDB"), "dynamodb");
        assert_eq!(service_key("Elastic Beanstalk"), "elastic_beanstalk");
        assert!(is_valid_service_key("s3"));
        assert!(!is_valid_service_key("s3.x"));
    }
}
