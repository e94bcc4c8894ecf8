//! Every protocol suite, run through the dynamic path: each case's model built at run time
//! by `session_runtime::model` (as the dynamic client builds botocore's), its input given
//! as a dynamic `Value`, sent through a real client stack with a capturing transport (see
//! the crate docs), and its answer read back into a `Value`. The typed path runs the
//! generated tests in the other files; both read the same shape tables with the same
//! interpreter.
//!
//! Each suite is one test that runs all its cases and lists every failure at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::BTreeMap;

use protocol_tests::{client, client_with_body, Canned, Expected};
use serde_json::Value as Json;
use session_runtime::shapes::{Operation, OperationFlags, Protocol, Service};
use session_runtime::value::Value;
use session_runtime::wire::eventstream;
use session_runtime::{Blob, Timestamp};

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn pairs(v: &Json) -> &'static [(&'static str, &'static str)] {
    let items: Vec<(&'static str, &'static str)> = v
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (leak(k), leak(v.as_str().unwrap_or_default())))
        .collect();
    Box::leak(items.into_boxed_slice())
}

fn names(v: &Json) -> &'static [&'static str] {
    let items: Vec<&'static str> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(leak)
        .collect();
    Box::leak(items.into_boxed_slice())
}

/// A case's JSON value as the `Value` its shape makes of it: blobs from their text's
/// bytes, timestamps from epoch seconds, floats' specials from their names.
fn value_for(shapes: &Json, shape: &str, v: &Json) -> Value {
    let s = &shapes[shape];
    match (s["type"].as_str().unwrap_or_default(), v) {
        (_, Json::Null) => Value::Null,
        ("structure", Json::Object(o)) if !s["document"].as_bool().unwrap_or(false) => Value::Map(
            o.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let member = s["members"][k]["shape"].as_str().unwrap_or_default();
                    (k.clone(), value_for(shapes, member, v))
                })
                .collect(),
        ),
        // An event stream: the events, each a one-member union.
        ("structure", Json::Array(a)) if s["eventstream"].as_bool().unwrap_or(false) => {
            Value::List(a.iter().map(|v| value_for(shapes, shape, v)).collect())
        }
        ("list", Json::Array(a)) => {
            let member = s["member"]["shape"].as_str().unwrap_or_default();
            Value::List(a.iter().map(|v| value_for(shapes, member, v)).collect())
        }
        ("map", Json::Object(o)) => {
            let member = s["value"]["shape"].as_str().unwrap_or_default();
            Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), value_for(shapes, member, v)))
                    .collect(),
            )
        }
        ("blob", Json::String(t)) => Value::Blob(Blob::from(t.as_str()).into_bytes()),
        ("timestamp", Json::Number(n)) => {
            Value::Timestamp(Timestamp::from_secs_f64(n.as_f64().unwrap_or_default()).unwrap())
        }
        ("float" | "double", Json::String(t)) => Value::Float(match t.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            _ => f64::NEG_INFINITY,
        }),
        ("float" | "double", Json::Number(n)) => Value::Float(n.as_f64().unwrap_or_default()),
        _ => Value::from_json(v),
    }
}

/// Equality that holds NaN equal to NaN and compares numbers as numbers.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => (x.is_nan() && y.is_nan()) || x == y,
        (Value::Float(_) | Value::Integer(_), Value::Float(_) | Value::Integer(_)) => {
            a.as_f64() == b.as_f64()
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn stack_protocol(p: Protocol) -> session_tower::protocol::Protocol {
    use session_tower::protocol::Protocol as P;
    match p {
        Protocol::Json10 => P::AwsJson1_0,
        Protocol::Json11 => P::AwsJson1_1,
        Protocol::Query => P::AwsQuery,
        Protocol::Ec2 => P::Ec2,
        Protocol::RestXml => P::RestXml,
        Protocol::RestJson => P::RestJson,
        _ => P::RpcV2Cbor,
    }
}

/// The model of one case: the group's metadata and shapes, the case's operation.
fn model(group: &Json, case: &Json) -> Result<&'static Service, String> {
    let name = case["given"]["name"].as_str().unwrap_or("Operation");
    let mut operations = serde_json::Map::new();
    operations.insert(name.to_owned(), case["given"].clone());
    let json = serde_json::json!({
        "metadata": group["metadata"],
        "shapes": group["shapes"],
        "operations": operations,
    });
    session_runtime::model::build("protocoltest", &json.to_string(), &Default::default())
        .map_err(|e| e.to_string())
}

