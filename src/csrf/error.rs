//! Configuration errors of the guard: every problem at once, typed.

use std::fmt;

use crate::policy::ConfigProblem;

/// Why [`TrustBuilder::build`](super::TrustBuilder::build) refused a
/// configuration: one or more [`TrustProblem`]s, all of them.
///
/// ```
/// use tower_cors::csrf::{TrustProblem, Trusted};
///
/// let err = Trusted::builder()
///     .trust_origins(["https://app.example.com/", "*"])
///     .bypass_prefix("/hooks")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.problems().len(), 3);
/// assert!(err.problems().contains(&TrustProblem::AnyOrigin));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TrustError {
    problems: Vec<TrustProblem>,
}

impl TrustError {
    pub(crate) fn new(problems: Vec<TrustProblem>) -> Self {
        debug_assert!(!problems.is_empty());
        Self { problems }
    }

    /// Every problem found, in the order the configuration was checked.
    pub fn problems(&self) -> &[TrustProblem] {
        &self.problems
    }
}

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid cross-origin protection ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// One problem in the guard's configuration.
///
/// ```
/// use tower_cors::csrf::{TrustProblem, Trusted};
///
/// let err = Trusted::builder().trust_origins(["null"]).build().unwrap_err();
/// assert_eq!(err.problems(), [TrustProblem::NullOrigin]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustProblem {
    /// A trusted origin the CORS validation refuses. Trusted origins are
    /// checked as credentialed CORS origins, since a trusted origin's
    /// pages act with the user's cookies: plain `http` only for loopback,
    /// no pattern directly under a public suffix.
    #[error("trusted origin: {0}")]
    Origin(ConfigProblem),
    /// `*`: trusting every origin switches the guard off.
    #[error("\"*\" would trust every origin and switch the guard off: list the origins instead")]
    AnyOrigin,
    /// `null` is sent by every sandboxed iframe, attackers' included.
    #[error("the origin \"null\" is sent by every sandboxed page, attackers' included: it cannot be trusted")]
    NullOrigin,
    /// Both a CORS policy and a list of origins or a predicate: the guard
    /// trusts one origin source, so that it never drifts from the policy.
    #[error("trust_policy cannot be combined with trust_origins or trust_origin_fn: put the origins in the policy")]
    PolicyAndOrigins,
    /// [`trust_policy_predicate`](super::TrustBuilder::trust_policy_predicate)
    /// without a policy to take the predicate from.
    #[error("trust_policy_predicate needs trust_policy or trust_handle: there is no policy predicate to trust")]
    PredicateWithoutPolicy,
    /// An exact bypass path that no request can name as written.
    #[error("bypass path {path:?}: {reason}")]
    InvalidBypassPath {
        /// The path as configured.
        path: String,
        /// What is wrong with it.
        reason: BypassPathError,
    },
    /// A bypass prefix that cannot be used.
    #[error("bypass prefix {prefix:?}: {reason}")]
    InvalidBypassPrefix {
        /// The prefix as configured.
        prefix: String,
        /// What is wrong with it.
        reason: BypassPathError,
    },
}

/// What is wrong with a bypass path or prefix.
///
/// ```
/// use tower_cors::csrf::{BypassPathError, TrustProblem, Trusted};
///
/// let err = Trusted::builder().bypass_path("/hooks/../admin").build().unwrap_err();
/// assert_eq!(
///     err.problems(),
///     [TrustProblem::InvalidBypassPath { path: "/hooks/../admin".into(), reason: BypassPathError::NotPlain }]
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BypassPathError {
    /// Does not start with `/`.
    #[error("it does not start with \"/\"")]
    NotAbsolute,
    /// A character a URL path cannot carry unencoded (space, `?`, `#`,
    /// non-ASCII, a `%` not followed by two hex digits, ...).
    #[error("it has a character a request path cannot carry as written (encode it with %XX)")]
    InvalidCharacter,
    /// `//`, a `.` or `..` segment (also behind `;` parameters), an
    /// encoded `/`, `\`, `.`, `;` or `%`, a `%u` escape, a `%` that starts no
    /// escape, or a `\`: browsers
    /// never send such a path, and paths are never normalized.
    #[error(
        "it is not in the plain form browsers send (no //, . or .. segments, ..;, %2f, %5c, %2e, %3b, %25, %u, a % that starts no escape, or \\)"
    )]
    NotPlain,
    /// A prefix must end with `/`, or `/hooks` would also cover
    /// `/hooks-admin`.
    #[error(
        "a prefix must end with \"/\" (\"/hooks/\"), or it also covers paths like \"/hooks-admin\""
    )]
    PrefixWithoutSlash,
    /// The prefix `/` covers every path.
    #[error("the prefix \"/\" covers every path and switches the guard off")]
    Everything,
}
