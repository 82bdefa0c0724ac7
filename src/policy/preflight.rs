//! The answer to a preflight (`#cors-preflight-fetch-0`), once its origin
//! has been allowed: is the method allowed, is every requested header
//! allowed, and which `Access-Control-Allow-*` values say so; refused, the
//! answer that says why, and in debug mode the one that lets the browser
//! say it too.

use bytes::{BufMut, BytesMut};
use http::header::{HeaderMap, HeaderValue};

use super::answer::Answer;
use super::headers::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK;
use super::refusal::{Denied, Malformed};
use super::requested::{for_each_requested, reflect_requested};
use super::token::is_token;
use super::Rules;

/// What a preflight from an allowed origin (answered with `allow_origin`)
/// is granted, or why it is refused with the answer to send then. `method`
/// is the request's first `Access-Control-Request-Method` line; `several`
/// says whether there are more.
pub(crate) fn answer<'r>(
    rules: &Rules,
    allow_origin: HeaderValue,
    method: &'r HeaderValue,
    several: bool,
    request: &'r HeaderMap,
) -> (Answer, Option<Denied<'r>>) {
    match check(rules, method, several, request) {
        Ok(()) => (granted(rules, allow_origin, method, request), None),
        Err(denied) if rules.debug && denied.is_method_or_header() => (
            debug_answer(rules, allow_origin, denied, request),
            Some(denied),
        ),
        Err(denied) => (Answer::refused_preflight(denied), Some(denied)),
    }
}

/// Whether the method and every requested header are allowed.
fn check<'r>(
    rules: &Rules,
    method: &'r HeaderValue,
    several: bool,
    request: &'r HeaderMap,
) -> Result<(), Denied<'r>> {
    if several {
        return Err(Denied::Malformed(Malformed::MultipleRequestMethods));
    }
    if !is_token(method.as_bytes()) {
        return Err(Denied::Malformed(Malformed::InvalidRequestMethod));
    }
    if !rules.methods.allows(method.as_bytes()) {
        return Err(Denied::Method(method.as_bytes()));
    }
    for_each_requested(request, |name| {
        if rules.headers.allows(name) {
            Ok(())
        } else {
            Err(Denied::Header(name))
        }
    })
}

fn granted(
    rules: &Rules,
    allow_origin: HeaderValue,
    method: &HeaderValue,
    request: &HeaderMap,
) -> Answer {
    let ready_made = &rules.ready_made;
    let methods = ready_made.echo_methods.then(|| method.clone());
    let headers = if ready_made.echo_headers {
        reflect_requested(request)
    } else {
        None
    };
    let private_network = rules.private_network
        && request
            .get(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
            .is_some_and(|v| v == "true");
    Answer::Preflight {
        allow_origin,
        methods,
        headers,
        private_network,
    }
}

/// Debug mode's answer to a preflight refused for its method or a header:
/// an ok status, the allowed origin, credentials as configured and the
/// configured lists, so that the browser's console names what is missing.
///
/// It grants nothing the policy refuses. The lists are the configured ones,
/// which allow only what the policy allows; where the policy echoes the
/// request instead of listing (any method with credentials, any header),
/// nothing is echoed that the policy refuses: no method at all (any method
/// is refused only when forbidden, which no page can send), and of the
/// requested headers only those the policy allows. The browser therefore
/// still fails the preflight and never sends the actual request.
fn debug_answer(
    rules: &Rules,
    allow_origin: HeaderValue,
    denied: Denied<'_>,
    request: &HeaderMap,
) -> Answer {
    let headers = match rules.ready_made.echo_headers {
        true => allowed_requested(rules, request),
        false => None,
    };
    Answer::DebugPreflight {
        allow_origin,
        headers,
        reason: denied.reason(),
    }
}

/// The requested header names the policy allows, joined by commas; `None`
/// when there are none or the list cannot be read.
fn allowed_requested(rules: &Rules, request: &HeaderMap) -> Option<HeaderValue> {
    let mut joined = BytesMut::new();
    let read = for_each_requested(request, |name| {
        if rules.headers.allows(name) {
            if !joined.is_empty() {
                joined.put_u8(b',');
            }
            joined.extend(name.iter().map(u8::to_ascii_lowercase));
        }
        Ok(())
    });
    if read.is_err() || joined.is_empty() {
        return None;
    }
    HeaderValue::from_maybe_shared(joined.freeze()).ok()
}
