//! The syntax of an origin, exactly as a browser serializes it.
//!
//! A browser writes an origin as `scheme://host[:port]` (Fetch
//! `#origin-header`, URL `#concept-origin-serializer`): lowercase scheme and
//! host, punycode for international names, IPv6 in brackets in its shortest
//! form, no default port, no path and no trailing slash. The same parser
//! reads configured origins (where `*.` patterns are allowed) and request
//! headers; on the request path it reads the common shape in one pass and
//! never allocates.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::ip::{write_ipv6, StackString};
use crate::policy::error::OriginSyntaxError;

/// The longest host name DNS can resolve, without a final dot: no page is
/// served from a longer one, so no browser sends it in an `Origin`.
pub(crate) const MAX_HOST: usize = 253;

/// The longest label of a DNS name.
pub(crate) const MAX_LABEL: usize = 63;

/// Whether a domain `name` (without its final dot) of `len` bytes fits in
/// DNS; a pattern's names (`wildcard`) need room for a label and a dot in
/// front of it.
#[inline]
fn name_fits(len: usize, wildcard: bool) -> bool {
    let in_front = if wildcard { 2 } else { 0 };
    len + in_front <= MAX_HOST
}

/// An origin as a browser serializes it, split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OriginParts<'a> {
    pub(crate) scheme: &'a str,
    /// The host as sent: a DNS name, a dotted IPv4 address, or `[ipv6]`.
    /// For a pattern, the part after `*.`.
    pub(crate) host: &'a str,
    /// `None` without a port, or with [`any_port`](Self::any_port).
    pub(crate) port: Option<u16>,
    /// `scheme://host:*`: any port, or none (configuration only).
    pub(crate) any_port: bool,
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
    /// A final dot changes nothing here: `localhost.` resolves as
    /// `localhost` does.
    pub(crate) fn is_loopback(&self) -> bool {
        match self.host_kind {
            HostKind::Domain => {
                let name = self.host.strip_suffix('.').unwrap_or(self.host);
                name == "localhost" || name.ends_with(".localhost")
            }
            HostKind::Ipv4 => self.host.starts_with("127."),
            HostKind::Ipv6 => self.host == "[::1]",
        }
    }
}

/// Parses an origin in the exact form a browser sends it.
///
/// A host may end with a dot (`https://example.com.`): browsers send it as
/// written, a distinct origin (URL `#concept-host-parser` keeps it).
///
/// A domain longer than DNS allows ([`MAX_HOST`] bytes, a label over
/// [`MAX_LABEL`]) is refused: no page is served from it, so whatever sends
/// it is not a browser, and it must never reach a lookup or a predicate.
///
/// With `wildcard_ok` (configuration), `scheme://*.domain[:port]` and
/// `scheme://host:*` are accepted too. Errors
/// name the first thing that makes the text differ from what a browser
/// sends, for configuration messages; on the request path any error simply
/// means "malformed". Never allocates.
#[inline]
pub(crate) fn parse(text: &[u8], wildcard_ok: bool) -> Result<OriginParts<'_>, OriginSyntaxError> {
    match parse_common(text) {
        Some(parts) => Ok(parts),
        None => parse_full(text, wildcard_ok),
    }
}

/// The shape nearly every `Origin` has, read in one pass over its bytes:
/// `scheme://name[:port]`, a lowercase DNS name without a final dot whose
/// last label is not a number, name and port together at most
/// [`MAX_LABEL`] bytes. `None` means "not that shape": the full parser then decides,
/// and names what is wrong. Wherever this accepts, the full parser gives
/// the same parts (a test checks it on generated text).
#[inline]
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
    // A host and port of at most one label's length cannot hold a label
    // or a name longer than DNS allows; longer ones (rare) are left to the
    // full parser, which measures them. One comparison here, none a label.
    if rest.len() > MAX_LABEL {
        return None;
    }

    // Labels of `[a-z0-9_-]`, none empty, up to the end or a `:`. A final
    // dot (rare) leaves an empty last label: the full parser reads those.
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
        any_port: false,
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
    let any_port = wildcard_ok && port == Some("*");
    let port = match port {
        None => None,
        Some(_) if any_port => None,
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
    let name = host.strip_suffix('.').unwrap_or(host);
    if !name_fits(name.len(), wildcard) {
        return Err(E::HostTooLong);
    }
    Ok(OriginParts {
        scheme,
        host,
        port,
        any_port,
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
        (1..=MAX_LABEL).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
    };
    // One final dot is kept by browsers (`example.com.`); an empty label
    // anywhere else is not a host.
    let name = host.strip_suffix('.').unwrap_or(host);
    if !name.split('.').all(label_ok) {
        return Err(E::InvalidHost);
    }
    // URL `#ends-in-a-number-checker` (which looks past a final dot): such
    // a host is parsed as IPv4 and re-serialized, so only the canonical
    // dotted quad, without a dot after it, can ever be sent.
    let last = name.rsplit('.').next().unwrap_or(name);
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

#[cfg(test)]
mod tests;
