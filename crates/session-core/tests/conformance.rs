//! Public test vectors run through the public API: the cross-SDK profile parser and file
//! location suites, and botocore's configured-endpoint-URL suite. Sources in `data/NOTICE`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use serde_json::Value;
use session_core::profile::{ProfileSet, Section};
use session_core::{Env, Fs, Session};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn section_map(section: &Section) -> BTreeMap<String, String> {
    section
        .properties()
        .map(|p| (p.name().to_owned(), p.value().to_owned()))
        .collect()
}

fn expected_map(v: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    v.as_object()
        .map(|o| {
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
        })
        .unwrap_or_default()
}

#[test]
fn profile_parser_suite() {
    let suite = load("profile-parser-tests.json");
    let tests = suite["tests"].as_array().unwrap();
    let mut ran = 0;
    for t in tests {
        let name = t["name"].as_str().unwrap();
        let config = t["input"]["configFile"].as_str().unwrap_or("");
        let credentials = t["input"]["credentialsFile"].as_str().unwrap_or("");
        let result = ProfileSet::parse("config", config, "credentials", credentials);
        let output = &t["output"];
        if let Some(fragment) = output["errorContaining"].as_str() {
            let err = result
                .err()
                .unwrap_or_else(|| panic!("{name}: expected an error"));
            assert!(
                err.to_string().contains(fragment),
                "{name}: {err} lacks {fragment:?}"
            );
            assert!(err.line().is_some(), "{name}: error must carry a line");
        } else {
            let set = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            let profiles: BTreeMap<_, _> = set
                .profiles()
                .map(|s| (s.name().to_owned(), section_map(s)))
                .collect();
            assert_eq!(
                profiles,
                expected_map(&output["config"]["profiles"]),
                "{name}"
            );
            let sso: BTreeMap<_, _> = set
                .sso_sessions()
                .map(|s| (s.name().to_owned(), section_map(s)))
                .collect();
            assert_eq!(
                sso,
                expected_map(&output["config"]["sso_sessions"]),
                "{name}"
            );
        }
        ran += 1;
    }
    assert_eq!(ran, 65, "every case of the suite runs");
}

#[test]
fn file_location_suite_linux_cases() {
    let suite = load("file-location-tests.json");
    let mut ran = 0;
    for t in suite["tests"].as_array().unwrap() {
        // Windows cases need USERPROFILE/HOMEDRIVE rules and `\` paths; this library
        // targets Unix-like hosts first (see docs/configuration.md).
        if t["platform"] != "linux" {
            continue;
        }
        let name = t["name"].as_str().unwrap();
        let env: Vec<(String, String)> = t["environment"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let profile = t["profile"].as_str().unwrap_or("default");
        let fs = Fs::from_files([
            (
                t["configLocation"].as_str().unwrap().to_owned(),
                format!("[profile {profile}]\n[profile in_config]\n"),
            ),
            (
                t["credentialsLocation"].as_str().unwrap().to_owned(),
                "[in_credentials]\n".to_owned(),
            ),
        ]);
        let session = Session::builder()
            .env(Env::from_vars(env))
            .fs(fs)
            .build()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let names = session.available_profiles();
        assert!(
            names.contains(&"in_config"),
            "{name}: config file not read from its location"
        );
        assert!(
            names.contains(&"in_credentials"),
            "{name}: credentials file not read"
        );
        assert_eq!(session.profile_name(), profile, "{name}");
        ran += 1;
    }
    assert_eq!(ran, 4);
}

fn ini_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Writes the suite's profiles and services as a config file.
fn config_file(suite: &Value) -> String {
    let mut out = String::new();
    for (name, props) in suite["profiles"].as_object().unwrap() {
        out.push_str(&format!("[profile {name}]\n"));
        for (k, v) in props.as_object().unwrap() {
            out.push_str(&format!("{k} = {}\n", ini_value(v)));
        }
    }
    for (name, services) in suite["services"].as_object().unwrap() {
        out.push_str(&format!("[services {name}]\n"));
        for (service, props) in services.as_object().unwrap() {
            out.push_str(&format!("{service} =\n"));
            for (k, v) in props.as_object().unwrap() {
                out.push_str(&format!("  {k} = {}\n", ini_value(v)));
            }
        }
    }
    out
}

#[test]
fn configured_endpoint_url_suite() {
    let doc = load("configured-endpoint-urls.json");
    let mut ran = 0;
    for suite in doc["testSuites"].as_array().unwrap() {
        let config = config_file(suite);
        for t in suite["endpointUrlTests"].as_array().unwrap() {
            let name = t["name"].as_str().unwrap();
            let env: Vec<(String, String)> = suite["environments"]
                [t["environment"].as_str().unwrap()]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), ini_value(v)))
            .collect();
            let mut builder = Session::builder()
                .env(Env::from_vars(env))
                .config_file_contents(config.clone())
                .credentials_file_contents("")
                .profile(t["profile"].as_str().unwrap());
            let client_config = &suite["client_configs"][t["client_config"].as_str().unwrap()];
            for (k, v) in client_config.as_object().unwrap() {
                builder = builder.setting(k.as_str(), ini_value(v));
            }
            let session = builder.build().unwrap_or_else(|e| panic!("{name}: {e}"));
            let service = t["service"].as_str().unwrap();
            let expected = t["output"]["endpointUrl"].as_str().unwrap();
            match session.settings().endpoint_url(service) {
                Some(url) => assert_eq!(url.value().as_str(), Some(expected), "{name}"),
                None => {
                    // No configured URL: the service's endpoint rules decide, and for these
                    // cases they give the standard regional endpoint.
                    let region = session.region().expect("suite profiles set a region");
                    assert_eq!(
                        expected,
                        format!("https://{service}.{region}.amazonaws.com"),
                        "{name}: a configured URL was expected"
                    );
                }
            }
            ran += 1;
        }
    }
    assert_eq!(ran, 39);
}
