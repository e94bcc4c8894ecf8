//! `session endpoint S`: why does my request go there?

use serde_json::{json, Map, Value};
use session_endpoints::{Document, ParamValue, ParameterType, RuleSet};

use crate::args::Args;
use crate::commands::{session, to_json, Failure};

/// (service id, rule set, region used when none is configured)
fn service(name: &str) -> Option<(&'static str, &'static RuleSet, Option<&'static str>)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "s3" => (
            "S3",
            services_s3::INFO.endpoint_rules.get(),
            Some("us-east-1"),
        ),
        "sqs" => ("SQS", services_sqs::INFO.endpoint_rules.get(), None),
        "sts" => (
            "STS",
            services_sts::INFO.endpoint_rules.get(),
            Some("us-east-1"),
        ),
        "dynamodb" => (
            "DynamoDB",
            services_dynamodb::INFO.endpoint_rules.get(),
            None,
        ),
        _ => return None,
    })
}

fn document(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => json!(b),
        Document::Number(n) => json!(n),
        Document::String(s) => json!(s),
        Document::Array(a) => Value::Array(a.iter().map(document).collect()),
        Document::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), document(v))).collect())
        }
        // Document is non-exhaustive.
        #[allow(unreachable_patterns)]
        _ => Value::Null,
    }
}

pub(crate) fn run(args: &Args, name: &str) -> Result<String, Failure> {
    let fail = |message: String| Failure { code: 1, message };
    let (service_id, rules, region_when_unset) = service(name).ok_or_else(|| Failure {
        code: 2,
        message: format!("unknown service {name:?} (s3, sqs, sts, dynamodb)"),
    })?;
    let session = session(args)?;
    let region = args
        .region
        .as_deref()
        .or(session.region())
        .or(region_when_unset);
    if let Some(r) = region.filter(|r| !session_core::settings::is_valid_region(r)) {
        return Err(fail(format!(
            "invalid region {r:?}: only letters, digits and '-'"
        )));
    }
    let mut params = session_tower::endpoint::base_params(rules, &session, service_id, region);
    if let Some(r) = &args.region {
        params.set("Region".to_owned(), ParamValue::String(r.clone()));
    }
    for (k, v) in &args.params {
        let p = rules.parameter(k).ok_or_else(|| {
            fail(format!(
                "{service_id} endpoint rules have no parameter {k:?}"
            ))
        })?;
        let value = match p.kind() {
            ParameterType::Boolean => match v.to_ascii_lowercase().as_str() {
                "true" => ParamValue::Bool(true),
                "false" => ParamValue::Bool(false),
                _ => return Err(fail(format!("parameter {k} needs true or false"))),
            },
            ParameterType::StringArray => {
                ParamValue::StringArray(v.split(',').map(str::to_owned).collect())
            }
            _ => ParamValue::String(v.clone()),
        };
        params.set(k.clone(), value);
    }
    let endpoint = rules.resolve(&params).map_err(|e| fail(e.to_string()))?;
    let headers: Map<String, Value> = endpoint
        .headers()
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let properties: Map<String, Value> = endpoint
        .properties()
        .iter()
        .map(|(k, v)| (k.clone(), document(v)))
        .collect();
    let out = json!({ "url": endpoint.url(), "headers": headers, "properties": properties });
    if args.json {
        return Ok(to_json(&out));
    }
    let mut text = format!("{}\n", endpoint.url());
    for (k, v) in endpoint.headers() {
        text.push_str(&format!("header {k}: {}\n", v.join(", ")));
    }
    for scheme in endpoint.auth_schemes() {
        text.push_str(&format!(
            "auth {} signing name {} region {}\n",
            scheme.name(),
            scheme.signing_name().unwrap_or("-"),
            scheme.signing_region().unwrap_or("-")
        ));
    }
    Ok(text)
}
