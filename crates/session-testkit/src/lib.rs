//! Real local peer servers for integration tests: installed on first use, started on free
//! loopback ports, killed on drop.
//!
//! | peer | speaks | signatures | install (once) |
//! |---|---|---|---|
//! | [`Moto`] | S3, SQS, STS, DynamoDB, IAM | off, or on with [`Moto::start_with_auth`] | pip venv, ~30 s |
//! | [`S3sFs`] | S3 (strict) | always checked | `cargo install`, ~2 min |
//! | [`Seaweed`] | S3 (`weed mini`) | checked (not the payload hash) | pip venv, ~10 s |
//! | [`SeaweedCluster`] | S3 (master, volume servers, filer, gateway) | as `Seaweed` | the same venv |
//!
//! Installs live under `<target>/peers/` (see [`peers_dir`]), guarded by file locks so that
//! test processes started at once install each peer once; the machine needs only the Rust
//! toolchain and Python 3. Each server runs with a cleared environment (`PATH` and a private
//! `HOME` and `TMPDIR`), so no `AWS_*` variable or `~/.aws` file of the machine reaches it.
//! A server is killed when its handle drops, and by a watchdog process if the test process
//! dies first (so even a static, never-dropped instance does not outlive the tests).
//!
//! Starting is synchronous and fast (moto ~0.5 s, s3s-fs ~20 ms, weed ~1 s); call it from
//! sync tests or before entering an async runtime, or in `spawn_blocking`.
//!
//! ```no_run
//! use session_testkit::{http, Moto};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let moto = Moto::start_with_auth()?;
//! let creds = moto.credentials();
//! // Point a client at moto.endpoint(), region moto.region(), signing with `creds`.
//! let answer = http::send(moto.addr(), &http::Request::new("GET", "/moto-api/data.json"))?;
//! assert_eq!(answer.status, 200);
//! # let _ = creds;
//! # Ok(()) }
//! ```
//!
//! Misbehaving servers (resets, stalls, truncated bodies, skewed clocks, redirects) have no
//! installable peer either: [`faults::FaultServer`] is an in-process STUB scripted per
//! request, with refused and black-holed ports beside it.
//!
//! Credential endpoints that have no installable peer (EC2 instance metadata, container
//! credentials, the IAM Identity Center portal) are covered by in-process loopback STUBS in
//! [`stubs`], which follow the documented protocols; they are not the real services.
//!
//! Environment variables: `CARGO_TARGET_DIR` (where `<target>` is), [`PEERS_DIR_ENV`]
//! (install elsewhere, e.g. a CI cache), [`PYTHON_ENV`] (the Python that creates venvs),
//! `CARGO` (the cargo that builds s3s-fs).

mod credentials;
mod error;
pub mod faults;
pub mod http;
mod install;
mod log_capture;
mod moto;
mod port;
mod process;
mod s3s_fs;
mod seaweed;
mod seaweed_cluster;
mod session;
mod shared;
pub mod stubs;
mod target_dir;

pub use credentials::Credentials;
pub use error::Error;
pub use install::PYTHON_ENV;
pub use log_capture::LogCapture;
pub use moto::{Moto, MOTO_SPEC};
pub use s3s_fs::{S3sFs, S3S_FS_VERSION};
pub use seaweed::{Seaweed, SEAWEED_SPEC};
pub use seaweed_cluster::SeaweedCluster;
pub use session::{session_builder_for, session_for};
pub use target_dir::{peers_dir, target_dir, PEERS_DIR_ENV};

/// Every message in an error's `source()` chain, joined with ` / `: what a test asserts on
/// when the detail it wants sits a few causes deep.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(" / ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}
