//! CBOR bodies compared as data, as botocore's runner compares them: both decoded (with
//! `minicbor`'s tokenizer) into a tree, then compared with definite and indefinite lengths
//! alike, maps as unordered, numbers by value whatever their width (an integer equals the
//! float of the same value, NaN equals NaN), tags by number and content.

use minicbor::data::Token;
use minicbor::decode::Tokenizer;

/// A decoded CBOR item.
#[derive(Debug, Clone)]
pub enum Item {
    /// An integer (major types 0 and 1).
    Int(i128),
    /// A float of any width.
    Float(f64),
    /// A byte string (chunks joined).
    Bytes(Vec<u8>),
    /// A text string (chunks joined).
    Text(String),
    /// An array.
    Array(Vec<Item>),
    /// A map, in wire order.
    Map(Vec<(Item, Item)>),
    /// A tagged item.
    Tag(u64, Box<Item>),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// Another simple value.
    Simple(u8),
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        use Item::{Array, Bool, Bytes, Float, Int, Map, Null, Simple, Tag, Text, Undefined};
        #[allow(clippy::cast_precision_loss)]
        let num = |i: &Item| match i {
            Int(n) => Some(*n as f64),
            Float(f) => Some(*f),
            _ => None,
        };
        match (self, other) {
            (Int(a), Int(b)) => a == b,
            (Int(_) | Float(_), Int(_) | Float(_)) => {
                let (a, b) = (
                    num(self).unwrap_or_default(),
                    num(other).unwrap_or_default(),
                );
                (a.is_nan() && b.is_nan()) || a == b
            }
            (Bytes(a), Bytes(b)) => a == b,
            (Text(a), Text(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Map(a), Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            (Tag(t, a), Tag(u, b)) => t == u && a == b,
            (Bool(a), Bool(b)) => a == b,
            (Null, Null) | (Undefined, Undefined) => true,
            (Simple(a), Simple(b)) => a == b,
            _ => false,
        }
    }
}

/// Decodes one whole CBOR document.
///
/// # Errors
/// Malformed or truncated CBOR, or bytes after the document.
pub fn decode(body: &[u8]) -> Result<Item, String> {
    let mut d = minicbor::Decoder::new(body);
    let mut tokens = d.tokens();
    let item = next(&mut tokens)?;
    if tokens.next().is_some() {
        return Err("bytes after the CBOR document".into());
    }
    Ok(item)
}

fn token<'b>(t: &mut Tokenizer<'_, 'b>) -> Result<Token<'b>, String> {
    match t.next() {
        Some(Ok(tok)) => Ok(tok),
        Some(Err(e)) => Err(format!("malformed CBOR: {e}")),
        None => Err("CBOR cut short".into()),
    }
}

fn next(t: &mut Tokenizer<'_, '_>) -> Result<Item, String> {
    let tok = token(t)?;
    item(t, tok)
}

fn item<'b>(t: &mut Tokenizer<'_, 'b>, tok: Token<'b>) -> Result<Item, String> {
    Ok(match tok {
        Token::Bool(b) => Item::Bool(b),
        Token::U8(n) => Item::Int(n.into()),
        Token::U16(n) => Item::Int(n.into()),
        Token::U32(n) => Item::Int(n.into()),
        Token::U64(n) => Item::Int(n.into()),
        Token::I8(n) => Item::Int(n.into()),
        Token::I16(n) => Item::Int(n.into()),
        Token::I32(n) => Item::Int(n.into()),
        Token::I64(n) => Item::Int(n.into()),
        Token::Int(n) => Item::Int(n.into()),
        Token::F16(f) | Token::F32(f) => Item::Float(f.into()),
        Token::F64(f) => Item::Float(f),
        Token::Bytes(b) => Item::Bytes(b.to_vec()),
        Token::String(s) => Item::Text(s.to_owned()),
        Token::Array(n) => Item::Array((0..n).map(|_| next(t)).collect::<Result<_, _>>()?),
        Token::Map(n) => Item::Map(
            (0..n)
                .map(|_| Ok((next(t)?, next(t)?)))
                .collect::<Result<_, String>>()?,
        ),
        Token::Tag(tag) => Item::Tag(tag.as_u64(), Box::new(next(t)?)),
        Token::Simple(s) => Item::Simple(s),
        Token::Null => Item::Null,
        Token::Undefined => Item::Undefined,
        Token::Break => return Err("a break outside an indefinite item".into()),
        Token::BeginBytes => {
            let mut out = Vec::new();
            loop {
                match token(t)? {
                    Token::Break => break Item::Bytes(out),
                    Token::Bytes(b) => out.extend_from_slice(b),
                    other => return Err(format!("{other:?} inside a byte string")),
                }
            }
        }
        Token::BeginString => {
            let mut out = String::new();
            loop {
                match token(t)? {
                    Token::Break => break Item::Text(out),
                    Token::String(s) => out.push_str(s),
                    other => return Err(format!("{other:?} inside a text string")),
                }
            }
        }
        Token::BeginArray => {
            let mut out = Vec::new();
            loop {
                match token(t)? {
                    Token::Break => break Item::Array(out),
                    tok => out.push(item(t, tok)?),
                }
            }
        }
        Token::BeginMap => {
            let mut out = Vec::new();
            loop {
                match token(t)? {
                    Token::Break => break Item::Map(out),
                    tok => {
                        let k = item(t, tok)?;
                        out.push((k, next(t)?));
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_order_and_widths_do_not_matter() {
        // {"a": 1, "b": 1.5} definite with a half float, and indefinite reordered with a
        // double and an integer as float.
        let a = decode(&[0xa2, 0x61, b'a', 0x01, 0x61, b'b', 0xf9, 0x3e, 0x00]).unwrap();
        let b = decode(&[
            0xbf, 0x61, b'b', 0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x61, b'a', 0xf9, 0x3c, 0x00,
            0xff,
        ])
        .unwrap();
        assert_eq!(a, b);
        let c = decode(&[0xa2, 0x61, b'a', 0x02, 0x61, b'b', 0xf9, 0x3e, 0x00]).unwrap();
        assert_ne!(a, c);
        assert!(decode(&[0xbf, 0x61]).is_err());
    }
}
