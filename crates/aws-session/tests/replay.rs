//! Record and replay against a real server: STS, SQS and S3 calls made against moto
//! (signature checking on) with temporary credentials (a session token) are recorded to a
//! file; the file holds no secret; then, with moto stopped, the same calls through clients
//! pointed at an unreachable endpoint are answered from the file with the same outputs, and
//! a changed request fails with the replayer's mismatch.

#![allow(clippy::unwrap_used)]

use aws_session::s3::S3Client;
use aws_session::sqs::SqsClient;
use aws_session::sts::StsClient;
use aws_session::{Env, SdkBody, Session};
use session_testkit::Moto;
use session_tower::replay::{Recorder, ReplayError, Replayer, REDACTED};
use session_tower::transport::Transport;

/// Nothing listens on port 1: a replaying client that sent anything would fail to connect.
const UNREACHABLE: &str = "http://127.0.0.1:1";

/// A session isolated from the machine (no environment, empty files) with these
/// credentials, pointed at `endpoint`.
fn session(endpoint: &str, key: &str, secret: &str, token: Option<&str>) -> Session {
    let builder = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id(key)
        .secret_access_key(secret)
        .setting("endpoint_url", endpoint);
    match token {
        Some(token) => builder.session_token(token),
        None => builder,
    }
    .build()
    .unwrap()
}

/// What the calls returned, to compare live and replayed.
#[derive(Debug, PartialEq)]
struct Outputs {
    role_key_id: String,
    queue_url: String,
    message_id: String,
    body_md5: String,
    received: Vec<String>,
    object: Vec<u8>,
    keys: Vec<String>,
}

/// The secrets of a live run, which the file must not hold.
struct Secrets {
    role_secret: String,
    role_token: String,
}

/// Assumes `role_arn` with the base credentials, then makes SQS and S3 calls with the
/// role's temporary credentials, every client sending through `http`.
async fn calls<H>(endpoint: &str, base: (&str, &str), role_arn: &str, http: H) -> (Outputs, Secrets)
where
    H: tower::Service<http::Request<SdkBody>, Response = http::Response<SdkBody>>
        + Clone
        + Send
        + Sync
        + 'static,
    H::Error: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    H::Future: Send + 'static,
{
    let sts = StsClient::builder(&session(endpoint, base.0, base.1, None))
        .http_client(http.clone())
        .build()
        .unwrap();
    let role = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("replay")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let secrets = Secrets {
        role_secret: role.secret_access_key.unwrap(),
        role_token: role.session_token.unwrap(),
    };
    let role_key_id = role.access_key_id.unwrap();
    let temporary = session(
        endpoint,
        &role_key_id,
        &secrets.role_secret,
        Some(&secrets.role_token),
    );

    let sqs = SqsClient::builder(&temporary)
        .http_client(http.clone())
        .build()
        .unwrap();
    let queue_url = sqs
        .create_queue()
        .queue_name("replay-proof")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let sent = sqs
        .send_message()
        .queue_url(&queue_url)
        .message_body("hello, replay ✓")
        .send()
        .await
        .unwrap();
    let received = sqs
        .receive_message()
        .queue_url(&queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.body)
        .collect();

    let s3 = S3Client::builder(&temporary)
        .http_client(http)
        .build()
        .unwrap();
    s3.create_bucket()
        .bucket("replay-proof")
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("replay-proof")
        .key("dir/a.txt")
        .body(b"object bytes".to_vec())
        .send()
        .await
        .unwrap();
    let object = s3
        .get_object()
        .bucket("replay-proof")
        .key("dir/a.txt")
        .send()
        .await
        .unwrap()
        .body
        .unwrap()
        .collect()
        .await
        .unwrap()
        .to_vec();
    let keys = s3
        .list_objects_v2()
        .bucket("replay-proof")
        .prefix("dir/")
        .send()
        .await
        .unwrap()
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();

    let outputs = Outputs {
        role_key_id,
        queue_url,
        message_id: sent.message_id.unwrap(),
        body_md5: sent.md5_of_message_body.unwrap(),
        received,
        object,
        keys,
    };
    (outputs, secrets)
}

