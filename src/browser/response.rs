//! Judging the response to the request itself (`#cors-check`), and what of
//! it the page's script can read (`#cors-filtered-response`).

use http::header::{HeaderName, ACCESS_CONTROL_EXPOSE_HEADERS};
use http::Response;

use super::blocked::{Blocked, Stage};
use super::cors_check::cors_check;
use super::list::tokens;
use super::request::PageRequest;

/// Response headers every CORS response exposes
/// (`#cors-safelisted-response-header-name`).
const SAFELISTED: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// A response the page's script can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readable {
    exposed: Vec<HeaderName>,
}

impl Readable {
    /// The response's headers the script can read (`headers.get()`):
    /// lowercase, sorted, each once.
    pub fn exposed(&self) -> &[HeaderName] {
        &self.exposed
    }

    /// Whether the script can read the header `name` (any case), when the
    /// response has it.
    pub fn can_read(&self, name: &str) -> bool {
        self.exposed
            .iter()
            .any(|exposed| exposed.as_str().eq_ignore_ascii_case(name))
    }
}

impl PageRequest {
    /// Judges the response to the request itself as a browser does: the
    /// CORS check (`#cors-check`: exactly one `Access-Control-Allow-Origin`,
    /// the page's origin or `*` without credentials; with credentials,
    /// `Access-Control-Allow-Credentials: true`), whatever the status; then
    /// which headers the script sees (`#cors-filtered-response`): the
    /// safelisted ones (`Cache-Control`, `Content-Language`,
    /// `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`,
    /// `Pragma`) and those named in `Access-Control-Expose-Headers` (`*`:
    /// all, without credentials), never `Set-Cookie`.
    ///
    /// ```
    /// use http::Response;
    /// use tower_cors::browser::{Credentials, PageRequest, Reason};
    ///
    /// let page = PageRequest::new("https://app.example.com", "https://api.example.com/")?;
    /// let response = Response::builder()
    ///     .header("access-control-allow-origin", "*")
    ///     .header("access-control-expose-headers", "x-total")
    ///     .header("content-type", "application/json")
    ///     .header("x-total", "3")
    ///     .header("x-internal", "secret")
    ///     .body(())?;
    /// let readable = page.check_response(&response)?;
    /// assert_eq!(readable.exposed(), ["content-type", "x-total"]);
    ///
    /// let with_cookies = page.with_credentials(Credentials::Include);
    /// let blocked = with_cookies.check_response(&response).unwrap_err();
    /// assert_eq!(blocked.reason(), &Reason::WildcardOriginWithCredentials);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_response<B>(&self, response: &Response<B>) -> Result<Readable, Blocked> {
        let headers = response.headers();
        cors_check(self, headers).map_err(|reason| self.blocked(Stage::Response, reason))?;
        // An unparsable list exposes nothing more (`#cors-check`'s caller,
        // main fetch step "CORS-exposed header-name list").
        let listed = tokens(headers, &ACCESS_CONTROL_EXPOSE_HEADERS)
            .ok()
            .flatten()
            .unwrap_or_default();
        let all = !self.credentials().sends_cross_origin() && listed.iter().any(|n| n == "*");
        let mut exposed: Vec<HeaderName> = headers
            .keys()
            .filter(|name| {
                let name = name.as_str();
                let forbidden = name == "set-cookie" || name == "set-cookie2";
                let readable = all
                    || SAFELISTED.contains(&name)
                    || listed.iter().any(|n| n.eq_ignore_ascii_case(name));
                readable && !forbidden
            })
            .cloned()
            .collect();
        exposed.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        exposed.dedup();
        Ok(Readable { exposed })
    }
}
