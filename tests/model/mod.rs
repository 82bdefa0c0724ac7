//! An independent reference model of the CORS answer, written from
//! the Fetch standard (its section ids are cited at each rule) and the
//! crate's documented choices, not from
//! `src/`. It is deliberately plain: lists are scanned, strings are compared
//! byte for byte, and every rule is one small function a reviewer can hold
//! against the digest (section numbers in the comments).
//!
//! The crate's documented choices the model shares:
//! - an `Origin` a browser never sends (uppercase, default port, trailing
//!   slash, path, userinfo, whitespace, non-ASCII, host characters other
//!   than `a-z 0-9 - _`, empty labels, non-canonical IP addresses) is
//!   refused as malformed; `null` is a well-formed origin;
//! - a pattern `scheme://*.domain[:port]` allows one or more labels in front
//!   of `domain`, never `domain` itself, with that scheme and port only;
//!   the port `*` (there, or after an exact host) means any port or none;
//! - a host may end with one dot, a name of its own (`example.com.`);
//! - configured origins no page has are refused: port 0, `file:`, a host
//!   over 253 bytes, an `xn--` label that is not punycode;
//! - `GET`/`HEAD`/`POST` always pass the preflight method check; any-method
//!   still refuses the forbidden methods;
//! - `Access-Control-Request-Headers` over 16 lines or 4096 bytes is refused
//!   before reading it; while reading, the 129th name or the 17th empty
//!   element is refused; the first unusable element decides the refusal;
//! - `*` headers never cover `authorization`;
//! - with credentials, any-method and any-header reflect the request's
//!   values; any-header reflects them without credentials too.
#![allow(dead_code)]

pub mod harness;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use tower_cors::policy::{Malformed, Refusal};
use tower_cors::{ConfigError, Policy};

// ---------------------------------------------------------------------------
// The configuration
// ---------------------------------------------------------------------------

/// A policy configuration, as plain data: the model reads it directly, and
/// [`ModelPolicy::build`] hands the same values to the real builder.
#[derive(Debug, Clone, Default)]
pub struct ModelPolicy {
    /// Exact origins and `scheme://*.domain[:port]` patterns.
    pub origins: Vec<String>,
    pub any_origin: bool,
    pub null_origin: bool,
    /// `allow_origin_fn(|origin| origin.ends_with(suffix))`.
    pub origin_suffix_fn: Option<String>,
    pub methods: Vec<String>,
    pub any_method: bool,
    pub headers: Vec<String>,
    pub any_header: bool,
    pub expose: Vec<String>,
    pub expose_any: bool,
    pub credentials: bool,
    pub max_age: Option<u64>,
    pub private_network: bool,
    /// `allow_public_suffix_subdomains_dangerously()`: only what the
    /// builder checks changes, never an answer. Built without the
    /// `public-suffix` feature, credentialed patterns need it.
    pub public_suffix_subdomains: bool,
}

impl ModelPolicy {
    /// The same configuration given to the crate's builder.
    pub fn build(&self) -> Result<Policy, ConfigError> {
        let mut builder = Policy::builder().allow_origins(&self.origins);
        if self.any_origin {
            builder = builder.allow_any_origin();
        }
        if self.null_origin {
            builder = builder.allow_null_origin_dangerously();
        }
        if self.public_suffix_subdomains {
            builder = builder.allow_public_suffix_subdomains_dangerously();
        }
        if let Some(suffix) = self.origin_suffix_fn.clone() {
            builder = builder.allow_origin_fn(move |origin| origin.ends_with(suffix.as_str()));
        }
        builder = builder.allow_methods(&self.methods);
        if self.any_method {
            builder = builder.allow_any_method();
        }
        builder = builder.allow_headers(&self.headers);
        if self.any_header {
            builder = builder.allow_any_header();
        }
        builder = builder.expose_headers(&self.expose);
        if self.expose_any {
            builder = builder.expose_any_header();
        }
        if let Some(secs) = self.max_age {
            builder = builder.max_age(std::time::Duration::from_secs(secs));
        }
        builder
            .allow_credentials(self.credentials)
            .allow_private_network(self.private_network)
            .build()
    }

