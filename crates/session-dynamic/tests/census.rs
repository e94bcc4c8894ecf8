//! The census: in one process, every service of the vendored pack builds its shape tables
//! and a client, and signs a request for its first operation (by name) with a sample input
//! of its required members — endpoint rules, auth and the protocol's serializer included,
//! sent nowhere (a dry run's recorder stands in for the transport). The services that
//! cannot are listed with the reason; `KNOWN` is that list, and docs/services.md shows it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::collections::BTreeMap;
use std::time::Instant;

use session_core::{Env, Session};
use session_dynamic::DynClient;

/// Services that do not get through the census yet, and why (a prefix of the reason).
const KNOWN: &[(&str, &str)] = &[(
    // Its endpoint rules parse the key-value store's ARN, which a placeholder is not.
    "cloudfront-keyvaluestore",
    "DeleteKey: could not resolve the endpoint: KVS ARN must be a valid ARN",
)];

fn session() -> Session {
    Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDCENSUS")
        .secret_access_key("census-secret")
        .setting("max_attempts", "1")
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_builds_and_serializes_its_first_operation() {
    let pack = session_models::Pack::open(support::PACK).unwrap();
    let session = session();
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    let (mut services, mut operations) = (0, 0);
    let start = Instant::now();
    for svc in pack.services() {
        services += 1;
        let name = svc.name();
        let client = match DynClient::builder(&session, name)
            .models(support::pack())
            // For the services whose auth is a bearer token (CodeCatalyst).
            .configure(|b| b.bearer_token("census-token"))
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                failures.insert(name.to_owned(), format!("client: {e}"));
                continue;
            }
        };
        operations += client.tables().operations.len();
        let Some(first) = client.operation_names().next() else {
            failures.insert(name.to_owned(), "no operations".into());
            continue;
        };
        let input = client.sample_input(first).unwrap();
        if let Err(e) = client.dry_run(first, input).await {
            failures.insert(name.to_owned(), format!("{e}"));
        }
    }
    println!(
        "census: {services} services, {operations} operations, {} failures, {:.1}s",
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    for (name, why) in &failures {
        println!("  {name}: {why}");
    }
    assert!(services > 400, "{services} services in the pack");
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(name, why)| {
            !KNOWN
                .iter()
                .any(|(n, reason)| n == name && why.starts_with(reason))
        })
        .map(|(name, why)| format!("{name}: {why}"))
        .collect();
    let fixed: Vec<&str> = KNOWN
        .iter()
        .filter(|(n, _)| !failures.contains_key(*n))
        .map(|(n, _)| *n)
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "new failures:\n{}\nno longer failing (remove from KNOWN): {fixed:?}",
        unexpected.join("\n")
    );
}
