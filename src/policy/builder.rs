//! Building a [`Policy`]: collect the configuration, then check all of it at
//! once and precompute every header value.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::answers::{self, AnswerSpec};
use super::error::{ConfigError, ConfigProblem};
use super::headers::{build_expose, AllowedHeaders};
use super::method::Methods;
use super::origin::{self, OriginPredicate, OriginSet, Origins, Trust};
use super::{Policy, Rules};

/// Collects a CORS configuration; [`build`](PolicyBuilder::build) checks it
/// and returns an immutable [`Policy`]. Start with [`Policy::builder`].
///
/// List methods add to what earlier calls added. Nothing is checked until
/// `build`, which reports every problem at once.
///
/// ```
/// use std::time::Duration;
/// use tower_cors::Policy;
///
/// # #[cfg(feature = "public-suffix")] { // credentialed patterns need the list
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com", "https://*.example.org"])
///     .allow_methods(["GET", "POST", "PUT", "DELETE"])
///     .allow_headers(["content-type", "x-custom"])
///     .expose_headers(["x-request-id"])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// # }
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Clone, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct PolicyBuilder {
    origins: Vec<String>,
    any_origin: bool,
    null_origin: bool,
    insecure_origins: bool,
    public_suffix_subdomains: bool,
    origin_fn: Option<OriginPredicate>,
    methods: Vec<String>,
    headers: Vec<String>,
    expose: Vec<String>,
    credentials: bool,
    max_age: Option<Duration>,
    private_network: bool,
}

