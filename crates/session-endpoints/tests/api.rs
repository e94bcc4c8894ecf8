//! The public API on small hand-written rule sets: what resolves, what fails and how.

mod support;

use session_endpoints::{Document, ParamValue, ParameterType, Params, RuleSet};

/// A rule set with the given parameters (JSON object body) and rules (JSON array body).
fn rule_set(parameters: &str, rules: &str) -> Result<RuleSet, session_endpoints::RuleSetError> {
    RuleSet::from_json(&format!(
        r#"{{"version": "1.0", "parameters": {{{parameters}}}, "rules": [{rules}]}}"#
    ))
}

const REGION: &str = r#""Region": {"type": "String", "required": false, "builtIn": "AWS::Region"}"#;

#[test]
fn endpoint_with_headers_properties_and_templates() {
    let rules = rule_set(
        &format!(r#"{REGION}, "Bucket": {{"type": "string"}}, "Fips": {{"type": "boolean", "required": true, "default": false}}"#),
        r#"{
            "type": "endpoint",
            "conditions": [
                {"fn": "isSet", "argv": [{"ref": "Region"}]},
                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"},
                {"fn": "booleanEquals", "argv": [{"ref": "Fips"}, false]},
                {"fn": "uriEncode", "argv": ["{Bucket}!"], "assign": "enc"}
            ],
            "endpoint": {
                "url": "https://{Region}.{p#dnsSuffix}/{enc}",
                "headers": {"x-amz-region": ["{Region}", "{{literal}}"]},
                "properties": {
                    "authSchemes": [{"name": "sigv4", "signingName": "svc", "signingRegion": "{Region}",
                                      "disableDoubleEncoding": true}],
                    "partition": "{p#name}",
                    "n": 3,
                    "nothing": null
                }
            }
        }"#,
    )
    .unwrap();
    let endpoint = rules
        .resolve(
            &Params::new()
                .str("Region", "cn-north-1")
                .str("Bucket", "a b"),
        )
        .unwrap();
    assert_eq!(
        endpoint.url(),
        "https://cn-north-1.amazonaws.com.cn/a%20b%21"
    );
    assert_eq!(
        endpoint.header("x-amz-region"),
        Some(&["cn-north-1".to_owned(), "{literal}".to_owned()][..])
    );
    assert_eq!(
        endpoint.property("partition"),
        Some(&Document::from("aws-cn"))
    );
    assert_eq!(endpoint.property("n"), Some(&Document::Number(3.0)));
    assert_eq!(endpoint.property("nothing"), Some(&Document::Null));
    let scheme = endpoint.auth_schemes().next().unwrap();
    assert_eq!(
        (
            scheme.name(),
            scheme.signing_name(),
            scheme.signing_region()
        ),
        ("sigv4", Some("svc"), Some("cn-north-1"))
    );
    assert!(scheme.disable_double_encoding());

    // The first condition fails without a region: no rule matches.
    let err = rules.resolve(&Params::new()).unwrap_err();
    assert!(err.is_incomplete_rule_set(), "{err}");
    assert!(!err.is_rule_error());
}

#[test]
fn error_rules_render_their_message() {
    let rules = rule_set(
        REGION,
        r#"{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}],
            "error": "Invalid region `{Region}`"},
           {"type": "error", "conditions": [], "error": "Missing Region"}"#,
    )
    .unwrap();
    let err = rules
        .resolve(&Params::new().str("Region", "mars-1"))
        .unwrap_err();
    assert!(err.is_rule_error());
    assert_eq!(err.to_string(), "Invalid region `mars-1`");
    assert_eq!(err.rule_message(), Some("Invalid region `mars-1`"));
    let err = rules.resolve(&Params::new()).unwrap_err();
    assert_eq!(err.to_string(), "Missing Region");
}

