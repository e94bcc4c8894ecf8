//! A server whose clock differs from ours (corrected once, never to an implausible time),
//! and credentials the server calls expired (refreshed once).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use session_core::credentials::{
    Credentials, ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
};
use session_testkit::faults::{utc, Fault, FaultServer, Script, SeenRequest};

use crate::support::fixtures::*;
use crate::support::{assert_one_operation, build, operations, retries, s3, signing_year, sts};
use crate::support::{Clock, Path};

/// The time a request was signed at, from its `x-amz-date` (`20260102T030405Z`).
fn signed_at(req: &SeenRequest) -> Option<SystemTime> {
    let d = req.header("x-amz-date")?;
    let num = |r: std::ops::Range<usize>| d.get(r)?.parse::<u64>().ok();
    Some(utc(
        num(0..4)?,
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
        num(13..15)?,
    ))
}

/// How far apart two times are.
fn distance(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b)
        .or_else(|_| b.duration_since(a))
        .unwrap_or_default()
}

/// S3's allowance: 15 minutes.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// A server whose clock runs `ahead` of ours, refusing signatures more than 15 minutes off
/// its own time with `refusal` (carrying its `Date`), answering `ok` otherwise.
fn skewed_server(
    ahead: Duration,
    behind: bool,
    refusal: fn() -> Fault,
    ok: fn() -> Fault,
) -> Script {
    Script::from_fn(move |req| {
        let server_now = if behind {
            SystemTime::now() - ahead
        } else {
            SystemTime::now() + ahead
        };
        match signed_at(req) {
            Some(t) if distance(t, server_now) < MAX_SKEW => ok(),
            _ => refusal().date(server_now),
        }
    })
}

fn too_skewed() -> Fault {
    s3_error(
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
    )
}

/// S3 with a clock 2 hours ahead: `RequestTimeTooSkewed` with its `Date`; the client
/// learns the offset, retries at once, and later operations are signed right first time.
async fn s3_clock_skew_is_corrected(path: Path) {
    let two_hours = Duration::from_secs(2 * 3600);
    let server = FaultServer::start(skewed_server(two_hours, false, too_skewed, s3_listing))
        .await
        .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    list(&s3).await.unwrap();
    let seen = assert_one_operation(&server, 2);
    let corrected = signed_at(&seen[1]).unwrap();
    assert!(distance(corrected, SystemTime::now() + two_hours) < Duration::from_secs(60));
    list(&s3).await.unwrap();
    assert_eq!(
        operations(&server).iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 1]
    );
    clock.within(Duration::from_secs(2));
}
scenario!(s3_clock_skew_is_corrected);

fn sts_signature_expired() -> Fault {
    sts_error(
        403,
        "SignatureDoesNotMatch",
        "Signature expired: the request time is now earlier than the server time minus 15 min.",
    )
}

/// STS with a clock 40 minutes behind ours, refusing with `SignatureDoesNotMatch`
/// ("Signature expired") and its `Date`: corrected and retried once.
async fn sts_clock_skew_is_corrected(path: Path) {
    let server = FaultServer::start(skewed_server(
        Duration::from_secs(40 * 60),
        true,
        sts_signature_expired,
        sts_identity,
    ))
    .await
    .unwrap();
    let sts = sts(&server.session(), path, 3);
    let clock = Clock::start();
    identity(&sts).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_one_operation(&server, 2);
}
scenario!(sts_clock_skew_is_corrected);

/// A server that says the time is 9999-12-31: an implausible clock, not adopted. The
/// refusal is returned after one attempt, and the next operation is signed with our own
/// clock (which this server accepts).
async fn a_date_in_year_9999_is_not_adopted(path: Path) {
    let year_9999 = utc(9999, 12, 31, 23, 59, 59);
    let this_year = signing_year_now();
    let server = FaultServer::start(Script::from_fn(move |req| {
        if req.index == 0 || signing_year(req) != this_year {
            too_skewed().date(year_9999)
        } else {
            s3_listing()
        }
    }))
    .await
    .unwrap();
    let s3 = s3(&server.session(), path, 3);
    let clock = Clock::start();
    let e = list(&s3).await.unwrap_err();
    assert_eq!(e.code(), Some("RequestTimeTooSkewed"), "{e:?}");
    assert_one_operation(&server, 1);
    list(&s3).await.unwrap();
    let ops = operations(&server);
    assert_eq!(ops.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1]);
    assert_eq!(signing_year(&ops[1][0]), this_year);
    clock.within(Duration::from_secs(2));
}
scenario!(a_date_in_year_9999_is_not_adopted);

/// The current year, as SigV4 writes it.
fn signing_year_now() -> u32 {
    let text = session_testkit::faults::http_date(SystemTime::now());
    // "Fri, 02 Jan 2026 03:04:05 GMT"
    text.get(12..16).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// Hands out credentials `token-1`, `token-2`, ... (or always `token-1`), counting calls.
#[derive(Debug)]
struct CountingProvider {
    calls: AtomicUsize,
    fresh_each_time: bool,
}

impl ProvideCredentials for CountingProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let n = if self.fresh_each_time { n } else { 1 };
        ProvideCredentialsFuture::ready(Ok(Credentials::new(
            format!("ASIAFAULT{n:011}"),
            format!("secret-{n}"),
            Some(format!("token-{n}")),
            Some(SystemTime::now() + Duration::from_secs(3600)),
            "fault-suite counting provider",
        )))
    }
}

fn expired_token() -> Fault {
    sts_error(
        400,
        "ExpiredToken",
        "The security token included in the request is expired",
    )
}

fn client_with(
    server: &FaultServer,
    provider: &Arc<CountingProvider>,
    path: Path,
) -> services_sts::StsClient {
    let shared: SharedCredentialsProvider = provider.clone();
    build(
        services_sts::StsClient::builder(&server.session())
            .retry(retries(3))
            .credentials_provider(shared),
        path,
    )
}

/// `ExpiredToken` for credentials the cache still thought valid: the client drops them,
/// asks the provider once more, and the retry with the new token succeeds.
async fn expired_token_is_refreshed_once(path: Path) {
    let server = FaultServer::start(Script::from_fn(|req| {
        if req.header("x-amz-security-token") == Some("token-1") {
            expired_token()
        } else {
            sts_identity()
        }
    }))
    .await
    .unwrap();
    let provider = Arc::new(CountingProvider {
        calls: AtomicUsize::new(0),
        fresh_each_time: true,
    });
    let sts = client_with(&server, &provider, path);
    let clock = Clock::start();
    identity(&sts).await.unwrap();
    clock.within(Duration::from_secs(2));
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].header("x-amz-security-token"), Some("token-2"));
}
scenario!(expired_token_is_refreshed_once);

/// `ExpiredToken` however often the provider is asked: one refresh and one retry, then the
/// error; no storm of provider calls or attempts.
async fn expired_token_refresh_is_not_repeated(path: Path) {
    let server = FaultServer::start(Script::always(expired_token()))
        .await
        .unwrap();
    let provider = Arc::new(CountingProvider {
        calls: AtomicUsize::new(0),
        fresh_each_time: false,
    });
    let sts = client_with(&server, &provider, path);
    let clock = Clock::start();
    let e = identity(&sts).await.unwrap_err();
    clock.within(Duration::from_secs(2));
    assert_eq!(e.code(), Some("ExpiredToken"), "{e:?}");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2, "refreshed once");
    assert_one_operation(&server, 2);
}
scenario!(expired_token_refresh_is_not_repeated);
