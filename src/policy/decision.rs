//! [`Decision`]: the policy's answer to one request, as a user reads it;
//! and [`Outcome`], the same as the layer needs it.

use std::fmt;

use http::StatusCode;

use super::answer::{Answer, CorsHeaders};
use super::classify::RequestKind;
use super::refusal::{Denied, Refusal};

/// The policy's answer to one request: see [`Policy::evaluate`].
///
/// ```
/// use tower_cors::policy::{Policy, RequestKind};
/// use http::Request;
///
/// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
/// let request = Request::get("/").header("origin", "https://a.example").body(())?;
/// let decision = policy.evaluate(&request);
/// assert_eq!(decision.kind(), RequestKind::Simple);
/// assert!(decision.is_allowed());
/// assert_eq!(decision.refusal(), None);
/// assert_eq!(decision.preflight_status(), None);
/// assert_eq!(decision.to_string(), "simple request allowed");
/// assert!(!decision.headers().is_empty());
/// let _owned = decision.into_headers();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    ///
    /// ```
    /// use tower_cors::policy::{Policy, RequestKind};
    /// use http::Request;
    ///
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let preflight = Request::options("/")
    ///     .header("origin", "https://a.example")
    ///     .header("access-control-request-method", "GET")
    ///     .body(())?;
    /// assert_eq!(policy.evaluate(&preflight).kind(), RequestKind::Preflight);
    /// // `OPTIONS` without `Access-Control-Request-Method` is the application's.
    /// let options = Request::options("/").header("origin", "https://a.example").body(())?;
    /// assert_eq!(policy.evaluate(&options).kind(), RequestKind::Actual);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// True for a CORS request (simple, preflight or actual) that the policy
    /// allows. A request without `Origin` is neither allowed nor refused.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Request;
    ///
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let from = |origin: &str| Request::get("/").header("origin", origin).body(());
    /// assert!(policy.evaluate(&from("https://a.example")?).is_allowed());
    /// assert!(!policy.evaluate(&from("https://b.example")?).is_allowed());
    ///
    /// let no_origin = policy.evaluate(&Request::get("/").body(())?);
    /// assert!(!no_origin.is_allowed());
    /// assert_eq!(no_origin.refusal(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_allowed(&self) -> bool {
        self.kind != RequestKind::NotCors && self.refusal.is_none()
    }

    /// Why the request was refused, if it was.
    ///
    /// ```
    /// use tower_cors::policy::{Policy, Refusal};
    /// use http::{header::HeaderName, Request};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .allow_headers(["content-type"])
    ///     .build()?;
    /// let preflight = Request::options("/")
    ///     .header("origin", "https://a.example")
    ///     .header("access-control-request-method", "POST")
    ///     .header("access-control-request-headers", "content-type,X-Trace")
    ///     .body(())?;
    /// // The first header not allowed, lowercase.
    /// assert_eq!(
    ///     policy.evaluate(&preflight).refusal(),
    ///     Some(&Refusal::HeaderNotAllowed(HeaderName::from_static("x-trace")))
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refusal(&self) -> Option<&Refusal> {
        self.refusal.as_ref()
    }

    /// The headers to send: on the layer's own preflight answer, or added to
    /// the application's response.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://a.example"])
    ///     .allow_methods(["PUT"])
    ///     .build()?;
    /// let preflight = Request::options("/")
    ///     .header("origin", "https://a.example")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(())?;
    /// let decision = policy.evaluate(&preflight);
    /// let headers = decision.headers();
    /// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://a.example");
    /// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_METHODS).unwrap(), "PUT");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn headers(&self) -> &CorsHeaders {
        &self.headers
    }

    /// The headers to send, by value, to apply to a response once the
    /// decision has been read.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::{header, Request, Response};
    ///
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// let request = Request::get("/").header("origin", "https://a.example").body(())?;
    /// let mut response = Response::new("hello");
    /// policy.evaluate(&request).into_headers().apply_to(response.headers_mut());
    /// assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://a.example");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_headers(self) -> CorsHeaders {
        self.headers
    }

    /// The status of the answer to give without calling the application:
    /// `204 No Content` for an allowed preflight, `403 Forbidden` for a
    /// refused one, and `None` for every other request, which the
    /// application answers. In [debug mode](crate::PolicyBuilder::debug), a
    /// preflight from an allowed origin refused for its method or a header
    /// is answered `200 OK` (an ok status, so that the browser goes on to
    /// name the missing method or header; not the `204` of a grant, so that
    /// the two are told apart in the network panel).
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
        preflight_status(self.kind, self.refusal.is_some(), &self.headers.answer)
    }
}

fn preflight_status(kind: RequestKind, refused: bool, answer: &Answer) -> Option<StatusCode> {
    match (kind, refused) {
        (RequestKind::Preflight, false) => Some(StatusCode::NO_CONTENT),
        (RequestKind::Preflight, true) if matches!(answer, Answer::DebugPreflight { .. }) => {
            Some(StatusCode::OK)
        }
        (RequestKind::Preflight, true) => Some(StatusCode::FORBIDDEN),
        _ => None,
    }
}

/// A [`Decision`] as the layer needs it, the reason for a refusal still
/// borrowed from the request.
#[derive(Debug)]
pub(crate) struct Outcome<'r> {
    pub(crate) kind: RequestKind,
    pub(crate) denied: Option<Denied<'r>>,
    pub(crate) headers: CorsHeaders,
}

impl Outcome<'_> {
    /// See [`Decision::preflight_status`].
    pub(crate) fn preflight_status(&self) -> Option<StatusCode> {
        preflight_status(self.kind, self.denied.is_some(), &self.headers.answer)
    }

    pub(crate) fn into_decision(self) -> Decision {
        Decision {
            kind: self.kind,
            refusal: self.denied.map(Denied::to_refusal),
            headers: self.headers,
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
