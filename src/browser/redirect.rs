//! Following a redirect of the request itself (`#http-redirect-fetch`):
//! where the browser goes next, with which method and which `Origin`.
//! (A preflight is never redirected: [`PageRequest::check_preflight`]
//! refuses it.)

use http::header::{CONTENT_ENCODING, CONTENT_LANGUAGE, CONTENT_LOCATION, CONTENT_TYPE, LOCATION};
use http::uri::{Parts, PathAndQuery, Scheme};
use http::{HeaderValue, Method, Response, StatusCode, Uri};

use super::error::PageError;
use super::preflight::is_redirect;
use super::request::PageRequest;

impl PageRequest {
    /// The request the browser makes next when `response` redirects it,
    /// or `None` when it does not (not `301`, `302`, `303`, `307` or
    /// `308`, or no `Location`, which the page then receives as is).
    ///
    /// Check the redirect itself with
    /// [`check_response`](PageRequest::check_response) first: a browser
    /// follows it only if it passes the CORS check. Then, by Fetch:
    /// `Location` is resolved against the current URL (absolute, `//host`,
    /// `/path` or a relative path; any fragment dropped) and must be
    /// `http` or `https` without userinfo; `303` turns any method but `GET`
    /// and `HEAD` into `GET`, `301` and `302` turn `POST` into `GET`, and
    /// such a change drops the body's headers (`Content-Type`, ...); a
    /// redirect to another origin from a URL that is not the page's own
    /// origin sends `Origin: null` from then on (the "tainted origin").
    /// The next request may need a preflight of its own.
    ///
    /// ```
    /// use http::Response;
    /// use tower_cors::browser::PageRequest;
    ///
    /// let page = PageRequest::new("https://app.example.com", "https://api.example.com/old")?
    ///     .with_method("POST")?
    ///     .with_header("content-type", "text/plain")?;
    /// let moved = Response::builder()
    ///     .status(302)
    ///     .header("access-control-allow-origin", "*")
    ///     .header("location", "https://cdn.example.net/new")
    ///     .body(())?;
    /// assert!(page.check_response(&moved).is_ok());
    /// let next = page.follow_redirect(&moved).expect("a redirect")?;
    /// assert_eq!(next.url(), "https://cdn.example.net/new");
    /// assert_eq!(next.method(), "GET");
    /// assert!(next.headers().get("content-type").is_none());
    /// assert_eq!(next.origin(), "null"); // api.example.com sent it elsewhere
    ///
    /// let not_moved = Response::builder().status(200).body(())?;
    /// assert!(page.follow_redirect(&not_moved).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn follow_redirect<B>(
        &self,
        response: &Response<B>,
    ) -> Option<Result<PageRequest, PageError>> {
        let status = response.status();
        if !is_redirect(status) {
            return None;
        }
        let location = response.headers().get(LOCATION)?;
        Some(self.redirected(status, location))
    }

    fn redirected(
        &self,
        status: StatusCode,
        location: &HeaderValue,
    ) -> Result<PageRequest, PageError> {
        let invalid = || PageError::InvalidUrl {
            url: String::from_utf8_lossy(location.as_bytes()).into_owned(),
        };
        let text = location.to_str().map_err(|_| invalid())?;
        let text = text.split('#').next().unwrap_or("");
        let url = resolve(self.url(), text).ok_or_else(invalid)?;
        let absolute = url.scheme().is_some();
        let web = matches!(url.scheme_str(), Some("http" | "https"));
        let userinfo = url.authority().is_some_and(|a| a.as_str().contains('@'));
        if (absolute && !web) || userinfo {
            return Err(invalid());
        }

        let mut next = self.clone();
        let to_get = match status.as_u16() {
            303 => *self.method() != Method::GET && *self.method() != Method::HEAD,
            301 | 302 => *self.method() == Method::POST,
            _ => false,
        };
        if to_get {
            next.method = Method::GET;
            for name in [
                CONTENT_ENCODING,
                CONTENT_LANGUAGE,
                CONTENT_LOCATION,
                CONTENT_TYPE,
            ] {
                next.headers.remove(name);
            }
        }
        let current = origin_of(self.url());
        let tainted = current != origin_of(&url) && current.as_deref() != Some(self.origin());
        if tainted {
            next.origin = HeaderValue::from_static("null");
        }
        next.url = url;
        Ok(next)
    }
}

