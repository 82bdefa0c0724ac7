//! Exact origins: a hash table from the bytes a browser sends to the
//! `Access-Control-Allow-Origin` value to answer with, and one of the
//! hosts allowed on any port (`http://localhost:*`), looked up by the
//! `scheme://host` the request's origin starts with.

use std::collections::HashMap;

use http::HeaderValue;

use super::hash::BuildWordHash;
use super::syntax::OriginParts;
use crate::policy::answer as answers;

/// Each exact origin with its `Access-Control-Allow-Origin` value,
/// built once (see `answers`) so that answering copies no bytes.
#[derive(Default)]
pub(super) struct ExactOrigins {
    values: HashMap<Box<[u8]>, HeaderValue, BuildWordHash>,
    /// `scheme://host` of each origin configured with the port `*`.
    any_port: HashMap<Box<[u8]>, (), BuildWordHash>,
}

impl ExactOrigins {
    /// Adds an origin that `parse` accepted.
    pub(super) fn insert(&mut self, origin: &str) {
        // `parse` accepted it, so it is a valid header value.
        if let Some(value) = answers::value(origin.as_bytes()) {
            self.values.insert(origin.as_bytes().into(), value);
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

/// `scheme://host`, the start of the text `origin` was parsed from as
/// `parts` (an origin is `scheme://host[:port]` and nothing else), without
/// copying it.
fn scheme_and_host<'a>(origin: &'a [u8], parts: &OriginParts<'_>) -> Option<&'a [u8]> {
    origin.get(..parts.scheme.len() + "://".len() + parts.host.len())
}
