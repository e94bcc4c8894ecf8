//! The rule sets vendored in the repository's `models/` folder, compiled on first use.

use std::sync::OnceLock;

use crate::ruleset::RuleSet;

macro_rules! model {
    ($(#[$doc:meta])* $name:ident, $service:literal) => {
        $(#[$doc])*
        ///
        /// The rule set is embedded in the binary and compiled once, on first use.
        ///
        /// # Panics
        ///
        /// Only if the embedded rule set does not compile, which this crate's tests rule out.
        pub fn $name() -> &'static RuleSet {
            static RULES: OnceLock<RuleSet> = OnceLock::new();
            RULES.get_or_init(|| {
                let json = include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../models/",
                    $service,
                    "/endpoint-rule-set-1.json"
                ));
                RuleSet::from_json(json).expect(concat!("the embedded ", $service, " rule set compiles"))
            })
        }
    };
}

model!(
    /// Amazon S3's endpoint rule set.
    s3,
    "s3"
);
model!(
    /// Amazon SQS's endpoint rule set.
    sqs,
    "sqs"
);
model!(
    /// AWS STS's endpoint rule set.
    sts,
    "sts"
);
model!(
    /// Amazon DynamoDB's endpoint rule set.
    dynamodb,
    "dynamodb"
);
