//! What the policy answers for one request: its kind, whether it is
//! allowed (or why not), and exactly which headers to send.

use std::fmt;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};

use super::vary;

/// The kind of a request, by the Fetch rules (`cors-rules.md` section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// No `Origin` header: not a CORS request.
    NotCors,
    /// A cross-origin request a browser sends without asking first: a
    /// safelisted method (`GET`, `HEAD`, `POST`) with only safelisted
    /// headers.
    Simple,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`: the
    /// browser asking whether it may send an actual request.
    Preflight,
    /// A cross-origin request that needed a preflight first (or came from a
    /// client that is not a browser).
    Actual,
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RequestKind::NotCors => "not a CORS request",
            RequestKind::Simple => "simple request",
            RequestKind::Preflight => "preflight",
            RequestKind::Actual => "actual request",
        })
    }
}

/// Why the policy refused a request.
///
/// For a preflight the layer answers `403 Forbidden` itself; for other
/// requests the application answers and no `Access-Control-Allow-*` header
/// is added, so the browser hides the response from the page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The `Origin` is well-formed but not allowed.
    #[error("origin not allowed")]
    OriginNotAllowed,
    /// The preflight asked for a method the policy does not allow.
    #[error("method \"{0}\" not allowed")]
    MethodNotAllowed(Method),
    /// The preflight asked for a header the policy does not allow (the
    /// first one, lowercase).
    #[error("header \"{0}\" not allowed")]
    HeaderNotAllowed(HeaderName),
    /// The request cannot have come from a browser as it stands.
    #[error("malformed request: {0}")]
    Malformed(Malformed),
}

impl Refusal {
    /// A fixed, short description of the kind of refusal, sent in the
    /// [`CORS_REFUSAL`] header of refused preflights.
    ///
    /// ```
    /// use tower_cors::policy::Refusal;
    ///
    /// assert_eq!(Refusal::OriginNotAllowed.summary(), "origin not allowed");
    /// ```
    pub fn summary(&self) -> &'static str {
        match self {
            Refusal::OriginNotAllowed => "origin not allowed",
            Refusal::MethodNotAllowed(_) => "method not allowed",
            Refusal::HeaderNotAllowed(_) => "header not allowed",
            Refusal::Malformed(_) => "malformed request",
        }
    }
}

/// How a request differs from anything a browser sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// More than one `Origin` header.
    #[error("more than one Origin header")]
    MultipleOrigins,
    /// An `Origin` that is not `null` nor `scheme://host[:port]` as browsers write it.
    #[error("Origin is not a serialized origin")]
    InvalidOrigin,
    /// More than one `Access-Control-Request-Method` header.
    #[error("more than one Access-Control-Request-Method header")]
    MultipleRequestMethods,
    /// An `Access-Control-Request-Method` that is not a method token.
    #[error("Access-Control-Request-Method is not a method")]
    InvalidRequestMethod,
    /// An `Access-Control-Request-Headers` that is not a list of names.
    #[error("Access-Control-Request-Headers is not a list of header names")]
    InvalidRequestHeaders,
    /// An `Access-Control-Request-Headers` over the size any browser sends.
    #[error("Access-Control-Request-Headers is too long")]
    RequestHeadersTooLong,
}

/// The CORS headers to send: precomputed values shared with the policy,
/// or the request's own values echoed back, so building one copies no
/// bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsHeaders {
    pub(crate) allow_origin: Option<HeaderValue>,
    pub(crate) allow_credentials: Option<HeaderValue>,
    pub(crate) allow_methods: Option<HeaderValue>,
    pub(crate) allow_headers: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) expose_headers: Option<HeaderValue>,
    pub(crate) allow_private_network: Option<HeaderValue>,
    pub(crate) vary: Option<HeaderValue>,
    pub(crate) refusal: Option<HeaderValue>,
}

/// `cors-refusal`, sent on refused preflights only, says what kind of
/// refusal it was (see [`Refusal::summary`]), so that a developer looking
/// at the failed preflight in the browser's network panel sees why. It is
/// not an `Access-Control-*` header and browsers ignore it.
pub const CORS_REFUSAL: HeaderName = HeaderName::from_static("cors-refusal");

/// The `Access-Control-Allow-Private-Network` header (not in `http`'s list).
pub const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");
/// The `Access-Control-Request-Private-Network` header (not in `http`'s list).
pub const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

