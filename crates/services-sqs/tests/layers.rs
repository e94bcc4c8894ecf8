//! User layers at the three named points of a client's stack, and a user HTTP client,
//! against moto with signature checking on: a layer before signing sees the unsigned
//! request and what it adds is signed (moto checks the signature over it); a layer after
//! signing sees the signed request; a layer around the operation sees one call per
//! operation; any tower layer (`ConcurrencyLimitLayer`) drops in.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use http::{HeaderValue, Request};
use services_sqs::SqsClient;
use session_testkit::Moto;
use session_tower::transport::Transport;
use session_tower::SdkBody;
use tower::limit::ConcurrencyLimitLayer;
use tower::util::MapRequestLayer;
use tower::ServiceBuilder;

/// What each layer saw: for every request, its `Authorization` value (empty when unsigned).
type Seen = Arc<Mutex<Vec<String>>>;

fn authorization(req: &Request<SdkBody>) -> String {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

#[test]
fn layers_at_each_point_see_what_their_place_promises() {
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let operations = Arc::new(AtomicUsize::new(0));
    let (before, after): (Seen, Seen) = Default::default();
    let sqs = {
        let (operations, before, after) = (operations.clone(), before.clone(), after.clone());
        SqsClient::builder(&moto.session(None))
            .layer(ConcurrencyLimitLayer::new(2))
            .layer_around_operation(MapRequestLayer::new(move |req: Request<SdkBody>| {
                operations.fetch_add(1, Ordering::SeqCst);
                req
            }))
            .layer_before_signing(MapRequestLayer::new(move |mut req: Request<SdkBody>| {
                before.lock().unwrap().push(authorization(&req));
                req.headers_mut()
                    .insert("x-layer-tenant", HeaderValue::from_static("blue"));
                req
            }))
            .layer_after_signing(MapRequestLayer::new(move |req: Request<SdkBody>| {
                after.lock().unwrap().push(authorization(&req));
                req
            }))
            .build()
            .unwrap()
    };
    rt.block_on(async {
        let url = sqs
            .create_queue()
            .queue_name("layers-at-each-point")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        sqs.send_message()
            .queue_url(&url)
            .message_body("through the layers")
            .send()
            .await
            .unwrap();
        let got = sqs.receive_message().queue_url(&url).send().await.unwrap();
        let bodies: Vec<_> = got
            .messages
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| m.body)
            .collect();
        assert_eq!(bodies, ["through the layers"]);
    });
    assert_eq!(operations.load(Ordering::SeqCst), 3);
    let before = before.lock().unwrap();
    assert_eq!(before.len(), 3);
    assert!(before.iter().all(String::is_empty), "{before:?}");
    let after = after.lock().unwrap();
    assert_eq!(after.len(), 3);
    for auth in after.iter() {
        assert!(auth.starts_with("AWS4-HMAC-SHA256 "), "{auth}");
        // The header the earlier layer added is signed, and moto accepted the signature.
        assert!(auth.contains("x-layer-tenant"), "{auth}");
    }
}

#[test]
fn a_user_http_client_gets_the_signed_requests() {
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let seen: Seen = Default::default();
    let sqs = {
        let seen = seen.clone();
        let recording = ServiceBuilder::new()
            .map_request(move |req: Request<SdkBody>| {
                seen.lock().unwrap().push(authorization(&req));
                req
            })
            .service(Transport::builder().build().unwrap());
        SqsClient::builder(&moto.session(None))
            .http_client(recording)
            .build()
            .unwrap()
    };
    rt.block_on(async {
        let url = sqs
            .create_queue()
            .queue_name("through-a-user-client")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        // A modeled error still comes back parsed through the user's client.
        let missing = sqs
            .get_queue_url()
            .queue_name("no-such-queue-here")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                missing.as_service(),
                Some(services_sqs::operations::GetQueueUrlError::QueueDoesNotExist(_))
            ),
            "{missing:?}"
        );
        // The query code, as botocore reports it for a query-compatible service.
        assert_eq!(
            missing.service_error().and_then(|s| s.code()),
            Some("AWS.SimpleQueueService.NonExistentQueue")
        );
        assert!(url.contains("through-a-user-client"));
    });
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|a| a.starts_with("AWS4-HMAC-SHA256 ")),
        "{seen:?}"
    );
}
