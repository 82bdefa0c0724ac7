//! [`CorsLayer`]: wraps services in [`Cors`].

use tower_layer::Layer;

use crate::policy::Policy;
use crate::reload::PolicyHandle;
use crate::service::Cors;
use crate::source::PolicySource;

/// Applies a CORS [`Policy`] to every request of the services it wraps.
///
/// Cloning the layer, or the services it makes, shares the policy: the
/// configuration is never copied. A layer made with
/// [`reloadable`](Self::reloadable) applies whichever policy its
/// [`PolicyHandle`] put in force last.
///
/// Put it outside authentication and anything else that can answer a
/// preflight first; with axum, per route or around the whole router: see
/// [where the layer goes](crate#where-the-layer-goes).
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::{CorsLayer, Policy};
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_methods(["GET", "POST"])
///     .build()?;
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hello" }))
///     .layer(CorsLayer::new(policy));
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CorsLayer {
    source: PolicySource,
}

impl CorsLayer {
    /// A layer applying `policy`, for its whole life.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let layer = CorsLayer::new(Policy::builder().allow_any_origin().build()?);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn new(policy: Policy) -> Self {
        Self {
            source: PolicySource::Fixed(policy),
        }
    }

    /// A layer applying `policy` until the returned handle replaces it:
    /// origins can change without a restart.
    ///
    /// Every service the layer makes, and every clone of them, follows the
    /// handle. Each request is answered wholly by the policy in force when it
    /// arrived. Reading the policy costs a few nanoseconds per request; a
    /// layer made with [`new`](Self::new) does not pay it.
    ///
    /// ```
    /// use axum::{routing::get, Router};
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let (layer, handle) = CorsLayer::reloadable(policy);
    /// let app: Router = Router::new().route("/", get(|| async { "hello" })).layer(layer);
    ///
    /// // Later, when a customer's front-end is added:
    /// handle.replace(
    ///     Policy::builder()
    ///         .allow_origins(["https://app.example.com", "https://shop.customer.example"])
    ///         .build()?,
    /// );
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn reloadable(policy: Policy) -> (Self, PolicyHandle) {
        let handle = PolicyHandle::new(policy);
        let layer = Self {
            source: PolicySource::Live(handle.clone()),
        };
        (layer, handle)
    }

    /// The policy this layer applies now: for a
    /// [`reloadable`](Self::reloadable) layer, the one its handle put in
    /// force last, which a later replacement does not change. A clone,
    /// which shares the configuration.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let layer = CorsLayer::new(Policy::builder().allow_any_origin().build()?);
    /// assert!(!layer.policy().varies_by_origin());
    ///
    /// let (layer, handle) = CorsLayer::reloadable(Policy::builder().allow_any_origin().build()?);
    /// handle.replace(Policy::builder().allow_origins(["https://a.example"]).build()?);
    /// assert!(layer.policy().varies_by_origin());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn policy(&self) -> Policy {
        self.source.current()
    }
}

impl CorsLayer {
    /// Where this layer reads its policy, for the other layers built from
    /// it (the origin lookup) to follow the same replacements.
    pub(crate) fn source(&self) -> &PolicySource {
        &self.source
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors::with_source(inner, self.source.clone())
    }
}
