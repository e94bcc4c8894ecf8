//! botocore's endpoint test cases that name an operation call (`operationInputs`): the
//! call's built-in settings become the session's, its parameters the call's input, and the
//! request a dry run signs must go to the case's URL, signed for its scope; an error case
//! must fail with its message. The rule-level cases run in session-endpoints
//! (`tests/all_services.rs`); these check what an SDK adds around the rules: built-ins from
//! settings, context and static parameters from the operation (DynamoDB's
//! `operationContextParams`, JMESPath over the input, among them), the bucket in the host.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::Value as Json;
use session_core::{Env, Session};
use session_dynamic::{DynClient, Value};

const SUITES: &[u8] =
    include_bytes!("../../session-endpoints/tests/data/endpoint-tests-all.json.gz");

fn suites() -> BTreeMap<String, Json> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(SUITES)
        .read_to_string(&mut text)
        .expect("the test cases decompress");
    serde_json::from_str(&text).expect("the test cases are JSON")
}

/// The session an SDK would have for `builtins` (botocore's names for the settings).
fn session(builtins: &serde_json::Map<String, Json>) -> Result<Session, String> {
    let region = builtins
        .get("AWS::Region")
        .and_then(Json::as_str)
        .unwrap_or("us-east-1");
    let mut b = Session::builder()
        .env(Env::from_vars([("AWS_REGION", region)]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDENDPOINTTEST")
        .secret_access_key("endpoint-test-secret");
    let on_off = |v: bool| if v { "true" } else { "false" };
    for (name, value) in builtins {
        b = match (name.as_str(), value) {
            ("AWS::Region", _) => b,
            ("AWS::UseFIPS", Json::Bool(v)) => b.setting("use_fips_endpoint", on_off(*v)),
            ("AWS::UseDualStack", Json::Bool(v)) => b.setting("use_dualstack_endpoint", on_off(*v)),
            ("SDK::Endpoint", Json::String(url)) => b.setting("endpoint_url", url.as_str()),
            ("AWS::S3::ForcePathStyle", Json::Bool(v)) => {
                b.setting("s3.addressing_style", if *v { "path" } else { "auto" })
            }
            ("AWS::S3::Accelerate", Json::Bool(v)) => {
                b.setting("s3.use_accelerate_endpoint", on_off(*v))
            }
            ("AWS::S3::UseArnRegion" | "AWS::S3Control::UseArnRegion", Json::Bool(v)) => {
                b.setting("s3.use_arn_region", on_off(*v))
            }
            ("AWS::S3::DisableMultiRegionAccessPoints", Json::Bool(v)) => {
                b.setting("s3.disable_multiregion_access_points", on_off(*v))
            }
            ("AWS::S3::UseGlobalEndpoint", Json::Bool(v)) => b.setting(
                "s3.us_east_1_regional_endpoint",
                if *v { "legacy" } else { "regional" },
            ),
            ("AWS::STS::UseGlobalEndpoint", Json::Bool(v)) => b.setting(
                "sts_regional_endpoints",
                if *v { "legacy" } else { "regional" },
            ),
            ("AWS::Auth::AccountIdEndpointMode", Json::String(m)) => {
                b.setting("account_id_endpoint_mode", m.as_str())
            }
            ("AWS::Auth::AccountId", Json::String(id)) => b.setting("aws_account_id", id.as_str()),
            (other, v) => return Err(format!("built-in {other} = {v} has no setting here")),
        };
    }
    b.build().map_err(|e| format!("session: {e}"))
}

/// The region and service of a SigV4 `Authorization` header's scope.
fn scope(authorization: &str) -> Option<(String, String)> {
    let credential = authorization.split("Credential=").nth(1)?;
    let mut parts = credential.split(',').next()?.split('/');
    let (_key, _date) = (parts.next()?, parts.next()?);
    Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
}

async fn run(service: &str, case: &Json, input: &Json) -> Result<(), String> {
    let builtins = input["builtInParams"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let session = session(&builtins)?;
    // botocore runs these cases with `inject_host_prefix=False`: the rules' URLs already
    // name the host (S3 Control's account, outposts), and the cases say nothing of the
    // operation's own prefix.
    let client = DynClient::builder(&session, service)
        .models(support::pack())
        .configure(|b| b.host_prefix(false))
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let op = input["operationName"].as_str().unwrap_or_default();
    let params = Value::from_json(&input["operationParams"]);
    let signed = client.dry_run(op, params).await;
    let expect = &case["expect"];
    if let Some(message) = expect["error"].as_str() {
        return match signed {
            Ok(req) => Err(format!(
                "{op}: expected the error {message:?}, sent to {}",
                req.url
            )),
            Err(e) if e.to_string().contains(message) => Ok(()),
            Err(e) => Err(format!("{op}: expected the error {message:?}, got: {e}")),
        };
    }
    let req = signed.map_err(|e| format!("{op}: {e}"))?;
    let url = expect["endpoint"]["url"].as_str().unwrap_or_default();
    let prefix = url.trim_end_matches('/');
    let rest = req
        .url
        .strip_prefix(prefix)
        .ok_or_else(|| format!("{op}: sent to {} where the endpoint is {url}", req.url))?;
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
        return Err(format!(
            "{op}: sent to {} where the endpoint is {url}",
            req.url
        ));
    }
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let Some(scheme) = expect["endpoint"]["properties"]["authSchemes"].get(0) else {
        return Ok(());
    };
    let name = scheme["name"].as_str().unwrap_or_default();
    let auth = header("authorization").unwrap_or_default();
    match name {
        "sigv4" | "sigv4-s3express" => {
            let Some((region, signing_name)) = scope(auth) else {
                return Err(format!("{op}: not signed with SigV4: {auth:?}"));
            };
            let want_region = scheme["signingRegion"].as_str().unwrap_or_default();
            let want_name = scheme["signingName"].as_str().unwrap_or_default();
            if (region.as_str(), signing_name.as_str()) != (want_region, want_name) {
                return Err(format!(
                    "{op}: signed for {region}/{signing_name}, the case says {want_region}/{want_name}"
                ));
            }
        }
        "sigv4a" => {
            let want: Vec<&str> = scheme["signingRegionSet"]
                .as_array()
                .map(|a| a.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let got = header("x-amz-region-set").unwrap_or_default();
            if got != want.join(",") {
                return Err(format!(
                    "{op}: SigV4a region set {got:?}, the case says {want:?}"
                ));
            }
        }
        other => return Err(format!("{op}: auth scheme {other} not checked")),
    }
    Ok(())
}

#[test]
fn operation_calls_go_where_botocore_sends_them() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut total = 0;
    let mut passed = 0;
    for (service, suite) in suites() {
        for (i, case) in suite["testCases"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            for input in case["operationInputs"].as_array().into_iter().flatten() {
                total += 1;
                match rt.block_on(run(&service, case, input)) {
                    Ok(()) => passed += 1,
                    Err(e) => failures.entry(service.clone()).or_default().push(format!(
                        "case {i} ({}): {e}",
                        case["documentation"].as_str().unwrap_or_default()
                    )),
                }
            }
        }
    }
    // What is known to differ, and why; anything else fails the test, and so does a known
    // difference that went away (update the counts).
    let mut known = BTreeMap::new();
    for (service, list) in &mut failures {
        list.retain(|f| match known_difference(service, f) {
            Some(why) => {
                *known.entry(why).or_insert(0) += 1;
                false
            }
            None => true,
        });
    }
    failures.retain(|_, list| !list.is_empty());
    let mut report = format!("{passed} of {total} operation calls pass\n");
    for (why, n) in &known {
        report.push_str(&format!("known ({n}): {why}\n"));
    }
    for (service, list) in &failures {
        report.push_str(&format!("{service}: {} fail\n", list.len()));
        for f in list.iter().take(400) {
            report.push_str(&format!("  {f}\n"));
        }
    }
    println!("{report}");
    assert!(total >= 690, "{total} cases: the suite lost some");
    assert!(failures.is_empty(), "{report}");
    assert_eq!(known.get(S3CONTROL_ARN_REGION), Some(&14), "{report}");
    assert_eq!(known.len(), 1, "{report}");
}

/// botocore's runner replaces the built-ins with the case's, so a case that leaves
/// `AWS::S3Control::UseArnRegion` out runs with it absent; a botocore client (and this one)
/// passes `false` when it is unset, and refuses an ARN in another region.
const S3CONTROL_ARN_REGION: &str =
    "S3 Control's UseArnRegion defaults to false (the case leaves it absent)";

fn known_difference(service: &str, failure: &str) -> Option<&'static str> {
    if service == "s3control" && failure.contains("and UseArnRegion is `false`") {
        return Some(S3CONTROL_ARN_REGION);
    }
    None
}
