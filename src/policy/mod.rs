//! The CORS policy, pure: no tower, no async, no I/O.
//!
//! A [`Policy`] is built once from a [`PolicyBuilder`], which checks the
//! whole configuration and refuses anything a browser could never match or
//! that would hand users' data to other sites ([`ConfigError`]). It is then
//! immutable and cheap to clone (one `Arc`).
//!
//! For each request, [`Policy::classify`] says what kind of request it is
//! by the Fetch rules, and [`Policy::evaluate`] says exactly what to answer:
//! a [`Decision`] with the [`CorsHeaders`] to send, or a [`Refusal`] saying
//! why not. [`CorsLayer`](crate::CorsLayer) only applies decisions, so a
//! policy can be tested on its own with nothing but `http` types:
//!
//! ```
//! use tower_cors::policy::{Policy, Refusal, RequestKind};
//! use http::{header, Request};
//!
//! let policy = Policy::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods(["PUT"])
//!     .allow_headers(["content-type"])
//!     .build()?;
//!
//! let preflight = Request::options("/items/1")
//!     .header("origin", "https://app.example.com")
//!     .header("access-control-request-method", "PUT")
//!     .header("access-control-request-headers", "content-type,x-debug")
//!     .body(())?;
//!
//! let decision = policy.evaluate(&preflight);
//! assert_eq!(decision.kind(), RequestKind::Preflight);
//! assert_eq!(
//!     decision.refusal(),
//!     Some(&Refusal::HeaderNotAllowed(header::HeaderName::from_static("x-debug")))
//! );
//! assert!(decision.headers().get(&header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Files
//!
//! - `classify`: [`RequestKind`], and sorting requests into those kinds.
//! - `decide`: the decision flow, from the request to an outcome.
//! - `decision`: [`Decision`], what [`Policy::evaluate`] returns, and the
//!   borrowed form the layer uses.
//! - `refusal`: [`Refusal`], [`Malformed`] and their text on the wire.
//! - `answer/`: which headers each outcome sends ([`CorsHeaders`]), the
//!   maps ready-made from them at build time, and the `Vary` merge.
//! - `preflight`: the method and header checks of a preflight, and its
//!   answer (debug mode's too).
//! - `origin/`: origin syntax, and the set of allowed origins.
//! - `method`, `headers`, `token`, `requested`: methods, header names,
//!   RFC 9110 tokens, and the `Access-Control-Request-Headers` parser.
//! - `predicate`: origins decided with the request, and the pure half of
//!   the asynchronous lookup.
//! - `builder`, `config`, `normal_form`, `error`, `display`: the
//!   configuration, as a builder and as data, the one normal form a built
//!   policy keeps of it, its errors, and how a policy shows it.
//! - `host`: the host a request was sent to (the URI's authority, else
//!   the one `Host` header), for predicates and the forgery guard.
//! - `explain`: [`Policy::explain`]. `trust`: the origins the cross-origin
//!   request forgery guard trusts.

mod answer;
mod builder;
mod classify;
mod config;
mod decide;
mod decision;
mod display;
mod error;
mod explain;
mod headers;
mod host;
mod method;
mod normal_form;
mod origin;
mod predicate;
mod preflight;
mod refusal;
mod requested;
mod token;
mod trust;

use std::sync::Arc;

use http::header::HeaderMap;
use http::Method;

pub(crate) use crate::escape::Escaped;
pub use answer::CorsHeaders;
use answer::SharedReadyMade;
pub use builder::PolicyBuilder;
pub use classify::RequestKind;
pub use config::{NotSerializable, PolicyConfig};
pub(crate) use decide::Detail;
pub use decision::Decision;
pub(crate) use decision::Outcome;
pub use error::{ConfigError, ConfigProblem, OriginSyntaxError};
pub use headers::{ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK};
pub use predicate::RequestRef;
pub use refusal::{Malformed, Refusal, CORS_REFUSAL};

use headers::AllowedHeaders;
use method::Methods;
use origin::Origins;
use predicate::RequestOriginPredicate;
pub(crate) use trust::Derived;

/// A validated, immutable CORS policy. Cloning it shares the configuration.
///
/// ```
/// use tower_cors::Policy;
/// use http::{header, Request};
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_credentials(true)
///     .build()?;
///
/// let request = Request::get("/me").header("origin", "https://app.example.com").body(())?;
/// let decision = policy.evaluate(&request);
/// assert!(decision.is_allowed());
/// let headers = decision.headers();
/// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://app.example.com");
/// assert_eq!(headers.get(&header::ACCESS_CONTROL_ALLOW_CREDENTIALS).unwrap(), "true");
/// assert_eq!(headers.get(&header::VARY).unwrap(), "origin");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Policy {
    rules: Arc<Rules>,
}

