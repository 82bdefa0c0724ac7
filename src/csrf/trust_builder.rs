//! [`TrustBuilder`]: collects trusted origins and bypass paths, and checks
//! all of them at once into a [`Trusted`].

use std::fmt;
use std::sync::Arc;

use super::bypass::BypassPaths;
use super::derived::TrustedOrigins;
use super::error::{TrustError, TrustProblem};
use super::trust::{OriginPredicate, Trusted};
use crate::policy::{ConfigProblem, Policy};
use crate::reload::PolicyHandle;
use crate::source::PolicySource;

impl Trusted {
    /// Starts a configuration of trusted origins and bypass paths.
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::builder().trust_origins(["https://app.example.com"]).build()?;
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn builder() -> TrustBuilder {
        TrustBuilder::default()
    }
}

/// Collects trusted origins and bypass paths; [`build`](Self::build)
/// checks all of it at once. Start with [`Trusted::builder`].
///
/// Trusted origins are written and validated exactly like CORS origins
/// (`https://app.example.com`, patterns `https://*.example.com`), as for a
/// policy with credentials, because a trusted origin's pages act with the
/// user's cookies: plain `http` only for loopback, no pattern directly
/// under a public suffix (`https://*.github.io`), and, built without the
/// `public-suffix` feature, no pattern at all (nothing could check it).
///
/// ```
/// # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
/// use tower_cors::csrf::Trusted;
///
/// let trusted = Trusted::builder()
///     .trust_origins(["https://app.example.com", "https://*.admin.example.com"])
///     .trust_origin_fn(|origin| origin.starts_with("https://pr-") && origin.ends_with(".preview.example.com"))
///     .bypass_path("/webhooks/stripe")
///     .bypass_prefix("/oauth/callback/")
///     .build()?;
/// # }
/// # Ok::<(), tower_cors::csrf::TrustError>(())
/// ```
#[derive(Clone, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct TrustBuilder {
    policy: Option<PolicySource>,
    origins: Vec<String>,
    predicate: Option<OriginPredicate>,
    policy_predicate: bool,
    exact: Vec<String>,
    prefixes: Vec<String>,
    websockets_unguarded: bool,
}

impl TrustBuilder {
    /// Trusts what this CORS policy allows, as
    /// [`Trusted::from_policy`] does (read its exceptions). Cannot be
    /// combined with [`trust_origins`](Self::trust_origins) or
    /// [`trust_origin_fn`](Self::trust_origin_fn).
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let trusted = Trusted::builder().trust_policy(&policy).bypass_path("/webhook").build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trust_policy(mut self, policy: &Policy) -> Self {
        self.policy = Some(PolicySource::Fixed(policy.clone()));
        self
    }

