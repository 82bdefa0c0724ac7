//! What the policy answers for one request: its kind, whether it is
//! allowed (or why not), and exactly which headers to send.

use std::fmt;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};

use super::answers::{AnswerValues, SharedAnswers};
use super::vary;

/// The kind of a request, by the Fetch rules (`#cors-request`,
/// `#cors-preflight-request`, `#cors-safelisted-request-header`).
///
/// ```
/// use tower_cors::policy::{Policy, RequestKind};
/// use http::Request;
///
/// let policy = Policy::builder().allow_any_origin().build()?;
/// let no_origin = Request::get("/").body(())?;
/// assert_eq!(policy.classify(&no_origin), RequestKind::NotCors);
/// assert_eq!(RequestKind::Preflight.to_string(), "preflight");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

/// Why the policy refused a request, naming the culprit.
///
/// For a preflight the layer answers `403 Forbidden` itself (or, in
/// [debug mode](crate::PolicyBuilder::debug), `200 OK` with the configured
/// lists, which the browser still rejects), and its [`CORS_REFUSAL`] header
/// carries this refusal's text. For other requests the application answers
/// and no `Access-Control-Allow-*` header is added, so the browser hides the
/// response from the page.
///
/// Only values already checked to be tokens (a method, a header name,
/// lowercased) are quoted from the request; an origin never is, so nothing
/// a client sends can put other text in the header or the message.
///
/// ```
/// use tower_cors::policy::{Policy, Refusal, CORS_REFUSAL};
/// use http::{Method, Request};
///
/// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
/// let preflight = Request::options("/")
///     .header("origin", "https://a.example")
///     .header("access-control-request-method", "DELETE")
///     .body(())?;
/// let decision = policy.evaluate(&preflight);
/// assert_eq!(decision.refusal(), Some(&Refusal::MethodNotAllowed(Method::DELETE)));
/// assert_eq!(decision.refusal().unwrap().to_string(), "method \"DELETE\" not allowed");
/// assert_eq!(decision.headers().get(&CORS_REFUSAL).unwrap(), "method \"DELETE\" not allowed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    #[error("malformed: {0}")]
    Malformed(Malformed),
}

impl Refusal {
    /// The kind of refusal in a fixed, short text, without the culprit:
    /// `origin not allowed`, `method not allowed`, `header not allowed` or
    /// `malformed request`. The [`CORS_REFUSAL`] header carries the whole
    /// [`to_string`](ToString::to_string), which names the culprit.
    ///
    /// ```
    /// use tower_cors::policy::Refusal;
    /// use http::Method;
    ///
    /// assert_eq!(Refusal::OriginNotAllowed.summary(), "origin not allowed");
    /// assert_eq!(Refusal::MethodNotAllowed(Method::PUT).summary(), "method not allowed");
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

/// The ready-made [`CORS_REFUSAL`] maps of refused preflights: one whole
/// for the most common refusal, a refused origin, and one whose reason is a
/// [`PLACEHOLDER`] filled in per request (the malformed reasons, fixed
/// texts, and the method and header ones, which name the culprit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Summary {
    Origin,
    Given,
}

impl Summary {
    pub(crate) const ALL: [Summary; 2] = [Summary::Origin, Summary::Given];

    pub(crate) fn value(self) -> &'static HeaderValue {
        match self {
            Summary::Origin => &ORIGIN_NOT_ALLOWED,
            Summary::Given => &PLACEHOLDER,
        }
    }
}

static ORIGIN_NOT_ALLOWED: HeaderValue = HeaderValue::from_static("origin not allowed");

