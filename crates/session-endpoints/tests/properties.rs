//! Properties that must hold for every input: resolution never panics, the shipped rule
//! sets end in an endpoint or one of their own error messages (S3 may also run out of
//! rules, see below), and the string functions behave as specified.

mod support;

use proptest::prelude::*;
use session_endpoints::{Params, RuleSet};

/// Strings that exercise the parsers: host and URL punctuation, ARN separators, digits,
/// upper case, and the occasional non-ASCII character.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9.\\-]{0,70}",
        "[a-zA-Z0-9.:/_@?#%\\[\\] \\-]{0,40}",
        "(arn:(aws|aws-cn|)?:(s3|s3-outposts|s3-object-lambda|sqs|)?:[a-z0-9\\-]{0,12}:[0-9]{0,12}:[a-z0-9:/\\-]{0,40})",
        "(https?|ftp)://[a-z0-9.\\-\\[\\]:]{0,20}(:[0-9]{0,6})?(/[a-z%?#]{0,8}){0,3}",
        "[a-z]{0,20}--[a-z0-9]{0,6}--(x-s3|op-s3|xa-s3)",
        any::<String>(),
    ]
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("us-east-1".to_owned()),
        Just("us-west-2".to_owned()),
        Just("cn-north-1".to_owned()),
        Just("us-gov-west-1".to_owned()),
        Just("aws-global".to_owned()),
        Just("us-iso-east-1".to_owned()),
        "[a-z]{2}-[a-z]{3,7}-[0-9]",
        tricky(),
    ]
}

/// Optional values: `None` leaves the parameter unset.
fn maybe<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    prop::option::weighted(0.7, s)
}

/// Resolution ends in an endpoint or one of the rule set's own errors — or, where
/// `may_exhaust`, in rule exhaustion; never in an unset template value or a panic.
fn check(rules: &RuleSet, params: &Params, may_exhaust: bool) -> Result<(), TestCaseError> {
    if let Err(err) = rules.resolve(params) {
        prop_assert!(
            err.is_rule_error() || (may_exhaust && err.is_no_match()),
            "{params:?} gave {err:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn s3_never_fails_unexpectedly(
        region in maybe(region()),
        bucket in maybe(tricky()),
        endpoint in maybe(tricky()),
        key in maybe(tricky()),
        flags in prop::array::uniform10(maybe(any::<bool>())),
    ) {
        let mut params = Params::new();
        for (name, value) in [("Region", region), ("Bucket", bucket), ("Endpoint", endpoint), ("Key", key)] {
            if let Some(value) = value {
                params = params.str(name, value);
            }
        }
        let flag_names = [
            "UseFIPS", "UseDualStack", "ForcePathStyle", "Accelerate", "UseGlobalEndpoint",
            "UseArnRegion", "DisableAccessPoints", "DisableMultiRegionAccessPoints",
            "UseS3ExpressControlEndpoint", "DisableS3ExpressSessionAuth",
        ];
        for (name, value) in flag_names.into_iter().zip(flags) {
            if let Some(value) = value {
                params = params.bool(name, value);
            }
        }
        // S3's rules are not exhaustive: with an `Endpoint` that is not a URL and no
        // `Bucket`, the matched `isSet(Endpoint)` tree runs out of rules.
        check(support::s3(), &params, true)?;
    }

    #[test]
    fn sqs_sts_dynamodb_are_exhaustive(
        region in maybe(region()),
        endpoint in maybe(tricky()),
        fips in any::<bool>(),
        dual_stack in any::<bool>(),
        global in any::<bool>(),
        arn in maybe(tricky()),
        arns in prop::collection::vec(tricky(), 0..3),
    ) {
        let mut params = Params::new().bool("UseFIPS", fips).bool("UseDualStack", dual_stack);
        if let Some(region) = region {
            params = params.str("Region", region);
        }
        if let Some(endpoint) = endpoint {
            params = params.str("Endpoint", endpoint);
        }
        check(support::sqs(), &params, false)?;
        check(support::sts(), &params.clone().bool("UseGlobalEndpoint", global), false)?;
        let mut ddb = params.str_array("ResourceArnList", arns);
        if let Some(arn) = arn {
            ddb = ddb.str("ResourceArn", arn);
        }
        check(support::dynamodb(), &ddb, false)?;
    }

    #[test]
    fn uri_encode_is_reversible_and_unreserved(input in any::<String>()) {
        let rules = RuleSet::from_json(r#"{"version": "1.0",
            "parameters": {"Input": {"type": "String", "required": true}},
            "rules": [{"type": "endpoint",
                       "conditions": [{"fn": "uriEncode", "argv": [{"ref": "Input"}], "assign": "e"}],
                       "endpoint": {"url": "{e}"}}]}"#).unwrap();
        let encoded = rules.resolve(&Params::new().str("Input", input.clone())).unwrap().into_url();
        let bytes = encoded.as_bytes();
        let mut decoded = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                prop_assert!(hex.bytes().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(&h)), "{encoded}");
                decoded.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                prop_assert!(b.is_ascii_alphanumeric() || b"-_.~".contains(&b), "{encoded}");
                decoded.push(b);
                i += 1;
            }
        }
        prop_assert_eq!(String::from_utf8(decoded).unwrap(), input);
    }

    #[test]
    fn substring_matches_slicing(input in "[ -~]{0,12}", start in 0i64..14, stop in 0i64..14, reverse in any::<bool>()) {
        let rules = RuleSet::from_json(&format!(r#"{{"version": "1.0",
            "parameters": {{"Input": {{"type": "String", "required": true}}}},
            "rules": [{{"type": "endpoint",
                        "conditions": [{{"fn": "substring", "argv": [{{"ref": "Input"}}, {start}, {stop}, {reverse}], "assign": "s"}}],
                        "endpoint": {{"url": "[{{s}}]"}}}},
                      {{"type": "error", "conditions": [], "error": "unset"}}]}}"#)).unwrap();
        let got = rules.resolve(&Params::new().str("Input", input.clone()));
        let (start, stop, len) = (start as usize, stop as usize, input.len());
        if start < stop && stop <= len {
            let want = if reverse { &input[len - stop..len - start] } else { &input[start..stop] };
            prop_assert_eq!(got.unwrap().into_url(), format!("[{want}]"));
        } else {
            prop_assert_eq!(got.unwrap_err().to_string(), "unset");
        }
    }

    #[test]
    fn arbitrary_documents_never_panic(doc in any::<String>()) {
        let _ = RuleSet::from_json(&doc);
    }
}
