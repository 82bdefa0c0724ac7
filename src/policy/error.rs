//! Configuration errors: everything [`PolicyBuilder::build`] can refuse.
//!
//! Building a policy checks the whole configuration and reports every problem
//! at once, so a user fixes a bad configuration in one round instead of one
//! error at a time.
//!
//! [`PolicyBuilder::build`]: crate::policy::PolicyBuilder::build

use std::fmt;

/// Why [`PolicyBuilder::build`](crate::policy::PolicyBuilder::build) refused a
/// configuration: one or more [`ConfigProblem`]s, all of them.
///
/// ```
/// use tower_cors::policy::{ConfigProblem, Policy};
///
/// let err = Policy::builder()
///     .allow_origins(["https://app.example.com/", "*"])
///     .allow_methods(["TRACE"])
///     .allow_credentials(true)
///     .build()
///     .unwrap_err();
///
/// // Three problems, reported together.
/// assert_eq!(err.problems().len(), 3);
/// assert!(err
///     .problems()
///     .iter()
///     .any(|p| matches!(p, ConfigProblem::ForbiddenMethod { .. })));
/// ```
///
/// Its `Debug` is its `Display`, since that is what `fn main() -> Result<…>`
/// and `unwrap` print:
///
/// ```
/// use tower_cors::Policy;
///
/// let err = Policy::builder().allow_origins(["https://a.example/"]).build().unwrap_err();
/// assert_eq!(format!("{err:?}"), err.to_string());
/// assert_eq!(
///     format!("{err:?}"),
///     "invalid CORS policy (1 problem):\n  - origin \"https://a.example/\" can never match \
///      a browser's Origin header: it ends with a slash, which browsers never send; \
///      write \"https://a.example\""
/// );
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    problems: Vec<ConfigProblem>,
}

impl ConfigError {
    pub(crate) fn new(problems: Vec<ConfigProblem>) -> Self {
        debug_assert!(!problems.is_empty());
        Self { problems }
    }

    /// Every problem found, in the order the configuration was checked.
    ///
    /// ```
    /// use tower_cors::policy::{ConfigProblem, OriginSyntaxError, Policy};
    ///
    /// let err = Policy::builder()
    ///     .allow_origins(["https://app.example.com/"])
    ///     .allow_methods(["delete"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.problems(),
    ///     [
    ///         ConfigProblem::InvalidOrigin {
    ///             origin: "https://app.example.com/".into(),
    ///             reasons: vec![OriginSyntaxError::TrailingSlash],
    ///             fix: Some("https://app.example.com".into()),
    ///         },
    ///         ConfigProblem::MethodNormalizedByBrowsers {
    ///             method: "delete".into(),
    ///             normalized: "DELETE",
    ///         },
    ///     ]
    /// );
    /// ```
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid CORS policy ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// The same text as `Display`: a list of problems a person reads, not the
/// struct (`fn main() -> Result<(), ConfigError>` prints `Debug`).
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One problem in a CORS configuration.
///
/// ```
/// use tower_cors::policy::{ConfigProblem, Policy};
///
/// let err = Policy::builder().allow_origins(["null"]).build().unwrap_err();
/// assert_eq!(err.problems(), [ConfigProblem::NullOrigin]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// No origin is allowed: configure `allow_origins`, `allow_origin_fn` or
    /// `allow_any_origin`.
    #[error("no origin is allowed: call allow_origins, allow_origin_fn or allow_any_origin")]
    NoOrigin,