    /// Trusts what the policy behind `handle` allows, following its
    /// replacements, as [`Trusted::from_handle`] does. Cannot be combined
    /// with [`trust_origins`](Self::trust_origins),
    /// [`trust_origin_fn`](Self::trust_origin_fn) or
    /// [`trust_policy`](Self::trust_policy) (the last one given wins
    /// between those two).
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    /// use tower_cors::{CorsLayer, Policy};
    ///
    /// let (_cors, handle) = CorsLayer::reloadable(Policy::builder().allow_origins(["https://a.example"]).build()?);
    /// let trusted = Trusted::builder().trust_handle(&handle).bypass_prefix("/hooks/").build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trust_handle(mut self, handle: &PolicyHandle) -> Self {
        self.policy = Some(PolicySource::Live(handle.clone()));
        self
    }

    /// Also trusts what the origin predicate of the policy given to
    /// [`trust_policy`](Self::trust_policy) or
    /// [`trust_handle`](Self::trust_handle) says yes to. Without this, the
    /// guard never asks it (see [`Trusted::from_policy`]): a predicate
    /// written to let pages *read* answers may say yes to origins no one
    /// should trust to *act*, down to `|_| true`.
    ///
    /// ```
    /// use http::HeaderValue;
    /// use tower_cors::csrf::Trusted;
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origin_fn(|origin| origin.starts_with("https://") && origin.ends_with(".preview.example.com"))
    ///     .build()?;
    /// let preview = HeaderValue::from_static("https://pr-7.preview.example.com");
    /// assert!(!Trusted::from_policy(&policy).trusts_origin(&preview));
    /// let trusted = Trusted::builder().trust_policy(&policy).trust_policy_predicate().build()?;
    /// assert!(trusted.trusts_origin(&preview));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trust_policy_predicate(mut self) -> Self {
        self.policy_predicate = true;
        self
    }

    /// Trusts these origins: exact (`https://app.example.com`) or patterns
    /// (`https://*.example.com`: one or more labels in front of the
    /// domain, never the domain itself). `*` and `null` are refused.
    ///
    /// ```
    /// # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::builder().trust_origins(["https://*.example.com"]).build()?;
    /// # }
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn trust_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.origins
            .extend(origins.into_iter().map(|o| o.as_ref().to_owned()));
        self
    }

    /// Also trusts the well-formed origins for which `predicate` is true
    /// (never asked about `null` or malformed values).
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::builder()
    ///     .trust_origin_fn(|origin| origin.ends_with(".preview.example.com") && origin.starts_with("https://"))
    ///     .build()?;
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn trust_origin_fn<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&str) -> bool + Send + Sync + 'static,
    {
        self.predicate = Some(Arc::new(predicate));
        self
    }

    /// Lets every request for exactly this path through, whatever sent it.
    /// Compared byte for byte with the path as received: `/webhook` does
    /// not cover `/webhook/`, `//webhook` or `/Webhook`. The endpoint must
    /// protect itself (a signature, a secret).
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::builder().bypass_path("/webhooks/stripe").build()?;
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn bypass_path(mut self, path: impl AsRef<str>) -> Self {
        self.exact.push(path.as_ref().to_owned());
        self
    }

    /// Lets every request whose path starts with `prefix` (which ends with
    /// `/`) through, when the path is in the plain form browsers send, so
    /// that no spelling under the prefix reaches another route once a
    /// server or proxy behind the guard decodes or resolves it. A path is
    /// never bypassed when it has:
    ///
    /// - an empty segment (`//`), or a `.` or `..` segment, also once its
    ///   `;` parameters are dropped (`..;/admin`: Tomcat, Jetty and Spring
    ///   read it as `..`);
    /// - an encoded `/`, `\`, `.` or `;` (`%2f`, `%5c`, `%2e`, `%3b`: `..%3b`
    ///   is `..;` once decoded) or a raw `\`;
    /// - an encoded `%` (`%25`, which a second decoding turns into another
    ///   escape: `%252e%252e`), a `%` that starts no escape (`%5%63`,
    ///   which becomes `%5c` once `%63` is decoded) or a `%u` escape
    ///   (`%u002e`, which IIS decodes), in any case.
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    ///
    /// let trusted = Trusted::builder().bypass_prefix("/hooks/").build()?;
    /// assert!(trusted.bypasses("/hooks/github"));
    /// assert!(trusted.bypasses("/hooks/github;v=2"));
    /// assert!(!trusted.bypasses("/hooks/../admin"));
    /// assert!(!trusted.bypasses("/hooks/..;/admin"));
    /// assert!(!trusted.bypasses("/hooks/%252e%252e/admin"));
    /// assert!(!trusted.bypasses("/hooks/%u002e%u002e/admin"));
    /// assert!(!trusted.bypasses("/hooks/%5%63../admin"));
    /// # Ok::<(), tower_cors::csrf::TrustError>(())
    /// ```
    pub fn bypass_prefix(mut self, prefix: impl AsRef<str>) -> Self {
        self.prefixes.push(prefix.as_ref().to_owned());
        self
    }

    /// Lets every WebSocket handshake through, from any page, with the
    /// user's cookies: for a public socket API meant for every origin,
    /// which must then not act on cookies (or on anything else a browser
    /// adds by itself). Without it a handshake is judged like an unsafe
    /// method, since browsers apply no CORS to WebSockets and would let
    /// another origin's page read and write the socket as the user
    /// (cross-site WebSocket hijacking). Unsafe methods stay guarded. To
    /// open a single socket route to every origin, prefer
    /// [`bypass_path`](Self::bypass_path).
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::csrf::{self, Pass, Trusted};
    ///
    /// let trusted = Trusted::builder().allow_cross_site_websockets_dangerously().build()?;
    /// let socket = Request::get("/live")
    ///     .header("upgrade", "websocket")
    ///     .header("sec-fetch-site", "cross-site")
    ///     .header("origin", "https://anyone.example")
    ///     .body(())?;
    /// assert_eq!(csrf::check(&socket, &trusted), Ok(Pass::UnguardedWebSocket));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow_cross_site_websockets_dangerously(mut self) -> Self {
        self.websockets_unguarded = true;
        self
    }

    /// Checks everything and builds the [`Trusted`] set, or lists every
    /// problem found.
    ///
    /// ```
    /// use tower_cors::csrf::Trusted;
    ///
    /// let err = Trusted::builder()
    ///     .trust_origins(["http://app.example.com", "https://*.github.io"])
    ///     .bypass_path("webhook")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.problems().len(), 3);
    /// println!("{err}");
    /// ```
    pub fn build(self) -> Result<Trusted, TrustError> {
        let mut problems = Vec::new();
        let listed: Vec<&String> = self
            .origins
            .iter()
            .filter(|origin| match origin.as_str() {
                "*" => {
                    problems.push(TrustProblem::AnyOrigin);
                    false
                }
                "null" => {
                    problems.push(TrustProblem::NullOrigin);
                    false
                }
                _ => true,
            })
            .collect();
        let has_list = !self.origins.is_empty() || self.predicate.is_some();
        if self.policy.is_some() && has_list {
            problems.push(TrustProblem::PolicyAndOrigins);
        }
        if self.policy_predicate && self.policy.is_none() {
            problems.push(TrustProblem::PredicateWithoutPolicy);
        }

        // The CORS builder validates, so the two guards accept the very
        // same origin syntax; credentials turn on its checks of plain
        // http and of public suffixes.
        let built = if !listed.is_empty() || self.predicate.is_some() {
            let mut cors = Policy::builder()
                .allow_origins(listed)
                .allow_credentials(true);
            if let Some(predicate) = self.predicate {
                cors = cors.allow_origin_fn(move |origin| predicate(origin));
            }
            match cors.build() {
                Ok(policy) => Some(policy),
                Err(err) => {
                    problems.extend(
                        err.problems()
                            .iter()
                            // Only origins were configured: nothing else
                            // can be wrong, and `NoOrigin` cannot happen.
                            .filter(|p| !matches!(p, ConfigProblem::NoOrigin))
                            .cloned()
                            .map(TrustProblem::Origin),
                    );
                    None
                }
            }
        } else {
            None
        };

        let mut bypass = BypassPaths::default();
        for path in &self.exact {
            bypass.add_exact(path, &mut problems);
        }
        for prefix in &self.prefixes {
            bypass.add_prefix(prefix, &mut problems);
        }

        if !problems.is_empty() {
            return Err(TrustError::new(problems));
        }
        let origins = match (self.policy, built) {
            (Some(PolicySource::Fixed(policy)), _) => {
                TrustedOrigins::from_policy(&policy, self.policy_predicate)
            }
            (Some(PolicySource::Live(handle)), _) => {
                TrustedOrigins::from_handle(&handle, self.policy_predicate)
            }
            (None, Some(policy)) => TrustedOrigins::Listed(policy),
            (None, None) => TrustedOrigins::None,
        };
        Ok(Trusted {
            origins,
            bypass: Arc::new(bypass),
            websockets_unguarded: self.websockets_unguarded,
        })
    }
}

impl fmt::Debug for TrustBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustBuilder")
            .field("policy", &self.policy)
            .field("origins", &self.origins)
            .field("predicate", &self.predicate.is_some())
            .field("policy_predicate", &self.policy_predicate)
            .field("exact", &self.exact)
            .field("prefixes", &self.prefixes)
            .field("websockets_unguarded", &self.websockets_unguarded)
            .finish()
    }
}
