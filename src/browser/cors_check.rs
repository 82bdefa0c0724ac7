//! The CORS check (`#concept-cors-check`), on a preflight answer and on
//! the response to the request itself.

use http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN};
use http::HeaderMap;

use super::blocked::Reason;
use super::list::combined;
use super::request::PageRequest;

/// Passes when `Access-Control-Allow-Origin` is exactly the request's
/// origin, or `*` without credentials, and, with credentials,
/// `Access-Control-Allow-Credentials` is exactly `true`. A failure is
/// named as Chrome names it: several values, a value that is no origin,
/// another origin.
pub(super) fn cors_check(request: &PageRequest, headers: &HeaderMap) -> Result<(), Reason> {
    let include = request.credentials().sends_cross_origin();
    let Some(allow_origin) = combined(headers, &ACCESS_CONTROL_ALLOW_ORIGIN) else {
        return Err(Reason::MissingAllowOrigin);
    };
    let text = || String::from_utf8_lossy(&allow_origin).into_owned();
    if allow_origin == b"*" {
        if include {
            return Err(Reason::WildcardOriginWithCredentials);
        }
        return Ok(());
    }
    if allow_origin != request.origin().as_bytes() {
        return Err(if allow_origin.contains(&b',') {
            Reason::MultipleAllowOrigin { value: text() }
        } else if allow_origin != b"null" && !allow_origin.windows(3).any(|w| w == b"://") {
            Reason::InvalidAllowOrigin { value: text() }
        } else {
            Reason::AllowOriginMismatch { value: text() }
        });
    }
    if include {
        let credentials = combined(headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS);
        if credentials.as_deref() != Some(b"true") {
            return Err(Reason::AllowCredentialsNotTrue {
                value: String::from_utf8_lossy(credentials.as_deref().unwrap_or_default())
                    .into_owned(),
            });
        }
    }
    Ok(())
}