/// The legacy suites check botocore's serializer before its HTTP layer runs, and pin the
/// charset botocore adds to form bodies: a request on the wire needs a `Content-Length`,
/// and the Smithy suites pin the bare media type, which is what we send.
fn legacy_headers(v: &Json) -> &'static [(&'static str, &'static str)] {
    let items: Vec<(&'static str, &'static str)> = pairs(v)
        .iter()
        .map(|(k, v)| {
            let v = if k.eq_ignore_ascii_case("content-type") {
                v.trim_end_matches("; charset=utf-8")
            } else {
                v
            };
            (*k, v)
        })
        .collect();
    Box::leak(items.into_boxed_slice())
}

fn legacy_forbidden(v: &Json) -> &'static [&'static str] {
    let items: Vec<&'static str> = names(v)
        .iter()
        .copied()
        .filter(|h| !h.eq_ignore_ascii_case("content-length"))
        .collect();
    Box::leak(items.into_boxed_slice())
}

/// Why a case fails, or `None`.
async fn run_case(group: &Json, case: &Json, input: bool, legacy: bool) -> Option<String> {
    let service = match model(group, case) {
        Ok(s) => s,
        Err(e) => return Some(format!("model: {e}")),
    };
    let op_name = case["given"]["name"].as_str().unwrap_or_default();
    let op = service.operation(op_name)?;
    let endpoint = group["clientEndpoint"]
        .as_str()
        .unwrap_or("https://example.com");
    let api = leak(
        group["metadata"]["apiVersion"]
            .as_str()
            .unwrap_or("2020-01-01"),
    );
    let protocol = stack_protocol(service.protocol);
    let shapes = &group["shapes"];
    if input {
        let (client, captured) = client(protocol, api, endpoint, Canned::ok_json());
        let params = match case["given"]["input"]["shape"].as_str() {
            Some(shape) => value_for(shapes, shape, case.get("params").unwrap_or(&Json::Null)),
            None => Value::map(),
        };
        let params = if params.is_null() {
            Value::map()
        } else {
            params
        };
        let sent =
            session_runtime::wire::call::call_value(&client, service, op, &params, None).await;
        if let Err(e) = &sent {
            if !e.is_response() && !e.is_service() {
                return Some(format!("not sent: {e}"));
            }
        }
        let s = &case["serialized"];
        let want = Expected {
            method: leak(s["method"].as_str().unwrap_or_default()),
            uri: leak(s["uri"].as_str().unwrap_or("/")),
            host: s["host"].as_str().map(leak),
            headers: if legacy {
                legacy_headers(&s["headers"])
            } else {
                pairs(&s["headers"])
            },
            forbid_headers: if legacy {
                legacy_forbidden(&s["forbidHeaders"])
            } else {
                names(&s["forbidHeaders"])
            },
            require_headers: names(&s["requireHeaders"]),
            body: s["body"].as_str().map(leak),
        };
        return captured.verify(&want).err();
    }
    let r = &case["response"];
    let canned = Canned {
        status: u16::try_from(r["status_code"].as_u64().unwrap_or(200)).unwrap_or(200),
        headers: pairs(&r["headers"]),
        body: leak(r["body"].as_str().unwrap_or_default()),
    };
    if op.flags.has(OperationFlags::EVENT_STREAM_OUTPUT) {
        let target = (protocol, api, endpoint);
        return event_stream_case(case, shapes, service, op, target, canned).await;
    }
    let (client, _captured) = if service.protocol == Protocol::Cbor {
        // CBOR bodies are base64 in the suites, as botocore's runner reads them.
        use base64::Engine as _;
        let body = match base64::engine::general_purpose::STANDARD.decode(canned.body) {
            Ok(b) => bytes::Bytes::from(b),
            Err(e) => return Some(format!("the case's body is not base64: {e}")),
        };
        client_with_body(protocol, api, endpoint, canned, body)
    } else {
        client(protocol, api, endpoint, canned)
    };
    let result =
        session_runtime::wire::call::call_value(&client, service, op, &Value::map(), None).await;
    if let Some(code) = case["errorCode"].as_str() {
        let e = match result {
            Ok((v, _)) => return Some(format!("expected error {code}, got {v:?}")),
            Err(e) => e,
        };
        let Some(se) = e.service_error() else {
            return Some(format!("expected service error {code}, got {e}"));
        };
        if se.code() != Some(code) {
            return Some(format!("error code {:?}, expected {code}", se.code()));
        }
        if let Some(msg) = case["errorMessage"].as_str() {
            if se.message() != Some(msg) {
                return Some(format!(
                    "error message {:?}, expected {msg:?}",
                    se.message()
                ));
            }
        }
        let shape = service
            .shapes
            .iter()
            .position(|s| s.error_code == Some(code) || s.name == code);
        if let (Some(id), Some(want)) = (shape, case.get("error")) {
            let name = service.shapes[id].name;
            let got: Value = session_runtime::wire::response::parse_error(
                service,
                u32::try_from(id).unwrap_or_default(),
                se.status(),
                se.headers(),
                se.body(),
            );
            let want = value_for(shapes, name, want);
            if !same(&got, &want) {
                return Some(format!("error members {got:?}, expected {want:?}"));
            }
        }
        return None;
    }
    let got = match result {
        Ok((v, _)) => v,
        Err(e) => {
            return Some(format!(
                "failed: {e} ({:?})",
                std::error::Error::source(&e).map(ToString::to_string)
            ))
        }
    };
    let want = match case["given"]["output"]["shape"].as_str() {
        Some(shape) => value_for(shapes, shape, case.get("result").unwrap_or(&Json::Null)),
        None => Value::map(),
    };
    let want = if want.is_null() { Value::map() } else { want };
    (!same(&got, &want)).then(|| format!("got {got:?}\n      expected {want:?}"))
}

