//! [`LookupLayer`]: wraps services in [`LookupCors`].

use std::fmt;
use std::future::Future;

use http::request::Parts;
use http::HeaderValue;

use tower_layer::Layer;

use super::bounded::Bounded;
use super::service::LookupCors;
use crate::layer::CorsLayer;
use crate::policy::Policy;
use crate::source::PolicySource;

/// Applies a CORS [`Policy`] and asks an asynchronous lookup about the
/// origins the policy's lists do not allow (see the [module](super) docs).
///
/// `lookup` is called as `lookup.clone()(origin, &parts)`: a
/// `FnOnce(HeaderValue, &http::request::Parts) -> impl Future<Output = bool>`
/// that is `Clone`, as tower-http's `AllowOrigin::async_predicate` takes.
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::policy::RequestRef;
/// use tower_cors::{LookupLayer, Policy};
///
/// let policy = Policy::builder().allow_origins(["https://app.example.com"]).allow_credentials(true).build()?;
/// let layer = LookupLayer::new(policy, |origin: http::HeaderValue, parts: &http::request::Parts| {
///     // The host under HTTP/1.1 and HTTP/2 alike (`Host` or `:authority`).
///     let tenant = RequestRef::new(parts).host().map(str::to_owned);
///     async move { tenant.is_some() && origin.as_bytes().starts_with(b"https://") }
/// });
/// let app: Router = Router::new().route("/", get(|| async { "hello" })).layer(layer);
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct LookupLayer<F> {
    policy: PolicySource,
    lookup: Bounded<F>,
}

impl<F> LookupLayer<F> {
    /// A layer applying `policy`, and asking `lookup` about the origins
    /// its lists do not allow.
    ///
    /// ```
    /// use tower_cors::{LookupLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let layer = LookupLayer::new(policy, |_origin, _parts| async { false });
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn new<Fut>(policy: Policy, lookup: F) -> Self
    where
        F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
        Fut: Future<Output = bool>,
    {
        Self::with_source(PolicySource::Fixed(policy), lookup)
    }

    fn with_source(policy: PolicySource, lookup: F) -> Self {
        let lookup = Bounded::new(lookup);
        Self { policy, lookup }
    }

