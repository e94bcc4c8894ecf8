//! Session settings → the rule set's built-in parameters.

use session_core::Session;
use session_endpoints::{ParamValue, Params, RuleSet};

/// The parameters a session supplies, for the built-ins `rules` declares (`AWS::Region`,
/// `AWS::UseFIPS`, `SDK::Endpoint`, the S3 and STS switches, ...). `region` is the region the
/// client uses (after the global-service fallback); `service_id` picks configured endpoint
/// URLs.
pub fn base_params(
    rules: &RuleSet,
    session: &Session,
    service_id: &str,
    region: Option<&str>,
) -> Params {
    let settings = session.settings();
    let mut params = Params::new();
    for p in rules.parameters() {
        let Some(builtin) = p.built_in() else {
            continue;
        };
        let value = match builtin {
            "AWS::Region" => region.map(|r| ParamValue::String(r.to_owned())),
            "AWS::UseFIPS" => Some(ParamValue::Bool(settings.use_fips_endpoint())),
            "AWS::UseDualStack" => Some(ParamValue::Bool(
                settings
                    .flag("s3.use_dualstack_endpoint")
                    .filter(|_| service_id == "S3")
                    .unwrap_or_else(|| settings.use_dualstack_endpoint()),
            )),
            "SDK::Endpoint" => settings
                .endpoint_url(service_id)
                .and_then(|s| s.value().as_str())
                .map(|s| ParamValue::String(s.to_owned())),
            "AWS::S3::ForcePathStyle" => Some(ParamValue::Bool(
                settings.s3_addressing_style() == session_core::settings::AddressingStyle::Path,
            )),
            "AWS::S3::Accelerate" => settings
                .flag("s3.use_accelerate_endpoint")
                .map(ParamValue::Bool),
            // Unset, an ARN's region is used for S3 and refused for S3 Control (as botocore:
            // the two built-ins read one setting with different defaults).
            "AWS::S3::UseArnRegion" => Some(ParamValue::Bool(
                settings.flag("s3.use_arn_region").unwrap_or(true),
            )),
            "AWS::S3Control::UseArnRegion" => Some(ParamValue::Bool(
                settings.flag("s3.use_arn_region").unwrap_or(false),
            )),
            "AWS::S3::DisableMultiRegionAccessPoints" => settings
                .flag("s3.disable_multiregion_access_points")
                .map(ParamValue::Bool),
            "AWS::S3::DisableS3ExpressSessionAuth" => settings
                .flag("s3.disable_express_session_auth")
                .map(ParamValue::Bool),
            "AWS::S3::UseGlobalEndpoint" => Some(ParamValue::Bool(
                settings.text("s3.us_east_1_regional_endpoint") == Some("legacy"),
            )),
            "AWS::STS::UseGlobalEndpoint" => Some(ParamValue::Bool(
                settings.text("sts_regional_endpoints") == Some("legacy"),
            )),
            // The account of the configured credentials (`AWS_ACCOUNT_ID`, a profile's
            // `aws_account_id`), for account-based endpoints such as DynamoDB's.
            "AWS::Auth::AccountId" => settings
                .text("aws_account_id")
                .map(|s| ParamValue::String(s.to_owned())),
            "AWS::Auth::AccountIdEndpointMode" => settings
                .text("account_id_endpoint_mode")
                .map(|s| ParamValue::String(s.to_owned())),
            _ => None,
        };
        if let Some(value) = value {
            params.set(p.name().to_owned(), value);
        }
    }
    params
}