    /// Section 7: the answer depends on `Origin` unless it is a constant `*`.
    pub fn varies_by_origin(&self) -> bool {
        !self.any_origin
    }
}

// ---------------------------------------------------------------------------
// Requests and answers
// ---------------------------------------------------------------------------

/// A request as plain data: the method and the header lines in order
/// (lowercase names, raw values).
#[derive(Debug, Clone)]
pub struct ModelRequest {
    pub method: String,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl ModelRequest {
    /// Every value of one header, in order.
    pub fn values(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .collect()
    }

    /// The same request as an `http::Request`, or `None` when a value is not
    /// a valid header value (the generators avoid those).
    pub fn to_http(&self) -> Option<http::Request<String>> {
        let mut builder = http::Request::builder()
            .method(http::Method::from_bytes(self.method.as_bytes()).ok()?)
            .uri("/resource");
        for (name, value) in &self.headers {
            let value = http::HeaderValue::from_bytes(value).ok()?;
            builder = builder.header(name.as_str(), value);
        }
        builder.body(String::new()).ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NotCors,
    Simple,
    Preflight,
    Actual,
}

/// Why the model refuses; the crate's [`Refusal`] maps onto it with
/// [`refusal_of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelRefusal {
    OriginNotAllowed,
    MethodNotAllowed(String),
    /// The name, lowercase.
    HeaderNotAllowed(String),
    Malformed(&'static str),
}

impl ModelRefusal {
    /// The `cors-refusal` header value of a refused preflight: the
    /// culprit named when it is a token, a fixed text otherwise.
    pub fn reason(&self) -> String {
        match self {
            ModelRefusal::OriginNotAllowed => "origin not allowed".to_owned(),
            ModelRefusal::MethodNotAllowed(method) => format!("method \"{method}\" not allowed"),
            ModelRefusal::HeaderNotAllowed(name) => format!("header \"{name}\" not allowed"),
            ModelRefusal::Malformed(kind) => format!(
                "malformed: {}",
                match *kind {
                    MULTIPLE_ORIGINS => "several Origin headers",
                    INVALID_ORIGIN => "Origin is not a serialized origin",
                    MULTIPLE_REQUEST_METHODS => "several Access-Control-Request-Method headers",
                    INVALID_REQUEST_METHOD => "Access-Control-Request-Method is not a method",
                    INVALID_REQUEST_HEADERS => {
                        "Access-Control-Request-Headers is not a list of header names"
                    }
                    _ => "Access-Control-Request-Headers is too long",
                }
            ),
        }
    }
}

pub const MULTIPLE_ORIGINS: &str = "multiple origins";
pub const INVALID_ORIGIN: &str = "invalid origin";
pub const MULTIPLE_REQUEST_METHODS: &str = "multiple request methods";
pub const INVALID_REQUEST_METHOD: &str = "invalid request method";
pub const INVALID_REQUEST_HEADERS: &str = "invalid request headers";
pub const REQUEST_HEADERS_TOO_LONG: &str = "request headers too long";

/// The crate's refusal in the model's terms.
pub fn refusal_of(refusal: &Refusal) -> ModelRefusal {
    match refusal {
        Refusal::OriginNotAllowed => ModelRefusal::OriginNotAllowed,
        Refusal::MethodNotAllowed(m) => ModelRefusal::MethodNotAllowed(m.as_str().to_owned()),
        Refusal::HeaderNotAllowed(n) => ModelRefusal::HeaderNotAllowed(n.as_str().to_owned()),
        Refusal::Malformed(m) => ModelRefusal::Malformed(match m {
            Malformed::MultipleOrigins => MULTIPLE_ORIGINS,
            Malformed::InvalidOrigin => INVALID_ORIGIN,
            Malformed::MultipleRequestMethods => MULTIPLE_REQUEST_METHODS,
            Malformed::InvalidRequestMethod => INVALID_REQUEST_METHOD,
            Malformed::InvalidRequestHeaders => INVALID_REQUEST_HEADERS,
            Malformed::RequestHeadersTooLong => REQUEST_HEADERS_TOO_LONG,
            _ => "unknown malformed kind",
        }),
        _ => ModelRefusal::Malformed("unknown refusal"),
    }
}

/// What the model says the policy answers: the kind, the refusal, and the
/// CORS headers (`Access-Control-*`, `Vary`, `cors-refusal`) by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub kind: Kind,
    pub refusal: Option<ModelRefusal>,
    pub headers: BTreeMap<String, Vec<u8>>,
}

impl Answer {
    /// Answered by the layer itself (preflights), with this status.
    pub fn preflight_status(&self) -> Option<u16> {
        match (self.kind, &self.refusal) {
            (Kind::Preflight, None) => Some(204),
            (Kind::Preflight, Some(_)) => Some(403),
            _ => None,
        }
    }

    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.get(name).map(Vec::as_slice)
    }
}

