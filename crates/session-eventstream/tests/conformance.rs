//! The smithy-rs event-stream test frames (tests/data, see its NOTICE): the valid ones
//! decode to what their bytes hold, the invalid ones fail with the error their names
//! describe, whether the frame arrives whole or a byte at a time.

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use session_eventstream::{Decoder, Error, Header, HeaderValue, Message};

fn frame(name: &str) -> Bytes {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .into()
}

/// Decodes `bytes` pushed in pieces of `piece` bytes: every message, then `finish`.
fn decode(bytes: &Bytes, piece: usize) -> Result<Vec<Message>, Error> {
    let mut decoder = Decoder::new();
    let mut messages = Vec::new();
    for at in (0..bytes.len()).step_by(piece) {
        decoder.push(bytes.slice(at..(at + piece).min(bytes.len())));
        while let Some(message) = decoder.next_message()? {
            messages.push(message);
        }
    }
    decoder.finish()?;
    Ok(messages)
}

/// The one message of a valid frame, the same whole and a byte at a time.
fn decode_one(name: &str) -> Message {
    let bytes = frame(name);
    let whole = decode(&bytes, bytes.len()).unwrap();
    assert_eq!(whole.len(), 1, "{name}");
    assert_eq!(decode(&bytes, 1).unwrap(), whole, "{name}");
    // Re-encoding gives the frame back byte for byte.
    assert_eq!(whole[0].encode().unwrap(), bytes, "{name}");
    whole.into_iter().next().unwrap()
}

/// The error of an invalid frame, the same whole and a byte at a time.
fn decode_err(name: &str) -> Error {
    let bytes = frame(name);
    let whole = decode(&bytes, bytes.len()).unwrap_err();
    assert_eq!(decode(&bytes, 1).unwrap_err(), whole, "{name}");
    whole
}

#[test]
fn valid_with_all_headers_and_payload() {
    let message = decode_one("valid_with_all_headers_and_payload");
    let uuid = 0xb79b_c914_de21_4e13_b8b2_bc47_e85b_7f0b_u128.to_be_bytes();
    assert_eq!(
        message.headers(),
        [
            Header::new("true", true),
            Header::new("false", false),
            Header::new("byte", 50_i8),
            Header::new("short", 20_000_i16),
            Header::new("int", 500_000_i32),
            Header::new("long", 50_000_000_000_i64),
            Header::new("bytes", &b"some bytes"[..]),
            Header::new("str", "some str"),
            Header::new("time", HeaderValue::Timestamp(5_000_000_000)),
            Header::new("uuid", uuid),
        ]
    );
    assert_eq!(message.payload().as_ref(), b"some payload");
    assert_eq!(message.header("int"), Some(&HeaderValue::Integer(500_000)));
    assert_eq!(message.header_str("str"), Some("some str"));
    assert_eq!(message.header("missing"), None);
    assert_eq!(message.message_type(), None);
}

#[test]
fn valid_empty_payload() {
    let message = decode_one("valid_empty_payload");
    assert_eq!(message.headers(), [Header::new("some-header", 500_i16)]);
    assert!(message.payload().is_empty());
}

#[test]
fn valid_no_headers() {
    let message = decode_one("valid_no_headers");
    assert!(message.headers().is_empty());
    assert_eq!(message.payload().as_ref(), b"another test payload");
}

#[test]
fn the_three_valid_frames_back_to_back_in_any_piece_size() {
    let names = [
        "valid_with_all_headers_and_payload",
        "valid_empty_payload",
        "valid_no_headers",
    ];
    let mut wire = Vec::new();
    for name in names {
        wire.extend_from_slice(&frame(name));
    }
    let wire = Bytes::from(wire);
    let expected: Vec<Message> = names.iter().map(|n| decode_one(n)).collect();
    for piece in 1..=wire.len() {
        assert_eq!(decode(&wire, piece).unwrap(), expected, "pieces of {piece}");
    }
}

#[test]
fn invalid_prelude_checksum() {
    let err = decode_err("invalid_prelude_checksum");
    assert!(err.is_prelude_crc(), "{err}");
    assert_eq!(
        err.to_string(),
        "event-stream prelude CRC mismatch: the frame states 0xdeadbeef, \
         its first 8 bytes give 0x8bb495fb"
    );
}

#[test]
fn invalid_message_checksum() {
    let err = decode_err("invalid_message_checksum");
    assert!(err.is_message_crc() && !err.is_header(), "{err}");
    assert_eq!(
        err.to_string(),
        "event-stream message CRC mismatch: the frame states 0xdeadbeef, \
         its bytes give 0x01a05860"
    );
}

#[test]
fn invalid_headers_length() {
    // 77 bytes of headers stated for an 89-byte frame, which has room for 73.
    let err = decode_err("invalid_headers_length");
    assert!(err.is_header(), "{err}");
    assert!(err.to_string().contains("77 bytes of headers"), "{err}");
}

#[test]
fn invalid_header_value_type() {
    // The third header, "byte", has type 0x60.
    let err = decode_err("invalid_header_value_type");
    assert!(err.is_header() && !err.is_message_crc(), "{err}");
    assert_eq!(
        err.to_string(),
        "event-stream header #2 (at byte 25 of the frame) is malformed: \
         unknown value type 0x60 (the format has 0 to 9)"
    );
}

#[test]
fn invalid_header_name_length() {
    // After "false", a name length of 255 where 108 bytes of headers are left.
    let err = decode_err("invalid_header_name_length");
    assert!(err.is_header(), "{err}");
    assert_eq!(
        err.to_string(),
        "event-stream header #2 (at byte 25 of the frame) is malformed: \
         its name length 255 runs past the header section (108 bytes left)"
    );
}

#[test]
fn invalid_header_name_length_too_long() {
    // After "true", a name length of 102 in a 77-byte header section. The file holds
    // 30 more bytes after the stated 93-byte frame; the frame's error comes first.
    let err = decode_err("invalid_header_name_length_too_long");
    assert!(err.is_header(), "{err}");
    assert!(err.to_string().contains("header #1 "), "{err}");
    assert!(err.to_string().contains("name length 102"), "{err}");
}

#[test]
fn invalid_header_string_value_length() {
    // The "str" header states a 65,535-byte value.
    let err = decode_err("invalid_header_string_value_length");
    assert!(err.is_header(), "{err}");
    assert!(
        err.to_string().starts_with("event-stream header #7 "),
        "{err}"
    );
    assert!(err.to_string().contains("needs 65537 bytes"), "{err}");
}

#[test]
fn invalid_header_string_length_cut_off() {
    // The header section ends inside the "str" header's value.
    let err = decode_err("invalid_header_string_length_cut_off");
    assert!(err.is_header(), "{err}");
    assert!(
        err.to_string().starts_with("event-stream header #7 "),
        "{err}"
    );
}

#[test]
fn every_valid_frame_cut_short_is_truncated() {
    for name in [
        "valid_with_all_headers_and_payload",
        "valid_empty_payload",
        "valid_no_headers",
    ] {
        let bytes = frame(name);
        for len in 1..bytes.len() {
            let err = decode(&bytes.slice(..len), 1).unwrap_err();
            assert!(err.is_truncated(), "{name}[..{len}]: {err}");
            assert_eq!(err.buffered_len(), Some(len), "{name}[..{len}]");
        }
    }
}
