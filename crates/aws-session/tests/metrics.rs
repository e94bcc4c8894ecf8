//! The metrics a real exchange records: SQS and S3 calls against moto (signature checking
//! on), read back from metrics-util's debugging recorder. One test: a process has one
//! global recorder.

#![cfg(feature = "metrics")]
#![allow(clippy::unwrap_used)]

use aws_session::metrics::names;
use aws_session::s3::S3Client;
use aws_session::sqs::SqsClient;
use metrics::Unit;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::MetricKind;
use session_testkit::Moto;

/// One recorded metric: name, labels, unit and value.
struct Recorded {
    kind: MetricKind,
    name: String,
    labels: Vec<(String, String)>,
    unit: Option<Unit>,
    value: DebugValue,
}

/// The metrics named `name` whose labels include all of `labels`.
fn find<'a>(all: &'a [Recorded], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Recorded> {
    all.iter()
        .filter(|r| r.name == name)
        .filter(|r| {
            labels
                .iter()
                .all(|(k, v)| r.labels.iter().any(|(rk, rv)| rk == k && rv == v))
        })
        .collect()
}

fn counter(all: &[Recorded], name: &str, labels: &[(&str, &str)]) -> u64 {
    find(all, name, labels)
        .iter()
        .map(|r| match r.value {
            DebugValue::Counter(n) => n,
            _ => panic!("{name} is not a counter"),
        })
        .sum()
}

fn gauge(all: &[Recorded], name: &str, labels: &[(&str, &str)]) -> f64 {
    let found = find(all, name, labels);
    assert_eq!(found.len(), 1, "{name} {labels:?}");
    match &found[0].value {
        DebugValue::Gauge(v) => v.0,
        _ => panic!("{name} is not a gauge"),
    }
}

fn histogram(all: &[Recorded], name: &str, labels: &[(&str, &str)]) -> Vec<f64> {
    find(all, name, labels)
        .iter()
        .flat_map(|r| match &r.value {
            DebugValue::Histogram(v) => v.iter().map(|f| f.0).collect::<Vec<_>>(),
            _ => panic!("{name} is not a histogram"),
        })
        .collect()
}

/// What the recorder holds now.
fn recorded(snapshotter: &metrics_util::debugging::Snapshotter) -> Vec<Recorded> {
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, unit, _, value)| {
            let (kind, key) = key.into_parts();
            let (name, labels) = key.into_parts();
            Recorded {
                kind,
                name: name.as_str().to_owned(),
                labels: labels
                    .into_iter()
                    .map(|l| {
                        let (k, v) = l.into_parts();
                        (k.to_string(), v.to_string())
                    })
                    .collect(),
                unit,
                value,
            }
        })
        .collect()
}

fn op(service: &'static str, method: &'static str) -> [(&'static str, &'static str); 2] {
    [(names::RPC_SERVICE, service), (names::RPC_METHOD, method)]
}

