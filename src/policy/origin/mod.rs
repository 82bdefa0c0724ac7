//! Origins: the set of allowed origins, and the check of one `Origin`.
//!
//! Comparison is byte-exact, so configuration is validated once against
//! the syntax browsers send (`syntax`, `validate`), and a request is
//! answered with a hash lookup (`exact`) or, for wildcard patterns
//! (`pattern`), a comparison of the host's end with each of a few domains
//! or a walk of a label tree, never a scan of a long configured list.

mod canonical;
mod exact;
mod ip;
mod pattern;
mod punycode;
mod syntax;
mod validate;

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;

use super::refusal::{Denied, Malformed};
use exact::ExactOrigins;
use pattern::Patterns;
pub(crate) use syntax::{parse, OriginParts};
pub(crate) use validate::{validate, Trust};

/// A user predicate deciding on origins the lists do not cover.
pub(crate) type OriginPredicate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The allowed origins, in the form requests are checked against.
pub(crate) enum Origins {
    /// Any origin, answered with `*` (never with credentials).
    Any,
    Listed(OriginSet),
}

#[derive(Default)]
pub(crate) struct OriginSet {
    exact: ExactOrigins,
    patterns: Patterns,
    null: bool,
    predicate: Option<OriginPredicate>,
}

impl OriginSet {
    pub(crate) fn allow_null(&mut self) {
        self.null = true;
    }

    pub(crate) fn set_predicate(&mut self, predicate: OriginPredicate) {
        self.predicate = Some(predicate);
    }

    pub(crate) fn insert(&mut self, origin: &str, parts: &OriginParts<'_>) {
        if parts.wildcard {
            self.patterns.insert(parts);
        } else if parts.any_port {
            self.exact.insert_any_port(origin, parts);
        } else {
            self.exact.insert(origin);
        }
    }

    /// The user predicate, for a guard that trusts it only when asked to
    /// (see `policy::trust`).
    pub(crate) fn predicate(&self) -> Option<&OriginPredicate> {
        self.predicate.as_ref()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.patterns.is_empty() && !self.null && self.predicate.is_none()
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, or why not.
    /// Without `reason_needed`, an origin that only exact origins could
    /// allow is refused as [`Denied::Origin`] without parsing it to tell a
    /// malformed one apart: the answer is the same.
    #[inline]
    fn check(
        &self,
        origin: &HeaderValue,
        reason_needed: bool,
    ) -> Result<HeaderValue, Denied<'static>> {
        let bytes = origin.as_bytes();
        if let Some(value) = self.exact.get(bytes) {
            return Ok(value.clone());
        }
        if !reason_needed
            && bytes != b"null"
            && self.patterns.is_empty()
            && self.predicate.is_none()
            && !self.exact.has_any_port()
        {
            return Err(Denied::Origin);
        }
        self.rule_beyond_exact(bytes).map(|_| origin.clone())
    }

    /// Which rule allows `origin`, or why none does.
    fn rule(&self, origin: &[u8]) -> Result<OriginRule, Denied<'static>> {
        match self.exact.get(origin) {
            Some(_) => Ok(OriginRule::Exact),
            None => self.rule_beyond_exact(origin),
        }
    }

    /// The rules after the exact lookup, in the order they are tried:
    /// `null`, the syntax, a host on any port, a pattern, the predicate.
    fn rule_beyond_exact(&self, bytes: &[u8]) -> Result<OriginRule, Denied<'static>> {
        if bytes == b"null" {
            return match self.null {
                true => Ok(OriginRule::Null),
                false => Err(Denied::Origin),
            };
        }
        let Ok(parts) = parse(bytes, false) else {
            return Err(Denied::Malformed(Malformed::InvalidOrigin));
        };
        if self.exact.allows_any_port(bytes, &parts) {
            return Ok(OriginRule::AnyPort);
        }
        if self.patterns.matches(&parts) {
            return Ok(OriginRule::Pattern);
        }
        // `parse` accepted only ASCII, so this is the same text.
        let by_predicate = self
            .predicate
            .as_ref()
            .is_some_and(|predicate| std::str::from_utf8(bytes).is_ok_and(|text| predicate(text)));
        match by_predicate {
            true => Ok(OriginRule::Predicate),
            false => Err(Denied::Origin),
        }
    }
}

