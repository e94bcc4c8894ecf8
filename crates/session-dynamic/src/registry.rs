//! The process-wide cache of built services: a model is read and built into shape tables
//! once per process per (source, service), on the first client for it, and every later
//! client of that service shares the tables. Endpoint rule sets are shared by text (many
//! services have the same one).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;
use session_endpoints::RuleSet;
use session_models::{FileKind, Loader};
use session_runtime::shapes::{Protocol, Service};
use session_tower::client::Rules;
use session_tower::{AuthScheme, ServiceInfo};

use crate::error::Error;
use crate::source::ModelSource;
use crate::specs::{PaginatorSpec, Specs};

/// One service as the dynamic client knows it: its tables, its stack description, and its
/// paginators and waiters (read on first use).
pub struct ServiceModel {
    /// botocore's service name.
    pub(crate) name: String,
    /// The shape tables.
    pub(crate) service: &'static Service,
    /// What the client stack needs.
    pub(crate) info: &'static ServiceInfo,
    paginators: Option<String>,
    waiters: Option<String>,
    specs: OnceLock<Result<Specs, String>>,
}

impl std::fmt::Debug for ServiceModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceModel")
            .field("name", &self.name)
            .field("protocol", &self.service.protocol)
            .field("operations", &self.service.operations.len())
            .finish_non_exhaustive()
    }
}

impl ServiceModel {
    /// botocore's name of the service.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The shape tables.
    pub fn tables(&self) -> &'static Service {
        self.service
    }

    /// The service's model from `source`, built on first use and shared process-wide
    /// (what a [`DynClient`](crate::DynClient) of it uses); no client, so no region or
    /// credentials are needed.
    ///
    /// # Errors
    /// An unknown service, a model that cannot be read or built.
    pub fn load(source: &ModelSource, name: &str) -> Result<Arc<ServiceModel>, Error> {
        service(source, name)
    }

    /// The output members the operation's paginator collects from each page (its result
    /// keys); empty when it has no paginator.
    ///
    /// # Errors
    /// A paginators file that cannot be read.
    pub fn result_keys(&self, operation: &str) -> Result<Vec<String>, Error> {
        Ok(self
            .specs()?
            .paginators
            .get(operation)
            .map(|p| p.result_key.iter().map(|(k, _)| k.clone()).collect())
            .unwrap_or_default())
    }

    /// Whether the operation has a paginator.
    ///
    /// # Errors
    /// A paginators file that cannot be read.
    pub fn has_paginator(&self, operation: &str) -> Result<bool, Error> {
        Ok(self.specs()?.paginators.contains_key(operation))
    }

    /// The paginators and waiters, parsed on first use.
    pub(crate) fn specs(&self) -> Result<&Specs, Error> {
        self.specs
            .get_or_init(|| {
                Specs::parse(
                    self.service,
                    self.paginators.as_deref(),
                    self.waiters.as_deref(),
                )
            })
            .as_ref()
            .map_err(|e| Error::config(format!("{}: {e}", self.name)))
    }

    /// A paginator by name.
    pub(crate) fn paginator(&self, operation: &str) -> Result<&PaginatorSpec, Error> {
        self.specs()?.paginators.get(operation).ok_or_else(|| {
            Error::config(format!(
                "{}: {operation} has no paginator (paginated operations: {})",
                self.name,
                self.specs()
                    .map(|s| s.paginators.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            ))
        })
    }
}

type Key = (ModelSource, String);

fn cache() -> &'static Mutex<HashMap<Key, Arc<ServiceModel>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<ServiceModel>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The built service `name` from `source`, building it on first use.
///
/// Building happens outside the cache's lock, so two services build in parallel; two
/// threads racing for one service may both build it, and the first to finish is kept for
/// everyone (tables are leaked, so a race costs one unused copy).
pub(crate) fn service(source: &ModelSource, name: &str) -> Result<Arc<ServiceModel>, Error> {
    let key = (source.clone(), name.to_owned());
    if let Some(found) = lock(cache()).get(&key) {
        return Ok(found.clone());
    }
    let built = Arc::new(load(source, name)?);
    Ok(lock(cache()).entry(key).or_insert(built).clone())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the client stack needs from the model's metadata beyond the tables.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Head {
    #[serde(default)]
    metadata: Meta,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Meta {
    #[serde(default)]
    auth: Vec<String>,
    #[serde(default)]
    signature_version: Option<String>,
    #[serde(default)]
    global_endpoint: Option<String>,
    #[serde(default)]
    protocols: Vec<String>,
    #[serde(default)]
    json_version: Option<String>,
}

/// The build options: a model that offers Smithy RPC v2 CBOR first and AWS JSON too is
/// spoken in JSON. The services accept both, and local emulators (moto) answer only JSON;
/// a model that offers only CBOR is spoken in CBOR.
fn options(meta: &Meta) -> session_runtime::model::Options {
    let options = session_runtime::model::Options::default();
    let cbor_first = meta.protocols.first().map(String::as_str) == Some("smithy-rpc-v2-cbor");
    if cbor_first && meta.protocols.iter().any(|p| p == "json") {
        let json = if meta.json_version.as_deref() == Some("1.1") {
            Protocol::Json11
        } else {
            Protocol::Json10
        };
        return options.protocol(json);
    }
    options
}

fn load(source: &ModelSource, name: &str) -> Result<ServiceModel, Error> {
    let (dirs, pack) = source.open()?;
    let loader = Loader::new(dirs, pack);
    let svc = loader.service(name).map_err(Error::models)?;
    let file = |kind| svc.file(kind).map_err(Error::models);
    let text = file(FileKind::Service)?
        .ok_or_else(|| Error::config(format!("{name}: no service-2.json")))?;
    let text = match file(FileKind::ServiceExtras)? {
        Some(extras) => merge_extras(name, &text, &extras)?,
        None => text,
    };
    let head: Head = serde_json::from_str(&text).unwrap_or_default();
    let service = session_runtime::model::build(name, &text, &options(&head.metadata))
        .map_err(|e| Error::config(e.to_string()))?;
    let rules_text = file(FileKind::EndpointRuleSet)?
        .ok_or_else(|| Error::config(format!("{name}: no endpoint-rule-set-1.json")))?;
    let rules = shared_rules(name, &rules_text)?;
    let info: &'static ServiceInfo = Box::leak(Box::new(ServiceInfo {
        service_id: service.service_id,
        signing_name: service.signing_name,
        protocol: stack_protocol(service.protocol),
        endpoint_rules: Rules::Ready(rules),
        region_when_unset: head
            .metadata
            .global_endpoint
            .is_some()
            .then_some("us-east-1"),
        s3_signing: matches!(
            head.metadata.signature_version.as_deref(),
            Some("s3" | "s3v4")
        ),
        api_version: service.api_version,
        auth: auth_schemes(&head.metadata),
        roles: Some(&services_sts::credentials::ROLES),
    }));
    Ok(ServiceModel {
        name: name.to_owned(),
        service,
        info,
        paginators: file(FileKind::Paginators)?,
        waiters: file(FileKind::Waiters)?,
        specs: OnceLock::new(),
    })
}