    /// An origin that no browser can ever send in its `Origin` header:
    /// everything that keeps it from matching, and the origin a browser
    /// sends instead when that is certain.
    ///
    /// ```
    /// use tower_cors::policy::{ConfigProblem, OriginSyntaxError as S, Policy};
    ///
    /// let err = Policy::builder().allow_origins(["https://App.Example.com:443/"]).build().unwrap_err();
    /// assert_eq!(
    ///     err.problems(),
    ///     [ConfigProblem::InvalidOrigin {
    ///         origin: "https://App.Example.com:443/".into(),
    ///         reasons: vec![S::TrailingSlash, S::DefaultPort, S::Uppercase],
    ///         fix: Some("https://app.example.com".into()),
    ///     }]
    /// );
    /// assert!(err.to_string().ends_with("write \"https://app.example.com\""));
    /// ```
    #[error(
        "origin {origin:?} can never match a browser's Origin header: {}",
        Because(reasons, fix.as_deref())
    )]
    InvalidOrigin {
        /// The origin as configured.
        origin: String,
        /// What is wrong with it, every difference from what a browser
        /// sends, in the order they were found; never empty.
        reasons: Vec<OriginSyntaxError>,
        /// The origin a browser sends for what was meant, when every
        /// difference has a certain correction: uppercase letters in the
        /// scheme or host, the default port, a trailing slash, whitespace
        /// around it. `None` when one is a guess (a path, a user, a bad
        /// port or host).
        fix: Option<String>,
    },

    /// `null` is the origin of sandboxed iframes, `data:` URLs and some
    /// redirects: allowing it allows any attacker page that sandboxes itself.
    #[error(
        "the origin \"null\" is shared by every sandboxed or opaque page, attackers' included; \
         use allow_null_origin_dangerously if you really mean it"
    )]
    NullOrigin,

    /// `*` (any origin) together with credentials: browsers ignore `*` for
    /// credentialed requests, and reflecting every origin instead would let
    /// any site read users' data.
    #[error("any origin (\"*\") cannot be combined with credentials: list the origins instead")]
    AnyOriginWithCredentials,

    /// An `http://` origin with credentials: anyone on the network path can
    /// impersonate it. Loopback (`localhost`, `127.0.0.0/8`, `[::1]`) is
    /// exempt; `allow_insecure_origins_dangerously` accepts the rest.
    #[error(
        "origin {origin:?} is plain http: with credentials only https (or loopback) origins are \
         safe; use allow_insecure_origins_dangerously if every network path to it is trusted"
    )]
    InsecureOriginWithCredentials {
        /// The origin as configured.
        origin: String,
    },

    /// A credentialed wildcard directly under a public suffix: anyone can
    /// register a name there (`*.github.io`, `*.co.uk`). The owner of a
    /// private suffix can accept it with
    /// `allow_public_suffix_subdomains_dangerously`.
    #[error(
        "pattern {pattern:?} with credentials allows every site under the public suffix \
         {suffix:?}; list the origins instead (or, if you alone hand out names under it, use \
         allow_public_suffix_subdomains_dangerously)"
    )]
    PublicSuffixWildcardWithCredentials {
        /// The pattern as configured.
        pattern: String,
        /// The public suffix it covers.
        suffix: String,
    },

    /// Built without the `public-suffix` feature, a credentialed wildcard
    /// cannot be checked against the Public Suffix List, so it is refused
    /// (unless `allow_public_suffix_subdomains_dangerously` says not to
    /// check).
    #[error(
        "pattern {pattern:?} with credentials needs the \"public-suffix\" feature to be checked"
    )]
    WildcardNeedsPublicSuffixList {
        /// The pattern as configured.
        pattern: String,
    },

    /// Not an HTTP method token.
    #[error(
        "method {method:?} is not a valid HTTP method token{}",
        Fix(fix.as_deref(), *did_you_mean)
    )]
    InvalidMethod {
        /// The method as configured.
        method: String,
        /// The method meant, when only whitespace around it is wrong.
        fix: Option<String>,
        /// A standard method one edit away, when there is exactly one:
        /// `"DEL ETE"` gives `DELETE`.
        did_you_mean: Option<&'static str>,
    },

    /// `CONNECT`, `TRACE` and `TRACK` can never be sent by a page.
    #[error("method {method:?} is forbidden by the Fetch standard: no page can send it")]
    ForbiddenMethod {
        /// The method as configured.
        method: String,
    },

    /// Browsers uppercase `delete get head options post put` before sending
    /// them, so a lowercase spelling can never match.
    #[error(
        "method {method:?} is always sent as {normalized:?} by browsers (Fetch uppercases \
         DELETE, GET, HEAD, OPTIONS, POST and PUT): write {normalized:?}"
    )]
    MethodNormalizedByBrowsers {
        /// The method as configured.
        method: String,
        /// What browsers send instead.
        normalized: &'static str,
    },

    /// A standard method not in uppercase that browsers send as written:
    /// Fetch uppercases only `DELETE GET HEAD OPTIONS POST PUT`, so a
    /// listed `patch` allows a page's `patch` and never its `PATCH`.
    /// Listing both spellings allows both.
    ///
    /// ```
    /// use tower_cors::policy::{ConfigProblem, Policy};
    ///
    /// let err = Policy::builder().allow_any_origin().allow_methods(["patch"]).build().unwrap_err();
    /// assert_eq!(
    ///     err.problems(),
    ///     [ConfigProblem::MethodNotNormalizedByBrowsers { method: "patch".into(), standard: "PATCH" }]
    /// );
    /// let both = Policy::builder().allow_any_origin().allow_methods(["PATCH", "patch"]).build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    #[error(
        "method {method:?} is sent as written: browsers uppercase only DELETE, GET, HEAD, \
         OPTIONS, POST and PUT, so {method:?} never matches a page's {standard:?}: write \
         {standard:?} (or list both spellings to allow both)"
    )]
    MethodNotNormalizedByBrowsers {
        /// The method as configured.
        method: String,
        /// The standard spelling, which pages send.
        standard: &'static str,
    },

    /// Not a header name token.
    #[error("header {name:?} is not a valid header name{}", Fix(fix.as_deref(), None))]
    InvalidHeaderName {
        /// The name as configured.
        name: String,
        /// The name meant, when only whitespace around it is wrong and the
        /// name itself is allowed where it is listed.
        fix: Option<String>,
    },

    /// A forbidden request header (`cookie`, `origin`, `sec-*`, ...) is set by
    /// the browser itself, never by a page, so allowing it means nothing.
    #[error("request header {name:?} is set by the browser, never by a page: remove it")]
    ForbiddenRequestHeader {
        /// The name as configured.
        name: String,
    },

    /// A response header in `allow_headers`, which lists what a page may
    /// send: the `Access-Control-Allow-*`, `-Max-Age` and `-Expose-Headers`
    /// headers are the server's answer, set by the layer itself.
    #[error(
        "{name:?} is a response header the layer sends, not a request header a page can ask \
         to send: remove it from allow_headers"
    )]
    ResponseHeaderInAllowHeaders {
        /// The name as configured.
        name: String,
    },

    /// A request header (`origin`, `access-control-request-*`) or a
    /// preflight-only answer header (`access-control-allow-methods`,
    /// `-allow-headers`, `-max-age`) in `expose_headers`: never on a
    /// response a script reads, so exposing it means nothing.
    #[error(
        "{name:?} is never on a response a script reads (it belongs to requests or preflight \
         answers): remove it from expose_headers"
    )]
    NotAResponseHeaderInExposeHeaders {
        /// The name as configured.
        name: String,
    },

    /// `set-cookie` and `set-cookie2` are never exposed to scripts.
    #[error("response header {name:?} is never exposed to scripts by browsers: remove it")]
    ExposeForbiddenHeader {
        /// The name as configured.
        name: String,
    },

    /// `*` in the expose list together with credentials: for credentialed
    /// requests browsers read it as a header literally named `*`.
    #[error("expose \"*\" cannot be combined with credentials: list the headers instead")]
    ExposeAnyWithCredentials,

    /// `Access-Control-Max-Age` beyond a day: no browser honours it (Chromium
    /// caps at 2 hours, Firefox at 24 hours).
    #[error("max age of {secs} s exceeds the 86400 s (one day) any browser honours")]
    MaxAgeTooLong {
        /// The configured duration in whole seconds.
        secs: u64,
    },
}