// ---------------------------------------------------------------------------
// Section 5: the Origin a browser sends
// ---------------------------------------------------------------------------

/// Section 5: `scheme://host[:port]` exactly as a browser serializes it.
/// (`null` is handled by the callers.)
pub fn is_browser_origin(origin: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(origin) else {
        return false;
    };
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let Some((host, port)) = split_host_port(rest) else {
        return false;
    };
    is_scheme(scheme)
        && is_host(host)
        && fits_dns(host)
        && port.map_or(true, |p| is_port(scheme, p))
}

/// RFC 1035 section 2.3.4, as browsers resolve names: at most 253 bytes
/// without a final dot, each label at most 63. (An IPv6 literal has no
/// labels.)
fn fits_dns(host: &str) -> bool {
    if host.starts_with('[') {
        return true;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    name.len() <= 253 && name.split('.').all(|label| label.len() <= 63)
}

/// Lowercase letter, then lowercase letters, digits, `+ - .`.
fn is_scheme(scheme: &str) -> bool {
    let mut bytes = scheme.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b))
}

/// `[ipv6]` with an optional `:port`, or `host` with an optional `:port`
/// after the last colon.
fn split_host_port(rest: &str) -> Option<(&str, Option<&str>)> {
    if rest.starts_with('[') {
        let close = rest.find(']')?;
        let (host, after) = rest.split_at(close + 1);
        if after.is_empty() {
            return Some((host, None));
        }
        return Some((host, Some(after.strip_prefix(':')?)));
    }
    match rest.rsplit_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((rest, None)),
    }
}

/// Digits, no leading zero, at most 65535, and not the scheme's default
/// port (browsers omit it).
fn is_port(scheme: &str, port: &str) -> bool {
    let digits_ok = !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && (port == "0" || !port.starts_with('0'))
        && port.len() <= 5;
    let Some(number) = port.parse::<u32>().ok().filter(|_| digits_ok) else {
        return false;
    };
    let default = match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    };
    number <= 65535 && Some(number) != default
}

fn is_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        return inner.strip_suffix(']').is_some_and(is_canonical_ipv6);
    }
    // Section 5: one final dot is part of the host as sent.
    let name = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = name.split('.').collect();
    if !labels.iter().all(|label| is_label(label)) {
        return false;
    }
    let last = labels[labels.len() - 1];
    if ends_in_a_number(last) {
        // The URL parser turns such a host into an IPv4 address and writes
        // it back as a dotted quad.
        return host
            .parse::<Ipv4Addr>()
            .is_ok_and(|addr| addr.to_string() == host);
    }
    true
}