    /// Refuses an origin whose lookup has not answered within `timeout`,
    /// instead of the default of [`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT).
    /// With the `tracing` feature, a `WARN` event (target `tower_cors`,
    /// field `origin`) says that the lookup timed out.
    ///
    /// The timer is Tokio's. Where it cannot run (outside a Tokio runtime,
    /// or in one built without `enable_time`), a timeout set here cannot
    /// hold, so every origin that would be looked up is refused at once,
    /// without calling the lookup, and a `WARN` event says why. Nothing
    /// panics. (The default timeout, in contrast, simply does not apply
    /// there.) A duration too long for the timer counts as the longest it
    /// can wait, about 30 years.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_cors::{LookupLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let layer = LookupLayer::new(policy, |_origin, _parts| async { false })
    ///     .timeout(Duration::from_millis(250));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    #[cfg(feature = "lookup-timeout")]
    #[cfg_attr(docsrs, doc(cfg(feature = "lookup-timeout")))]
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.lookup.set_timeout(timeout);
        self
    }

    /// Keeps up to `max_entries` of the lookup's answers, each for `ttl`,
    /// refusals as well as grants, and makes concurrent requests that
    /// need the same answer wait for one lookup instead of starting one
    /// each. Every clone of this layer, and every service it makes,
    /// shares the one cache.
    ///
    /// An answer is kept under the origin and the request's host
    /// ([`RequestRef::host`](crate::policy::RequestRef::host): its URI's
    /// authority, else its single `Host` header, as received): a
    /// multi-tenant API that decides per host never serves one tenant's
    /// answer to another. A request without a host that can be told (no
    /// `Host`, two, or an invalid one) is not cached: its lookup runs
    /// every time.
    /// [`cache_key`](Self::cache_key) partitions the answers otherwise.
    ///
    /// The lookup function is still called for every request that needs
    /// it, since it sees the request's parts; the future it returns runs
    /// only when no answer is kept. A lookup that times out keeps no
    /// answer (the requests waiting on it are refused), nor does one that
    /// panics or whose request is dropped (a waiting request then runs its
    /// own). Evictions past `max_entries` happen soon after, not at once.
    /// Lives longer than a century count as a century.
    ///
    /// Needs a lookup future that is `Send` and `'static`, as a server's
    /// always is.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_cors::{LookupLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let layer = LookupLayer::new(policy, |origin: http::HeaderValue, _parts: &http::request::Parts| async move {
    ///     origin == "https://partner.example"
    /// })
    /// .cache(10_000, Duration::from_secs(60));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    #[cfg(feature = "lookup-cache")]
    #[cfg_attr(docsrs, doc(cfg(feature = "lookup-cache")))]
    pub fn cache<Fut>(mut self, max_entries: u64, ttl: std::time::Duration) -> Self
    where
        F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.lookup
            .set_cache(super::cache::Cache::new(max_entries, ttl));
        self
    }

    /// Partitions the [cache](Self::cache) by `key` instead of the
    /// request's host: answers are kept under the origin and what `key`
    /// returns for the request, and a request for which it returns `None`
    /// is not cached. The origin is always part of the key. Without a
    /// cache, this does nothing.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_cors::{LookupLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// // Tenants are told apart by the first segment of the path.
    /// let layer = LookupLayer::new(policy, |_origin, _parts| async { false })
    ///     .cache(10_000, Duration::from_secs(60))
    ///     .cache_key(|parts| parts.uri.path().split('/').nth(1).map(str::to_owned));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    #[cfg(feature = "lookup-cache")]
    #[cfg_attr(docsrs, doc(cfg(feature = "lookup-cache")))]
    pub fn cache_key<K>(mut self, key: K) -> Self
    where
        K: Fn(&Parts) -> Option<String> + Send + Sync + 'static,
    {
        self.lookup.set_partition(std::sync::Arc::new(key));
        self
    }

    /// The cross-origin request forgery guard for the same application,
    /// trusting what [`Trusted::from_policy`](crate::csrf::Trusted::from_policy)
    /// trusts of this layer's policy (following its handle when
    /// reloadable) and, for a request it would refuse, what this layer's
    /// lookup allows: the same function, timeout and cache (see
    /// [`CsrfLookup`](crate::csrf::CsrfLookup)). An origin the lookup
    /// allows is trusted only if it passes the rules of every trusted
    /// origin (`https`, or plain `http` on loopback).
    ///
    /// Put it inside the CORS layer, as the plain guard goes:
    ///
    /// ```
    /// use axum::{routing::post, Router};
    /// use tower_cors::policy::RequestRef;
    /// use tower_cors::{LookupLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).allow_credentials(true).build()?;
    /// let cors = LookupLayer::new(policy, |origin: http::HeaderValue, parts: &http::request::Parts| {
    ///     let tenant = RequestRef::new(parts).host().map(str::to_owned);
    ///     async move { tenant.is_some_and(|host| origin == format!("https://www.{host}").as_str()) }
    /// });
    /// let app: Router = Router::new()
    ///     .route("/transfer", post(|| async { "done" }))
    ///     .layer(cors.csrf_layer())
    ///     .layer(cors);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn csrf_layer(&self) -> crate::csrf::CsrfLookupLayer<F>
    where
        F: Clone,
    {
        let trusted = match &self.policy {
            PolicySource::Fixed(policy) => crate::csrf::Trusted::from_policy(policy),
            PolicySource::Live(handle) => crate::csrf::Trusted::from_handle(handle),
        };
        crate::csrf::CsrfLookupLayer::new(self.policy.clone(), trusted, self.lookup.clone())
    }

    /// The policy this layer applies now (see [`CorsLayer::policy`]).
    ///
    /// ```
    /// # use tower_cors::{LookupLayer, Policy};
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let layer = LookupLayer::new(policy, |_origin, _parts| async { false });
    /// assert!(layer.policy().varies_by_origin());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn policy(&self) -> Policy {
        self.policy.current()
    }
}

impl CorsLayer {
    /// This layer's policy, plus an asynchronous `lookup` asked about the
    /// origins its lists do not allow: the same as
    /// [`LookupLayer::new`]`(policy, lookup)`. A layer made by
    /// [`CorsLayer::reloadable`] keeps following its handle.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let layer = CorsLayer::new(policy).with_origin_lookup(|origin, _parts| async move {
    ///     origin == "https://partner.example"
    /// });
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn with_origin_lookup<F, Fut>(self, lookup: F) -> LookupLayer<F>
    where
        F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
        Fut: Future<Output = bool>,
    {
        LookupLayer::with_source(self.source().clone(), lookup)
    }
}

impl<S, F, Fut> Layer<S> for LookupLayer<F>
where
    F: FnOnce(HeaderValue, &Parts) -> Fut + Clone,
    Fut: Future<Output = bool>,
{
    type Service = LookupCors<S, F>;

    fn layer(&self, inner: S) -> LookupCors<S, F> {
        LookupCors::with_source(inner, self.policy.clone(), self.lookup.clone())
    }
}

impl<F> fmt::Debug for LookupLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LookupLayer")
            .field("policy", &self.policy)
            .field("lookup", &self.lookup)
            .finish_non_exhaustive()
    }
}
