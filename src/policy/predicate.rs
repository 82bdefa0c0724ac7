//! Origins beyond the lists: a synchronous predicate that also reads the
//! request, and the pure half of the asynchronous lookup.
//!
//! Both are consulted only about what the lists cannot say: a single,
//! well-formed, non-`null` `Origin` that no listed origin, pattern or
//! [`allow_origin_fn`](super::PolicyBuilder::allow_origin_fn) allows. A
//! malformed value is refused before any user code sees it, so a lookup can
//! never be tricked into allowing `https://app.example.com/` or
//! `https://app.example.com.evil.net` by a careless string comparison on its
//! side, and `null` (every sandboxed attacker page) stays refused unless it
//! is allowed explicitly.
//!
//! Everything else in the decision (methods, headers, credentials,
//! `Vary`) stays the policy's, whoever allowed the origin.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue, Method, Uri};

use super::origin;
use super::refusal::Denied;
use super::{RequestHead, Rules};

/// The request as an origin predicate sees it: its method, URI and headers,
/// borrowed. Given to the predicate of
/// [`allow_origin_request_fn`](super::PolicyBuilder::allow_origin_request_fn).
///
/// ```
/// use tower_cors::policy::{RequestHead, RequestRef};
/// use http::Request;
///
/// let request = Request::get("https://api.example.com/v1/items").header("host", "api.example.com").body(())?;
/// let view = RequestRef::new(&request);
/// assert_eq!(view.uri().path(), "/v1/items");
/// assert_eq!(view.headers()["host"], "api.example.com");
/// assert_eq!(RequestHead::method(&view), http::Method::GET);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct RequestRef<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
}

impl<'a> RequestRef<'a> {
    /// Borrows the head of `request` (an [`http::Request`], its
    /// [`Parts`](http::request::Parts), or another [`RequestHead`]).
    ///
    /// ```
    /// use tower_cors::policy::RequestRef;
    ///
    /// let (parts, ()) = http::Request::put("/items/1").body(())?.into_parts();
    /// assert_eq!(RequestRef::new(&parts).method(), http::Method::PUT);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new<R: RequestHead + ?Sized>(request: &'a R) -> Self {
        Self {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
        }
    }

    /// The request method.
    ///
    /// ```
    /// # use tower_cors::policy::RequestRef;
    /// let request = http::Request::delete("/").body(())?;
    /// assert_eq!(RequestRef::new(&request).method(), http::Method::DELETE);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn method(&self) -> &'a Method {
        self.method
    }

    /// The request URI as received: on a server usually the path and query
    /// only; the name the client asked for is in the `Host` header.
    ///
    /// ```
    /// # use tower_cors::policy::RequestRef;
    /// let request = http::Request::get("/tenants/42?x=1").body(())?;
    /// assert_eq!(RequestRef::new(&request).uri().query(), Some("x=1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn uri(&self) -> &'a Uri {
        self.uri
    }

    /// The host the request was sent to, `host[:port]` as received: the
    /// URI's authority when it has one (HTTP/2 carries the host there, in
    /// `:authority`, and sends no `Host` header), else the one `Host`
    /// header. `None` when there is neither, for several `Host` lines, and
    /// for a `Host` that is not a `host[:port]`. Read this, not the `host`
    /// header, in a predicate that decides per host: the guard's
    /// `Origin`-versus-host rule reads the same.
    ///
    /// ```
    /// # use tower_cors::policy::RequestRef;
    /// let http1 = http::Request::get("/").header("host", "api.example.com:8443").body(())?;
    /// assert_eq!(RequestRef::new(&http1).host(), Some("api.example.com:8443"));
    /// // As hyper hands over an HTTP/2 request: the authority in the URI.
    /// let http2 = http::Request::get("https://api.example.com/").version(http::Version::HTTP_2).body(())?;
    /// assert_eq!(RequestRef::new(&http2).host(), Some("api.example.com"));
    /// let two = http::Request::get("/").header("host", "a.example").header("host", "b.example").body(())?;
    /// assert_eq!(RequestRef::new(&two).host(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn host(&self) -> Option<&'a str> {
        super::host::request_host(self.uri, self.headers)
    }

    /// The request headers.
    ///
    /// ```
    /// # use tower_cors::policy::RequestRef;
    /// let request = http::Request::get("/").header("host", "acme.api.example").body(())?;
    /// assert_eq!(RequestRef::new(&request).headers()["host"], "acme.api.example");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }
}

impl RequestHead for RequestRef<'_> {
    fn method(&self) -> &Method {
        self.method
    }
    fn uri(&self) -> &Uri {
        self.uri
    }
    fn headers(&self) -> &HeaderMap {
        self.headers
    }
}

impl fmt::Debug for RequestRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values can hold credentials: show their names only.
        f.debug_struct("RequestRef")
            .field("method", self.method)
            .field("uri", self.uri)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A user predicate deciding, from the origin and the request, on origins
/// the lists do not cover.
#[derive(Clone)]
pub(crate) struct RequestOriginPredicate(Arc<PredicateFn>);

