//! The one definition of what each [`Answer`] holds: every header, in the
//! order it is written, from the policy's values and the request's. The
//! ready-made maps and the writer both read this table.

use http::header::{self, HeaderName, HeaderValue};

use super::Answer;
use crate::policy::headers::ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK;
use crate::policy::refusal::CORS_REFUSAL;

/// The values themselves.
#[derive(Debug)]
pub(crate) struct AnswerValues {
    pub(crate) credentials: Option<HeaderValue>,
    pub(crate) expose: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) allow_methods: Option<HeaderValue>,
    pub(crate) allow_headers: Option<HeaderValue>,
    /// `Vary` of every answer but a preflight's: `origin`, unless the answer
    /// is the constant `*`.
    pub(crate) vary_actual: Option<HeaderValue>,
    pub(crate) vary_preflight: Option<HeaderValue>,
}

pub(crate) static TRUE: HeaderValue = HeaderValue::from_static("true");
static ORIGIN: HeaderValue = HeaderValue::from_static("origin");
/// Stands for a value taken from the request in the ready-made maps of
/// [`ReadyMade`](super::ready_made::ReadyMade); always replaced before sending
/// (and an empty value would grant nothing if it were not).
pub(crate) static PLACEHOLDER: HeaderValue = HeaderValue::from_static("");

/// One header of an answer; `Vary` is merged, the others replace.
pub(crate) type Entry<'a> = Option<(HeaderName, &'a HeaderValue)>;

/// The most headers an answer can have.
pub(crate) const MAX_LEN: usize = 9;

/// Every header of `answer` with the policy's `values`, in the
/// order they are written: the one definition of what each answer holds.
pub(crate) fn entries<'a>(values: &'a AnswerValues, answer: &'a Answer) -> [Entry<'a>; MAX_LEN] {
    fn with(name: HeaderName, value: Option<&HeaderValue>) -> Entry<'_> {
        value.map(|v| (name, v))
    }
    let vary_preflight = values.vary_preflight.as_ref();
    // What each kind of answer sends beyond the policy's fixed values:
    // (allow origin, credentials?, expose?, preflight lists, vary, refusal);
    // the preflight lists are (methods, headers, private network, max age).
    let (allow_origin, credentials, expose, preflight, vary, refusal) = match answer {
        Answer::Nothing { vary_origin } => (
            None,
            false,
            false,
            None,
            vary_origin.then_some(&ORIGIN),
            None,
        ),
        Answer::RefusedPreflight(map) => {
            (None, false, false, None, vary_preflight, Some(map.value()))
        }
        Answer::RefusedBecause(reason) => (None, false, false, None, vary_preflight, Some(reason)),
        Answer::RefusedMalformed(malformed) => (
            None,
            false,
            false,
            None,
            vary_preflight,
            Some(malformed.value()),
        ),
        // No max age: the browser keeps this answer its default 5 s, so a
        // fixed configuration is seen at once.
        Answer::DebugPreflight {
            allow_origin,
            headers,
            reason,
        } => (
            Some(allow_origin),
            true,
            false,
            Some((&None, headers, false, false)),
            vary_preflight,
            Some(reason),
        ),
        Answer::Actual { allow_origin } => (
            Some(allow_origin),
            true,
            true,
            None,
            values.vary_actual.as_ref(),
            None,
        ),
        Answer::Preflight {
            allow_origin,
            methods,
            headers,
            private_network,
        } => (
            Some(allow_origin),
            true,
            false,
            Some((methods, headers, *private_network, true)),
            vary_preflight,
            None,
        ),
    };
    [
        with(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin),
        with(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            values.credentials.as_ref().filter(|_| credentials),
        ),
        with(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            preflight.and_then(|(m, _, _, _)| m.as_ref().or(values.allow_methods.as_ref())),
        ),
        with(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            preflight.and_then(|(_, h, _, _)| h.as_ref().or(values.allow_headers.as_ref())),
        ),
        with(
            header::ACCESS_CONTROL_MAX_AGE,
            preflight
                .filter(|(_, _, _, max_age)| *max_age)
                .and(values.max_age.as_ref()),
        ),
        with(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            values.expose.as_ref().filter(|_| expose),
        ),
        with(
            ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
            preflight.and_then(|(_, _, pn, _)| pn.then_some(&TRUE)),
        ),
        with(header::VARY, vary),
        with(CORS_REFUSAL, refusal),
    ]
}
