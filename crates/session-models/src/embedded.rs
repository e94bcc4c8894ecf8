//! The vendored pack, built into the binary (feature `embed`).

/// `models/pack/botocore-1.43.67.pack`, written by `just models`.
pub(crate) static BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/pack/botocore-1.43.67.pack"
));
