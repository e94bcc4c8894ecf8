//! botocore's configured-endpoint-URL suite (`data/configured-endpoint-urls/`), through
//! `Settings::endpoint_url`.

use serde_json::Value;
use session_core::{Env, Session};

use crate::support::{load, text, vars};

const CASES: usize = 39;

/// Writes the suite's profiles and services as a config file.
fn config_file(suite: &Value) -> String {
    let mut out = String::new();
    for (name, props) in suite["profiles"].as_object().unwrap() {
        out.push_str(&format!("[profile {name}]\n"));
        for (k, v) in props.as_object().unwrap() {
            out.push_str(&format!("{k} = {}\n", text(v)));
        }
    }
    for (name, services) in suite["services"].as_object().unwrap() {
        out.push_str(&format!("[services {name}]\n"));
        for (service, props) in services.as_object().unwrap() {
            out.push_str(&format!("{service} =\n"));
            for (k, v) in props.as_object().unwrap() {
                out.push_str(&format!("  {k} = {}\n", text(v)));
            }
        }
    }
    out
}

#[test]
fn configured_endpoint_url_suite() {
    let doc = load("configured-endpoint-urls/profile-tests.json");
    let mut ran = 0;
    for suite in doc["testSuites"].as_array().unwrap() {
        let config = config_file(suite);
        for t in suite["endpointUrlTests"].as_array().unwrap() {
            let case = t["name"].as_str().unwrap();
            let env = vars(&suite["environments"][t["environment"].as_str().unwrap()]);
            let mut builder = Session::builder()
                .env(Env::from_vars(env))
                .config_file_contents(config.clone())
                .credentials_file_contents("")
                .profile(t["profile"].as_str().unwrap());
            let client_config = &suite["client_configs"][t["client_config"].as_str().unwrap()];
            for (k, v) in client_config.as_object().unwrap() {
                builder = builder.setting(k.as_str(), text(v));
            }
            let session = builder.build().unwrap_or_else(|e| panic!("{case}: {e}"));
            let service = t["service"].as_str().unwrap();
            let expected = t["output"]["endpointUrl"].as_str().unwrap();
            match session.settings().endpoint_url(service) {
                Some(url) => assert_eq!(url.value().as_str(), Some(expected), "{case}"),
                None => {
                    // No configured URL: the service's endpoint rules decide, and for these
                    // cases they give the standard regional endpoint.
                    let region = session.region().expect("suite profiles set a region");
                    assert_eq!(
                        expected,
                        format!("https://{service}.{region}.amazonaws.com"),
                        "{case}: a configured URL was expected"
                    );
                }
            }
            ran += 1;
        }
    }
    assert_eq!(ran, CASES);
}
