//! Properties over generated messages and bytes: encode→decode is the identity, how the
//! bytes are cut into chunks changes nothing, cut-short streams say how much they hold,
//! corruption is always caught, and no input makes the decoder panic.

#![allow(clippy::unwrap_used)]

mod support;

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use session_eventstream::{Error, HeaderValue, Message};
use support::{cut, decode_pieces, prelude, raw_frame};

fn header_value() -> impl Strategy<Value = HeaderValue> {
    prop_oneof![
        any::<bool>().prop_map(HeaderValue::Bool),
        any::<i8>().prop_map(HeaderValue::Byte),
        any::<i16>().prop_map(HeaderValue::Short),
        any::<i32>().prop_map(HeaderValue::Integer),
        any::<i64>().prop_map(HeaderValue::Long),
        vec(any::<u8>(), 0..64).prop_map(|v| HeaderValue::ByteArray(v.into())),
        "(?s).{0,32}".prop_map(HeaderValue::String),
        any::<i64>().prop_map(HeaderValue::Timestamp),
        any::<[u8; 16]>().prop_map(HeaderValue::Uuid),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    (
        vec(("(?s).{0,24}", header_value()), 0..8),
        vec(any::<u8>(), 0..2048),
    )
        .prop_map(|(headers, payload)| {
            headers
                .into_iter()
                .fold(Message::new(payload), |m, (name, value)| {
                    m.with_header(name, value)
                })
        })
}

/// The messages' frames back to back, and where each frame ends.
fn wire(messages: &[Message]) -> (Bytes, Vec<usize>) {
    let mut wire = BytesMut::new();
    let mut ends = Vec::new();
    for m in messages {
        m.encode_into(&mut wire).unwrap();
        ends.push(wire.len());
    }
    (wire.freeze(), ends)
}

/// Every error the decoder returns answers yes to one of the predicates.
fn classified(err: &Error) -> bool {
    err.is_prelude_crc()
        || err.is_message_crc()
        || err.is_header()
        || err.is_frame_length()
        || err.is_truncated()
        || err.is_too_large()
}

proptest! {
    #[test]
    fn encode_then_decode_is_the_identity(m in message()) {
        let frame = m.encode().unwrap();
        prop_assert_eq!(frame.len(), m.encoded_len().unwrap());
        prop_assert_eq!(decode_pieces([frame]).unwrap(), vec![m]);
    }

    #[test]
    fn chunking_changes_nothing(
        messages in vec(message(), 1..6),
        cuts in vec(any::<prop::sample::Index>(), 0..24),
    ) {
        let (wire, _) = wire(&messages);
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
        prop_assert_eq!(decode_pieces(cut(&wire, &cuts)).unwrap(), messages);
    }

    #[test]
    fn a_cut_short_stream_keeps_its_whole_frames_and_reports_the_rest(
        messages in vec(message(), 1..4),
        len in any::<prop::sample::Index>(),
        piece in 1_usize..300,
    ) {
        let (wire, ends) = wire(&messages);
        let len = len.index(wire.len());
        let whole = ends.iter().filter(|&&end| end <= len).count();
        let start_of_rest = if whole == 0 { 0 } else { ends[whole - 1] };
        let prefix = wire.slice(..len);
        let pieces: Vec<Bytes> = (0..len)
            .step_by(piece)
            .map(|at| prefix.slice(at..(at + piece).min(len)))
            .collect();

        let mut decoder = session_eventstream::Decoder::new();
        let mut decoded = Vec::new();
        for p in pieces {
            decoder.push(p);
            while let Some(m) = decoder.next_message().unwrap() {
                decoded.push(m);
            }
        }
        prop_assert_eq!(&decoded[..], &messages[..whole]);
        if len == start_of_rest {
            prop_assert!(decoder.finish().is_ok());
        } else {
            let err = decoder.finish().unwrap_err();
            prop_assert!(err.is_truncated(), "{}", err);
            prop_assert_eq!(err.buffered_len(), Some(len - start_of_rest));
        }
    }

    #[test]
    fn any_one_corrupted_byte_is_caught(
        messages in vec(message(), 1..4),
        at in any::<prop::sample::Index>(),
        flip in 1_u8..=255,
        piece in 1_usize..500,
    ) {
        let (wire, _) = wire(&messages);
        let mut bad = wire.to_vec();
        let at = at.index(bad.len());
        bad[at] ^= flip;
        let bad = Bytes::from(bad);
        let pieces = (0..bad.len()).step_by(piece).map(|at| bad.slice(at..(at + piece).min(bad.len())));
        let err = decode_pieces(pieces).unwrap_err();
        prop_assert!(classified(&err), "{}", err);
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in vec(any::<u8>(), 0..600),
        cuts in vec(any::<usize>(), 0..8),
    ) {
        let bytes = Bytes::from(bytes);
        if let Err(err) = decode_pieces(cut(&bytes, &cuts)) {
            prop_assert!(classified(&err), "{}", err);
        }
    }

    #[test]
    fn arbitrary_lengths_behind_a_correct_prelude_crc_never_panic(
        total in prop_oneof![0_u32..200, any::<u32>()],
        headers in prop_oneof![0_u32..200, any::<u32>()],
        rest in vec(any::<u8>(), 0..400),
        cuts in vec(any::<usize>(), 0..4),
    ) {
        let mut bytes = prelude(total, headers);
        bytes.extend_from_slice(&rest);
        let bytes = Bytes::from(bytes);
        if let Err(err) = decode_pieces(cut(&bytes, &cuts)) {
            prop_assert!(classified(&err) && !err.is_prelude_crc(), "{}", err);
        }
    }

    /// Arbitrary header-section bytes in a frame whose lengths and CRCs are right: either
    /// a header error, or a message that encodes back to the very same frame.
    #[test]
    fn arbitrary_header_sections_decode_exactly_or_fail_as_headers(
        section in prop_oneof![
            vec(any::<u8>(), 0..200),
            // Mostly plausible sections: small name lengths and known type codes.
            vec(prop_oneof![0_u8..10, any::<u8>()], 0..200),
        ],
        payload in vec(any::<u8>(), 0..64),
    ) {
        let frame = Bytes::from(raw_frame(&section, &payload));
        match decode_pieces([frame.clone()]) {
            Ok(messages) => {
                prop_assert_eq!(messages.len(), 1);
                prop_assert_eq!(messages[0].encode().unwrap(), frame);
            }
            Err(err) => prop_assert!(err.is_header(), "{}", err),
        }
    }
}
