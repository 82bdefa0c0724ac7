//! `tracing` events, behind the `tracing` feature: one `DEBUG` event per
//! refused request and one `TRACE` event per allowed CORS request, target
//! `tower_cors`.
//!
//! Fields: `origin`, `method`, `kind` (`simple`, `actual`, `preflight`),
//! `reason` (refused only: the [`Refusal`](crate::Refusal) text, as in the
//! `cors-refusal` header), and for preflights `requested_method` and
//! `requested_headers`. The message is a constant. Values from the request
//! are fields, never formatted into the message, and are written escaped:
//! every byte that is not printable ASCII (CR, LF, tab, other controls,
//! obs-text) as `\xNN`, quotes and backslashes with a backslash, and past
//! 256 bytes cut short with the length. A hostile header can
//! neither start a line of its own in a log nor fill it.
//!
//! When `DEBUG` is not enabled for `tower_cors` (no subscriber, or one
//! filtering it out), the layer decides exactly as without the feature;
//! the only cost is the check, a load and a compare. When it is enabled,
//! the layer decides in full ([`Detail::Full`]), so the reason logged is
//! the exact one: a malformed origin is named malformed, not just refused.

use crate::policy::{Detail, Policy, RequestHead, Verdict};

/// How the layer decides: with the feature off, as ever.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn decide<'r, R: RequestHead + ?Sized>(policy: &Policy, request: &'r R) -> Verdict<'r> {
    policy.decide(request, Detail::Layer)
}

/// How the layer decides, and the event that records it.
#[cfg(feature = "tracing")]
#[inline]
pub(crate) fn decide<'r, R: RequestHead + ?Sized>(policy: &Policy, request: &'r R) -> Verdict<'r> {
    if !tracing::enabled!(target: "tower_cors", tracing::Level::DEBUG) {
        return policy.decide(request, Detail::Layer);
    }
    let verdict = policy.decide(request, Detail::Full);
    events::record(&verdict, request.method(), request.headers());
    verdict
}

#[cfg(feature = "tracing")]
mod events {
    use http::header::{
        HeaderMap, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    };
    use http::Method;

    use crate::policy::{RequestKind, Verdict};

    use crate::escape::{Clipped, Escaped, Lines};

    fn kind_name(kind: RequestKind) -> &'static str {
        match kind {
            RequestKind::NotCors => "not-cors",
            RequestKind::Simple => "simple",
            RequestKind::Preflight => "preflight",
            RequestKind::Actual => "actual",
        }
    }

    pub(super) fn record(verdict: &Verdict<'_>, method: &Method, headers: &HeaderMap) {
        if verdict.kind == RequestKind::NotCors {
            return;
        }
        let origin = Lines(headers, ORIGIN);
        let method = Escaped(method.as_str().as_bytes());
        let kind = kind_name(verdict.kind);
        let preflight = verdict.kind == RequestKind::Preflight;
        let requested_method = Lines(headers, ACCESS_CONTROL_REQUEST_METHOD);
        let requested_headers = Lines(headers, ACCESS_CONTROL_REQUEST_HEADERS);
        match verdict.denied {
            // `reason` is built from tokens only (see `Refusal`): no
            // escaping needed, and it reads as in the `cors-refusal` header.
            Some(denied) if preflight => tracing::debug!(
                target: "tower_cors",
                origin = ?origin,
                method = ?method,
                kind,
                reason = %Clipped(denied),
                requested_method = ?requested_method,
                requested_headers = ?requested_headers,
                "CORS request refused"
            ),
            Some(denied) => tracing::debug!(
                target: "tower_cors",
                origin = ?origin,
                method = ?method,
                kind,
                reason = %Clipped(denied),
                "CORS request refused"
            ),
            None if preflight => tracing::trace!(
                target: "tower_cors",
                origin = ?origin,
                method = ?method,
                kind,
                requested_method = ?requested_method,
                requested_headers = ?requested_headers,
                "CORS request allowed"
            ),
            None => tracing::trace!(
                target: "tower_cors",
                origin = ?origin,
                method = ?method,
                kind,
                "CORS request allowed"
            ),
        }
    }
}
