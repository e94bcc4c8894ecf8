//! `aws.partition`: the partition table and region matching.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use regex_lite::Regex;
use serde_json::{Map, Value as Json};

use crate::error::RuleSetError;

/// The partition table shipped with the crate (`data/partitions.json`).
const BUILTIN: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/partitions.json"));

/// What `aws.partition` returns: the attributes of the partition a region belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct PartitionOutputs {
    pub(crate) name: String,
    pub(crate) dns_suffix: Option<String>,
    pub(crate) dual_stack_dns_suffix: Option<String>,
    pub(crate) implicit_global_region: Option<String>,
    pub(crate) supports_fips: Option<bool>,
    pub(crate) supports_dual_stack: Option<bool>,
}

/// A parsed partition table, ready to match regions.
#[derive(Debug)]
pub(crate) struct Partitions {
    /// One entry per partition, then one per region that overrides its partition's outputs.
    outputs: Vec<PartitionOutputs>,
    /// Regions listed by name, to their entry in `outputs`: the common case, one hash.
    regions: HashMap<String, usize>,
    /// Each partition's `regionRegex`, in table order, for regions not listed by name.
    patterns: Vec<(Regex, usize)>,
    /// The `aws` partition, used when nothing matches (as every AWS SDK does).
    fallback: Option<usize>,
}

