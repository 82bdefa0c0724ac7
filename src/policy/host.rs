//! The host a request was sent to, for the predicates that read it and
//! for the guard's `Origin`-versus-host rule: one reading for both.

use http::header::HOST;
use http::uri::Authority;
use http::{HeaderMap, Uri};

/// The request's `host[:port]` as received: the URI's authority when it
/// has one (HTTP/2's `:authority`, or an absolute-form HTTP/1.1 request,
/// whose `Host` RFC 9112 says to ignore), without any userinfo; else the
/// one `Host` header. `None` without either, for several `Host` lines, and
/// for a `Host` that is not a `host[:port]` (not ASCII, userinfo, a path).
pub(crate) fn request_host<'a>(uri: &'a Uri, headers: &'a HeaderMap) -> Option<&'a str> {
    if let Some(authority) = uri.authority() {
        let text = authority.as_str();
        let host = text.rsplit_once('@').map_or(text, |(_, host)| host);
        return (!host.is_empty()).then_some(host);
    }
    let mut hosts = headers.get_all(HOST).iter();
    let (Some(host), None) = (hosts.next(), hosts.next()) else {
        return None;
    };
    let text = host.to_str().ok()?;
    let valid = !text.is_empty()
        && !text.contains('@')
        && text.parse::<Authority>().is_ok_and(|a| a.as_str() == text);
    valid.then_some(text)
}
