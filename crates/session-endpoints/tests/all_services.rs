//! Every service's endpoint rule set, from the model pack (`session_models`, all 429
//! services of botocore 1.43.67), compiled with `RuleSet::from_json` and run against
//! all of botocore's endpoint test cases for it (`tests/data/endpoint-tests-all.json.gz`,
//! from botocore's tests/functional/endpoint-rules/): parameters in; the URL, headers and
//! properties, or the error message, out. This is botocore's own provider test
//! (tests/functional/test_endpoint_rulesets.py): `operationInputs`, which only say how an
//! SDK derives built-in parameters from an operation call, are not used.
//!
//! Each rule set also goes through `RuleSet::to_bytes` and `RuleSet::from_bytes` (the form
//! the service crates embed), and every case runs against the decoded copy as well.
//!
//! With `--nocapture` it prints each service's pass count and how long compiling the rule
//! sets took, and how long loading the bytes took, best of three per service (figures, not
//! assertions).

use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use session_endpoints::{Document, Params, RuleSet};
use session_models::Pack;

const SUITES: &[u8] = include_bytes!("data/endpoint-tests-all.json.gz");

fn suites() -> BTreeMap<String, Json> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(SUITES)
        .read_to_string(&mut text)
        .expect("the test cases decompress");
    serde_json::from_str(&text).expect("the test cases are JSON")
}

#[test]
fn every_service_resolves_every_case() {
    let pack = Pack::embedded();
    let suites = suites();
    let services: Vec<&str> = pack.services().map(|s| s.name()).collect();
    let with_tests: Vec<&str> = suites.keys().map(String::as_str).collect();
    assert_eq!(services, with_tests, "a suite for each service of the pack");

    let mut compile_times = Vec::new();
    let mut load_times = Vec::new();
    let mut failures = Vec::new();
    let mut report = Vec::new();
    let mut total = 0;
    for (service, suite) in &suites {
        let json = pack
            .service(service)
            .and_then(|s| s.endpoint_rule_set())
            .expect("the pack reads")
            .expect("every service has a rule set");
        let rules = match RuleSet::from_json(&json) {
            Ok(rules) => rules,
            Err(err) => {
                failures.push(format!("{service}: rule set does not compile: {err}"));
                continue;
            }
        };
        let bytes = rules.to_bytes();
        let decoded = match RuleSet::from_bytes(bytes.clone()) {
            Ok(decoded) => decoded,
            Err(err) => {
                failures.push(format!("{service}: its bytes do not load: {err}"));
                continue;
            }
        };
        if decoded.to_bytes() != bytes {
            failures.push(format!(
                "{service}: decoding and encoding again changes the bytes"
            ));
        }
        compile_times.push((
            best_of_three(|| drop(RuleSet::from_json(&json))),
            service.as_str(),
            json.len(),
        ));
        load_times.push((
            best_of_three(|| drop(RuleSet::from_bytes(bytes.clone()))),
            service.as_str(),
            bytes.len(),
        ));
        let cases = suite["testCases"].as_array().expect("testCases");
        let mut passed = 0;
        for (i, case) in cases.iter().enumerate() {
            let outcomes = [
                ("", run_case(&rules, case)),
                (" (decoded from bytes)", run_case(&decoded, case)),
            ];
            let mut all_ok = true;
            for (how, outcome) in outcomes {
                if let Err(why) = outcome {
                    let doc = case["documentation"].as_str().unwrap_or("");
                    failures.push(format!("{service} case {i}{how} ({doc}): {why}"));
                    all_ok = false;
                }
            }
            passed += usize::from(all_ok);
        }
        total += cases.len();
        report.push(format!("{service} {passed}/{}", cases.len()));
    }

    eprintln!("{}", report.join(", "));
    print_times("RuleSet::from_json", &mut compile_times);
    print_times("RuleSet::from_bytes", &mut load_times);
    for failure in &failures {
        eprintln!("{failure}");
    }
    assert_eq!(total, 14_027, "number of cases in botocore 1.43.67");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed (listed above)",
        failures.len()
    );
}

/// The best of three runs of `load`: on a shared machine one run can be preempted.
fn best_of_three(mut load: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            load();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn print_times(what: &str, times: &mut [(Duration, &str, usize)]) {
    times.sort();
    if times.is_empty() {
        return;
    }
    let median = times[times.len() / 2].0;
    let sum: Duration = times.iter().map(|t| t.0).sum();
    let slowest: Vec<String> = times
        .iter()
        .rev()
        .take(3)
        .map(|(took, service, size)| format!("{service} {took:?} ({size} bytes)"))
        .collect();
    eprintln!(
        "{what} over {} services: median {median:?}, total {sum:?}; slowest: {}",
        times.len(),
        slowest.join(", ")
    );
}

/// One case, compared as botocore's provider test compares it.
fn run_case(rules: &RuleSet, case: &Json) -> Result<(), String> {
    let params = params(case.get("params"))?;
    let expect = &case["expect"];
    match (
        expect.get("endpoint"),
        expect.get("error"),
        rules.resolve(&params),
    ) {
        (Some(want), None, Ok(got)) => {
            let want_url = want["url"].as_str().ok_or("expected URL is not a string")?;
            if got.url() != want_url {
                return Err(format!("url {:?}, expected {want_url:?}", got.url()));
            }
            let got_headers: serde_json::Map<String, Json> = got
                .headers()
                .iter()
                .map(|(k, v)| (k.clone(), Json::from(v.clone())))
                .collect();
            compare("headers", Json::Object(got_headers), want.get("headers"))?;
            let got_props: serde_json::Map<String, Json> = got
                .properties()
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect();
            compare(
                "properties",
                Json::Object(got_props),
                want.get("properties"),
            )
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

/// `got` against the expected object, absent meaning empty (as botocore's `.get(k, {})`).
fn compare(what: &str, got: Json, want: Option<&Json>) -> Result<(), String> {
    let want = want.cloned().unwrap_or(Json::Object(Default::default()));
    if got == want {
        Ok(())
    } else {
        Err(format!("{what} {got}, expected {want}"))
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

/// Properties as JSON; whole numbers as integers, as the expected JSON writes them.
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
