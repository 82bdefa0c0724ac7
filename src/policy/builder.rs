//! Building a [`Policy`]: collect the configuration, then check all of it at
//! once and precompute every header value.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::answer::{self, AnswerSpec};
use super::config::PolicyConfig;
use super::error::{ConfigError, ConfigProblem};
use super::headers::{build_expose, AllowedHeaders};
use super::method::Methods;
use super::origin::{self, OriginPredicate, OriginSet, Origins, Trust};
use super::predicate::{RequestOriginPredicate, RequestRef};
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
    request_origin_fn: Option<RequestOriginPredicate>,
    methods: Vec<String>,
    headers: Vec<String>,
    expose: Vec<String>,
    credentials: bool,
    max_age: Option<Duration>,
    private_network: bool,
    debug: bool,
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
    ///         let host = request.headers().get("host").and_then(|host| host.to_str().ok());
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
        self.request_origin_fn = Some(RequestOriginPredicate::new(predicate));
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

    /// Debug mode, off by default: a preflight from an allowed origin whose
    /// method or header is refused is answered `200 OK` with
    /// `Access-Control-Allow-Origin`, `-Allow-Credentials` as configured and
    /// the configured `-Allow-Methods` and `-Allow-Headers` lists, plus the
    /// `cors-refusal` reason, instead of a bare `403`. Every browser then
    /// names the missing method or header in its console ("Method patch is
    /// not allowed by Access-Control-Allow-Methods"), where a `403` makes
    /// it blame the origin ("No 'Access-Control-Allow-Origin' header").
    ///
    /// Turn it on while developing or when a user reports a CORS error;
    /// it is safe to leave on, because it never grants anything the policy
    /// refuses:
    /// - the lists are the configured ones, so the browser still fails the
    ///   preflight and never sends the actual request (the browser suite
    ///   checks this in a real browser);
    /// - where the policy echoes the request instead of listing (any header,
    ///   or any method with credentials), only what it allows is echoed;
    /// - a refused origin, or a malformed request, is still a `403` with no
    ///   `Access-Control-*` header at all, so nothing new is told to a site
    ///   that is not allowed;
    /// - the application is still never called for a preflight;
    /// - no `Access-Control-Max-Age`, so the browser keeps the answer only
    ///   its default 5 seconds and a fixed configuration is seen at once.
    ///
    /// What it reveals to an allowed origin is what that origin's allowed
    /// preflights already receive: the configured lists.
    ///
    /// ```
    /// use tower_cors::policy::{Policy, CORS_REFUSAL};
    /// use http::{header, Request, StatusCode};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["PUT"])
    ///     .debug(true)
    ///     .build()?;
    /// let preflight = Request::options("/")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "patch")
    ///     .body(())?;
    /// let decision = policy.evaluate(&preflight);
    /// assert!(!decision.is_allowed());
    /// assert_eq!(decision.preflight_status(), Some(StatusCode::OK));
    /// let headers = decision.headers();
    /// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://app.example.com");
    /// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_METHODS).unwrap(), "PUT");
    /// assert_eq!(headers.get(&CORS_REFUSAL).unwrap(), "method \"patch\" not allowed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn debug(mut self, on: bool) -> Self {
        self.debug = on;
        self
    }

    /// Checks the whole configuration and builds the policy, or lists every
    /// problem found.
    ///
    /// Build a policy once and share it: it is cheap to clone. Its header
    /// values (and allowed exact origins) are made here, once, and each
    /// answer copies them by reference count. They belong to this policy
    /// alone and are freed with it, so building a new policy on every
    /// reload keeps no memory beyond the policies in use.
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
        let source = self.clone();
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
            if set.is_empty() && self.origins.is_empty() && self.request_origin_fn.is_none() {
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
                debug: self.debug,
                ready_made: answer::ready_made(&spec),
                request_origin_fn: self.request_origin_fn,
                source,
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
            .field("request_origin_fn", &self.request_origin_fn.is_some())
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("private_network", &self.private_network)
            .field("debug", &self.debug)
            .finish()
    }
}

impl PolicyBuilder {
    /// What was configured, key by key, as [`Policy::config`] reports it
    /// before normalizing; with the names of the builder methods whose
    /// functions no configuration can hold.
    pub(super) fn configured(&self) -> (PolicyConfig, Vec<&'static str>) {
        let mut allow_origins = self.origins.clone();
        if self.any_origin {
            allow_origins.push("*".to_owned());
        }
        let config = PolicyConfig {
            allow_origins,
            allow_methods: self.methods.clone(),
            allow_headers: self.headers.clone(),
            expose_headers: self.expose.clone(),
            allow_credentials: self.credentials,
            // Whole seconds, as `build` sends them.
            max_age: self.max_age.map(|age| age.as_secs()),
            allow_private_network: self.private_network,
            allow_null_origin_dangerously: self.null_origin,
            allow_insecure_origins_dangerously: self.insecure_origins,
            allow_public_suffix_subdomains_dangerously: self.public_suffix_subdomains,
            debug: self.debug,
        };

        let functions = [
            ("allow_origin_fn", self.origin_fn.is_some()),
            ("allow_origin_request_fn", self.request_origin_fn.is_some()),
        ];
        let functions = functions
            .into_iter()
            .filter_map(|(name, set)| set.then_some(name))
            .collect();
        (config, functions)
    }
}

/// The configuration as written, for `Display`, `Debug` and `explain`.
pub(super) struct Written<'a> {
    pub(super) origins: &'a [String],
    pub(super) any_origin: bool,
    pub(super) null_origin: bool,
    pub(super) insecure_origins: bool,
    pub(super) public_suffix_subdomains: bool,
    pub(super) origin_fn: bool,
    pub(super) methods: &'a [String],
    pub(super) headers: &'a [String],
    pub(super) expose: &'a [String],
    pub(super) credentials: bool,
    pub(super) max_age: Option<Duration>,
    pub(super) private_network: bool,
    pub(super) debug: bool,
}

impl PolicyBuilder {
    pub(super) fn written(&self) -> Written<'_> {
        Written {
            origins: &self.origins,
            any_origin: self.any_origin,
            null_origin: self.null_origin,
            insecure_origins: self.insecure_origins,
            public_suffix_subdomains: self.public_suffix_subdomains,
            origin_fn: self.origin_fn.is_some() || self.request_origin_fn.is_some(),
            methods: &self.methods,
            headers: &self.headers,
            expose: &self.expose,
            credentials: self.credentials,
            max_age: self.max_age,
            private_network: self.private_network,
            debug: self.debug,
        }
    }
}