type PredicateFn = dyn Fn(&str, &RequestRef<'_>) -> bool + Send + Sync;

impl RequestOriginPredicate {
    pub(crate) fn new<F>(predicate: F) -> Self
    where
        F: Fn(&str, &RequestRef<'_>) -> bool + Send + Sync + 'static,
    {
        Self(Arc::new(predicate))
    }

    fn allows(&self, origin: &str, request: &RequestRef<'_>) -> bool {
        (self.0)(origin, request)
    }
}

impl fmt::Debug for RequestOriginPredicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestOriginPredicate")
    }
}

/// What decides on a well-formed origin the lists refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unlisted {
    /// The request-aware predicate, if there is one; refused otherwise.
    Ask,
    /// Allowed: an asynchronous lookup already said yes.
    Assume,
}

/// The `Access-Control-Allow-Origin` value for an `origin` the lists
/// refused, when `unlisted` allows it.
pub(crate) fn allow_unlisted<R: RequestHead + ?Sized>(
    rules: &Rules,
    origin: &HeaderValue,
    request: &R,
    unlisted: Unlisted,
) -> Result<HeaderValue, Denied<'static>> {
    let allowed = match unlisted {
        // Checked first: without a predicate, a refused origin costs no
        // more than the lists' refusal.
        Unlisted::Ask => match &rules.request_origin_fn {
            Some(predicate) => well_formed(origin)
                .is_some_and(|text| predicate.allows(text, &RequestRef::new(request))),
            None => false,
        },
        Unlisted::Assume => well_formed(origin).is_some(),
    };
    if allowed {
        // Exactly the bytes received, as an exact listed origin would answer.
        Ok(origin.clone())
    } else {
        Err(Denied::Origin)
    }
}

/// The origin as text when it is one a browser could send, other than
/// `null`; `None` for anything user code must not be asked about.
pub(crate) fn well_formed(origin: &HeaderValue) -> Option<&str> {
    let bytes = origin.as_bytes();
    if bytes == b"null" || origin::parse(bytes, false).is_err() {
        return None;
    }
    // `parse` accepts ASCII only, so this never fails.
    std::str::from_utf8(bytes).ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::policy::{Policy, Refusal};
    use http::Request;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A `GET` from `origin` to `host`.
    pub(crate) fn request(origin: &[u8], host: &str) -> Request<()> {
        Request::get("/")
            .header("origin", HeaderValue::from_bytes(origin).unwrap())
            .header("host", host)
            .body(())
            .unwrap()
    }

    /// A policy listing one origin, and allowing `https://app.{host}` by
    /// a request predicate that counts how often it is asked.
    pub(crate) fn counting_policy(asked: Arc<AtomicUsize>) -> Policy {
        Policy::builder()
            .allow_origins(["https://listed.example"])
            .allow_origin_request_fn(move |origin, request| {
                asked.fetch_add(1, Ordering::SeqCst);
                let host = request.host();
                host.is_some_and(|host| origin == format!("https://app.{host}"))
            })
            .build()
            .unwrap()
    }

    #[test]
    fn the_predicate_sees_the_request_and_decides_unlisted_origins() {
        let asked = Arc::new(AtomicUsize::new(0));
        let policy = counting_policy(asked.clone());
        let tenant = request(b"https://app.acme.example", "acme.example");
        assert!(policy.evaluate(&tenant).is_allowed());
        let other_tenant = request(b"https://app.acme.example", "globex.example");
        assert_eq!(
            policy.evaluate(&other_tenant).refusal(),
            Some(&Refusal::OriginNotAllowed)
        );
        assert_eq!(asked.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_request_ref_shows_header_names_not_values() {
        let request = Request::get("/tenants/7")
            .header("cookie", "session=secret")
            .header("host", "acme.example")
            .body(())
            .unwrap();
        let shown = format!("{:?}", RequestRef::new(&request));
        assert!(
            shown.contains("cookie") && shown.contains("/tenants/7"),
            "{shown}"
        );
        assert!(
            !shown.contains("secret") && !shown.contains("acme.example"),
            "{shown}"
        );
    }

    #[test]
    fn the_predicate_is_not_asked_about_listed_null_or_malformed_origins() {
        let asked = Arc::new(AtomicUsize::new(0));
        let policy = counting_policy(asked.clone());
        assert!(policy
            .evaluate(&request(b"https://listed.example", "acme.example"))
            .is_allowed());
        for origin in [
            &b"null"[..],
            b"https://app.acme.example/",
            b"HTTPS://app.acme.example",
            b"https://app.acme.example:443",
            b"https://app.acme.\xc3\xa9xample",
        ] {
            let decision = policy.evaluate(&request(origin, "acme.example"));
            assert!(!decision.is_allowed(), "{origin:?}");
        }
        assert_eq!(asked.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn assuming_allowed_keeps_null_and_malformed_origins_refused() {
        let policy = Policy::builder()
            .allow_origins(["https://listed.example"])
            .build()
            .unwrap();
        let assumed =
            |origin: &[u8]| policy.evaluate_assuming_origin_allowed(&request(origin, "h.example"));
        assert!(assumed(b"https://other.example").is_allowed());
        assert_eq!(assumed(b"null").refusal(), Some(&Refusal::OriginNotAllowed));
        assert!(matches!(
            assumed(b"https://other.example/").refusal(),
            Some(Refusal::Malformed(_))
        ));
    }
}