fn strings<I>(items: I) -> impl Iterator<Item = String>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    items.into_iter().map(|item| item.as_ref().to_owned())
}

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
        for origin in strings(origins) {
            if origin == "*" {
                self.any_origin = true;
            } else {
                self.origins.push(origin);
            }
        }
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
        self.any_origin = true;
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
        self.origin_fn = Some(Arc::new(predicate));
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
        self.null_origin = true;
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
        self.insecure_origins = true;
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
        self.public_suffix_subdomains = true;
        self
    }

    /// Allows preflights for these methods, compared byte-exactly: `PATCH`
    /// does not allow `patch`. `GET`, `HEAD` and `POST` are always allowed
    /// by browsers and need not be listed. `"*"` is the same as
    /// [`allow_any_method`](Self::allow_any_method).
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Method;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .allow_methods([Method::PUT, Method::DELETE])
    ///     .allow_methods(["PATCH"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_methods<I>(mut self, methods: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.methods.extend(strings(methods));
        self
    }

    /// Allows any method but the forbidden ones. Answers `*`, or the
    /// requested method when credentials make `*` a literal.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder().allow_any_origin().allow_any_method().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_any_method(mut self) -> Self {
        self.methods.push("*".to_owned());
        self
    }

    /// Allows preflights to ask for these request headers (any case).
    /// `"*"` is the same as [`allow_any_header`](Self::allow_any_header);
    /// `["*", "authorization"]` allows every header.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::header::{AUTHORIZATION, CONTENT_TYPE};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .allow_headers([CONTENT_TYPE, AUTHORIZATION])
    ///     .allow_headers(["x-request-id"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.headers.extend(strings(headers));
        self
    }

    /// Allows preflights to ask for any header except `authorization`,
    /// which the Fetch standard never lets `*` cover; add it with
    /// [`allow_headers`](Self::allow_headers) if wanted. The requested names
    /// are echoed back, which works with and without credentials.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .allow_any_header()
    ///     .allow_headers(["authorization"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_any_header(mut self) -> Self {
        self.headers.push("*".to_owned());
        self
    }

    /// Lets scripts read these response headers, beyond the safelisted
    /// `Cache-Control`, `Content-Language`, `Content-Length`,
    /// `Content-Type`, `Expires`, `Last-Modified` and `Pragma`.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .expose_headers(["x-request-id", "etag"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn expose_headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.expose.extend(strings(headers));
        self
    }

    /// Lets scripts read every response header (except `Set-Cookie`).
    /// Cannot be combined with credentials.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder().allow_any_origin().expose_any_header().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn expose_any_header(mut self) -> Self {
        self.expose.push("*".to_owned());
        self
    }

    /// Lets scripts make credentialed requests (cookies, HTTP auth, client
    /// certificates) and read the answers: `Access-Control-Allow-Credentials:
    /// true`. Needs listed origins, https or loopback.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://app.example.com", "http://localhost:5173"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.credentials = allow;
        self
    }

    /// How long browsers may cache a preflight's answer
    /// (`Access-Control-Max-Age`, whole seconds, at most one day). Without
    /// it browsers cache for 5 seconds.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .max_age(Duration::from_secs(600))
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Answers Chrome's Private Network Access preflights
    /// (`Access-Control-Request-Private-Network: true`) with
    /// `Access-Control-Allow-Private-Network: true`. Legacy: Chrome replaced
    /// it with a permission prompt, so it is off by default.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_private_network(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// Checks the whole configuration and builds the policy, or lists every
    /// problem found.
    ///
    /// Build a policy once and share it: it is cheap to clone. Its header
    /// values (and allowed exact origins) are interned for the life of the
    /// process, so that answering never touches a reference count shared
    /// between threads. Building the same configuration again reuses them.
    /// What interning keeps is bounded (64 distinct configurations, 256 KiB
    /// in all). Past that bound, values are reference-counted instead,
    /// with the same answers.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let err = Policy::builder()
    ///     .allow_origins(["https://app.example.com/"])
    ///     .max_age(std::time::Duration::from_secs(7 * 86400))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.problems().len(), 2);
    /// println!("{err}");
    /// ```
    pub fn build(self) -> Result<Policy, ConfigError> {
        let mut problems = Vec::new();
        let credentials = self.credentials;
        let trust = Trust {
            credentials,
            insecure_origins: self.insecure_origins,
            public_suffix_subdomains: self.public_suffix_subdomains,
        };

        // Listed origins are checked even when any origin is allowed, so
        // that every mistake is reported.
        let mut set = OriginSet::default();
        for text in &self.origins {
            if text == "null" {
                if !self.null_origin {
                    problems.push(ConfigProblem::NullOrigin);
                }
            } else if let Some(parts) = origin::validate(text, trust, &mut problems) {
                set.insert(text, &parts);
            }
        }
        let origins = if self.any_origin {
            if credentials {
                problems.push(ConfigProblem::AnyOriginWithCredentials);
            }
            Origins::Any
        } else {
            if self.null_origin {
                set.allow_null();
            }
            if let Some(predicate) = self.origin_fn {
                set.set_predicate(predicate);
            }
            if set.is_empty() && self.origins.is_empty() {
                problems.push(ConfigProblem::NoOrigin);
            }
            Origins::Listed(set)
        };

        let methods = Methods::build(&self.methods, &mut problems);
        let headers = AllowedHeaders::build(&self.headers, &mut problems);
        let expose_headers = build_expose(&self.expose, credentials, &mut problems);

        let max_age = self.max_age.and_then(|age| {
            let secs = age.as_secs();
            if secs > 86_400 {
                problems.push(ConfigProblem::MaxAgeTooLong { secs });
                None
            } else {
                Some(secs)
            }
        });

        if !problems.is_empty() {
            return Err(ConfigError::new(problems));
        }

        let credentials_echo_method = matches!(methods, Methods::Any) && credentials;
        let spec = AnswerSpec {
            by_origin: !matches!(origins, Origins::Any),
            credentials,
            expose: expose_headers,
            max_age,
            allow_methods: match &methods {
                // With credentials `*` is a method literally named `*`.
                Methods::Any if credentials => None,
                Methods::Any => Some(b"*"[..].into()),
                Methods::Listed { .. } => methods.list_value(),
            },
            allow_headers: headers.list_value(),
            echo_methods: credentials_echo_method,
            echo_headers: headers.reflects(),
        };
        Ok(Policy {
            rules: Arc::new(Rules {
                origins,
                methods,
                headers,
                private_network: self.private_network,
                answers: answers::answers(&spec),
            }),
        })
    }
}

impl fmt::Debug for PolicyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyBuilder")
            .field("origins", &self.origins)
            .field("any_origin", &self.any_origin)
            .field("null_origin", &self.null_origin)
            .field("insecure_origins", &self.insecure_origins)
            .field("public_suffix_subdomains", &self.public_suffix_subdomains)
            .field("origin_fn", &self.origin_fn.is_some())
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("private_network", &self.private_network)
            .finish()
    }
}