/// The validated configuration, with every header value precomputed.
#[derive(Debug)]
pub(crate) struct Rules {
    origins: Origins,
    methods: Methods,
    headers: AllowedHeaders,
    private_network: bool,
    /// Debug mode: see [`PolicyBuilder::debug`].
    debug: bool,
    /// What every answer carries whatever the request, and the maps
    /// ready-made from it.
    ready_made: SharedReadyMade,
    /// Asked about well-formed origins the lists refuse (`predicate`).
    request_origin_fn: Option<RequestOriginPredicate>,
    /// The configuration in normal form: [`Policy::config`] reports it, and
    /// `Display`, `Debug` and `explain` show it.
    source: normal_form::Configured,
}

/// The parts of a request a CORS decision reads: implemented for
/// [`http::Request`], [`http::request::Parts`] and [`RequestRef`].
///
/// ```
/// use tower_cors::policy::{Policy, RequestHead};
/// use http::Request;
///
/// fn origin_of(request: &impl RequestHead) -> Option<&http::HeaderValue> {
///     request.headers().get("origin")
/// }
/// let (parts, ()) = Request::get("/").header("origin", "https://a.example").body(())?.into_parts();
/// assert_eq!(origin_of(&parts).unwrap(), "https://a.example");
/// assert_eq!(RequestHead::method(&parts), http::Method::GET);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait RequestHead {
    /// The request method.
    ///
    /// ```
    /// use tower_cors::policy::RequestHead;
    ///
    /// let request = http::Request::delete("/items/1").body(())?;
    /// assert_eq!(RequestHead::method(&request), http::Method::DELETE);
    /// # Ok::<(), http::Error>(())
    /// ```
    fn method(&self) -> &Method;
    /// The request URI (read by
    /// [`allow_origin_request_fn`](PolicyBuilder::allow_origin_request_fn)
    /// predicates and by the cross-origin request forgery check, never by
    /// the CORS rules themselves).
    ///
    /// ```
    /// use tower_cors::policy::RequestHead;
    ///
    /// let request = http::Request::post("https://api.example.com/items").body(())?;
    /// assert_eq!(RequestHead::uri(&request).path(), "/items");
    /// assert_eq!(RequestHead::uri(&request).host(), Some("api.example.com"));
    /// # Ok::<(), http::Error>(())
    /// ```
    fn uri(&self) -> &http::Uri;
    /// The request headers.
    ///
    /// ```
    /// use tower_cors::policy::RequestHead;
    ///
    /// let (parts, _body) = http::Request::get("/").header("origin", "https://a.example").body(())?.into_parts();
    /// assert_eq!(RequestHead::headers(&parts)["origin"], "https://a.example");
    /// # Ok::<(), http::Error>(())
    /// ```
    fn headers(&self) -> &HeaderMap;
}

impl<B> RequestHead for http::Request<B> {
    fn method(&self) -> &Method {
        self.method()
    }
    fn uri(&self) -> &http::Uri {
        self.uri()
    }
    fn headers(&self) -> &HeaderMap {
        self.headers()
    }
}

impl RequestHead for http::request::Parts {
    fn method(&self) -> &Method {
        &self.method
    }
    fn uri(&self) -> &http::Uri {
        &self.uri
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl Policy {
    /// Starts a configuration.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// The kind of a request by the Fetch rules, whatever the policy allows.
    ///
    /// Headers only browsers set (`Cookie`, `Sec-Fetch-*`, `User-Agent`, ...)
    /// do not count, since a page cannot set them. A server cannot tell a
    /// browser's own `Cache-Control` on reload from a page's, so such
    /// requests classify as actual; the answer is the same for simple and
    /// actual requests.
    ///
    /// ```
    /// use tower_cors::policy::{Policy, RequestKind};
    /// use http::Request;
    ///
    /// let policy = Policy::builder().allow_any_origin().build()?;
    /// let form_post = Request::post("/")
    ///     .header("origin", "https://a.example")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body(())?;
    /// let json_post = Request::post("/")
    ///     .header("origin", "https://a.example")
    ///     .header("content-type", "application/json")
    ///     .body(())?;
    /// assert_eq!(policy.classify(&form_post), RequestKind::Simple);
    /// assert_eq!(policy.classify(&json_post), RequestKind::Actual);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classify<R: RequestHead + ?Sized>(&self, request: &R) -> RequestKind {
        classify::classify(request.method(), request.headers())
    }

    /// Whether the answer depends on the request's `Origin`, so that every
    /// response must carry `Vary: Origin`: true unless any origin is
    /// allowed with the constant `*`.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// assert!(!Policy::builder().allow_any_origin().build()?.varies_by_origin());
    /// assert!(Policy::builder().allow_origins(["https://a.example"]).build()?.varies_by_origin());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn varies_by_origin(&self) -> bool {
        self.rules.ready_made.values.vary_actual.is_some()
    }
}
