//! The decoder's behaviour at its edges: zero-copy, limits, truncation, errors that end
//! the stream, what errors and Debug output leave out.

#![allow(clippy::unwrap_used)]

mod support;

use std::error::Error as _;

use bytes::{Bytes, BytesMut};
use session_eventstream::{
    Decoder, Header, HeaderValue, Message, MessageType, MAX_FRAME_LEN, MAX_HEADERS_LEN,
};
use support::{decode_pieces, prelude, raw_frame};

fn records(payload: &'static [u8]) -> Message {
    Message::event("Records", payload).with_header(":content-type", "application/octet-stream")
}

#[test]
fn a_frame_inside_one_chunk_is_not_copied() {
    let mut wire = BytesMut::new();
    records(b"first").encode_into(&mut wire).unwrap();
    records(b"second").encode_into(&mut wire).unwrap();
    let chunk = wire.freeze();
    let range = chunk.as_ptr_range();

    let mut decoder = Decoder::new();
    decoder.push(chunk.clone());
    for expected in [&b"first"[..], b"second"] {
        let message = decoder.next_message().unwrap().unwrap();
        assert_eq!(message.payload().as_ref(), expected);
        assert!(range.contains(&message.payload().as_ptr()));
    }
    assert!(decoder.next_message().unwrap().is_none());
    assert_eq!(decoder.buffered_len(), 0);
    decoder.finish().unwrap();
}

#[test]
fn a_byte_array_header_inside_one_chunk_is_not_copied() {
    let chunk = Message::new("p")
        .with_header("blob", vec![7_u8; 40])
        .encode()
        .unwrap();
    let range = chunk.as_ptr_range();
    let mut decoder = Decoder::new();
    decoder.push(chunk.clone());
    let message = decoder.next_message().unwrap().unwrap();
    let blob = message
        .header("blob")
        .and_then(HeaderValue::as_bytes)
        .unwrap();
    assert_eq!(blob.as_ref(), [7; 40]);
    assert!(range.contains(&blob.as_ptr()));
}

#[test]
fn several_chunks_pushed_before_draining() {
    let messages: Vec<Message> = (0..5)
        .map(|i| Message::event("E", vec![i; 100 * usize::from(i)]))
        .collect();
    let mut wire = BytesMut::new();
    for m in &messages {
        m.encode_into(&mut wire).unwrap();
    }
    let wire = wire.freeze();
    let mut decoder = Decoder::new();
    for at in (0..wire.len()).step_by(97) {
        decoder.push(wire.slice(at..(at + 97).min(wire.len())));
    }
    let mut decoded = Vec::new();
    while let Some(m) = decoder.next_message().unwrap() {
        decoded.push(m);
    }
    decoder.finish().unwrap();
    assert_eq!(decoded, messages);
}

#[test]
fn a_frame_of_exactly_the_limit_decodes() {
    let message = Message::event("Big", vec![0xab; 1]);
    let overhead = message.encoded_len().unwrap() - 1;
    let message = Message::event("Big", vec![0xab; MAX_FRAME_LEN - overhead]);
    let wire = message.encode().unwrap();
    assert_eq!(wire.len(), MAX_FRAME_LEN);
    // Pieces of 1 MiB: the frame is assembled across 16 of them.
    let pieces = (0..wire.len())
        .step_by(1 << 20)
        .map(|at| wire.slice(at..(at + (1 << 20)).min(wire.len())));
    assert_eq!(decode_pieces(pieces).unwrap(), [message]);
}

#[test]
fn a_frame_over_the_limit_is_refused_from_its_prelude() {
    let over = u32::try_from(MAX_FRAME_LEN + 1).unwrap();
    let mut decoder = Decoder::new();
    decoder.push(prelude(over, 0));
    let err = decoder.next_message().unwrap_err();
    assert!(err.is_too_large(), "{err}");
    assert_eq!(
        err.to_string(),
        "event-stream frame of 16777217 bytes is over the 16777216-byte limit"
    );

    let big = Message::new(vec![0; MAX_FRAME_LEN - 15]);
    assert!(big.encode().unwrap_err().is_too_large());
    assert!(big.encoded_len().unwrap_err().is_too_large());
}

