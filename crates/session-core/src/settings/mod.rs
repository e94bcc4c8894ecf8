//! Every non-credential setting a session resolves, with typed getters.
//!
//! Each setting is resolved with the same precedence: explicit (on the builder) >
//! environment > selected profile > default. [`known_settings`] lists the table.

mod layers;
mod modes;
mod registry;
mod value;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

pub use modes::{AddressingStyle, ChecksumWhen, DefaultsMode, RetryMode};
pub use value::{is_valid_region, ResolvedSetting, SettingValue};

pub(crate) use registry::service_key;

use crate::env::Env;
use crate::profile::{ProfileSet, Section};
use crate::Error;
use registry::{Group, ProfileKey, ValueKind, SERVICE_ENDPOINT_PREFIX};

/// All resolved settings of a session.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    map: BTreeMap<String, ResolvedSetting>,
}

/// What [`Settings::resolve`] needs besides the layers' raw inputs.
pub(crate) struct Inputs<'a> {
    pub(crate) env: &'a Env,
    pub(crate) profile: Option<&'a Section>,
    pub(crate) profiles: &'a ProfileSet,
    pub(crate) explicit: &'a [(String, String)],
}

impl Settings {
    /// Resolves every setting from the four layers, checking each winning value.
    pub(crate) fn resolve(inputs: Inputs<'_>, warnings: &mut Vec<String>) -> Result<Self, Error> {
        let mut origins = layers::Origins::default();
        let all = vec![
            layers::defaults(&mut origins),
            layers::profile(&mut origins, inputs.profile, inputs.profiles, warnings),
            layers::env(&mut origins, inputs.env, warnings),
            layers::explicit(&mut origins, inputs.explicit)?,
        ];
        let merged = layers::merge(all)?;
        let mut map = BTreeMap::new();
        for (name, (raw, origin_idx)) in merged {
            let origin = origins
                .get(origin_idx)
                .cloned()
                .unwrap_or(crate::Origin::Default);
            let kind = match registry::find(&name) {
                Some(def) => def.kind,
                None if name.starts_with(SERVICE_ENDPOINT_PREFIX) => ValueKind::Url,
                // Only names from the table and the endpoint family are ever added.
                None => continue,
            };
            let value = value::parse(kind, &raw, inputs.env)
                .map_err(|reason| Error::invalid_setting(&name, &raw, &origin, reason))?;
            if name == "sdk_ua_app_id" && raw.len() > 50 {
                warnings.push(format!(
                    "sdk_ua_app_id (from {origin}) is longer than 50 characters; some services may reject it"
                ));
            }
            map.insert(
                name.clone(),
                ResolvedSetting {
                    name,
                    value,
                    origin,
                },
            );
        }
        Ok(Self { map })
    }

    /// A setting by name (`retry_mode`, `s3.addressing_style`, `endpoint_url.s3`, ...);
    /// `None` when no layer set it and it has no default.
    pub fn get(&self, name: &str) -> Option<&ResolvedSetting> {
        self.map.get(name)
    }