/// Why a request is refused, borrowing what it names from the request: the
/// layer only needs the [`Summary`], so the owned [`Refusal`] (which copies
/// a header name) is made only when [`Policy::evaluate`] is asked.
///
/// [`Policy::evaluate`]: crate::policy::Policy::evaluate
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied<'r> {
    Origin,
    /// A method token.
    Method(&'r [u8]),
    /// A header-name token, in the case it was sent.
    Header(&'r [u8]),
    Malformed(Malformed),
}

impl Denied<'_> {
    /// The [`CORS_REFUSAL`] value: the text of [`Refusal`]'s `Display`.
    /// Fixed texts are copied for free; a method or header name costs one
    /// allocation of exactly the text's length.
    pub(crate) fn reason(self) -> HeaderValue {
        let (prefix, token, lowercase) = match self {
            Denied::Origin => return ORIGIN_NOT_ALLOWED.clone(),
            Denied::Malformed(malformed) => return malformed.value().clone(),
            Denied::Method(method) => (&b"method \""[..], method, false),
            Denied::Header(name) => (&b"header \""[..], name, true),
        };
        const SUFFIX: &[u8] = b"\" not allowed";
        // Exactly the length: `Bytes` then takes the buffer as it is,
        // where spare capacity would cost a second allocation.
        let mut text = Vec::with_capacity(prefix.len() + token.len() + SUFFIX.len());
        text.extend_from_slice(prefix);
        match lowercase {
            true => text.extend(token.iter().map(u8::to_ascii_lowercase)),
            false => text.extend_from_slice(token),
        }
        text.extend_from_slice(SUFFIX);
        // The token was checked (`tchar` only), so this never fails; if it
        // did, the request would be malformed, and is then said to be.
        HeaderValue::from_maybe_shared(Bytes::from(text))
            .unwrap_or_else(|_| Malformed::InvalidRequestHeaders.value().clone())
    }

    /// What a refused preflight is answered with (outside debug mode).
    pub(crate) fn refused_preflight(self) -> Grant {
        match self {
            Denied::Origin => Grant::RefusedPreflight(Summary::Origin),
            Denied::Malformed(malformed) => Grant::RefusedMalformed(malformed),
            denied => Grant::RefusedBecause(denied.reason()),
        }
    }

    /// A refusal that debug mode answers with the configured lists: the
    /// origin is allowed, only the method or a header is not.
    pub(crate) fn is_method_or_header(self) -> bool {
        matches!(self, Denied::Method(_) | Denied::Header(_))
    }

    pub(crate) fn to_refusal(self) -> Refusal {
        // Both are tokens, so both parse (the name lowercased; short methods
        // and standard names copy nothing); a failure would mean malformed.
        match self {
            Denied::Origin => Refusal::OriginNotAllowed,
            Denied::Method(method) => Method::from_bytes(method).map_or(
                Refusal::Malformed(Malformed::InvalidRequestMethod),
                Refusal::MethodNotAllowed,
            ),
            Denied::Header(name) => HeaderName::from_bytes(name).map_or(
                Refusal::Malformed(Malformed::InvalidRequestHeaders),
                Refusal::HeaderNotAllowed,
            ),
            Denied::Malformed(malformed) => Refusal::Malformed(malformed),
        }
    }
}

/// The same text as [`Refusal`]'s, without building one: for logs.
impl fmt::Display for Denied<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Both are `tchar` tokens: ASCII, no quote, no control byte.
        let text = |token: &[u8]| String::from_utf8_lossy(token).into_owned();
        match *self {
            Denied::Origin => f.write_str("origin not allowed"),
            Denied::Method(method) => write!(f, "method \"{}\" not allowed", text(method)),
            Denied::Header(name) => write!(
                f,
                "header \"{}\" not allowed",
                text(name).to_ascii_lowercase()
            ),
            Denied::Malformed(malformed) => write!(f, "malformed: {malformed}"),
        }
    }
}

/// How a request differs from anything a browser sends.
///
/// ```
/// use tower_cors::policy::{Malformed, Policy, Refusal};
/// use http::Request;
///
/// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
/// let request = Request::get("/").header("origin", "https://a.example/").body(())?;
/// assert_eq!(
///     policy.evaluate(&request).refusal(),
///     Some(&Refusal::Malformed(Malformed::InvalidOrigin))
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// More than one `Origin` header.
    #[error("several Origin headers")]
    MultipleOrigins,
    /// An `Origin` that is not `null` nor `scheme://host[:port]` as browsers write it.
    #[error("Origin is not a serialized origin")]
    InvalidOrigin,
    /// More than one `Access-Control-Request-Method` header.
    #[error("several Access-Control-Request-Method headers")]
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

