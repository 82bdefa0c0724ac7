//! The request a page asks for: origin, URL, method, headers and
//! credentials mode, checked as `fetch()` checks them before anything is
//! sent, and whether it needs a preflight.

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, Uri};

use super::error::PageError;
use crate::policy::classify::{cross_origin_kind, HeadersFrom};
use crate::policy::headers::{is_forbidden_request_header, is_safelisted_request_header};
use crate::policy::method::{browser_normalized, is_forbidden, is_safelisted};
use crate::policy::origin;
use crate::policy::token::is_token;
use crate::policy::RequestKind;

/// A request's credentials mode (`fetch(url, {credentials})`, Fetch
/// `#concept-request-credentials-mode`).
///
/// The requests this module describes are cross-origin, where only
/// [`Include`](Credentials::Include) sends cookies and HTTP authentication
/// and asks the server to opt in with `Access-Control-Allow-Credentials`;
/// `same-origin`, `fetch()`'s default, then behaves as `omit`.
///
/// ```
/// use tower_cors::browser::Credentials;
///
/// assert_eq!(Credentials::default(), Credentials::SameOrigin);
/// assert!(Credentials::Include.sends_cross_origin());
/// assert!(!Credentials::SameOrigin.sends_cross_origin());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Credentials {
    /// `omit`: never send credentials.
    Omit,
    /// `same-origin` (the default of `fetch()`): credentials only to the
    /// page's own origin, so none on a cross-origin request.
    #[default]
    SameOrigin,
    /// `include` (`XMLHttpRequest.withCredentials = true`): credentials
    /// everywhere.
    Include,
}

impl Credentials {
    /// Whether a cross-origin request in this mode carries credentials.
    pub fn sends_cross_origin(self) -> bool {
        self == Credentials::Include
    }
}

/// A cross-origin request a page makes, as `fetch()` would send it.
///
/// Built from what a script writes; each step refuses what `fetch()`
/// refuses or a browser drops ([`PageError`]), and normalises what a
/// browser normalises: the method (`#concept-method-normalize`) and header
/// values (surrounding whitespace removed, `#concept-header-value-normalize`).
///
/// ```
/// use tower_cors::browser::{Credentials, PageRequest};
///
/// let request = PageRequest::new("https://app.example.com", "https://api.example.com/items")?
///     .with_method("delete")? // browsers uppercase DELETE, GET, HEAD, OPTIONS, POST, PUT
///     .with_header("Content-Type", "application/json")?
///     .with_credentials(Credentials::Include);
/// assert_eq!(request.method(), "DELETE");
/// assert!(request.needs_preflight());
/// assert_eq!(request.unsafe_header_names(), ["content-type"]);
///
/// // `patch` is sent as written: only six methods are normalised.
/// let patch = PageRequest::new("https://app.example.com", "/items")?.with_method("patch")?;
/// assert_eq!(patch.method(), "patch");
/// # Ok::<(), tower_cors::browser::PageError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub(super) origin: HeaderValue,
    pub(super) url: Uri,
    pub(super) method: Method,
    pub(super) headers: HeaderMap,
    pub(super) credentials: Credentials,
}

impl PageRequest {
    /// A `GET` from the page at `origin` to `url`, with no headers and
    /// [`Credentials::SameOrigin`].
    ///
    /// `origin` is `null` (sandboxed pages, `file:` pages) or an origin
    /// exactly as browsers serialize it (`scheme://host[:port]`, lowercase,
    /// no default port, no trailing slash). `url` is absolute, or a path
    /// when the request is handed to a service in a test; it is only
    /// written into the request and the messages. The request is judged
    /// as a cross-origin one: the URL's own origin is not compared with
    /// `origin` (a same-origin request involves no CORS at all).
    ///
    /// ```
    /// use tower_cors::browser::{PageError, PageRequest};
    ///
    /// assert!(PageRequest::new("null", "https://api.example.com/").is_ok());
    /// assert!(matches!(
    ///     PageRequest::new("https://app.example.com/", "/"),
    ///     Err(PageError::InvalidOrigin { .. })
    /// ));
    /// ```
    pub fn new(origin: &str, url: &str) -> Result<PageRequest, PageError> {
        if origin != "null" {
            origin::parse(origin.as_bytes(), false).map_err(|reason| PageError::InvalidOrigin {
                origin: origin.to_owned(),
                reason,
            })?;
        }
        let origin = HeaderValue::from_str(origin).map_err(|_| PageError::InvalidOrigin {
            origin: origin.to_owned(),
            reason: crate::policy::OriginSyntaxError::Whitespace,
        })?;
        let url: Uri = url.parse().map_err(|_| PageError::InvalidUrl {
            url: url.to_owned(),
        })?;
        Ok(PageRequest {
            origin,
            url,
            method: Method::GET,
            headers: HeaderMap::new(),
            credentials: Credentials::default(),
        })
    }

    /// The method as the browser sends it: `DELETE`, `GET`, `HEAD`,
    /// `OPTIONS`, `POST` and `PUT` uppercased whatever their case, every
    /// other method as written (`#concept-method-normalize`).
    ///
    /// `CONNECT`, `TRACE` and `TRACK` make `fetch()` throw
    /// ([`PageError::ForbiddenMethod`]).
    ///
    /// ```
    /// use tower_cors::browser::{PageError, PageRequest};
    ///
    /// let page = PageRequest::new("https://app.example.com", "/")?;
    /// assert_eq!(page.clone().with_method("put")?.method(), "PUT");
    /// assert!(matches!(page.with_method("trace"), Err(PageError::ForbiddenMethod { .. })));
    /// # Ok::<(), PageError>(())
    /// ```
    pub fn with_method(mut self, method: &str) -> Result<PageRequest, PageError> {
        if !is_token(method.as_bytes()) {
            return Err(PageError::InvalidMethod {
                method: method.to_owned(),
            });
        }
        if is_forbidden(method.as_bytes()) {
            return Err(PageError::ForbiddenMethod {
                method: method.to_owned(),
            });
        }
        let sent = browser_normalized(method).unwrap_or(method);
        self.method =
            Method::from_bytes(sent.as_bytes()).map_err(|_| PageError::InvalidMethod {
                method: method.to_owned(),
            })?;
        Ok(self)
    }