/// An output case of an event-stream operation: the body (base64 in the legacy suites, as
/// botocore's runner reads it) decoded into events, collected here into a list at the
/// stream member, beside the output's other members, and compared with the case's result.
async fn event_stream_case(
    case: &Json,
    shapes: &Json,
    service: &'static Service,
    op: &'static Operation,
    (protocol, api, endpoint): (session_tower::protocol::Protocol, &'static str, &str),
    canned: Canned,
) -> Option<String> {
    use base64::Engine as _;
    let body = match base64::engine::general_purpose::STANDARD.decode(canned.body) {
        Ok(b) => bytes::Bytes::from(b),
        Err(e) => return Some(format!("the case's body is not base64: {e}")),
    };
    let (client, _captured) = client_with_body(protocol, api, endpoint, canned, body);
    let (mut got, mut events) =
        match eventstream::call_value_events(&client, service, op, &Value::map()).await {
            Ok(answer) => answer,
            Err(e) => return Some(format!("failed: {e}")),
        };
    let mut list = Vec::new();
    loop {
        match events.recv().await {
            Ok(Some(event)) => list.push(event),
            Ok(None) => break,
            Err(e) => {
                return Some(format!(
                    "event {}: {e} ({:?})",
                    list.len(),
                    std::error::Error::source(&e).map(ToString::to_string)
                ))
            }
        }
    }
    let member = eventstream::stream_member(service, op)?;
    if let Value::Map(m) = &mut got {
        m.insert(member.name.to_owned(), Value::List(list));
    }
    let want = match case["given"]["output"]["shape"].as_str() {
        Some(shape) => value_for(shapes, shape, case.get("result").unwrap_or(&Json::Null)),
        None => Value::map(),
    };
    (!same(&got, &want)).then(|| format!("got {got:?}\n      expected {want:?}"))
}

/// Cases of the legacy suites we do not follow (beyond botocore's ignore list), each with
/// the reason; docs/protocols.md ("The legacy suites") lists them too.
const NOT_FOLLOWED: &[(&str, &str, &str)] = &[
    (
        "legacy/input/rest-json.json",
        "List in header",
        "pins `one,two,three` for a list header; the Smithy suites pin `a, b, c`, which we send (both parse alike)",
    ),
    (
        "legacy/input/rest-xml.json",
        "List in header",
        "pins `one,two,three` for a list header; the Smithy suites pin `a, b, c`, which we send (both parse alike)",
    ),
    (
        "legacy/output/rest-json.json",
        "Supports header maps",
        "expects header names in the case the server sent them; HTTP header names are case-insensitive and arrive lower-cased (the `http` crate, HTTP/2), so prefix-header keys are lower case",
    ),
];

/// The cases we skip: those botocore itself skips (its ignore list) for a reason that
/// applies to us too (the generator's table, `session_codegen::protocol_skips`, shared with
/// the typed tests), and those where we do not follow the suite (`NOT_FOLLOWED`).
fn ignored(file: &str, group: &Json, case: &Json, input: bool) -> bool {
    let list: Json =
        serde_json::from_str(include_str!("../suites/protocol-tests-ignore-list.json")).unwrap();
    let dir = if input { "input" } else { "output" };
    let protocol = file
        .trim_end_matches(".json")
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let id = case["id"].as_str().unwrap_or_default();
    let suite = group["description"].as_str().unwrap_or_default();
    let general = &list["general"][dir]["suites"];
    let in_general = general
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s.as_str() == Some(suite));
    let specific = &list["protocols"][protocol][dir];
    let in_cases = specific["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c.as_str() == Some(id));
    let in_suites = specific["suites"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s.as_str() == Some(suite));
    let ours = NOT_FOLLOWED
        .iter()
        .any(|(f, d, _)| *f == file && (*d == suite || *d == id));
    let botocore = in_general || in_cases || in_suites;
    (botocore && session_codegen::protocol_skips::reason(file, id).is_some()) || ours
}

async fn run_suite(file: &str, text: &str) {
    let input = file.contains("input/");
    let groups: Vec<Json> = serde_json::from_str(text).unwrap();
    let (mut passed, mut skipped) = (0, 0);
    let mut failures = BTreeMap::new();
    for group in &groups {
        for (n, case) in group["cases"].as_array().into_iter().flatten().enumerate() {
            let id = case["id"].as_str().map_or_else(
                || group["description"].as_str().unwrap_or("?").to_owned(),
                str::to_owned,
            );
            if ignored(file, group, case, input) {
                skipped += 1;
                continue;
            }
            match run_case(group, case, input, file.starts_with("legacy/")).await {
                None => passed += 1,
                Some(why) => {
                    failures.insert(format!("{id} #{n}"), why);
                }
            }
        }
    }
    println!(
        "{file}: {passed} passed, {} failed, {skipped} skipped (botocore's ignore list, or not followed: docs/protocols.md)",
        failures.len()
    );
    let listing: Vec<String> = failures
        .iter()
        .map(|(id, why)| format!("  {id}: {why}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{file}: {} failures\n{}",
        failures.len(),
        listing.join("\n")
    );
}

macro_rules! suite {
    ($name:ident, $file:literal) => {
        #[tokio::test]
        async fn $name() {
            run_suite($file, include_str!(concat!("../suites/", $file))).await;
        }
    };
}

suite!(input_json_1_0, "input/json_1_0.json");
suite!(input_json_1_1, "input/json.json");
suite!(
    input_json_1_0_query_compatible,
    "input/json_1_0-query-compatible.json"
);
suite!(input_query, "input/query.json");
suite!(input_ec2, "input/ec2.json");
suite!(input_rest_json, "input/rest-json.json");
suite!(input_rest_xml, "input/rest-xml.json");
suite!(output_json_1_0, "output/json_1_0.json");
suite!(output_json_1_1, "output/json.json");
suite!(
    output_json_1_0_query_compatible,
    "output/json_1_0-query-compatible.json"
);
suite!(output_query, "output/query.json");
suite!(output_ec2, "output/ec2.json");
suite!(output_rest_json, "output/rest-json.json");
suite!(output_rest_xml, "output/rest-xml.json");
suite!(input_cbor, "input/smithy-rpc-v2-cbor.json");
suite!(
    input_cbor_query_compatible,
    "input/smithy-rpc-v2-cbor-query-compatible.json"
);
suite!(
    input_cbor_non_query_compatible,
    "input/smithy-rpc-v2-cbor-non-query-compatible.json"
);
suite!(output_cbor, "output/smithy-rpc-v2-cbor.json");
suite!(
    output_cbor_query_compatible,
    "output/smithy-rpc-v2-cbor-query-compatible.json"
);
suite!(
    output_cbor_non_query_compatible,
    "output/smithy-rpc-v2-cbor-non-query-compatible.json"
);
suite!(legacy_input_json, "legacy/input/json.json");
suite!(legacy_input_query, "legacy/input/query.json");
suite!(legacy_input_ec2, "legacy/input/ec2.json");
suite!(legacy_input_rest_json, "legacy/input/rest-json.json");
suite!(legacy_input_rest_xml, "legacy/input/rest-xml.json");
suite!(legacy_output_json, "legacy/output/json.json");
suite!(legacy_output_query, "legacy/output/query.json");
suite!(legacy_output_ec2, "legacy/output/ec2.json");
suite!(legacy_output_rest_json, "legacy/output/rest-json.json");
suite!(legacy_output_rest_xml, "legacy/output/rest-xml.json");
