//! The four configuration layers, as `config` crate sources, and their merge.
//!
//! Each layer is a flat list of `(setting name, raw value, origin)`; the `config` crate
//! merges them in precedence order (default < profile < environment < explicit). The
//! origin travels inside each `config::Value` as an index into an origin table, so that
//! after the merge every winning value still knows exactly where it came from.

use std::collections::BTreeMap;

use config::{ConfigError, Map, Source, Value, ValueKind as CfgKind};

use super::registry::{
    self, is_valid_service_key, ProfileKey, SERVICE_ENDPOINT_ENV_PREFIX, SERVICE_ENDPOINT_PREFIX,
    SETTINGS,
};
use crate::env::Env;
use crate::origin::Origin;
use crate::profile::{ProfileSet, Section};
use crate::Error;

/// Origins of all entries of all layers; entries refer to them by index.
#[derive(Default)]
pub(crate) struct Origins(Vec<Origin>);

impl Origins {
    fn push(&mut self, origin: Origin) -> usize {
        self.0.push(origin);
        self.0.len() - 1
    }

    pub(crate) fn get(&self, idx: usize) -> Option<&Origin> {
        self.0.get(idx)
    }
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    value: String,
    origin: usize,
}

/// One layer of configuration, fed to the `config` crate as a [`Source`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Layer {
    entries: Vec<Entry>,
}

impl Layer {
    fn add(&mut self, origins: &mut Origins, name: &str, value: &str, origin: Origin) {
        let origin = origins.push(origin);
        self.entries.push(Entry {
            name: name.to_owned(),
            value: value.to_owned(),
            origin,
        });
    }
}

/// `endpoint_url` is a leaf and `endpoint_url.s3` would make it a table in the `config`
/// crate's path syntax, so per-service URLs live under a separate table there.
const CONFIG_SERVICE_TABLE: &str = "endpoint_urls.";

fn to_config_path(name: &str) -> String {
    match name.strip_prefix(SERVICE_ENDPOINT_PREFIX) {
        Some(service) => format!("{CONFIG_SERVICE_TABLE}{service}"),
        None => name.to_owned(),
    }
}

fn from_config_path(path: &str) -> String {
    match path.strip_prefix(CONFIG_SERVICE_TABLE) {
        Some(service) => format!("{SERVICE_ENDPOINT_PREFIX}{service}"),
        None => path.to_owned(),
    }
}

impl Source for Layer {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        Ok(self
            .entries
            .iter()
            .map(|e| {
                let origin = e.origin.to_string();
                (
                    to_config_path(&e.name),
                    Value::new(Some(&origin), CfgKind::String(e.value.clone())),
                )
            })
            .collect())
    }
}

pub(crate) fn defaults(origins: &mut Origins) -> Layer {
    let mut layer = Layer::default();
    for def in SETTINGS {
        if let Some(default) = def.default {
            layer.add(origins, def.name, default, Origin::Default);
        }
    }
    layer
}

pub(crate) fn profile(
    origins: &mut Origins,
    profile: Option<&Section>,
    set: &ProfileSet,
    warnings: &mut Vec<String>,
) -> Layer {
    let mut layer = Layer::default();
    let Some(profile) = profile else {
        return layer;
    };
    for def in SETTINGS {
        // The first key that is present and non-empty wins (sub-property before the older
        // top-level spelling, e.g. `s3 = use_arn_region` before `s3_use_arn_region`).
        let found = def.profile.iter().find_map(|key| {
            let (value, location) = match key {
                ProfileKey::Key(k) => {
                    let p = profile.property(k)?;
                    (p.value(), p.location())
                }
                ProfileKey::Sub(k, sub) => {
                    let s = profile.property(k)?.sub_property(sub)?;
                    (s.value(), s.location())
                }
            };
            (!value.trim().is_empty()).then(|| (value, location.clone()))
        });
        if let Some((value, location)) = found {
            layer.add(origins, def.name, value, Origin::Profile(location));
        }
    }
    if let Some(services_name) = profile.get("services").map(str::trim) {
        match set.services(services_name) {
            Some(services) => add_services(&mut layer, origins, services, warnings),
            None => warnings.push(format!(
                "profile {:?} names services section {services_name:?}, which does not exist",
                profile.name()
            )),
        }
    }
    layer
}

