//! The rule sets of the services vendored in `models/`, for the tests (the library ships
//! none: each service crate embeds its own).

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::OnceLock;

use session_endpoints::RuleSet;

macro_rules! rules {
    ($name:ident, $svc:literal) => {
        pub(crate) fn $name() -> &'static RuleSet {
            static RULES: OnceLock<RuleSet> = OnceLock::new();
            RULES.get_or_init(|| {
                RuleSet::from_json(include_str!(concat!(
                    "../../../../models/",
                    $svc,
                    "/endpoint-rule-set-1.json"
                )))
                .unwrap()
            })
        }
    };
}

rules!(s3, "s3");
rules!(sqs, "sqs");
rules!(sts, "sts");
rules!(dynamodb, "dynamodb");
