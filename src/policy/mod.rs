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
//! Each concept has its own file: `origin` (syntax and matching), `method`,
//! `headers` (safelist, allowed and exposed lists, request-header parsing),
//! `classify`, `preflight`, `vary`, `decision` and `error`; `predicate`
//! (origins decided with the request, or by a lookup), `config`
//! (configuration as data) and `normal_form` (the one normal form of a
//! configuration, which each policy keeps for reading back).

mod answers;
mod builder;
mod classify;
mod config;
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
mod trust;
mod vary;

use std::sync::Arc;

use http::header::{HeaderMap, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::Method;

pub(crate) use crate::escape::Escaped;
use answers::SharedAnswers;
pub use builder::PolicyBuilder;
pub use config::{NotSerializable, PolicyConfig};
pub(crate) use decision::Verdict;
pub use decision::{
    CorsHeaders, Decision, Malformed, Refusal, RequestKind, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK, CORS_REFUSAL,
};
use decision::{Denied, Grant};
pub use error::{ConfigError, ConfigProblem, OriginSyntaxError};

use headers::AllowedHeaders;
use method::Methods;
use origin::Origins;
pub use predicate::RequestRef;
use predicate::{RequestOriginPredicate, Unlisted};
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
    /// What every answer carries whatever the request.
    answers: SharedAnswers,
    /// Asked about well-formed origins the lists refuse (`predicate`).
    request_origin_fn: Option<RequestOriginPredicate>,
    /// The configuration in normal form: [`Policy::config`] reports it, and
    /// `Display`, `Debug` and `explain` show it.
    source: normal_form::Configured,
}

/// How much [`Policy::decide`] works out beyond the headers to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// For [`Policy::evaluate`]: the exact kind (simple, actual, preflight
    /// or not CORS) and the exact reason for any refusal.
    Full,
    /// For the layer, which sends the same headers for simple and actual
    /// requests, and names the reason for a refusal only in a refused
    /// preflight's answer: every cross-origin request that is not a
    /// preflight is reported as actual, and when the refusal of its origin
    /// is certain, the reason given is [`Denied::Origin`] even for an
    /// origin that a full parse would call malformed.
    Layer,
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

    /// Decides what to answer to a request.
    ///
    /// - No `Origin`: [`RequestKind::NotCors`]; only `Vary: Origin` is sent,
    ///   or, when any origin is allowed, `Access-Control-Allow-Origin: *`
    ///   (and `-Expose-Headers`), since a constant answer must be on every
    ///   response for caches to be safe to share.
    /// - A preflight: allowed when the origin, the method and every requested
    ///   header are; the answer carries `Access-Control-Allow-Origin`,
    ///   `-Methods`, `-Headers`, `-Credentials`, `-Max-Age` as configured.
    ///   Refused, it carries no `Access-Control-*` header at all.
    /// - A simple or actual request: allowed when the origin is; the answer
    ///   carries `Access-Control-Allow-Origin`, `-Credentials` and
    ///   `-Expose-Headers`.
    ///
    /// Several `Origin` headers, or values no browser sends, are refused as
    /// [`Refusal::Malformed`], except by an any-origin policy outside
    /// preflights: its answer is `*` whatever `Origin` says. The cost does not grow with the number of
    /// configured origins nor with the size of hostile headers.
    ///
    /// ```
    /// use tower_cors::policy::{Policy, Refusal};
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let request = Request::get("/").header("origin", "https://evil.example").body(())?;
    /// let decision = policy.evaluate(&request);
    /// assert_eq!(decision.refusal(), Some(&Refusal::OriginNotAllowed));
    /// // Nothing is granted, but caches are still told the answer varies.
    /// let sent: Vec<_> = decision.headers().iter().map(|(name, _)| name).collect();
    /// assert_eq!(sent, [header::VARY]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate<R: RequestHead + ?Sized>(&self, request: &R) -> Decision {
        self.decide(request, Detail::Full).into_decision()
    }

    /// [`evaluate`](Self::evaluate) for a user, or what the layer needs of it
    /// (see [`Detail`]).
    pub(crate) fn decide<'r, R: RequestHead + ?Sized>(
        &self,
        request: &'r R,
        detail: Detail,
    ) -> Verdict<'r> {
        self.decide_unlisted(request, detail, Unlisted::Ask)
    }

    /// [`decide`](Self::decide), with what decides on well-formed origins
    /// the lists refuse.
    fn decide_unlisted<'r, R: RequestHead + ?Sized>(
        &self,
        request: &'r R,
        detail: Detail,
        unlisted: Unlisted,
    ) -> Verdict<'r> {
        let (method, headers) = (request.method(), request.headers());
        let rules = &*self.rules;
        let mut origins = headers.get_all(ORIGIN).iter();
        // An answer that does not depend on `Origin` must be the same on
        // every response, or a cache serves a `fetch()` the answer to an
        // `<img>` load or a navigation that had none
        // (`#cors-protocol-and-http-caches`).
        let Some(origin) = origins.next() else {
            let grant = match rules.origins.constant() {
                Some(allow_origin) => Grant::Actual { allow_origin },
                None => Grant::Nothing {
                    vary_origin: self.varies_by_origin(),
                },
            };
            return Verdict {
                kind: RequestKind::NotCors,
                denied: None,
                headers: CorsHeaders::new(&rules.answers, grant),
            };
        };

        // Looked up once, for `OPTIONS` only: a first line makes a
        // preflight, a second makes it malformed.
        let (request_method, several_methods) = match *method == Method::OPTIONS {
            true => {
                let mut lines = headers.get_all(ACCESS_CONTROL_REQUEST_METHOD).iter();
                (lines.next(), lines.next().is_some())
            }
            false => (None, false),
        };
        let preflight = request_method.is_some();
        let kind = match detail {
            _ if preflight => RequestKind::Preflight,
            Detail::Full => classify::cross_origin_kind(method, headers),
            Detail::Layer => RequestKind::Actual,
        };

        // A constant answer holds whatever the `Origin` lines say, even
        // when malformed: only a preflight's answer may tell them apart.
        let constant = match preflight {
            true => None,
            false => rules.origins.constant(),
        };
        let allow_origin = if let Some(allow_origin) = constant {
            Ok(allow_origin)
        } else if origins.next().is_some() {
            Err(Denied::Malformed(Malformed::MultipleOrigins))
        } else {
            let reason_needed = preflight || detail == Detail::Full;
            match rules.origins.check(origin, reason_needed) {
                Err(Denied::Origin) => predicate::allow_unlisted(rules, origin, request, unlisted),
                listed => listed,
            }
        };
        let (grant, denied) = match (allow_origin, request_method) {
            (Ok(allow_origin), Some(requested)) => {
                preflight::answer(rules, allow_origin, requested, several_methods, headers)
            }
            (Ok(allow_origin), None) => (Grant::Actual { allow_origin }, None),
            (Err(denied), Some(_)) => (denied.refused_preflight(), Some(denied)),
            (Err(denied), None) => (
                Grant::Nothing {
                    vary_origin: self.varies_by_origin(),
                },
                Some(denied),
            ),
        };
        Verdict {
            kind,
            denied,
            headers: CorsHeaders::new(&rules.answers, grant),
        }
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
        self.rules.answers.values.vary_actual.is_some()
    }
}