impl Malformed {
    /// The [`CORS_REFUSAL`] value, `malformed: ` and the `Display` text,
    /// ready-made (a test checks that the two agree).
    pub(crate) fn value(self) -> &'static HeaderValue {
        static MULTIPLE_ORIGINS: HeaderValue =
            HeaderValue::from_static("malformed: several Origin headers");
        static INVALID_ORIGIN: HeaderValue =
            HeaderValue::from_static("malformed: Origin is not a serialized origin");
        static MULTIPLE_METHODS: HeaderValue =
            HeaderValue::from_static("malformed: several Access-Control-Request-Method headers");
        static INVALID_METHOD: HeaderValue =
            HeaderValue::from_static("malformed: Access-Control-Request-Method is not a method");
        static INVALID_HEADERS: HeaderValue = HeaderValue::from_static(
            "malformed: Access-Control-Request-Headers is not a list of header names",
        );
        static HEADERS_TOO_LONG: HeaderValue =
            HeaderValue::from_static("malformed: Access-Control-Request-Headers is too long");
        match self {
            Malformed::MultipleOrigins => &MULTIPLE_ORIGINS,
            Malformed::InvalidOrigin => &INVALID_ORIGIN,
            Malformed::MultipleRequestMethods => &MULTIPLE_METHODS,
            Malformed::InvalidRequestMethod => &INVALID_METHOD,
            Malformed::InvalidRequestHeaders => &INVALID_HEADERS,
            Malformed::RequestHeadersTooLong => &HEADERS_TOO_LONG,
        }
    }

    /// Every kind, in the order declared.
    pub(crate) const ALL: [Malformed; 6] = [
        Malformed::MultipleOrigins,
        Malformed::InvalidOrigin,
        Malformed::MultipleRequestMethods,
        Malformed::InvalidRequestMethod,
        Malformed::InvalidRequestHeaders,
        Malformed::RequestHeadersTooLong,
    ];
}

/// The CORS headers to send.
///
/// The policy's precomputed values are shared with the policy that decided
/// (see [`PolicyBuilder::build`]), and only what depends on the
/// request is held here: the origin to allow, and the method or header
/// names echoed back to a preflight.
///
/// [`PolicyBuilder::build`]: crate::policy::PolicyBuilder::build
///
/// ```
/// use tower_cors::Policy;
/// use http::{header, Request};
///
/// let policy = Policy::builder()
///     .allow_origins(["https://a.example"])
///     .expose_headers(["x-request-id"])
///     .build()?;
/// let request = Request::get("/").header("origin", "https://a.example").body(())?;
/// let headers = policy.evaluate(&request).into_headers();
/// assert_eq!(headers.get(&header::ACCESS_CONTROL_EXPOSE_HEADERS).unwrap(), "x-request-id");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct CorsHeaders {
    /// The policy's values, shared with the policy that decided (one
    /// reference count).
    answers: SharedAnswers,
    grant: Grant,
}

/// What a decision grants, beyond what the policy says for every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Nothing but `Vary: origin` (when the policy varies by origin): not a
    /// CORS request, or a refused one that the application still answers.
    Nothing { vary_origin: bool },
    /// A simple or actual request from an allowed origin.
    Actual { allow_origin: HeaderValue },
    /// An allowed preflight. `methods` and `headers` hold the requested
    /// values when the policy echoes them, else the precomputed lists apply.
    Preflight {
        allow_origin: HeaderValue,
        methods: Option<HeaderValue>,
        headers: Option<HeaderValue>,
        private_network: bool,
    },
    /// A refused preflight answered with a ready-made map: a refused
    /// origin at run time; [`Summary::Given`] only to build the map that
    /// [`RefusedBecause`](Grant::RefusedBecause) fills in.
    RefusedPreflight(Summary),
    /// A refused preflight, answered with this `cors-refusal` reason (a
    /// method or header that names the culprit).
    RefusedBecause(HeaderValue),
    /// A malformed preflight, answered from [`malformed_map`].
    RefusedMalformed(Malformed),
    /// A preflight from an allowed origin whose method or header is
    /// refused, answered in debug mode: the allowed origin, credentials and
    /// the configured lists (`headers` holds the requested names the policy
    /// allows, when it allows any header), so that the browser names what
    /// is missing; never the refused method or header itself.
    DebugPreflight {
        allow_origin: HeaderValue,
        headers: Option<HeaderValue>,
        reason: HeaderValue,
    },
}

