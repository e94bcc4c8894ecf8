//! Role `client`: what a client costs, in a fresh process per contender and service.
//!
//! "Loaded configuration" is built first and not timed (ours: the `Session`, files
//! injected; the middle contender: nothing, its keys are constants). Then, wall time on one
//! thread: the first client of the process, the median of [`NEXT`] more (each dropped after
//! it is timed), and the median over batches of a client's clone (clone and drop).
//!
//! What a "client" is: ours, `session.client::<Sqs>()` / `::<S3>()`; raw hyper, a
//! hyper-util `Client`; the middle contender, a hyper-util `Client` and an `aws-sigv4`
//! `Identity` made from the static keys. The two hyper contenders use the same client for
//! both services.

use std::hint::black_box;
use std::time::Instant;

use aws_session::s3::S3;
use aws_session::sqs::Sqs;
use aws_session::{AwsService, SessionClientExt as _};
use serde::{Deserialize, Serialize};

use crate::contenders::{http_client, ours, signed, Which};
use crate::stats::median;

/// Clients made after the first: batches of [`PER_BATCH`], each batch kept alive until it
/// is timed (a clock read per client would be most of a hyper client's cost).
pub(crate) const NEXT: usize = 1_000;
const PER_BATCH: usize = 50;
const CLONE_BATCHES: usize = 101;
const CLONES_PER_BATCH: u32 = 1_000;

/// Which service's client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// `Sqs`.
    Sqs,
    /// `S3`.
    S3,
}

impl Service {
    /// The name on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Service::Sqs => "sqs",
            Service::S3 => "s3",
        }
    }

    /// The service named `name`.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        [Service::Sqs, Service::S3]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// What a `client` process reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ClientReport {
    /// The first client of the process, µs.
    pub(crate) first_us: f64,
    /// The next [`NEXT`] clients: median of the batches' means, µs.
    pub(crate) next_us: f64,
    /// Median clone (and drop) of a client, ns.
    pub(crate) clone_ns: f64,
}

/// Measures `which`'s clients of `service`.
///
/// # Errors
/// The runtime, the session or a client cannot be built.
pub(crate) fn run(which: Which, service: Service, port: u16) -> Result<ClientReport, String> {
    // hyper-util's client may spawn on the current runtime; every contender gets one.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let _guard = rt.enter();
    match which {
        Which::Raw => measure(|| Ok(http_client())),
        Which::Signed => measure(|| Ok((http_client(), signed::identity()))),
        Which::Ours => {
            let session = ours::session(port)?;
            match service {
                Service::Sqs => measure(|| typed::<Sqs>(&session)),
                Service::S3 => measure(|| typed::<S3>(&session)),
            }
        }
    }
}

fn typed<T: AwsService>(session: &aws_session::Session) -> Result<T::Client, String> {
    session.client::<T>().map_err(|e| format!("client: {e}"))
}

fn measure<C: Clone>(make: impl Fn() -> Result<C, String>) -> Result<ClientReport, String> {
    let start = Instant::now();
    let first = black_box(make()?);
    let first_us = start.elapsed().as_secs_f64() * 1e6;
    let mut next = Vec::with_capacity(NEXT / PER_BATCH);
    let mut batch = Vec::with_capacity(PER_BATCH);
    for _ in 0..NEXT / PER_BATCH {
        let start = Instant::now();
        for _ in 0..PER_BATCH {
            batch.push(black_box(make()?));
        }
        next.push(start.elapsed().as_secs_f64() * 1e6 / PER_BATCH as f64);
        batch.clear();
    }
    let mut clones = Vec::with_capacity(CLONE_BATCHES);
    for _ in 0..CLONE_BATCHES {
        let start = Instant::now();
        for _ in 0..CLONES_PER_BATCH {
            drop(black_box(first.clone()));
        }
        clones.push(start.elapsed().as_secs_f64() * 1e9 / f64::from(CLONES_PER_BATCH));
    }
    Ok(ClientReport {
        first_us,
        next_us: median(&next),
        clone_ns: median(&clones),
    })
}
