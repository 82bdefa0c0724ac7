//! Judging the answer to a preflight (`#cors-preflight-fetch`).

use std::time::Duration;

use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE,
    AUTHORIZATION,
};
use http::{Response, StatusCode};

use super::blocked::{Blocked, Reason, Stage};
use super::cors_check::cors_check;
use super::list::{combined, tokens};
use super::request::PageRequest;
use super::warning::Warning;

/// A browser engine, for the limits each one sets on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// Chrome, Edge, Opera and other Chromium browsers.
    Chromium,
    /// Firefox.
    Firefox,
    /// Safari and other WebKit browsers.
    WebKit,
}

/// How long a browser caches a passed preflight (`Access-Control-Max-Age`).
///
/// ```
/// use std::time::Duration;
/// use tower_cors::browser::{Engine, MaxAge};
///
/// let day = MaxAge::from_header(Some(b"86400"));
/// assert_eq!(day.seconds(), Some(86400));
/// assert_eq!(day.standard(), Duration::from_secs(86400));
/// assert_eq!(day.in_engine(Engine::Chromium), Duration::from_secs(7200));
/// assert_eq!(day.in_engine(Engine::WebKit), Duration::from_secs(600));
/// assert_eq!(MaxAge::from_header(None).standard(), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MaxAge {
    seconds: Option<u64>,
}

impl MaxAge {
    /// Reads an `Access-Control-Max-Age` value: digits only; anything else,
    /// or no header, leaves the default.
    pub fn from_header(value: Option<&[u8]>) -> MaxAge {
        let seconds = value
            .filter(|digits| !digits.is_empty() && digits.iter().all(u8::is_ascii_digit))
            .map(|digits| {
                digits.iter().fold(0u64, |n, &d| {
                    n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                })
            });
        MaxAge { seconds }
    }

    /// The number of seconds the server sent, if it sent a valid one.
    pub fn seconds(&self) -> Option<u64> {
        self.seconds
    }

    /// The cache duration by the standard: the server's, or 5 seconds.
    pub fn standard(&self) -> Duration {
        Duration::from_secs(self.seconds.unwrap_or(5))
    }

    /// The cache duration in an engine, which caps it: 2 hours in
    /// Chromium, 24 hours in Firefox, 10 minutes in WebKit.
    pub fn in_engine(&self, engine: Engine) -> Duration {
        let cap = match engine {
            Engine::Chromium => 7200,
            Engine::Firefox => 86_400,
            Engine::WebKit => 600,
        };
        self.standard().min(Duration::from_secs(cap))
    }
}

/// A preflight answer the browser accepts: it sends the request itself
/// next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightPassed {
    max_age: MaxAge,
    warnings: Vec<Warning>,
}

impl PreflightPassed {
    /// How long the answer is cached.
    pub fn max_age(&self) -> MaxAge {
        self.max_age
    }

    /// What passes in browsers but not by the standard.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// Redirect statuses (`#redirect-status`): a preflight never follows them.
pub(super) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

impl PageRequest {
    /// Judges the answer to this request's preflight as a browser does
    /// (`#cors-preflight-fetch`): no redirect; the CORS check with the
    /// request's credentials mode; a 2xx status;
    /// `Access-Control-Allow-Methods` and `-Headers` parse and cover the
    /// method (byte for byte, or `*` without credentials; `GET`, `HEAD`
    /// and `POST` always pass) and every CORS-unsafe header (in any case,
    /// or `*` without credentials).
    ///
    /// `Authorization` under `*` passes, as it does in every engine, with
    /// [`Warning::AuthorizationCoveredByWildcard`].
    ///
    /// ```
    /// use http::Response;
    /// use tower_cors::browser::{PageRequest, Reason};
    ///
    /// let page = PageRequest::new("https://app.example.com", "https://api.example.com/")?
    ///     .with_method("PUT")?
    ///     .with_header("x-custom", "1")?;
    /// let answer = Response::builder()
    ///     .status(204)
    ///     .header("access-control-allow-origin", "https://app.example.com")
    ///     .header("access-control-allow-methods", "PUT")
    ///     .header("access-control-allow-headers", "X-Custom")
    ///     .body(())?;
    /// assert!(page.check_preflight(&answer).is_ok());
    ///
    /// let lowercase = Response::builder()
    ///     .status(204)
    ///     .header("access-control-allow-origin", "https://app.example.com")
    ///     .header("access-control-allow-methods", "put")
    ///     .body(())?;
    /// let blocked = page.check_preflight(&lowercase).unwrap_err();
    /// assert_eq!(blocked.reason(), &Reason::MethodNotAllowed { method: "PUT".into() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_preflight<B>(&self, response: &Response<B>) -> Result<PreflightPassed, Blocked> {
        self.judge_preflight(response)
            .map_err(|reason| self.blocked(Stage::Preflight, reason))
    }

    fn judge_preflight<B>(&self, response: &Response<B>) -> Result<PreflightPassed, Reason> {
        let status = response.status();
        if is_redirect(status) {
            return Err(Reason::PreflightRedirect { status });
        }
        let headers = response.headers();
        cors_check(self, headers)?;
        if !status.is_success() {
            return Err(Reason::PreflightStatus { status });
        }
        let methods = tokens(headers, &ACCESS_CONTROL_ALLOW_METHODS)
            .map_err(|value| Reason::InvalidAllowMethods { value })?
            .unwrap_or_default();
        let names = tokens(headers, &ACCESS_CONTROL_ALLOW_HEADERS)
            .map_err(|value| Reason::InvalidAllowHeaders { value })?
            .unwrap_or_default();
        let include = self.credentials().sends_cross_origin();

        let method = self.method().as_str();
        let method_listed = methods.iter().any(|m| m == method);
        let any_method = !include && methods.iter().any(|m| m == "*");
        if !self.method_is_safelisted() && !method_listed && !any_method {
            return Err(Reason::MethodNotAllowed {
                method: method.to_owned(),
            });
        }

        let mut warnings = Vec::new();
        let any_header = !include && names.iter().any(|n| n == "*");
        for name in self.unsafe_header_names() {
            if names.iter().any(|n| n.eq_ignore_ascii_case(name.as_str())) {
                continue;
            }
            if !any_header {
                return Err(Reason::HeaderNotAllowed {
                    name: name.as_str().to_owned(),
                });
            }
            // `#cors-non-wildcard-request-header-name`: the standard
            // refuses here; the engines accept.
            if name == AUTHORIZATION {
                warnings.push(Warning::AuthorizationCoveredByWildcard);
            }
        }

        let max_age = MaxAge::from_header(combined(headers, &ACCESS_CONTROL_MAX_AGE).as_deref());
        Ok(PreflightPassed { max_age, warnings })
    }

    pub(super) fn blocked(&self, stage: Stage, reason: Reason) -> Blocked {
        Blocked {
            url: self.url().to_string(),
            origin: self.origin().to_owned(),
            stage,
            reason,
        }
    }
}