#[test]
fn headers_over_the_limit_are_refused() {
    let headers = u32::try_from(MAX_HEADERS_LEN + 1).unwrap();
    let mut decoder = Decoder::new();
    decoder.push(prelude(headers + 16, headers));
    let err = decoder.next_message().unwrap_err();
    assert!(err.is_too_large(), "{err}");
    assert!(
        err.to_string().contains("header section of 131073 bytes"),
        "{err}"
    );

    // Two 65,535-byte values take 131,080 bytes of headers.
    let message = Message::new("")
        .with_header("a", vec![0; 65_535])
        .with_header("b", vec![0; 65_535]);
    assert!(message.encode().unwrap_err().is_too_large());
}

#[test]
fn a_total_length_under_sixteen_is_refused() {
    let mut decoder = Decoder::new();
    decoder.push(prelude(15, 0));
    let err = decoder.next_message().unwrap_err();
    assert!(err.is_frame_length(), "{err}");
}

#[test]
fn truncation_reports_the_bytes_buffered() {
    let wire = records(b"0123456789").encode().unwrap();

    let mut decoder = Decoder::new();
    decoder.push(wire.slice(..5));
    assert!(decoder.next_message().unwrap().is_none());
    let err = decoder.finish().unwrap_err();
    assert!(err.is_truncated(), "{err}");
    assert_eq!(err.buffered_len(), Some(5));
    assert_eq!(
        err.to_string(),
        "event stream ended inside a frame: 5 bytes had arrived, \
         not enough for its 12-byte prelude"
    );

    let mut decoder = Decoder::new();
    decoder.push(wire.slice(..20));
    decoder.push(wire.slice(20..30));
    assert!(decoder.next_message().unwrap().is_none());
    assert_eq!(decoder.buffered_len(), 30);
    let err = decoder.finish().unwrap_err();
    assert_eq!(err.buffered_len(), Some(30));
    assert_eq!(
        err.to_string(),
        format!(
            "event stream ended inside a frame: 30 of its {} bytes had arrived",
            wire.len()
        )
    );
}

#[test]
fn the_first_error_ends_the_stream() {
    let good = records(b"ok").encode().unwrap();
    let mut bad = good.to_vec();
    *bad.last_mut().unwrap() ^= 0xff;

    let mut decoder = Decoder::new();
    decoder.push(bad);
    let err = decoder.next_message().unwrap_err();
    assert!(err.is_message_crc(), "{err}");
    // Later chunks are dropped and every call repeats the error.
    decoder.push(good);
    assert_eq!(decoder.buffered_len(), 0);
    assert_eq!(decoder.next_message().unwrap_err(), err);
    assert_eq!(decoder.finish().unwrap_err(), err);
}

#[test]
fn a_name_that_is_not_utf8_is_a_header_error_with_its_source() {
    let mut headers = vec![2, 0xc3, 0x28, 0]; // name "\xc3\x28", type bool true
    let err = decode_pieces([Bytes::from(raw_frame(&headers, b""))]).unwrap_err();
    assert!(err.is_header(), "{err}");
    assert!(err.source().unwrap().is::<std::str::Utf8Error>());

    headers = vec![1, b'n', 7, 0, 2, 0xc3, 0x28]; // string value "\xc3\x28"
    let err = decode_pieces([Bytes::from(raw_frame(&headers, b""))]).unwrap_err();
    assert!(
        err.to_string().ends_with("its string value is not UTF-8"),
        "{err}"
    );
    assert!(err.source().is_some());
}

#[test]
fn a_header_section_ending_after_a_name_is_a_header_error() {
    let err = decode_pieces([Bytes::from(raw_frame(&[1, b'n'], b"payload"))]).unwrap_err();
    assert!(err.is_header(), "{err}");
    assert!(err
        .to_string()
        .ends_with("the header section ends before its value type"));
}

