//! The header values a policy sends whatever the request, and the header
//! maps ready-made from them, built once with the policy.
//!
//! Each policy owns its answers ([`SharedReadyMade`], one `Arc`): every
//! decision the policy makes holds a count on them, so a response still in
//! flight keeps the values of the policy that decided it after a reload
//! replaced that policy. The values themselves are ordinary shared
//! `HeaderValue`s; copying one into a response raises its reference count,
//! and all of it is freed with the policy's last clone and the last
//! response that carried one of its values. Nothing is kept per process, so
//! a server that builds a new policy on every reload, forever, holds only
//! the policies in use, and every policy answers at the same cost however
//! many came before it.

use std::fmt;
use std::sync::Arc;

use http::header::{HeaderMap, HeaderValue};

use super::entries::{entries, AnswerValues, MAX_LEN, PLACEHOLDER};
use super::{Answer, RefusedMap};
use crate::policy::refusal::Malformed;

/// What a policy answers with, as configured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AnswerSpec {
    /// The answer depends on `Origin` (it is not the constant `*`).
    pub(crate) by_origin: bool,
    pub(crate) credentials: bool,
    pub(crate) expose: Option<Box<[u8]>>,
    pub(crate) max_age: Option<u64>,
    /// The fixed `Access-Control-Allow-Methods`, unless echoed.
    pub(crate) allow_methods: Option<Box<[u8]>>,
    /// The fixed `Access-Control-Allow-Headers`, unless echoed.
    pub(crate) allow_headers: Option<Box<[u8]>>,
    /// Preflights get their requested method echoed back.
    pub(crate) echo_methods: bool,
    /// Preflights get their requested header names echoed back.
    pub(crate) echo_headers: bool,
}

