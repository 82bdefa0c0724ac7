//! Origins: the exact syntax browsers send, and the set of allowed origins.
//!
//! A browser serializes an origin as `scheme://host[:port]` (Fetch
//! `#origin-header`, URL `#concept-origin-serializer`): lowercase scheme and
//! host, punycode for international names, IPv6 in brackets in its shortest
//! form, no default port, no path and no trailing slash. Comparison is
//! byte-exact, so configuration is validated against that syntax once, and a
//! request is answered with a hash lookup (exact origins) or, for wildcard
//! patterns, a comparison of the host's end with each of a few domains or
//! a walk of a label tree, never a scan of a long configured list.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::hash::{BuildHasher, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use http::HeaderValue;

use super::answers;
use super::decision::{Denied, Malformed};
use super::error::{ConfigProblem, OriginSyntaxError};

/// A user predicate deciding on origins the lists do not cover.
pub(crate) type OriginPredicate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// An origin as a browser serializes it, split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OriginParts<'a> {
    pub(crate) scheme: &'a str,
    /// The host as sent: a DNS name, a dotted IPv4 address, or `[ipv6]`.
    /// For a pattern, the part after `*.`.
    pub(crate) host: &'a str,
    pub(crate) port: Option<u16>,
    /// `scheme://*.host`: one or more labels in front of `host`.
    pub(crate) wildcard: bool,
    pub(crate) host_kind: HostKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKind {
    Domain,
    Ipv4,
    Ipv6,
}

impl OriginParts<'_> {
    /// Loopback hosts: the only ones where plain `http` is acceptable with
    /// credentials, because no network path exists to tamper with them.
    pub(crate) fn is_loopback(&self) -> bool {
        match self.host_kind {
            HostKind::Domain => self.host == "localhost" || self.host.ends_with(".localhost"),
            HostKind::Ipv4 => self.host.starts_with("127."),
            HostKind::Ipv6 => self.host == "[::1]",
        }
    }
}

/// Parses an origin in the exact form a browser sends it.
///
/// With `wildcard_ok`, `scheme://*.domain[:port]` is accepted too. Errors
/// name the first thing that makes the text differ from what a browser
/// sends, for configuration messages; on the request path any error simply
/// means "malformed". Never allocates.
pub(crate) fn parse(text: &[u8], wildcard_ok: bool) -> Result<OriginParts<'_>, OriginSyntaxError> {
    match parse_common(text) {
        Some(parts) => Ok(parts),
        None => parse_full(text, wildcard_ok),
    }
}

/// The shape nearly every `Origin` has, read in one pass over its bytes:
/// `scheme://name[:port]`, a lowercase DNS name whose last label is not a
/// number. `None` means "not that shape": the full parser then decides,
/// and names what is wrong. Wherever this accepts, the full parser gives
/// the same parts (a test checks it on generated text).
fn parse_common(text: &[u8]) -> Option<OriginParts<'_>> {
    // One validation for the whole text; the parts are slices of it.
    let text = std::str::from_utf8(text).ok()?;
    let bytes = text.as_bytes();
    let scheme_end = bytes.iter().position(|&b| b == b':')?;
    let scheme = &bytes[..scheme_end];
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_lowercase)
        && scheme.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        });
    if !scheme_ok {
        return None;
    }
    let rest = bytes[scheme_end..].strip_prefix(b"://")?;
    let rest_start = scheme_end + 3;

    // Labels of `[a-z0-9_-]`, none empty, up to the end or a `:`.
    let mut label_start = 0;
    let mut host_end = rest.len();
    for (i, &b) in rest.iter().enumerate() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {}
            b'.' if i > label_start => label_start = i + 1,
            b':' if i > label_start => {
                host_end = i;
                break;
            }
            _ => return None,
        }
    }
    let host = &rest[..host_end];
    let last = host.get(label_start..).filter(|label| !label.is_empty())?;
    let numeric = last.iter().all(u8::is_ascii_digit)
        || last
            .strip_prefix(b"0x")
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
    if numeric {
        return None;
    }

    let port = match rest.get(host_end + 1..) {
        None => None,
        Some(digits) => {
            let canonical = (1..=5).contains(&digits.len())
                && digits.iter().all(u8::is_ascii_digit)
                && (digits == b"0" || digits[0] != b'0');
            if !canonical {
                return None;
            }
            let value = digits
                .iter()
                .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
            let port = u16::try_from(value).ok()?;
            if default_port(&text[..scheme_end]) == Some(port) {
                return None;
            }
            Some(port)
        }
    };
    Some(OriginParts {
        scheme: text.get(..scheme_end)?,
        host: text.get(rest_start..rest_start + host.len())?,
        port,
        wildcard: false,
        host_kind: HostKind::Domain,
    })
}

