//! The SigV4a signing key: a P-256 private key derived from the access key id and secret.
//!
//! The derivation is the SigV4a specification's (as aws-c-auth implements it): the NIST
//! SP 800-108 counter-mode KDF with HMAC-SHA256 as the PRF, keyed with `"AWS4A" + secret`,
//! over the fixed input
//!
//! ```text
//! 00 00 00 01 ‖ "AWS4-ECDSA-P256-SHA256" ‖ 00 ‖ access key id ‖ counter (1 byte) ‖ 00 00 01 00
//! ```
//!
//! (KDF block index 1, label, separator, context, output length 256 bits). The 32-byte output
//! is a candidate `c`, read big-endian; when `c <= n - 2` (n the P-256 group order) the private
//! key is `c + 1`, so it lies in `1 ..= n - 1`; otherwise the counter (from 1) is incremented
//! and the next candidate tried. A candidate above `n - 2` has a chance of about 2^-32, so the
//! first is essentially always taken; the specification stops at counter 254.
//!
//! The curve arithmetic, the range check and ECDSA itself are the `p256` crate's.

use std::fmt;

use ecdsa::signature::Signer as _;
use hmac::{Hmac, KeyInit, Mac};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::{FieldBytes, NonZeroScalar};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::SigningError;

/// The KDF label, which is also the algorithm name.
const LABEL: &[u8] = b"AWS4-ECDSA-P256-SHA256";

/// The last counter value the specification tries.
const MAX_COUNTER: u8 = 254;

/// A derived SigV4a private key. The secret scalar is wiped on drop (by `p256`'s
/// `SigningKey`); `Debug` shows nothing of it.
pub(crate) struct EcdsaKey {
    key: SigningKey,
}

impl EcdsaKey {
    /// The DER-encoded ECDSA P-256 signature of SHA-256(`message`). The nonce is RFC 6979's,
    /// derived from the key and the message, so no random number generator is involved.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<DerSignature, SigningError> {
        self.key
            .try_sign(message)
            .map_err(|_| SigningError::signature("ECDSA P-256 signing failed"))
    }

    /// The public key as an uncompressed SEC1 point: `04 ‖ X ‖ Y`.
    pub(crate) fn public_key(&self) -> [u8; 65] {
        let point = self.key.verifying_key().to_sec1_point(false);
        let mut out = [0u8; 65];
        let bytes = point.as_bytes();
        // An uncompressed P-256 point is always 65 bytes.
        if bytes.len() == out.len() {
            out.copy_from_slice(bytes);
        }
        out
    }
}

impl fmt::Debug for EcdsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdsaKey").finish_non_exhaustive()
    }
}

/// Derives the SigV4a key for these credentials (both already validated).
pub(crate) fn derive(access_key_id: &str, secret: &str) -> Result<EcdsaKey, SigningError> {
    let mut input_key = Zeroizing::new(Vec::with_capacity(5 + secret.len()));
    input_key.extend_from_slice(b"AWS4A");
    input_key.extend_from_slice(secret.as_bytes());
    // HMAC accepts keys of any length; this cannot fail.
    let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(&input_key)
        .map_err(|_| SigningError::key_derivation("HMAC-SHA256 rejected the SigV4a input key"))?;
    derive_with(access_key_id, |fixed_input| {
        let mut mac = keyed.clone();
        mac.update(fixed_input);
        Zeroizing::new(mac.finalize().into_bytes().into())
    })
}

/// The counter loop, with the PRF injected so that tests can force rejected candidates.
fn derive_with(
    access_key_id: &str,
    mut prf: impl FnMut(&[u8]) -> Zeroizing<[u8; 32]>,
) -> Result<EcdsaKey, SigningError> {
    let mut fixed_input = Zeroizing::new(Vec::with_capacity(
        4 + LABEL.len() + 1 + access_key_id.len() + 1 + 4,
    ));
    for counter in 1..=MAX_COUNTER {
        fixed_input.clear();
        fixed_input.extend_from_slice(&1u32.to_be_bytes());
        fixed_input.extend_from_slice(LABEL);
        fixed_input.push(0);
        fixed_input.extend_from_slice(access_key_id.as_bytes());
        fixed_input.push(counter);
        fixed_input.extend_from_slice(&256u32.to_be_bytes());
        if let Some(key) = key_from_candidate(&prf(&fixed_input)) {
            return Ok(EcdsaKey { key });
        }
    }
    Err(SigningError::key_derivation(
        "no SigV4a key candidate at most n - 2 in 254 tries",
    ))
}

