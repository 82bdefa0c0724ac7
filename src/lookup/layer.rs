//! [`LookupLayer`]: wraps services in [`LookupCors`].

use std::fmt;
use std::future::Future;

use http::request::Parts;
use http::HeaderValue;

use tower_layer::Layer;

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
    lookup: F,
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
        Self { policy, lookup }
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
            .finish_non_exhaustive()
    }
}