/// The rule of an origin set that allows an origin: what
/// [`Policy::explain`](super::Policy::explain) names, asked of the same
/// checks the requests go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OriginRule {
    /// Any origin is allowed (`*`).
    Any,
    /// Listed byte for byte.
    Exact,
    /// A host listed with the port `*`.
    AnyPort,
    /// A `scheme://*.domain[:port]` pattern.
    Pattern,
    /// `null`, allowed explicitly.
    Null,
    /// The `allow_origin_fn` predicate.
    Predicate,
}

/// Whether the one configured origin or pattern `configured` allows
/// `origin`, by the same checks a whole set makes: for naming the entry
/// that matched. False when `configured` is not a valid origin.
pub(crate) fn entry_allows(configured: &str, origin: &[u8]) -> bool {
    let Ok(parts) = parse(configured.as_bytes(), true) else {
        return false;
    };
    let mut set = OriginSet::default();
    set.insert(configured, &parts);
    set.rule(origin).is_ok()
}

impl Origins {
    /// The `Access-Control-Allow-Origin` value of every answer but a
    /// preflight's, when it does not depend on the request: `*` when any
    /// origin is allowed.
    #[inline]
    pub(crate) fn constant(&self) -> Option<HeaderValue> {
        match self {
            Origins::Any => Some(HeaderValue::from_static("*")),
            Origins::Listed(_) => None,
        }
    }

    /// Checks one `Origin` header value: the `Access-Control-Allow-Origin`
    /// value to answer with, or why the origin is refused (see
    /// [`OriginSet::check`] for `reason_needed`).
    pub(crate) fn check(
        &self,
        origin: &HeaderValue,
        reason_needed: bool,
    ) -> Result<HeaderValue, Denied<'static>> {
        match self {
            Origins::Any => any_rule(origin.as_bytes()).map(|_| HeaderValue::from_static("*")),
            Origins::Listed(set) => set.check(origin, reason_needed),
        }
    }

    /// Which rule allows `origin`, or why none does: the checks of
    /// [`check`](Self::check), each named.
    pub(crate) fn rule(&self, origin: &[u8]) -> Result<OriginRule, Denied<'static>> {
        match self {
            Origins::Any => any_rule(origin),
            Origins::Listed(set) => set.rule(origin),
        }
    }
}

