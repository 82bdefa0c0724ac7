//! Header names: the safelist, the names a page can never set, the
//! allowed and exposed lists, and the names `http` does not define.

use http::header::HeaderName;

use super::error::ConfigProblem;
use super::token::{is_token, trimmed_token};

/// The `Access-Control-Allow-Private-Network` header (not in `http`'s list).
///
/// ```
/// use tower_cors::policy::ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK;
///
/// assert_eq!(ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK.as_str(), "access-control-allow-private-network");
/// ```
pub const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");
/// The `Access-Control-Request-Private-Network` header (not in `http`'s list).
///
/// ```
/// use tower_cors::policy::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK;
///
/// assert_eq!(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK.as_str(), "access-control-request-private-network");
/// ```
pub const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

/// Request headers only the browser sets (`#forbidden-request-header`): a
/// page can never send them, so they never count in a CORS decision and
/// allowing them is a configuration mistake.
pub(crate) fn is_forbidden_request_header(name: &[u8]) -> bool {
    const FORBIDDEN: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    let prefixed = |prefix: &str| {
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    prefixed("proxy-")
        || prefixed("sec-")
        || FORBIDDEN
            .iter()
            .any(|f| f.as_bytes().eq_ignore_ascii_case(name))
}

/// Headers only a server sends in answer to CORS requests: a page never
/// sends them, so they have no place in `allow_headers` (asking a browser
/// to let a page send `Access-Control-Allow-Origin` is a misunderstanding
/// of which side says what).
const RESPONSE_ONLY: [&str; 7] = [
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-allow-origin",
    "access-control-allow-private-network",
    "access-control-expose-headers",
    "access-control-max-age",
];

/// Headers never on a response a script reads: request headers, and the
/// answers of a preflight, which the browser consumes itself
/// (`#cors-preflight-fetch-0`). Exposing them means nothing.
const NEVER_ON_ACTUAL_RESPONSES: [&str; 7] = [
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-max-age",
    "access-control-request-headers",
    "access-control-request-method",
    "access-control-request-private-network",
    "origin",
];

fn listed_in(list: &[&str], name: &str) -> bool {
    list.iter().any(|listed| listed.eq_ignore_ascii_case(name))
}

/// Whether a request header set by a page would be sent without a
/// preflight (`#cors-safelisted-request-header`). `name` is lowercase, as
/// `HeaderName` always is.
pub(crate) fn is_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name {
        "accept" => !value.iter().any(|&b| is_cors_unsafe_byte(b)),
        "accept-language" | "content-language" => value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            !value.iter().any(|&b| is_cors_unsafe_byte(b)) && is_safelisted_content_type(value)
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// `#cors-unsafe-request-header-byte`.
fn is_cors_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// The MIME type's essence is one of the three a form can send.
fn is_safelisted_content_type(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or(value);
    let essence = essence.trim_ascii();
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
    ]
    .iter()
    .any(|t| t.as_bytes().eq_ignore_ascii_case(essence))
}

/// `bytes=N-` or `bytes=N-M` with N <= M (`#simple-range-header-value`).
fn is_simple_range(value: &[u8]) -> bool {
    let Some(range) = value.strip_prefix(b"bytes=") else {
        return false;
    };
    let Some(dash) = range.iter().position(|&b| b == b'-') else {
        return false;
    };
    let number = |digits: &[u8]| -> Option<u64> {
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let Some(start) = number(&range[..dash]) else {
        return false;
    };
    let end = &range[dash + 1..];
    end.is_empty() || number(end).is_some_and(|end| start <= end)
}

/// Why the header name `name` cannot be in `allow_headers`, if it cannot.
fn allow_problem(name: &str) -> Option<ConfigProblem> {
    let name = name.to_owned();
    if is_forbidden_request_header(name.as_bytes()) {
        Some(ConfigProblem::ForbiddenRequestHeader { name })
    } else if listed_in(&RESPONSE_ONLY, &name) {
        Some(ConfigProblem::ResponseHeaderInAllowHeaders { name })
    } else {
        None
    }
}

/// Why the header name `name` cannot be in `expose_headers`, if it cannot.
fn expose_problem(name: &str) -> Option<ConfigProblem> {
    let owned = || name.to_owned();
    if name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2") {
        Some(ConfigProblem::ExposeForbiddenHeader { name: owned() })
    } else if listed_in(&NEVER_ON_ACTUAL_RESPONSES, name) {
        Some(ConfigProblem::NotAResponseHeaderInExposeHeaders { name: owned() })
    } else {
        None
    }
}

/// A name that is not a token, with the name meant when only whitespace
/// around it is wrong and its list accepts that name (`problem` says).
fn invalid_name(name: &str, problem: fn(&str) -> Option<ConfigProblem>) -> ConfigProblem {
    let fix = trimmed_token(name).filter(|meant| problem(meant).is_none());
    ConfigProblem::InvalidHeaderName {
        name: name.to_owned(),
        fix: fix.map(str::to_owned),
    }
}

/// The request headers a preflight may ask for.
#[derive(Debug)]
pub(crate) struct AllowedHeaders {
    /// `*`: any name but `authorization` (`#cors-non-wildcard-request-header-name`).
    any: bool,
    /// Lowercase, sorted, deduplicated, for binary search.
    names: Vec<Box<[u8]>>,
}

impl AllowedHeaders {
    pub(crate) fn build(configured: &[String], problems: &mut Vec<ConfigProblem>) -> Self {
        let mut any = false;
        let mut names: Vec<Box<[u8]>> = Vec::new();
        for name in configured {
            if name == "*" {
                any = true;
            } else if !is_token(name.as_bytes()) {
                problems.push(invalid_name(name, allow_problem));
            } else if let Some(problem) = allow_problem(name) {
                problems.push(problem);
            } else {
                names.push(name.to_ascii_lowercase().into_bytes().into());
            }
        }
        names.sort();
        names.dedup();
        Self { any, names }
    }

    /// Whether a preflight may ask for `name` (any case).
    #[inline]
    pub(crate) fn allows(&self, name: &[u8]) -> bool {
        self.rule(name).is_some()
    }

    /// Which rule lets a preflight ask for `name` (any case), if one does.
    #[inline]
    pub(crate) fn rule(&self, name: &[u8]) -> Option<HeaderRule> {
        // Browsers send lowercase names: then a plain comparison will do.
        let listed = if name.iter().any(u8::is_ascii_uppercase) {
            self.names
                .binary_search_by(|n| cmp_ignore_ascii_case(n, name))
                .is_ok()
        } else {
            self.names.binary_search_by(|n| (**n).cmp(name)).is_ok()
        };
        if listed {
            Some(HeaderRule::Listed)
        } else if self.any && !name.eq_ignore_ascii_case(b"authorization") {
            Some(HeaderRule::Any)
        } else {
            None
        }
    }

    /// True when the answer echoes the requested names instead of a fixed list.
    pub(crate) fn reflects(&self) -> bool {
        self.any
    }

    /// The `Access-Control-Allow-Headers` value of a list; `None` when
    /// `any` (the requested names are echoed) or when nothing is listed.
    pub(crate) fn list_value(&self) -> Option<Box<[u8]>> {
        match self.any || self.names.is_empty() {
            true => None,
            false => Some(self.names.join(&b","[..]).into()),
        }
    }
}

/// Why a requested header passes a preflight (see [`AllowedHeaders::rule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderRule {
    /// Listed (names compare in any case).
    Listed,
    /// Any header (`*`), which never covers `authorization`.
    Any,
}

