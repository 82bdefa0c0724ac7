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
use super::normal_form::Configured;
use super::origin::{self, OriginPredicate, OriginSet, Origins, Trust};
use super::predicate::RequestOriginPredicate;
use super::{Policy, Rules};

mod origins;

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
#[derive(Clone, Default, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct PolicyBuilder {
    /// Everything but the functions, as written: the one list of the
    /// configurable fields.
    config: PolicyConfig,
    functions: Functions,
}

/// The two predicates a configuration cannot hold.
#[derive(Clone, Default)]
struct Functions {
    origin_fn: Option<OriginPredicate>,
    request_origin_fn: Option<RequestOriginPredicate>,
}

impl Functions {
    /// The names of the builder methods whose functions are set.
    fn names(&self) -> Vec<&'static str> {
        let set = [
            ("allow_origin_fn", self.origin_fn.is_some()),
            ("allow_origin_request_fn", self.request_origin_fn.is_some()),
        ];
        set.into_iter()
            .filter_map(|(name, set)| set.then_some(name))
            .collect()
    }
}

impl fmt::Debug for Functions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl From<PolicyConfig> for PolicyBuilder {
    fn from(config: PolicyConfig) -> Self {
        PolicyBuilder {
            config,
            functions: Functions::default(),
        }
    }
}

fn strings<I>(items: I) -> impl Iterator<Item = String>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    items.into_iter().map(|item| item.as_ref().to_owned())
}

impl PolicyBuilder {
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
        self.config.allow_methods.extend(strings(methods));
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
        self.config.allow_methods.push("*".to_owned());
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
        self.config.allow_headers.extend(strings(headers));
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
        self.config.allow_headers.push("*".to_owned());
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
        self.config.expose_headers.extend(strings(headers));
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
        self.config.expose_headers.push("*".to_owned());
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
        self.config.allow_credentials = allow;
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
        // Whole seconds, as `Access-Control-Max-Age` sends them.
        self.config.max_age = Some(max_age.as_secs());
        self
    }

    /// **Legacy.** Answers Chrome's Private Network Access preflights
    /// (`Access-Control-Request-Private-Network: true`) with
    /// `Access-Control-Allow-Private-Network: true`. Off by default.
    ///
    /// Chrome put these preflights on hold in 2024 and replaced them with
    /// the Local Network Access permission prompt (Chrome 142): a page on a
    /// public site that calls a private or loopback address now needs the
    /// user's permission, and no response header grants it. Keep this only
    /// for browsers that still send the preflight; a Local Network Access
    /// block shows in the console like a CORS error but is not one.
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
        self.config.allow_private_network = allow;
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
        self.config.debug = on;
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
        let PolicyBuilder { config, functions } = self;
        let mut problems = Vec::new();
        let credentials = config.allow_credentials;
        let null_origin = config.allow_null_origin_dangerously;
        let trust = Trust {
            credentials,
            insecure_origins: config.allow_insecure_origins_dangerously,
            public_suffix_subdomains: config.allow_public_suffix_subdomains_dangerously,
        };

        // Listed origins are checked even when any origin is allowed, so
        // that every mistake is reported.
        let mut set = OriginSet::default();
        for text in &config.allow_origins {
            match text.as_str() {
                "*" => {}
                "null" if !null_origin => problems.push(ConfigProblem::NullOrigin),
                "null" => {}
                _ => {
                    if let Some(parts) = origin::validate(text, trust, &mut problems) {
                        set.insert(text, &parts);
                    }
                }
            }
        }
        let names = functions.names();
        let origins = if config.allow_origins.iter().any(|o| o == "*") {
            if credentials {
                problems.push(ConfigProblem::AnyOriginWithCredentials);
            }
            Origins::Any
        } else {
            if null_origin {
                set.allow_null();
            }
            if let Some(predicate) = functions.origin_fn {
                set.set_predicate(predicate);
            }
            if set.is_empty()
                && config.allow_origins.is_empty()
                && functions.request_origin_fn.is_none()
            {
                problems.push(ConfigProblem::NoOrigin);
            }
            Origins::Listed(set)
        };

        let methods = Methods::build(&config.allow_methods, &mut problems);
        let headers = AllowedHeaders::build(&config.allow_headers, &mut problems);
        let expose_headers = build_expose(&config.expose_headers, credentials, &mut problems);
        let max_age = config.max_age.filter(|&secs| {
            if secs > 86_400 {
                problems.push(ConfigProblem::MaxAgeTooLong { secs });
            }
            secs <= 86_400
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
                private_network: config.allow_private_network,
                debug: config.debug,
                ready_made: answer::ready_made(&spec),
                request_origin_fn: functions.request_origin_fn,
                source: Configured::new(config, names),
            }),
        })
    }
}
