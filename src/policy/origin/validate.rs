//! Validation of configured origins: what `parse` accepts, and then what
//! would hand users' data to other sites when credentials are allowed.

use super::syntax::{parse, OriginParts};
use crate::policy::error::ConfigProblem;

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