    /// Adds a header the page sets (`Headers.append`); a second value of
    /// the same name is sent as a second line.
    ///
    /// Headers only the browser sets (`#forbidden-request-header`: `Cookie`,
    /// `Origin`, `Sec-*`, `Proxy-*` and others) and `User-Agent`, which the
    /// browser supplies itself, are refused with
    /// [`PageError::ForbiddenHeader`]: a browser would drop them.
    ///
    /// ```
    /// use tower_cors::browser::{PageError, PageRequest};
    ///
    /// let page = PageRequest::new("https://app.example.com", "/")?;
    /// let with_cookie = page.clone().with_header("Cookie", "session=1");
    /// assert!(matches!(with_cookie, Err(PageError::ForbiddenHeader { .. })));
    /// let page = page.with_header("x-request-id", "  42 ")?;
    /// assert_eq!(page.headers()["x-request-id"], "42");
    /// # Ok::<(), PageError>(())
    /// ```
    pub fn with_header(mut self, name: &str, value: &str) -> Result<PageRequest, PageError> {
        let header_name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| PageError::InvalidHeaderName {
                name: name.to_owned(),
            })?;
        if is_forbidden_request_header(name.as_bytes()) || header_name == http::header::USER_AGENT {
            return Err(PageError::ForbiddenHeader {
                name: header_name.as_str().to_owned(),
            });
        }
        let trimmed = value.trim_matches([' ', '\t', '\r', '\n']);
        let header_value =
            HeaderValue::from_str(trimmed).map_err(|_| PageError::InvalidHeaderValue {
                name: header_name.as_str().to_owned(),
            })?;
        self.headers.append(header_name, header_value);
        Ok(self)
    }

    /// Sets the credentials mode.
    pub fn with_credentials(mut self, credentials: Credentials) -> PageRequest {
        self.credentials = credentials;
        self
    }

    /// The page's origin, as sent in `Origin`.
    pub fn origin(&self) -> &str {
        // Checked to be ASCII in `new`; `null` otherwise.
        self.origin.to_str().unwrap_or("null")
    }

    /// The URL the page fetches.
    pub fn url(&self) -> &Uri {
        &self.url
    }

    /// The method as sent, after normalisation.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The headers the page set.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The credentials mode.
    pub fn credentials(&self) -> Credentials {
        self.credentials
    }

    /// Whether the browser asks first (`#cors-preflight-fetch`): a method
    /// other than `GET`, `HEAD` and `POST`, or any CORS-unsafe header.
    ///
    /// The same classification the policy applies to the requests it
    /// receives, read over the page's headers alone: a `Priority` the page
    /// sets calls for a preflight, though one the browser adds does not.
    ///
    /// ```
    /// use tower_cors::browser::PageRequest;
    ///
    /// let page = PageRequest::new("https://app.example.com", "/")?;
    /// let form = page.clone().with_method("POST")?.with_header("content-type", "text/plain")?;
    /// assert!(!form.needs_preflight());
    /// let json = page.with_method("POST")?.with_header("content-type", "application/json")?;
    /// assert!(json.needs_preflight());
    /// # Ok::<(), tower_cors::browser::PageError>(())
    /// ```
    pub fn needs_preflight(&self) -> bool {
        cross_origin_kind(&self.method, &self.headers, HeadersFrom::Page) == RequestKind::Actual
    }

    /// The names the preflight asks for in `Access-Control-Request-Headers`
    /// (`#cors-unsafe-request-header-names`): those whose value is not
    /// CORS-safelisted, and all of them when the safelisted values
    /// together exceed 1024 bytes; lowercase, sorted, without duplicates.
    ///
    /// ```
    /// use tower_cors::browser::PageRequest;
    ///
    /// let page = PageRequest::new("https://app.example.com", "/")?
    ///     .with_header("X-B", "1")?
    ///     .with_header("accept", "application/json")?
    ///     .with_header("x-a", "2")?;
    /// assert_eq!(page.unsafe_header_names(), ["x-a", "x-b"]);
    /// # Ok::<(), tower_cors::browser::PageError>(())
    /// ```
    pub fn unsafe_header_names(&self) -> Vec<HeaderName> {
        let mut names = Vec::new();
        let mut safelisted = HeaderMap::new();
        for (name, value) in &self.headers {
            if is_safelisted_request_header(name.as_str(), value.as_bytes()) {
                safelisted.append(name.clone(), value.clone());
            } else {
                names.push(name.clone());
            }
        }
        // The classification holds the 1024-byte limit on safelisted
        // values: a safelisted method with only those headers is simple
        // unless they are over it.
        if cross_origin_kind(&Method::GET, &safelisted, HeadersFrom::Page) == RequestKind::Actual {
            names.extend(safelisted.keys().cloned());
        }
        names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        names.dedup();
        names
    }

    /// Whether the method is one a preflight never needs to cover.
    pub(super) fn method_is_safelisted(&self) -> bool {
        is_safelisted(self.method.as_str().as_bytes())
    }
}