/// `candidate + 1` as a private key when `candidate <= n - 2`.
///
/// `candidate <= n - 2` exactly when `candidate + 1` lies in `1 ..= n - 1`, which is what
/// `NonZeroScalar::from_repr` accepts (in constant time). The one candidate whose increment
/// wraps, 2^256 - 1, becomes 0 and is rejected as it should be.
fn key_from_candidate(candidate: &[u8; 32]) -> Option<SigningKey> {
    let mut repr = Zeroizing::new(FieldBytes::default());
    // Big-endian increment; the carry runs through every byte (no early exit on a secret).
    let mut carry = 1u16;
    for (out, &b) in repr.iter_mut().rev().zip(candidate.iter().rev()) {
        let sum = u16::from(b) + carry;
        *out = sum.to_be_bytes()[1];
        carry = sum >> 8;
    }
    Option::<NonZeroScalar>::from(NonZeroScalar::from_repr(*repr)).map(SigningKey::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecdsa::signature::Verifier as _;
    use p256::ecdsa::{Signature, VerifyingKey};

    /// P-256's group order n (SP 800-186, 3.2.1.3), big-endian.
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];

    fn minus(n: [u8; 32], k: u8) -> [u8; 32] {
        let mut out = n;
        let mut borrow = u16::from(k);
        for b in out.iter_mut().rev() {
            let v = u16::from(*b).wrapping_sub(borrow);
            borrow = u16::from(v > 0xff);
            *b = v.to_be_bytes()[1];
        }
        out
    }

    fn private_bytes(key: &SigningKey) -> [u8; 32] {
        key.to_bytes().into()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn suite_credentials_derive_the_suite_public_key() {
        // tests/data/v4a/*/public-key.json: every case uses these credentials and this key.
        let key = derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
        let public = key.public_key();
        assert_eq!(public[0], 0x04);
        assert_eq!(
            hex(&public[1..33]),
            "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1"
        );
        assert_eq!(
            hex(&public[33..]),
            "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518"
        );
    }

    #[test]
    fn candidate_bounds() {
        // 0 is taken and becomes 1.
        let one = key_from_candidate(&[0; 32]).unwrap();
        let mut expected = [0u8; 32];
        expected[31] = 1;
        assert_eq!(private_bytes(&one), expected);
        // n - 2 is the largest candidate taken; the key is n - 1.
        let top = key_from_candidate(&minus(N, 2)).unwrap();
        assert_eq!(private_bytes(&top), minus(N, 1));
        // n - 1, n and everything above are rejected, including 2^256 - 1 (whose increment
        // wraps to 0).
        assert!(key_from_candidate(&minus(N, 1)).is_none());
        assert!(key_from_candidate(&N).is_none());
        assert!(key_from_candidate(&[0xff; 32]).is_none());
        // A carry across bytes: 0x..00ff + 1 = 0x..0100.
        let mut c = [0u8; 32];
        c[31] = 0xff;
        let mut e = [0u8; 32];
        e[30] = 1;
        assert_eq!(private_bytes(&key_from_candidate(&c).unwrap()), e);
    }

    #[test]
    fn fixed_input_layout_and_counter_increments_on_rejection() {
        let mut seen = Vec::new();
        let key = derive_with("AKID", |input| {
            seen.push(input.to_vec());
            // Reject the first two candidates (above n - 2), take the third.
            Zeroizing::new(match seen.len() {
                1 => [0xff; 32],
                2 => minus(N, 1),
                _ => [7; 32],
            })
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        let mut expected = Vec::new();
        expected.extend_from_slice(&[0, 0, 0, 1]);
        expected.extend_from_slice(b"AWS4-ECDSA-P256-SHA256");
        expected.push(0);
        expected.extend_from_slice(b"AKID");
        expected.push(1);
        expected.extend_from_slice(&[0, 0, 1, 0]);
        assert_eq!(seen[0], expected);
        for (i, input) in seen.iter().enumerate() {
            let counter_at = expected.len() - 5;
            assert_eq!(input[counter_at], u8::try_from(i + 1).unwrap());
            assert_eq!(input.len(), expected.len());
        }
        let mut d = [7u8; 32];
        d[31] = 8;
        assert_eq!(private_bytes(&key.key), d);
    }

    #[test]
    fn exhausted_counter_is_an_error_not_a_panic() {
        let mut calls = 0u32;
        let err = derive_with("AKID", |_| {
            calls += 1;
            Zeroizing::new([0xff; 32])
        })
        .unwrap_err();
        assert!(err.is_key_derivation());
        assert_eq!(calls, 254);
    }

    #[test]
    fn derivation_depends_on_both_credentials() {
        let a = derive("AKIDEXAMPLE", "secret").unwrap().public_key();
        let b = derive("AKIDEXAMPLF", "secret").unwrap().public_key();
        let c = derive("AKIDEXAMPLE", "secreu").unwrap().public_key();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, derive("AKIDEXAMPLE", "secret").unwrap().public_key());
    }

    #[test]
    fn signatures_verify_and_are_der() {
        let key = derive("AKIDEXAMPLE", "secret").unwrap();
        let message =
            b"AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n00";
        let der = key.sign(message).unwrap();
        let bytes = der.as_bytes();
        assert_eq!(bytes[0], 0x30, "a DER SEQUENCE");
        assert!((8..=72).contains(&bytes.len()));
        let verifying = VerifyingKey::from_sec1_bytes(&key.public_key()).unwrap();
        let signature = Signature::from_der(bytes).unwrap();
        verifying.verify(message, &signature).unwrap();
        assert!(verifying.verify(b"another message", &signature).is_err());
    }

    #[test]
    fn debug_shows_no_key_material() {
        let key = derive("AKIDEXAMPLE", "secret").unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "EcdsaKey { .. }");
    }
}
