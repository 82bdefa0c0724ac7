//! The answer to a preflight (`#cors-preflight-fetch-0`), once its origin
//! has been allowed: is the method allowed, is every requested header
//! allowed, and which `Access-Control-Allow-*` values say so.

use http::header::{HeaderMap, HeaderValue};

use super::decision::{Denied, Grant, Malformed, ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK};
use super::headers::{for_each_requested, is_token, reflect_requested};
use super::Rules;

/// What a preflight from an allowed origin (answered with `allow_origin`)
/// is granted, or why it is refused. `method` is the request's first
/// `Access-Control-Request-Method` line; `several` says whether there are
/// more.
pub(crate) fn answer<'r>(
    rules: &Rules,
    allow_origin: HeaderValue,
    method: &'r HeaderValue,
    several: bool,
    request: &'r HeaderMap,
) -> Result<Grant, Denied<'r>> {
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
    })?;

    let answers = &rules.answers;
    let methods = answers.echo_methods.then(|| method.clone());
    let headers = if answers.echo_headers {
        reflect_requested(request)
    } else {
        None
    };
    let private_network = rules.private_network
        && request
            .get(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
            .is_some_and(|v| v == "true");

    Ok(Grant::Preflight {
        allow_origin,
        methods,
        headers,
        private_network,
    })
}
