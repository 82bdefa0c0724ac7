//! Methods: which a browser sends as is, which it never sends, and which
//! the policy allows.
//!
//! Methods are compared byte-exactly (Fetch `#cors-preflight-fetch-0`):
//! browsers uppercase only `DELETE GET HEAD OPTIONS POST PUT`
//! (`#concept-method-normalize`), so `fetch(url, {method: "patch"})` sends
//! `patch`, which an allowed `PATCH` does not cover.

use super::error::ConfigProblem;
use super::suggest::{standard_spelling, suggest_method};
use super::token::{is_token, trimmed_token};

/// `GET`, `HEAD` and `POST` never need permission (`#cors-safelisted-method`).
pub(crate) fn is_safelisted(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// The methods [`is_safelisted`] accepts, for what a policy prints (a
/// test checks that the two agree).
pub(crate) const SAFELISTED: [&str; 3] = ["GET", "HEAD", "POST"];

/// `CONNECT`, `TRACE` and `TRACK`, in any case (`#forbidden-method`).
pub(crate) fn is_forbidden(method: &[u8]) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|f| f.as_bytes().eq_ignore_ascii_case(method))
}

/// What a browser sends for a method the page wrote as `method`, when that
/// differs from `method` (`#concept-method-normalize`).
pub(crate) fn browser_normalized(method: &str) -> Option<&'static str> {
    ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]
        .into_iter()
        .find(|n| n.eq_ignore_ascii_case(method) && *n != method)
}

/// Whether the method token `method`, listed among `configured`, can be
/// allowed: not forbidden, and in the spelling browsers send.
fn check(method: &str, configured: &[String]) -> Result<(), ConfigProblem> {
    if is_forbidden(method.as_bytes()) {
        return Err(ConfigProblem::ForbiddenMethod {
            method: method.to_owned(),
        });
    }
    if let Some(normalized) = browser_normalized(method) {
        return Err(ConfigProblem::MethodNormalizedByBrowsers {
            method: method.to_owned(),
            normalized,
        });
    }
    // `patch` is sent as written: allowed on purpose only beside `PATCH`.
    match standard_spelling(method) {
        Some(standard) if !configured.iter().any(|m| m == standard) => {
            Err(ConfigProblem::MethodNotNormalizedByBrowsers {
                method: method.to_owned(),
                standard,
            })
        }
        _ => Ok(()),
    }
}

/// The method a token was meant to be: itself when it can be allowed,
/// else the spelling its one problem names, `None` when it is forbidden.
fn meant(method: &str, configured: &[String]) -> Option<String> {
    match check(method, configured) {
        Ok(()) => Some(method.to_owned()),
        Err(ConfigProblem::ForbiddenMethod { .. }) => None,
        Err(problem) => problem.fix().map(str::to_owned),
    }
}

/// The methods a preflight may ask for.
#[derive(Debug)]
pub(crate) enum Methods {
    /// Any method: answered with `*`, or with the requested method when
    /// credentials make `*` a literal.
    Any,
    /// These methods (plus the safelisted ones, which browsers never ask
    /// about), in configured order.
    Listed { names: Vec<Box<[u8]>> },
}

impl Methods {
    pub(crate) fn build(configured: &[String], problems: &mut Vec<ConfigProblem>) -> Methods {
        let mut names: Vec<Box<[u8]>> = Vec::new();
        let mut any = false;
        for method in configured {
            if method == "*" {
                any = true;
            } else if !is_token(method.as_bytes()) {
                let fix = trimmed_token(method).and_then(|m| meant(m, configured));
                problems.push(ConfigProblem::InvalidMethod {
                    method: method.clone(),
                    did_you_mean: fix.is_none().then(|| suggest_method(method)).flatten(),
                    fix,
                });
            } else if let Err(problem) = check(method, configured) {
                problems.push(problem);
            } else if !names.iter().any(|n| **n == *method.as_bytes()) {
                names.push(method.as_bytes().into());
            }
        }
        if any {
            return Methods::Any;
        }
        Methods::Listed { names }
    }
    /// The `Access-Control-Allow-Methods` value of a list: the methods in
    /// configured order.
    pub(crate) fn list_value(&self) -> Option<Box<[u8]>> {
        match self {
            Methods::Listed { names } if !names.is_empty() => Some(names.join(&b","[..]).into()),
            _ => None,
        }
    }

    /// Whether a preflight asking for `method` passes, as the browser will
    /// judge it: safelisted methods always do.
    #[inline]
    pub(crate) fn allows(&self, method: &[u8]) -> bool {
        self.rule(method).is_some()
    }

    /// Which rule lets a preflight ask for `method`, if one does.
    #[inline]
    pub(crate) fn rule(&self, method: &[u8]) -> Option<MethodRule> {
        match self {
            Methods::Any => (!is_forbidden(method)).then_some(MethodRule::Any),
            Methods::Listed { names } => {
                if is_safelisted(method) {
                    Some(MethodRule::Safelisted)
                } else if names.iter().any(|n| **n == *method) {
                    Some(MethodRule::Listed)
                } else {
                    None
                }
            }
        }
    }
}

/// Why a method passes a preflight (see [`Methods::rule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MethodRule {
    /// `GET`, `HEAD` or `POST`, which never need permission.
    Safelisted,
    /// Listed, byte for byte.
    Listed,
    /// Any method (`*`) but the forbidden ones.
    Any,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(methods: &[&str]) -> (Methods, Vec<ConfigProblem>) {
        let mut problems = Vec::new();
        let configured: Vec<String> = methods.iter().map(|m| m.to_string()).collect();
        (Methods::build(&configured, &mut problems), problems)
    }

    #[test]
    fn patch_is_not_normalized() {
        let (methods, problems) = build(&["PATCH"]);
        assert!(problems.is_empty());
        assert!(methods.allows(b"PATCH"));
        assert!(!methods.allows(b"patch"));
    }

    #[test]
    fn safelisted_methods_need_no_listing() {
        let (methods, _) = build(&["PUT"]);
        for m in ["GET", "HEAD", "POST", "PUT"] {
            assert!(methods.allows(m.as_bytes()), "{m}");
        }
        assert!(!methods.allows(b"get"));
        assert!(!methods.allows(b"DELETE"));
    }

    #[test]
    fn configuration_mistakes_are_reported() {
        let (_, problems) = build(&["TRACE", "connect", "delete", "BAD METHOD", ""]);
        assert_eq!(
            problems,
            vec![
                ConfigProblem::ForbiddenMethod {
                    method: "TRACE".into()
                },
                ConfigProblem::ForbiddenMethod {
                    method: "connect".into()
                },
                ConfigProblem::MethodNormalizedByBrowsers {
                    method: "delete".into(),
                    normalized: "DELETE"
                },
                ConfigProblem::InvalidMethod {
                    method: "BAD METHOD".into(),
                    fix: None,
                    did_you_mean: None,
                },
                ConfigProblem::InvalidMethod {
                    method: "".into(),
                    fix: None,
                    did_you_mean: None,
                },
            ]
        );
    }

    #[test]
    fn header_value_is_precomputed_in_configured_order_without_duplicates() {
        let (methods, _) = build(&["PUT", "DELETE", "PUT", "purge"]);
        assert_eq!(
            methods.list_value().as_deref(),
            Some(&b"PUT,DELETE,purge"[..])
        );
        assert_eq!(build(&["*"]).0.list_value(), None);
    }

    #[test]
    fn star_means_any_but_forbidden() {
        let (methods, _) = build(&["*"]);
        assert!(methods.allows(b"purge"));
        assert!(!methods.allows(b"TRACE"));
    }
}
