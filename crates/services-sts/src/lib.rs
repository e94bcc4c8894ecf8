//! Typed client for sts (in progress).
