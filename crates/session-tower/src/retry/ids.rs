//! The headers that tie an operation's attempts together: `amz-sdk-invocation-id` (one
//! random UUID per operation) and `amz-sdk-request: attempt=N; max=M`.

use std::sync::{Arc, Mutex, PoisonError};

use http::HeaderValue;

/// A random version-4 UUID, the SDKs' invocation id format, as a header value.
#[cfg(test)]
pub(super) fn invocation_id() -> HeaderValue {
    invocation_header(&invocation_id_text())
}

pub(super) fn invocation_header(text: &[u8; 36]) -> HeaderValue {
    HeaderValue::from_bytes(text).unwrap_or(HeaderValue::from_static(
        "00000000-0000-4000-8000-000000000000",
    ))
}

/// A random version-4 UUID in text, written without `format!`.
pub(crate) fn invocation_id_text() -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = fastrand::u128(..);
    // Version 4, variant 10xx.
    let b = (bits & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    // Where each of the 16 bytes' two hex digits go in `8-4-4-4-12` form.
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let mut out = *b"00000000-0000-0000-0000-000000000000";
    for (byte, at) in b.to_be_bytes().into_iter().zip(AT) {
        out[at] = HEX[usize::from(byte >> 4)];
        out[at + 1] = HEX[usize::from(byte & 0xf)];
    }
    out
}

/// `attempt=N; max=M` for every attempt.
pub(super) fn attempt_headers(max: u32) -> Arc<[HeaderValue]> {
    // Kept per `max` for the process: clients are made often and a program uses one or two
    // `max_attempts` values; a bound keeps odd programs from growing the list.
    static BY_MAX: Mutex<Vec<(u32, Arc<[HeaderValue]>)>> = Mutex::new(Vec::new());
    let mut known = BY_MAX.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, headers)) = known.iter().find(|(m, _)| *m == max) {
        return Arc::clone(headers);
    }
    let headers: Arc<[HeaderValue]> = (1..=max)
        .map(|n| {
            crate::intern::header_value(
                HeaderValue::from_str(&format!("attempt={n}; max={max}"))
                    .unwrap_or(HeaderValue::from_static("attempt=1")),
            )
        })
        .collect();
    if known.len() < 16 {
        known.push((max, Arc::clone(&headers)));
    }
    headers
}
