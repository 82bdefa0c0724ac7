//! The user's lookup within its bounds: [`Bounded`] wraps the function
//! with its timeout and cache, and [`LookupAnswer`] is the answer it gives
//! for one request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::request::Parts;
use http::HeaderValue;
use pin_project_lite::pin_project;

#[cfg(feature = "lookup-cache")]
use super::cache::{Cache, Cached, Partition};
#[cfg(not(feature = "lookup-cache"))]
type Cached = std::future::Pending<bool>;
use super::timeout::{Timed, Timeout};

/// The user's lookup `F` with its timeout, and with the cache when one is
/// configured. Cloning shares the cache.
pub(crate) struct Bounded<F> {
    lookup: F,
    timeout: Timeout,
    #[cfg(feature = "lookup-cache")]
    cache: Option<Cache<F>>,
    #[cfg(feature = "lookup-cache")]
    partition: Option<Partition>,
}

impl<F> Bounded<F> {
    /// `lookup` with the default bounds: the default timeout, no cache.
    pub(crate) fn new(lookup: F) -> Self {
        Self {
            lookup,
            timeout: Timeout::Default,
            #[cfg(feature = "lookup-cache")]
            cache: None,
            #[cfg(feature = "lookup-cache")]
            partition: None,
        }
    }

    #[cfg(feature = "lookup-timeout")]
    pub(crate) fn set_timeout(&mut self, timeout: std::time::Duration) {
        self.timeout = Timeout::Set(timeout);
    }

    #[cfg(feature = "lookup-cache")]
    pub(crate) fn set_cache(&mut self, cache: Cache<F>) {
        self.cache = Some(cache);
    }

    #[cfg(feature = "lookup-cache")]
    pub(crate) fn set_partition(&mut self, partition: Partition) {
        self.partition = Some(partition);
    }

    /// Asks about `origin` for the request whose head is `parts`.
    pub(crate) fn ask<Fut>(&self, origin: HeaderValue, parts: &Parts) -> LookupAnswer<Fut>
    where
        F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
        Fut: Future<Output = bool>,
    {
        let lookup = self.lookup.clone();
        #[cfg(feature = "lookup-cache")]
        let (lookup, origin) = match &self.cache {
            Some(cache) => {
                let partition = self.partition.as_ref();
                match cache.answer(partition, lookup, origin, parts, self.timeout) {
                    Ok(future) => return LookupAnswer::cached(future),
                    Err(unkept) => unkept,
                }
            }
            None => (lookup, origin),
        };
        let timed = self.timeout.bound(origin, |origin| lookup(origin, parts));
        LookupAnswer {
            inner: Inner::Direct { timed },
        }
    }
}

impl<F: Clone> Clone for Bounded<F> {
    fn clone(&self) -> Self {
        Self {
            lookup: self.lookup.clone(),
            timeout: self.timeout,
            #[cfg(feature = "lookup-cache")]
            cache: self.cache.clone(),
            #[cfg(feature = "lookup-cache")]
            partition: self.partition.clone(),
        }
    }
}

impl<F> fmt::Debug for Bounded<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("Bounded");
        f.field("timeout", &self.timeout);
        #[cfg(feature = "lookup-cache")]
        f.field("cache", &self.cache).field(
            "cache_key",
            &self.partition.as_ref().map_or("host", |_| "custom"),
        );
        f.finish_non_exhaustive()
    }
}

pin_project! {
    /// The lookup's answer for one request, within its bounds: `true` when
    /// it allows the origin, `false` when it refuses it, timed out, or
    /// cannot be bounded as asked. `L` is the future of the function given
    /// to [`LookupLayer`](super::LookupLayer); the answer of a cached
    /// lookup is boxed.
    ///
    /// It is the lookup's part of a [`LookupFuture`](super::LookupFuture):
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use std::future::Ready;
    /// use http::{Request, Response};
    /// use tower::{service_fn, Service};
    /// use tower_cors::lookup::{LookupAnswer, LookupCors, LookupFuture};
    /// use tower_cors::Policy;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let app = service_fn(|_: Request<()>| async { Ok::<_, Infallible>(Response::new(String::new())) });
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let mut service = LookupCors::new(app, policy, |_, _| std::future::ready(true));
    /// let request = Request::get("/").header("origin", "https://b.example").body(())?;
    /// let future: LookupFuture<_, LookupAnswer<Ready<bool>>, _> = service.call(request);
    /// assert_eq!(future.await?.headers()["access-control-allow-origin"], "https://b.example");
    /// # Ok(())
    /// # }
    /// ```
    pub struct LookupAnswer<L> {
        #[pin]
        inner: Inner<L>,
    }
}

pin_project! {
    #[project = InnerProj]
    // Without the `lookup-cache` feature, `Cached` is never built.
    #[cfg_attr(not(feature = "lookup-cache"), allow(dead_code))]
    enum Inner<L> {
        Direct { #[pin] timed: Timed<L> },
        Cached { future: Cached },
    }
}

impl<L> LookupAnswer<L> {
    #[cfg(feature = "lookup-cache")]
    fn cached(future: Cached) -> Self {
        Self {
            inner: Inner::Cached { future },
        }
    }
}

impl<L: Future<Output = bool>> Future for LookupAnswer<L> {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        match self.project().inner.project() {
            // A lookup that timed out, or could not be bounded, refuses.
            InnerProj::Direct { timed } => timed.poll(cx).map(|answer| answer.unwrap_or(false)),
            InnerProj::Cached { future } => Pin::new(future).poll(cx),
        }
    }
}

impl<L> fmt::Debug for LookupAnswer<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LookupAnswer").finish_non_exhaustive()
    }
}
