//! The builder's methods that say which origins are allowed, with the
//! escape hatches that loosen the origin checks.

use std::sync::Arc;

use super::{strings, PolicyBuilder};
use crate::policy::predicate::{RequestOriginPredicate, RequestRef};
#[cfg(doc)]
use crate::policy::Policy;

impl PolicyBuilder {
    /// Allows these origins, each exactly as a browser sends it
    /// (`https://app.example.com`, `http://localhost:3000`), or as a pattern
    /// `scheme://*.domain[:port]`, which allows one or more labels in front
    /// of `domain` (never `domain` itself) with that scheme and port only.
    /// The port `*` (`http://localhost:*`, `https://*.example.com:*`)
    /// allows any port or none, for development servers whose port
    /// changes. A host may end with a dot, as browsers send it:
    /// `https://example.com.` is an origin of its own, not
    /// `https://example.com`.
    /// `"*"` is the same as [`allow_any_origin`](Self::allow_any_origin).
    ///
    /// Refused at [`build`](Self::build): anything a browser never sends,
    /// such as a path or trailing slash, a default port, port `0`, a
    /// `file://` origin (file pages send `null`), an `xn--` label that is
    /// not punycode, or a host over 253 bytes.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Request;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://*.example.org"])
    ///     .build()?;
    /// let from = |origin: &str| Request::get("/").header("origin", origin).body(()).unwrap();
    /// assert!(policy.evaluate(&from("https://api.example.org")).is_allowed());
    /// assert!(!policy.evaluate(&from("https://example.org")).is_allowed());
    /// assert!(!policy.evaluate(&from("https://evil-example.org")).is_allowed());
    ///
    /// let dev = Policy::builder().allow_origins(["http://localhost:*"]).build()?;
    /// assert!(dev.evaluate(&from("http://localhost:5173")).is_allowed());
    /// assert!(dev.evaluate(&from("http://localhost")).is_allowed());
    /// assert!(!dev.evaluate(&from("http://localhost.:5173")).is_allowed());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.config.allow_origins.extend(strings(origins));
        self
    }

    /// Allows every origin, answering `Access-Control-Allow-Origin: *`.
    /// Cannot be combined with credentials.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let public_api = Policy::builder().allow_any_origin().build()?;
    /// assert!(Policy::builder().allow_any_origin().allow_credentials(true).build().is_err());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_any_origin(mut self) -> Self {
        self.config.allow_origins.push("*".to_owned());
        self
    }

    /// Also allows the origins for which `predicate` returns true: the
    /// escape hatch for rules the lists cannot say. It is asked only about
    /// well-formed origins the lists do not already allow, never about
    /// `null` or malformed values. With credentials, the predicate alone
    /// decides who can read users' data: keep it strict.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Request;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origin_fn(|origin| origin.starts_with("https://pr-") && origin.ends_with(".preview.example.com"))
    ///     .build()?;
    /// let request = Request::get("/").header("origin", "https://pr-42.preview.example.com").body(())?;
    /// assert!(policy.evaluate(&request).is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow_origin_fn<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&str) -> bool + Send + Sync + 'static,
    {
        self.functions.origin_fn = Some(Arc::new(predicate));
        self
    }

    /// Also allows the origins for which `predicate`, given the origin and
    /// the request (method, URI, headers), returns true: for rules that
    /// depend on the request, such as a multi-tenant API where each `Host`
    /// has its own front-ends. Like
    /// [`allow_origin_fn`](Self::allow_origin_fn), it is asked only about
    /// well-formed origins nothing else allows, never about `null` or
    /// malformed values, and [`Policy::evaluate`] answers it in a unit
    /// test. It cannot be written in a configuration file
    /// ([`Policy::config`] says so).
    ///
    /// Every response already carries `Vary: Origin`. An answer that also
    /// depends on another request header needs that header in `Vary` too
    /// (the application's to add), or a shared cache may serve it to a
    /// request it was not decided for; the `Host` and path are part of the
    /// cache key already.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Request;
    ///
    /// // `https://app.acme.example` may call `acme.example`, and only it.
    /// let policy = Policy::builder()
    ///     .allow_origin_request_fn(|origin, request| {
    ///         // `Host` under HTTP/1.1, `:authority` under HTTP/2.
    ///         let host = request.host();
    ///         host.is_some_and(|host| origin.strip_prefix("https://app.") == Some(host))
    ///     })
    ///     .allow_credentials(true)
    ///     .build()?;
    /// let request = |host: &str| {
    ///     Request::get("/").header("host", host).header("origin", "https://app.acme.example").body(())
    /// };
    /// assert!(policy.evaluate(&request("acme.example")?).is_allowed());
    /// assert!(!policy.evaluate(&request("globex.example")?).is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow_origin_request_fn<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&str, &RequestRef<'_>) -> bool + Send + Sync + 'static,
    {
        self.functions.request_origin_fn = Some(RequestOriginPredicate::new(predicate));
        self
    }

    /// Allows the origin `null`. Every sandboxed iframe, `data:` URL and
    /// some redirected requests send `null`, so this allows any attacker
    /// page that sandboxes itself. Listing `"null"` in
    /// [`allow_origins`](Self::allow_origins) is refused without this.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// assert!(Policy::builder().allow_origins(["null"]).build().is_err());
    /// let policy = Policy::builder().allow_null_origin_dangerously().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_null_origin_dangerously(mut self) -> Self {
        self.config.allow_null_origin_dangerously = true;
        self
    }

    /// Accepts plain `http://` origins beyond loopback together with
    /// credentials: a development box on a LAN, an intranet without TLS.
    /// Without it they are refused
    /// ([`ConfigProblem::InsecureOriginWithCredentials`]).
    ///
    /// The attack it opens: anyone on the network path to such a page (the
    /// same Wi-Fi, a proxy, a compromised router) can rewrite it, or answer
    /// for its host name, and script reads of your users' data in their
    /// name. Use it only where every path between the browsers and that
    /// origin is trusted.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let lan = || Policy::builder().allow_origins(["http://devbox.lan:8080"]).allow_credentials(true);
    /// assert!(lan().build().is_err());
    /// let policy = lan().allow_insecure_origins_dangerously().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    ///
    /// [`ConfigProblem::InsecureOriginWithCredentials`]: crate::policy::ConfigProblem::InsecureOriginWithCredentials
    pub fn allow_insecure_origins_dangerously(mut self) -> Self {
        self.config.allow_insecure_origins_dangerously = true;
        self
    }

    /// Accepts credentialed wildcards directly under a public suffix
    /// (`https://*.github.io`, where `github.io` is on the private section
    /// of the Public Suffix List), for the owner of such an entry, who alone
    /// hands out the names under it. Without it they
    /// are refused ([`ConfigProblem::PublicSuffixWildcardWithCredentials`]),
    /// and, built without the `public-suffix` feature, every credentialed
    /// wildcard is ([`ConfigProblem::WildcardNeedsPublicSuffixList`]); with
    /// it, neither check is made.
    ///
    /// The attack it opens: names under a public suffix belong to whoever
    /// registers them. Unless you alone hand them out, any stranger's site
    /// there can read your users' data with their cookies.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let mine = || Policy::builder().allow_origins(["https://*.github.io"]).allow_credentials(true);
    /// assert!(mine().build().is_err());
    /// let policy = mine().allow_public_suffix_subdomains_dangerously().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    ///
    /// [`ConfigProblem::PublicSuffixWildcardWithCredentials`]: crate::policy::ConfigProblem::PublicSuffixWildcardWithCredentials
    /// [`ConfigProblem::WildcardNeedsPublicSuffixList`]: crate::policy::ConfigProblem::WildcardNeedsPublicSuffixList
    pub fn allow_public_suffix_subdomains_dangerously(mut self) -> Self {
        self.config.allow_public_suffix_subdomains_dangerously = true;
        self
    }
}
