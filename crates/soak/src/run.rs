//! The driver: the server, a typed SQS client with retries, `concurrency` callers sharing
//! one client until `calls` calls were made, and a sampler.

use std::sync::Arc;
use std::time::{Duration, Instant};

use services_sqs::SqsClient;
use session_core::{Env, Session};
use session_tower::retry::RetryConfig;

use crate::check::{self, Verdict};
use crate::sample::{self, Sample};
use crate::server::{CannedSqs, Faults};
use crate::tally::{Counts, Ending, Tally};

const QUEUE_URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/soak";
const MESSAGE: &str = "soak: one of a million";

/// How a soak run is made.
#[derive(Debug, Clone)]
pub struct Config {
    /// Calls to make.
    pub calls: u64,
    /// Calls in flight at once (callers sharing the client).
    pub concurrency: usize,
    /// Time between samples (one is also taken when 20% of the calls have finished, and
    /// one at the end).
    pub sample_every: Duration,
    /// What the server does.
    pub faults: Faults,
    /// Attempts per call (standard retries).
    pub max_attempts: u32,
    /// The retries' backoff base (short, so a million calls fit in minutes; the
    /// backoff's length is not what a soak tests).
    pub backoff: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            calls: 1_000_000,
            concurrency: 32,
            sample_every: Duration::from_secs(10),
            faults: Faults::default(),
            max_attempts: 3,
            backoff: Duration::from_millis(5),
        }
    }
}

/// What a run did and whether it passed.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The calls' outcomes.
    pub counts: Counts,
    /// RSS and fd samples, in order; the last one taken after the last call.
    pub samples: Vec<Sample>,
    /// The whole run's duration.
    pub elapsed: Duration,
    /// Requests the server read (attempts, retries included).
    pub requests: u64,
    /// Connections the server accepted.
    pub connections: u64,
    /// Connections the server reset.
    pub resets: u64,
    /// `503` answers.
    pub unavailable: u64,
    /// The checks: accounting, RSS, fds.
    pub verdicts: Vec<Verdict>,
}

impl Outcome {
    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|v| v.passed)
    }

    /// Calls per second over the whole run.
    pub fn rate(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let calls = self.counts.finished() as f64;
        calls / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs a soak on a runtime of its own (two worker threads: this machine's cores).
///
/// # Errors
/// The runtime, the server or the client could not be started.
pub fn run(config: &Config) -> Result<Outcome, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(soak(config))
}

async fn soak(config: &Config) -> Result<Outcome, String> {
    let server = CannedSqs::start(config.faults, MESSAGE)
        .await
        .map_err(|e| format!("server: {e}"))?;
    // Isolated from the machine: no env, no files, static credentials.
    let session = Session::builder()
        .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
        .config_file_contents("")
        .credentials_file_contents("")
        .access_key_id("AKIDSOAK")
        .secret_access_key("soak-secret")
        .setting("endpoint_url", server.url())
        .build()
        .map_err(|e| format!("session: {e}"))?;
    let sqs = SqsClient::builder(&session)
        .retry(
            RetryConfig::standard()
                .max_attempts(config.max_attempts)
                .initial_backoff(config.backoff),
        )
        .build()
        .map_err(|e| format!("client: {e}"))?;

    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let sampler = tokio::spawn(sampler(
        tally.clone(),
        config.calls,
        config.sample_every,
        started,
    ));
    let mut callers = tokio::task::JoinSet::new();
    for _ in 0..config.concurrency.max(1) {
        let (sqs, tally, calls) = (sqs.clone(), tally.clone(), config.calls);
        callers.spawn(async move {
            while tally.claim(calls).is_some() {
                tally.record(call(&sqs).await);
            }
        });
    }
    while let Some(joined) = callers.join_next().await {
        joined.map_err(|e| format!("a caller panicked: {e}"))?;
    }
    let elapsed = started.elapsed();
    let mut samples = sampler
        .await
        .map_err(|e| format!("the sampler panicked: {e}"))?;
    let counts = tally.counts();
    samples.push(sample::take(elapsed, counts.finished()));
    let s = server.counts();
    let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
    let verdicts = vec![
        check::accounted(&counts, config.calls),
        check::rss_flat(&samples, config.calls),
        check::fds_flat(&samples, config.calls),
    ];
    Ok(Outcome {
        counts,
        samples,
        elapsed,
        requests: load(&s.requests),
        connections: load(&s.connections),
        resets: load(&s.resets),
        unavailable: load(&s.unavailable),
        verdicts,
    })
}

/// One `SendMessage`, reduced to how it ended.
async fn call(sqs: &SqsClient) -> Ending {
    let sent = sqs
        .send_message()
        .queue_url(QUEUE_URL)
        .message_body(MESSAGE)
        .send()
        .await;
    match sent {
        Ok(out) if out.message_id.is_some() => Ending::Success,
        Ok(_) => Ending::OtherError,
        Err(e) if e.is_service() => Ending::ServiceError,
        Err(_) => Ending::OtherError,
    }
}

/// Samples every `every`, and once as soon as a fifth of the calls have finished (the
/// reference of the flatness checks), until every call has finished.
async fn sampler(tally: Arc<Tally>, calls: u64, every: Duration, started: Instant) -> Vec<Sample> {
    let mut samples = vec![sample::take(Duration::ZERO, 0)];
    let mut last = Instant::now();
    let mut reference_taken = false;
    // A short tick, so the 20% sample is taken close to 20% even on a fast run.
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    loop {
        tick.tick().await;
        let done = tally.counts().finished();
        if done >= calls {
            return samples;
        }
        let at_reference = !reference_taken && done * 5 >= calls;
        if at_reference || last.elapsed() >= every {
            reference_taken |= at_reference;
            last = Instant::now();
            samples.push(sample::take(started.elapsed(), done));
        }
    }
}