/// Every origin and pattern syntax, with a precise error.
fn parse_full(text: &[u8], wildcard_ok: bool) -> Result<OriginParts<'_>, OriginSyntaxError> {
    use OriginSyntaxError as E;

    if text.is_empty() {
        return Err(E::Empty);
    }
    // One pass for the common case: visible ASCII only.
    if !text.iter().all(|&b| b > b' ' && b < 0x7f) {
        if !text.is_ascii() {
            return Err(E::NonAscii);
        }
        if text
            .iter()
            .any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            return Err(E::Whitespace);
        }
    }
    // ASCII was checked above, so this cannot fail; no panic either way.
    let text = std::str::from_utf8(text).map_err(|_| E::NonAscii)?;

    // A byte search: `split_once("://")` sets up a substring searcher,
    // which costs more than this whole parse.
    let colon = text
        .bytes()
        .position(|b| b == b':')
        .ok_or(E::MissingScheme)?;
    let (scheme, rest) = (&text[..colon], &text[colon + 1..]);
    let rest = rest.strip_prefix("//").ok_or(E::MissingScheme)?;
    check_scheme(scheme)?;

    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(E::Userinfo);
    }
    if tail.contains(['?', '#']) {
        return Err(E::QueryOrFragment);
    }
    if tail == "/" {
        return Err(E::TrailingSlash);
    }
    if !tail.is_empty() {
        return Err(E::Path);
    }

    let (host, port) = split_host_port(authority)?;
    let port = match port {
        None => None,
        Some(digits) => {
            let port = parse_port(digits)?;
            if default_port(scheme) == Some(port) {
                return Err(E::DefaultPort);
            }
            Some(port)
        }
    };

    let (host, wildcard) = match host.strip_prefix("*.") {
        Some(base) if wildcard_ok => (base, true),
        _ => (host, false),
    };
    if host.contains('*') {
        return Err(E::MisplacedWildcard);
    }
    let host_kind = check_host(host)?;
    if wildcard && host_kind != HostKind::Domain {
        return Err(E::MisplacedWildcard);
    }
    Ok(OriginParts {
        scheme,
        host,
        port,
        wildcard,
        host_kind,
    })
}

fn check_scheme(scheme: &str) -> Result<(), OriginSyntaxError> {
    let bytes = scheme.as_bytes();
    if bytes.iter().any(u8::is_ascii_uppercase) {
        return Err(OriginSyntaxError::Uppercase);
    }
    let valid = bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.iter().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        });
    if valid {
        Ok(())
    } else {
        Err(OriginSyntaxError::InvalidScheme)
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), OriginSyntaxError> {
    if authority.starts_with('[') {
        let close = authority.find(']').ok_or(OriginSyntaxError::InvalidHost)?;
        let (host, after) = authority.split_at(close + 1);
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(OriginSyntaxError::InvalidHost),
            },
        };
    }
    Ok(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

fn parse_port(digits: &str) -> Result<u16, OriginSyntaxError> {
    let canonical = !digits.is_empty()
        && digits.len() <= 5
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return Err(OriginSyntaxError::InvalidPort);
    }
    digits.parse().map_err(|_| OriginSyntaxError::InvalidPort)
}

/// Ports browsers omit when serializing an origin (URL `#special-scheme`).
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

fn check_host(host: &str) -> Result<HostKind, OriginSyntaxError> {
    use OriginSyntaxError as E;

    if host.is_empty() {
        return Err(E::InvalidHost);
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(E::Uppercase);
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(E::InvalidHost)?;
        let addr: Ipv6Addr = inner.parse().map_err(|_| E::InvalidHost)?;
        let mut serialized = StackString::<48>::new();
        write_ipv6(&mut serialized, &addr).map_err(|_| E::InvalidHost)?;
        return if serialized.as_str() == inner {
            Ok(HostKind::Ipv6)
        } else {
            Err(E::InvalidHost)
        };
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
    };
    if !host.split('.').all(label_ok) {
        return Err(E::InvalidHost);
    }
    // URL `#ends-in-a-number-checker`: such a host is parsed as IPv4 and
    // re-serialized, so only the canonical dotted quad can ever be sent.
    let last = host.rsplit('.').next().unwrap_or(host);
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || last
            .strip_prefix("0x")
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if numeric {
        let addr: Ipv4Addr = host.parse().map_err(|_| E::InvalidHost)?;
        let mut canonical = StackString::<16>::new();
        write!(canonical, "{addr}").map_err(|_| E::InvalidHost)?;
        return if canonical.as_str() == host {
            Ok(HostKind::Ipv4)
        } else {
            Err(E::InvalidHost)
        };
    }
    Ok(HostKind::Domain)
}

