//! What passes in today's browsers but not by the standard.

use std::fmt;

/// A response the browsers accept although Fetch says they should not:
/// the page works today, and may stop working when an engine follows the
/// standard.
///
/// ```
/// use tower_cors::browser::Warning;
///
/// let warning = Warning::AuthorizationCoveredByWildcard;
/// assert!(warning.to_string().contains("Authorization"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Warning {
    /// `Authorization` was allowed only by `Access-Control-Allow-Headers:
    /// *`. Fetch never lets `*` cover it
    /// (`#cors-non-wildcard-request-header-name`), yet Chromium, Firefox and
    /// WebKit all accept it.
    AuthorizationCoveredByWildcard,
}

impl Warning {
    /// What to change on the server, in one line.
    pub fn fix(&self) -> &'static str {
        match self {
            Warning::AuthorizationCoveredByWildcard => {
                "list authorization in allow_headers next to the wildcard"
            }
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::AuthorizationCoveredByWildcard => f.write_str(
                "the preflight allows the 'Authorization' header only through \
                 'Access-Control-Allow-Headers: *'; the Fetch standard says '*' never covers \
                 it, browsers accept it today but may stop",
            ),
        }
    }
}
