//! The answer to a preflight (`#cors-preflight-fetch-0`), once its origin
//! has been allowed: is the method allowed, is every requested header
//! allowed, and which `Access-Control-Allow-*` values say so.

use http::header::{HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_REQUEST_METHOD};
use http::Method;

use super::decision::{Grant, Malformed, Refusal, ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK};
use super::headers::{for_each_requested, is_token, reflect_requested};
use super::method::Methods;
use super::Rules;

/// What a preflight from an allowed origin (answered with `allow_origin`)
/// is granted, or why it is refused.
pub(crate) fn answer(
    rules: &Rules,
    allow_origin: HeaderValue,
    request: &HeaderMap,
) -> Result<Grant, Refusal> {
    let mut lines = request.get_all(ACCESS_CONTROL_REQUEST_METHOD).iter();
    let method = lines
        .next()
        .ok_or(Refusal::Malformed(Malformed::InvalidRequestMethod))?;
    if lines.next().is_some() {
        return Err(Refusal::Malformed(Malformed::MultipleRequestMethods));
    }
    if !is_token(method.as_bytes()) {
        return Err(Refusal::Malformed(Malformed::InvalidRequestMethod));
    }
    if !rules.methods.allows(method.as_bytes()) {
        // A token, so this parses; short methods are stored inline.
        return Err(match Method::from_bytes(method.as_bytes()) {
            Ok(method) => Refusal::MethodNotAllowed(method),
            Err(_) => Refusal::Malformed(Malformed::InvalidRequestMethod),
        });
    }

    for_each_requested(request, |name| {
        if rules.headers.allows(name) {
            return Ok(());
        }
        // A token, so this parses (lowercased; standard names copy nothing).
        Err(match HeaderName::from_bytes(name) {
            Ok(name) => Refusal::HeaderNotAllowed(name),
            Err(_) => Refusal::Malformed(Malformed::InvalidRequestHeaders),
        })
    })?;

    // With credentials `*` is a method literally named `*`: echo instead.
    let methods =
        (matches!(rules.methods, Methods::Any) && rules.credentials()).then(|| method.clone());
    let headers = if rules.headers.reflects() {
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