/// An any-origin policy allows every origin a browser sends, `null`
/// included, and nothing else.
fn any_rule(origin: &[u8]) -> Result<OriginRule, Denied<'static>> {
    match origin == b"null" || parse(origin, false).is_ok() {
        true => Ok(OriginRule::Any),
        false => Err(Denied::Malformed(Malformed::InvalidOrigin)),
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// What the set answers `origin` with when it is (or is not) allowed.
    fn answer(origin: &str, allowed: bool) -> Result<HeaderValue, Denied<'static>> {
        match allowed {
            true => Ok(HeaderValue::from_str(origin).expect("valid")),
            false => Err(Denied::Origin),
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
            let expected = answer(origin, allowed);
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
    fn port_wildcards_match_any_port_or_none_and_nothing_else() {
        let set = set_of(&[
            "http://localhost:*",
            "https://*.example.com:*",
            "https://exact.test:8443",
            "http://[::1]:*",
        ]);
        let cases = [
            ("http://localhost", true),
            ("http://localhost:5173", true),
            ("http://localhost:1", true),
            ("https://localhost:5173", false),
            ("http://localhost.:5173", false),
            ("http://app.localhost:5173", false),
            ("http://localhostx:5173", false),
            ("https://a.example.com", true),
            ("https://a.b.example.com:3000", true),
            ("https://example.com:3000", false),
            ("http://a.example.com:3000", false),
            ("https://a.example.com.:3000", false),
            ("https://exact.test:8443", true),
            ("https://exact.test", false),
            ("https://exact.test:8444", false),
            ("http://[::1]:8080", true),
            ("http://[::1]", true),
        ];
        for (origin, allowed) in cases {
            let expected = answer(origin, allowed);
            assert_eq!(check(&set, origin), expected, "{origin}");
            // The layer's shortcut gives the same answer.
            let value = HeaderValue::from_str(origin).expect("valid");
            assert_eq!(set.check(&value, false), expected, "{origin}");
        }
        // A malformed origin is still told apart when the reason is needed.
        assert_eq!(
            check(&set, "http://localhost:*"),
            Err(Denied::Malformed(Malformed::InvalidOrigin))
        );
    }

    #[test]
    fn the_rule_named_is_the_one_that_allows() {
        let set = set_of(&[
            "https://a.example",
            "http://localhost:*",
            "https://*.example.com:*",
        ]);
        let cases = [
            ("https://a.example", Ok(OriginRule::Exact)),
            ("http://localhost:5173", Ok(OriginRule::AnyPort)),
            ("http://localhost", Ok(OriginRule::AnyPort)),
            ("https://x.example.com:3000", Ok(OriginRule::Pattern)),
            ("https://x.example.com", Ok(OriginRule::Pattern)),
            ("https://b.example", Err(Denied::Origin)),
            ("null", Err(Denied::Origin)),
            (
                "https://a.example/",
                Err(Denied::Malformed(Malformed::InvalidOrigin)),
            ),
        ];
        for (origin, rule) in cases {
            assert_eq!(set.rule(origin.as_bytes()), rule, "{origin}");
            // The same verdict as the check requests go through.
            assert_eq!(check(&set, origin).is_ok(), rule.is_ok(), "{origin}");
        }
        assert!(entry_allows("http://localhost:*", b"http://localhost:8080"));
        assert!(entry_allows(
            "https://*.example.com:*",
            b"https://x.example.com:1"
        ));
        assert!(!entry_allows(
            "https://*.example.com",
            b"https://x.example.com:1"
        ));
        assert!(!entry_allows("not an origin", b"https://x.example.com"));
        let any = Origins::Any;
        assert_eq!(any.rule(b"null"), Ok(OriginRule::Any));
        assert_eq!(
            any.rule(b"https://x.example/"),
            Err(Denied::Malformed(Malformed::InvalidOrigin))
        );
    }

    #[test]
    fn trailing_dots_match_only_what_is_configured_with_them() {
        let set = set_of(&[
            "https://example.com.",
            "https://*.test.:*",
            "https://plain.test",
        ]);
        let cases = [
            ("https://example.com.", true),
            ("https://example.com", false),
            ("https://a.test.", true),
            ("https://a.test.:8080", true),
            ("https://a.test", false),
            ("https://test.", false),
            ("https://plain.test", true),
            ("https://plain.test.", true),
        ];
        for (origin, allowed) in cases {
            assert_eq!(check(&set, origin).is_ok(), allowed, "{origin}");
        }
    }

    /// The set against a plain reading of the rules: an exact origin
    /// matches byte for byte; a host on any port matches with any port or
    /// none; a pattern matches a name strictly under its domain with its
    /// scheme and its port (or any, for `:*`).
    #[test]
    fn the_set_agrees_with_a_plain_reading_of_the_rules() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};

        let configured = [
            "https://a.test",
            "https://a.test.",
            "http://b.test:8080",
            "http://localhost:*",
            "https://c.test.:*",
            "https://*.a.test",
            "https://*.b.test:*",
            "http://*.c.test.:8080",
            "https://*.test.",
        ];
        let set = set_of(&configured);
        let rules: Vec<OriginParts<'_>> = configured
            .iter()
            .map(|origin| parse(origin.as_bytes(), true).expect("valid"))
            .collect();
        let plain = |origin: &str| {
            let Ok(request) = parse(origin.as_bytes(), false) else {
                return false;
            };
            rules.iter().zip(configured).any(|(rule, text)| {
                let port_ok = rule.any_port || rule.port == request.port;
                let host_ok = if rule.wildcard {
                    request
                        .host
                        .strip_suffix(rule.host)
                        .is_some_and(|front| front.len() > 1 && front.ends_with('.'))
                } else if rule.any_port {
                    request.host == rule.host
                } else {
                    return origin == text;
                };
                rule.scheme == request.scheme && port_ok && host_ok
            })
        };
        let mut runner = TestRunner::new(Config::with_cases(20_000));
        let allowed = std::cell::Cell::new(0u32);
        runner
            .run(
                &"https?://((x|y)\\.){0,2}(a|b|c|localhost|test)(\\.test)?\\.?(:(8080|3000|\\*))?",
                |origin| {
                    let expected = plain(&origin);
                    let value = HeaderValue::from_str(&origin).expect("ASCII");
                    prop_assert_eq!(set.check(&value, true).is_ok(), expected, "{}", origin);
                    prop_assert_eq!(set.check(&value, false).is_ok(), expected, "{}", origin);
                    allowed.set(allowed.get() + u32::from(expected));
                    Ok(())
                },
            )
            .unwrap();
        assert!(allowed.get() > 1_000, "only {} allowed", allowed.get());
    }
}
