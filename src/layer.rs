//! [`CorsLayer`]: wraps services in [`Cors`].

use tower_layer::Layer;

use crate::policy::Policy;
use crate::service::Cors;

/// Applies a CORS [`Policy`] to every request of the services it wraps.
///
/// Cloning the layer, or the services it makes, shares the policy: the
/// configuration is never copied.
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
    policy: Policy,
}

impl CorsLayer {
    /// A layer applying `policy`.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let layer = CorsLayer::new(Policy::builder().allow_any_origin().build()?);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn new(policy: Policy) -> Self {
        Self { policy }
    }

    /// The policy this layer applies.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let layer = CorsLayer::new(Policy::builder().allow_any_origin().build()?);
    /// assert!(!layer.policy().varies_by_origin());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors::new(inner, self.policy.clone())
    }
}
