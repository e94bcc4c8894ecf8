//! Every case of the AWS SDKs' shared endpoint test suites (`tests/data/<service>/
//! endpoint-tests-1.json`, from botocore) through the public API.

mod support;

use serde_json::Value as Json;
use session_endpoints::{Document, Params, RuleSet};

/// Runs one suite and returns (cases run, failure descriptions).
fn run_suite(service: &str, rules: &RuleSet) -> (usize, Vec<String>) {
    let path = format!(
        "{}/tests/data/{service}/endpoint-tests-1.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("suite file is readable");
    let suite: Json = serde_json::from_str(&text).expect("suite file is JSON");
    let cases = suite["testCases"].as_array().expect("suite has testCases");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let doc = case["documentation"].as_str().unwrap_or("");
        if let Err(why) = run_case(rules, case) {
            failures.push(format!("{service} case {i} ({doc}): {why}"));
        }
    }
    (cases.len(), failures)
}

fn run_case(rules: &RuleSet, case: &Json) -> Result<(), String> {
    // `operationInputs` only says how SDKs derive builtins; `params` is the input.
    let params = params(case.get("params"))?;
    let expect = &case["expect"];
    let result = rules.resolve(&params);
    match (expect.get("endpoint"), expect.get("error"), result) {
        (Some(want), None, Ok(got)) => {
            let want_url = want["url"].as_str().ok_or("expected URL is not a string")?;
            if got.url() != want_url {
                return Err(format!("url {:?}, expected {want_url:?}", got.url()));
            }
            let want_headers = want
                .get("headers")
                .cloned()
                .unwrap_or(Json::Object(Default::default()));
            let got_headers = Json::Object(
                got.headers()
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::from(v.clone())))
                    .collect(),
            );
            if got_headers != want_headers {
                return Err(format!("headers {got_headers}, expected {want_headers}"));
            }
            let want_props = want
                .get("properties")
                .cloned()
                .unwrap_or(Json::Object(Default::default()));
            let got_props = Json::Object(
                got.properties()
                    .iter()
                    .map(|(k, v)| (k.clone(), to_json(v)))
                    .collect(),
            );
            if got_props != want_props {
                return Err(format!("properties {got_props}, expected {want_props}"));
            }
            Ok(())
        }
        (None, Some(want), Err(got)) => {
            let want = want.as_str().ok_or("expected error is not a string")?;
            if got.to_string() != want || !got.is_rule_error() {
                return Err(format!(
                    "error {:?} (rule error: {}), expected {want:?}",
                    got.to_string(),
                    got.is_rule_error()
                ));
            }
            Ok(())
        }
        (_, _, Ok(got)) => Err(format!("resolved to {:?}, expected {expect}", got.url())),
        (_, _, Err(got)) => Err(format!("failed with {got:?}, expected {expect}")),
    }
}

fn params(json: Option<&Json>) -> Result<Params, String> {
    let mut params = Params::new();
    let Some(map) = json else { return Ok(params) };
    for (name, value) in map.as_object().ok_or("params is not an object")? {
        params = match value {
            Json::String(s) => params.str(name.clone(), s.clone()),
            Json::Bool(b) => params.bool(name.clone(), *b),
            Json::Array(items) => params.str_array(
                name.clone(),
                items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or("array parameter with non-strings")?,
            ),
            other => return Err(format!("unsupported parameter value {other}")),
        };
    }
    Ok(params)
}

fn to_json(doc: &Document) -> Json {
    match doc {
        Document::Null => Json::Null,
        Document::Bool(b) => Json::Bool(*b),
        Document::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Json::from(*n as i64),
        Document::Number(n) => Json::from(*n),
        Document::String(s) => Json::String(s.clone()),
        Document::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Document::Object(map) => {
            Json::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn check(service: &str, rules: &RuleSet, expected_cases: usize) {
    let (count, failures) = run_suite(service, rules);
    for failure in &failures {
        eprintln!("{failure}");
    }
    assert_eq!(
        count, expected_cases,
        "{service}: number of cases in the suite"
    );
    assert!(
        failures.is_empty(),
        "{service}: {} of {count} cases failed (listed above)",
        failures.len()
    );
}

#[test]
fn s3_suite() {
    check("s3", support::s3(), 393);
}

#[test]
fn sqs_suite() {
    check("sqs", support::sqs(), 48);
}

#[test]
fn sts_suite() {
    check("sts", support::sts(), 69);
}

#[test]
fn dynamodb_rule_set_compiles() {
    let rules = support::dynamodb();
    assert!(rules.parameter("ResourceArnList").is_some());
}
