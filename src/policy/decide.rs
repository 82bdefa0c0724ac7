//! The decision flow, in the order a request meets it: no `Origin`
//! (`#cors-protocol-and-http-caches`), a malformed request, the origin
//! (the lists, then the request predicate or a lookup's yes), and for a
//! preflight the method and the requested headers (`preflight`). Each step
//! that refuses says why ([`Denied`]); what is sent is an [`Answer`].

use http::header::{HeaderValue, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::Method;

use super::answer::{Answer, CorsHeaders};
use super::classify::{self, RequestKind};
use super::decision::{Decision, Outcome};
use super::predicate::{self, Unlisted};
use super::refusal::{Denied, Malformed};
use super::{preflight, Policy, RequestHead};

/// How much [`Policy::decide`] works out beyond the headers to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// For [`Policy::evaluate`]: the exact kind (simple, actual, preflight
    /// or not CORS) and the exact reason for any refusal.
    Full,
    /// For the layer, which sends the same headers for simple and actual
    /// requests, and names the reason for a refusal only in a refused
    /// preflight's answer: every cross-origin request that is not a
    /// preflight is reported as actual, and when the refusal of its origin
    /// is certain, the reason given is [`Denied::Origin`] even for an
    /// origin that a full parse would call malformed.
    Layer,
}

