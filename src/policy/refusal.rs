//! Why a request is refused: the [`Refusal`] a user reads, its borrowed
//! form [`Denied`] the layer works with, the [`Malformed`] kinds, and the
//! text of each on the wire ([`CORS_REFUSAL`]) and in logs.

use std::fmt;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::Method;

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

pub(crate) static ORIGIN_NOT_ALLOWED: HeaderValue = HeaderValue::from_static("origin not allowed");

/// Why a request is refused, borrowing what it names from the request: the
/// layer only needs the text on the wire, so the owned [`Refusal`] (which
/// copies a header name) is made only when [`Policy::evaluate`] is asked.
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
