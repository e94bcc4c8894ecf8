//! Endpoint discovery for Timestream (the model requires it), through the whole stack with
//! an in-process scripted transport. A stub, because no installable server does this:
//! moto's Timestream answers `DescribeEndpoints` with the real AWS host, which a test
//! cannot reach. The transport sees every signed request as it would go out (host, target,
//! signature), and answers as Timestream would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::future::Ready;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use session_core::{Env, Session};
use session_dynamic::DynClient;
use session_tower::{Error, SdkBody};
use support::pack;

/// One request as the transport saw it: the host it went to and the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    host: String,
    target: String,
}

/// Answers `DescribeEndpoints` with cell `n` (the next one on every call), and any other
/// operation sent to a host it did not hand out last with `InvalidEndpointException`.
#[derive(Clone, Default)]
struct Timestream {
    seen: Arc<Mutex<Vec<Seen>>>,
    cell: Arc<Mutex<u32>>,
}

impl Timestream {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }

    /// Hands out a new cell on the next discovery: the one in use becomes invalid.
    fn move_cell(&self) {
        *self.cell.lock().unwrap() += 1;
    }

    fn host(cell: u32) -> String {
        format!("ingest-cell{cell}.timestream.us-east-1.amazonaws.com")
    }
}

fn answer(status: u16, body: &str) -> Response<SdkBody> {
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-requestid", "req-1")
        .body(SdkBody::from(body.to_owned()))
        .unwrap()
}

impl tower_service::Service<Request<SdkBody>> for Timestream {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = Ready<Result<Response<SdkBody>, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
        let host = req.uri().authority().unwrap().to_string();
        let target = req.headers()["x-amz-target"].to_str().unwrap().to_owned();
        let auth = req.headers()["authorization"].to_str().unwrap().to_owned();
        assert!(
            auth.contains("/us-east-1/timestream/aws4_request"),
            "{auth}"
        );
        assert_eq!(req.uri().scheme_str(), Some("https"));
        self.seen.lock().unwrap().push(Seen {
            host: host.clone(),
            target: target.clone(),
        });
        let cell = *self.cell.lock().unwrap();
        let resp = if target.ends_with(".DescribeEndpoints") {
            answer(
                200,
                &format!(
                    r#"{{"Endpoints":[{{"Address":"{}","CachePeriodInMinutes":1}}]}}"#,
                    Self::host(cell)
                ),
            )
        } else if host != Self::host(cell) {
            answer(
                421,
                r#"{"__type":"com.amazonaws.timestream.v20181101#InvalidEndpointException","message":"The requested endpoint was invalid."}"#,
            )
        } else {
            answer(
                200,
                r#"{"Database":{"DatabaseName":"metrics","Arn":"arn:aws:timestream:us-east-1:123456789012:database/metrics","TableCount":2}}"#,
            )
        };
        std::future::ready(Ok(resp))
    }
}

fn session(extra: &[(&str, &str)]) -> Session {
    let mut b = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDDISCOVERY")
        .secret_access_key("discovery-test-secret")
        .setting("max_attempts", "1");
    for (k, v) in extra {
        b = b.setting(*k, *v);
    }
    b.build().unwrap()
}

fn timestream(session: &Session, stub: &Timestream) -> DynClient {
    let stub = stub.clone();
    DynClient::builder(session, "timestream-write")
        .models(pack())
        .configure(move |b| b.http_client(stub.clone()))
        .build()
        .unwrap()
}

const DESCRIBE: &str = "Timestream_20181101.DescribeEndpoints";
const DATABASE: &str = "Timestream_20181101.DescribeDatabase";

fn seen(host: &str, target: &str) -> Seen {
    Seen {
        host: host.to_owned(),
        target: target.to_owned(),
    }
}

