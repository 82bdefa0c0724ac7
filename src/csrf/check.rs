//! The check itself, pure: request parts in, [`Pass`] or [`Refused`] out.
//! No tower, no async, no I/O.

use http::header::{HeaderMap, HeaderName, HeaderValue, ORIGIN};
use http::{Method, Uri};

use super::handshake::is_websocket_handshake;
use super::trust::Trusted;
use super::verdict::{Pass, Refused};
use crate::policy::{RequestHead, RequestRef};

/// `Sec-Fetch-Site`, which browsers set on requests to potentially
/// trustworthy URLs (https, `localhost`) and pages cannot set.
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Decides whether a request may reach the application, by the algorithm
/// of Go's `net/http.CrossOriginProtection`:
///
/// 1. `GET`, `HEAD`, `OPTIONS` pass (compared exactly: `get` is another
///    method), unless they open a WebSocket: a WebSocket handshake (a
///    `GET` whose `Upgrade` lists `websocket`, in any case, or an
///    extended `CONNECT`) goes on to the next steps like any unsafe
///    method, and a refusal names it ([`Refused::is_websocket`]). Only
///    [`allow_cross_site_websockets_dangerously`](super::TrustBuilder::allow_cross_site_websockets_dangerously)
///    lets every
///    handshake through ([`Pass::UnguardedWebSocket`]).
/// 2. `Sec-Fetch-Site: same-origin` or `none` passes. Any other value,
///    an empty one or several lines pass only when trusted.
/// 3. Without `Sec-Fetch-Site`: no `Origin` passes (not a browser, or a
///    very old one); an `Origin` whose `host[:port]` is byte for byte the
///    request's host (the URI's authority when it has one, as under
///    HTTP/2, else the one `Host` header) passes; anything else (several
///    `Origin` lines, an empty one, `null`) passes only when trusted.
/// 4. Trusted: the path is a bypass of `trusted`, or the one `Origin` is
///    an origin `trusted` trusts.
///
/// ```
/// use http::Request;
/// use tower_cors::csrf::{self, Pass, Refused, Trusted};
///
/// let trusted = Trusted::builder().trust_origins(["https://app.example.com"]).build()?;
/// let from = |site: &str, origin: &str| {
///     Request::post("/transfer").header("sec-fetch-site", site).header("origin", origin).body(())
/// };
/// assert_eq!(csrf::check(&from("cross-site", "https://app.example.com")?, &trusted), Ok(Pass::TrustedOrigin));
/// assert_eq!(csrf::check(&from("cross-site", "https://evil.example")?, &trusted), Err(Refused::CrossSite));
///
/// // An older browser: no Sec-Fetch-Site, so Origin is compared with Host.
/// let old = Request::post("/transfer")
///     .header("host", "bank.example:8443")
///     .header("origin", "https://bank.example:8443")
///     .body(())?;
/// assert_eq!(csrf::check(&old, &trusted), Ok(Pass::OriginMatchesHost));
///
/// // Browsers apply no CORS to WebSockets: the guard checks handshakes.
/// let socket = Request::get("/live")
///     .header("upgrade", "websocket")
///     .header("sec-fetch-site", "cross-site")
///     .header("origin", "https://evil.example")
///     .body(())?;
/// assert_eq!(csrf::check(&socket, &trusted), Err(Refused::CrossSiteWebSocket));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check<R: RequestHead + ?Sized>(request: &R, trusted: &Trusted) -> Result<Pass, Refused> {
    let method = request.method();
    let headers = request.headers();
    if !is_websocket_handshake(method, headers) {
        if *method == Method::GET || *method == Method::HEAD || *method == Method::OPTIONS {
            return Ok(Pass::SafeMethod);
        }
        return judge(request, trusted);
    }
    if !trusted.guards_websockets() {
        return Ok(Pass::UnguardedWebSocket);
    }
    judge(request, trusted).map_err(Refused::of_websocket)
}

/// Steps 2 to 4, for a request that may change state.
fn judge<R: RequestHead + ?Sized>(request: &R, trusted: &Trusted) -> Result<Pass, Refused> {
    let (uri, headers) = (request.uri(), request.headers());
    let mut sites = headers.get_all(SEC_FETCH_SITE).iter();
    if let Some(site) = sites.next() {
        let refused = match (site.as_bytes(), sites.next()) {
            (b"same-origin", None) => return Ok(Pass::SameOrigin),
            (b"none", None) => return Ok(Pass::UserInitiated),
            (b"cross-site", None) => Refused::CrossSite,
            (b"same-site", None) => Refused::SameSite,
            // Garbage, or several lines: a browser sends exactly one of
            // four values, so this says nothing about who sent it.
            _ => Refused::UnrecognizedFetchSite,
        };
        return trusted_or(trusted, uri, headers, refused);
    }

    let mut origins = headers.get_all(ORIGIN).iter();
    let Some(origin) = origins.next() else {
        return Ok(Pass::NoOrigin);
    };
    if origins.next().is_none() && origin_matches_host(origin, RequestRef::new(request).host()) {
        return Ok(Pass::OriginMatchesHost);
    }
    trusted_or(trusted, uri, headers, Refused::OriginMismatch)
}

/// Step 4: passes a request a browser marked as cross-origin when the path
/// is a bypass or its one `Origin` is trusted; refuses it for `refused`
/// otherwise.
fn trusted_or(
    trusted: &Trusted,
    uri: &Uri,
    headers: &HeaderMap,
    refused: Refused,
) -> Result<Pass, Refused> {
    if trusted.bypasses(uri.path()) {
        return Ok(Pass::BypassPath);
    }
    let mut origins = headers.get_all(ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (Some(origin), None) if trusted.trusts_origin(origin) => Ok(Pass::TrustedOrigin),
        _ => Err(refused),
    }
}

/// Whether the `host[:port]` of `origin` is the request's host
/// ([`RequestRef::host`]), byte for byte. The scheme cannot be compared (a server behind a proxy does not
/// know it), so an `http` page of this host passes too, as in Go; HSTS
/// closes that gap, and browsers recent enough to matter send
/// `Sec-Fetch-Site` to https URLs, which never reaches this comparison.
fn origin_matches_host(origin: &HeaderValue, host: Option<&str>) -> bool {
    let Some(origin_host) = authority_of_origin(origin.as_bytes()) else {
        return false;
    };
    host.is_some_and(|host| host.as_bytes() == origin_host)
}

/// The part after `scheme://`, or `None` when there is none (`null`, an
/// empty value, garbage).
fn authority_of_origin(origin: &[u8]) -> Option<&[u8]> {
    let at = origin.windows(3).position(|w| w == b"://")?;
    let rest = &origin[at + 3..];
    (at > 0 && !rest.is_empty()).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authority_of_an_origin_follows_its_scheme() {
        assert_eq!(
            authority_of_origin(b"https://a.example:8443"),
            Some(&b"a.example:8443"[..])
        );
        for none in [
            &b"null"[..],
            b"",
            b"://a.example",
            b"https://",
            b"a.example",
        ] {
            assert_eq!(authority_of_origin(none), None, "{none:?}");
        }
    }
}
