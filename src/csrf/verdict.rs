//! What the guard concluded about a request: [`Pass`] says why it may go
//! on, [`Refused`] why not, and what a refusal answers by default.

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};

/// `csrf-refusal`, sent on every default refusal: which rule refused the
/// request ([`Refused::summary`]), for the developer reading the network
/// panel. Like `cors-refusal`, it says which rule, never what the request
/// carried.
///
/// ```
/// use tower_cors::csrf::CSRF_REFUSAL;
///
/// assert_eq!(CSRF_REFUSAL.as_str(), "csrf-refusal");
/// ```
pub const CSRF_REFUSAL: HeaderName = HeaderName::from_static("csrf-refusal");

/// Why a request may reach the application.
///
/// ```
/// use http::Request;
/// use tower_cors::csrf::{self, Pass, Trusted};
///
/// let form = Request::post("/transfer").header("sec-fetch-site", "same-origin").body(())?;
/// assert_eq!(csrf::check(&form, &Trusted::same_origin_only()), Ok(Pass::SameOrigin));
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pass {
    /// `GET`, `HEAD` or `OPTIONS`: safe methods, which must not change
    /// state; preflights are the CORS layer's business.
    SafeMethod,
    /// `Sec-Fetch-Site: same-origin`: a page of this very origin sent it.
    SameOrigin,
    /// `Sec-Fetch-Site: none`: the user did it (typed the URL, used a
    /// bookmark), no page did.
    UserInitiated,
    /// Neither `Sec-Fetch-Site` nor `Origin`: not a browser (curl, another
    /// server, a mobile app), or a browser too old to send either, which
    /// no header can tell apart from a same-origin request.
    NoOrigin,
    /// No `Sec-Fetch-Site`, and the `Origin`'s `host[:port]` is the
    /// request's own host: an older browser on this same origin.
    OriginMatchesHost,
    /// The `Origin` is one the guard trusts.
    TrustedOrigin,
    /// The path is an explicit bypass.
    BypassPath,
    /// A WebSocket handshake, and the guard was told not to judge them
    /// ([`TrustBuilder::allow_cross_site_websockets_dangerously`](super::TrustBuilder::allow_cross_site_websockets_dangerously)).
    UnguardedWebSocket,
}

/// Why a request was refused. Every refusal means a browser told us (or
/// would have) that another origin's page sent the request, and nothing
/// trusts that origin.
///
/// ```
/// use http::Request;
/// use tower_cors::csrf::{self, Refused, Trusted};
///
/// let forged = Request::post("/transfer").header("sec-fetch-site", "cross-site").body(())?;
/// let refused = csrf::check(&forged, &Trusted::same_origin_only()).unwrap_err();
/// assert_eq!(refused, Refused::CrossSite);
/// assert_eq!(refused.summary(), "cross-site request");
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Refused {
    /// `Sec-Fetch-Site: cross-site`: a page of another site sent it.
    #[error("cross-origin request refused: Sec-Fetch-Site says another site's page sent it")]
    CrossSite,
    /// `Sec-Fetch-Site: same-site`: a page of another origin of this site
    /// (another subdomain or port) sent it.
    #[error(
        "cross-origin request refused: Sec-Fetch-Site says another origin of this site sent it"
    )]
    SameSite,
    /// `Sec-Fetch-Site` with a value no browser sends, an empty one, or
    /// several lines: what sent it cannot be known, so it counts as
    /// cross-origin.
    #[error("cross-origin request refused: Sec-Fetch-Site is not a value browsers send")]
    UnrecognizedFetchSite,
    /// No `Sec-Fetch-Site` (an older browser, or a plain-http URL that is
    /// not `localhost`), and the `Origin` is not the request's host: it is
    /// empty, `null`, several lines, another host, or there is no single
    /// `Host` to compare it with.
    #[error("cross-origin request refused: Origin does not match the request's host")]
    OriginMismatch,
    /// [`CrossSite`](Self::CrossSite), for a WebSocket handshake: another
    /// site's page tried to open a socket with the user's cookies
    /// (cross-site WebSocket hijacking).
    #[error("cross-origin WebSocket handshake refused: Sec-Fetch-Site says another site's page opened it")]
    CrossSiteWebSocket,
    /// [`SameSite`](Self::SameSite), for a WebSocket handshake.
    #[error("cross-origin WebSocket handshake refused: Sec-Fetch-Site says another origin of this site opened it")]
    SameSiteWebSocket,
    /// [`UnrecognizedFetchSite`](Self::UnrecognizedFetchSite), for a
    /// WebSocket handshake.
    #[error(
        "cross-origin WebSocket handshake refused: Sec-Fetch-Site is not a value browsers send"
    )]
    UnrecognizedFetchSiteWebSocket,
    /// [`OriginMismatch`](Self::OriginMismatch), for a WebSocket
    /// handshake.
    #[error("cross-origin WebSocket handshake refused: Origin does not match the request's host")]
    OriginMismatchWebSocket,
}

