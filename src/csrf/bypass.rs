//! Bypass paths: requests the guard lets through whatever sent them, for
//! endpoints that other sites must be able to call (webhooks, payment
//! callbacks) and that protect themselves (a signature, a token).
//!
//! A path is matched as the request names it, byte for byte, never after
//! decoding or resolving `.` and `..`: a bypass must not grow through a
//! spelling the application later reads as another path. Go 1.25.0
//! exempted requests that its router would *redirect* to a bypassed path
//! (CVE-2025-47910), which let `//webhook`-style spellings skip the check;
//! here `/webhook` bypasses `/webhook` and nothing else.

use std::collections::HashSet;

use super::error::{BypassPathError, TrustProblem};

/// Exact paths and `/`-ending prefixes, validated.
#[derive(Debug, Clone, Default)]
pub(crate) struct BypassPaths {
    exact: HashSet<Box<str>>,
    prefixes: Vec<Box<str>>,
}

impl BypassPaths {
    /// Adds an exact path, or records why it cannot be one.
    pub(crate) fn add_exact(&mut self, path: &str, problems: &mut Vec<TrustProblem>) {
        match validate(path) {
            Ok(()) => {
                self.exact.insert(path.into());
            }
            Err(reason) => problems.push(TrustProblem::InvalidBypassPath {
                path: path.to_owned(),
                reason,
            }),
        }
    }

    /// Adds a prefix, or records why it cannot be one.
    pub(crate) fn add_prefix(&mut self, prefix: &str, problems: &mut Vec<TrustProblem>) {
        let checked = validate(prefix).and_then(|()| match prefix {
            // Every path starts with `/`: that is the guard switched off.
            "/" => Err(BypassPathError::Everything),
            // `/hooks` would also cover `/hooks-admin`: a prefix names a
            // folder.
            _ if !prefix.ends_with('/') => Err(BypassPathError::PrefixWithoutSlash),
            _ => Ok(()),
        });
        match checked {
            Ok(()) => self.prefixes.push(prefix.into()),
            Err(reason) => problems.push(TrustProblem::InvalidBypassPrefix {
                prefix: prefix.to_owned(),
                reason,
            }),
        }
    }

    /// Whether `path`, as the request names it, is bypassed.
    pub(crate) fn matches(&self, path: &str) -> bool {
        // Configured exact paths are plain, so a match is plain too.
        if self.exact.contains(path) {
            return true;
        }
        // Under a prefix, what follows it could step back out (`/hooks/../
        // admin`) once something decodes or resolves it: only the plain
        // spelling browsers send is bypassed.
        !self.prefixes.is_empty()
            && is_plain(path)
            && self
                .prefixes
                .iter()
                .any(|prefix| path.starts_with(&**prefix))
    }
}

/// `; bypass paths: a, b; bypass prefixes: c/`, only what is configured,
/// in sorted order.
impl std::fmt::Display for BypassPaths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut exact: Vec<&str> = self.exact.iter().map(|path| &**path).collect();
        exact.sort_unstable();
        let mut prefixes: Vec<&str> = self.prefixes.iter().map(|path| &**path).collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        for (name, list) in [("bypass paths", exact), ("bypass prefixes", prefixes)] {
            if !list.is_empty() {
                write!(f, "; {name}: {}", list.join(", "))?;
            }
        }
        Ok(())
    }
}

/// Checks a configured path: absolute, only the characters a URL path
/// may carry, and plain.
fn validate(path: &str) -> Result<(), BypassPathError> {
    if !path.starts_with('/') {
        return Err(BypassPathError::NotAbsolute);
    }
    let bytes = path.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ok = match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => true,
            // RFC 3986 `pchar` and `/`: unreserved, sub-delims, `:` `@`.
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b':' | b'@' | b'/' => true,
            b'%' => bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
            _ => false,
        };
        if !ok {
            return Err(BypassPathError::InvalidCharacter);
        }
    }
    if is_plain(path) {
        Ok(())
    } else {
        Err(BypassPathError::NotPlain)
    }
}

/// True for a path as browsers send it: no empty segment (`//`), no `.`
/// or `..` segment, not even behind `;` parameters (`..;x`, which Tomcat,
/// Jetty and Spring read as `..`), no encoded `/`, `\`, `.` or `;` (`..%3b`
/// is `..;` once decoded), no encoded
/// `%` (`%25`, which a second decoding turns into another escape), no `%`
/// that starts no escape (`%5%63`: decoding the `%63` makes `%5c`), no
/// `%u` escape (which IIS decodes), and no raw `\`: some server or router
/// downstream may read any of these as another path.
fn is_plain(path: &str) -> bool {
    let bytes = path.as_bytes();
    if bytes.contains(&b'\\') {
        return false;
    }
    let odd_escape = bytes.iter().enumerate().any(|(i, &b)| {
        let digit = |at: usize| bytes.get(at).map(u8::to_ascii_lowercase);
        b == b'%'
            && match (digit(i + 1), digit(i + 2)) {
                (Some(high), Some(low)) if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                    matches!(
                        (high, low),
                        (b'2', b'f' | b'e' | b'5') | (b'5', b'c') | (b'3', b'b')
                    )
                }
                // `%u` (IIS), or a `%` that starts no escape: once what
                // follows is decoded it can start one (`%5%63` is `%5c`,
                // a `\`, after two decodings).
                _ => true,
            }
    });
    if odd_escape {
        return false;
    }
    // `//` is an empty segment; a trailing `/` is not one.
    !path.contains("//") && path.split('/').all(is_plain_segment)
}

/// A segment that is neither `.` nor `..`, nor becomes one (or empty) once
/// its `;` parameters are dropped.
fn is_plain_segment(segment: &str) -> bool {
    match segment.split_once(';') {
        None => !matches!(segment, "." | ".."),
        Some((name, _)) => !matches!(name, "" | "." | ".."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_those_browsers_send() {
        for plain in [
            "/",
            "/webhook",
            "/webhook/",
            "/a/b.json",
            "/caf%C3%A9",
            "/a;b",
            "/a/b;v=1/c",
            "/a/...;x",
            "/a/%41%2a",
            "/a%20b/x",
        ] {
            assert!(is_plain(plain), "{plain}");
        }
        for odd in [
            "//webhook",
            "/webhook//x",
            "/webhook/../admin",
            "/webhook/./x",
            "/webhook/..",
            "/webhook%2f..",
            "/webhook%2F..",
            "/webhook/%2e%2e/admin",
            "/webhook%5cadmin",
            "/webhook\\admin",
            "/webhooks/..;/admin",
            "/webhooks/..;jsessionid=1/admin",
            "/webhooks/.;/x",
            "/webhooks/;x/admin",
            "/webhooks/%252e%252e/admin",
            "/webhooks/%2525252e/admin",
            "/webhooks/%u002e%u002e/admin",
            "/webhooks/%U002E%U002E/admin",
            // Escapes a second decoding completes (found by fuzz target
            // `bypass`): `%5%63` is `%5c` once `%63` is decoded.
            "/webhooks/%5%63../e2",
            "/webhooks/%%32%65%%32%65/admin",
            "/webhooks/%2%65%2%65/admin",
            "/webhooks/a%",
            "/webhooks/a%4",
            "/webhooks/%zz",
            // `..;` once decoded (found by fuzz target `bypass`).
            "/webhooks/..%3b/admin",
            "/webhooks/..%3B/admin",
        ] {
            assert!(!is_plain(odd), "{odd}");
        }
    }
}
