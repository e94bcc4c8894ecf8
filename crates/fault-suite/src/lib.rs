//! A test-only crate: the fault scenarios of the SQS (AWS JSON), STS (AWS query) and S3
//! (REST-XML) clients, in `tests/scenarios/`.
//!
//! Each scenario points a client at `session_testkit::faults::FaultServer` (an in-process
//! STUB that misbehaves on demand: no real service resets a connection mid-body when asked)
//! and asserts what the AWS SDKs promise: the outcome, the number of attempts the server
//! saw, an elapsed-time bound, and that an operation with effects was not carried out
//! twice. Every scenario runs twice, on the fused path of a plain client and on the
//! layered path of a client with an identity layer before signing.
//!
//! Scenarios that fail because of known engine gaps are `#[ignore = "engine gap: ..."]`;
//! run them with `cargo test -p fault-suite -- --ignored`.