/// Compares a lowercase name with a name in any case, as if both were lowercase.
fn cmp_ignore_ascii_case(lower: &[u8], any_case: &[u8]) -> std::cmp::Ordering {
    lower
        .iter()
        .copied()
        .cmp(any_case.iter().map(u8::to_ascii_lowercase))
}

/// Builds the `Access-Control-Expose-Headers` value.
pub(crate) fn build_expose(
    configured: &[String],
    credentials: bool,
    problems: &mut Vec<ConfigProblem>,
) -> Option<Box<[u8]>> {
    let mut names: Vec<Box<[u8]>> = Vec::new();
    let mut any = false;
    for name in configured {
        if name == "*" {
            any = true;
            if credentials {
                problems.push(ConfigProblem::ExposeAnyWithCredentials);
            }
        } else if !is_token(name.as_bytes()) {
            problems.push(invalid_name(name, expose_problem));
        } else if let Some(problem) = expose_problem(name) {
            problems.push(problem);
        } else {
            names.push(name.to_ascii_lowercase().into_bytes().into());
        }
    }
    names.sort();
    names.dedup();
    if any {
        // `*` covers everything for uncredentialed requests; listed names
        // add nothing to it.
        return Some(b"*"[..].into());
    }
    (!names.is_empty()).then(|| names.join(&b","[..]).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safelisted_request_headers_follow_fetch() {
        let cases: &[(&str, &str, bool)] = &[
            ("accept", "application/json", true),
            ("accept", "text/html(", false),
            ("accept-language", "en-US,en;q=0.9", true),
            ("accept-language", "en_US", false),
            ("content-language", "de-DE", true),
            ("content-type", "text/plain", true),
            ("content-type", "text/plain;charset=UTF-8", true),
            ("content-type", "Text/Plain", true),
            ("content-type", "multipart/form-data; boundary=x", true),
            ("content-type", "application/x-www-form-urlencoded", true),
            ("content-type", "application/json", false),
            ("content-type", "text/plain; charset=\"x\"", false),
            ("range", "bytes=0-", true),
            ("range", "bytes=0-499", true),
            ("range", "bytes=500-100", false),
            ("range", "bytes=-500", false),
            ("range", "bytes=0-1,3-4", false),
            ("range", "bytes= 0-1", false),
            ("x-custom", "1", false),
            ("last-event-id", "1", false),
            ("save-data", "on", false),
        ];
        for (name, value, safe) in cases {
            assert_eq!(
                is_safelisted_request_header(name, value.as_bytes()),
                *safe,
                "{name}: {value}"
            );
        }
        let long = "a".repeat(129);
        assert!(!is_safelisted_request_header("accept", long.as_bytes()));
    }

    #[test]
    fn forbidden_request_headers_include_prefixes() {
        for name in [
            "Cookie",
            "origin",
            "sec-fetch-mode",
            "Proxy-Authorization",
            "host",
        ] {
            assert!(is_forbidden_request_header(name.as_bytes()), "{name}");
        }
        for name in ["authorization", "content-type", "x-secret", "secret"] {
            assert!(!is_forbidden_request_header(name.as_bytes()), "{name}");
        }
    }

    fn allowed(names: &[&str]) -> AllowedHeaders {
        let configured: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut problems = Vec::new();
        let allowed = AllowedHeaders::build(&configured, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        allowed
    }

    #[test]
    fn allowed_names_match_case_insensitively() {
        let headers = allowed(&["Content-Type", "X-Custom"]);
        assert!(headers.allows(b"content-type"));
        assert!(headers.allows(b"X-CUSTOM"));
        assert!(!headers.allows(b"x-other"));
        assert_eq!(
            headers.list_value().as_deref(),
            Some(&b"content-type,x-custom"[..])
        );
    }

    #[test]
    fn star_never_covers_authorization_unless_listed() {
        let star = allowed(&["*"]);
        assert!(star.allows(b"x-anything"));
        assert!(!star.allows(b"Authorization"));
        let star_and_auth = allowed(&["*", "authorization"]);
        assert!(star_and_auth.allows(b"authorization"));
    }

    #[test]
    fn expose_list_rules() {
        let mut problems = Vec::new();
        let configured: Vec<String> = ["X-Request-Id", "set-cookie", "*"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let value = build_expose(&configured, true, &mut problems);
        assert_eq!(
            problems,
            vec![
                ConfigProblem::ExposeForbiddenHeader {
                    name: "set-cookie".into()
                },
                ConfigProblem::ExposeAnyWithCredentials,
            ]
        );
        assert_eq!(value.as_deref(), Some(&b"*"[..]));
        let mut problems = Vec::new();
        let value = build_expose(&["x-b".into(), "X-A".into()], true, &mut problems);
        assert_eq!(value.as_deref(), Some(&b"x-a,x-b"[..]));
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn response_headers_are_refused_in_allow_headers() {
        let mut problems = Vec::new();
        let mut configured = names(&RESPONSE_ONLY);
        configured.push("Access-Control-Allow-Origin".into());
        configured.push("x-custom".into());
        let allowed = AllowedHeaders::build(&configured, &mut problems);
        let expected: Vec<_> = configured[..configured.len() - 1]
            .iter()
            .map(|name| ConfigProblem::ResponseHeaderInAllowHeaders { name: name.clone() })
            .collect();
        assert_eq!(problems, expected);
        assert_eq!(allowed.list_value().as_deref(), Some(&b"x-custom"[..]));
        // Exposing what a script may read of them stays fine.
        let mut problems = Vec::new();
        build_expose(
            &names(&["access-control-allow-origin"]),
            false,
            &mut problems,
        );
        assert_eq!(problems, []);
    }

    #[test]
    fn request_and_preflight_headers_are_refused_in_expose_headers() {
        let mut problems = Vec::new();
        let mut configured = names(&NEVER_ON_ACTUAL_RESPONSES);
        configured.push("Origin".into());
        configured.push("x-request-id".into());
        let value = build_expose(&configured, false, &mut problems);
        let expected: Vec<_> = configured[..configured.len() - 1]
            .iter()
            .map(|name| ConfigProblem::NotAResponseHeaderInExposeHeaders { name: name.clone() })
            .collect();
        assert_eq!(problems, expected);
        assert_eq!(value.as_deref(), Some(&b"x-request-id"[..]));
    }
}
