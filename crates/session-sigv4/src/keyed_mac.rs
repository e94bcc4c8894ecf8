//! HMAC-SHA256 with a fixed key, its pads absorbed once.
//!
//! HMAC(k, m) = H((k ⊕ opad) ‖ H((k ⊕ ipad) ‖ m)) (RFC 2104). With a 32-byte key, `k ⊕ ipad`
//! and `k ⊕ opad` are one SHA-256 block each, so the hash states after them depend on the key
//! alone. A signing key is used for a whole UTC day; keeping those two states with it saves
//! two of the roughly ten SHA-256 blocks every signature costs. The states are as secret as
//! the key (they produce its MACs) and are wiped on drop like it.

use sha2::block_api::compress256;
use zeroize::Zeroizing;

/// SHA-256's initial hash value (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A 32-byte key ready to MAC with.
#[derive(Clone)]
pub(crate) struct KeyedMac {
    inner: Zeroizing<[u32; 8]>,
    outer: Zeroizing<[u32; 8]>,
}

impl KeyedMac {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        Self {
            inner: absorb_pad(key, 0x36),
            outer: absorb_pad(key, 0x5c),
        }
    }

    /// HMAC-SHA256 of `message` under this key.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let inner = finish(*self.inner, message);
        finish(*self.outer, &inner)
    }
}

/// The state after hashing the one block `key ⊕ pad` (the key zero-padded to 64 bytes).
fn absorb_pad(key: &[u8; 32], pad: u8) -> Zeroizing<[u32; 8]> {
    let mut block = Zeroizing::new([pad; 64]);
    for (b, k) in block.iter_mut().zip(key) {
        *b ^= k;
    }
    let mut state = Zeroizing::new(IV);
    compress256(&mut state, std::slice::from_ref(&*block));
    state
}

/// Finishes a hash whose first 64 bytes (one block) are already in `state`.
fn finish(mut state: [u32; 8], message: &[u8]) -> [u8; 32] {
    let mut blocks = message.chunks_exact(64);
    for block in &mut blocks {
        let mut b = [0u8; 64];
        b.copy_from_slice(block);
        compress256(&mut state, &[b]);
    }
    let rest = blocks.remainder();
    // Padding: 0x80, zeros, and the bit length of everything hashed (the pad block too).
    let bits = (64 + message.len() as u64) * 8;
    let mut tail = [[0u8; 64]; 2];
    let flat = tail.as_flattened_mut();
    flat[..rest.len()].copy_from_slice(rest);
    flat[rest.len()] = 0x80;
    let used = if rest.len() + 9 <= 64 { 64 } else { 128 };
    flat[used - 8..used].copy_from_slice(&bits.to_be_bytes());
    compress256(&mut state, &tail[..used / 64]);
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    #[test]
    fn matches_hmac_sha256_for_every_padding_case() {
        let key: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(11));
        let keyed = KeyedMac::new(&key);
        let message: Vec<u8> = (0..300u32).map(|i| (i * 7 % 251) as u8).collect();
        // Lengths around the one- and two-block padding boundaries and past several blocks.
        for len in 0..message.len() {
            let mut reference = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
            reference.update(&message[..len]);
            let expected: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(keyed.mac(&message[..len]), expected, "length {len}");
        }
    }
}
