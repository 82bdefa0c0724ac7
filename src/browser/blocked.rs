//! Why a browser blocks a response, in the words of Chrome's console, and
//! what the server should change.

use std::fmt;

use http::StatusCode;

use crate::escape::Escaped;

/// Which response the browser refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The answer to the preflight: the actual request was never sent.
    Preflight,
    /// The answer to the request itself: it reached the server, and ran,
    /// but the page cannot read the response.
    Response,
}

/// The reason a browser blocks a response (Fetch `#cors-preflight-fetch`,
/// `#concept-cors-check`).
///
/// `Display` words it as Chrome's console does, without the
/// "Access to fetch at …" prefix that [`Blocked`] adds.
///
/// ```
/// use tower_cors::browser::Reason;
///
/// let reason = Reason::MethodNotAllowed { method: "PUT".into() };
/// assert_eq!(
///     reason.to_string(),
///     "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The preflight was answered with a redirect, which Fetch never
    /// follows for a preflight.
    PreflightRedirect {
        /// The redirect status.
        status: StatusCode,
    },
    /// The preflight's status is not 200 to 299.
    PreflightStatus {
        /// The status received.
        status: StatusCode,
    },
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// Several `Access-Control-Allow-Origin` values (several lines, or a
    /// list in one), joined as the browser sees them.
    MultipleAllowOrigin {
        /// The values, joined by `, `.
        value: String,
    },
    /// An `Access-Control-Allow-Origin` that is no origin at all.
    InvalidAllowOrigin {
        /// The value received.
        value: String,
    },
    /// An `Access-Control-Allow-Origin` naming another origin.
    AllowOriginMismatch {
        /// The value received.
        value: String,
    },
    /// `Access-Control-Allow-Origin: *` on a credentialed request.
    WildcardOriginWithCredentials,
    /// A credentialed request without `Access-Control-Allow-Credentials:
    /// true` (exactly `true`).
    AllowCredentialsNotTrue {
        /// The value received, empty when there was none.
        value: String,
    },
    /// `Access-Control-Allow-Methods` is not a list of methods.
    InvalidAllowMethods {
        /// The value received.
        value: String,
    },
    /// `Access-Control-Allow-Headers` is not a list of header names.
    InvalidAllowHeaders {
        /// The value received.
        value: String,
    },
    /// The preflight does not cover the method (compared byte for byte).
    MethodNotAllowed {
        /// The method as sent.
        method: String,
    },
    /// The preflight does not cover a header the page sets.
    HeaderNotAllowed {
        /// The name, lowercase.
        name: String,
    },
}

impl Reason {
    /// Whether Chrome prefixes the reason with "Response to preflight
    /// request doesn't pass access control check:" (the CORS check and the
    /// status of a preflight).
    fn is_preflight_access_check(&self) -> bool {
        !matches!(
            self,
            Reason::InvalidAllowMethods { .. }
                | Reason::InvalidAllowHeaders { .. }
                | Reason::MethodNotAllowed { .. }
                | Reason::HeaderNotAllowed { .. }
        )
    }

