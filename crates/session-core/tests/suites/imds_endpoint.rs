//! The instance metadata endpoint cases (`data/imds-config/`), through
//! `credentials::imds_endpoint` on a session built from the case's environment and files.

use session_core::credentials::imds_endpoint;
use session_core::{Fs, Session};

use crate::support::{env_of, load, Failure, Ours, Wording};

const CASES: usize = 14;

/// The suite gives the URL of the IMDSv2 token request; the endpoint is what the session
/// resolves (the provider in session-tower appends this path).
const TOKEN_PATH: &str = "/latest/api/token";

/// Bad values fail the session build, naming the setting and the value. Listed in
/// docs/configuration.md.
const WORDING: &[(&str, Ours)] = &[
    (
        "`error` is not a valid endpoint mode",
        Ours::Text("invalid value \"error\" for ec2_metadata_service_endpoint_mode"),
    ),
    (
        "`IPv7` is not a valid endpoint mode",
        Ours::Text("invalid value \"IPv7\" for ec2_metadata_service_endpoint_mode"),
    ),
    (
        "invalid uri character",
        Ours::Text("invalid value \"not a uri\" for ec2_metadata_service_endpoint"),
    ),
];

#[test]
fn imds_endpoint_suite() {
    let suite = load("imds-config/imds-endpoint-tests.json");
    let wording = Wording::new(WORDING);
    let mut ran = 0;
    for t in suite["tests"].as_array().unwrap() {
        let case = t["docs"].as_str().unwrap();
        let files = t["fs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(path, text)| (path.clone(), text.as_str().unwrap().to_owned()));
        let mut builder = Session::builder()
            .env(env_of(&t["env"]))
            .fs(Fs::from_files(files));
        // The client's own settings: explicit, above every other layer.
        if let Some(endpoint) = t["endpoint_override"].as_str() {
            builder = builder.setting("ec2_metadata_service_endpoint", endpoint);
        }
        if let Some(mode) = t["mode_override"].as_str() {
            builder = builder.setting("ec2_metadata_service_endpoint_mode", mode);
        }
        let result = builder.build();
        match (t["result"]["Ok"].as_str(), t["result"]["Err"].as_str()) {
            (Some(url), None) => {
                let session = result.unwrap_or_else(|e| panic!("{case}: {e}"));
                let expected = url.strip_suffix(TOKEN_PATH).unwrap();
                let got = imds_endpoint(&session).expect(case);
                assert_eq!(got.trim_end_matches('/'), expected, "{case}");
            }
            (None, Some(expected)) => {
                let e = result
                    .err()
                    .unwrap_or_else(|| panic!("{case}: expected an error"));
                assert!(e.is_invalid_setting(), "{case}: {e}");
                wording.check(case, expected, &Failure::from(&e));
            }
            other => panic!("{case}: unknown result {other:?}"),
        }
        ran += 1;
    }
    assert_eq!(ran, CASES, "every case of the suite runs");
    wording.all_used("imds-config");
}