/// One DNS label as browsers send it: lowercase ASCII letters, digits,
/// `-` and `_` (the crate's documented host alphabet), never empty.
pub fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// URL `#ends-in-a-number-checker`: all digits, or `0x` and hex digits.
fn ends_in_a_number(label: &str) -> bool {
    label.bytes().all(|b| b.is_ascii_digit())
        || label
            .strip_prefix("0x")
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// URL `#concept-ipv6-serializer`: lowercase hex pieces without leading
/// zeros, the first longest run of two or more zero pieces written `::`.
fn is_canonical_ipv6(inner: &str) -> bool {
    let Ok(addr) = inner.parse::<Ipv6Addr>() else {
        return false;
    };
    ipv6_serialize(addr) == inner
}

pub fn ipv6_serialize(addr: Ipv6Addr) -> String {
    let pieces = addr.segments();
    // The first longest run of zero pieces, if it has two or more.
    let (mut best_start, mut best_len) = (0, 0);
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_start = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let hex = |range: &[u16]| {
        range
            .iter()
            .map(|p| format!("{p:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best_len < 2 {
        return hex(&pieces);
    }
    format!(
        "{}::{}",
        hex(&pieces[..best_start]),
        hex(&pieces[best_start + best_len..])
    )
}

/// A configured pattern `scheme://*.domain[:port]`, split.
struct Pattern<'a> {
    scheme: &'a str,
    domain: &'a str,
    port: Option<&'a str>,
}

fn parse_pattern(text: &str) -> Option<Pattern<'_>> {
    let (scheme, rest) = text.split_once("://")?;
    let rest = rest.strip_prefix("*.")?;
    let (domain, port) = match rest.rsplit_once(':') {
        Some((domain, port)) => (domain, Some(port)),
        None => (rest, None),
    };
    // A domain name, not an address: labels, the last one not a number.
    let name = domain.strip_suffix('.').unwrap_or(domain);
    let labels_ok = name.split('.').all(is_label);
    let last_ok = !ends_in_a_number(name.rsplit('.').next().unwrap_or(""));
    let port_ok = port.map_or(true, |p| p == "*" || is_port(scheme, p));
    let ok = is_scheme(scheme) && labels_ok && last_ok && port_ok;
    ok.then_some(Pattern {
        scheme,
        domain,
        port,
    })
}

/// Whether the builder accepts `text` in `allow_origins` (without
/// credentials): a browser origin, or a pattern.
pub fn is_valid_configured_origin(text: &str) -> bool {
    if text == "*" {
        return true;
    }
    let exact = is_browser_origin(text.as_bytes()) || any_port_host(text).is_some();
    (exact || parse_pattern(text).is_some()) && could_be_sent(text)
}

/// `scheme://host` of an exact `scheme://host:*`.
pub fn any_port_host(text: &str) -> Option<&str> {
    let base = text.strip_suffix(":*")?;
    (!base.contains('*') && is_browser_origin(base.as_bytes())).then_some(base)
}

/// What the syntax allows but no page has (`#origin-header`): port 0, a `file:`
/// origin (file pages send `null`), a host longer than DNS allows (253
/// bytes, room for one label in front for a pattern), an `xn--` label
/// that does not decode as punycode to something non-ASCII.
fn could_be_sent(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let (host, port) = split_host_port(rest).unwrap_or((rest, None));
    let (host, front) = match host.strip_prefix("*.") {
        Some(domain) => (domain, 2),
        None => (host, 0),
    };
    let name = host.strip_suffix('.').unwrap_or(host);
    scheme != "file"
        && port != Some("0")
        && name.len() + front <= 253
        && name
            .split('.')
            .filter_map(|label| label.strip_prefix("xn--"))
            .all(|encoded| punycode_decode(encoded).is_some_and(|d| !d.is_ascii()))
}

/// RFC 3492 section 6.2, plainly: the decoded label, or `None`.
fn punycode_decode(input: &str) -> Option<String> {
    let (mut output, deltas): (Vec<char>, &str) = match input.rfind('-') {
        Some(d) if d > 0 => (input[..d].chars().collect(), &input[d + 1..]),
        _ => (Vec::new(), input),
    };
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = deltas.bytes().peekable();
    while digits.peek().is_some() {
        let (old_i, mut w, mut k) = (i, 1u32, 36u32);
        loop {
            let digit = match digits.next()? {
                b @ b'a'..=b'z' => u32::from(b - b'a'),
                b @ b'0'..=b'9' => u32::from(b - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                1
            } else if k >= bias + 26 {
                26
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(36 - t)?;
            k += 36;
        }
        let len = output.len() as u32 + 1;
        let mut delta = if old_i == 0 {
            (i - old_i) / 700
        } else {
            (i - old_i) / 2
        };
        delta += delta / len;
        let mut k = 0;
        while delta > 35 * 26 / 2 {
            delta /= 35;
            k += 36;
        }
        bias = k + 36 * delta / (delta + 38);
        n = n.checked_add(i / len)?;
        i %= len;
        if n < 128 {
            return None;
        }
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

/// `origin` is `scheme://` + one or more labels + `.` + `domain` (+ `:port`).
fn pattern_matches(pattern: &Pattern<'_>, origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix(pattern.scheme) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix("://") else {
        return false;
    };
    let rest = match pattern.port {
        // Any port or none; `origin` is a browser origin, so a colon in a
        // domain's origin starts the port.
        Some("*") => rest.rsplit_once(':').map_or(rest, |(host, _)| host),
        Some(port) => match rest.strip_suffix(port).and_then(|r| r.strip_suffix(':')) {
            Some(rest) => rest,
            None => return false,
        },
        None => rest,
    };
    let Some(labels) = rest.strip_suffix(pattern.domain) else {
        return false;
    };
    let Some(labels) = labels.strip_suffix('.') else {
        return false;
    };
    !labels.is_empty() && labels.split('.').all(is_label)
}

/// Loopback origins, where `http` is acceptable with credentials.
pub fn is_loopback(origin: &str) -> bool {
    let Some((_, rest)) = origin.split_once("://") else {
        return false;
    };
    let host = split_host_port(rest).map_or(rest, |(host, _)| host);
    let host = host.strip_prefix("*.").unwrap_or(host);
    let host = host.strip_suffix('.').unwrap_or(host);
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.parse::<Ipv4Addr>().is_ok_and(|a| a.octets()[0] == 127)
}

// ---------------------------------------------------------------------------
// Sections 2 and 3: methods and headers
// ---------------------------------------------------------------------------

/// RFC 9110 token characters.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// Section 2: safelisted methods, byte-exact.
pub fn is_safelisted_method(method: &[u8]) -> bool {
    method == b"GET" || method == b"HEAD" || method == b"POST"
}

/// Section 2: forbidden methods, in any case.
pub fn is_forbidden_method(method: &[u8]) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|f| method.eq_ignore_ascii_case(f.as_bytes()))
}

/// Fetch `#forbidden-request-header`: set by the browser, never by a page,
/// so they never make a request non-simple.
fn is_forbidden_request_header(name: &str) -> bool {
    const NAMES: [&str; 21] = [
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
    name.starts_with("proxy-") || name.starts_with("sec-") || NAMES.contains(&name)
}

/// Section 3: CORS-unsafe request-header byte.
fn is_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f || b"\"():<>?@[\\]{}".contains(&b)
}

/// Section 3: a safelisted (name, value) pair.
fn is_safelisted_header(name: &str, value: &[u8]) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name {
        "accept" => !value.iter().any(|&b| is_unsafe_byte(b)),
        "accept-language" | "content-language" => value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            let essence = value.split(|&b| b == b';').next().unwrap_or(b"");
            let essence = String::from_utf8_lossy(essence)
                .trim_matches([' ', '\t'])
                .to_ascii_lowercase();
            !value.iter().any(|&b| is_unsafe_byte(b))
                && [
                    "application/x-www-form-urlencoded",
                    "multipart/form-data",
                    "text/plain",
                ]
                .contains(&essence.as_str())
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// `bytes=N-` or `bytes=N-M` with N <= M.
fn is_simple_range(value: &[u8]) -> bool {
    let Some(range) = value.strip_prefix(b"bytes=") else {
        return false;
    };
    let text = String::from_utf8_lossy(range);
    let Some((start, end)) = text.split_once('-') else {
        return false;
    };
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    match (number(start), end) {
        (Some(_), "") => true,
        (Some(start), end) => number(end).is_some_and(|end| start <= end),
        (None, _) => false,
    }
}

/// Section 4: the kind of a request.
pub fn kind(request: &ModelRequest) -> Kind {
    if request.values("origin").is_empty() {
        return Kind::NotCors;
    }
    if request.method == "OPTIONS" && !request.values("access-control-request-method").is_empty() {
        return Kind::Preflight;
    }
    if !is_safelisted_method(request.method.as_bytes()) {
        return Kind::Actual;
    }
    let mut total = 0;
    for (name, value) in &request.headers {
        // The browser's own headers do not count: those a page may not set,
        // and two it adds itself (Firefox sends `Priority: u=4` on fetches).
        if name == "user-agent" || name == "priority" || is_forbidden_request_header(name) {
            continue;
        }
        if !is_safelisted_header(name, value) {
            return Kind::Actual;
        }
        total += value.len();
    }
    if total > 1024 {
        Kind::Actual
    } else {
        Kind::Simple
    }
}

// ---------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------

/// Section 6: is this origin allowed? `Ok(Access-Control-Allow-Origin)` or
/// the refusal.
pub fn check_origin(policy: &ModelPolicy, origin: &[u8]) -> Result<Vec<u8>, ModelRefusal> {
    let well_formed = origin == b"null" || is_browser_origin(origin);
    if !well_formed {
        return Err(ModelRefusal::Malformed(INVALID_ORIGIN));
    }
    if policy.any_origin {
        return Ok(b"*".to_vec());
    }
    if origin == b"null" {
        return if policy.null_origin {
            Ok(origin.to_vec())
        } else {
            Err(ModelRefusal::OriginNotAllowed)
        };
    }
    let text = std::str::from_utf8(origin).expect("a browser origin is ASCII");
    let exact = policy.origins.iter().any(|o| {
        o.as_bytes() == origin
            || any_port_host(o).is_some_and(|base| {
                text == base
                    || text
                        .strip_prefix(base)
                        .is_some_and(|port| port.starts_with(':'))
            })
    });
    let by_pattern = policy
        .origins
        .iter()
        .filter_map(|o| parse_pattern(o))
        .any(|p| pattern_matches(&p, text));
    let by_fn = policy
        .origin_suffix_fn
        .as_ref()
        .is_some_and(|suffix| text.ends_with(suffix.as_str()));
    if exact || by_pattern || by_fn {
        Ok(origin.to_vec())
    } else {
        Err(ModelRefusal::OriginNotAllowed)
    }
}

/// Section 6: does the preflight method check pass?
fn method_allowed(policy: &ModelPolicy, method: &[u8]) -> bool {
    if policy.any_method {
        return !is_forbidden_method(method);
    }
    is_safelisted_method(method) || policy.methods.iter().any(|m| m.as_bytes() == method)
}

/// Section 6: is one requested header name allowed?
fn header_allowed(policy: &ModelPolicy, name: &[u8]) -> bool {
    let listed = policy
        .headers
        .iter()
        .any(|h| h.as_bytes().eq_ignore_ascii_case(name));
    let by_star = policy.any_header && !name.eq_ignore_ascii_case(b"authorization");
    listed || by_star
}

/// Section 10 and the crate's limits: read `Access-Control-Request-Headers`
/// and return the first reason to refuse it, if any.
fn check_request_headers(policy: &ModelPolicy, lines: &[&[u8]]) -> Result<(), ModelRefusal> {
    let total_bytes: usize = lines.iter().map(|l| l.len()).sum();
    if lines.len() > 16 || total_bytes > 4096 {
        return Err(ModelRefusal::Malformed(REQUEST_HEADERS_TOO_LONG));
    }
    let (mut names, mut empty) = (0, 0);
    for line in lines {
        for element in line.split(|&b| b == b',') {
            let name = trim_ows(element);
            if name.is_empty() {
                empty += 1;
                if empty > 16 {
                    return Err(ModelRefusal::Malformed(REQUEST_HEADERS_TOO_LONG));
                }
                continue;
            }
            names += 1;
            if names > 128 {
                return Err(ModelRefusal::Malformed(REQUEST_HEADERS_TOO_LONG));
            }
            if !is_token(name) {
                return Err(ModelRefusal::Malformed(INVALID_REQUEST_HEADERS));
            }
            if !header_allowed(policy, name) {
                let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
                return Err(ModelRefusal::HeaderNotAllowed(lower));
            }
        }
    }
    Ok(())
}

/// Spaces and tabs around a list element (RFC 9110 OWS).
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ' && b != b'\t');
    let end = bytes.iter().rposition(|&b| b != b' ' && b != b'\t');
    match (start, end) {
        (Some(s), Some(e)) => &bytes[s..=e],
        _ => &[],
    }
}

/// The lowercase names, sorted and deduplicated, joined by `,`.
fn joined_lowercase(names: &[String]) -> Option<Vec<u8>> {
    let mut lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    lower.sort();
    lower.dedup();
    (!lower.is_empty()).then(|| lower.join(",").into_bytes())
}

/// Section 7: the `Vary` value of preflight answers, and of the rest.
pub fn vary_preflight(policy: &ModelPolicy) -> Option<Vec<u8>> {
    let mut names = Vec::new();
    if policy.varies_by_origin() {
        names.push("origin");
    }
    if policy.any_method && policy.credentials {
        names.push("access-control-request-method");
    }
    if policy.any_header {
        names.push("access-control-request-headers");
    }
    (!names.is_empty()).then(|| names.join(", ").into_bytes())
}

pub fn vary_other(policy: &ModelPolicy) -> Option<Vec<u8>> {
    policy.varies_by_origin().then(|| b"origin".to_vec())
}

/// The whole answer to one request.
pub fn answer(policy: &ModelPolicy, request: &ModelRequest) -> Answer {
    let kind = kind(request);
    let mut headers = BTreeMap::new();
    let vary = if kind == Kind::Preflight {
        vary_preflight(policy)
    } else {
        vary_other(policy)
    };
    if let Some(vary) = vary {
        headers.insert("vary".to_owned(), vary);
    }
    if policy.any_origin && kind != Kind::Preflight {
        // Section 7: a constant `*` is on every response, whatever
        // `Origin` says or whether there is one.
        headers.insert("access-control-allow-origin".into(), b"*".to_vec());
        if let Some(expose) = expose_value(policy) {
            headers.insert("access-control-expose-headers".into(), expose);
        }
        return Answer {
            kind,
            refusal: None,
            headers,
        };
    }
    if kind == Kind::NotCors {
        return Answer {
            kind,
            refusal: None,
            headers,
        };
    }

    let result = decide(policy, request, kind, &mut headers);
    let refusal = result.err();
    if let Some(refusal) = &refusal {
        // Refused: nothing is granted; a refused preflight says why.
        headers.retain(|name, _| name == "vary");
        if kind == Kind::Preflight {
            headers.insert("cors-refusal".to_owned(), refusal.reason().into_bytes());
        }
    }
    Answer {
        kind,
        refusal,
        headers,
    }
}

/// Section 6: the `Access-Control-Expose-Headers` value.
fn expose_value(policy: &ModelPolicy) -> Option<Vec<u8>> {
    if policy.expose_any {
        Some(b"*".to_vec())
    } else {
        joined_lowercase(&policy.expose)
    }
}

/// Fills `headers` with what an allowed request gets, or says why not.
fn decide(
    policy: &ModelPolicy,
    request: &ModelRequest,
    kind: Kind,
    headers: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), ModelRefusal> {
    let origins = request.values("origin");
    if origins.len() > 1 {
        return Err(ModelRefusal::Malformed(MULTIPLE_ORIGINS));
    }
    let allow_origin = check_origin(policy, origins[0])?;
    headers.insert("access-control-allow-origin".into(), allow_origin);
    if policy.credentials {
        headers.insert("access-control-allow-credentials".into(), b"true".to_vec());
    }

    if kind != Kind::Preflight {
        if let Some(expose) = expose_value(policy) {
            headers.insert("access-control-expose-headers".into(), expose);
        }
        return Ok(());
    }

    let methods = request.values("access-control-request-method");
    if methods.len() > 1 {
        return Err(ModelRefusal::Malformed(MULTIPLE_REQUEST_METHODS));
    }
    let method = methods[0];
    if !is_token(method) {
        return Err(ModelRefusal::Malformed(INVALID_REQUEST_METHOD));
    }
    if !method_allowed(policy, method) {
        let method = String::from_utf8_lossy(method).into_owned();
        return Err(ModelRefusal::MethodNotAllowed(method));
    }
    let lines = request.values("access-control-request-headers");
    check_request_headers(policy, &lines)?;

    // Allowed: the `Access-Control-Allow-*` values.
    let allow_methods = if policy.any_method && policy.credentials {
        Some(method.to_vec())
    } else if policy.any_method {
        Some(b"*".to_vec())
    } else {
        let mut listed: Vec<&str> = Vec::new();
        for m in &policy.methods {
            if !listed.contains(&m.as_str()) {
                listed.push(m);
            }
        }
        (!listed.is_empty()).then(|| listed.join(",").into_bytes())
    };
    if let Some(value) = allow_methods {
        headers.insert("access-control-allow-methods".into(), value);
    }
    let allow_headers = if policy.any_header {
        (!lines.is_empty()).then(|| lines.join(&b","[..]))
    } else {
        joined_lowercase(&policy.headers)
    };
    if let Some(value) = allow_headers {
        headers.insert("access-control-allow-headers".into(), value);
    }
    if let Some(secs) = policy.max_age {
        headers.insert("access-control-max-age".into(), secs.to_string().into());
    }
    let pna = request.values("access-control-request-private-network");
    if policy.private_network && pna.first() == Some(&&b"true"[..]) {
        headers.insert(
            "access-control-allow-private-network".into(),
            b"true".to_vec(),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Section 7: Vary on the application's response
// ---------------------------------------------------------------------------

/// The `Vary` lines of the final response: the application's lines, then
/// the CORS value on a line of its own unless every name in it is already
/// listed (by name in any case, or by `*`).
pub fn merged_vary(app_lines: &[&[u8]], cors: Option<&[u8]>) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = app_lines.iter().map(|l| l.to_vec()).collect();
    let Some(cors) = cors else {
        return lines;
    };
    let listed: Vec<Vec<u8>> = app_lines
        .iter()
        .flat_map(|l| l.split(|&b| b == b','))
        .map(|n| trim_ows(n).to_ascii_lowercase())
        .collect();
    let covered = cors.split(|&b| b == b',').all(|name| {
        let name = trim_ows(name).to_ascii_lowercase();
        listed.iter().any(|l| *l == name || l == b"*")
    });
    if !covered {
        lines.push(cors.to_vec());
    }
    lines
}

// ---------------------------------------------------------------------------
// The layer: preflights answered, everything else passed to the app
// ---------------------------------------------------------------------------

/// What the layer in front of [`harness::MockApp`] answers: the status,
/// every header line by name, whether the app is reached, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerAnswer {
    pub status: u16,
    pub headers: BTreeMap<String, Vec<Vec<u8>>>,
    pub app_called: bool,
    pub body: &'static str,
}

/// Preflights (`#cors-preflight-request`) never reach the app; the rest get the app's
/// response with the CORS headers added and `Vary` merged (`#cors-protocol-and-http-caches`).
pub fn layer_answer(
    policy: &ModelPolicy,
    request: &ModelRequest,
    app_vary: &[&[u8]],
) -> LayerAnswer {
    let answer = answer(policy, request);
    let mut headers: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    if let Some(status) = answer.preflight_status() {
        for (name, value) in &answer.headers {
            headers.insert(name.clone(), vec![value.clone()]);
        }
        return LayerAnswer {
            status,
            headers,
            app_called: false,
            body: "",
        };
    }
    headers.insert("x-app".into(), vec![b"1".to_vec()]);
    headers.insert("content-type".into(), vec![b"text/plain".to_vec()]);
    for (name, value) in &answer.headers {
        if name != "vary" {
            headers.insert(name.clone(), vec![value.clone()]);
        }
    }
    let vary = merged_vary(app_vary, answer.header("vary"));
    if !vary.is_empty() {
        headers.insert("vary".into(), vary);
    }
    LayerAnswer {
        status: 200,
        headers,
        app_called: true,
        body: harness::APP_BODY,
    }
}
