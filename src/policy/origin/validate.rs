//! Validation of configured origins: what `parse` accepts, minus what no
//! browser can ever send, and then what would hand users' data to other
//! sites when credentials are allowed.

use super::canonical::{diagnose, sendable, Diagnosis};
use super::syntax::{parse, OriginParts};
use crate::policy::error::ConfigProblem;

/// What the configuration says about trust, for the credentials rules.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Trust {
    /// `allow_credentials(true)`.
    pub(crate) credentials: bool,
    /// `allow_insecure_origins_dangerously()`: plain `http://` origins
    /// beyond loopback are accepted with credentials.
    pub(crate) insecure_origins: bool,
    /// `allow_public_suffix_subdomains_dangerously()`: credentialed
    /// wildcards directly under a public suffix are accepted.
    pub(crate) public_suffix_subdomains: bool,
}

/// Validates one configured origin or pattern, recording every problem:
/// all that keeps a browser from sending it, with the origin it meant when
/// that is certain, and the credentials rules, which are judged on that
/// origin too. Returns the parsed parts when the text itself is usable.
pub(crate) fn validate<'a>(
    origin: &'a str,
    trust: Trust,
    problems: &mut Vec<ConfigProblem>,
) -> Option<OriginParts<'a>> {
    match sendable(origin) {
        Ok(parts) => {
            check_trust(origin, &parts, trust, problems);
            Some(parts)
        }
        Err(_) => {
            let Diagnosis { reasons, fix } = diagnose(origin);
            let meant = fix
                .as_deref()
                .and_then(|fix| parse(fix.as_bytes(), true).ok());
            let trust_problems = meant.map(|parts| {
                let mut found = Vec::new();
                check_trust(origin, &parts, trust, &mut found);
                found
            });
            problems.push(ConfigProblem::InvalidOrigin {
                origin: origin.to_owned(),
                reasons,
                fix,
            });
            problems.extend(trust_problems.into_iter().flatten());
            None
        }
    }
}

/// The credentials rules, for an origin a browser can send.
fn check_trust(
    origin: &str,
    parts: &OriginParts<'_>,
    trust: Trust,
    problems: &mut Vec<ConfigProblem>,
) {
    if trust.credentials
        && parts.scheme == "http"
        && !parts.is_loopback()
        && !trust.insecure_origins
    {
        problems.push(ConfigProblem::InsecureOriginWithCredentials {
            origin: origin.to_owned(),
        });
    }
    if trust.credentials
        && parts.wildcard
        && !parts.is_loopback()
        && !trust.public_suffix_subdomains
    {
        check_public_suffix(origin, parts.host, problems);
    }
}