#[test]
fn real_calls_record_the_sdk_metrics_and_ours() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder.install().unwrap();

    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let session = moto.session(None);
    rt.block_on(async {
        let sqs = SqsClient::new(&session).unwrap();
        let url = sqs
            .create_queue()
            .queue_name("metrics-proof")
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        for i in 0..3 {
            sqs.send_message()
                .queue_url(&url)
                .message_body(format!("message {i}"))
                .send()
                .await
                .unwrap();
        }
        let missing = sqs.get_queue_url().queue_name("no-such-queue").send().await;
        assert!(missing.is_err());

        let s3 = S3Client::new(&session).unwrap();
        s3.create_bucket()
            .bucket("metrics-proof")
            .send()
            .await
            .unwrap();
        s3.put_object()
            .bucket("metrics-proof")
            .key("k")
            .body(b"0123456789".to_vec())
            .send()
            .await
            .unwrap();
        let got = s3
            .get_object()
            .bucket("metrics-proof")
            .key("k")
            .send()
            .await
            .unwrap();
        assert_eq!(
            &got.body.unwrap().collect().await.unwrap()[..],
            b"0123456789"
        );
    });

    let all = recorded(&snapshotter);

    // The cross-SDK call metrics, per operation.
    let send = op("SQS", "SendMessage");
    assert_eq!(counter(&all, names::CALL_ATTEMPTS, &send), 3);
    assert_eq!(counter(&all, names::CALL_ERRORS, &send), 0);
    for name in [
        names::CALL_DURATION,
        names::CALL_ATTEMPT_DURATION,
        names::CALL_RESOLVE_ENDPOINT_DURATION,
        names::CALL_AUTH_SIGNING_DURATION,
        names::CALL_AUTH_RESOLVE_IDENTITY_DURATION,
    ] {
        let values = histogram(&all, name, &send);
        assert_eq!(values.len(), 3, "{name}: {values:?}");
        assert!(
            values.iter().all(|s| *s >= 0.0 && *s < 10.0),
            "{name}: {values:?}"
        );
    }
    // A call takes at least as long as its attempt, and an attempt as long as its signing.
    let call: f64 = histogram(&all, names::CALL_DURATION, &send).iter().sum();
    let attempt: f64 = histogram(&all, names::CALL_ATTEMPT_DURATION, &send)
        .iter()
        .sum();
    let signing: f64 = histogram(&all, names::CALL_AUTH_SIGNING_DURATION, &send)
        .iter()
        .sum();
    assert!(call >= attempt && attempt > signing && signing > 0.0);
    // The runtime times writing each call's request and reading its answer (once per
    // call: a retry's rebuilt request is not timed again).
    for name in [
        names::CALL_SERIALIZATION_DURATION,
        names::CALL_DESERIALIZATION_DURATION,
    ] {
        let values = histogram(&all, name, &op("SQS", "CreateQueue"));
        assert_eq!(values.len(), 1, "{name}: {values:?}");
        assert!(
            values.iter().all(|s| *s > 0.0 && *s < 1.0),
            "{name}: {values:?}"
        );
    }
    let serialization = histogram(&all, names::CALL_SERIALIZATION_DURATION, &send);
    assert_eq!(
        serialization.len(),
        3,
        "three SendMessage calls: {serialization:?}"
    );
    let failed = op("SQS", "GetQueueUrl");
    assert_eq!(counter(&all, names::CALL_ERRORS, &failed), 1);
    assert_eq!(
        counter(&all, names::CALL_ATTEMPTS, &failed),
        1,
        "not retried"
    );
    let get = op("S3", "GetObject");
    assert_eq!(counter(&all, names::CALL_ATTEMPTS, &get), 1);
    assert_eq!(histogram(&all, names::CALL_DURATION, &get).len(), 1);
    let units = find(&all, names::CALL_DURATION, &[]);
    assert!(units
        .iter()
        .all(|r| r.unit == Some(Unit::Seconds) && r.kind == MetricKind::Histogram));

    // The pool: every attempt acquired a connection and got a first byte; at least one was
    // opened; all bodies were read, so none is still acquired.
    let attempts = counter(&all, names::CALL_ATTEMPTS, &[]);
    assert_eq!(attempts, 8, "create, 3 sends, get-url, bucket, put, get");
    assert_eq!(
        histogram(&all, names::CONNECTIONS_ACQUIRE_DURATION, &[]).len() as u64,
        attempts
    );
    assert_eq!(
        histogram(&all, names::TIME_TO_FIRST_BYTE, &[]).len() as u64,
        attempts
    );
    assert!(counter(&all, names::CONNECTIONS_OPENED, &[]) >= 1);
    let acquired = gauge(
        &all,
        names::CONNECTIONS_USAGE,
        &[(names::STATE, names::ACQUIRED)],
    );
    let idle = gauge(
        &all,
        names::CONNECTIONS_USAGE,
        &[(names::STATE, names::IDLE)],
    );
    assert_eq!(acquired, 0.0);
    // moto closes most connections after an answer, so how many stay idle varies.
    let opened = counter(&all, names::CONNECTIONS_OPENED, &[]) as f64;
    assert!((0.0..=opened).contains(&idle), "{idle} idle of {opened}");
    // Plain HTTP to moto: no handshake.
    assert!(histogram(&all, names::CONNECTIONS_TLS_HANDSHAKE_DURATION, &[]).is_empty());

    // The credentials cache: one wait for the (static) provider, then hits.
    let blocking_ok = [(names::MODE, names::BLOCKING), (names::OUTCOME, names::OK)];
    assert_eq!(
        counter(&all, names::IDENTITY_CACHE_REFRESHES, &blocking_ok),
        1
    );
    assert!(counter(&all, names::IDENTITY_CACHE_MISSES, &[]) >= 1);
    assert!(counter(&all, names::IDENTITY_CACHE_HITS, &[]) >= attempts - 1);

    // No retries, no throttling, no hedges.
    assert_eq!(counter(&all, names::RETRY_THROTTLED, &[]), 0);
    assert_eq!(counter(&all, names::HEDGE_SENT, &[]), 0);

    // The transfer manager: 11 MiB up in three parts and down in three ranges, each byte
    // counted once (nothing was resent), no part left in flight.
    const MIB: usize = 1024 * 1024;
    let data: Vec<u8> = (0..11 * MIB).map(|i| (i % 251) as u8).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    rt.block_on(async {
        let config = session_transfer::TransferConfig::default()
            .multipart_threshold(5 * MIB as u64)
            .multipart_chunksize(5 * MIB as u64)
            // moto keeps a wrong whole-object CRC64NVME of multipart uploads (PEERS.md).
            .checksum(session_transfer::ChecksumAlgorithm::Crc32);
        let tm = session_transfer::TransferManager::from_session(&session, config).unwrap();
        let up = tm
            .upload_bytes(data.clone(), "metrics-proof", "big")
            .await
            .unwrap();
        assert_eq!(up.parts, 3);
        tm.download_file("metrics-proof", "big", &path)
            .await
            .unwrap();
    });
    assert_eq!(std::fs::read(&path).unwrap(), data);
    let all = recorded(&snapshotter);
    for direction in ["upload", "download"] {
        let d = [(names::TRANSFER_DIRECTION, direction)];
        assert_eq!(
            counter(&all, names::TRANSFER_BYTES, &d),
            11 * MIB as u64,
            "{direction}"
        );
        assert_eq!(
            gauge(&all, names::TRANSFER_PARTS_IN_FLIGHT, &d),
            0.0,
            "{direction}"
        );
    }
    let units = find(&all, names::TRANSFER_BYTES, &[]);
    assert!(
        units.iter().all(|r| r.unit == Some(Unit::Bytes)),
        "described in bytes"
    );
}