#[test]
fn recorded_calls_replay_without_the_server_and_keep_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calls.json");
    let rt = tokio::runtime::Runtime::new().unwrap();

    // Record against moto.
    let moto = Moto::start_with_auth().unwrap();
    let role_arn = moto.create_role("replay-role").unwrap();
    let base_key = moto.credentials().access_key_id().to_owned();
    let base_secret = moto.credentials().secret_access_key().to_owned();
    let recorder = Recorder::new(Transport::builder().build().unwrap());
    let (live, secrets) = rt.block_on(calls(
        moto.endpoint(),
        (&base_key, &base_secret),
        &role_arn,
        recorder.clone(),
    ));
    assert_eq!(live.received, ["hello, replay ✓"]);
    assert_eq!(live.object, b"object bytes");
    assert_eq!(live.keys, ["dir/a.txt"]);
    recorder.save(&file).unwrap();
    drop(moto);

    // The file holds no secret: not the base secret, not the role's secret or token.
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(recorder.recording().len(), 8);
    for (what, secret) in [
        ("base secret", base_secret.as_str()),
        ("role secret", secrets.role_secret.as_str()),
        ("session token", secrets.role_token.as_str()),
    ] {
        assert!(!secret.is_empty());
        assert!(!text.contains(secret), "the {what} is in the recording");
    }
    // The signatures and the token header went too; the AssumeRole answer is still XML.
    assert!(
        !text.contains("Signature="),
        "a signature is in the recording"
    );
    assert!(
        text.contains(&format!("<SessionToken>{REDACTED}</SessionToken>")),
        "{text}"
    );

    // Replay with moto gone, other base credentials, and an endpoint nothing listens on.
    let replayer = Replayer::from_file(&file).unwrap();
    let (replayed, _) = rt.block_on(calls(
        UNREACHABLE,
        ("AKIDREPLAY", "another-secret"),
        &role_arn,
        replayer.clone(),
    ));
    assert_eq!(replayed, live);
    replayer.assert_done().unwrap();

    // A changed request: the queue's name differs from the recorded one.
    let replayer = Replayer::from_file(&file).unwrap();
    rt.block_on(async {
        let base = session(UNREACHABLE, "AKIDREPLAY", "another-secret", None);
        let sts = StsClient::builder(&base)
            .http_client(replayer.clone())
            .build()
            .unwrap();
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("replay")
            .send()
            .await
            .unwrap();
        let sqs = SqsClient::builder(&base)
            .http_client(replayer.clone())
            .build()
            .unwrap();
        let e = sqs
            .create_queue()
            .queue_name("another-queue")
            .send()
            .await
            .unwrap_err();
        // Not retried: one failed request, and the exchange stays unused.
        let stack = e.as_stack().unwrap();
        assert!(stack.is_layer(), "{e:?}");
        let replay = std::error::Error::source(stack)
            .and_then(|s| s.downcast_ref::<ReplayError>())
            .unwrap();
        assert!(replay.is_mismatch(), "{replay}");
        assert_eq!(replay.index(), Some(1));
        assert_eq!(
            replay.to_string(),
            "replay: exchange 1 expected POST / with X-Amz-Target=AmazonSQS.CreateQueue, got \
             POST / with X-Amz-Target=AmazonSQS.CreateQueue: body member \"QueueName\" differs: \
             expected \"replay-proof\", got \"another-queue\""
        );
    });
    let unfinished = replayer.assert_done().unwrap_err();
    assert!(unfinished.is_unfinished());
    let listed = unfinished.to_string();
    assert_eq!(listed.matches("QueueName").count(), 1, "{listed}");
    assert!(listed.contains("exchange 7 (GET /replay-proof"), "{listed}");
}

/// Concurrent sends and a modeled error, recorded in whatever order they finished, then
/// replayed in any order.
async fn concurrent_calls<H>(endpoint: &str, key: &str, secret: &str, http: H) -> Vec<String>
where
    H: tower::Service<http::Request<SdkBody>, Response = http::Response<SdkBody>>
        + Clone
        + Send
        + Sync
        + 'static,
    H::Error: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    H::Future: Send + 'static,
{
    let sqs = SqsClient::builder(&session(endpoint, key, secret, None))
        .http_client(http)
        .build()
        .unwrap();
    let url = sqs
        .create_queue()
        .queue_name("replay-any-order")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let sends = (0..4).map(|i| {
        let sqs = sqs.clone();
        let url = url.clone();
        tokio::spawn(async move {
            sqs.send_message()
                .queue_url(url)
                .message_body(format!("message {i}"))
                .send()
                .await
                .unwrap()
                .md5_of_message_body
                .unwrap()
        })
    });
    let mut out = Vec::new();
    for send in sends.collect::<Vec<_>>() {
        out.push(send.await.unwrap());
    }
    let missing = sqs
        .get_queue_url()
        .queue_name("no-such-queue")
        .send()
        .await
        .unwrap_err();
    out.push(missing.code().unwrap().to_owned());
    out
}

#[test]
fn concurrent_calls_replay_in_any_order_with_their_errors() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let moto = Moto::start_with_auth().unwrap();
    let creds = moto.credentials().clone();
    let recorder = Recorder::new(Transport::builder().build().unwrap());
    let live = rt.block_on(concurrent_calls(
        moto.endpoint(),
        creds.access_key_id(),
        creds.secret_access_key(),
        recorder.clone(),
    ));
    drop(moto);
    assert_eq!(
        live.last().map(String::as_str),
        Some("AWS.SimpleQueueService.NonExistentQueue")
    );
    let recording = recorder.recording();
    assert_eq!(recording.len(), 6);

    let replayer = Replayer::new(recording).any_order();
    let replayed = rt.block_on(concurrent_calls(
        UNREACHABLE,
        "AKIDREPLAY",
        "another-secret",
        replayer.clone(),
    ));
    assert_eq!(replayed, live);
    replayer.assert_done().unwrap();
}