#[test]
fn parameters_are_checked_and_defaulted() {
    let rules = rule_set(
        r#""Name": {"type": "String", "required": true},
           "Flag": {"type": "Boolean", "required": true, "default": true},
           "List": {"type": "stringArray", "default": ["first", "second"]}"#,
        r#"{"type": "endpoint",
            "conditions": [
                {"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]},
                {"fn": "getAttr", "argv": [{"ref": "List"}, "[1]"], "assign": "second"}
            ],
            "endpoint": {"url": "https://{Name}.{second}"}},
           {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{Name}.off"}}"#,
    )
    .unwrap();
    let params = Params::new().str("Name", "n");
    assert_eq!(rules.resolve(&params).unwrap().url(), "https://n.second");
    assert_eq!(
        rules
            .resolve(&params.clone().bool("Flag", false))
            .unwrap()
            .url(),
        "https://n.off"
    );
    assert_eq!(
        rules
            .resolve(&params.clone().str_array("List", ["only"]))
            .unwrap()
            .url(),
        "https://n.off",
        "index out of range is unset, so the condition fails"
    );

    for (bad, what) in [
        (Params::new(), "required parameter `Name`"),
        (params.clone().bool("Name", true), "`Name` must be a string"),
        (
            params.clone().str("Flag", "true"),
            "`Flag` must be a boolean",
        ),
        (
            params.clone().str("Lists", "x"),
            "no parameter named `Lists`",
        ),
    ] {
        let err = rules.resolve(&bad).unwrap_err();
        assert!(err.is_invalid_params(), "{err}");
        assert!(err.to_string().contains(what), "{err}");
    }
}

#[test]
fn a_matched_tree_is_terminal() {
    let rules = rule_set(
        REGION,
        r#"{"type": "tree", "conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}], "rules": [
               {"type": "endpoint",
                "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "us-east-1"]}],
                "endpoint": {"url": "https://east"}}
           ]},
           {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://fallback"}}"#,
    )
    .unwrap();
    let resolve = |region: Option<&str>| {
        let params = match region {
            Some(r) => Params::new().str("Region", r),
            None => Params::new(),
        };
        rules.resolve(&params)
    };
    assert_eq!(resolve(Some("us-east-1")).unwrap().url(), "https://east");
    assert_eq!(resolve(None).unwrap().url(), "https://fallback");
    let err = resolve(Some("eu-west-1")).unwrap_err();
    assert!(err.is_incomplete_rule_set(), "{err}");
}

#[test]
fn arn_and_url_attributes() {
    let rules = rule_set(
        r#""Arn": {"type": "String", "required": true}, "Endpoint": {"type": "String"}"#,
        r#"{"type": "endpoint",
            "conditions": [
                {"fn": "aws.parseArn", "argv": [{"ref": "Arn"}], "assign": "arn"},
                {"fn": "isSet", "argv": [{"ref": "Endpoint"}]},
                {"fn": "parseURL", "argv": [{"ref": "Endpoint"}], "assign": "url"},
                {"fn": "booleanEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "url"}, "isIp"]}, true]}
            ],
            "endpoint": {"url": "{url#scheme}://{url#authority}{url#normalizedPath}{arn#resourceId[1]}",
                         "properties": {"p": "{arn#partition}:{arn#service}:{arn#region}:{arn#accountId}:{url#path}"}}},
           {"type": "endpoint", "conditions": [{"fn": "aws.parseArn", "argv": [{"ref": "Arn"}], "assign": "arn"}],
            "endpoint": {"url": "https://{arn#resourceId[0]}.example"}},
           {"type": "error", "conditions": [], "error": "not an ARN: {Arn}"}"#,
    )
    .unwrap();
    let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap";
    let endpoint = rules
        .resolve(
            &Params::new()
                .str("Arn", arn)
                .str("Endpoint", "http://10.0.0.1:9000/base"),
        )
        .unwrap();
    assert_eq!(endpoint.url(), "http://10.0.0.1:9000/base/my-ap");
    assert_eq!(
        endpoint.property("p").and_then(Document::as_str),
        Some("aws:s3:us-west-2:123456789012:/base")
    );
    // A host name is not an IP address.
    let endpoint = rules
        .resolve(
            &Params::new()
                .str("Arn", arn)
                .str("Endpoint", "http://example.com"),
        )
        .unwrap();
    assert_eq!(endpoint.url(), "https://accesspoint.example");
    let err = rules
        .resolve(&Params::new().str("Arn", "bucket"))
        .unwrap_err();
    assert_eq!(err.to_string(), "not an ARN: bucket");
}