fn add_services(
    layer: &mut Layer,
    origins: &mut Origins,
    services: &Section,
    warnings: &mut Vec<String>,
) {
    for service in services.properties() {
        let Some(url) = service.sub_property("endpoint_url") else {
            continue;
        };
        if !is_valid_service_key(service.name()) {
            warnings.push(format!(
                "{}: service key {:?} is ignored (use the service id in lower case with '_')",
                url.location(),
                service.name()
            ));
            continue;
        }
        let name = format!("{SERVICE_ENDPOINT_PREFIX}{}", service.name());
        layer.add(
            origins,
            &name,
            url.value(),
            Origin::Profile(url.location().clone()),
        );
    }
}

pub(crate) fn env(origins: &mut Origins, env: &Env, warnings: &mut Vec<String>) -> Layer {
    let mut layer = Layer::default();
    for def in SETTINGS {
        let found = def
            .env
            .iter()
            .find_map(|var| env.get_non_empty(var).map(|v| (*var, v)));
        if let Some((var, value)) = found {
            layer.add(origins, def.name, &value, Origin::Env { var: var.into() });
        }
    }
    for (var, value) in env.vars_with_prefix(SERVICE_ENDPOINT_ENV_PREFIX) {
        if value.is_empty() {
            continue;
        }
        let key = var[SERVICE_ENDPOINT_ENV_PREFIX.len()..].to_ascii_lowercase();
        if !is_valid_service_key(&key) {
            warnings.push(format!("env var {var} is ignored: not a valid service id"));
            continue;
        }
        let name = format!("{SERVICE_ENDPOINT_PREFIX}{key}");
        layer.add(origins, &name, &value, Origin::Env { var: var.into() });
    }
    layer
}

pub(crate) fn explicit(
    origins: &mut Origins,
    settings: &[(String, String)],
) -> Result<Layer, Error> {
    let mut layer = Layer::default();
    for (name, value) in settings {
        let known = registry::find(name).is_some()
            || name
                .strip_prefix(SERVICE_ENDPOINT_PREFIX)
                .is_some_and(is_valid_service_key);
        if !known {
            return Err(Error::new(crate::error::Kind::UnknownSetting {
                name: name.clone(),
            }));
        }
        layer.add(origins, name, value, Origin::Explicit);
    }
    Ok(layer)
}

/// Merges the layers (lowest precedence first) and returns each winning raw value with the
/// index of its origin, keyed by setting name.
pub(crate) fn merge(layers: Vec<Layer>) -> Result<BTreeMap<String, (String, usize)>, Error> {
    let mut builder = config::Config::builder();
    for layer in layers {
        builder = builder.add_source(layer);
    }
    let merged = builder.build().map_err(|e| {
        Error::invalid_setting("<merge>", "", &Origin::Default, "could not merge layers")
            .with_source(e)
    })?;
    let mut out = BTreeMap::new();
    walk(&merged.cache, "", &mut out);
    Ok(out)
}

fn walk(value: &Value, path: &str, out: &mut BTreeMap<String, (String, usize)>) {
    match &value.kind {
        CfgKind::Table(table) => {
            for (key, child) in table {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(child, &child_path, out);
            }
        }
        CfgKind::String(s) => {
            if let Some(origin) = value.origin().and_then(|o| o.parse().ok()) {
                out.insert(from_config_path(path), (s.clone(), origin));
            }
        }
        // Every layer holds strings only, so nothing else can appear.
        _ => {}
    }
}
