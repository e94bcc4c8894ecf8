//! Hand-written additions to the generated SSM API (session-codegen's `customize`
//! hook). None are needed yet: every operation is used as the model gives it.