/// The reasons of [`ConfigProblem::InvalidOrigin`], then its correction.
struct Because<'a>(&'a [OriginSyntaxError], Option<&'a str>);

impl fmt::Display for Because<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, reason) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{reason}")?;
        }
        Fix(self.1, None).fmt(f)
    }
}

/// `; write "fix"`, or `; did you mean "guess"?`, or nothing.
struct Fix<'a>(Option<&'a str>, Option<&'a str>);

impl fmt::Display for Fix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Fix(Some(fix), _) => write!(f, "; write {fix:?}"),
            Fix(None, Some(guess)) => write!(f, "; did you mean {guess:?}?"),
            Fix(None, None) => Ok(()),
        }
    }
}

impl ConfigProblem {
    /// The corrected text, when the correction is certain: the origin a
    /// browser sends, the method or header name meant.
    ///
    /// ```
    /// use tower_cors::Policy;
    ///
    /// let err = Policy::builder()
    ///     .allow_origins(["HTTPS://App.example.com:443"])
    ///     .allow_methods(["delete", " PUT "])
    ///     .build()
    ///     .unwrap_err();
    /// let fixes: Vec<_> = err.problems().iter().map(|p| p.fix()).collect();
    /// assert_eq!(fixes, [Some("https://app.example.com"), Some("DELETE"), Some("PUT")]);
    /// ```
    pub fn fix(&self) -> Option<&str> {
        match self {
            Self::InvalidOrigin { fix, .. }
            | Self::InvalidMethod { fix, .. }
            | Self::InvalidHeaderName { fix, .. } => fix.as_deref(),
            Self::MethodNormalizedByBrowsers { normalized, .. } => Some(normalized),
            Self::MethodNotNormalizedByBrowsers { standard, .. } => Some(standard),
            _ => None,
        }
    }
}