#[test]
fn parameters_are_listed() {
    let s3 = support::s3();
    assert_eq!(s3.parameters().len(), 17);
    let fips = s3.parameter("UseFIPS").unwrap();
    assert_eq!(fips.kind(), ParameterType::Boolean);
    assert!(fips.required());
    assert_eq!(fips.default(), Some(&ParamValue::Bool(false)));
    assert_eq!(fips.built_in(), Some("AWS::UseFIPS"));
    let bucket = s3.parameter("Bucket").unwrap();
    assert_eq!(
        (bucket.kind(), bucket.required(), bucket.default()),
        (ParameterType::String, false, None)
    );
    assert_eq!(bucket.built_in(), None);
    let ddb = support::dynamodb();
    assert_eq!(
        ddb.parameter("ResourceArnList").unwrap().kind(),
        ParameterType::StringArray
    );
    assert_eq!(ParameterType::StringArray.to_string(), "stringArray");
    assert!(format!("{s3:?}").contains("UseFIPS"));
}

#[test]
fn dynamodb_resolves() {
    let ddb = support::dynamodb();
    let endpoint = ddb
        .resolve(&Params::new().str("Region", "us-east-1"))
        .unwrap();
    assert_eq!(endpoint.url(), "https://dynamodb.us-east-1.amazonaws.com");
    let endpoint = ddb
        .resolve(
            &Params::new()
                .str("Region", "us-east-1")
                .bool("UseFIPS", true),
        )
        .unwrap();
    assert_eq!(
        endpoint.url(),
        "https://dynamodb-fips.us-east-1.amazonaws.com"
    );
}

#[test]
fn custom_partition_tables() {
    let rules = RuleSet::from_json_with_partitions(
        &format!(
            r#"{{"version": "1.0", "parameters": {{{REGION}}}, "rules": [{{"type": "endpoint",
                "conditions": [{{"fn": "aws.partition", "argv": [{{"ref": "Region"}}], "assign": "p"}}],
                "endpoint": {{"url": "https://svc.{{Region}}.{{p#dnsSuffix}}"}}}}]}}"#
        ),
        r#"{"partitions": [{"id": "lab", "outputs": {"name": "lab", "dnsSuffix": "lab.internal"},
                            "regionRegex": "^lab-\\d+$", "regions": {}}]}"#,
    )
    .unwrap();
    let endpoint = rules
        .resolve(&Params::new().str("Region", "lab-1"))
        .unwrap();
    assert_eq!(endpoint.url(), "https://svc.lab-1.lab.internal");
    let err = RuleSet::from_json_with_partitions("{}", "not json").unwrap_err();
    assert!(err.is_partitions(), "{err}");
}