impl AnswerSpec {
    /// `Vary` of preflight answers: what the answer depends on.
    fn vary_preflight(&self) -> String {
        [
            (self.by_origin, "origin"),
            (self.echo_methods, "access-control-request-method"),
            (self.echo_headers, "access-control-request-headers"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// The values, and the header maps of the answers that need nothing from
/// the request but the values marked [`PLACEHOLDER`]: a response with no
/// header yet gets a copy of one, which costs less than inserting each
/// header into a new map.
pub(crate) struct ReadyMade {
    pub(crate) values: AnswerValues,
    pub(crate) echo_methods: bool,
    pub(crate) echo_headers: bool,
    /// Nothing granted, only `Vary: origin`.
    pub(crate) vary_only: HeaderMap,
    /// An allowed simple or actual request.
    pub(crate) actual: HeaderMap,
    /// An allowed preflight (without Private Network Access).
    pub(crate) preflight: HeaderMap,
    /// A refused preflight, by [`RefusedMap`].
    pub(crate) refused: [HeaderMap; RefusedMap::ALL.len()],
    /// A malformed preflight, by [`Malformed`] (each has its own reason).
    pub(crate) malformed: [HeaderMap; Malformed::ALL.len()],
}

/// A policy's answers, shared by the policy's clones and by every
/// decision it made.
pub(crate) type SharedReadyMade = Arc<ReadyMade>;

impl ReadyMade {
    fn build(spec: &AnswerSpec) -> ReadyMade {
        let optional = |bytes: Option<&[u8]>| bytes.and_then(value);
        let max_age = spec.max_age.map(|secs| secs.to_string());
        let vary_preflight = spec.vary_preflight();
        let values = AnswerValues {
            credentials: spec.credentials.then(|| HeaderValue::from_static("true")),
            expose: optional(spec.expose.as_deref()),
            max_age: optional(max_age.as_deref().map(str::as_bytes)),
            allow_methods: optional(spec.allow_methods.as_deref()),
            allow_headers: optional(spec.allow_headers.as_deref()),
            vary_actual: spec.by_origin.then(|| HeaderValue::from_static("origin")),
            vary_preflight: optional(Some(vary_preflight.as_bytes()).filter(|v| !v.is_empty())),
        };
        let map = |answer: Answer| {
            // Room for every header an answer can have: a copy keeps the
            // size of the table, so headers added to it later (axum adds
            // `Allow` to preflight answers) need no new table.
            let mut map = HeaderMap::with_capacity(MAX_LEN);
            for (name, value) in entries(&values, &answer).into_iter().flatten() {
                map.append(name, value.clone());
            }
            // A copy keeps the table but holds only the entries there are.
            map.clone()
        };
        let placeholder = || PLACEHOLDER.clone();
        let vary_only = map(Answer::Nothing { vary_origin: true });
        let actual = map(Answer::Actual {
            allow_origin: placeholder(),
        });
        let preflight = map(Answer::Preflight {
            allow_origin: placeholder(),
            methods: spec.echo_methods.then(placeholder),
            headers: spec.echo_headers.then(placeholder),
            private_network: false,
        });
        let refused = RefusedMap::ALL.map(|refused| map(Answer::RefusedPreflight(refused)));
        let malformed = Malformed::ALL.map(|malformed| map(Answer::RefusedMalformed(malformed)));
        ReadyMade {
            values,
            echo_methods: spec.echo_methods,
            echo_headers: spec.echo_headers,
            vary_only,
            actual,
            preflight,
            refused,
            malformed,
        }
    }
}

impl fmt::Debug for ReadyMade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.values.fmt(f)
    }
}

/// The values and maps for `spec`, built for one policy.
pub(crate) fn ready_made(spec: &AnswerSpec) -> SharedReadyMade {
    Arc::new(ReadyMade::build(spec))
}

/// `bytes` as a header value whose copies share one reference-counted
/// buffer; `None` if they are not a header value.
///
/// A value built from bytes owns a plain buffer, which `bytes` turns into a
/// shared one on its first copy, allocating then: copying once here, when
/// the policy is built, keeps that allocation off the request path.
pub(crate) fn value(bytes: &[u8]) -> Option<HeaderValue> {
    let value = HeaderValue::from_bytes(bytes).ok()?;
    drop(value.clone());
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(n: u64) -> AnswerSpec {
        AnswerSpec {
            by_origin: true,
            credentials: true,
            expose: Some(b"x-request-id"[..].into()),
            max_age: Some(n),
            allow_methods: Some(b"GET,PUT"[..].into()),
            ..AnswerSpec::default()
        }
    }

    fn values(answers: &ReadyMade) -> Vec<Option<&[u8]>> {
        let v = &answers.values;
        [
            &v.credentials,
            &v.expose,
            &v.max_age,
            &v.allow_methods,
            &v.allow_headers,
            &v.vary_actual,
            &v.vary_preflight,
        ]
        .iter()
        .map(|v| v.as_ref().map(HeaderValue::as_bytes))
        .collect()
    }

    #[test]
    fn values_follow_the_settings() {
        let answers = ready_made(&AnswerSpec {
            echo_methods: true,
            echo_headers: true,
            ..spec(600)
        });
        assert_eq!(
            values(&answers),
            [
                Some(&b"true"[..]),
                Some(b"x-request-id"),
                Some(b"600"),
                Some(b"GET,PUT"),
                None,
                Some(b"origin"),
                Some(b"origin, access-control-request-method, access-control-request-headers"),
            ]
        );
        let any = ready_made(&AnswerSpec::default());
        assert_eq!(values(&any), [None; 7]);
    }

    #[test]
    fn each_policy_builds_its_own_answers_and_frees_them() {
        let first = ready_made(&spec(1));
        let second = ready_made(&spec(1));
        // Nothing shared between policies, so nothing outlives them.
        assert!(!Arc::ptr_eq(&first, &second));
        assert_eq!(values(&first), values(&second));
        assert_eq!(first.actual, second.actual);
        assert_eq!(first.preflight, second.preflight);
        assert_eq!(first.refused, second.refused);
        assert_eq!(first.malformed, second.malformed);

        let weak = Arc::downgrade(&first);
        let held = first.clone();
        drop(first);
        assert!(weak.upgrade().is_some(), "a decision's copy keeps them");
        drop(held);
        assert!(weak.upgrade().is_none(), "freed with the last copy");
    }

    #[test]
    fn values_are_shared_buffers_or_refused() {
        let origin = value(b"https://a.example").expect("a header value");
        let copy = origin.clone();
        // The same buffer: copies into responses copy no bytes.
        assert_eq!(origin.as_bytes().as_ptr(), copy.as_bytes().as_ptr());
        assert_eq!(copy, "https://a.example");
        assert_eq!(value(b"bad\n"), None);
    }
}
