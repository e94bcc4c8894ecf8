//! Error fields of Smithy RPC v2 CBOR responses, read with `minicbor`'s decoder.

use minicbor::data::Type;
use minicbor::Decoder;

/// Whether `body` starts like a CBOR map (major type 5, definite or indefinite length).
pub(super) fn looks_like_map(body: &[u8]) -> bool {
    body.first().is_some_and(|b| (0xa0..=0xbf).contains(b))
}

/// `__type` (namespace and `:` suffix stripped), `message` / `Message`, and `RequestId` of
/// a top-level CBOR map; `None`s for what is absent, not text, or does not decode.
pub(super) fn error_fields(body: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let mut fields = (None, None, None);
    // A malformed body keeps what was read before the fault.
    let _ = read(body, &mut fields);
    fields
}

type Fields = (Option<String>, Option<String>, Option<String>);

fn read(body: &[u8], out: &mut Fields) -> Result<(), minicbor::decode::Error> {
    let mut d = Decoder::new(body);
    let len = d.map()?;
    let mut seen = 0u64;
    loop {
        match len {
            Some(n) if seen == n => return Ok(()),
            None if d.datatype()? == Type::Break => return Ok(()),
            _ => {}
        }
        seen += 1;
        let key = match d.datatype()? {
            Type::String => Some(d.str()?),
            _ => {
                d.skip()?;
                None
            }
        };
        let value = match d.datatype()? {
            Type::String => Some(d.str()?.to_owned()),
            _ => {
                d.skip()?;
                None
            }
        };
        let (Some(key), Some(value)) = (key, value) else {
            continue;
        };
        match key {
            "__type" => out.0 = Some(super::json::sanitize_code(&value)),
            "message" | "Message" | "errorMessage" if out.1.is_none() => out.1 = Some(value),
            "RequestId" | "requestId" => out.2 = Some(value),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(pairs: &[(&str, &str)], definite: bool) -> Vec<u8> {
        let mut e = minicbor::Encoder::new(Vec::new());
        if definite {
            e.map(pairs.len() as u64).unwrap();
        } else {
            e.begin_map().unwrap();
        }
        for (k, v) in pairs {
            e.str(k).unwrap().str(v).unwrap();
        }
        if !definite {
            e.end().unwrap();
        }
        e.into_writer()
    }

    #[test]
    fn type_and_message_from_either_length() {
        for definite in [true, false] {
            let body = encode(
                &[
                    ("__type", "smithy.protocoltests.rpcv2Cbor#InvalidGreeting"),
                    ("Message", "Hi"),
                ],
                definite,
            );
            assert!(looks_like_map(&body));
            let (code, message, _) = error_fields(&body);
            assert_eq!(code.as_deref(), Some("InvalidGreeting"));
            assert_eq!(message.as_deref(), Some("Hi"));
        }
    }

    #[test]
    fn garbage_gives_nothing_and_no_panic() {
        assert_eq!(error_fields(b"\xbf\x66__ty"), (None, None, None));
        assert_eq!(error_fields(b""), (None, None, None));
        assert!(!looks_like_map(b"{}"));
    }
}
