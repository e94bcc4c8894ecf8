//! The public cross-SDK test suites, every case run through session-core's public API. The
//! vendored data and its sources are in `tests/data/<suite>/NOTICE`; cases a runner does not
//! follow (and why) are listed in docs/configuration.md and docs/credentials.md, and each
//! runner checks that list against the suite and the docs.

#![allow(clippy::unwrap_used)]

mod assume_role;
mod configured_endpoints;
mod container;
mod credential_chain;
mod file_location;
mod imds_endpoint;
mod profile_parser;
mod support;
mod traffic;