    /// Every resolved setting, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &ResolvedSetting> + '_ {
        self.map.values()
    }

    /// The text value of a setting.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name)?.value.as_str()
    }

    /// The value of a boolean setting.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.get(name)?.value.as_bool()
    }

    fn int(&self, name: &str) -> Option<u64> {
        self.get(name)?.value.as_int()
    }

    fn duration(&self, name: &str) -> Option<Duration> {
        self.get(name)?.value.as_duration()
    }

    /// The region (`AWS_REGION`, `AWS_DEFAULT_REGION`, profile `region`); no default.
    pub fn region(&self) -> Option<&str> {
        self.text("region")
    }

    /// `retry_mode`; default [`RetryMode::Standard`].
    pub fn retry_mode(&self) -> RetryMode {
        RetryMode::from_canonical(self.text("retry_mode").unwrap_or_default())
    }

    /// `max_attempts` (first try included); default 3.
    pub fn max_attempts(&self) -> u32 {
        self.int("max_attempts")
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(3)
    }

    /// `defaults_mode`; default [`DefaultsMode::Legacy`].
    pub fn defaults_mode(&self) -> DefaultsMode {
        DefaultsMode::from_canonical(self.text("defaults_mode").unwrap_or_default())
    }

    /// `use_fips_endpoint`; default false.
    pub fn use_fips_endpoint(&self) -> bool {
        self.flag("use_fips_endpoint").unwrap_or(false)
    }

    /// `use_dualstack_endpoint`; default false.
    pub fn use_dualstack_endpoint(&self) -> bool {
        self.flag("use_dualstack_endpoint").unwrap_or(false)
    }

    /// `ca_bundle`: a PEM file of extra trusted roots.
    pub fn ca_bundle(&self) -> Option<&Path> {
        self.text("ca_bundle").map(Path::new)
    }

    /// `connect_timeout`; default 3.1 s.
    pub fn connect_timeout(&self) -> Duration {
        self.duration("connect_timeout")
            .unwrap_or(Duration::from_millis(3100))
    }

    /// `read_timeout`; default 60 s.
    pub fn read_timeout(&self) -> Duration {
        self.duration("read_timeout")
            .unwrap_or(Duration::from_secs(60))
    }

    /// `sigv4a_signing_region_set`: the regions a SigV4a signature is valid in, comma
    /// separated (`*`, `us-east-1,us-west-2`), overriding the endpoint rules' region set; no
    /// default. Only requests signed with SigV4a use it.
    pub fn sigv4a_signing_region_set(&self) -> Option<&str> {
        self.text("sigv4a_signing_region_set")
    }

    /// `s3.addressing_style`; default [`AddressingStyle::Auto`].
    pub fn s3_addressing_style(&self) -> AddressingStyle {
        AddressingStyle::from_canonical(self.text("s3.addressing_style").unwrap_or_default())
    }

    /// `request_checksum_calculation`; default [`ChecksumWhen::WhenSupported`].
    pub fn request_checksum_calculation(&self) -> ChecksumWhen {
        ChecksumWhen::from_canonical(
            self.text("request_checksum_calculation")
                .unwrap_or_default(),
        )
    }

    /// `response_checksum_validation`; default [`ChecksumWhen::WhenSupported`].
    pub fn response_checksum_validation(&self) -> ChecksumWhen {
        ChecksumWhen::from_canonical(
            self.text("response_checksum_validation")
                .unwrap_or_default(),
        )
    }

    /// The configured endpoint URL for a service, by its model service id (`"S3"`,
    /// `"DynamoDB"`, ...), or `None` to let the service's endpoint rules decide.
    ///
    /// Precedence: explicit service-specific > explicit global >
    /// `AWS_ENDPOINT_URL_<SERVICE>` > `AWS_ENDPOINT_URL` > the profile's `services` section >
    /// the profile's `endpoint_url`. When `ignore_configured_endpoint_urls` is true, only
    /// explicit values count.
    pub fn endpoint_url(&self, service_id: &str) -> Option<&ResolvedSetting> {
        let specific = self.get(&format!(
            "{SERVICE_ENDPOINT_PREFIX}{}",
            service_key(service_id)
        ));
        let global = self.get("endpoint_url");
        let ignore = self
            .flag("ignore_configured_endpoint_urls")
            .unwrap_or(false);
        [(specific, 1u8), (global, 0u8)]
            .into_iter()
            .filter_map(|(s, specificity)| Some((s?, specificity)))
            .filter(|(s, _)| !ignore || s.origin.is_explicit())
            .max_by_key(|(s, specificity)| (s.origin.rank(), *specificity))
            .map(|(s, _)| s)
    }
}

/// A read-only view of one row of the settings table.
#[derive(Debug, Clone, Copy)]
pub struct SettingInfo {
    def: &'static registry::SettingDef,
}

impl SettingInfo {
    /// The setting's name.
    pub fn name(&self) -> &'static str {
        self.def.name
    }

    /// Environment variables, in precedence order.
    pub fn env_vars(&self) -> &'static [&'static str] {
        self.def.env
    }

    /// Profile keys in precedence order; sub-properties as `parent.sub`.
    pub fn profile_keys(&self) -> Vec<String> {
        self.def
            .profile
            .iter()
            .map(|k| match k {
                ProfileKey::Key(k) => (*k).to_owned(),
                ProfileKey::Sub(k, s) => format!("{k}.{s}"),
            })
            .collect()
    }

    /// The default value, if any.
    pub fn default_value(&self) -> Option<&'static str> {
        self.def.default
    }

    /// True for settings that only the credential providers use.
    pub fn is_credential_setting(&self) -> bool {
        self.def.group == Group::Credentials
    }

    /// A short description of the accepted values.
    pub fn value_type(&self) -> String {
        match self.def.kind {
            ValueKind::Region => "region".into(),
            ValueKind::Bool => "bool".into(),
            ValueKind::Int { min, max } => format!("integer {min}..={max}"),
            ValueKind::Seconds => "seconds".into(),
            ValueKind::Enum(choices) => choices.join(" | "),
            ValueKind::Url => "URL".into(),
            ValueKind::Path => "path".into(),
            ValueKind::Text => "text".into(),
        }
    }
}

/// Every setting with a fixed name, sorted by name. (Per-service endpoint URLs,
/// `endpoint_url.<service>`, are the one open-ended family.)
pub fn known_settings() -> impl Iterator<Item = SettingInfo> {
    registry::SETTINGS.iter().map(|def| SettingInfo { def })
}