/// Writes an IPv6 address as browsers do (URL `#concept-ipv6-serializer`):
/// eight lowercase hex pieces, the first longest run of two or more zero
/// pieces written `::`. Unlike Rust's `Display`, an IPv4-mapped address is
/// not written with a dotted quad (`::ffff:7f00:1`, not `::ffff:127.0.0.1`).
fn write_ipv6(out: &mut impl fmt::Write, addr: &Ipv6Addr) -> fmt::Result {
    let pieces = addr.segments();
    let mut compress: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < pieces.len() {
        let run = pieces[i..].iter().take_while(|&&p| p == 0).count();
        if run >= 2 && compress.map_or(true, |(_, longest)| run > longest) {
            compress = Some((i, run));
        }
        i += run.max(1);
    }
    let mut i = 0;
    while i < pieces.len() {
        match compress {
            Some((start, run)) if start == i => {
                out.write_str(if i == 0 { "::" } else { ":" })?;
                i += run;
            }
            _ => {
                write!(out, "{:x}", pieces[i])?;
                if i + 1 < pieces.len() {
                    out.write_char(':')?;
                }
                i += 1;
            }
        }
    }
    Ok(())
}

/// A fixed-capacity string on the stack, so that checking an address's
/// canonical form never allocates on the request path.
struct StackString<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackString<N> {
    fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in, so this is always valid.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> fmt::Write for StackString<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A multiply-rotate hash over eight bytes at a time (the FxHash scheme).
/// The allowed-origin tables are fixed when the policy is built; requests
/// only look keys up, so an attacker cannot lengthen a probe chain and a
/// keyed, DoS-resistant (and slower) hash buys nothing here.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BuildWordHash;

pub(crate) struct WordHash(u64);

impl WordHash {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl BuildHasher for BuildWordHash {
    type Hasher = WordHash;
    fn build_hasher(&self) -> WordHash {
        WordHash(0)
    }
}

impl Hasher for WordHash {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The allowed origins, in the form requests are checked against.
pub(crate) enum Origins {
    /// Any origin, answered with `*` (never with credentials).
    Any,
    Listed(OriginSet),
}

#[derive(Default)]
pub(crate) struct OriginSet {
    /// Each exact origin with its `Access-Control-Allow-Origin` value,
    /// built once (see `answers`) so that answering copies no bytes.
    exact: HashMap<Box<[u8]>, HeaderValue, BuildWordHash>,
    /// One label tree per (scheme, port): a handful at most in practice.
    patterns: Vec<PatternGroup>,
    null: bool,
    predicate: Option<OriginPredicate>,
}

struct PatternGroup {
    scheme: Box<str>,
    port: Option<u16>,
    /// The domains under which any name matches (`example.com` for
    /// `*.example.com`), while there are at most [`FEW_DOMAINS`]: comparing
    /// the host's end with each costs less than hashing each label. `None`
    /// once there are more.
    few: Option<Vec<Box<str>>>,
    /// The same domains as a tree, once there are more.
    tree: LabelNode,
}

/// Up to this many domains in a pattern group, the host is compared with
/// each; past it, the label tree answers in time that does not grow.
const FEW_DOMAINS: usize = 8;

impl PatternGroup {
    fn new(scheme: &str, port: Option<u16>) -> PatternGroup {
        PatternGroup {
            scheme: scheme.into(),
            port,
            few: Some(Vec::new()),
            tree: LabelNode::default(),
        }
    }

    fn insert(&mut self, domain: &str) {
        self.tree.insert(domain);
        if let Some(few) = &mut self.few {
            if !few.iter().any(|d| **d == *domain) {
                few.push(domain.into());
            }
            if few.len() > FEW_DOMAINS {
                self.few = None;
            }
        }
    }

