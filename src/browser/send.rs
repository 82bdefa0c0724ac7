//! What the browser puts on the wire: the preflight
//! (`#cors-preflight-fetch`) and the request itself.

use http::header::{
    HeaderValue, ACCEPT, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use http::{HeaderName, Method, Request};

use super::request::PageRequest;

/// `Sec-Fetch-Mode`, which every CORS request carries.
const SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");

impl PageRequest {
    /// The preflight the browser sends first, or `None` when it sends none
    /// ([`needs_preflight`](PageRequest::needs_preflight)).
    ///
    /// `OPTIONS` to the same URL with `Origin`,
    /// `Access-Control-Request-Method`, `Access-Control-Request-Headers`
    /// (the [unsafe names](PageRequest::unsafe_header_names) joined by `,`,
    /// only when there are some), `Accept: */*` and `Sec-Fetch-Mode: cors`;
    /// never the page's headers, cookies or HTTP authentication, whatever
    /// the credentials mode.
    ///
    /// ```
    /// use tower_cors::browser::{Credentials, PageRequest};
    ///
    /// let page = PageRequest::new("https://app.example.com", "https://api.example.com/items")?
    ///     .with_method("PUT")?
    ///     .with_header("X-Custom", "1")?
    ///     .with_header("Content-Type", "application/json")?
    ///     .with_credentials(Credentials::Include);
    /// let preflight = page.preflight_request().expect("PUT needs a preflight");
    /// assert_eq!(preflight.method(), "OPTIONS");
    /// assert_eq!(preflight.uri(), "https://api.example.com/items");
    /// let headers = preflight.headers();
    /// assert_eq!(headers["origin"], "https://app.example.com");
    /// assert_eq!(headers["access-control-request-method"], "PUT");
    /// assert_eq!(headers["access-control-request-headers"], "content-type,x-custom");
    /// assert_eq!(headers["accept"], "*/*");
    /// assert_eq!(headers["sec-fetch-mode"], "cors");
    /// assert_eq!(headers.len(), 5);
    /// # Ok::<(), tower_cors::browser::PageError>(())
    /// ```
    pub fn preflight_request(&self) -> Option<Request<()>> {
        if !self.needs_preflight() {
            return None;
        }
        let mut request = Request::new(());
        *request.method_mut() = Method::OPTIONS;
        *request.uri_mut() = self.url().clone();
        let headers = request.headers_mut();
        headers.insert(ORIGIN, self.origin.clone());
        // A method is a token, a header name too: both are valid values.
        if let Ok(method) = HeaderValue::from_str(self.method().as_str()) {
            headers.insert(ACCESS_CONTROL_REQUEST_METHOD, method);
        }
        let names: Vec<String> = self
            .unsafe_header_names()
            .iter()
            .map(|name| name.as_str().to_owned())
            .collect();
        if !names.is_empty() {
            if let Ok(names) = HeaderValue::from_str(&names.join(",")) {
                headers.insert(ACCESS_CONTROL_REQUEST_HEADERS, names);
            }
        }
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        headers.insert(SEC_FETCH_MODE, HeaderValue::from_static("cors"));
        Some(request)
    }

    /// The request itself, as the browser sends it after a passed
    /// preflight or without one: the method, the URL, `Origin`,
    /// `Sec-Fetch-Mode: cors`, the page's headers, and `Accept: */*` unless
    /// the page set its own. Cookies and HTTP authentication, which the
    /// browser adds for [`Credentials::Include`](super::Credentials::Include),
    /// are the caller's to add. Give it a body with [`Request::map`].
    ///
    /// ```
    /// use tower_cors::browser::PageRequest;
    ///
    /// let page = PageRequest::new("https://app.example.com", "/items")?
    ///     .with_method("POST")?
    ///     .with_header("content-type", "text/plain")?;
    /// let request = page.actual_request().map(|()| "hello".to_owned());
    /// assert_eq!(request.method(), "POST");
    /// assert_eq!(request.uri(), "/items");
    /// assert_eq!(request.headers()["origin"], "https://app.example.com");
    /// assert_eq!(request.headers()["content-type"], "text/plain");
    /// assert_eq!(request.headers()["accept"], "*/*");
    /// assert_eq!(request.headers()["sec-fetch-mode"], "cors");
    /// # Ok::<(), tower_cors::browser::PageError>(())
    /// ```
    pub fn actual_request(&self) -> Request<()> {
        let mut request = Request::new(());
        *request.method_mut() = self.method().clone();
        *request.uri_mut() = self.url().clone();
        let headers = request.headers_mut();
        headers.clone_from(self.headers());
        headers.insert(ORIGIN, self.origin.clone());
        headers.insert(SEC_FETCH_MODE, HeaderValue::from_static("cors"));
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        request
    }
}
