//! Exact origins: a hash table from the bytes a browser sends to the
//! `Access-Control-Allow-Origin` value to answer with.

use std::collections::HashMap;

use http::HeaderValue;

use super::hash::BuildWordHash;
use crate::policy::answers;

/// Each exact origin with its `Access-Control-Allow-Origin` value,
/// interned (see `answers`) so that answering copies no reference count.
#[derive(Default)]
pub(super) struct ExactOrigins {
    values: HashMap<Box<[u8]>, HeaderValue, BuildWordHash>,
}

impl ExactOrigins {
    /// Adds an origin that `parse` accepted.
    pub(super) fn insert(&mut self, origin: &str) {
        // `parse` accepted it, so it is a valid header value.
        if let Some(value) = answers::value(origin.as_bytes()) {
            self.values.insert(origin.as_bytes().into(), value);
        }
    }

    /// The value to answer `origin` with, if it is listed.
    pub(super) fn get(&self, origin: &[u8]) -> Option<&HeaderValue> {
        self.values.get(origin)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub(super) fn len(&self) -> usize {
        self.values.len()
    }
}
