//! Written answers read back by the parsers real answers go through, for each protocol.

use super::*;
use crate::model::{self, Options};
use crate::values::Timestamp;

/// One model, spoken in each protocol: an output with a body of every kind, a header and
/// a status code (the REST protocols), and an error with a member.
fn service(protocol: &str) -> &'static Service {
    let model = format!(
        r#"{{
      "metadata": {{"protocol": "{protocol}", "apiVersion": "2020-01-01", "endpointPrefix": "demo",
                   "signatureVersion": "v4", "serviceId": "Demo", "targetPrefix": "Demo",
                   "jsonVersion": "1.0", "xmlNamespace": "https://demo.example/doc/"}},
      "operations": {{
        "GetThing": {{"name": "GetThing", "http": {{"method": "POST", "requestUri": "/thing"}},
                     "output": {{"shape": "GetThingOutput", "resultWrapper": "GetThingResult"}},
                     "errors": [{{"shape": "NoSuchThing"}}]}},
        "Ping": {{"name": "Ping", "http": {{"method": "POST", "requestUri": "/ping"}}}}
      }},
      "shapes": {{
        "GetThingOutput": {{"type": "structure", "required": ["Name"], "members": {{
          "Name": {{"shape": "Text"}},
          "Count": {{"shape": "Int"}},
          "Tags": {{"shape": "TagList"}},
          "Created": {{"shape": "Time"}},
          "Data": {{"shape": "Bytes"}}
          {rest_members}
        }}}},
        "TagList": {{"type": "list", "member": {{"shape": "Text", "locationName": "item"}}}},
        "NoSuchThing": {{"type": "structure", "exception": true,
                        "error": {{"httpStatusCode": 404}},
                        "members": {{"Message": {{"shape": "Text"}}, "Thing": {{"shape": "Text"}}}}}},
        "Text": {{"type": "string"}},
        "Int": {{"type": "integer"}},
        "Status": {{"type": "integer"}},
        "Time": {{"type": "timestamp"}},
        "Bytes": {{"type": "blob"}}
      }}
    }}"#,
        rest_members = if protocol.starts_with("rest") {
            r#", "Tag": {"shape": "Text", "location": "header", "locationName": "x-tag"},
                 "Code": {"shape": "Status", "location": "statusCode"}"#
        } else {
            ""
        }
    );
    model::build("demo", &model, &Options::default()).expect("the test model builds")
}

const PROTOCOLS: [&str; 6] = [
    "json",
    "query",
    "ec2",
    "rest-json",
    "rest-xml",
    "smithy-rpc-v2-cbor",
];

fn full_output(rest: bool) -> Value {
    let mut v = Value::map()
        .with("Name", "widget & <co>")
        .with("Count", Value::Integer(3))
        .with("Tags", Value::List(vec!["a".into(), "b".into()]))
        .with("Created", Timestamp::from_secs(1_700_000_000))
        .with("Data", Bytes::from_static(b"\x00\x01binary"));
    if rest {
        v = v.with("Tag", "t-1").with("Code", Value::Integer(202));
    }
    v
}

fn read_back(service: &'static Service, op: &'static Operation, reply: &Reply) -> Value {
    let mut head = http::Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        head = head.header(k, v);
    }
    let (parts, ()) = head.body(()).expect("a valid head").into_parts();
    let mut out: Value = crate::wire::response::parse(service, op, &parts, &reply.body)
        .unwrap_or_else(|e| panic!("{}: {e}", service.name));
    out.prune_nulls(service, op.output.expect("an output"));
    out
}

#[test]
fn every_protocol_reads_back_what_was_written() {
    for protocol in PROTOCOLS {
        let service = service(protocol);
        let op = service.operation("GetThing").expect("the operation");
        let rest = protocol.starts_with("rest");
        let expected = full_output(rest);
        let reply =
            output(service, op, &expected, "req-1").unwrap_or_else(|e| panic!("{protocol}: {e}"));
        if rest {
            assert_eq!(reply.status, 202, "{protocol}: the status code member");
        }
        let back = read_back(service, op, &reply);
        assert_eq!(
            back,
            expected,
            "{protocol}: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
}

#[test]
fn an_output_that_does_not_fit_its_shape_lists_every_problem() {
    for protocol in PROTOCOLS {
        let service = service(protocol);
        let op = service.operation("GetThing").expect("the operation");
        let bad = Value::map().with("Count", "three").with("Colour", "red");
        let e = output(service, op, &bad, "r").expect_err("does not fit");
        let text = e.to_string();
        assert_eq!(e.problems().len(), 3, "{protocol}: {text}");
        for needle in ["Count", "Colour", "Name"] {
            assert!(text.contains(needle), "{protocol}: {text}");
        }
    }
}

#[test]
fn an_operation_without_output_answers_an_empty_body() {
    for protocol in PROTOCOLS {
        let service = service(protocol);
        let op = service.operation("Ping").expect("the operation");
        let reply = output(service, op, &Value::Null, "r").expect("nothing to write");
        assert_eq!(reply.status, 200);
        let e = output(service, op, &Value::map().with("X", "y"), "r").expect_err("no members");
        assert!(e.to_string().contains("no output members"), "{e}");
    }
}

#[test]
fn errors_are_read_by_the_error_parser_with_code_message_request_id_and_members() {
    for protocol in PROTOCOLS {
        let service = service(protocol);
        let fields = Value::map().with("Thing", "t-9");
        let reply = error(
            service,
            "NoSuchThing",
            "gone & away",
            404,
            &fields,
            "req-42",
        )
        .unwrap_or_else(|e| panic!("{protocol}: {e}"));
        let mut headers = http::HeaderMap::new();
        for (k, v) in &reply.headers {
            headers.insert(
                http::HeaderName::from_bytes(k.as_bytes()).expect("a header name"),
                http::HeaderValue::from_str(v).expect("a header value"),
            );
        }
        use session_tower::protocol::Protocol as Wire;
        let wire = match service.protocol {
            Protocol::Json10 => Wire::AwsJson1_0,
            Protocol::Json11 => Wire::AwsJson1_1,
            Protocol::Query => Wire::AwsQuery,
            Protocol::Ec2 => Wire::Ec2,
            Protocol::RestJson => Wire::RestJson,
            Protocol::RestXml => Wire::RestXml,
            Protocol::Cbor => Wire::RpcV2Cbor,
        };
        let status = reply.status;
        let parsed = wire.parse_error(status, &headers, &reply.body);
        assert_eq!(parsed.code(), Some("NoSuchThing"), "{protocol}: {parsed:?}");
        assert_eq!(parsed.message(), Some("gone & away"), "{protocol}");
        assert_eq!(parsed.request_id(), Some("req-42"), "{protocol}");
        let id = error_shape(service, "NoSuchThing").expect("modeled");
        let members: Value =
            crate::wire::response::parse_error(service, id, status, &headers, &reply.body);
        assert_eq!(
            members.get("Thing").and_then(Value::as_str),
            Some("t-9"),
            "{protocol}"
        );
    }
}

#[test]
fn members_of_an_unmodeled_error_are_refused() {
    let service = service("json");
    let e = error(service, "Nope", "m", 400, &Value::map().with("A", "b"), "r")
        .expect_err("not modeled");
    assert!(e.to_string().contains("Nope"), "{e}");
    // Without members any code goes: services answer codes their models do not list.
    assert!(error(service, "Nope", "m", 400, &Value::Null, "r").is_ok());
}