impl Refused {
    /// A fixed, short name of the rule that refused, sent in the
    /// [`CSRF_REFUSAL`] header of the default refusal.
    ///
    /// ```
    /// use tower_cors::csrf::Refused;
    ///
    /// assert_eq!(Refused::OriginMismatch.summary(), "origin does not match host");
    /// ```
    pub fn summary(&self) -> &'static str {
        match self {
            Refused::CrossSite => "cross-site request",
            Refused::SameSite => "same-site request",
            Refused::UnrecognizedFetchSite => "unrecognized sec-fetch-site",
            Refused::OriginMismatch => "origin does not match host",
            Refused::CrossSiteWebSocket => "cross-site websocket handshake",
            Refused::SameSiteWebSocket => "same-site websocket handshake",
            Refused::UnrecognizedFetchSiteWebSocket => {
                "websocket handshake with unrecognized sec-fetch-site"
            }
            Refused::OriginMismatchWebSocket => "websocket origin does not match host",
        }
    }

    /// Whether the refused request was a WebSocket handshake (see
    /// [`check`](super::check)): browsers apply no CORS to WebSockets, so
    /// this guard is what keeps other origins' pages from opening one
    /// with the user's cookies.
    ///
    /// ```
    /// use tower_cors::csrf::Refused;
    ///
    /// assert!(Refused::CrossSiteWebSocket.is_websocket());
    /// assert!(!Refused::CrossSite.is_websocket());
    /// ```
    pub fn is_websocket(&self) -> bool {
        matches!(
            self,
            Refused::CrossSiteWebSocket
                | Refused::SameSiteWebSocket
                | Refused::UnrecognizedFetchSiteWebSocket
                | Refused::OriginMismatchWebSocket
        )
    }

    /// The same rule's refusal, for a WebSocket handshake.
    pub(crate) fn of_websocket(self) -> Refused {
        match self {
            Refused::CrossSite => Refused::CrossSiteWebSocket,
            Refused::SameSite => Refused::SameSiteWebSocket,
            Refused::UnrecognizedFetchSite => Refused::UnrecognizedFetchSiteWebSocket,
            Refused::OriginMismatch => Refused::OriginMismatchWebSocket,
            websocket => websocket,
        }
    }

    /// The plain-text body of the default refusal: one line, no request
    /// data.
    ///
    /// ```
    /// use tower_cors::csrf::Refused;
    ///
    /// assert!(Refused::CrossSite.body_text().starts_with("Forbidden"));
    /// ```
    pub fn body_text(&self) -> &'static str {
        match self {
            Refused::CrossSite => "Forbidden: cross-site request refused\n",
            Refused::SameSite => "Forbidden: cross-origin request from the same site refused\n",
            Refused::UnrecognizedFetchSite => {
                "Forbidden: request with an unrecognized Sec-Fetch-Site refused\n"
            }
            Refused::OriginMismatch => {
                "Forbidden: cross-origin request refused (Origin does not match Host)\n"
            }
            Refused::CrossSiteWebSocket => "Forbidden: cross-site WebSocket handshake refused\n",
            Refused::SameSiteWebSocket => {
                "Forbidden: cross-origin WebSocket handshake from the same site refused\n"
            }
            Refused::UnrecognizedFetchSiteWebSocket => {
                "Forbidden: WebSocket handshake with an unrecognized Sec-Fetch-Site refused\n"
            }
            Refused::OriginMismatchWebSocket => {
                "Forbidden: cross-origin WebSocket handshake refused (Origin does not match Host)\n"
            }
        }
    }

    /// A `403 Forbidden` carrying `body`, the [`CSRF_REFUSAL`] header and
    /// this reason in its extensions: what the default refusal sends (with
    /// [`body_text`](Self::body_text) as a `text/plain` body), and a
    /// starting point for a custom one with a body of another type.
    ///
    /// ```
    /// use http::StatusCode;
    /// use tower_cors::csrf::{Refused, CSRF_REFUSAL};
    ///
    /// let response = Refused::SameSite.response(());
    /// assert_eq!(response.status(), StatusCode::FORBIDDEN);
    /// assert_eq!(response.headers()[CSRF_REFUSAL], "same-site request");
    /// assert_eq!(response.extensions().get(), Some(&Refused::SameSite));
    /// ```
    pub fn response<B>(&self, body: B) -> Response<B> {
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::FORBIDDEN;
        response
            .headers_mut()
            .insert(CSRF_REFUSAL, HeaderValue::from_static(self.summary()));
        response.extensions_mut().insert(*self);
        response
    }

    /// The default refusal: [`response`](Self::response) with
    /// [`body_text`](Self::body_text) as a `text/plain` body.
    pub(crate) fn plain_response<B: From<&'static str>>(&self) -> Response<B> {
        let mut response = self.response(B::from(self.body_text()));
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}