/// Why a configured origin can never equal what a browser sends.
///
/// Browsers serialize an origin as `scheme://host[:port]`: lowercase scheme
/// and host, punycode for international names, no default port, no path,
/// no trailing slash and no userinfo.
///
/// ```
/// use tower_cors::policy::{ConfigProblem, OriginSyntaxError, Policy};
///
/// let err = Policy::builder().allow_origins(["https://a.example:443"]).build().unwrap_err();
/// assert_eq!(
///     err.problems(),
///     [ConfigProblem::InvalidOrigin {
///         origin: "https://a.example:443".into(),
///         reasons: vec![OriginSyntaxError::DefaultPort],
///         fix: Some("https://a.example".into()),
///     }]
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OriginSyntaxError {
    /// The empty string.
    #[error("it is empty")]
    Empty,
    /// Contains a space, tab or line break.
    #[error("it contains whitespace")]
    Whitespace,
    /// Contains a non-ASCII character (browsers send punycode: `xn--...`).
    #[error(
        "it contains non-ASCII characters (browsers send international names as punycode, xn--)"
    )]
    NonAscii,
    /// No `scheme://`.
    #[error("it has no scheme (write https://...)")]
    MissingScheme,
    /// The scheme is not a valid URL scheme.
    #[error("its scheme is not valid")]
    InvalidScheme,
    /// Uppercase letters in the scheme or host.
    #[error("it has uppercase letters, which browsers never send in a scheme or host")]
    Uppercase,
    /// Ends with `/`.
    #[error("it ends with a slash, which browsers never send")]
    TrailingSlash,
    /// Has a path.
    #[error("it has a path, and an origin is only scheme://host[:port]")]
    Path,
    /// Has a query or fragment.
    #[error("it has a query or fragment, and an origin is only scheme://host[:port]")]
    QueryOrFragment,
    /// Has `user@` or `user:password@`.
    #[error("it has userinfo (user@), which browsers never send")]
    Userinfo,
    /// The host is empty or has characters or labels a browser never sends.
    #[error("its host is not a valid, normalized host name or IP address")]
    InvalidHost,
    /// The port is not a number from 0 to 65535 written without leading zeros.
    #[error("its port is not valid")]
    InvalidPort,
    /// The port is the scheme's default, which browsers omit.
    #[error("it names the scheme's default port, which browsers omit")]
    DefaultPort,
    /// A `*` anywhere but as the whole first label of a host name.
    #[error("a wildcard must be the whole first label of a host name: scheme://*.example.com")]
    MisplacedWildcard,
    /// Port `0`: no page is ever served from it.
    #[error("it names port 0, which no page is served from (name the page's own port)")]
    ZeroPort,
    /// A `file:` origin: pages opened from `file:` URLs send `null`.
    #[error(
        "pages opened from file: URLs send the origin \"null\", never a file:// origin \
         (serve the page from http://localhost instead)"
    )]
    FileScheme,
    /// A label starting with `xn--` that is not punycode for a non-ASCII
    /// name: the URL parser refuses such a host, so no browser sends it.
    #[error(
        "a label starting with xn-- is not valid punycode (copy the name a browser shows in \
         `new URL(...).origin`)"
    )]
    InvalidPunycode,
    /// A host over 253 bytes (the longest DNS name), or for a pattern one
    /// with no room left for a label in front.
    #[error("its host is longer than the 253 bytes any DNS name can have")]
    HostTooLong,
}