/// The `Access-Control-Allow-Private-Network` header (not in `http`'s list).
///
/// ```
/// use tower_cors::policy::ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK;
///
/// assert_eq!(ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK.as_str(), "access-control-allow-private-network");
/// ```
pub const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");
/// The `Access-Control-Request-Private-Network` header (not in `http`'s list).
///
/// ```
/// use tower_cors::policy::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK;
///
/// assert_eq!(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK.as_str(), "access-control-request-private-network");
/// ```
pub const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

/// `cors-refusal`, sent on refused preflights only, says why, naming the
/// culprit: `origin not allowed`, `method "patch" not allowed`, `header
/// "x-forbidden" not allowed`, `malformed: several Origin headers`, ... (the
/// [`Refusal`]'s `Display`), so that a developer looking at the failed
/// preflight in the browser's network panel sees why. It is not an
/// `Access-Control-*` header and browsers ignore it. It tells a client
/// nothing it did not send or could not learn by trying: whether its own
/// origin, method or header is allowed.
///
/// ```
/// use tower_cors::policy::{Policy, CORS_REFUSAL};
/// use http::Request;
///
/// let policy = Policy::builder().allow_origins(["https://a.example"]).build()?;
/// let preflight = Request::options("/")
///     .header("origin", "https://evil.example")
///     .header("access-control-request-method", "PUT")
///     .body(())?;
/// let decision = policy.evaluate(&preflight);
/// assert_eq!(decision.headers().get(&CORS_REFUSAL).unwrap(), "origin not allowed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const CORS_REFUSAL: HeaderName = HeaderName::from_static("cors-refusal");

pub(crate) static TRUE: HeaderValue = HeaderValue::from_static("true");
static ORIGIN: HeaderValue = HeaderValue::from_static("origin");
/// Stands for a value taken from the request in the ready-made maps of
/// [`Answers`](super::answers::Answers); always replaced before sending
/// (and an empty value would grant nothing if it were not).
pub(crate) static PLACEHOLDER: HeaderValue = HeaderValue::from_static("");

/// One header of an answer; `Vary` is merged, the others replace.
type Entry<'a> = Option<(HeaderName, &'a HeaderValue)>;

/// The most headers an answer can have.
pub(crate) const MAX_LEN: usize = 9;

/// Every header of the answer `grant` with the policy's `values`, in the
/// order they are written: the one definition of what each answer holds.
pub(crate) fn entries<'a>(values: &'a AnswerValues, grant: &'a Grant) -> [Entry<'a>; MAX_LEN] {
    fn with(name: HeaderName, value: Option<&HeaderValue>) -> Entry<'_> {
        value.map(|v| (name, v))
    }
    let vary_preflight = values.vary_preflight.as_ref();
    // What each kind of grant sends beyond the policy's fixed values:
    // (allow origin, credentials?, expose?, preflight lists, vary, refusal);
    // the preflight lists are (methods, headers, private network, max age).
    let (allow_origin, credentials, expose, preflight, vary, refusal) = match grant {
        Grant::Nothing { vary_origin } => (
            None,
            false,
            false,
            None,
            vary_origin.then_some(&ORIGIN),
            None,
        ),
        Grant::RefusedPreflight(summary) => (
            None,
            false,
            false,
            None,
            vary_preflight,
            Some(summary.value()),
        ),
        Grant::RefusedBecause(reason) => (None, false, false, None, vary_preflight, Some(reason)),
        Grant::RefusedMalformed(malformed) => (
            None,
            false,
            false,
            None,
            vary_preflight,
            Some(malformed.value()),
        ),
        // No max age: the browser keeps this answer its default 5 s, so a
        // fixed configuration is seen at once.
        Grant::DebugPreflight {
            allow_origin,
            headers,
            reason,
        } => (
            Some(allow_origin),
            true,
            false,
            Some((&None, headers, false, false)),
            vary_preflight,
            Some(reason),
        ),
        Grant::Actual { allow_origin } => (
            Some(allow_origin),
            true,
            true,
            None,
            values.vary_actual.as_ref(),
            None,
        ),
        Grant::Preflight {
            allow_origin,
            methods,
            headers,
            private_network,
        } => (
            Some(allow_origin),
            true,
            false,
            Some((methods, headers, *private_network, true)),
            vary_preflight,
            None,
        ),
    };
    [
        with(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin),
        with(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            values.credentials.as_ref().filter(|_| credentials),
        ),
        with(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            preflight.and_then(|(m, _, _, _)| m.as_ref().or(values.allow_methods.as_ref())),
        ),
        with(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            preflight.and_then(|(_, h, _, _)| h.as_ref().or(values.allow_headers.as_ref())),
        ),
        with(
            header::ACCESS_CONTROL_MAX_AGE,
            preflight
                .filter(|(_, _, _, max_age)| *max_age)
                .and(values.max_age.as_ref()),
        ),
        with(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            values.expose.as_ref().filter(|_| expose),
        ),
        with(
            ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
            preflight.and_then(|(_, _, pn, _)| pn.then_some(&TRUE)),
        ),
        with(header::VARY, vary),
        with(CORS_REFUSAL, refusal),
    ]
}

