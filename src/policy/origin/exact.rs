//! Exact origins: a hash table from the bytes a browser sends to the
//! `Access-Control-Allow-Origin` value to answer with, and one of the
//! hosts allowed on any port (`http://localhost:*`), looked up by the
//! `scheme://host` the request's origin starts with.
//!
//! The tables hash with foldhash, keyed with a random seed for each table:
//! the origins may come from a tenant list that an attacker adds to, and
//! without the seed they cannot choose names that share buckets, so
//! neither building the policy nor a lookup can be made to slow down.
//! foldhash rather than std's SipHash: keyed just as well, and it keeps
//! an allowed GET at the instructions of the old unkeyed hash, where
//! SipHash added about 180 (`benches/instructions.sh`).

use std::collections::HashMap;

use foldhash::fast::RandomState;

use http::HeaderValue;

use super::syntax::OriginParts;
use crate::policy::answer as answers;

/// Each exact origin with its `Access-Control-Allow-Origin` value,
/// built once (see `answers`) so that answering copies no bytes.
#[derive(Default)]
pub(super) struct ExactOrigins {
    values: HashMap<Box<[u8]>, HeaderValue, RandomState>,
    /// Bit `n % 64` is set when some listed origin is `n` bytes long: an
    /// origin of a length no listed one has is missing without hashing it
    /// (a refused origin usually differs in length; hashing it cost about
    /// 30 instructions a request).
    lengths: u64,
    /// `scheme://host` of each origin configured with the port `*`.
    any_port: HashMap<Box<[u8]>, (), RandomState>,
}

impl ExactOrigins {
    /// Adds an origin that `parse` accepted.
    pub(super) fn insert(&mut self, origin: &str) {
        // `parse` accepted it, so it is a valid header value.
        if let Some(value) = answers::value(origin.as_bytes()) {
            self.values.insert(origin.as_bytes().into(), value);
            self.lengths |= length_bit(origin.len());
        }
    }

    /// Adds `origin`, `scheme://host:*` parsed as `parts`: that host on
    /// any port, or none.
    pub(super) fn insert_any_port(&mut self, origin: &str, parts: &OriginParts<'_>) {
        if let Some(key) = scheme_and_host(origin.as_bytes(), parts) {
            self.any_port.insert(key.into(), ());
        }
    }

    /// Whether the request origin `origin`, parsed as `parts`, is a host
    /// allowed on any port: one lookup, whatever the number of such hosts.
    #[inline]
    pub(super) fn allows_any_port(&self, origin: &[u8], parts: &OriginParts<'_>) -> bool {
        // An empty table answers without hashing the key.
        !self.any_port.is_empty()
            && scheme_and_host(origin, parts).is_some_and(|key| self.any_port.contains_key(key))
    }

    /// Whether some host is allowed on any port, so that an origin not in
    /// the table may still be allowed once parsed.
    #[inline]
    pub(super) fn has_any_port(&self) -> bool {
        !self.any_port.is_empty()
    }

    /// The value to answer `origin` with, if it is listed.
    #[inline]
    pub(super) fn get(&self, origin: &[u8]) -> Option<&HeaderValue> {
        if self.lengths & length_bit(origin.len()) == 0 {
            return None;
        }
        self.values.get(origin)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.values.is_empty() && self.any_port.is_empty()
    }

    /// How many origins are listed: exact ones, and hosts on any port.
    pub(super) fn len(&self) -> usize {
        self.values.len() + self.any_port.len()
    }
}

/// The bit of [`ExactOrigins::lengths`] for an origin `len` bytes long.
#[inline]
fn length_bit(len: usize) -> u64 {
    1 << (len % 64)
}

