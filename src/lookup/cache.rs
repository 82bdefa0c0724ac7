//! A bounded cache of the lookup's answers ([`moka`]), shared by every
//! clone of a layer and its services.
//!
//! An answer is kept under the origin and a partition of the requests: the
//! request's host by default (a multi-tenant API decides per host), or
//! what the user's key function returns. The origin is always part of the
//! key, so no key function can make one origin's answer serve another.
//! Refusals are kept like grants; a lookup that timed out keeps nothing,
//! so a slow moment does not refuse an origin for a whole TTL.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::request::Parts;
use http::HeaderValue;

use super::timeout::Timeout;
use crate::policy::RequestRef;

/// The partition of a request, for [`LookupLayer::cache_key`](super::LookupLayer::cache_key).
pub(crate) type Partition = Arc<dyn Fn(&Parts) -> Option<String> + Send + Sync>;

/// A lookup's answer through the cache: boxed, since the cache's own
/// future has no name.
pub(crate) type Cached = Pin<Box<dyn Future<Output = bool> + Send>>;

/// Longer lives than this are cut to it: `moka` refuses more than a
/// thousand years, and a century is already "until evicted".
const LONGEST_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// An answer's key: the origin's bytes, and the request's partition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    origin: Box<[u8]>,
    partition: Box<str>,
}

/// Calls the user's lookup `F` for one request, through the cache.
type Ask<F> = fn(&moka::future::Cache<Key, bool>, Key, F, HeaderValue, &Parts, Timeout) -> Cached;

/// The answers, and how to ask the user's `F` on a miss.
pub(crate) struct Cache<F> {
    answers: moka::future::Cache<Key, bool>,
    ask: Ask<F>,
}

impl<F> Cache<F> {
    /// At most `max_entries` answers, each kept for `ttl`.
    pub(crate) fn new<Fut>(max_entries: u64, ttl: Duration) -> Self
    where
        F: FnOnce(HeaderValue, &Parts) -> Fut,
        Fut: Future<Output = bool> + Send + 'static,
    {
        let answers = moka::future::Cache::builder()
            .max_capacity(max_entries)
            .time_to_live(ttl.min(LONGEST_TTL))
            .build();
        Self {
            answers,
            ask: ask::<F, Fut>,
        }
    }

    /// The answer for `origin`, from the cache or, on a miss, from
    /// `lookup` within `timeout`; `Err(lookup)` when the request has no
    /// partition, so that its answer must not be kept.
    pub(crate) fn answer(
        &self,
        partition: Option<&Partition>,
        lookup: F,
        origin: HeaderValue,
        parts: &Parts,
        timeout: Timeout,
    ) -> Result<Cached, (F, HeaderValue)> {
        let partition = match partition {
            Some(partition) => partition(parts),
            None => RequestRef::new(parts).host().map(str::to_owned),
        };
        let Some(partition) = partition else {
            return Err((lookup, origin));
        };
        let key = Key {
            origin: origin.as_bytes().into(),
            partition: partition.into_boxed_str(),
        };
        Ok((self.ask)(
            &self.answers,
            key,
            lookup,
            origin,
            parts,
            timeout,
        ))
    }
}

/// The lookup is called at once (it sees the request's parts now); the
/// future it returns runs only if no answer is kept, and only once for
/// every request waiting on the same key.
fn ask<F, Fut>(
    answers: &moka::future::Cache<Key, bool>,
    key: Key,
    lookup: F,
    origin: HeaderValue,
    parts: &Parts,
    timeout: Timeout,
) -> Cached
where
    F: FnOnce(HeaderValue, &Parts) -> Fut,
    Fut: Future<Output = bool> + Send + 'static,
{
    let timed = timeout.bound(origin, |origin| lookup(origin, parts));
    let answers = answers.clone();
    Box::pin(async move {
        answers
            .optionally_get_with(key, timed)
            .await
            .unwrap_or(false)
    })
}

impl<F> Clone for Cache<F> {
    fn clone(&self) -> Self {
        Self {
            answers: self.answers.clone(),
            ask: self.ask,
        }
    }
}

impl<F> fmt::Debug for Cache<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = self.answers.policy();
        f.debug_struct("Cache")
            .field("max_entries", &policy.max_capacity())
            .field("ttl", &policy.time_to_live())
            .field("entries", &self.answers.entry_count())
            .finish()
    }
}
