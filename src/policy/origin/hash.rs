//! The hash of the allowed-origin tables.

use std::hash::{BuildHasher, Hasher};

/// A multiply-rotate hash over eight bytes at a time (the FxHash scheme).
/// The allowed-origin tables are fixed when the policy is built; requests
/// only look keys up, so an attacker cannot lengthen a probe chain and a
/// keyed, DoS-resistant (and slower) hash buys nothing here.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct BuildWordHash;

pub(super) struct WordHash(u64);

impl WordHash {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl BuildHasher for BuildWordHash {
    type Hasher = WordHash;
    #[inline]
    fn build_hasher(&self) -> WordHash {
        WordHash(0)
    }
}

impl Hasher for WordHash {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}
