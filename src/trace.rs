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

use crate::policy::{Detail, Outcome, Policy, RequestHead};

/// How much the layer works out: [`Detail::Full`] while `DEBUG` events are
/// enabled for `tower_cors`, so that the reason recorded is the exact one;
/// [`Detail::Layer`] otherwise, and always without the feature.
#[inline(always)]
pub(crate) fn detail() -> Detail {
    #[cfg(feature = "tracing")]
    if tracing::enabled!(target: "tower_cors", tracing::Level::DEBUG) {
        return Detail::Full;
    }
    Detail::Layer
}

/// The layer's decision for `request`, recorded: what [`Cors`](crate::Cors)
/// does, and [`LookupCors`](crate::lookup::LookupCors) when the lists decide.
#[inline(always)]
pub(crate) fn decide<'r, R: RequestHead + ?Sized>(policy: &Policy, request: &'r R) -> Outcome<'r> {
    let detail = detail();
    let outcome = policy.decide(request, detail);
    record(detail, &outcome, request);
    outcome
}

/// The event of a decision made with `detail` (none unless it was made in
/// full, that is unless `DEBUG` is enabled).
#[inline(always)]
pub(crate) fn record<R: RequestHead + ?Sized>(detail: Detail, outcome: &Outcome<'_>, request: &R) {
    #[cfg(feature = "tracing")]
    if detail == Detail::Full {
        let reason = outcome.denied.as_ref().map(|d| d as &dyn std::fmt::Display);
        events::record(outcome.kind, reason, request.method(), request.headers());
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (detail, outcome, request);
}

/// The event of a decision an asynchronous lookup settles: the two
/// possible events, kept until it answers (nothing is kept unless `DEBUG`
/// is enabled, and nothing at all without the feature).
pub(crate) struct Pending {
    #[cfg(feature = "tracing")]
    events: Option<Box<events::Both>>,
}

impl Pending {
    /// The events of `refused` and `allowed`, both decided with `detail`
    /// for `request`.
    #[inline(always)]
    pub(crate) fn new<R: RequestHead + ?Sized>(
        detail: Detail,
        refused: &Outcome<'_>,
        allowed: &Outcome<'_>,
        request: &R,
    ) -> Self {
        #[cfg(feature = "tracing")]
        return Pending {
            events: (detail == Detail::Full)
                .then(|| Box::new(events::Both::new(refused, allowed, request))),
        };
        #[cfg(not(feature = "tracing"))]
        {
            let _ = (detail, refused, allowed, request);
            Pending {}
        }
    }

    /// Records the event of the answer the lookup chose.
    #[inline(always)]
    pub(crate) fn settle(self, allowed: bool) {
        #[cfg(feature = "tracing")]
        if let Some(both) = self.events {
            both.record(allowed);
        }
        #[cfg(not(feature = "tracing"))]
        let _ = allowed;
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

#[cfg(feature = "tracing")]
mod events {
    use std::fmt;

    use http::header::{
        HeaderMap, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    };
    use http::Method;

    use crate::policy::{Outcome, RequestHead, RequestKind};

    use crate::escape::{Clipped, Escaped, Lines};

    /// What an event says of one decision, owned.
    struct Said {
        kind: RequestKind,
        reason: Option<String>,
    }

    impl Said {
        fn of(outcome: &Outcome<'_>) -> Self {
            Said {
                kind: outcome.kind,
                reason: outcome.denied.map(|denied| denied.to_string()),
            }
        }
    }

    /// Both events a lookup chooses between, with the lines of the request
    /// they quote (copies share the request's buffers).
    pub(super) struct Both {
        method: Method,
        head: HeaderMap,
        refused: Said,
        allowed: Said,
    }

    impl Both {
        pub(super) fn new<R: RequestHead + ?Sized>(
            refused: &Outcome<'_>,
            allowed: &Outcome<'_>,
            request: &R,
        ) -> Self {
            let mut head = HeaderMap::new();
            for name in [
                ORIGIN,
                ACCESS_CONTROL_REQUEST_METHOD,
                ACCESS_CONTROL_REQUEST_HEADERS,
            ] {
                for value in request.headers().get_all(&name) {
                    head.append(name.clone(), value.clone());
                }
            }
            Both {
                method: request.method().clone(),
                head,
                refused: Said::of(refused),
                allowed: Said::of(allowed),
            }
        }

        pub(super) fn record(self, allowed: bool) {
            let said = if allowed { self.allowed } else { self.refused };
            let reason = said.reason.as_ref().map(|r| r as &dyn fmt::Display);
            record(said.kind, reason, &self.method, &self.head);
        }
    }

    fn kind_name(kind: RequestKind) -> &'static str {
        match kind {
            RequestKind::NotCors => "not-cors",
            RequestKind::Simple => "simple",
            RequestKind::Preflight => "preflight",
            RequestKind::Actual => "actual",
        }
    }

    pub(super) fn record(
        kind: RequestKind,
        reason: Option<&dyn fmt::Display>,
        method: &Method,
        headers: &HeaderMap,
    ) {
        if kind == RequestKind::NotCors {
            return;
        }
        let origin = Lines(headers, ORIGIN);
        let method = Escaped(method.as_str().as_bytes());
        let preflight = kind == RequestKind::Preflight;
        let kind = kind_name(kind);
        let requested_method = Lines(headers, ACCESS_CONTROL_REQUEST_METHOD);
        let requested_headers = Lines(headers, ACCESS_CONTROL_REQUEST_HEADERS);
        match reason {
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
