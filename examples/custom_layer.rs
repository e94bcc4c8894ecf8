//! Putting your own tower layers into a client's stack, at the three named points:
//! around the whole operation, per attempt before signing (sees the unsigned request and
//! may change it), per attempt after signing (sees the exact request sent).
//!
//! ```text
//! cargo run --example custom_layer
//! ```

#![allow(clippy::print_stdout)] // printing is this example's job

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_session::sts::StsClient;
use aws_session::SdkBody;
use http::{HeaderValue, Request};
use tower::limit::ConcurrencyLimitLayer;
use tower::util::MapRequestLayer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let moto = session_testkit::Moto::start_with_auth()?;
    let session = moto.session(None);

    let seen_signed = Arc::new(AtomicUsize::new(0));
    let counter = seen_signed.clone();
    let client = StsClient::builder(&session)
        // Any tower layer drops in: at most 8 operations in flight.
        .layer_around_operation(ConcurrencyLimitLayer::new(8))
        // Before signing: add a header, and it gets signed.
        .layer_before_signing(MapRequestLayer::new(|mut req: Request<SdkBody>| {
            req.headers_mut()
                .insert("x-example-tenant", HeaderValue::from_static("blue"));
            req
        }))
        // After signing: look at what goes on the wire (the Authorization value is marked
        // sensitive, so printing the headers shows it redacted).
        .layer_after_signing(MapRequestLayer::new(move |req: Request<SdkBody>| {
            counter.fetch_add(1, Ordering::Relaxed);
            let signed = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("x-example-tenant"))
                .unwrap_or(false);
            println!(
                "after signing: {} {} (tenant header signed: {signed})",
                req.method(),
                req.uri()
            );
            req
        }))
        .build()?;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let who = rt.block_on(client.get_caller_identity().send())?;
    println!("caller: {}", who.arn.unwrap_or_default());
    println!(
        "requests seen after signing: {}",
        seen_signed.load(Ordering::Relaxed)
    );
    Ok(())
}