    /// True when `host` is a name strictly under one of the domains.
    fn matches(&self, host: &str) -> bool {
        let Some(few) = &self.few else {
            return self.tree.matches(host);
        };
        let host = host.as_bytes();
        few.iter().any(|domain| {
            let domain = domain.as_bytes();
            host.len() > domain.len() + 1
                && host.ends_with(domain)
                && host[host.len() - domain.len() - 1] == b'.'
        })
    }
}

/// A tree of DNS labels read right to left: `*.api.example.com` is the path
/// `com` → `example` → `api`, whose node is marked `wildcard`.
#[derive(Default)]
struct LabelNode {
    children: HashMap<Box<str>, LabelNode, BuildWordHash>,
    wildcard: bool,
}

impl LabelNode {
    fn insert(&mut self, domain: &str) {
        let node = domain.rsplit('.').fold(self, |node, label| {
            node.children.entry(label.into()).or_default()
        });
        node.wildcard = true;
    }

    /// True when some pattern covers `host`: a marked node is reached with at
    /// least one label still to the left (the apex itself never matches).
    fn matches(&self, host: &str) -> bool {
        let mut node = self;
        let mut rest = host;
        loop {
            // A byte search: `rfind('.')` builds a char searcher per label.
            let (left, label) = match rest.bytes().rposition(|b| b == b'.') {
                Some(dot) => (Some(&rest[..dot]), &rest[dot + 1..]),
                None => (None, rest),
            };
            node = match node.children.get(label) {
                Some(child) => child,
                None => return false,
            };
            match left {
                Some(_) if node.wildcard => return true,
                Some(left) => rest = left,
                None => return false,
            }
        }
    }
}

impl OriginSet {
    pub(crate) fn allow_null(&mut self) {
        self.null = true;
    }

    pub(crate) fn set_predicate(&mut self, predicate: OriginPredicate) {
        self.predicate = Some(predicate);
    }

    pub(crate) fn insert(&mut self, origin: &str, parts: &OriginParts<'_>) {
        if !parts.wildcard {
            // `parse` accepted it, so it is a valid header value.
            if let Some(value) = answers::value(origin.as_bytes()) {
                self.exact.insert(origin.as_bytes().into(), value);
            }
            return;
        }
        let group = match self
            .patterns
            .iter_mut()
            .position(|g| *g.scheme == *parts.scheme && g.port == parts.port)
        {
            Some(i) => &mut self.patterns[i],
            None => {
                self.patterns
                    .push(PatternGroup::new(parts.scheme, parts.port));
                let last = self.patterns.len() - 1;
                &mut self.patterns[last]
            }
        };
        group.insert(parts.host);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.patterns.is_empty() && !self.null && self.predicate.is_none()
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, or why not.
    /// Without `reason_needed`, an origin that only exact origins could
    /// allow is refused as [`Denied::Origin`] without parsing it to tell a
    /// malformed one apart: the answer is the same.
    fn check(
        &self,
        origin: &HeaderValue,
        reason_needed: bool,
    ) -> Result<HeaderValue, Denied<'static>> {
        let bytes = origin.as_bytes();
        if let Some(value) = self.exact.get(bytes) {
            return Ok(value.clone());
        }
        if bytes == b"null" {
            return if self.null {
                Ok(origin.clone())
            } else {
                Err(Denied::Origin)
            };
        }
        if !reason_needed && self.patterns.is_empty() && self.predicate.is_none() {
            return Err(Denied::Origin);
        }
        let Ok(parts) = parse(bytes, false) else {
            return Err(Denied::Malformed(Malformed::InvalidOrigin));
        };
        let by_pattern = parts.host_kind == HostKind::Domain
            && self.patterns.iter().any(|group| {
                *group.scheme == *parts.scheme
                    && group.port == parts.port
                    && group.matches(parts.host)
            });
        let by_predicate = || {
            // `parse` accepted only ASCII, so this is the same text.
            self.predicate.as_ref().is_some_and(|predicate| {
                std::str::from_utf8(bytes).is_ok_and(|text| predicate(text))
            })
        };
        if by_pattern || by_predicate() {
            Ok(origin.clone())
        } else {
            Err(Denied::Origin)
        }
    }
}

impl Origins {
    /// Checks one `Origin` header value: the `Access-Control-Allow-Origin`
    /// value to answer with, or why the origin is refused (see
    /// [`OriginSet::check`] for `reason_needed`).
    pub(crate) fn check(
        &self,
        origin: &HeaderValue,
        reason_needed: bool,
    ) -> Result<HeaderValue, Denied<'static>> {
        let bytes = origin.as_bytes();
        match self {
            Origins::Any if bytes == b"null" || parse(bytes, false).is_ok() => {
                Ok(HeaderValue::from_static("*"))
            }
            Origins::Any => Err(Denied::Malformed(Malformed::InvalidOrigin)),
            Origins::Listed(set) => set.check(origin, reason_needed),
        }
    }
}

impl fmt::Debug for Origins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origins::Any => f.write_str("Any"),
            Origins::Listed(set) => f
                .debug_struct("Listed")
                .field("exact", &set.exact.len())
                .field("pattern_groups", &set.patterns.len())
                .field("null", &set.null)
                .field("predicate", &set.predicate.is_some())
                .finish(),
        }
    }
}

