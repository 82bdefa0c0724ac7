//! [`Trusted`]: the origins and paths the guard lets through even when a
//! browser says another origin sent the request (built by
//! [`TrustBuilder`](super::TrustBuilder), in `trust_builder`).

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;

use super::bypass::BypassPaths;
use super::derived::TrustedOrigins;
use crate::policy::Policy;
use crate::reload::PolicyHandle;

pub(super) type OriginPredicate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// What the guard trusts beyond the request's own origin: origins, matched
/// exactly as a CORS [`Policy`] matches them, and bypass paths. Cheap to
/// clone. `Display` and `Debug` say what is trusted and, for trust derived
/// from a CORS policy, what the policy allows that is left out.
///
/// ```
/// use tower_cors::csrf::Trusted;
/// use tower_cors::Policy;
///
/// // Nothing but the request's own origin.
/// let strict = Trusted::same_origin_only();
/// // What the CORS policy allows, by the rules of trusted origins.
/// let policy = Policy::builder().allow_origins(["https://*.example.com"]).build()?;
/// let shared = Trusted::from_policy(&policy);
/// // A list of its own, and a webhook.
/// let listed = Trusted::builder()
///     .trust_origins(["https://app.example.com"])
///     .bypass_path("/webhooks/stripe")
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Trusted {
    /// The one origin source: a list, or a policy, fixed or following a
    /// [`PolicyHandle`].
    pub(super) origins: TrustedOrigins,
    pub(super) bypass: Arc<BypassPaths>,
    /// Set by [`TrustBuilder::allow_cross_site_websockets_dangerously`](super::TrustBuilder::allow_cross_site_websockets_dangerously).
    pub(super) websockets_unguarded: bool,
}

impl Trusted {
    /// Trusts no other origin and no path: only requests a browser marks
    /// as same-origin (or user-initiated), and those without any `Origin`.
    ///
    /// ```
    /// use http::{HeaderValue, Request};
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::same_origin_only();
    /// assert!(!trusted.trusts_origin(&HeaderValue::from_static("https://app.example.com")));
    /// ```
    pub fn same_origin_only() -> Self {
        Self::default()
    }

    /// Trusts the origins `policy` allows that pass the rules of trusted
    /// origins (those of [`TrustBuilder`](super::TrustBuilder)): its exact origins and patterns,
    /// matched as CORS matches them. Cloning shares the policy.
    ///
    /// The guard trusts pages to *act* with a user's cookies, CORS lets
    /// pages *read* answers: what CORS may allow without credentials is
    /// not always safe to trust, so these are **left out**, and listed by
    /// the `Display` and `Debug` of the result:
    ///
    /// - plain `http` origins beyond loopback (a network attacker can be
    ///   any `http` page), and patterns directly under a public suffix
    ///   (`https://*.github.io`: anybody can have a page there); without
    ///   the `public-suffix` feature, every pattern (nothing can check it);
    /// - the policy's origin predicate
    ///   ([`allow_origin_fn`](crate::PolicyBuilder::allow_origin_fn)): a
    ///   catch-all `|_| true` would switch the guard off. Trust it with
    ///   [`TrustBuilder::trust_policy_predicate`](super::TrustBuilder::trust_policy_predicate) when it says yes only to
    ///   origins you would trust;
    /// - request predicates
    ///   ([`allow_origin_request_fn`](crate::PolicyBuilder::allow_origin_request_fn))
    ///   and origin lookups ([`LookupLayer`](crate::LookupLayer)), which
    ///   the guard never asks;
    /// - `null`, which every sandboxed iframe sends;
    /// - **every origin of a policy built with `allow_any_origin`: the
    ///   guard then acts like [`same_origin_only`](Self::same_origin_only).**
    ///   `*` lets any page *read* answers sent without credentials; it
    ///   names no origin trusted to *act* with a user's cookies. A public
    ///   API whose state-changing endpoints must accept POSTs from any site
    ///   needs no cookie-based protection there: put those routes outside
    ///   the guard, or name them with [`TrustBuilder::bypass_prefix`](super::TrustBuilder::bypass_prefix).
    ///
    /// So CORS and the guard can disagree: a cross-origin `POST` that CORS
    /// allows may be refused by the guard. For cookie-protected endpoints,
    /// a credentialed policy (whose origins pass the same rules) or a list
    /// of its own ([`Trusted::builder`]) keeps them in step.
    ///
    /// ```
    /// # #[cfg(feature = "public-suffix")] { // the left-out reason names the list
    /// use http::HeaderValue;
    /// use tower_cors::csrf::Trusted;
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://*.example.com", "http://partner.example", "https://*.github.io"])
    ///     .build()?;
    /// let trusted = Trusted::from_policy(&policy);
    /// assert!(trusted.trusts_origin(&HeaderValue::from_static("https://app.example.com")));
    /// assert!(!trusted.trusts_origin(&HeaderValue::from_static("https://example.com")));
    /// assert!(!trusted.trusts_origin(&HeaderValue::from_static("http://partner.example")));
    /// assert!(!trusted.trusts_origin(&HeaderValue::from_static("https://evil.github.io")));
    /// assert_eq!(
    ///     trusted.to_string(),
    ///     "origins: https://*.example.com; left out of the CORS policy: \
    ///      http://partner.example (plain http beyond loopback), \
    ///      https://*.github.io (a pattern directly under a public suffix)"
    /// );
    ///
    /// let public = Policy::builder().allow_any_origin().build()?;
    /// assert!(!Trusted::from_policy(&public).trusts_origin(&HeaderValue::from_static("https://a.example")));
    /// # }
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn from_policy(policy: &Policy) -> Self {
        Self {
            origins: TrustedOrigins::from_policy(policy, false),
            ..Self::default()
        }
    }

