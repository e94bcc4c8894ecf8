//! `aws.partition`: the partition table and region matching.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use regex_lite::Regex;
use serde::Deserialize;

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
    patterns: Vec<Pattern>,
    /// The `aws` partition, used when nothing matches (as every AWS SDK does).
    fallback: Option<usize>,
}

/// A partition's `regionRegex`, compiled when first needed: most processes only meet
/// regions listed by name, and compiling the eight shipped patterns is most of what
/// loading the table costs.
#[derive(Debug)]
struct Pattern {
    source: String,
    regex: OnceLock<Option<Regex>>,
    partition: usize,
}

impl Pattern {
    fn matches(&self, region: &str) -> bool {
        // A table given by the caller was compiled when parsed, so `None` is only possible
        // for a broken shipped table, which the tests would show; it matches nothing.
        self.regex
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
            .is_some_and(|regex| regex.is_match(region))
    }
}

/// When a table's `regionRegex` patterns are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compile {
    /// While parsing, so that an invalid pattern is an error from the parse.
    Now,
    /// On first use (the shipped table, whose patterns the tests compile).
    WhenUsed,
}

impl Partitions {
    /// The built-in table, parsed on first use.
    pub(crate) fn builtin() -> Result<Arc<Partitions>, RuleSetError> {
        static TABLE: OnceLock<Result<Arc<Partitions>, String>> = OnceLock::new();
        // The error is kept as text because `RuleSetError` is not `Clone`; it cannot
        // happen unless the shipped file is broken, which the tests would show.
        TABLE
            .get_or_init(|| {
                Partitions::from_json(BUILTIN, Compile::WhenUsed)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|message| RuleSetError::partitions(String::new(), message))
    }

    /// Parses a partition table in the `partitions.json` format.
    pub(crate) fn from_json(json: &str, compile: Compile) -> Result<Partitions, RuleSetError> {
        // Straight into typed rows, not through `serde_json::Value`: the table is loaded by
        // the first client of every process, and a `Value` costs an allocation per key.
        let doc: TableJson = serde_json::from_str(json).map_err(RuleSetError::partitions_json)?;
        let bad = |at: String, message: &str| RuleSetError::partitions(at, message);
        let mut table = Partitions {
            outputs: Vec::with_capacity(doc.partitions.len()),
            regions: HashMap::new(),
            patterns: Vec::with_capacity(doc.partitions.len()),
            fallback: None,
        };
        for (i, partition) in doc.partitions.into_iter().enumerate() {
            let mut outputs = PartitionOutputs {
                name: partition.id.clone(),
                ..PartitionOutputs::default()
            };
            partition.outputs.apply(&mut outputs);
            let index = table.outputs.len();
            if partition.id == "aws" {
                table.fallback = Some(index);
            }
            table.outputs.push(outputs.clone());

            if let Some(pattern) = partition.region_regex {
                let regex = OnceLock::new();
                if compile == Compile::Now {
                    let compiled = Regex::new(&pattern).map_err(|e| {
                        bad(
                            format!("$.partitions[{i}].regionRegex"),
                            &format!("invalid regex: {e}"),
                        )
                    })?;
                    let _ = regex.set(Some(compiled));
                }
                table.patterns.push(Pattern {
                    source: pattern,
                    regex,
                    partition: index,
                });
            }
            for (region, overrides) in partition.regions {
                let mut entry = index;
                if overrides.overrides_any() {
                    // A region may override its partition's outputs (e.g. no FIPS).
                    let mut own = outputs.clone();
                    overrides.apply(&mut own);
                    entry = table.outputs.len();
                    table.outputs.push(own);
                }
                // First listing wins, as when scanning the table in order.
                table.regions.entry(region).or_insert(entry);
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
                .find(|pattern| pattern.matches(region))
                .map(|pattern| pattern.partition)
        });
        self.outputs.get(index.or(self.fallback)?)
    }
}

/// `partitions.json` as far as this engine reads it; descriptions and attributes it does
/// not know are skipped.
#[derive(Deserialize)]
struct TableJson {
    partitions: Vec<PartitionJson>,
}

#[derive(Deserialize)]
struct PartitionJson {
    id: String,
    outputs: OutputsJson,
    #[serde(rename = "regionRegex")]
    region_regex: Option<String>,
    /// In the file's order (a map would lose it, and the first listing of a region wins).
    #[serde(default, deserialize_with = "in_order")]
    regions: Vec<(String, OutputsJson)>,
}

/// A JSON object's entries in order.
fn in_order<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, OutputsJson)>, D::Error> {
    struct Entries;
    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<(String, OutputsJson)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of regions")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(entry) = map.next_entry()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }
    deserializer.deserialize_map(Entries)
}

/// A partition's outputs, or a region's overrides of them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutputsJson {
    name: Option<String>,
    dns_suffix: Option<String>,
    dual_stack_dns_suffix: Option<String>,
    implicit_global_region: Option<String>,
    #[serde(rename = "supportsFIPS")]
    supports_fips: Option<bool>,
    supports_dual_stack: Option<bool>,
}

impl OutputsJson {
    fn overrides_any(&self) -> bool {
        self.name.is_some()
            || self.dns_suffix.is_some()
            || self.dual_stack_dns_suffix.is_some()
            || self.implicit_global_region.is_some()
            || self.supports_fips.is_some()
            || self.supports_dual_stack.is_some()
    }

    /// `outputs` with what this sets replacing what it had.
    fn apply(self, outputs: &mut PartitionOutputs) {
        if let Some(name) = self.name {
            outputs.name = name;
        }
        let o = outputs;
        o.dns_suffix = self.dns_suffix.or(o.dns_suffix.take());
        o.dual_stack_dns_suffix = self
            .dual_stack_dns_suffix
            .or(o.dual_stack_dns_suffix.take());
        o.implicit_global_region = self
            .implicit_global_region
            .or(o.implicit_global_region.take());
        o.supports_fips = self.supports_fips.or(o.supports_fips);
        o.supports_dual_stack = self.supports_dual_stack.or(o.supports_dual_stack);
    }
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
    fn builtin_patterns_compile_and_wait_for_use() {
        let table = Partitions::from_json(BUILTIN, Compile::WhenUsed).unwrap();
        assert!(!table.patterns.is_empty());
        assert!(table.patterns.iter().all(|p| p.regex.get().is_none()));
        assert_eq!(name(&table, "us-east-1"), "aws", "listed by name");
        assert!(table.patterns.iter().all(|p| p.regex.get().is_none()));
        for pattern in &table.patterns {
            Regex::new(&pattern.source).unwrap();
        }
        assert_eq!(name(&table, "us-gov-south-9"), "aws-us-gov");
        assert!(table.patterns[0].regex.get().is_some_and(Option::is_some));
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
            Compile::Now,
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
            let err = Partitions::from_json(bad, Compile::Now).unwrap_err();
            assert!(err.is_partitions(), "{bad}: {err}");
        }
        let empty = Partitions::from_json(r#"{"partitions":[]}"#, Compile::Now).unwrap();
        assert!(empty.resolve("us-east-1").is_none());
    }
}