/// Each malformed rule set, with a piece of the expected message and where it points.
#[test]
fn malformed_rule_sets_are_reported_with_their_location() {
    let condition = |c: &str| {
        format!(
            r#"{{"type": "endpoint", "conditions": [{c}], "endpoint": {{"url": "https://x"}}}}"#
        )
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (condition(r#"{"fn": "nope", "argv": []}"#), "unknown function `nope`", "$.rules[0].conditions[0].fn"),
        (condition(r#"{"fn": "isSet", "argv": []}"#), "takes 1 argument(s), got 0", "$.rules[0].conditions[0].argv"),
        (
            condition(r#"{"fn": "booleanEquals", "argv": [{"ref": "Region"}, true]}"#),
            "expected a boolean, found a string",
            "$.rules[0].conditions[0].argv[0]",
        ),
        (condition(r#"{"fn": "isSet", "argv": [{"ref": "Nope"}]}"#), "`Nope` is not defined", "$.rules[0].conditions[0].argv[0].ref"),
        (
            condition(r#"{"fn": "aws.partition", "argv": ["x"], "assign": "Region"}"#),
            "`Region` is already defined",
            "$.rules[0].conditions[0].assign",
        ),
        (
            condition(r#"{"fn": "aws.partition", "argv": ["x"], "assign": "p"}, {"fn": "getAttr", "argv": [{"ref": "p"}, "nope"]}"#),
            "has no attribute `nope`",
            "$.rules[0].conditions[1].argv[1]",
        ),
        (
            condition(r#"{"fn": "aws.partition", "argv": ["x"], "assign": "p"}, {"fn": "getAttr", "argv": [{"ref": "p"}, "name[0]"]}"#),
            "cannot be indexed",
            "$.rules[0].conditions[1].argv[1]",
        ),
        (condition(r#"{"fn": "stringEquals", "argv": ["{Region", "x"]}"#), "unclosed", "$.rules[0].conditions[0].argv[0]"),
        (condition(r#"{"fn": "stringEquals", "argv": ["{Nope}", "x"]}"#), "`Nope` in template", "$.rules[0].conditions[0].argv[0]"),
        (condition(r#"{"fn": "isSet", "argv": [{"ref": "Region"}], "asign": "x"}"#), "unexpected member `asign`", "$.rules[0].conditions[0]"),
        (condition(r#"{"ref": "Region"}"#), "must be a function call", "$.rules[0].conditions[0]"),
        (condition(r#"{"fn": "isSet", "argv": [1.5]}"#), "integers", "$.rules[0].conditions[0].argv[0]"),
        (condition(r#"{"fn": "isSet", "argv": [[]]}"#), "expected an expression", "$.rules[0].conditions[0].argv[0]"),
        (r#"{"type": "magic", "conditions": []}"#.to_owned(), "unknown rule type `magic`", "$.rules[0].type"),
        (r#"{"type": "tree", "conditions": [], "rules": []}"#.to_owned(), "must not be empty", "$.rules[0].rules"),
        (r#"{"type": "endpoint", "endpoint": {"url": "x"}}"#.to_owned(), "missing member `conditions`", "$.rules[0]"),
        (r#"{"type": "endpoint", "conditions": [], "endpoint": {"url": true}}"#.to_owned(), "expected a string", "$.rules[0].endpoint.url"),
        (
            r#"{"type": "endpoint", "conditions": [], "endpoint": {"url": "x", "headers": {"h": "v"}}}"#.to_owned(),
            "expected an array",
            "$.rules[0].endpoint.headers.h",
        ),
        (
            // A variable assigned in one rule is not visible in the next.
            format!(
                "{}, {}",
                condition(r#"{"fn": "aws.partition", "argv": ["x"], "assign": "p"}"#),
                r#"{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{p#name}"}}"#
            ),
            "`p` in template",
            "$.rules[1].endpoint.url",
        ),
        (
            r#"{"type": "endpoint", "conditions": [{"fn": "aws.partition", "argv": ["x"], "assign": "p"}],
                "endpoint": {"url": "https://{p#supportsFIPS}"}}"#
                .to_owned(),
            "is a boolean, not a string",
            "$.rules[0].endpoint.url",
        ),
    ];
    for (rules, message, location) in cases {
        let err = rule_set(REGION, &rules).unwrap_err();
        assert!(err.is_invalid(), "{err}");
        assert!(
            err.to_string().contains(message),
            "{rules}\n  gave: {err}\n  want: {message}"
        );
        assert_eq!(err.location(), Some(location), "{rules}: {err}");
    }
}

#[test]
fn malformed_documents() {
    let err = RuleSet::from_json("{").unwrap_err();
    assert!(err.is_json());
    assert!(std::error::Error::source(&err).is_some());
    for (doc, message) in [
        ("[]", "expected an object"),
        (
            r#"{"parameters": {}, "rules": []}"#,
            "missing member `version`",
        ),
        (
            r#"{"version": "2.0", "parameters": {}, "rules": [{}]}"#,
            "unsupported rules version",
        ),
        (
            r#"{"version": "1.0", "rules": []}"#,
            "missing member `parameters`",
        ),
        (
            r#"{"version": "1.0", "parameters": {}, "rules": {}}"#,
            "expected an array",
        ),
        (
            r#"{"version": "1.0", "parameters": {}, "rules": [], "extra": 1}"#,
            "unexpected member `extra`",
        ),
    ] {
        let err = RuleSet::from_json(doc).unwrap_err();
        assert!(err.is_invalid(), "{doc}: {err}");
        assert!(err.to_string().contains(message), "{doc}: {err}");
    }
    // Deep nesting is refused by the JSON parser's depth limit instead of overflowing.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(RuleSet::from_json(&deep).unwrap_err().is_json());
}

#[test]
fn deeply_nested_trees_compile_and_resolve() {
    // Deep but within the JSON depth limit: 40 nested trees.
    let mut rules =
        r#"{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://deep"}}"#.to_owned();
    for _ in 0..40 {
        rules = format!(r#"{{"type": "tree", "conditions": [], "rules": [{rules}]}}"#);
    }
    let rules = rule_set("", &rules).unwrap();
    assert_eq!(rules.resolve(&Params::new()).unwrap().url(), "https://deep");
}

#[test]
fn public_types_are_thread_safe() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<RuleSet>();
    assert_send_sync::<Params>();
    assert_send_sync::<session_endpoints::Endpoint>();
    assert_send_sync::<session_endpoints::ResolveError>();
    assert_send_sync::<session_endpoints::RuleSetError>();
}