impl CorsHeaders {
    pub(crate) fn new(answers: &SharedAnswers, grant: Grant) -> Self {
        Self {
            answers: answers.clone(),
            grant,
        }
    }

    /// Every header of the answer, in the order they are written.
    fn entries(&self) -> [Entry<'_>; MAX_LEN] {
        entries(&self.answers.values, &self.grant)
    }

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
        self.entries().into_iter().flatten()
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

    /// True when there is nothing to send. Every decision of today's
    /// policies sends something (a listed policy `Vary: origin` at least,
    /// an any-origin policy its constant `*`), so this is for code that
    /// handles `CorsHeaders` generically, say before merging them into a
    /// response built elsewhere.
    ///
    /// ```
    /// use tower_cors::Policy;
    /// use http::Request;
    ///
    /// let no_origin = Request::get("/").body(())?;
    /// // An any-origin answer is the same on every response, with or
    /// // without `Origin`, so that caches can share it.
    /// let public = Policy::builder().allow_any_origin().build()?;
    /// assert!(!public.evaluate(&no_origin).headers().is_empty());
    /// // A listed policy's answer varies by origin, and says so to caches.
    /// let listed = Policy::builder().allow_origins(["https://a.example"]).build()?;
    /// assert!(!listed.evaluate(&no_origin).headers().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
        if headers.is_empty() {
            if let Some(ready_made) = self.ready_made() {
                *headers = ready_made.clone();
                self.fill_placeholders(headers);
                return;
            }
        }
        for (name, value) in self.entries().into_iter().flatten() {
            if name == header::VARY {
                vary::merge(headers, value);
            } else {
                headers.insert(name, value.clone());
            }
        }
    }

    /// The policy's ready-made map for this answer, if it has one. Copying
    /// it into an empty map costs less than inserting each header; what
    /// comes from the request is then put in its placeholders.
    fn ready_made(&self) -> Option<&HeaderMap> {
        let answers = &*self.answers;
        match &self.grant {
            Grant::Actual { .. } => Some(&answers.actual),
            Grant::Preflight {
                private_network: false,
                ..
            } => Some(&answers.preflight),
            Grant::RefusedPreflight(summary) => Some(&answers.refused[*summary as usize]),
            Grant::RefusedBecause(_) => Some(&answers.refused[Summary::Given as usize]),
            Grant::RefusedMalformed(malformed) => Some(&answers.malformed[*malformed as usize]),
            Grant::Nothing { vary_origin: true } => Some(&answers.vary_only),
            // Private Network Access and debug answers are rare: inserted
            // one by one.
            Grant::Preflight { .. }
            | Grant::DebugPreflight { .. }
            | Grant::Nothing { vary_origin: false } => None,
        }
    }

    /// Puts the request's values into a copy of [`ready_made`](Self::ready_made):
    /// the result holds the same headers [`apply_to`](Self::apply_to)
    /// would insert one by one.
    fn fill_placeholders(self, headers: &mut HeaderMap) {
        let answers = &*self.answers;
        match self.grant {
            Grant::Actual { allow_origin } => {
                fill(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            }
            Grant::Preflight {
                allow_origin,
                methods,
                headers: requested,
                ..
            } => {
                fill(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
                let echoed = [
                    (
                        header::ACCESS_CONTROL_ALLOW_METHODS,
                        methods,
                        answers.echo_methods,
                    ),
                    (
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        requested,
                        answers.echo_headers,
                    ),
                ];
                for (name, value, placeholder) in echoed {
                    match value {
                        Some(value) => fill(headers, name, value),
                        None if placeholder => {
                            headers.remove(name);
                        }
                        None => {}
                    }
                }
            }
            Grant::RefusedBecause(reason) => fill(headers, CORS_REFUSAL, reason),
            Grant::RefusedPreflight(_)
            | Grant::RefusedMalformed(_)
            | Grant::DebugPreflight { .. }
            | Grant::Nothing { .. } => {}
        }
    }
}

/// Puts `value` in place of a ready-made map's placeholder for `name`.
/// The map holds a few standard names, so a scan finds the placeholder for
/// less than hashing would cost, and `Access-Control-Allow-Origin` comes
/// first. Replacing in place never grows the map, where `insert` would
/// first make room for an entry.
fn fill(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    match headers.iter_mut().find(|(n, _)| **n == name) {
        Some((_, slot)) => *slot = value,
        None => {
            headers.insert(name, value);
        }
    }
}

impl PartialEq for CorsHeaders {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for CorsHeaders {}

impl fmt::Debug for CorsHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

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
        preflight_status(self.kind, self.refusal.is_some(), &self.headers.grant)
    }
}

