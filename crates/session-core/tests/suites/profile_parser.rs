//! The cross-SDK profile parser suite (`data/profile-parser/`): every case, through
//! `ProfileSet::parse`, checking the raw values the suite gives and our structured view of
//! sub-properties.

use std::collections::BTreeMap;

use serde_json::Value;
use session_core::profile::{ProfileSet, Property, Section};

use crate::support::load;

const CASES: usize = 65;

/// The spec's name rule (letters, digits and `- / . % @ _ : +`).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c))
}

/// The structured view agrees with the raw value: `name =` alone is an empty value, a block
/// holds one sub-property per line whose name is valid.
fn check_structure(case: &str, p: &Property) {
    let value = p.value();
    if value.is_empty() {
        assert!(
            !p.has_sub_properties(),
            "{case}: {} is not a block",
            p.name()
        );
        return;
    }
    let Some(block) = value.strip_prefix('\n') else {
        assert!(
            !p.has_sub_properties(),
            "{case}: {} is not a block",
            p.name()
        );
        return;
    };
    assert!(p.has_sub_properties(), "{case}: {} is a block", p.name());
    let mut expected = BTreeMap::new();
    for line in block.lines() {
        let (k, v) = line.split_once('=').unwrap();
        let k = k.trim().to_ascii_lowercase();
        if valid_name(&k) {
            expected.insert(k, v.trim().to_owned());
        }
    }
    let got: BTreeMap<String, String> = p
        .sub_properties()
        .map(|s| (s.name().to_owned(), s.value().to_owned()))
        .collect();
    assert_eq!(got, expected, "{case}: sub-properties of {}", p.name());
}

fn sections<'a>(
    case: &str,
    it: impl Iterator<Item = &'a Section>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    it.map(|s| {
        let props = s
            .properties()
            .map(|p| {
                check_structure(case, p);
                (p.name().to_owned(), p.value().to_owned())
            })
            .collect();
        (s.name().to_owned(), props)
    })
    .collect()
}

fn expected(v: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let Some(o) = v.as_object() else {
        return BTreeMap::new();
    };
    o.iter()
        .map(|(name, props)| {
            let props = props
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            (name.clone(), props)
        })
        .collect()
}

#[test]
fn profile_parser_suite() {
    let suite = load("profile-parser/profile-parser-tests.json");
    let mut ran = 0;
    for t in suite["tests"].as_array().unwrap() {
        let case = t["name"].as_str().unwrap();
        let config = t["input"]["configFile"].as_str().unwrap_or("");
        let credentials = t["input"]["credentialsFile"].as_str().unwrap_or("");
        let result = ProfileSet::parse("config", config, "credentials", credentials);
        let output = &t["output"];
        if let Some(fragment) = output["errorContaining"].as_str() {
            let err = result
                .err()
                .unwrap_or_else(|| panic!("{case}: expected an error"));
            assert!(err.is_parse(), "{case}: {err}");
            assert!(
                err.to_string().contains(fragment),
                "{case}: {err} lacks {fragment:?}"
            );
            assert!(err.line().is_some(), "{case}: the error must carry a line");
            let file = err.file().unwrap();
            assert!(file == "config" || file == "credentials", "{case}: {file}");
        } else {
            let set = result.unwrap_or_else(|e| panic!("{case}: {e}"));
            let config = &output["config"];
            assert_eq!(
                sections(case, set.profiles()),
                expected(&config["profiles"]),
                "{case}"
            );
            assert_eq!(
                sections(case, set.sso_sessions()),
                expected(&config["sso_sessions"]),
                "{case}"
            );
        }
        ran += 1;
    }
    assert_eq!(ran, CASES, "every case of the suite runs");
}