/// Validates one configured origin or pattern, recording every problem.
/// Returns the parsed parts when the text itself is usable.
pub(crate) fn validate<'a>(
    origin: &'a str,
    credentials: bool,
    problems: &mut Vec<ConfigProblem>,
) -> Option<OriginParts<'a>> {
    let parts = match parse(origin.as_bytes(), true) {
        Ok(parts) => parts,
        Err(reason) => {
            problems.push(ConfigProblem::InvalidOrigin {
                origin: origin.to_owned(),
                reason,
            });
            return None;
        }
    };
    if credentials && parts.scheme == "http" && !parts.is_loopback() {
        problems.push(ConfigProblem::InsecureOriginWithCredentials {
            origin: origin.to_owned(),
        });
    }
    if credentials && parts.wildcard && !parts.is_loopback() {
        check_public_suffix(origin, parts.host, problems);
    }
    Some(parts)
}

#[cfg(feature = "public-suffix")]
fn check_public_suffix(pattern: &str, domain: &str, problems: &mut Vec<ConfigProblem>) {
    // `psl` knows the ICANN and the private sections of the list, so
    // `github.io` is a suffix just like `co.uk`. A domain that is its own
    // suffix is one anybody can register names under.
    let is_suffix =
        psl::suffix(domain.as_bytes()).is_some_and(|s| s.as_bytes() == domain.as_bytes());
    if is_suffix {
        problems.push(ConfigProblem::PublicSuffixWildcardWithCredentials {
            pattern: pattern.to_owned(),
            suffix: domain.to_owned(),
        });
    }
}