#[test]
fn values_are_read_within_the_header_section_not_into_the_payload() {
    // A long value (type 5) with only 3 of its 8 bytes in the section; the payload
    // after it has plenty of bytes, which must not be read as the value.
    let err =
        decode_pieces([Bytes::from(raw_frame(&[1, b'n', 5, 1, 2, 3], &[0; 64]))]).unwrap_err();
    assert!(err.is_header(), "{err}");
    assert!(
        err.to_string()
            .ends_with("its value of type 5 needs 8 bytes, the header section has 3 left"),
        "{err}"
    );
}

#[test]
fn errors_and_debug_output_never_show_values_or_payloads() {
    let message = Message::event("E", "payload-s3cr3t").with_header("token", "header-s3cr3t");
    let mut wire = message.encode().unwrap().to_vec();
    *wire.last_mut().unwrap() ^= 1;
    let err = decode_pieces([Bytes::from(wire)]).unwrap_err();
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("s3cr3t"), "{text}");
    }
    let debug = format!("{message:?}");
    assert!(!debug.contains("payload-s3cr3t"), "{debug}");
    assert!(debug.contains("<14 bytes>"), "{debug}");

    let err = Message::new("")
        .with_header("big", "x".repeat(70_000))
        .encode()
        .unwrap_err();
    assert!(err.is_header(), "{err}");
    assert_eq!(
        err.to_string(),
        "event-stream header \"big\" has a 70000-byte value, over the format's 65535"
    );
}

#[test]
fn decoder_debug_shows_lengths_not_bytes() {
    let wire = Message::new("payload-s3cr3t").encode().unwrap();
    let mut decoder = Decoder::new();
    decoder.push(wire.slice(..20));
    assert!(decoder.next_message().unwrap().is_none());
    let debug = format!("{decoder:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(debug.contains("buffered_len: 20"), "{debug}");
}

#[test]
fn the_types_can_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Decoder>();
    send_sync::<Message>();
    send_sync::<session_eventstream::Error>();
}

#[test]
fn header_names_up_to_255_bytes() {
    let name = "n".repeat(255);
    let message = Message::new("x").with_header(name.as_str(), true);
    let wire = message.encode().unwrap();
    assert_eq!(decode_pieces([wire]).unwrap(), [message]);

    let err = Message::new("x")
        .with_header("n".repeat(256), true)
        .encode()
        .unwrap_err();
    assert!(err.is_header(), "{err}");
}

#[test]
fn encode_into_appends_nothing_on_error() {
    let mut dst = BytesMut::from(&b"before"[..]);
    let bad = Message::new("").with_header("n".repeat(300), 1_i32);
    assert!(bad.encode_into(&mut dst).is_err());
    assert_eq!(&dst[..], b"before");
}

#[test]
fn message_type_and_the_well_known_headers() {
    let event = records(b"x");
    assert_eq!(event.message_type(), Some(MessageType::Event));
    assert_eq!(event.event_type(), Some("Records"));
    assert_eq!(event.content_type(), Some("application/octet-stream"));
    assert_eq!(event.exception_type(), None);

    let exception = Message::exception("ValidationException", r#"{"message":"bad"}"#);
    assert_eq!(exception.message_type(), Some(MessageType::Exception));
    assert_eq!(exception.exception_type(), Some("ValidationException"));

    let error = Message::error("InternalFailure", "try again");
    assert_eq!(error.message_type(), Some(MessageType::Error));
    assert_eq!(error.error_code(), Some("InternalFailure"));
    assert_eq!(error.error_message(), Some("try again"));
    assert!(error.payload().is_empty());

    let odd = Message::new("").with_header(":message-type", "initial-response");
    assert_eq!(
        odd.message_type(),
        Some(MessageType::Other("initial-response"))
    );
    // A header of the wrong type is not taken for the string.
    let wrong = Message::new("").with_header(":event-type", 3_i32);
    assert_eq!(wrong.event_type(), None);
    assert_eq!(
        wrong.header(":event-type").and_then(HeaderValue::as_i64),
        Some(3)
    );

    // The first header of a name wins, as the headers keep wire order.
    let twice = Message::new("")
        .with_header(":event-type", "first")
        .with_header(":event-type", "second");
    assert_eq!(twice.event_type(), Some("first"));
    assert_eq!(twice.headers()[1], Header::new(":event-type", "second"));
}
