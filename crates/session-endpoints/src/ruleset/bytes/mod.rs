//! A compact binary form of a compiled rule set, so that a service crate can embed its rule
//! set already compiled and load it in microseconds instead of parsing and checking JSON on
//! its first request (S3's rule set: 3.6 ms as JSON, see `docs/performance.md`).
//!
//! The bytes are a header (a name, the format version, a checksum of the rest) and the
//! compiled tree written out node by node: a tag byte per node, LEB128 varints for counts,
//! slots and integers, length-prefixed UTF-8 for strings. The rules of a `tree` rule are
//! length-prefixed too, so loading decodes the top level only and leaves each subtree in
//! the bytes until a resolution first reaches it ([`Subtree::Encoded`]): S3's rule set
//! builds 294 KB of tree when decoded whole, and a request takes a few of its branches.
//!
//! The checksum stands in for checking the whole tree up front, which would cost what the
//! laziness saves: a file that was truncated or altered is refused by `from_bytes`. What is
//! decoded later is still checked as it is read (tags, slot bounds, UTF-8, nesting depth,
//! lengths against the bytes left), so even a forged file with a matching checksum gives an
//! error from `resolve`, never a panic.

mod read;
#[cfg(test)]
mod tests;
mod write;

use std::borrow::Cow;
use std::sync::OnceLock;

use super::ir::{Action, Condition, Encoded, EndpointTemplate, Expr, Field, Func, Part, Prop};
use super::ir::{Rule, Seg, Slot, Subtree, Template};
use super::{Parameter, ParameterType, RuleSet};
use crate::error::{ResolveError, RuleSetError};
use crate::functions::partition::Partitions;
use crate::params::ParamValue;
use read::{Reader, TopLevel};
use write::Writer;

/// The first bytes of every encoded rule set: a name and the format version. A change to
/// the encoding bumps the last byte; decoding refuses any other version.
const MAGIC: &[u8; 8] = b"AWSRULE\x01";

/// The header: [`MAGIC`], then the checksum of everything after the header.
const HEADER: usize = MAGIC.len() + 8;

/// Deeper trees than this are refused (the published rule sets nest about 10 deep); it
/// bounds the decoder's recursion on hostile input.
const MAX_DEPTH: usize = 128;

/// The functions in tag order. The position is the tag: append, never reorder.
const FUNCS: [Func; 11] = [
    Func::IsSet,
    Func::Not,
    Func::StringEquals,
    Func::BooleanEquals,
    Func::Substring,
    Func::UriEncode,
    Func::ParseUrl,
    Func::IsValidHostLabel,
    Func::AwsPartition,
    Func::AwsParseArn,
    Func::AwsIsVirtualHostableS3Bucket,
];

/// The record fields in tag order, as [`FUNCS`].
const FIELDS: [Field; 16] = [
    Field::Scheme,
    Field::Authority,
    Field::Path,
    Field::NormalizedPath,
    Field::IsIp,
    Field::Partition,
    Field::Service,
    Field::Region,
    Field::AccountId,
    Field::ResourceId,
    Field::Name,
    Field::DnsSuffix,
    Field::DualStackDnsSuffix,
    Field::ImplicitGlobalRegion,
    Field::SupportsFips,
    Field::SupportsDualStack,
];

const PARAM_TYPES: [ParameterType; 3] = [
    ParameterType::String,
    ParameterType::Boolean,
    ParameterType::StringArray,
];

