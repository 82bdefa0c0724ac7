//! The answer: which headers each outcome of a decision sends
//! ([`Answer`]), the table of entries that says it once (`entries`), the
//! header maps ready-made from that table when the policy is built
//! (`ready_made`), the [`CorsHeaders`] a decision hands out and how they are
//! written into a response, and the `Vary` merge (`vary`).

mod cors_headers;
mod entries;
mod ready_made;
mod vary;

use http::header::HeaderValue;

use super::refusal::{Denied, Malformed, ORIGIN_NOT_ALLOWED};
pub use cors_headers::CorsHeaders;
use entries::PLACEHOLDER;
pub(crate) use ready_made::value;
pub(crate) use ready_made::{ready_made, AnswerSpec, SharedReadyMade};

/// What one decision answers, beyond what the policy says for every
/// request: granted or not, and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Nothing but `Vary: origin` (when the policy varies by origin): not a
    /// CORS request, or a refused one that the application still answers.
    Nothing { vary_origin: bool },
    /// A simple or actual request from an allowed origin.
    Actual { allow_origin: HeaderValue },
    /// An allowed preflight. `methods` and `headers` hold the requested
    /// values when the policy echoes them, else the precomputed lists apply.
    Preflight {
        allow_origin: HeaderValue,
        methods: Option<HeaderValue>,
        headers: Option<HeaderValue>,
        private_network: bool,
    },
    /// A refused preflight answered with a ready-made map: a refused
    /// origin at run time; [`RefusedMap::Given`] only to build the map that
    /// [`RefusedBecause`](Answer::RefusedBecause) fills in.
    RefusedPreflight(RefusedMap),
    /// A refused preflight, answered with this `cors-refusal` reason (a
    /// method or header that names the culprit).
    RefusedBecause(HeaderValue),
    /// A malformed preflight, answered from its ready-made map.
    RefusedMalformed(Malformed),
    /// A preflight from an allowed origin whose method or header is
    /// refused, answered in debug mode: the allowed origin, credentials and
    /// the configured lists (`headers` holds the requested names the policy
    /// allows, when it allows any header), so that the browser names what
    /// is missing; never the refused method or header itself.
    DebugPreflight {
        allow_origin: HeaderValue,
        headers: Option<HeaderValue>,
        reason: HeaderValue,
    },
}

impl Answer {
    /// What a refused preflight is answered with (outside debug mode).
    pub(crate) fn refused_preflight(denied: Denied<'_>) -> Answer {
        match denied {
            Denied::Origin => Answer::RefusedPreflight(RefusedMap::Origin),
            Denied::Malformed(malformed) => Answer::RefusedMalformed(malformed),
            denied => Answer::RefusedBecause(denied.reason()),
        }
    }
}

/// The ready-made [`CORS_REFUSAL`] maps of refused preflights: one whole
/// for the most common refusal, a refused origin, and one whose reason is a
/// [`PLACEHOLDER`] filled in per request (the malformed reasons, fixed
/// texts, and the method and header ones, which name the culprit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefusedMap {
    Origin,
    Given,
}

impl RefusedMap {
    pub(crate) const ALL: [RefusedMap; 2] = [RefusedMap::Origin, RefusedMap::Given];

    pub(crate) fn value(self) -> &'static HeaderValue {
        match self {
            RefusedMap::Origin => &ORIGIN_NOT_ALLOWED,
            RefusedMap::Given => &PLACEHOLDER,
        }
    }
}