    /// What to change on the server, in one line.
    ///
    /// ```
    /// use tower_cors::browser::Reason;
    ///
    /// let reason = Reason::HeaderNotAllowed { name: "x-custom".into() };
    /// assert!(reason.fix("https://app.example.com").contains("allow_headers"));
    /// ```
    pub fn fix(&self, origin: &str) -> String {
        match self {
            Reason::PreflightRedirect { .. } => "answer the OPTIONS preflight at this exact URL \
                 instead of redirecting it (a trailing slash, http to https, a login page): \
                 put the CORS layer in front of whatever redirects"
                .to_owned(),
            Reason::PreflightStatus { status } => format!(
                "answer the OPTIONS preflight with a 2xx status, not {}: put the CORS layer \
                 outside authentication and anything else that answers OPTIONS",
                status.as_u16()
            ),
            Reason::MissingAllowOrigin => format!(
                "allow the origin {} in the policy (allow_origins) and put the CORS layer \
                 around every route, error responses included",
                Shown(origin)
            ),
            Reason::MultipleAllowOrigin { .. } => "send a single Access-Control-Allow-Origin: \
                 remove the second CORS layer, proxy rule or handler that adds one too"
                .to_owned(),
            Reason::InvalidAllowOrigin { .. } | Reason::AllowOriginMismatch { .. } => format!(
                "send Access-Control-Allow-Origin: {} exactly as the browser sent it in Origin",
                origin
            ),
            Reason::WildcardOriginWithCredentials => format!(
                "with credentials, answer Access-Control-Allow-Origin: {} instead of *: list \
                 the origin in allow_origins",
                origin
            ),
            Reason::AllowCredentialsNotTrue { .. } => "send Access-Control-Allow-Credentials: \
                 true (allow_credentials(true)), or have the page fetch without credentials"
                .to_owned(),
            Reason::InvalidAllowMethods { .. } => "send Access-Control-Allow-Methods as \
                 method names separated by commas"
                .to_owned(),
            Reason::InvalidAllowHeaders { .. } => "send Access-Control-Allow-Headers as \
                 header names separated by commas"
                .to_owned(),
            Reason::MethodNotAllowed { method } => format!(
                "add {} to allow_methods, spelled exactly as the page sends it",
                Shown(method)
            ),
            Reason::HeaderNotAllowed { name } => {
                format!("add {} to allow_headers", Shown(name))
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::PreflightRedirect { .. } => {
                f.write_str("Redirect is not allowed for a preflight request.")
            }
            Reason::PreflightStatus { .. } => f.write_str("It does not have HTTP ok status."),
            Reason::MissingAllowOrigin => f.write_str(
                "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            ),
            Reason::MultipleAllowOrigin { value } => write!(
                f,
                "The 'Access-Control-Allow-Origin' header contains multiple values {}, but \
                 only one is allowed.",
                Shown(value)
            ),
            Reason::InvalidAllowOrigin { value } => write!(
                f,
                "The 'Access-Control-Allow-Origin' header contains the invalid value {}.",
                Shown(value)
            ),
            Reason::AllowOriginMismatch { value } => write!(
                f,
                "The 'Access-Control-Allow-Origin' header has a value {} that is not equal \
                 to the supplied origin.",
                Shown(value)
            ),
            Reason::WildcardOriginWithCredentials => f.write_str(
                "The value of the 'Access-Control-Allow-Origin' header in the response must \
                 not be the wildcard '*' when the request's credentials mode is 'include'.",
            ),
            Reason::AllowCredentialsNotTrue { value } => write!(
                f,
                "The value of the 'Access-Control-Allow-Credentials' header in the response \
                 is {} which must be 'true' when the request's credentials mode is 'include'.",
                Shown(value)
            ),
            Reason::InvalidAllowMethods { .. } => f.write_str(
                "Cannot parse Access-Control-Allow-Methods response header field in preflight \
                 response.",
            ),
            Reason::InvalidAllowHeaders { .. } => f.write_str(
                "Cannot parse Access-Control-Allow-Headers response header field in preflight \
                 response.",
            ),
            Reason::MethodNotAllowed { method } => write!(
                f,
                "Method {} is not allowed by Access-Control-Allow-Methods in preflight response.",
                Bare(method)
            ),
            Reason::HeaderNotAllowed { name } => write!(
                f,
                "Request header field {} is not allowed by Access-Control-Allow-Headers in \
                 preflight response.",
                Bare(name)
            ),
        }
    }
}

/// A refused response: the request, the stage and the [`Reason`].
///
/// `Display` is the message a browser console shows, worded as Chrome's;
/// [`fix`](Blocked::fix) says what to change on the server.
///
/// ```
/// use http::Response;
/// use tower_cors::browser::{PageRequest, Reason, Stage};
///
/// let page = PageRequest::new("https://app.example.com", "https://api.example.com/items")?
///     .with_method("PUT")?;
/// let no_cors = Response::builder().status(204).body(())?;
/// let blocked = page.check_preflight(&no_cors).unwrap_err();
/// assert_eq!(blocked.stage(), Stage::Preflight);
/// assert_eq!(blocked.reason(), &Reason::MissingAllowOrigin);
/// assert_eq!(
///     blocked.to_string(),
///     "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' \
///      has been blocked by CORS policy: Response to preflight request doesn't pass access \
///      control check: No 'Access-Control-Allow-Origin' header is present on the requested \
///      resource."
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub(super) url: String,
    pub(super) origin: String,
    pub(super) stage: Stage,
    pub(super) reason: Reason,
}

impl Blocked {
    /// Which response was refused.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Why.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }

    /// What to change on the server, in one line.
    pub fn fix(&self) -> String {
        self.reason.fix(&self.origin)
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Access to fetch at {} from origin {} has been blocked by CORS policy: ",
            Shown(&self.url),
            Shown(&self.origin)
        )?;
        if self.stage == Stage::Preflight && self.reason.is_preflight_access_check() {
            f.write_str("Response to preflight request doesn't pass access control check: ")?;
        }
        write!(f, "{}", self.reason)?;
        if self.stage == Stage::Response && self.reason == Reason::MissingAllowOrigin {
            f.write_str(
                " If an opaque response serves your needs, set the request's mode to \
                 'no-cors' to fetch the resource with CORS disabled.",
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Blocked {}

/// A value from the server in single quotes, as Chrome shows it; anything
/// but printable ASCII is escaped instead, so that a hostile response
/// cannot forge lines in a log.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_printable(self.0) {
            write!(f, "'{}'", self.0)
        } else {
            write!(f, "{:?}", Escaped(self.0.as_bytes()))
        }
    }
}

/// A token (a method, a header name) unquoted, as Chrome shows it; escaped
/// like [`Shown`] when it is not printable ASCII.
struct Bare<'a>(&'a str);

impl fmt::Display for Bare<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_printable(self.0) {
            f.write_str(self.0)
        } else {
            write!(f, "{:?}", Escaped(self.0.as_bytes()))
        }
    }
}

fn is_printable(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' '..=b'~'))
}