impl RuleSet {
    /// The compiled rule set as bytes, for [`from_bytes`](Self::from_bytes).
    ///
    /// The partition table is not included: the decoded rule set uses the built-in one.
    /// Subtrees of a rule set that was itself loaded from bytes are decoded to be written,
    /// so the output is always what the tree is, not a copy of the input.
    ///
    /// ```
    /// use session_endpoints::{Params, RuleSet};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let rules = RuleSet::from_json(r#"{"version": "1.0",
    ///   "parameters": {"Region": {"type": "String", "required": true}},
    ///   "rules": [{"type": "endpoint", "conditions": [],
    ///              "endpoint": {"url": "https://svc.{Region}.example.com"}}]}"#)?;
    /// let again = RuleSet::from_bytes(rules.to_bytes())?;
    /// let endpoint = again.resolve(&Params::new().str("Region", "eu-west-1"))?;
    /// assert_eq!(endpoint.url(), "https://svc.eu-west-1.example.com");
    /// # Ok(()) }
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Writer {
            bytes: vec![0; HEADER],
            rule_set: self,
        };
        out.uint(self.slots);
        out.byte(u8::from(self.partitions.is_some()));
        out.uint(self.params.len());
        for param in self.params.iter() {
            out.param(param);
        }
        out.rules(&self.rules);
        let mut bytes = out.bytes;
        let sum = checksum(&bytes[HEADER..]);
        bytes[..MAGIC.len()].copy_from_slice(MAGIC);
        bytes[MAGIC.len()..HEADER].copy_from_slice(&sum.to_le_bytes());
        bytes
    }

    /// Loads a rule set written by [`to_bytes`](Self::to_bytes), using the partition table
    /// shipped with this crate for `aws.partition`.
    ///
    /// Only the top level of the tree is built here; each `tree` rule's rules are decoded
    /// when a resolution first reaches them (once, shared by all threads). Pass a
    /// `&'static [u8]` (such as an `include_bytes!`) to load without copying.
    ///
    /// # Errors
    ///
    /// [`RuleSetError::is_invalid`] when the bytes are not an encoded rule set of this
    /// format version, or their checksum does not match (truncated or altered); the message
    /// says which. A subtree that does not decode when reached (possible only for a forged
    /// input) makes that resolution fail with [`ResolveError::is_incomplete_rule_set`].
    pub fn from_bytes(bytes: impl Into<Cow<'static, [u8]>>) -> Result<RuleSet, RuleSetError> {
        let bytes = bytes.into();
        let refuse =
            |why: &str| RuleSetError::invalid(String::new(), format!("compiled rule set: {why}"));
        if bytes.get(..MAGIC.len()) != Some(MAGIC.as_slice()) {
            return Err(refuse("not one of this format version (wrong header)"));
        }
        let stored = bytes
            .get(MAGIC.len()..HEADER)
            .and_then(|b| b.try_into().ok());
        if stored.map(u64::from_le_bytes) != Some(checksum(bytes.get(HEADER..).unwrap_or(&[]))) {
            return Err(refuse("checksum mismatch (truncated or altered)"));
        }
        let mut reader = Reader::new(&bytes, HEADER, 0, 0);
        let TopLevel {
            params,
            uses_partitions,
            rules,
        } = reader.top_level().map_err(|e| refuse(&e))?;
        let partitions = if uses_partitions {
            Some(Partitions::builtin()?)
        } else {
            None
        };
        let slots = reader.slots;
        Ok(RuleSet {
            params: params.into(),
            slots,
            rules,
            partitions,
            encoded: bytes,
        })
    }

    /// The rules of a `tree` rule, decoding them if this is the first time.
    pub(crate) fn subtree<'s>(&'s self, tree: &'s Subtree) -> Result<&'s [Rule], ResolveError> {
        match tree {
            Subtree::Ready(rules) => Ok(rules),
            Subtree::Encoded(encoded) => encoded
                .rules
                .get_or_init(|| {
                    let mut reader = Reader::new(
                        &self.encoded,
                        encoded.range.start,
                        encoded.depth,
                        self.slots,
                    );
                    let rules = reader.rules()?;
                    if reader.pos != encoded.range.end {
                        return Err(reader.error("subtree longer than its length says"));
                    }
                    Ok(rules)
                })
                .as_deref()
                .map_err(|why| ResolveError::corrupt(format!("compiled rule set: {why}"))),
        }
    }
}

/// A checksum of the payload, eight bytes at a time: it catches truncation and accidental
/// change, and costs about 10 µs for S3's 53 KB (a cryptographic hash would cost more than
/// the decoding it guards, and forgery is not what it is for).
fn checksum(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut h = 0x9e37_79b9_7f4a_7c15_u64 ^ bytes.len() as u64;
    let mut mix = |word: u64| {
        h = (h ^ word)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(29)
    };
    for chunk in chunks.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        mix(u64::from_le_bytes(word));
    }
    let mut tail = [0; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(u64::from_le_bytes(tail));
    h
}