impl Policy {
    /// Decides what to answer to a request.
    ///
    /// - No `Origin`: [`RequestKind::NotCors`]; only `Vary: Origin` is sent,
    ///   or, when any origin is allowed, `Access-Control-Allow-Origin: *`
    ///   (and `-Expose-Headers`), since a constant answer must be on every
    ///   response for caches to be safe to share.
    /// - A preflight: allowed when the origin, the method and every requested
    ///   header are; the answer carries `Access-Control-Allow-Origin`,
    ///   `-Methods`, `-Headers`, `-Credentials`, `-Max-Age` as configured.
    ///   Refused, it carries no `Access-Control-*` header at all.
    /// - A simple or actual request: allowed when the origin is; the answer
    ///   carries `Access-Control-Allow-Origin`, `-Credentials` and
    ///   `-Expose-Headers`.
    ///
    /// Several `Origin` headers, or values no browser sends, are refused as
    /// [`Refusal::Malformed`](super::Refusal::Malformed), except by an any-origin policy outside
    /// preflights: its answer is `*` whatever `Origin` says. The cost does not grow with the number of
    /// configured origins nor with the size of hostile headers.
    ///
    /// ```
    /// use tower_cors::policy::{Policy, Refusal};
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder().allow_origins(["https://app.example.com"]).build()?;
    /// let request = Request::get("/").header("origin", "https://evil.example").body(())?;
    /// let decision = policy.evaluate(&request);
    /// assert_eq!(decision.refusal(), Some(&Refusal::OriginNotAllowed));
    /// // Nothing is granted, but caches are still told the answer varies.
    /// let sent: Vec<_> = decision.headers().iter().map(|(name, _)| name).collect();
    /// assert_eq!(sent, [header::VARY]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate<R: RequestHead + ?Sized>(&self, request: &R) -> Decision {
        self.decide(request, Detail::Full).into_decision()
    }

    /// [`evaluate`](Self::evaluate) for a user, or what the layer needs of it
    /// (see [`Detail`]).
    pub(crate) fn decide<'r, R: RequestHead + ?Sized>(
        &self,
        request: &'r R,
        detail: Detail,
    ) -> Outcome<'r> {
        self.decide_unlisted(request, detail, Unlisted::Ask)
    }

    /// [`decide`](Self::decide), with what decides on well-formed origins
    /// the lists refuse.
    fn decide_unlisted<'r, R: RequestHead + ?Sized>(
        &self,
        request: &'r R,
        detail: Detail,
        unlisted: Unlisted,
    ) -> Outcome<'r> {
        let (method, headers) = (request.method(), request.headers());
        let rules = &*self.rules;
        let mut origins = headers.get_all(ORIGIN).iter();
        // An answer that does not depend on `Origin` must be the same on
        // every response, or a cache serves a `fetch()` the answer to an
        // `<img>` load or a navigation that had none
        // (`#cors-protocol-and-http-caches`).
        let Some(origin) = origins.next() else {
            let answer = match rules.origins.constant() {
                Some(allow_origin) => Answer::Actual { allow_origin },
                None => Answer::Nothing {
                    vary_origin: self.varies_by_origin(),
                },
            };
            return Outcome {
                kind: RequestKind::NotCors,
                denied: None,
                headers: CorsHeaders::new(&rules.ready_made, answer),
            };
        };

        // Looked up once, for `OPTIONS` only: a first line makes a
        // preflight, a second makes it malformed.
        let (request_method, several_methods) = match *method == Method::OPTIONS {
            true => {
                let mut lines = headers.get_all(ACCESS_CONTROL_REQUEST_METHOD).iter();
                (lines.next(), lines.next().is_some())
            }
            false => (None, false),
        };
        let preflight = request_method.is_some();
        let kind = match detail {
            _ if preflight => RequestKind::Preflight,
            Detail::Full => {
                classify::cross_origin_kind(method, headers, classify::HeadersFrom::Received)
            }
            Detail::Layer => RequestKind::Actual,
        };

        // A constant answer holds whatever the `Origin` lines say, even
        // when malformed: only a preflight's answer may tell them apart.
        let constant = match preflight {
            true => None,
            false => rules.origins.constant(),
        };
        let allow_origin = if let Some(allow_origin) = constant {
            Ok(allow_origin)
        } else if origins.next().is_some() {
            Err(Denied::Malformed(Malformed::MultipleOrigins))
        } else {
            let reason_needed = preflight || detail == Detail::Full;
            match rules.origins.check(origin, reason_needed) {
                Err(Denied::Origin) => predicate::allow_unlisted(rules, origin, request, unlisted),
                listed => listed,
            }
        };
        let (answer, denied) = match (allow_origin, request_method) {
            (Ok(allow_origin), Some(requested)) => {
                preflight::answer(rules, allow_origin, requested, several_methods, headers)
            }
            (Ok(allow_origin), None) => (Answer::Actual { allow_origin }, None),
            (Err(denied), Some(_)) => (Answer::refused_preflight(denied), Some(denied)),
            (Err(denied), None) => (
                Answer::Nothing {
                    vary_origin: self.varies_by_origin(),
                },
                Some(denied),
            ),
        };
        Outcome {
            kind,
            denied,
            headers: CorsHeaders::new(&rules.ready_made, answer),
        }
    }

    /// Decides as [`evaluate`](Self::evaluate) does, but as if the lists
    /// allowed the request's origin: what the layer of
    /// [`LookupLayer`](crate::lookup::LookupLayer) answers once its lookup
    /// said yes. Only a single, well-formed, non-`null` origin can be
    /// assumed allowed; methods, headers and everything else are still
    /// checked, and a `null` or malformed origin is still refused.
    ///
    /// ```
    /// use tower_cors::policy::{Policy, Refusal};
    /// use http::{header, Request};
    ///
    /// let policy = Policy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["PUT"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// let preflight = |method: &str| {
    ///     Request::options("/")
    ///         .header("origin", "https://tenant.example.net")
    ///         .header("access-control-request-method", method)
    ///         .body(())
    /// };
    /// assert_eq!(policy.evaluate(&preflight("PUT")?).refusal(), Some(&Refusal::OriginNotAllowed));
    ///
    /// let assumed = policy.evaluate_assuming_origin_allowed(&preflight("PUT")?);
    /// assert!(assumed.is_allowed());
    /// assert_eq!(assumed.headers().get(&header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://tenant.example.net");
    /// assert_eq!(assumed.headers().get(&header::ACCESS_CONTROL_ALLOW_CREDENTIALS).unwrap(), "true");
    /// // The method is still the policy's to allow.
    /// let refused = policy.evaluate_assuming_origin_allowed(&preflight("DELETE")?);
    /// assert!(matches!(refused.refusal(), Some(Refusal::MethodNotAllowed(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_assuming_origin_allowed<R: RequestHead + ?Sized>(
        &self,
        request: &R,
    ) -> super::Decision {
        self.decide_assuming_origin_allowed(request, Detail::Full)
            .into_decision()
    }

    /// [`decide`](Self::decide) as if the lists allowed a well-formed origin.
    pub(crate) fn decide_assuming_origin_allowed<'r, R: RequestHead + ?Sized>(
        &self,
        request: &'r R,
        detail: Detail,
    ) -> Outcome<'r> {
        self.decide_unlisted(request, detail, Unlisted::Assume)
    }

    /// The origin an asynchronous lookup is to be asked about, when
    /// `outcome` (this policy's for `request`) refused it only because the
    /// lists and predicates do not allow it: a single, well-formed,
    /// non-`null` origin. `None` for every other outcome.
    pub(crate) fn origin_to_look_up<'r, R: RequestHead + ?Sized>(
        &self,
        request: &'r R,
        outcome: &Outcome<'_>,
    ) -> Option<&'r HeaderValue> {
        if outcome.denied != Some(Denied::Origin) {
            return None;
        }
        // A refusal for its origin means exactly one `Origin` line: two
        // are refused as malformed before any list is read.
        let origin = request.headers().get(http::header::ORIGIN)?;
        predicate::well_formed(origin).map(|_| origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::predicate::tests::{counting_policy, request};
    use http::Request;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn the_layer_asks_the_predicate_as_evaluate_does() {
        // Exact origins only: the layer refuses an unlisted one without
        // parsing it, so the predicate's own well-formedness check decides.
        let asked = Arc::new(AtomicUsize::new(0));
        let policy = counting_policy(asked.clone());
        for (origin, host, allowed) in [
            (&b"https://app.acme.example"[..], "acme.example", true),
            (b"https://app.acme.example", "globex.example", false),
            (b"https://app.acme.example/", "acme.example", false),
        ] {
            let request = request(origin, host);
            let layer = policy.decide(&request, Detail::Layer);
            assert_eq!(layer.denied.is_none(), allowed, "{origin:?} {host}");
            assert_eq!(policy.evaluate(&request).is_allowed(), allowed);
        }
        assert_eq!(asked.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn only_origin_refusals_of_well_formed_origins_are_looked_up() {
        let policy = Policy::builder()
            .allow_origins(["https://listed.example"])
            .allow_methods(["PUT"])
            .build()
            .unwrap();
        let look_up = |request: &Request<()>| {
            let outcome = policy.decide(request, Detail::Layer);
            policy.origin_to_look_up(request, &outcome).cloned()
        };
        let unlisted = request(b"https://other.example", "h");
        assert_eq!(look_up(&unlisted).unwrap(), "https://other.example");
        assert_eq!(look_up(&request(b"https://listed.example", "h")), None);
        assert_eq!(look_up(&request(b"null", "h")), None);
        assert_eq!(look_up(&request(b"https://other.example/", "h")), None);
        let no_origin = Request::get("/").body(()).unwrap();
        assert_eq!(look_up(&no_origin), None);
        let two = Request::get("/")
            .header("origin", "https://other.example")
            .header("origin", "https://other.example")
            .body(())
            .unwrap();
        assert_eq!(look_up(&two), None);
        // A listed origin refused for its method is not the lookup's business.
        let delete = Request::options("/")
            .header("origin", "https://listed.example")
            .header("access-control-request-method", "DELETE")
            .body(())
            .unwrap();
        assert_eq!(look_up(&delete), None);
    }
}
