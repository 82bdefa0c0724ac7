//! Sorting requests into not-CORS, simple, preflight and actual by the
//! Fetch rules (`#cors-request`, `#cors-preflight-request`,
//! `#cors-safelisted-method`, `#cors-safelisted-request-header`).

use std::fmt;

use http::header::{HeaderMap, HeaderName, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, USER_AGENT};
use http::Method;

use super::headers::{is_forbidden_request_header, is_safelisted_request_header};
use super::method;

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

/// Classifies a request by its method and headers alone.
pub(crate) fn classify(method: &Method, headers: &HeaderMap) -> RequestKind {
    if !headers.contains_key(ORIGIN) {
        RequestKind::NotCors
    } else if *method == Method::OPTIONS && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
        RequestKind::Preflight
    } else {
        cross_origin_kind(method, headers, HeadersFrom::Received)
    }
}

/// Whose headers [`cross_origin_kind`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadersFrom {
    /// A request as a server receives it: beside the page's headers, those
    /// the browser adds on its own, which never call for a preflight.
    Received,
    /// Only the headers a page set (`browser::PageRequest`), before the
    /// browser adds its own.
    Page,
}

/// Headers browsers add to a request on their own, though a page may set
/// them too: `User-Agent`, and `Priority` (RFC 9218, section 5), which
/// Firefox sends on every fetch (`Priority: u=4`). Received, they are taken
/// for the browser's; set by a page, `Priority` is CORS-unsafe like any
/// header outside `#cors-safelisted-request-header`.
fn added_by_browser(name: &HeaderName) -> bool {
    *name == USER_AGENT || name.as_str() == "priority"
}

/// Simple or actual, for a request with `Origin` that is not a preflight.
///
/// Headers a page cannot set (`#forbidden-request-header`) are the
/// browser's and do not count, nor, in a received request, those the
/// browser adds on its own ([`added_by_browser`]). The safelisted values
/// together may not exceed 1024 bytes (`#cors-unsafe-request-header-names`).
pub(crate) fn cross_origin_kind(
    method: &Method,
    headers: &HeaderMap,
    from: HeadersFrom,
) -> RequestKind {
    if !method::is_safelisted(method.as_str().as_bytes()) {
        return RequestKind::Actual;
    }
    let mut safelisted_bytes = 0usize;
    for (name, value) in headers {
        if is_forbidden_request_header(name.as_str().as_bytes())
            || (from == HeadersFrom::Received && added_by_browser(name))
        {
            continue;
        }
        if !is_safelisted_request_header(name.as_str(), value.as_bytes()) {
            return RequestKind::Actual;
        }
        safelisted_bytes += value.len();
        if safelisted_bytes > 1024 {
            return RequestKind::Actual;
        }
    }
    RequestKind::Simple
}
