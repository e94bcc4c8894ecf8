//! The container credentials URI cases (`data/ecs/`), through
//! `credentials::container_credentials_uri`.

use session_core::credentials::container_credentials_uri;

use crate::support::{env_of, load, vars, Failure, Ours, Wording};

const CASES: usize = 11;

/// Listed in docs/credentials.md.
const WORDING: &[(&str, Ours)] = &[(
    "No environment variables were set to configure ECS provider",
    Ours::NotConfigured,
)];

#[test]
fn container_suite() {
    let suite = load("ecs/ecs-tests.json");
    let wording = Wording::new(WORDING);
    let mut ran = 0;
    for t in suite["tests"].as_array().unwrap() {
        let case = t["docs"].as_str().unwrap();
        let result = container_credentials_uri(&env_of(&t["env"]));
        match (
            t["result"]["Ok"].as_str(),
            t["result"]["ErrorContains"].as_str(),
        ) {
            (Some(url), None) => {
                assert_eq!(
                    result.unwrap_or_else(|e| panic!("{case}: {e}")),
                    url,
                    "{case}"
                );
            }
            (None, Some(expected)) => {
                let e = result.expect_err(case);
                wording.check(case, expected, &Failure::from(&e));
                // A bad URL names the variable that holds it.
                if !e.is_not_configured() {
                    let named = vars(&t["env"])
                        .iter()
                        .any(|(var, _)| e.to_string().contains(var));
                    assert!(named, "{case}: {e} names no variable");
                }
            }
            other => panic!("{case}: unknown result {other:?}"),
        }
        ran += 1;
    }
    assert_eq!(ran, CASES, "every case of the suite runs");
    wording.all_used("ecs");
}
