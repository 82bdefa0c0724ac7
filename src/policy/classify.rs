//! Sorting requests into not-CORS, simple, preflight and actual by the
//! Fetch rules (`#cors-request`, `#cors-preflight-request`,
//! `#cors-safelisted-method`, `#cors-safelisted-request-header`).

use http::header::{HeaderMap, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, USER_AGENT};
use http::Method;

use super::decision::RequestKind;
use super::headers::{is_forbidden_request_header, is_safelisted_request_header};
use super::method;

/// Classifies a request by its method and headers alone.
pub(crate) fn classify(method: &Method, headers: &HeaderMap) -> RequestKind {
    if !headers.contains_key(ORIGIN) {
        RequestKind::NotCors
    } else if *method == Method::OPTIONS && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
        RequestKind::Preflight
    } else {
        cross_origin_kind(method, headers)
    }
}

/// Simple or actual, for a request with `Origin` that is not a preflight.
///
/// Headers a page cannot set (`#forbidden-request-header`) and
/// `User-Agent`, which browsers add on their own, are the browser's and do
/// not count. The safelisted values together may not exceed 1024 bytes
/// (`#cors-unsafe-request-header-names`).
pub(crate) fn cross_origin_kind(method: &Method, headers: &HeaderMap) -> RequestKind {
    if !method::is_safelisted(method.as_str().as_bytes()) {
        return RequestKind::Actual;
    }
    let mut safelisted_bytes = 0usize;
    for (name, value) in headers {
        if *name == USER_AGENT || is_forbidden_request_header(name.as_str().as_bytes()) {
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