/// `scheme://host`, the start of the text `origin` was parsed from as
/// `parts` (an origin is `scheme://host[:port]` and nothing else), without
/// copying it.
fn scheme_and_host<'a>(origin: &'a [u8], parts: &OriginParts<'_>) -> Option<&'a [u8]> {
    origin.get(..parts.scheme.len() + "://".len() + parts.host.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    /// 50,000 origins differing only in their port, as a tenant list an
    /// attacker registers names in can hold.
    fn tenants() -> Vec<String> {
        (10_000..60_000)
            .map(|port| format!("https://tenant.attacker.io:{port}"))
            .collect()
    }

    /// The unkeyed multiply-rotate hash the table used before: with it,
    /// every one of these origins got the same low bits, the ones that
    /// pick a bucket, so each insertion and each miss walked all of them.
    fn unkeyed(bytes: &[u8]) -> u64 {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let add = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
        let mut h = add(0, bytes.len() as u64);
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h = add(h, u64::from_le_bytes(word));
        }
        h
    }

    /// How many distinct low 16 bits `hash` gives the origins, and the
    /// most origins sharing one value: the buckets of a table of 65,536.
    fn buckets(origins: &[String], hash: impl Fn(&[u8]) -> u64) -> (usize, usize) {
        let mut counts = vec![0usize; 1 << 16];
        for origin in origins {
            counts[(hash(origin.as_bytes()) & 0xffff) as usize] += 1;
        }
        let used = counts.iter().filter(|&&n| n > 0).count();
        (used, counts.into_iter().max().unwrap_or(0))
    }

    /// The length filter never hides a listed origin: origins of every
    /// length from 8 to 200 bytes (so lengths 64 apart share a bit), each
    /// found, and missing ones of listed lengths still looked up.
    #[test]
    fn every_listed_length_is_found() {
        let mut table = ExactOrigins::default();
        let origins: Vec<String> = (1..=190)
            .map(|n| format!("https://{}.example", "a".repeat(n)))
            .collect();
        for origin in origins.iter().step_by(2) {
            table.insert(origin);
        }
        for (i, origin) in origins.iter().enumerate() {
            assert_eq!(
                table.get(origin.as_bytes()).is_some(),
                i % 2 == 0,
                "{origin}"
            );
        }
        let lone = {
            let mut table = ExactOrigins::default();
            table.insert("https://app.example");
            table
        };
        assert!(lone.get(b"https://app.example").is_some());
        assert!(
            lone.get(b"https://app.exampla").is_none(),
            "same length, other bytes"
        );
        assert!(
            lone.get(b"https://evil.example").is_none(),
            "another length"
        );
        assert_eq!(lone.lengths, length_bit("https://app.example".len()));
    }

    #[test]
    fn origins_that_collided_unkeyed_spread_over_the_keyed_table() {
        let origins = tenants();
        // The attack: one bucket for all 50,000 under the old hash.
        assert_eq!(buckets(&origins, unkeyed), (1, origins.len()));

        let mut table = ExactOrigins::default();
        for origin in &origins {
            table.insert(origin);
        }
        assert_eq!(table.len(), origins.len());
        let hasher = table.values.hasher();
        let (used, longest) = buckets(&origins, |bytes| hasher.hash_one(bytes));
        // A random hash fills about 35,000 of 65,536 with 50,000 keys, a
        // handful at most in any one; a chosen set cannot do worse without
        // the seed.
        assert!(used > 30_000, "{used} buckets used");
        assert!(longest < 32, "{longest} origins share a bucket");

        // And the table answers as before.
        for origin in &origins {
            let value = table.get(origin.as_bytes()).map(HeaderValue::as_bytes);
            assert_eq!(value, Some(origin.as_bytes()));
        }
        assert!(table.get(b"https://tenant.attacker.io:60000").is_none());
        assert!(table.get(b"https://tenant.attacker.io").is_none());
    }

    #[test]
    fn each_table_has_its_own_seed() {
        let (a, b) = (ExactOrigins::default(), ExactOrigins::default());
        let key: &[u8] = b"https://tenant.attacker.io:10000";
        assert_ne!(
            a.values.hasher().hash_one(key),
            b.values.hasher().hash_one(key)
        );
        assert_ne!(
            a.values.hasher().hash_one(key),
            a.any_port.hasher().hash_one(key)
        );
    }
}