fn preflight_status(kind: RequestKind, refused: bool, grant: &Grant) -> Option<StatusCode> {
    match (kind, refused) {
        (RequestKind::Preflight, false) => Some(StatusCode::NO_CONTENT),
        (RequestKind::Preflight, true) if matches!(grant, Grant::DebugPreflight { .. }) => {
            Some(StatusCode::OK)
        }
        (RequestKind::Preflight, true) => Some(StatusCode::FORBIDDEN),
        _ => None,
    }
}

/// A [`Decision`] as the layer needs it, the reason for a refusal still
/// borrowed from the request.
#[derive(Debug)]
pub(crate) struct Verdict<'r> {
    pub(crate) kind: RequestKind,
    pub(crate) denied: Option<Denied<'r>>,
    pub(crate) headers: CorsHeaders,
}

impl Verdict<'_> {
    /// See [`Decision::preflight_status`].
    pub(crate) fn preflight_status(&self) -> Option<StatusCode> {
        preflight_status(self.kind, self.denied.is_some(), &self.headers.grant)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_made_reasons_read_as_the_refusals_do() {
        assert_eq!(
            Denied::Origin.reason(),
            Refusal::OriginNotAllowed.to_string()
        );
        for malformed in Malformed::ALL {
            assert_eq!(
                Denied::Malformed(malformed).reason(),
                Refusal::Malformed(malformed).to_string()
            );
            assert_eq!(
                Denied::Malformed(malformed).to_string(),
                Refusal::Malformed(malformed).to_string()
            );
        }
    }

    #[test]
    fn malformed_maps_are_indexed_in_declaration_order() {
        for (i, malformed) in Malformed::ALL.into_iter().enumerate() {
            assert_eq!(malformed as usize, i);
        }
    }

    #[test]
    fn built_reasons_name_the_token_and_have_no_spare_capacity() {
        let method = Denied::Method(b"patch");
        assert_eq!(method.reason(), "method \"patch\" not allowed");
        assert_eq!(method.reason(), method.to_refusal().to_string());
        assert_eq!(method.to_string(), method.to_refusal().to_string());
        let header = Denied::Header(b"X-Forbidden");
        assert_eq!(header.reason(), "header \"x-forbidden\" not allowed");
        assert_eq!(header.reason(), header.to_refusal().to_string());
        assert_eq!(header.to_string(), header.to_refusal().to_string());
    }
}