    /// Trusts what the policy in force behind `handle` allows, as
    /// [`from_policy`](Self::from_policy) does (with the same rules and
    /// the same left-out origins), following every
    /// [`PolicyHandle::replace`]: the trust is derived again from each new
    /// policy, once, on the first request that needs it.
    ///
    /// ```
    /// use http::HeaderValue;
    /// use tower_cors::csrf::Trusted;
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let (_cors, handle) = CorsLayer::reloadable(Policy::builder().allow_origins(["https://a.example"]).build()?);
    /// let trusted = Trusted::from_handle(&handle);
    /// let b = HeaderValue::from_static("https://b.example");
    /// assert!(!trusted.trusts_origin(&b));
    /// handle.replace(Policy::builder().allow_origins(["https://b.example"]).build()?);
    /// assert!(trusted.trusts_origin(&b));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn from_handle(handle: &PolicyHandle) -> Self {
        Self {
            origins: TrustedOrigins::from_handle(handle, false),
            ..Self::default()
        }
    }

    /// Whether `origin` (one `Origin` header value) is trusted.
    ///
    /// ```
    /// # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
    /// use http::HeaderValue;
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::builder().trust_origins(["https://*.example.com"]).build()?;
    /// assert!(trusted.trusts_origin(&HeaderValue::from_static("https://app.example.com")));
    /// assert!(!trusted.trusts_origin(&HeaderValue::from_static("https://app.example.com.evil.test")));
    /// assert!(!trusted.trusts_origin(&HeaderValue::from_static("null")));
    /// # }
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn trusts_origin(&self, origin: &HeaderValue) -> bool {
        self.origins.trusts_origin(origin)
    }

    /// Whether the request path `path`, exactly as received, is bypassed.
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::builder().bypass_path("/webhook").bypass_prefix("/hooks/").build()?;
    /// assert!(trusted.bypasses("/webhook"));
    /// assert!(!trusted.bypasses("/webhook/"));
    /// assert!(trusted.bypasses("/hooks/github"));
    /// assert!(!trusted.bypasses("/hooks/../admin"));
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn bypasses(&self, path: &str) -> bool {
        self.bypass.matches(path)
    }

    /// Whether WebSocket handshakes are judged like unsafe methods: true
    /// unless built with
    /// [`allow_cross_site_websockets_dangerously`](super::TrustBuilder::allow_cross_site_websockets_dangerously).
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    ///
    /// assert!(Trusted::same_origin_only().guards_websockets());
    /// let public = Trusted::builder().allow_cross_site_websockets_dangerously().build()?;
    /// assert!(!public.guards_websockets());
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn guards_websockets(&self) -> bool {
        !self.websockets_unguarded
    }
}

/// What is trusted, in one line: the origins (and what a CORS policy
/// allows that was left out), then the bypass paths.
///
/// ```
/// use tower_cors::csrf::Trusted;
///
/// let trusted = Trusted::builder()
///     .trust_origins(["https://app.example.com"])
///     .bypass_path("/webhook")
///     .bypass_prefix("/hooks/")
///     .build()?;
/// assert_eq!(
///     trusted.to_string(),
///     "origins: https://app.example.com; bypass paths: /webhook; bypass prefixes: /hooks/"
/// );
/// assert_eq!(Trusted::same_origin_only().to_string(), "origins: none");
/// # Ok::<(), tower_cors::csrf::TrustError>(())
/// ```
impl fmt::Display for Trusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origins, self.bypass)
    }
}