/// The stack's protocol for the runtime's.
pub(crate) fn stack_protocol(p: Protocol) -> session_tower::protocol::Protocol {
    use session_tower::protocol::Protocol as P;
    match p {
        Protocol::Json10 => P::AwsJson1_0,
        Protocol::Json11 => P::AwsJson1_1,
        Protocol::Query => P::AwsQuery,
        Protocol::Ec2 => P::Ec2,
        Protocol::RestXml => P::RestXml,
        Protocol::RestJson => P::RestJson,
        _ => P::RpcV2Cbor,
    }
}

/// The model's `metadata.auth` list, else its `signatureVersion`, as schemes (unknown ones
/// left out), made `'static` once per distinct list.
fn auth_schemes(meta: &Meta) -> &'static [AuthScheme] {
    static LISTS: OnceLock<Mutex<Vec<&'static [AuthScheme]>>> = OnceLock::new();
    let ids: Vec<&str> = if meta.auth.is_empty() {
        meta.signature_version.as_deref().into_iter().collect()
    } else {
        meta.auth.iter().map(String::as_str).collect()
    };
    let list: Vec<AuthScheme> = ids.into_iter().filter_map(AuthScheme::from_model).collect();
    let mut lists = lock(LISTS.get_or_init(Default::default));
    if let Some(found) = lists.iter().find(|l| **l == list.as_slice()) {
        return found;
    }
    let leaked: &'static [AuthScheme] = Box::leak(list.into_boxed_slice());
    lists.push(leaked);
    leaked
}

/// The compiled rule set of this text, compiled once per distinct text.
fn shared_rules(name: &str, text: &str) -> Result<&'static RuleSet, Error> {
    static RULES: OnceLock<Mutex<HashMap<String, &'static RuleSet>>> = OnceLock::new();
    let rules = RULES.get_or_init(Default::default);
    if let Some(found) = lock(rules).get(text) {
        return Ok(found);
    }
    let compiled = RuleSet::from_json(text)
        .map_err(|e| Error::config(format!("{name}: endpoint rule set: {e}")))?;
    let compiled: &'static RuleSet = Box::leak(Box::new(compiled));
    Ok(lock(rules).entry(text.to_owned()).or_insert(compiled))
}

/// botocore's sdk-extras: the extras' `merge` object deep-merged into the model.
fn merge_extras(name: &str, model: &str, extras: &str) -> Result<String, Error> {
    let bad = |e: serde_json::Error| Error::config(format!("{name}: model JSON: {e}"));
    let mut model: serde_json::Value = serde_json::from_str(model).map_err(bad)?;
    let extras: serde_json::Value = serde_json::from_str(extras).map_err(bad)?;
    if let Some(merge) = extras.get("merge") {
        deep_merge(&mut model, merge);
    }
    Ok(model.to_string())
}

fn deep_merge(into: &mut serde_json::Value, from: &serde_json::Value) {
    match (into, from) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(slot) => deep_merge(slot, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_merge_adds_and_replaces() {
        let mut a = serde_json::json!({"m": {"x": 1, "y": {"z": 2}}});
        deep_merge(&mut a, &serde_json::json!({"m": {"y": {"w": 3}, "x": 4}}));
        assert_eq!(a, serde_json::json!({"m": {"x": 4, "y": {"z": 2, "w": 3}}}));
    }

    #[test]
    fn auth_lists_are_shared_and_ordered() {
        let meta = Meta {
            auth: vec!["aws.auth#sigv4a".into(), "aws.auth#sigv4".into()],
            ..Meta::default()
        };
        let a = auth_schemes(&meta);
        assert_eq!(a, &[AuthScheme::SigV4a, AuthScheme::SigV4]);
        assert!(std::ptr::eq(a, auth_schemes(&meta)));
        let old = Meta {
            signature_version: Some("v4".into()),
            ..Meta::default()
        };
        assert_eq!(auth_schemes(&old), &[AuthScheme::SigV4]);
    }
}