#[cfg(feature = "public-suffix")]
fn check_public_suffix(pattern: &str, domain: &str, problems: &mut Vec<ConfigProblem>) {
    // `psl` knows the ICANN and the private sections of the list, so
    // `github.io` is a suffix just like `co.uk`. A domain that is its own
    // suffix is one anybody can register names under; `github.io.` is the
    // same domain written with its final dot.
    let domain = domain.strip_suffix('.').unwrap_or(domain);
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
    use crate::policy::error::OriginSyntaxError;
    use OriginSyntaxError as E;

    fn reasons(origin: &str) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        validate(origin, Trust::default(), &mut problems);
        problems
    }

    fn invalid(origin: &str, reason: OriginSyntaxError) -> Vec<ConfigProblem> {
        vec![ConfigProblem::InvalidOrigin {
            origin: origin.into(),
            reasons: vec![reason],
            fix: None,
        }]
    }

    #[test]
    fn origins_no_browser_sends_are_named() {
        let long_label = "a".repeat(63);
        let at_limit = format!("https://{0}.{0}.{0}.{1}", long_label, "b".repeat(61));
        assert_eq!(at_limit.len() - "https://".len(), 253);
        let over = format!("{at_limit}c");
        let pattern_over = format!("https://*.{}", &at_limit["https://a".len()..]);
        let cases: Vec<(String, Option<OriginSyntaxError>)> = vec![
            ("http://example.com:0".into(), Some(E::ZeroPort)),
            ("https://*.example.com:0".into(), Some(E::ZeroPort)),
            ("file://".into(), Some(E::FileScheme)),
            ("file:///home/me/index.html".into(), Some(E::FileScheme)),
            ("FILE://localhost".into(), Some(E::FileScheme)),
            ("https://xn--bcher-kva.example".into(), None),
            ("https://xn--bcher-kva.example.".into(), None),
            ("https://*.xn--bcher-kva.example".into(), None),
            (
                "https://xn--bcher-.example".into(),
                Some(E::InvalidPunycode),
            ),
            ("https://xn--.example".into(), Some(E::InvalidPunycode)),
            ("https://xn--abc-.example".into(), Some(E::InvalidPunycode)),
            (
                "https://a.xn--99999999999.example".into(),
                Some(E::InvalidPunycode),
            ),
            ("https://*.xn--a_b.example".into(), Some(E::InvalidPunycode)),
            (at_limit.clone(), None),
            (format!("{at_limit}."), None),
            (over, Some(E::HostTooLong)),
            (pattern_over, Some(E::HostTooLong)),
            ("http://localhost:1".into(), None),
        ];
        for (origin, reason) in cases {
            let expected = reason.map_or_else(Vec::new, |r| invalid(&origin, r));
            assert_eq!(reasons(&origin), expected, "{origin}");
        }
    }

    #[test]
    fn the_escape_hatches_lift_only_their_own_rule() {
        let strict = Trust {
            credentials: true,
            ..Trust::default()
        };
        let run = |origin: &str, trust: Trust| {
            let mut problems = Vec::new();
            validate(origin, trust, &mut problems);
            problems
        };
        let insecure = ConfigProblem::InsecureOriginWithCredentials {
            origin: "http://intranet.example".into(),
        };
        assert_eq!(
            run("http://intranet.example", strict),
            std::slice::from_ref(&insecure)
        );
        let lan = Trust {
            insecure_origins: true,
            ..strict
        };
        assert_eq!(run("http://intranet.example", lan), []);
        assert_eq!(run("http://localhost.", strict), []);
        assert_eq!(run("http://localhost:*", strict), []);
        assert_eq!(
            run("http://intranet.example:*", strict),
            [ConfigProblem::InsecureOriginWithCredentials {
                origin: "http://intranet.example:*".into(),
            }]
        );
        // The other hatch does not open this one.
        let psl = Trust {
            public_suffix_subdomains: true,
            ..strict
        };
        assert_eq!(run("http://intranet.example", psl), [insecure]);
        assert_eq!(run("https://*.github.io", psl), []);
        assert_eq!(run("https://*.github.io", lan).len(), 1);
    }

    #[test]
    fn the_credentials_rules_judge_the_origin_meant() {
        let strict = Trust {
            credentials: true,
            ..Trust::default()
        };
        let mut problems = Vec::new();
        assert_eq!(
            validate("http://Intranet.example/", strict, &mut problems),
            None
        );
        assert_eq!(
            problems,
            [
                ConfigProblem::InvalidOrigin {
                    origin: "http://Intranet.example/".into(),
                    reasons: vec![E::TrailingSlash, E::Uppercase],
                    fix: Some("http://intranet.example".into()),
                },
                ConfigProblem::InsecureOriginWithCredentials {
                    origin: "http://Intranet.example/".into(),
                },
            ]
        );
        // Without a certain fix there is nothing to judge them on.
        let mut problems = Vec::new();
        validate("http://intranet.example/x", strict, &mut problems);
        assert_eq!(problems.len(), 1);
    }

    #[cfg(feature = "public-suffix")]
    #[test]
    fn a_final_dot_does_not_hide_a_public_suffix() {
        let strict = Trust {
            credentials: true,
            ..Trust::default()
        };
        for (pattern, suffix) in [
            ("https://*.github.io.", "github.io"),
            ("https://*.co.uk.", "co.uk"),
        ] {
            let mut problems = Vec::new();
            validate(pattern, strict, &mut problems);
            assert_eq!(
                problems,
                [ConfigProblem::PublicSuffixWildcardWithCredentials {
                    pattern: pattern.into(),
                    suffix: suffix.into(),
                }]
            );
        }
    }
}