#[cfg(not(feature = "public-suffix"))]
fn check_public_suffix(pattern: &str, _domain: &str, problems: &mut Vec<ConfigProblem>) {
    problems.push(ConfigProblem::WildcardNeedsPublicSuffixList {
        pattern: pattern.to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use OriginSyntaxError as E;

    #[test]
    fn the_common_shape_is_read_as_the_full_parser_reads_it() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};

        for common in [
            "https://example.com",
            "http://localhost:3000",
            "https://a_b.example.com:65535",
            "chrome-extension://abcdefghijklmnop",
            "http://example.com:0",
        ] {
            let fast = parse_common(common.as_bytes());
            assert!(fast.is_some(), "{common}");
            assert_eq!(fast.map(Ok), Some(parse_full(common.as_bytes(), false)));
        }
        for other in [
            "https://EXAMPLE.com",
            "https://example.com:443",
            "https://example.com:08",
            "https://example.com:65536",
            "https://example.com.",
            "https://.example.com",
            "https://a..b",
            "http://127.0.0.1",
            "http://1.0x1f",
            "http://[::1]",
            "https://example.com/",
            "https://*.example.com",
        ] {
            assert_eq!(parse_common(other.as_bytes()), None, "{other}");
        }

        // Generated text from the bytes that matter: where the fast path
        // accepts, the full parser must accept with the same parts.
        let mut runner = TestRunner::new(Config::with_cases(20_000));
        let accepted = std::cell::Cell::new(0u32);
        runner
            .run(
                &"(https?|ws|[a-e0-9xX:/+._*@\\[\\]-]{0,5})://[a-e0-9x._:-]{0,12}",
                |text| {
                    if let Some(fast) = parse_common(text.as_bytes()) {
                        accepted.set(accepted.get() + 1);
                        prop_assert_eq!(Ok(fast), parse_full(text.as_bytes(), false));
                    }
                    Ok(())
                },
            )
            .unwrap();
        // Not vacuous: a good share of the generated text takes the fast path.
        assert!(accepted.get() > 1_000, "only {} accepted", accepted.get());
    }

    #[test]
    fn browser_serializations_parse() {
        for ok in [
            "https://example.com",
            "http://localhost:3000",
            "https://xn--bcher-kva.example",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "https://a_b.example.com",
            "chrome-extension://abcdefghijklmnop",
            "http://example.com:0",
        ] {
            assert!(parse(ok.as_bytes(), false).is_ok(), "{ok}");
        }
    }

    #[test]
    fn each_way_an_origin_can_differ_from_a_browsers_is_named() {
        let cases: &[(&str, E)] = &[
            ("", E::Empty),
            (" https://a.com", E::Whitespace),
            ("https://a.com\n", E::Whitespace),
            ("https://bücher.example", E::NonAscii),
            ("a.com", E::MissingScheme),
            ("localhost:3000", E::MissingScheme),
            ("HTTPS://a.com", E::Uppercase),
            ("https://A.com", E::Uppercase),
            ("1https://a.com", E::InvalidScheme),
            ("https://a.com/", E::TrailingSlash),
            ("https://a.com/app", E::Path),
            ("https://a.com?x=1", E::QueryOrFragment),
            ("https://a.com/#x", E::QueryOrFragment),
            ("https://user@a.com", E::Userinfo),
            ("https://u:p@a.com", E::Userinfo),
            ("https://a.com:443", E::DefaultPort),
            ("http://a.com:80", E::DefaultPort),
            ("wss://a.com:443", E::DefaultPort),
            ("https://a.com:", E::InvalidPort),
            ("https://a.com:08080", E::InvalidPort),
            ("https://a.com:65536", E::InvalidPort),
            ("https://a.com:8x", E::InvalidPort),
            ("https://", E::InvalidHost),
            ("https://a..com", E::InvalidHost),
            ("https://.a.com", E::InvalidHost),
            ("https://a.com.", E::InvalidHost),
            ("https://a$b.com", E::InvalidHost),
            ("http://127.1", E::InvalidHost),
            ("http://0x7f.0.0.1", E::InvalidHost),
            ("http://127.000.0.1", E::InvalidHost),
            ("http://[0:0::1]", E::InvalidHost),
            ("http://[::1", E::InvalidHost),
            ("http://[::1]x", E::InvalidHost),
            ("https://a.*.com", E::MisplacedWildcard),
            ("https://*", E::MisplacedWildcard),
            ("https://*a.com", E::MisplacedWildcard),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text.as_bytes(), true), Err(*expected), "{text:?}");
        }
    }

    #[test]
    fn ipv6_is_written_as_the_url_standard_does() {
        let cases = [
            ("::1", "::1"),
            ("::", "::"),
            ("1::", "1::"),
            ("2001:db8::1", "2001:db8::1"),
            ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("::ffff:127.0.0.1", "::ffff:7f00:1"),
            ("ABCD::EF", "abcd::ef"),
        ];
        for (input, expected) in cases {
            let addr: Ipv6Addr = input.parse().expect("valid address");
            let mut out = StackString::<48>::new();
            write_ipv6(&mut out, &addr).expect("fits");
            assert_eq!(out.as_str(), expected, "{input}");
        }
    }

    #[test]
    fn wildcard_only_in_configuration() {
        assert!(parse(b"https://*.example.com", true).is_ok_and(|p| p.wildcard));
        assert!(parse(b"https://*.example.com", false).is_err());
        assert_eq!(
            parse(b"https://*.127.0.0.1", true),
            Err(E::MisplacedWildcard)
        );
    }

    fn set_of(origins: &[&str]) -> OriginSet {
        let mut set = OriginSet::default();
        for origin in origins {
            let parts = parse(origin.as_bytes(), true).expect("valid test origin");
            set.insert(origin, &parts);
        }
        set
    }

    fn check(set: &OriginSet, origin: &str) -> Result<HeaderValue, Denied<'static>> {
        let value = HeaderValue::from_str(origin).expect("valid header value");
        set.check(&value, true)
    }

    #[test]
    fn few_domains_and_the_label_tree_agree() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};

        let domains = ["example.com", "a.example.com", "b.test", "com.example", "x"];
        let mut few = PatternGroup::new("https", None);
        for domain in domains {
            few.insert(domain);
        }
        assert!(few.few.is_some());
        let mut runner = TestRunner::new(Config::with_cases(20_000));
        let matched = std::cell::Cell::new(0u32);
        runner
            .run(
                &"(([a-c]|example|com|test|x)\\.){0,4}[a-c]?(example\\.com|b\\.test|com\\.example|x|com|test)",
                |host| {
                    let tree = few.tree.matches(&host);
                    prop_assert_eq!(few.matches(&host), tree, "{}", host);
                    matched.set(matched.get() + u32::from(tree));
                    Ok(())
                },
            )
            .unwrap();
        assert!(matched.get() > 1_000, "only {} matched", matched.get());

        // Past the bound every domain is still matched, by the tree.
        let mut many = PatternGroup::new("https", None);
        for i in 0..=FEW_DOMAINS + 2 {
            many.insert(&format!("d{i}.example"));
        }
        assert!(many.few.is_none());
        for i in 0..=FEW_DOMAINS + 2 {
            assert!(many.matches(&format!("a.d{i}.example")), "d{i}");
            assert!(!many.matches(&format!("d{i}.example")), "d{i}");
        }
    }

    #[test]
    fn patterns_match_subdomains_never_the_apex_scheme_or_port() {
        let set = set_of(&["https://*.example.com", "http://*.dev.test:8080"]);
        let cases = [
            ("https://a.example.com", true),
            ("https://a.b.example.com", true),
            ("https://example.com", false),
            ("http://a.example.com", false),
            ("https://a.example.com:8443", false),
            ("https://evilexample.com", false),
            ("https://a.example.com.evil.net", false),
            ("https://a.example.co", false),
            ("http://x.dev.test:8080", true),
            ("http://x.dev.test", false),
            ("http://x.dev.test:8081", false),
        ];
        for (origin, allowed) in cases {
            let expected = if allowed {
                Ok(HeaderValue::from_str(origin).expect("valid"))
            } else {
                Err(Denied::Origin)
            };
            assert_eq!(check(&set, origin), expected, "{origin}");
        }
    }

    #[test]
    fn exact_origins_answer_with_the_configured_value() {
        let set = set_of(&["https://example.com"]);
        assert_eq!(
            check(&set, "https://example.com"),
            Ok(HeaderValue::from_static("https://example.com"))
        );
    }

    #[test]
    fn malformed_request_origins_are_told_apart() {
        let set = set_of(&["https://example.com"]);
        let malformed = Err(Denied::Malformed(Malformed::InvalidOrigin));
        for bad in [
            "https://example.com/",
            "https://example.com:443",
            "HTTPS://EXAMPLE.COM",
            "https://exa mple.com",
        ] {
            assert_eq!(check(&set, bad), malformed, "{bad:?}");
        }
        assert_eq!(check(&set, "null"), Err(Denied::Origin));
    }

    #[test]
    fn without_a_reason_needed_exact_misses_skip_the_parse() {
        let malformed = HeaderValue::from_static("https://example.com/");
        let exact = set_of(&["https://example.com"]);
        assert_eq!(exact.check(&malformed, false), Err(Denied::Origin));
        // Still allowed or refused the same way: only the reason differs.
        let allowed = HeaderValue::from_static("https://example.com");
        assert_eq!(exact.check(&allowed, false), Ok(allowed.clone()));
        // A pattern needs the parse to decide, so the reason comes with it.
        let with_pattern = set_of(&["https://example.com", "https://*.example.org"]);
        assert_eq!(
            with_pattern.check(&malformed, false),
            Err(Denied::Malformed(Malformed::InvalidOrigin))
        );
        let sub = HeaderValue::from_static("https://a.example.org");
        assert_eq!(with_pattern.check(&sub, false), Ok(sub.clone()));
    }

    #[test]
    fn loopback_hosts() {
        for (origin, loopback) in [
            ("http://localhost:3000", true),
            ("http://app.localhost", true),
            ("http://127.0.0.1", true),
            ("http://127.9.9.9:1", true),
            ("http://[::1]:8080", true),
            ("http://localhost.example.com", false),
            ("http://128.0.0.1", false),
        ] {
            let parts = parse(origin.as_bytes(), true).expect("valid");
            assert_eq!(parts.is_loopback(), loopback, "{origin}");
        }
    }
}
