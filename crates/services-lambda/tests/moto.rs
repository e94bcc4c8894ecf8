//! The generated Lambda API (REST-JSON: path labels, a zip blob in a JSON body, query
//! string paging) against moto with signature checking on: functions created from a zip,
//! read back with their code's digest, listed through the paginator, and a
//! missing function answered with the modeled `ResourceNotFoundException`.
//!
//! moto 5.2.5 rejects the signature of every Lambda request without a body (`GET`,
//! `DELETE`; boto3's own requests included), so the reads run
//! with checking paused; the writes and one modeled error are checked.

#![allow(clippy::unwrap_used)]

use futures_util::TryStreamExt as _;
use services_lambda::operations::{GetFunctionError, PublishVersionError};
use services_lambda::types::{FunctionCode, Runtime};
use services_lambda::LambdaClient;
use session_testkit::Moto;

/// A zip holding `handler.py` (made with Python's zipfile; 171 bytes).
const ZIP: &[u8] = include_bytes!("fixtures/handler.zip");
/// The fixture's SHA-256, base64 (Python's hashlib, when the fixture was made).
const ZIP_SHA256: &str = "rku8AYPwhayczV0u3cqYxdHj/7O5YSZdobbQMEKRItg=";

#[test]
fn create_get_list_and_missing_function() {
    // Its own moto: making the execution role turns signature checking off for a moment.
    let moto = Moto::start_with_auth().unwrap();
    let role = moto.create_role("lambda-exec").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let lambda = LambdaClient::new(&moto.session(None)).unwrap();
        for name in ["typed-a", "typed-b", "typed-c"] {
            let made = lambda
                .create_function()
                .function_name(name)
                .runtime(Runtime::Python312)
                .role(&role)
                .handler("handler.handler")
                .code(FunctionCode {
                    zip_file: Some(ZIP.into()),
                    ..Default::default()
                })
                .description("typed crate test")
                .send()
                .await
                .unwrap();
            assert_eq!(made.function_name.as_deref(), Some(name));
            assert_eq!(made.code_size, Some(ZIP.len() as i64));
        }

        // The reads, unchecked (see above); checking resumes below.
        moto.skip_checks_for_next(1000).unwrap();
        // A path label (`/2015-03-31/functions/{FunctionName}`).
        let got = lambda
            .get_function()
            .function_name("typed-b")
            .send()
            .await
            .unwrap();
        let config = got.configuration.unwrap();
        assert_eq!(config.handler.as_deref(), Some("handler.handler"));
        assert_eq!(config.runtime, Some(Runtime::Python312));
        assert_eq!(config.description.as_deref(), Some("typed crate test"));
        // The digest the service computed is of the very bytes sent.
        assert_eq!(config.code_sha256.as_deref(), Some(ZIP_SHA256));

        // `MaxItems` and `Marker` travel in the query string (moto answers all in one page,
        // without a `NextMarker`: the paginator stops after it).
        let mut names: Vec<String> = lambda
            .list_functions()
            .max_items(1)
            .into_paginator()
            .items()
            .map_ok(|f| f.function_name.unwrap_or_default())
            .try_collect()
            .await
            .unwrap();
        names.sort();
        assert_eq!(names, ["typed-a", "typed-b", "typed-c"]);

        let e = lambda
            .get_function()
            .function_name("no-such-function")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(GetFunctionError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );

        // Signatures checked again: a write to a missing function, a modeled error.
        moto.skip_checks_for_next(0).unwrap();
        let e = lambda
            .publish_version()
            .function_name("no-such-function")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(PublishVersionError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );
    });
}
