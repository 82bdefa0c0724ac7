//! What a page cannot ask for: `fetch()` throws, or the browser drops it.

use crate::escape::Escaped;
use crate::policy::OriginSyntaxError;

/// Why a [`PageRequest`](super::PageRequest) cannot be described: a page
/// could not make that request.
///
/// ```
/// use tower_cors::browser::{PageError, PageRequest};
///
/// let err = PageRequest::new("https://app.example.com", "/")?
///     .with_method("TRACE")
///     .unwrap_err();
/// assert_eq!(err.to_string(), "'TRACE' HTTP method is unsupported.");
/// # Ok::<(), PageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// The origin is neither `null` nor an origin as browsers serialize it.
    #[error("{:?} is not an origin a browser sends: {reason}", Escaped(origin.as_bytes()))]
    InvalidOrigin {
        /// The text given.
        origin: String,
        /// What is wrong with it.
        reason: OriginSyntaxError,
    },
    /// The URL does not parse.
    #[error("{:?} is not a URL", Escaped(url.as_bytes()))]
    InvalidUrl {
        /// The text given.
        url: String,
    },
    /// Not an HTTP method (a token): `fetch()` throws.
    #[error("{:?} is not a valid HTTP method.", Escaped(method.as_bytes()))]
    InvalidMethod {
        /// The text given.
        method: String,
    },
    /// `CONNECT`, `TRACE` or `TRACK` in any case (`#forbidden-method`):
    /// `fetch()` throws, in Chrome's words.
    #[error("'{method}' HTTP method is unsupported.")]
    ForbiddenMethod {
        /// The method given.
        method: String,
    },
    /// Not a header name (a token): `fetch()` throws.
    #[error("{:?} is not a valid HTTP header field name.", Escaped(name.as_bytes()))]
    InvalidHeaderName {
        /// The text given.
        name: String,
    },
    /// A value with a line break or another byte a header cannot hold.
    #[error("the value of '{name}' is not a valid HTTP header field value")]
    InvalidHeaderValue {
        /// The header's name, lowercase.
        name: String,
    },
    /// A header only the browser sets (`#forbidden-request-header`, and
    /// `User-Agent`): a page's value is dropped, so the request is
    /// described without it.
    #[error("a page cannot set '{name}': the browser sets it itself and drops the page's value")]
    ForbiddenHeader {
        /// The header's name, lowercase.
        name: String,
    },
}
