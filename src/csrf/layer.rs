//! [`CsrfLayer`]: wraps services in [`Csrf`].

use http::Response;
use tower_layer::Layer;

use super::refusal::{PlainRefusal, RefuseWith};
use super::service::Csrf;
use super::trust::Trusted;
use super::verdict::Refused;
use crate::policy::Policy;
use crate::reload::PolicyHandle;

/// Refuses state-changing requests that another origin's page made a
/// browser send, unless trusted; see the [module docs](super) for the
/// rules. Cloning the layer shares its configuration.
///
/// ```
/// use axum::{routing::post, Router};
/// use tower_cors::csrf::CsrfLayer;
/// use tower_cors::{CorsLayer, Policy};
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_methods(["POST", "DELETE"])
///     .allow_credentials(true)
///     .build()?;
/// let app: Router = Router::new()
///     .route("/transfer", post(|| async { "done" }))
///     // The last `.layer` is the outermost: CORS first, then the guard.
///     .layer(CsrfLayer::from_policy(&policy))
///     .layer(CorsLayer::new(policy));
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsrfLayer<R = PlainRefusal> {
    trusted: Trusted,
    refusal: R,
}

impl CsrfLayer {
    /// Trusts no other origin: only same-origin (and user-initiated)
    /// requests, and requests without any `Origin`, pass.
    ///
    /// ```
    /// use tower_cors::csrf::CsrfLayer;
    ///
    /// let layer = CsrfLayer::new();
    /// ```
    pub fn new() -> Self {
        Self::trusting(Trusted::same_origin_only())
    }

    /// Trusts the origins the CORS `policy` allows that pass the rules of
    /// trusted origins: not its predicate, plain `http` beyond loopback,
    /// patterns directly under a public suffix or `null`, and **none at
    /// all for a policy allowing any origin** (`*`): see
    /// [`Trusted::from_policy`] for why, and for what is left out.
    ///
    /// ```
    /// use tower_cors::csrf::CsrfLayer;
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder().allow_origins(["https://*.example.com"]).build()?;
    /// let layer = CsrfLayer::from_policy(&policy);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn from_policy(policy: &Policy) -> Self {
        Self::trusting(Trusted::from_policy(policy))
    }

    /// Trusts what the CORS policy behind `handle` allows, following its
    /// replacements (see [`Trusted::from_handle`]): one reloadable policy
    /// governs both layers.
    ///
    /// ```
    /// use axum::{routing::post, Router};
    /// use tower_cors::csrf::CsrfLayer;
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let (cors, handle) = CorsLayer::reloadable(Policy::builder().allow_origins(["https://app.example.com"]).build()?);
    /// let app: Router = Router::new()
    ///     .route("/transfer", post(|| async { "done" }))
    ///     .layer(CsrfLayer::from_handle(&handle))
    ///     .layer(cors);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn from_handle(handle: &PolicyHandle) -> Self {
        Self::trusting(Trusted::from_handle(handle))
    }

    /// Trusts what `trusted` trusts (origins of its own, bypass paths).
    ///
    /// ```
    /// use tower_cors::csrf::{CsrfLayer, Trusted};
    ///
    /// let layer = CsrfLayer::trusting(
    ///     Trusted::builder()
    ///         .trust_origins(["https://app.example.com"])
    ///         .bypass_path("/webhooks/stripe")
    ///         .build()?,
    /// );
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn trusting(trusted: Trusted) -> Self {
        Self {
            trusted,
            refusal: PlainRefusal,
        }
    }
}

impl Default for CsrfLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl<R> CsrfLayer<R> {
    /// Answers refused requests with `refuse` instead of the default
    /// plain-text `403`. Its body type must be the application's
    /// response body type; [`Refused::response`] builds the usual `403`
    /// with the `csrf-refusal` header around any body. The [`Refused`]
    /// reason is added to the response's extensions either way.
    ///
    /// ```
    /// use axum::body::Body;
    /// use axum::response::{IntoResponse, Redirect, Response};
    /// use tower_cors::csrf::{CsrfLayer, Refused};
    ///
    /// let layer = CsrfLayer::new().refuse_with(|_: &Refused| -> Response<Body> {
    ///     Redirect::to("/session-expired").into_response()
    /// });
    /// ```
    pub fn refuse_with<F, B>(self, refuse: F) -> CsrfLayer<RefuseWith<F>>
    where
        F: Fn(&Refused) -> Response<B>,
    {
        CsrfLayer {
            trusted: self.trusted,
            refusal: RefuseWith::new(refuse),
        }
    }

    /// What this layer trusts, for [`check`](super::check).
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::csrf::{self, CsrfLayer, Refused};
    ///
    /// let layer = CsrfLayer::new();
    /// let forged = Request::post("/").header("sec-fetch-site", "same-site").body(())?;
    /// assert_eq!(csrf::check(&forged, layer.trusted()), Err(Refused::SameSite));
    /// # Ok::<(), http::Error>(())
    /// ```
    pub fn trusted(&self) -> &Trusted {
        &self.trusted
    }
}

impl<S, R: Clone> Layer<S> for CsrfLayer<R> {
    type Service = Csrf<S, R>;

    fn layer(&self, inner: S) -> Csrf<S, R> {
        Csrf::with_refusal(inner, self.trusted.clone(), self.refusal.clone())
    }
}