impl Partitions {
    /// The built-in table, parsed on first use.
    pub(crate) fn builtin() -> Result<Arc<Partitions>, RuleSetError> {
        static TABLE: OnceLock<Result<Arc<Partitions>, String>> = OnceLock::new();
        // The error is kept as text because `RuleSetError` is not `Clone`; it cannot
        // happen unless the shipped file is broken, which the tests would show.
        TABLE
            .get_or_init(|| {
                Partitions::from_json(BUILTIN)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|message| RuleSetError::partitions(String::new(), message))
    }

    /// Parses a partition table in the `partitions.json` format.
    pub(crate) fn from_json(json: &str) -> Result<Partitions, RuleSetError> {
        let doc: Json = serde_json::from_str(json).map_err(RuleSetError::partitions_json)?;
        let bad = |at: String, message: &str| RuleSetError::partitions(at, message);
        let list = doc
            .get("partitions")
            .and_then(Json::as_array)
            .ok_or_else(|| bad("$".into(), "expected an object with a `partitions` list"))?;
        let mut table = Partitions {
            outputs: Vec::with_capacity(list.len()),
            regions: HashMap::new(),
            patterns: Vec::with_capacity(list.len()),
            fallback: None,
        };
        for (i, partition) in list.iter().enumerate() {
            let at = |field: &str| format!("$.partitions[{i}]{field}");
            let id = partition
                .get("id")
                .and_then(Json::as_str)
                .ok_or_else(|| bad(at(".id"), "expected a string"))?;
            let outputs_json = partition
                .get("outputs")
                .and_then(Json::as_object)
                .ok_or_else(|| bad(at(".outputs"), "expected an object"))?;
            let mut outputs = PartitionOutputs {
                name: id.to_owned(),
                ..PartitionOutputs::default()
            };
            apply_outputs(&mut outputs, outputs_json).map_err(|m| bad(at(".outputs"), &m))?;
            let index = table.outputs.len();
            if id == "aws" {
                table.fallback = Some(index);
            }
            table.outputs.push(outputs.clone());

            if let Some(pattern) = partition.get("regionRegex") {
                let pattern = pattern
                    .as_str()
                    .ok_or_else(|| bad(at(".regionRegex"), "expected a string"))?;
                let regex = Regex::new(pattern)
                    .map_err(|e| bad(at(".regionRegex"), &format!("invalid regex: {e}")))?;
                table.patterns.push((regex, index));
            }
            if let Some(regions) = partition.get("regions") {
                let regions = regions
                    .as_object()
                    .ok_or_else(|| bad(at(".regions"), "expected an object"))?;
                for (region, overrides) in regions {
                    let overrides = overrides.as_object().ok_or_else(|| {
                        bad(at(&format!(".regions.{region}")), "expected an object")
                    })?;
                    let mut entry = index;
                    if overrides.keys().any(|k| k != "description") {
                        // A region may override its partition's outputs (e.g. no FIPS).
                        let mut own = outputs.clone();
                        apply_outputs(&mut own, overrides)
                            .map_err(|m| bad(at(&format!(".regions.{region}")), &m))?;
                        entry = table.outputs.len();
                        table.outputs.push(own);
                    }
                    // First listing wins, as when scanning the table in order.
                    table.regions.entry(region.clone()).or_insert(entry);
                }
            }
        }
        if table.fallback.is_none() && !table.outputs.is_empty() {
            table.fallback = Some(0);
        }
        Ok(table)
    }

    /// The partition of `region`: a partition listing it by name, else the first whose
    /// `regionRegex` matches, else the `aws` partition. `None` only for an empty table.
    pub(crate) fn resolve(&self, region: &str) -> Option<&PartitionOutputs> {
        let index = self.regions.get(region).copied().or_else(|| {
            self.patterns
                .iter()
                .find(|(regex, _)| regex.is_match(region))
                .map(|(_, index)| *index)
        });
        self.outputs.get(index.or(self.fallback)?)
    }
}

fn apply_outputs(outputs: &mut PartitionOutputs, json: &Map<String, Json>) -> Result<(), String> {
    for (key, value) in json {
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`{key}` must be a string"))
        };
        let flag = || {
            value
                .as_bool()
                .ok_or_else(|| format!("`{key}` must be a boolean"))
        };
        match key.as_str() {
            "name" => outputs.name = text()?,
            "dnsSuffix" => outputs.dns_suffix = Some(text()?),
            "dualStackDnsSuffix" => outputs.dual_stack_dns_suffix = Some(text()?),
            "implicitGlobalRegion" => outputs.implicit_global_region = Some(text()?),
            "supportsFIPS" => outputs.supports_fips = Some(flag()?),
            "supportsDualStack" => outputs.supports_dual_stack = Some(flag()?),
            // Descriptions and attributes this engine does not know are not needed.
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(table: &Partitions, region: &str) -> String {
        table
            .resolve(region)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    #[test]
    fn builtin_table_matches_regions() {
        let table = Partitions::builtin().unwrap();
        assert_eq!(name(&table, "us-east-1"), "aws");
        assert_eq!(name(&table, "aws-global"), "aws");
        assert_eq!(name(&table, "cn-north-1"), "aws-cn");
        assert_eq!(name(&table, "us-gov-west-1"), "aws-us-gov");
        assert_eq!(name(&table, "us-iso-east-1"), "aws-iso");
        assert_eq!(name(&table, "us-isob-east-1"), "aws-iso-b");
        assert_eq!(name(&table, "eu-isoe-west-1"), "aws-iso-e");
        assert_eq!(name(&table, "eusc-de-east-1"), "aws-eusc");
        // Not listed, but matched by a regionRegex.
        assert_eq!(name(&table, "us-gov-south-9"), "aws-us-gov");
        assert_eq!(name(&table, "cn-south-7"), "aws-cn");
        assert_eq!(name(&table, "eu-central-9"), "aws");
        let cn = table.resolve("cn-northwest-1").unwrap();
        assert_eq!(cn.dns_suffix.as_deref(), Some("amazonaws.com.cn"));
        assert_eq!(
            cn.dual_stack_dns_suffix.as_deref(),
            Some("api.amazonwebservices.com.cn")
        );
        assert_eq!(cn.implicit_global_region.as_deref(), Some("cn-northwest-1"));
        assert_eq!(cn.supports_fips, Some(true));
    }

    #[test]
    fn unknown_regions_fall_back_to_aws() {
        let table = Partitions::builtin().unwrap();
        for region in ["", "mars-east-1", "US-EAST-1", "us-east-1 ", "local", "foo"] {
            assert_eq!(name(&table, region), "aws", "{region:?}");
        }
    }

    #[test]
    fn region_overrides_and_fallback_without_aws() {
        let table = Partitions::from_json(
            r#"{"partitions":[
                {"id":"p1","outputs":{"name":"p1","dnsSuffix":"one","supportsFIPS":true},
                 "regionRegex":"^p1-\\w+$",
                 "regions":{"p1-odd":{"description":"x","supportsFIPS":false}}},
                {"id":"p2","outputs":{"name":"p2","dnsSuffix":"two"},"regionRegex":"^p2-\\w+$"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(table.resolve("p1-odd").unwrap().supports_fips, Some(false));
        assert_eq!(
            table.resolve("p1-odd").unwrap().dns_suffix.as_deref(),
            Some("one")
        );
        assert_eq!(table.resolve("p1-even").unwrap().supports_fips, Some(true));
        assert_eq!(name(&table, "p2-x"), "p2");
        assert_eq!(
            name(&table, "zzz"),
            "p1",
            "first partition when there is no `aws`"
        );
    }

    #[test]
    fn malformed_tables_are_errors() {
        for bad in [
            "",
            "[]",
            r#"{"partitions":{}}"#,
            r#"{"partitions":[{"outputs":{}}]}"#,
            r#"{"partitions":[{"id":"a","outputs":{"dnsSuffix":1}}]}"#,
            r#"{"partitions":[{"id":"a","outputs":{},"regionRegex":"("}]}"#,
            r#"{"partitions":[{"id":"a","outputs":{},"regions":[]}]}"#,
        ] {
            let err = Partitions::from_json(bad).unwrap_err();
            assert!(err.is_partitions(), "{bad}: {err}");
        }
        let empty = Partitions::from_json(r#"{"partitions":[]}"#).unwrap();
        assert!(empty.resolve("us-east-1").is_none());
    }
}