impl CorsHeaders {
    /// The headers as (name, value) pairs, `Access-Control-*` first, then
    /// `Vary`, then `cors-refusal`.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// let request = Request::get("/").header("origin", "https://app.example.com").body(())?;
    /// let decision = policy.evaluate(&request);
    /// let names: Vec<_> = decision.headers().iter().map(|(name, _)| name).collect();
    /// assert_eq!(names, [header::ACCESS_CONTROL_ALLOW_ORIGIN, header::VARY]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (HeaderName, &HeaderValue)> {
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, &self.allow_origin),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                &self.allow_credentials,
            ),
            (header::ACCESS_CONTROL_ALLOW_METHODS, &self.allow_methods),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, &self.allow_headers),
            (header::ACCESS_CONTROL_MAX_AGE, &self.max_age),
            (header::ACCESS_CONTROL_EXPOSE_HEADERS, &self.expose_headers),
            (
                ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
                &self.allow_private_network,
            ),
            (header::VARY, &self.vary),
            (CORS_REFUSAL, &self.refusal),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name, v)))
    }

    /// The value of one header, if it is to be sent.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder().allow_any_origin().build()?;
    /// let request = Request::get("/").header("origin", "https://x.example").body(())?;
    /// let headers = policy.evaluate(&request).into_headers();
    /// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "*");
    /// assert!(headers.get(&header::VARY).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// True when there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Writes the headers into a response's header map.
    ///
    /// `Access-Control-*` headers replace any the application set (a browser
    /// rejects a response with two `Access-Control-Allow-Origin` values).
    /// `Vary` is merged: the application's own `Vary` values are kept, and
    /// a token already present (say, from a second CORS layer) is not
    /// added again. Every other header is left alone.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, HeaderMap, HeaderValue, Request};
    ///
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let request = Request::get("/").header("origin", "https://a.example").body(())?;
    ///
    /// let mut response_headers = HeaderMap::new();
    /// response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    /// policy.evaluate(&request).into_headers().apply_to(&mut response_headers);
    ///
    /// let vary: Vec<_> = response_headers.get_all(header::VARY).iter().collect();
    /// assert_eq!(vary, ["accept-encoding", "origin"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to(self, headers: &mut HeaderMap) {
        let CorsHeaders {
            allow_origin,
            allow_credentials,
            allow_methods,
            allow_headers,
            max_age,
            expose_headers,
            allow_private_network,
            vary,
            refusal,
        } = self;
        let replace = [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin),
            (header::ACCESS_CONTROL_ALLOW_CREDENTIALS, allow_credentials),
            (header::ACCESS_CONTROL_ALLOW_METHODS, allow_methods),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers),
            (header::ACCESS_CONTROL_MAX_AGE, max_age),
            (header::ACCESS_CONTROL_EXPOSE_HEADERS, expose_headers),
            (ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, allow_private_network),
            (CORS_REFUSAL, refusal),
        ];
        for (name, value) in replace {
            if let Some(value) = value {
                headers.insert(name, value);
            }
        }
        if let Some(vary) = vary {
            vary::merge(headers, vary);
        }
    }
}

/// The policy's answer to one request: see [`Policy::evaluate`].
///
/// [`Policy::evaluate`]: crate::policy::Policy::evaluate
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub(crate) kind: RequestKind,
    pub(crate) refusal: Option<Refusal>,
    pub(crate) headers: CorsHeaders,
}

impl Decision {
    /// The kind of request this decision is about.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// True for a CORS request (simple, preflight or actual) that the policy
    /// allows. A request without `Origin` is neither allowed nor refused.
    pub fn is_allowed(&self) -> bool {
        self.kind != RequestKind::NotCors && self.refusal.is_none()
    }

    /// Why the request was refused, if it was.
    pub fn refusal(&self) -> Option<&Refusal> {
        self.refusal.as_ref()
    }

    /// The headers to send: on the layer's own preflight answer, or added to
    /// the application's response.
    pub fn headers(&self) -> &CorsHeaders {
        &self.headers
    }

    /// The headers to send, by value.
    pub fn into_headers(self) -> CorsHeaders {
        self.headers
    }

    /// The status of the answer to give without calling the application:
    /// `204 No Content` for an allowed preflight, `403 Forbidden` for a
    /// refused one, and `None` for every other request, which the
    /// application answers.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{Request, StatusCode};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .allow_methods(["PUT"])
    ///     .build()?;
    /// let preflight = |method: &str| {
    ///     Request::options("/")
    ///         .header("origin", "https://a.example")
    ///         .header("access-control-request-method", method)
    ///         .body(())
    /// };
    /// assert_eq!(policy.evaluate(&preflight("PUT")?).preflight_status(), Some(StatusCode::NO_CONTENT));
    /// assert_eq!(policy.evaluate(&preflight("DELETE")?).preflight_status(), Some(StatusCode::FORBIDDEN));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn preflight_status(&self) -> Option<StatusCode> {
        match (self.kind, &self.refusal) {
            (RequestKind::Preflight, None) => Some(StatusCode::NO_CONTENT),
            (RequestKind::Preflight, Some(_)) => Some(StatusCode::FORBIDDEN),
            _ => None,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.refusal) {
            (RequestKind::NotCors, _) => f.write_str("not a CORS request: passed through"),
            (kind, None) => write!(f, "{kind} allowed"),
            (kind, Some(refusal)) => write!(f, "{kind} refused: {refusal}"),
        }
    }
}