/// `location` resolved against `base` (RFC 3986 section 5.2, for what a
/// `Location` holds in practice).
fn resolve(base: &Uri, location: &str) -> Option<Uri> {
    if location.contains("://") {
        return location.parse().ok();
    }
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = base.scheme().cloned().unwrap_or(Scheme::HTTPS);
        return format!("{scheme}://{rest}").parse().ok();
    }
    let path = if location.starts_with('/') {
        location.to_owned()
    } else {
        let dir = base.path().rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("{dir}/{location}")
    };
    let mut parts = Parts::default();
    parts.scheme = base.scheme().cloned();
    parts.authority = base.authority().cloned();
    parts.path_and_query = Some(PathAndQuery::try_from(path).ok()?);
    Uri::from_parts(parts).ok()
}

/// The serialized origin of an absolute `http(s)` URL: lowercase scheme
/// and host, the port unless it is the scheme's default.
fn origin_of(url: &Uri) -> Option<String> {
    let scheme = url.scheme_str()?.to_ascii_lowercase();
    let host = url.host()?.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    Some(match url.port_u16() {
        Some(port) if Some(port) != default => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str) -> PageRequest {
        PageRequest::new("https://app.example.com", url).unwrap()
    }

    fn redirect(status: u16, location: &str) -> Response<()> {
        Response::builder()
            .status(status)
            .header("location", location)
            .body(())
            .unwrap()
    }

    #[test]
    fn locations_resolve_against_the_current_url() {
        let page = page("https://api.example.com/a/b?x=1");
        let next = |location: &str| {
            page.follow_redirect(&redirect(307, location))
                .unwrap()
                .map(|next| next.url().to_string())
        };
        assert_eq!(
            next("https://api.example.com/c").unwrap(),
            "https://api.example.com/c"
        );
        assert_eq!(next("/c?y=2").unwrap(), "https://api.example.com/c?y=2");
        assert_eq!(next("c").unwrap(), "https://api.example.com/a/c");
        assert_eq!(
            next("//cdn.example.net/d").unwrap(),
            "https://cdn.example.net/d"
        );
        assert_eq!(next("/e#frag").unwrap(), "https://api.example.com/e");
        assert!(next("ftp://files.example.com/").is_err());
        assert!(next("https://user:pw@api.example.com/").is_err());
    }

    #[test]
    fn methods_change_only_where_fetch_says() {
        let put = page("https://api.example.com/").with_method("PUT").unwrap();
        let post = page("https://api.example.com/")
            .with_method("POST")
            .unwrap();
        let method = |page: &PageRequest, status| {
            let next = page
                .follow_redirect(&redirect(status, "/next"))
                .unwrap()
                .unwrap();
            next.method().clone()
        };
        assert_eq!(method(&put, 303), Method::GET);
        assert_eq!(method(&put, 302), Method::PUT);
        assert_eq!(method(&put, 307), Method::PUT);
        assert_eq!(method(&post, 301), Method::GET);
        assert_eq!(method(&post, 308), Method::POST);
    }

    #[test]
    fn origin_is_tainted_only_by_a_cross_origin_hop_from_elsewhere() {
        // From the page's own origin to elsewhere: the origin stays.
        let own = page("https://app.example.com/start");
        let next = own
            .follow_redirect(&redirect(302, "https://api.example.com/"))
            .unwrap()
            .unwrap();
        assert_eq!(next.origin(), "https://app.example.com");
        // Within the API's origin: stays.
        let api = page("https://api.example.com/start");
        let same = api
            .follow_redirect(&redirect(302, "/other"))
            .unwrap()
            .unwrap();
        assert_eq!(same.origin(), "https://app.example.com");
        // From the API to a third origin: null.
        let third = api
            .follow_redirect(&redirect(302, "https://cdn.example.net/"))
            .unwrap()
            .unwrap();
        assert_eq!(third.origin(), "null");
    }

    #[test]
    fn no_redirect_without_a_redirect_status_and_a_location() {
        let page = page("https://api.example.com/");
        assert!(page.follow_redirect(&redirect(200, "/x")).is_none());
        assert!(page.follow_redirect(&redirect(304, "/x")).is_none());
        let no_location = Response::builder().status(302).body(()).unwrap();
        assert!(page.follow_redirect(&no_location).is_none());
    }
}
