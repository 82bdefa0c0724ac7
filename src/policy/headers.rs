//! Header names: the safelist, the names a page can never set, the allowed
//! and exposed lists, and the bounded parser for
//! `Access-Control-Request-Headers`.

use bytes::{BufMut, BytesMut};
use http::header::{HeaderMap, HeaderValue, ACCESS_CONTROL_REQUEST_HEADERS};

use super::decision::{Denied, Malformed};
use super::error::ConfigProblem;

/// RFC 9110 `tchar`, the bytes of a method or header-name token, as a
/// table: a token is checked with one load per byte.
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// An RFC 9110 token: a method or a header name.
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| TCHAR[usize::from(b)])
}

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
                problems.push(ConfigProblem::InvalidHeaderName { name: name.clone() });
            } else if is_forbidden_request_header(name.as_bytes()) {
                problems.push(ConfigProblem::ForbiddenRequestHeader { name: name.clone() });
            } else if listed_in(&RESPONSE_ONLY, name) {
                problems.push(ConfigProblem::ResponseHeaderInAllowHeaders { name: name.clone() });
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
            problems.push(ConfigProblem::InvalidHeaderName { name: name.clone() });
        } else if name.eq_ignore_ascii_case("set-cookie")
            || name.eq_ignore_ascii_case("set-cookie2")
        {
            problems.push(ConfigProblem::ExposeForbiddenHeader { name: name.clone() });
        } else if listed_in(&NEVER_ON_ACTUAL_RESPONSES, name) {
            problems.push(ConfigProblem::NotAResponseHeaderInExposeHeaders { name: name.clone() });
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

/// Limits on `Access-Control-Request-Headers`, so that a hostile preflight
/// (megabytes of commas, thousands of names) costs a small, constant time
/// and no memory. Browsers send one short line: the unsafe names,
/// lowercase, sorted, joined by `,`.
const MAX_LINES: usize = 16;
const MAX_BYTES: usize = 4096;
const MAX_NAMES: usize = 128;
/// RFC 9110 `#abnf.extension.recipient`: tolerate "a reasonable number" of
/// empty list elements, as proxies may produce.
const MAX_EMPTY: usize = 16;

/// Calls `each` with every name in the `Access-Control-Request-Headers`
/// lines, stopping at the first error. Accepts several lines and optional
/// whitespace around commas; refuses anything over the limits above before
/// reading it.
pub(crate) fn for_each_requested<'a>(
    request: &'a HeaderMap,
    mut each: impl FnMut(&'a [u8]) -> Result<(), Denied<'a>>,
) -> Result<(), Denied<'a>> {
    let lines = request.get_all(ACCESS_CONTROL_REQUEST_HEADERS);
    let mut total = 0usize;
    for (i, line) in lines.iter().enumerate() {
        total += line.len();
        if i >= MAX_LINES || total > MAX_BYTES {
            return Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
        }
    }
    let (mut names, mut empty) = (0usize, 0usize);
    for line in lines {
        // One pass: optional whitespace, a token, optional whitespace, then
        // a comma or the end; anything else means the list is malformed.
        let bytes = line.as_bytes();
        let skip_space = |mut i: usize| {
            while bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t') {
                i += 1;
            }
            i
        };
        let mut i = 0;
        loop {
            let start = skip_space(i);
            let mut end = start;
            while bytes.get(end).is_some_and(|&b| TCHAR[usize::from(b)]) {
                end += 1;
            }
            i = skip_space(end);
            if bytes.get(i).is_some_and(|&b| b != b',') {
                return Err(Denied::Malformed(Malformed::InvalidRequestHeaders));
            }
            let name = &bytes[start..end];
            if name.is_empty() {
                empty += 1;
                if empty > MAX_EMPTY {
                    return Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
                }
            } else {
                names += 1;
                if names > MAX_NAMES {
                    return Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
                }
                each(name)?;
            }
            if i >= bytes.len() {
                break;
            }
            i += 1;
        }
    }
    Ok(())
}

/// The requested names as one header value, for reflecting them back: the
/// request's own value when it came in one line (no copy), else the lines
/// joined. Only called after [`for_each_requested`] accepted them.
pub(crate) fn reflect_requested(request: &HeaderMap) -> Option<HeaderValue> {
    let lines = request.get_all(ACCESS_CONTROL_REQUEST_HEADERS);
    let mut iter = lines.iter();
    let first = iter.next()?;
    if iter.next().is_none() {
        return Some(first.clone());
    }
    let mut joined = BytesMut::new();
    for line in lines {
        if !joined.is_empty() {
            joined.put_u8(b',');
        }
        joined.put_slice(line.as_bytes());
    }
    HeaderValue::from_maybe_shared(joined.freeze()).ok()
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

    fn lines(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(
                http::header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_str(v).expect("valid"),
            );
        }
        map
    }

    fn names_of(values: &[&str]) -> Result<Vec<String>, Denied<'static>> {
        let map = lines(values);
        let mut out = Vec::new();
        let result = for_each_requested(&map, |n| {
            out.push(String::from_utf8_lossy(n).into_owned());
            Ok(())
        });
        match result {
            Ok(()) => Ok(out),
            Err(Denied::Malformed(malformed)) => Err(Denied::Malformed(malformed)),
            Err(other) => panic!("only malformed lists are refused here: {other:?}"),
        }
    }

    #[test]
    fn request_header_lists_from_browsers_and_proxies() {
        assert_eq!(
            names_of(&["content-type,x-a"]).ok(),
            Some(vec!["content-type".into(), "x-a".into()])
        );
        assert_eq!(
            names_of(&["content-type, x-a"]).ok(),
            Some(vec!["content-type".into(), "x-a".into()])
        );
        assert_eq!(
            names_of(&["x-a", "x-b"]).ok(),
            Some(vec!["x-a".into(), "x-b".into()])
        );
        assert_eq!(
            names_of(&["x-a,,x-b,"]).ok(),
            Some(vec!["x-a".into(), "x-b".into()])
        );
        assert_eq!(names_of(&[""]).ok(), Some(vec![]));
    }

    #[test]
    fn request_header_lists_that_cannot_be_names_are_malformed() {
        let bad = Err(Denied::Malformed(Malformed::InvalidRequestHeaders));
        assert_eq!(names_of(&["x a"]), bad);
        assert_eq!(names_of(&["x-a;x-b"]), bad);
        assert_eq!(names_of(&["x-a, (x-b)"]), bad);
    }

    #[test]
    fn hostile_request_header_lists_are_cut_short() {
        let too_long = Err(Denied::Malformed(Malformed::RequestHeadersTooLong));
        let commas = ",".repeat(64 * 1024);
        assert_eq!(names_of(&[&commas]), too_long);
        assert_eq!(names_of(&[&",".repeat(17)]), too_long);
        let many: Vec<String> = (0..129).map(|i| format!("x-{i}")).collect();
        assert_eq!(names_of(&[&many.join(",")]), too_long);
        let lines_17 = vec!["x-a"; 17];
        assert_eq!(names_of(&lines_17), too_long);
    }

    #[test]
    fn reflection_keeps_one_line_and_joins_several() {
        let one = lines(&["x-a,x-b"]);
        let reflected = reflect_requested(&one);
        assert_eq!(
            reflected.as_ref().map(|v| v.as_bytes()),
            Some(&b"x-a,x-b"[..])
        );
        let two = lines(&["x-a", "x-b"]);
        let reflected = reflect_requested(&two);
        assert_eq!(
            reflected.as_ref().map(|v| v.as_bytes()),
            Some(&b"x-a,x-b"[..])
        );
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
