//! Typed client for dynamodb (in progress).
