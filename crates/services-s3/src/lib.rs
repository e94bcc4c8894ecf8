//! Typed client for s3 (in progress).
