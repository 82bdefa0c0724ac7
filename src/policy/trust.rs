//! Whether a policy trusts an origin, for guards other than CORS itself
//! (the cross-origin request forgery guard in [`crate::csrf`]), and the
//! trust such a guard derives from a CORS policy.
//!
//! A CORS policy says which pages may *read* answers; a guard needs the
//! origins whose pages may *act* with a user's cookies. The two differ: a
//! policy without credentials may allow plain `http` origins and patterns
//! directly under a public suffix, and a predicate may say yes to anything.
//! So the guard's trust is derived from the policy with the rules every
//! trusted origin passes ([`validate`] with credentials, as for
//! [`TrustBuilder`](crate::csrf::TrustBuilder)), and what fails them is
//! left out, and said so. The guard and CORS can therefore disagree, on
//! purpose: CORS may allow an origin the guard does not trust. They also
//! disagree on what the guard cannot see: request predicates
//! ([`allow_origin_request_fn`](super::PolicyBuilder::allow_origin_request_fn))
//! and origin lookups are never asked by the guard.

use std::fmt;

use http::HeaderValue;

use super::origin::{validate, Origins, Trust};
use super::{ConfigProblem, Policy};

impl Policy {
    /// True when this policy names `origin` among the origins it allows:
    /// exactly, by a pattern or by its origin predicate, with the same
    /// byte-exact matching as a CORS request. For a policy made of trusted
    /// origins (a [`Derived`] one, or a `TrustBuilder`'s); request
    /// predicates are not asked.
    ///
    /// Never true for `null`, even when the policy allows it: every
    /// sandboxed iframe sends `null`, so trusting it to act would trust
    /// every attacker page. Never true under
    /// [`allow_any_origin`](super::PolicyBuilder::allow_any_origin): "any
    /// page may read these uncredentialed answers" names no origin to trust
    /// with a user's cookies.
    pub(crate) fn trusts_origin(&self, origin: &HeaderValue) -> bool {
        let origins = &self.rules.origins;
        if origin.as_bytes() == b"null" || matches!(origins, Origins::Any) {
            return false;
        }
        origins.check(origin, false).is_ok()
    }

    /// The trust a guard derives from this policy: its origins and
    /// patterns that pass the rules of trusted origins, its origin
    /// predicate only when `with_predicate`, and what was left out.
    pub(crate) fn derive_trust(&self, with_predicate: bool) -> Derived {
        let (config, functions) = match self.config() {
            Ok(config) => (config, Vec::new()),
            Err(err) => (
                err.config_without_functions().clone(),
                err.functions().to_vec(),
            ),
        };
        let mut left_out = Vec::new();
        let mut kept = Vec::new();
        let as_trusted = Trust {
            credentials: true,
            ..Trust::default()
        };
        for origin in config.allow_origins {
            let reason = match origin.as_str() {
                "*" => Some(LeftOutReason::AnyOrigin),
                "null" => Some(LeftOutReason::Null),
                text => {
                    let mut problems = Vec::new();
                    validate(text, as_trusted, &mut problems);
                    problems.first().map(LeftOutReason::of)
                }
            };
            match reason {
                Some(reason) => left_out.push(LeftOut { origin, reason }),
                None => kept.push(origin),
            }
        }
        if config.allow_null_origin_dangerously && !left_out.iter().any(|o| o.origin == "null") {
            left_out.push(LeftOut {
                origin: "null".into(),
                reason: LeftOutReason::Null,
            });
        }
        let predicate = match &self.rules.origins {
            Origins::Listed(set) => set.predicate().cloned(),
            Origins::Any => None,
        };
        let predicate = match predicate {
            Some(predicate) if with_predicate => Some(predicate),
            Some(_) => {
                left_out.push(LeftOut {
                    origin: "allow_origin_fn".into(),
                    reason: LeftOutReason::PredicateNotOptedIn,
                });
                None
            }
            None => None,
        };
        if functions.contains(&"allow_origin_request_fn") {
            left_out.push(LeftOut {
                origin: "allow_origin_request_fn".into(),
                reason: LeftOutReason::RequestPredicate,
            });
        }
        let trusted = if kept.is_empty() && predicate.is_none() {
            None
        } else {
            let mut builder = Policy::builder()
                .allow_origins(kept)
                .allow_credentials(true);
            if let Some(predicate) = predicate {
                builder = builder.allow_origin_fn(move |origin| predicate(origin));
            }
            // Every origin passed the validation of the build: it cannot
            // fail; if it ever did, trusting nothing is the safe side.
            builder.build().ok()
        };
        Derived { trusted, left_out }
    }
}

/// What a guard trusts of a policy: a policy of the kept origins (built as
/// a `TrustBuilder` builds one), and what was left out.
pub(crate) struct Derived {
    trusted: Option<Policy>,
    left_out: Vec<LeftOut>,
}

impl Derived {
    /// Whether `origin` is trusted.
    pub(crate) fn trusts_origin(&self, origin: &HeaderValue) -> bool {
        self.trusted
            .as_ref()
            .is_some_and(|policy| policy.trusts_origin(origin))
    }

    /// What the policy allows that the guard does not trust, and why.
    pub(crate) fn left_out(&self) -> &[LeftOut] {
        &self.left_out
    }

    /// The trusted origins and patterns, for `Display`.
    pub(crate) fn trusted(&self) -> Option<&Policy> {
        self.trusted.as_ref()
    }
}

/// One thing a policy allows that the guard does not trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeftOut {
    /// The origin or pattern as configured, or the builder method of a
    /// predicate.
    pub(crate) origin: String,
    pub(crate) reason: LeftOutReason,
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.origin, self.reason)
    }
}

/// Why a guard does not trust what a policy allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeftOutReason {
    AnyOrigin,
    Null,
    PlainHttp,
    PublicSuffix,
    NeedsPublicSuffixList,
    PredicateNotOptedIn,
    RequestPredicate,
    /// Any other problem of the credentialed validation (none is known).
    Invalid,
}

impl LeftOutReason {
    fn of(problem: &ConfigProblem) -> Self {
        match problem {
            ConfigProblem::InsecureOriginWithCredentials { .. } => Self::PlainHttp,
            ConfigProblem::PublicSuffixWildcardWithCredentials { .. } => Self::PublicSuffix,
            ConfigProblem::WildcardNeedsPublicSuffixList { .. } => Self::NeedsPublicSuffixList,
            _ => Self::Invalid,
        }
    }
}

impl fmt::Display for LeftOutReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AnyOrigin => "any origin names none to trust",
            Self::Null => "sent by every sandboxed page",
            Self::PlainHttp => "plain http beyond loopback",
            Self::PublicSuffix => "a pattern directly under a public suffix",
            Self::NeedsPublicSuffixList => "a pattern, without the public-suffix feature",
            Self::PredicateNotOptedIn => "a predicate, not trusted without trust_policy_predicate",
            Self::RequestPredicate => "a request predicate, never asked by the guard",
            Self::Invalid => "refused as a trusted origin",
        })
    }
}
