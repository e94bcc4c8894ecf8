//! Round trips, laziness and refusal of damaged or forged bytes.

use super::*;
use crate::Params;

const S3: &str = include_str!("../../../../../models/s3/endpoint-rule-set-1.json");

const SMALL: &str = r#"{"version": "1.0",
  "parameters": {"Region": {"type": "String", "required": true, "default": "x"},
                 "Fips": {"type": "Boolean", "default": false}},
  "rules": [{"type": "tree",
             "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}],
                             "assign": "p"}],
             "rules": [{"type": "endpoint",
                        "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Fips"}, false]}],
                        "endpoint": {"url": "https://{Region}.{p#dnsSuffix}",
                                     "properties": {"authSchemes": [{"name": "sigv4", "n": 1.5}]},
                                     "headers": {"x": ["{Region}"]}}},
                       {"type": "error", "conditions": [], "error": "no {Region}"}]}]}"#;

/// `bytes` with the checksum made to match again: a forged input.
fn forge(mut bytes: Vec<u8>) -> Vec<u8> {
    let sum = checksum(bytes.get(HEADER..).unwrap_or_default());
    if bytes.len() >= HEADER {
        bytes[MAGIC.len()..HEADER].copy_from_slice(&sum.to_le_bytes());
    }
    bytes
}

#[test]
fn a_rule_set_survives_the_round_trip_byte_for_byte() {
    let rules = RuleSet::from_json(S3).unwrap();
    let bytes = rules.to_bytes();
    let again = RuleSet::from_bytes(bytes.clone()).unwrap();
    // Writing decodes every lazy subtree, so this compares whole trees.
    assert_eq!(again.to_bytes(), bytes);
    assert_eq!(again.parameters(), rules.parameters());
    assert!(again.partitions.is_some(), "S3 calls aws.partition");
    let params = Params::new().str("Region", "us-west-2").str("Bucket", "b");
    assert_eq!(
        again.resolve(&params).unwrap().url(),
        rules.resolve(&params).unwrap().url()
    );
}

#[test]
fn loading_leaves_subtrees_encoded_until_reached() {
    let rules = RuleSet::from_bytes(RuleSet::from_json(SMALL).unwrap().to_bytes()).unwrap();
    let Action::Tree(Subtree::Encoded(tree)) = &rules.rules[0].action else {
        panic!("the tree is left encoded");
    };
    assert!(tree.rules.get().is_none());
    let endpoint = rules
        .resolve(&Params::new().str("Region", "cn-north-1"))
        .unwrap();
    assert_eq!(endpoint.url(), "https://cn-north-1.amazonaws.com.cn");
    assert!(matches!(tree.rules.get(), Some(Ok(_))));
    let err = rules
        .resolve(&Params::new().bool("Fips", true))
        .unwrap_err();
    assert_eq!(err.to_string(), "no x");
}

#[test]
fn every_tag_table_lists_each_variant_once() {
    // A variant missing from a table would encode as an unknown tag.
    let funcs: std::collections::HashSet<_> = FUNCS.iter().map(|f| format!("{f:?}")).collect();
    assert_eq!(funcs.len(), FUNCS.len());
    let fields: std::collections::HashSet<_> = FIELDS.iter().map(|f| format!("{f:?}")).collect();
    assert_eq!(fields.len(), FIELDS.len());
}

#[test]
fn truncated_or_altered_bytes_are_refused_by_the_checksum() {
    let bytes = RuleSet::from_json(SMALL).unwrap().to_bytes();
    for len in 0..bytes.len() {
        let err = RuleSet::from_bytes(bytes[..len].to_vec()).unwrap_err();
        assert!(err.is_invalid(), "{err}");
    }
    for i in HEADER..bytes.len() {
        let mut altered = bytes.clone();
        altered[i] ^= 0x10;
        let err = RuleSet::from_bytes(altered).unwrap_err();
        assert!(err.to_string().contains("checksum mismatch"), "{err}");
    }
    let err = RuleSet::from_bytes(&b"{\"version\": \"1.0\"}"[..]).unwrap_err();
    assert!(err.to_string().contains("wrong header"), "{err}");
}

#[test]
fn forged_bytes_give_errors_never_a_panic() {
    let bytes = RuleSet::from_json(SMALL).unwrap().to_bytes();
    let params = [
        Params::new().str("Region", "us-east-1"),
        Params::new().bool("Fips", true),
    ];
    let mut loaded = 0;
    for i in HEADER..bytes.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut forged = bytes.clone();
            forged[i] ^= flip;
            if let Ok(rules) = RuleSet::from_bytes(forge(forged)) {
                loaded += 1;
                for params in &params {
                    let _ = rules.resolve(params);
                }
                let _ = rules.to_bytes();
            }
        }
    }
    assert!(
        loaded > 0,
        "some forgeries pass the top level, to reach the lazy path"
    );
    let err = RuleSet::from_bytes(forge([&bytes[..], &[0]].concat())).unwrap_err();
    assert!(err.to_string().contains("trailing bytes"), "{err}");
}

#[test]
fn a_forged_subtree_fails_the_resolution_that_reaches_it() {
    let mut bytes = RuleSet::from_json(SMALL).unwrap().to_bytes();
    // The last byte is the error rule's template's last literal: make it invalid UTF-8.
    *bytes.last_mut().unwrap() = 0xff;
    let rules = RuleSet::from_bytes(forge(bytes)).unwrap();
    let err = rules.resolve(&Params::new()).unwrap_err();
    assert!(err.is_incomplete_rule_set(), "{err}");
    assert!(err.to_string().contains("not UTF-8"), "{err}");
}

#[test]
fn nesting_beyond_the_limit_is_refused_not_a_stack_overflow() {
    let rule_set = RuleSet::from_json(SMALL).unwrap();
    let mut tree = vec![0]; // innermost: an empty rule list
    for _ in 0..MAX_DEPTH + 10 {
        let mut outer = Writer {
            bytes: vec![1, 0, 2], // one rule, no conditions, a tree of ...
            rule_set: &rule_set,
        };
        outer.uint(tree.len());
        outer.bytes.extend(tree);
        tree = outer.bytes;
    }
    // Header room, 1 slot, no partitions, no parameters, then the tree.
    let mut bytes = [&[0; HEADER][..], &[1, 0, 0], &tree].concat();
    bytes[..MAGIC.len()].copy_from_slice(MAGIC);
    let rules = RuleSet::from_bytes(forge(bytes)).unwrap();
    let err = rules.resolve(&Params::new()).unwrap_err();
    assert!(err.to_string().contains("nested too deeply"), "{err}");
}