#[tokio::test(start_paused = true)]
async fn discovered_cached_refreshed_and_replaced_when_invalid() {
    let stub = Timestream::default();
    let client = timestream(&session(&[]), &stub);
    let input = serde_json::json!({"DatabaseName": "metrics"});

    // The first call asks for the endpoints (at the host the rules give), then goes to cell 0.
    let out = client.call_json("DescribeDatabase", &input).await.unwrap();
    assert_eq!(out["Database"]["TableCount"], 2);
    let first = stub.seen();
    assert_eq!(first.len(), 2, "{first:?}");
    assert_eq!(first[0].target, DESCRIBE);
    assert_ne!(first[0].host, Timestream::host(0), "{first:?}");
    assert_eq!(first[1], seen(&Timestream::host(0), DATABASE));
    assert_eq!(client.discovered_endpoint(), Some(Timestream::host(0)));

    // Cached: the next call goes straight to the cell.
    stub.clear();
    client.call_json("DescribeDatabase", &input).await.unwrap();
    assert_eq!(stub.seen(), [seen(&Timestream::host(0), DATABASE)]);

    // The cell moves: the service says the endpoint is invalid; one fresh discovery and
    // the call is sent again, to the new cell.
    stub.clear();
    stub.move_cell();
    client.call_json("DescribeDatabase", &input).await.unwrap();
    let moved = stub.seen();
    assert_eq!(moved.len(), 3, "{moved:?}");
    assert_eq!(moved[0], seen(&Timestream::host(0), DATABASE));
    assert_eq!(moved[1].target, DESCRIBE);
    assert_eq!(moved[2], seen(&Timestream::host(1), DATABASE));

    // CachePeriodInMinutes = 1: after a minute the endpoints are asked for again.
    stub.clear();
    tokio::time::advance(Duration::from_secs(61)).await;
    assert_eq!(client.discovered_endpoint(), None);
    client.call_json("DescribeDatabase", &input).await.unwrap();
    let later: Vec<String> = stub.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(later, [DESCRIBE, DATABASE]);
}

#[tokio::test]
async fn invalid_twice_is_the_service_error() {
    // Every discovery hands out a cell that is already stale: one fresh try, then the
    // service's error, with its code.
    #[derive(Clone, Default)]
    struct Stale(Timestream);
    impl tower_service::Service<Request<SdkBody>> for Stale {
        type Response = Response<SdkBody>;
        type Error = Error;
        type Future = Ready<Result<Response<SdkBody>, Error>>;
        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
            self.0.poll_ready(cx)
        }
        fn call(&mut self, req: Request<SdkBody>) -> Self::Future {
            let describe = req.headers()["x-amz-target"]
                .to_str()
                .unwrap()
                .ends_with(".DescribeEndpoints");
            let resp = self.0.call(req);
            if describe {
                self.0.move_cell();
            }
            resp
        }
    }
    let stale = Stale::default();
    let inner = stale.0.clone();
    let client = DynClient::builder(&session(&[]), "timestream-write")
        .models(pack())
        .configure(move |b| b.http_client(stale.clone()))
        .build()
        .unwrap();
    let err = client
        .call_json(
            "DescribeDatabase",
            &serde_json::json!({"DatabaseName": "metrics"}),
        )
        .await
        .unwrap_err();
    assert!(err.is_service(), "{err}");
    assert_eq!(err.code(), Some("InvalidEndpointException"));
    let targets: Vec<String> = inner.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(targets, [DESCRIBE, DATABASE, DESCRIBE, DATABASE]);
}

#[tokio::test]
async fn disabled_is_an_error_and_a_configured_endpoint_is_used_as_is() {
    let input = serde_json::json!({"DatabaseName": "metrics"});
    let stub = Timestream::default();
    let off = timestream(&session(&[("endpoint_discovery_enabled", "false")]), &stub);
    let err = off.call_json("DescribeDatabase", &input).await.unwrap_err();
    assert!(err.is_config(), "{err}");
    assert!(
        err.to_string().contains("endpoint_discovery_enabled"),
        "{err}"
    );
    assert!(stub.seen().is_empty(), "nothing is sent");

    // With an endpoint URL the request goes there, without discovery.
    let configured = timestream(
        &session(&[("endpoint_url", "https://timestream.internal.example")]),
        &stub,
    );
    let err = configured
        .call_json("DescribeDatabase", &input)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidEndpointException"), "{err}");
    assert_eq!(stub.seen(), [seen("timestream.internal.example", DATABASE)]);
    assert_eq!(configured.discovered_endpoint(), None);
}
